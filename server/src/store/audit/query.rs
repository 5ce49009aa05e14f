//! Who may read what, in SQL: the reader's `AuditScope`, a query's filter as a `WHERE` clause,
//! the vhost check registered as an SQL function while a query runs, and reading rows.

use std::sync::Arc;

use app::auth::{AuditEntry, AuditQuery};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, Row};

use super::fields::{bounded, MAX_NAME_CHARS};

/// Which vhosts' entries a reader may see; see `AuditScope`.
pub type VhostCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Which entries a reader of the log may see. With `clusters` and `vhost_visible` both `None`
/// everything; otherwise an entry about one of `clusters` (any, when `None`) and either about
/// no vhost (but not the broker's users, when `vhost_visible` is set) or a vhost
/// `vhost_visible` accepts (any, when `None`) — and never one about no
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

/// Writes about the broker's users and the cluster as a whole, which belong to no vhost: only
/// readers who see every vhost read them, as only they may make them (`service::operations`).
pub const BROKER_ADMIN_ACTIONS: [&str; 7] =
    ["create_user", "update_user", "delete_user", "set_limit", "clear_limit", "rename_cluster", "enable_feature_flag"];

/// The SQL function the scope's vhost check runs as, registered only while a query needs it.
const VHOST_FN: &str = "warren_vhost_visible";

/// A query's conditions and their arguments (for `?` placeholders, in order), and the vhost
/// check they call.
pub(super) struct Filter {
    conditions: Vec<String>,
    args: Vec<Value>,
    pub(super) vhost_visible: Option<VhostCheck>,
}

impl Filter {
    pub(super) fn new(query: &AuditQuery, scope: &AuditScope) -> Self {
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
                let unscoped = vec!["?"; BROKER_ADMIN_ACTIONS.len()].join(", ");
                visible.push(format!("((vhost IS NULL AND action NOT IN ({unscoped})) OR {VHOST_FN}(vhost))"));
                args.extend(BROKER_ADMIN_ACTIONS.iter().map(|a| Value::Text(a.to_string())));
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
    pub(super) fn clause(&self, before_id: Option<i64>) -> (String, Vec<Value>) {
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
pub(super) fn with_vhost_check<T>(
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

pub(super) fn select(
    c: &Connection,
    clause: &str,
    args: &[Value],
    limit: u32,
    offset: u32,
) -> rusqlite::Result<Vec<AuditEntry>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::export::ExportFormat;
    use crate::store::audit::tests::{collect, open};
    use crate::store::audit::{Outcome, Target};
    use app::auth::{Actor, AuditPage};

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
}
