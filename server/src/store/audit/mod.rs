//! The audit log: every sign-in (either way) and every write, with who, from where, on what, and
//! how it ended. Kept in the store; admins page, filter and export it, each within their own
//! clusters and vhosts (`AuditScope`). Every stored text is bounded and free of control
//! characters, so nobody can bloat the log or forge lines in it; old entries are pruned (`prune`).
//!
//! - `mod.rs`: `Audit` (record, page, prune), `Outcome` and `Target`
//! - `fields.rs`: what is stored of an entry, bounded and cleaned (`bounded`, `MAX_*_CHARS`)
//! - `query.rs`: `AuditScope`, a query's filter as SQL, the vhost check, reading rows
//! - `export.rs`: the streamed CSV or JSON export (`export_stream`, `csv_cell`)

pub mod export;
mod fields;
pub mod query;

use app::auth::{Actor, AuditPage, AuditQuery};
use rusqlite::OptionalExtension;

use crate::config::auth::AuditConfig;
use crate::store::{now_ms, Store, StoreError};
use fields::Stored;
use query::{select, with_vhost_check, AuditScope, Filter};

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

/// Rows `prune` deletes per statement, so other users of the store get a turn in between.
const PRUNE_BATCH: i64 = 10_000;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::export::{ExportFormat, CSV_HEADER};
    use axum::body::Bytes;
    use futures_util::{Stream, TryStreamExt};

    pub(super) fn open() -> (tempfile::TempDir, Audit) {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::new(Store::open(dir.path()).unwrap());
        (dir, audit)
    }

    pub(super) fn all(own: &str) -> AuditScope {
        AuditScope::unrestricted((own.to_string(), "local".to_string()))
    }

    pub(super) async fn collect(stream: impl Stream<Item = Result<Bytes, StoreError>>) -> String {
        let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
        String::from_utf8(chunks.concat()).unwrap()
    }

    /// `n` plain entries by "filler" on cluster c0, written in one transaction.
    pub(super) async fn fill(audit: &Audit, n: usize) {
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

    pub(super) async fn count(audit: &Audit) -> i64 {
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
