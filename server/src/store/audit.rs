//! The audit log: every sign-in (either way) and every write, with who, from where, on what, and
//! how it ended. Kept in the store; admins page, filter and export it, each within their own
//! clusters and vhosts (`AuditScope`). Every stored text is bounded and free of control
//! characters, so nobody can bloat the log or forge lines in it; old entries are pruned (`prune`).

use std::sync::Arc;

use app::auth::{Actor, AuditEntry, AuditPage, AuditQuery};
use axum::body::Bytes;
use futures_util::Stream;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row};

use crate::config::AuditConfig;
use crate::store::{now_ms, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused by Warren: no permission, bad CSRF token, wrong password.
    Denied,
    /// Allowed, but it did not work (a broker said no, or was down).
    Failed,
    /// Refused without checking, after too many failed sign-ins.
    Throttled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
            Outcome::Throttled => "throttled",
        }
    }
}

/// What an audited action was about.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub cluster: Option<String>,
    pub vhost: Option<String>,
    pub object: Option<String>,
}

/// Longest stored actor name, source, action, cluster and vhost, in characters. Longer text is
/// cut and ends in "…" (which counts in the limit).
pub const MAX_NAME_CHARS: usize = 256;
/// Longest stored object description.
pub const MAX_OBJECT_CHARS: usize = 1024;
/// Longest stored detail.
pub const MAX_DETAIL_CHARS: usize = 2048;
/// Longest stored browser name (User-Agent).
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Longest stored client address.
pub const MAX_CLIENT_ADDR_CHARS: usize = 64;

/// Most rows one export holds.
pub const EXPORT_LIMIT: u32 = 100_000;
/// Rows an export reads (and holds in memory) at a time.
pub const EXPORT_BATCH: u32 = 1_000;
/// Rows `prune` deletes per statement, so other users of the store get a turn in between.
const PRUNE_BATCH: i64 = 10_000;

/// Which vhosts' entries a reader may see; see `AuditScope`.
pub type VhostCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Which entries a reader of the log may see. With `clusters` and `vhost_visible` both `None`
/// everything; otherwise an entry about one of `clusters` (any, when `None`) and either about
/// no vhost or a vhost `vhost_visible` accepts (any, when `None`) — and never one about no
/// cluster at all (sign-ins, users: Warren-wide matters) — plus always the reader's own entries
/// (`own`: actor name and source).
#[derive(Clone)]
pub struct AuditScope {
    pub clusters: Option<Vec<String>>,
    pub vhost_visible: Option<VhostCheck>,
    pub own: (String, String),
}

impl AuditScope {
    /// Everything: for admins who see every cluster and vhost.
    pub fn unrestricted(own: (String, String)) -> Self {
        AuditScope { clusters: None, vhost_visible: None, own }
    }

    pub fn is_unrestricted(&self) -> bool {
        self.clusters.is_none() && self.vhost_visible.is_none()
    }
}

impl std::fmt::Debug for AuditScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditScope")
            .field("clusters", &self.clusters)
            .field("vhost_visible", &self.vhost_visible.as_ref().map(|_| "<check>"))
            .field("own", &self.own)
            .finish()
    }
}

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

#[derive(Clone)]
pub struct Audit {
    store: Store,
}

