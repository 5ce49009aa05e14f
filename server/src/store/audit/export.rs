//! Exporting the log as a download: CSV (formula-safe cells) or JSON, streamed in batches so
//! only one batch is ever in memory.

use std::sync::Arc;

use app::auth::{AuditEntry, AuditQuery};
use axum::body::Bytes;
use futures_util::Stream;

use super::query::{select, with_vhost_check, AuditScope, Filter};
use super::Audit;
use crate::store::{Store, StoreError};

/// Most rows one export holds.
pub const EXPORT_LIMIT: u32 = 100_000;
/// Rows an export reads (and holds in memory) at a time.
pub const EXPORT_BATCH: u32 = 1_000;

/// How an export is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// A header row, then one row per entry; see `csv_cell` for what is escaped.
    Csv,
    /// One JSON array of entries, one per line.
    Json,
}

impl ExportFormat {
    /// `format=json` is JSON; anything else CSV.
    pub fn from_param(value: Option<&str>) -> Self {
        match value {
            Some("json") => ExportFormat::Json,
            _ => ExportFormat::Csv,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

impl Audit {
    /// The matching entries within `scope` (at most `EXPORT_LIMIT`, newest first) as a download,
    /// written as it is read: `EXPORT_BATCH` rows at a time, each batch the rows below the
    /// previous one's last id, so only one batch is ever in memory and new entries written
    /// meanwhile neither shift nor repeat rows. A store error ends the stream with that error
    /// (the download then breaks off rather than looking complete).
    pub fn export_stream(
        &self,
        query: &AuditQuery,
        scope: &AuditScope,
        format: ExportFormat,
    ) -> impl Stream<Item = Result<Bytes, StoreError>> + Send + 'static {
        self.export_batched(query, scope, format, EXPORT_BATCH, EXPORT_LIMIT)
    }

    pub(super) fn export_batched(
        &self,
        query: &AuditQuery,
        scope: &AuditScope,
        format: ExportFormat,
        batch: u32,
        limit: u32,
    ) -> impl Stream<Item = Result<Bytes, StoreError>> + Send + 'static {
        let state = ExportState {
            store: self.store.clone(),
            filter: Arc::new(Filter::new(query, scope)),
            format,
            batch: batch.max(1),
            left: limit,
            before_id: None,
            started: false,
            wrote_row: false,
            done: false,
        };
        futures_util::stream::try_unfold(state, next_chunk)
    }
}

/// Where an export stands between two chunks.
struct ExportState {
    store: Store,
    filter: Arc<Filter>,
    format: ExportFormat,
    batch: u32,
    /// Rows the cap still allows.
    left: u32,
    /// The last row written; the next batch starts below it.
    before_id: Option<i64>,
    started: bool,
    wrote_row: bool,
    done: bool,
}

/// The export's next chunk: the header with the first batch, one batch of rows each time after,
/// the closing bracket (JSON) with the last.
async fn next_chunk(mut st: ExportState) -> Result<Option<(Bytes, ExportState)>, StoreError> {
    if st.done {
        return Ok(None);
    }
    let mut out = String::new();
    if !st.started {
        st.started = true;
        out.push_str(match st.format {
            ExportFormat::Csv => CSV_HEADER,
            ExportFormat::Json => "[\n",
        });
    }
    let want = st.left.min(st.batch);
    let entries = if want == 0 {
        Vec::new()
    } else {
        let (filter, before) = (st.filter.clone(), st.before_id);
        st.store
            .call(move |c| {
                with_vhost_check(c, filter.vhost_visible.as_ref(), |c| {
                    let (clause, args) = filter.clause(before);
                    select(c, &clause, &args, want, 0)
                })
            })
            .await?
    };
    let read = entries.len() as u32;
    for entry in &entries {
        match st.format {
            ExportFormat::Csv => csv_row(entry, &mut out),
            ExportFormat::Json => {
                let json = serde_json::to_string(entry)
                    .map_err(|e| StoreError::Corrupt(format!("writing audit entry {}: {e}", entry.id)))?;
                if st.wrote_row {
                    out.push_str(",\n");
                }
                out.push_str(&json);
                st.wrote_row = true;
            }
        }
    }
    if let Some(last) = entries.last() {
        st.before_id = Some(last.id);
    }
    st.left -= read.min(st.left);
    if read < want || st.left == 0 {
        st.done = true;
        if st.format == ExportFormat::Json {
            out.push_str(if st.wrote_row { "\n]\n" } else { "]\n" });
        }
    }
    if out.is_empty() {
        return Ok(None);
    }
    Ok(Some((Bytes::from(out), st)))
}

/// The export's CSV header row.
pub const CSV_HEADER: &str =
    "id,time,actor,source,role,cluster,vhost,action,object,outcome,detail,client_addr,user_agent\n";

/// One CSV cell. Text a spreadsheet would run as a formula — starting with `=`, `+`, `-`, `@`,
/// a tab, CR or LF (which some spreadsheets skip before looking), or the full-width `＝＋－＠`,
/// after any spaces —
/// is prefixed with `'`; then the cell is quoted when it holds `,`, `"`, CR or LF.
pub fn csv_cell(text: &str) -> String {
    const FORMULA_STARTS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];
    // Spreadsheets skip leading spaces before they look for a formula: so does this.
    let lead = text.trim_start_matches(' ');
    let text = if lead.starts_with(FORMULA_STARTS) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Appends one entry's CSV row (with its line end) to `out`.
fn csv_row(e: &AuditEntry, out: &mut String) {
    let time = humantime::format_rfc3339_millis(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(e.at_ms.max(0) as u64),
    )
    .to_string();
    let opt = |v: &Option<String>| csv_cell(v.as_deref().unwrap_or(""));
    let fields = [
        csv_cell(&e.id.to_string()),
        csv_cell(&time),
        csv_cell(&e.actor),
        csv_cell(&e.source),
        opt(&e.role),
        opt(&e.cluster),
        opt(&e.vhost),
        csv_cell(&e.action),
        opt(&e.object),
        csv_cell(&e.outcome),
        opt(&e.detail),
        opt(&e.client_addr),
        opt(&e.user_agent),
    ];
    out.push_str(&fields.join(","));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::tests::{all, collect, fill, open};
    use futures_util::TryStreamExt;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(csv_cell("\t=HYPERLINK(\"http://x\",\"y\")"), "\"'\t=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_cell("\n=1"), "\"'\n=1\"");
        assert_eq!(csv_cell("=1"), "'=1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("＝1+1"), "'＝1+1");
        assert_eq!(csv_cell("＠x"), "'＠x");
        assert_eq!(csv_cell("ana"), "ana");
        assert_eq!(csv_cell("a=1"), "a=1");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell(""), "");
    }

