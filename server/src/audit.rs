//! The audit log: every sign-in (either way) and every write, with who, from where, on what, and
//! how it ended. Kept in the store; admins page, filter and export it.

use app::auth::{Actor, AuditEntry, AuditPage, AuditQuery};
use rusqlite::types::Value;
use rusqlite::Row;

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

/// Most rows an export holds: enough for months of a busy console, small enough to build in memory.
pub const EXPORT_LIMIT: u32 = 100_000;

#[derive(Clone)]
pub struct Audit {
    store: Store,
}

impl Audit {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Appends an entry. A failure to write is logged, never hidden: the log line says what was lost.
    pub async fn record(&self, actor: &Actor, action: &str, target: Target, outcome: Outcome, detail: Option<String>) {
        let actor = actor.clone();
        let action = action.to_string();
        let result = self
            .store
            .call({
                let (actor, action, target) = (actor.clone(), action.clone(), target.clone());
                move |c| {
                    c.execute(
                        "INSERT INTO audit (at_ms, actor, source, role, cluster, vhost, action, object, outcome, detail, client_addr, user_agent)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        rusqlite::params![
                            now_ms(),
                            actor.name,
                            actor.source,
                            actor.role.map(|r| r.as_str()),
                            target.cluster,
                            target.vhost,
                            action,
                            target.object,
                            outcome.as_str(),
                            detail,
                            actor.client_addr,
                            actor.user_agent.map(|ua| ua.chars().take(512).collect::<String>()),
                        ],
                    )
                }
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, actor = %actor.name, %action, ?target, outcome = outcome.as_str(), "audit entry lost");
        }
    }

    /// One page of matching entries, newest first.
    pub async fn page(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        let (filter, args) = where_clause(query);
        let page_size = AuditQuery::PAGE_SIZE;
        let page = query.page.max(1);
        self.store
            .call(move |c| {
                let matching: i64 = c.query_row(
                    &format!("SELECT count(*) FROM audit {filter}"),
                    rusqlite::params_from_iter(&args),
                    |r| r.get(0),
                )?;
                let page_count = (matching as u64).div_ceil(page_size as u64).max(1) as u32;
                let page = page.min(page_count);
                let entries = select(c, &filter, &args, page_size, (page - 1) * page_size)?;
                Ok(AuditPage { entries, matching: matching as u64, page, page_count })
            })
            .await
    }

    /// Every matching entry (up to `EXPORT_LIMIT`), newest first.
    pub async fn export(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let (filter, args) = where_clause(query);
        self.store.call(move |c| select(c, &filter, &args, EXPORT_LIMIT, 0)).await
    }
}

fn where_clause(query: &AuditQuery) -> (String, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut args = Vec::new();
    if !query.actor.is_empty() {
        conditions.push("instr(lower(actor), lower(?)) > 0");
        args.push(Value::Text(query.actor.clone()));
    }
    for (column, value) in [("action", &query.action), ("cluster", &query.cluster), ("outcome", &query.outcome)] {
        if !value.is_empty() {
            conditions.push(match column {
                "action" => "action = ?",
                "cluster" => "cluster = ?",
                _ => "outcome = ?",
            });
            args.push(Value::Text(value.clone()));
        }
    }
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    (filter, args)
}

fn select(
    c: &rusqlite::Connection,
    filter: &str,
    args: &[Value],
    limit: u32,
    offset: u32,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let sql = format!(
        "SELECT id, at_ms, actor, source, role, cluster, vhost, action, object, outcome, detail, client_addr, user_agent
         FROM audit {filter} ORDER BY id DESC LIMIT {limit} OFFSET {offset}"
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

/// CSV with a header row; fields quoted where needed, and cells that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`) prefixed with `'`.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    fn cell(text: &str) -> String {
        let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
    let mut out =
        String::from("id,time,actor,source,role,cluster,vhost,action,object,outcome,detail,client_addr,user_agent\n");
    for e in entries {
        let time = humantime::format_rfc3339_millis(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(e.at_ms.max(0) as u64),
        )
        .to_string();
        let opt = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
        let fields = [
            e.id.to_string(),
            time,
            cell(&e.actor),
            cell(&e.source),
            opt(&e.role),
            opt(&e.cluster),
            opt(&e.vhost),
            cell(&e.action),
            opt(&e.object),
            cell(&e.outcome),
            opt(&e.detail),
            opt(&e.client_addr),
            opt(&e.user_agent),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_filter_page_and_export() {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::new(Store::open(dir.path()).unwrap());
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

        let all = audit.page(&AuditQuery::default()).await.unwrap();
        assert_eq!((all.matching, all.page_count, all.entries.len()), (151, 2, 100));
        assert_eq!(all.entries[0].action, "revoke_screen_token", "newest first");
        let denied = audit
            .page(&AuditQuery { outcome: "denied".into(), actor: "AN".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(denied.matching, 75);
        let csv = to_csv(&audit.export(&AuditQuery { actor: "bo".into(), ..Default::default() }).await.unwrap());
        assert!(csv.contains("\"bo, \"\"the\"\" admin\"") && csv.contains(",'=cmd,"), "{csv}");
    }
}