impl Audit {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Appends an entry, each text bounded (`MAX_*_CHARS`) and with control characters made
    /// spaces. A failure to write is logged, never hidden: the log line says what was lost.
    pub async fn record(&self, actor: &Actor, action: &str, target: Target, outcome: Outcome, detail: Option<String>) {
        let entry = Stored::new(actor, action, &target, detail.as_deref());
        let result = self
            .store
            .call({
                let entry = entry.clone();
                move |c| {
                    c.execute(
                        "INSERT INTO audit (at_ms, actor, source, role, cluster, vhost, action, object, outcome, detail, client_addr, user_agent)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        rusqlite::params![
                            now_ms(),
                            entry.actor,
                            entry.source,
                            entry.role,
                            entry.cluster,
                            entry.vhost,
                            entry.action,
                            entry.object,
                            outcome.as_str(),
                            entry.detail,
                            entry.client_addr,
                            entry.user_agent,
                        ],
                    )
                }
            })
            .await;
        if let Err(e) = result {
            tracing::error!(
                error = %e,
                actor = %entry.actor,
                source = %entry.source,
                action = %entry.action,
                cluster = ?entry.cluster,
                vhost = ?entry.vhost,
                object = ?entry.object,
                outcome = outcome.as_str(),
                "audit entry lost"
            );
        }
    }

    /// One page of matching entries within `scope`, newest first; the counts are of those too.
    pub async fn page(&self, query: &AuditQuery, scope: &AuditScope) -> Result<AuditPage, StoreError> {
        let filter = Filter::new(query, scope);
        let page_size = AuditQuery::PAGE_SIZE;
        let page = query.page.max(1);
        self.store
            .call(move |c| {
                with_vhost_check(c, filter.vhost_visible.as_ref(), |c| {
                    let (clause, args) = filter.clause(None);
                    let matching: i64 = c.query_row(
                        &format!("SELECT count(*) FROM audit {clause}"),
                        rusqlite::params_from_iter(&args),
                        |r| r.get(0),
                    )?;
                    let page_count = (matching as u64).div_ceil(page_size as u64).max(1) as u32;
                    let page = page.min(page_count);
                    let entries = select(c, &clause, &args, page_size, (page - 1) * page_size)?;
                    Ok(AuditPage { entries, matching: matching as u64, page, page_count })
                })
            })
            .await
    }

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

    fn export_batched(
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

    /// Deletes entries older than `retention_days`, then all but the newest `max_rows`; returns
    /// how many went. Works in slices of `PRUNE_BATCH` rows, letting other calls in between.
    pub async fn prune(&self, retention: &AuditConfig) -> Result<u64, StoreError> {
        self.prune_at(retention, now_ms()).await
    }

    async fn prune_at(&self, retention: &AuditConfig, now: i64) -> Result<u64, StoreError> {
        let cutoff = now.saturating_sub(i64::from(retention.retention_days) * 86_400_000);
        let mut removed = self
            .delete_in_batches("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at_ms < ?1 LIMIT ?2)", cutoff)
            .await?;
        // The newest `max_rows` (at least one) stay: everything below the last of them goes.
        let keep = i64::try_from(retention.max_rows).unwrap_or(i64::MAX).max(1);
        let lowest_kept: Option<i64> = self
            .store
            .call(move |c| {
                c.query_row("SELECT id FROM audit ORDER BY id DESC LIMIT 1 OFFSET ?1", [keep - 1], |r| r.get(0))
                    .optional()
            })
            .await?;
        if let Some(lowest_kept) = lowest_kept {
            removed += self
                .delete_in_batches(
                    "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE id < ?1 ORDER BY id LIMIT ?2)",
                    lowest_kept,
                )
                .await?;
        }
        Ok(removed)
    }

    /// Runs `sql` (with `?1` = `bound`, `?2` = `PRUNE_BATCH`) until it deletes less than a batch.
    async fn delete_in_batches(&self, sql: &'static str, bound: i64) -> Result<u64, StoreError> {
        let mut removed = 0u64;
        loop {
            let deleted = self.store.call(move |c| c.execute(sql, rusqlite::params![bound, PRUNE_BATCH])).await?;
            removed += deleted as u64;
            if (deleted as i64) < PRUNE_BATCH {
                return Ok(removed);
            }
        }
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

/// An entry as stored: every text bounded and cleaned.
#[derive(Clone, Debug)]
struct Stored {
    actor: String,
    source: String,
    role: Option<&'static str>,
    cluster: Option<String>,
    vhost: Option<String>,
    action: String,
    object: Option<String>,
    detail: Option<String>,
    client_addr: Option<String>,
    user_agent: Option<String>,
}

impl Stored {
    fn new(actor: &Actor, action: &str, target: &Target, detail: Option<&str>) -> Self {
        let opt = |value: Option<&str>, max: usize| value.map(|v| bounded(v, max));
        Stored {
            actor: bounded(&actor.name, MAX_NAME_CHARS),
            source: bounded(&actor.source, MAX_NAME_CHARS),
            role: actor.role.map(|r| r.as_str()),
            cluster: opt(target.cluster.as_deref(), MAX_NAME_CHARS),
            vhost: opt(target.vhost.as_deref(), MAX_NAME_CHARS),
            action: bounded(action, MAX_NAME_CHARS),
            object: opt(target.object.as_deref(), MAX_OBJECT_CHARS),
            detail: opt(detail, MAX_DETAIL_CHARS),
            client_addr: opt(actor.client_addr.as_deref(), MAX_CLIENT_ADDR_CHARS),
            user_agent: opt(actor.user_agent.as_deref(), MAX_USER_AGENT_CHARS),
        }
    }
}

/// `text` cut to at most `max` characters (the last of them "…" when cut; `max` ≥ 1), with
/// every control character — C0 (NUL, tab, CR, LF…), DEL, C1 — and every character that
/// reorders or breaks lines on display (bidi embeddings, overrides and isolates; U+2028/9)
/// replaced by a space.
pub fn bounded(text: &str, max: usize) -> String {
    let max = max.max(1);
    let (kept, cut) = match text.char_indices().nth(max) {
        None => (text, false),
        Some(_) => {
            let end = text.char_indices().nth(max - 1).map_or(text.len(), |(i, _)| i);
            (&text[..end], true)
        }
    };
    let mut out: String = kept.chars().map(|ch| if is_unsafe_char(ch) { ' ' } else { ch }).collect();
    if cut {
        out.push('…');
    }
    out
}

fn is_unsafe_char(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// The SQL function the scope's vhost check runs as, registered only while a query needs it.
const VHOST_FN: &str = "warren_vhost_visible";

/// A query's conditions and their arguments (for `?` placeholders, in order), and the vhost
/// check they call.
struct Filter {
    conditions: Vec<String>,
    args: Vec<Value>,
    vhost_visible: Option<VhostCheck>,
}

impl Filter {
    fn new(query: &AuditQuery, scope: &AuditScope) -> Self {
        let mut conditions = Vec::new();
        let mut args = Vec::new();
        if !query.actor.is_empty() {
            conditions.push("instr(lower(actor), lower(?)) > 0".to_string());
            args.push(Value::Text(query.actor.clone()));
        }
        for (condition, value) in
            [("action = ?", &query.action), ("cluster = ?", &query.cluster), ("outcome = ?", &query.outcome)]
        {
            if !value.is_empty() {
                conditions.push(condition.to_string());
                args.push(Value::Text(value.clone()));
            }
        }
        let mut vhost_visible = None;
        if !scope.is_unrestricted() {
            let mut visible = vec!["cluster IS NOT NULL".to_string()];
            match &scope.clusters {
                None => {}
                Some(clusters) if clusters.is_empty() => visible.push("0".to_string()),
                Some(clusters) => {
                    visible.push(format!("cluster IN ({})", vec!["?"; clusters.len()].join(", ")));
                    args.extend(clusters.iter().map(|c| Value::Text(c.clone())));
                }
            }
            if let Some(check) = &scope.vhost_visible {
                visible.push(format!("(vhost IS NULL OR {VHOST_FN}(vhost))"));
                vhost_visible = Some(check.clone());
            }
            conditions.push(format!("(({}) OR (actor = ? AND source = ?))", visible.join(" AND ")));
            // Stored names are bounded and cleaned: compare with what was stored.
            args.push(Value::Text(bounded(&scope.own.0, MAX_NAME_CHARS)));
            args.push(Value::Text(bounded(&scope.own.1, MAX_NAME_CHARS)));
        }
        Filter { conditions, args, vhost_visible }
    }

    /// `WHERE …` (or nothing) and its arguments; with `before_id`, only rows below that id.
    fn clause(&self, before_id: Option<i64>) -> (String, Vec<Value>) {
        let mut conditions = self.conditions.clone();
        let mut args = self.args.clone();
        if let Some(id) = before_id {
            conditions.push("id < ?".to_string());
            args.push(Value::Integer(id));
        }
        let clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        (clause, args)
    }
}

/// Runs `f` with `VHOST_FN` registered on the connection as `check` (when there is one), and
/// removes it after, whatever `f` returned. The store's lock is held throughout, so no other
/// query sees it.
fn with_vhost_check<T>(
    c: &Connection,
    check: Option<&VhostCheck>,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let Some(check) = check else { return f(c) };
    let check = check.clone();
    c.create_scalar_function(
        VHOST_FN,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(text) => check(&String::from_utf8_lossy(text)),
                _ => false,
            })
        },
    )?;
    let result = f(c);
    let removed = c.remove_function(VHOST_FN, 1);
    let value = result?;
    removed?;
    Ok(value)
}