    #[tokio::test]
    async fn exports_stream_in_batches_up_to_the_limit() {
        let (_dir, audit) = open();
        fill(&audit, 23).await;
        let query = AuditQuery::default();
        // Batches of 5: 23 rows in 5 chunks (the last one short), ids falling, none repeated.
        let chunks: Vec<Bytes> =
            audit.export_batched(&query, &all("x"), ExportFormat::Json, 5, EXPORT_LIMIT).try_collect().await.unwrap();
        assert_eq!(chunks.len(), 5);
        let entries: Vec<AuditEntry> = serde_json::from_slice(&chunks.concat()).unwrap();
        assert_eq!(entries.len(), 23);
        assert!(entries.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(entries[0].object.as_deref(), Some("n22"));
        // An exact multiple of the batch still closes the array.
        let json = collect(audit.export_batched(&query, &all("x"), ExportFormat::Json, 23, EXPORT_LIMIT)).await;
        assert_eq!(serde_json::from_str::<Vec<AuditEntry>>(&json).unwrap().len(), 23);
        // The cap holds, mid-batch too.
        let json = collect(audit.export_batched(&query, &all("x"), ExportFormat::Json, 5, 12)).await;
        let capped: Vec<AuditEntry> = serde_json::from_str(&json).unwrap();
        assert_eq!(capped.len(), 12);
        assert_eq!(capped[11].object.as_deref(), Some("n11"));
        let csv = collect(audit.export_batched(&query, &all("x"), ExportFormat::Csv, 5, 12)).await;
        assert_eq!(csv.lines().count(), 13);
        // Nothing matching: a header, or an empty array.
        let none = AuditQuery { actor: "nobody".into(), ..Default::default() };
        assert_eq!(collect(audit.export_stream(&none, &all("x"), ExportFormat::Csv)).await, CSV_HEADER);
        let json = collect(audit.export_stream(&none, &all("x"), ExportFormat::Json)).await;
        assert!(serde_json::from_str::<Vec<AuditEntry>>(&json).unwrap().is_empty(), "{json}");
    }
}