fn select(c: &Connection, clause: &str, args: &[Value], limit: u32, offset: u32) -> rusqlite::Result<Vec<AuditEntry>> {
    let sql = format!(
        "SELECT id, at_ms, actor, source, role, cluster, vhost, action, object, outcome, detail, client_addr, user_agent
         FROM audit {clause} ORDER BY id DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut statement = c.prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(args), from_row)?;
    rows.collect()
}

fn from_row(row: &Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.get(0)?,
        at_ms: row.get(1)?,
        actor: row.get(2)?,
        source: row.get(3)?,
        role: row.get(4)?,
        cluster: row.get(5)?,
        vhost: row.get(6)?,
        action: row.get(7)?,
        object: row.get(8)?,
        outcome: row.get(9)?,
        detail: row.get(10)?,
        client_addr: row.get(11)?,
        user_agent: row.get(12)?,
    })
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
    use futures_util::TryStreamExt;

    fn open() -> (tempfile::TempDir, Audit) {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::new(Store::open(dir.path()).unwrap());
        (dir, audit)
    }

    fn all(own: &str) -> AuditScope {
        AuditScope::unrestricted((own.to_string(), "local".to_string()))
    }

    async fn collect(stream: impl Stream<Item = Result<Bytes, StoreError>>) -> String {
        let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
        String::from_utf8(chunks.concat()).unwrap()
    }

    /// `n` plain entries by "filler" on cluster c0, written in one transaction.
    async fn fill(audit: &Audit, n: usize) {
        audit
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                for i in 0..n {
                    tx.execute(
                        "INSERT INTO audit (at_ms, actor, source, cluster, action, object, outcome)
                         VALUES (?1, 'filler', 'local', 'c0', 'x', ?2, 'ok')",
                        rusqlite::params![now_ms(), format!("n{i}")],
                    )?;
                }
                tx.commit()
            })
            .await
            .unwrap();
    }

    async fn count(audit: &Audit) -> i64 {
        audit.store.call(|c| c.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))).await.unwrap()
    }

    #[tokio::test]
    async fn entries_filter_page_and_export() {
        let (_dir, audit) = open();
        let ana = Actor { name: "ana".into(), source: "local".into(), ..Default::default() };
        let bo = Actor { name: "bo, \"the\" admin".into(), source: "local".into(), ..Default::default() };
        for i in 0..150 {
            let target = Target { cluster: Some("c1".into()), ..Default::default() };
            audit.record(&ana, "sign_in", target, if i % 2 == 0 { Outcome::Ok } else { Outcome::Denied }, None).await;
        }
        audit
            .record(
                &bo,
                "revoke_screen_token",
                Target { object: Some("=cmd".into()), ..Default::default() },
                Outcome::Ok,
                None,
            )
            .await;

        let all_entries = audit.page(&AuditQuery::default(), &all("ana")).await.unwrap();
        assert_eq!((all_entries.matching, all_entries.page_count, all_entries.entries.len()), (151, 2, 100));
        assert_eq!(all_entries.entries[0].action, "revoke_screen_token", "newest first");
        let denied = audit
            .page(&AuditQuery { outcome: "denied".into(), actor: "AN".into(), ..Default::default() }, &all("ana"))
            .await
            .unwrap();
        assert_eq!(denied.matching, 75);
        let query = AuditQuery { actor: "bo".into(), ..Default::default() };
        let csv = collect(audit.export_stream(&query, &all("ana"), ExportFormat::Csv)).await;
        assert!(csv.starts_with(CSV_HEADER), "{csv}");
        assert!(csv.contains("\"bo, \"\"the\"\" admin\"") && csv.contains(",'=cmd,"), "{csv}");
        assert_eq!(csv.lines().count(), 2, "{csv}");
    }

    #[tokio::test]
    async fn stored_text_is_bounded_and_cleaned() {
        let (_dir, audit) = open();
        let huge = Actor {
            name: "é".repeat(200_000),
            source: "anonymous".into(),
            user_agent: Some("ua\r\nX-Forged: 1".into()),
            client_addr: Some("9".repeat(1000)),
            ..Default::default()
        };
        let target =
            Target { object: Some("o".repeat(5000)), vhost: Some("a\0b\tc\u{202E}d".into()), ..Default::default() };
        audit.record(&huge, "sign_in\nforged line", target, Outcome::Denied, Some("d".repeat(10_000))).await;
        let entry = audit.page(&AuditQuery::default(), &all("x")).await.unwrap().entries.remove(0);
        assert_eq!(entry.actor.chars().count(), MAX_NAME_CHARS);
        assert!(entry.actor.ends_with("é…"), "{}", entry.actor);
        assert_eq!(entry.action, "sign_in forged line");
        assert_eq!(entry.vhost.as_deref(), Some("a b c d"));
        assert_eq!(entry.user_agent.as_deref(), Some("ua  X-Forged: 1"));
        assert_eq!(entry.object.unwrap().chars().count(), MAX_OBJECT_CHARS);
        assert_eq!(entry.detail.unwrap().chars().count(), MAX_DETAIL_CHARS);
        assert_eq!(entry.client_addr.unwrap().chars().count(), MAX_CLIENT_ADDR_CHARS);

        assert_eq!(bounded("short", 5), "short");
        assert_eq!(bounded("longer", 5), "long…");
        assert_eq!(bounded("", 3), "");
    }

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

    #[tokio::test]
    async fn scope_limits_pages_counts_and_exports() {
        let (_dir, audit) = open();
        let ana = Actor { name: "ana".into(), source: "local".into(), ..Default::default() };
        let bo = Actor { name: "bo".into(), source: "local".into(), ..Default::default() };
        let bo_broker = Actor { name: "bo".into(), source: "broker:c1".into(), ..Default::default() };
        let at = |cluster: Option<&str>, vhost: Option<&str>| Target {
            cluster: cluster.map(str::to_string),
            vhost: vhost.map(str::to_string),
            object: None,
        };
        let cases = [
            (&ana, at(Some("c1"), Some("/"))),      // 1: visible
            (&ana, at(Some("c1"), Some("secret"))), // 2: hidden vhost
            (&ana, at(Some("c2"), Some("/"))),      // 3: other cluster
            (&ana, at(None, None)),                 // 4: Warren-wide
            (&bo, at(None, None)),                  // 5: own
            (&bo, at(Some("c2"), Some("secret"))),  // 6: own
            (&ana, at(Some("c1"), None)),           // 7: visible, about the cluster
            (&bo_broker, at(None, None)),           // 8: same name, another source
        ];
        for (actor, target) in cases {
            audit.record(actor, "x", target, Outcome::Ok, None).await;
        }
        let ids = |page: &AuditPage| page.entries.iter().map(|e| e.id).collect::<Vec<_>>();
        let not_secret: VhostCheck = Arc::new(|vhost: &str| vhost != "secret");
        let own = ("bo".to_string(), "local".to_string());

        let everything = audit.page(&AuditQuery::default(), &AuditScope::unrestricted(own.clone())).await.unwrap();
        assert_eq!(everything.matching, 8);

        let limited =
            AuditScope { clusters: Some(vec!["c1".into()]), vhost_visible: Some(not_secret.clone()), own: own.clone() };
        let page = audit.page(&AuditQuery::default(), &limited).await.unwrap();
        assert_eq!((page.matching, page.page_count, ids(&page)), (4, 1, vec![7, 6, 5, 1]));
        // With a filter on top.
        let page = audit.page(&AuditQuery { actor: "an".into(), ..Default::default() }, &limited).await.unwrap();
        assert_eq!((page.matching, ids(&page)), (2, vec![7, 1]));
        // The function is gone once the query is done.
        assert!(audit
            .store
            .call(|c| c.query_row("SELECT warren_vhost_visible('/')", [], |r| r.get::<_, bool>(0)))
            .await
            .is_err());

        let vhosts_only = AuditScope { clusters: None, vhost_visible: Some(not_secret), own: own.clone() };
        let page = audit.page(&AuditQuery::default(), &vhosts_only).await.unwrap();
        assert_eq!(ids(&page), vec![7, 6, 5, 3, 1]);

        let clusters_only = AuditScope { clusters: Some(vec!["c2".into()]), vhost_visible: None, own: own.clone() };
        let page = audit.page(&AuditQuery::default(), &clusters_only).await.unwrap();
        assert_eq!(ids(&page), vec![6, 5, 3]);

        let nothing = AuditScope { clusters: Some(Vec::new()), vhost_visible: None, own };
        let page = audit.page(&AuditQuery::default(), &nothing).await.unwrap();
        assert_eq!((page.matching, ids(&page)), (2, vec![6, 5]));

        let json = collect(audit.export_batched(&AuditQuery::default(), &limited, ExportFormat::Json, 2, 100)).await;
        let exported: Vec<i64> = serde_json::from_str::<Vec<AuditEntry>>(&json).unwrap().iter().map(|e| e.id).collect();
        assert_eq!(exported, vec![7, 6, 5, 1]);
    }

    #[tokio::test]
    async fn prune_drops_old_entries_then_the_oldest_beyond_the_cap() {
        let (_dir, audit) = open();
        fill(&audit, 30).await;
        let day = 86_400_000i64;
        // The first ten are 400 days old, the next five 20 days.
        audit
            .store
            .call(move |c| {
                c.execute("UPDATE audit SET at_ms = at_ms - 400 * ?1 WHERE id <= 10", [day])?;
                c.execute("UPDATE audit SET at_ms = at_ms - 20 * ?1 WHERE id > 10 AND id <= 15", [day])
            })
            .await
            .unwrap();
        let year = AuditConfig { retention_days: 365, max_rows: 1_000 };
        assert_eq!(audit.prune(&year).await.unwrap(), 10);
        assert_eq!(count(&audit).await, 20);
        assert_eq!(audit.prune(&year).await.unwrap(), 0, "nothing more to do");

        let month = AuditConfig { retention_days: 10, max_rows: 1_000 };
        assert_eq!(audit.prune(&month).await.unwrap(), 5);

        let few = AuditConfig { retention_days: 365, max_rows: 4 };
        assert_eq!(audit.prune(&few).await.unwrap(), 11);
        let left: Vec<i64> = audit
            .store
            .call(|c| {
                let mut statement = c.prepare("SELECT id FROM audit ORDER BY id")?;
                let ids: rusqlite::Result<Vec<i64>> = statement.query_map([], |r| r.get(0))?.collect();
                ids
            })
            .await
            .unwrap();
        assert_eq!(left, vec![27, 28, 29, 30]);

        // Larger than a delete batch: several slices, all counted.
        let (_dir2, big) = open();
        fill(&big, 25_000).await;
        let keep = AuditConfig { retention_days: 365, max_rows: 1_000 };
        assert_eq!(big.prune(&keep).await.unwrap(), 24_000);
        assert_eq!(count(&big).await, 1_000);
    }
}
