//! Wall-screen dashboards in Warren's store (`app::api::Dashboards`): checked against the
//! configured clusters on every save, audited, and exported/imported as JSON.

use std::sync::Arc;

use app::auth::Access;
use app::error::AppError;
use domain::dashboard::{Dashboard, DashboardSpec, TileKind};
use rusqlite::{params, OptionalExtension};

use crate::service::clusters::Clusters;
use crate::store::audit::{Audit, Outcome, Target};
use crate::store::{now_ms, Store};

/// Most dashboards one import may hold.
const MAX_IMPORT: usize = 200;

pub struct DashboardStore {
    store: Store,
    audit: Audit,
    clusters: Arc<Clusters>,
}

impl DashboardStore {
    pub fn new(store: Store, audit: Audit, clusters: Arc<Clusters>) -> Self {
        Self { store, audit, clusters }
    }

    /// Every dashboard (`only: None`), or the one with that id.
    async fn read(&self, only: Option<i64>) -> Result<Vec<Dashboard>, AppError> {
        let rows = self
            .store
            .call(move |c| {
                let mut statement =
                    c.prepare("SELECT id, rev, spec FROM dashboards WHERE ?1 IS NULL OR id = ?1 ORDER BY name")?;
                let rows = statement
                    .query_map([only], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        // A dashboard the current code cannot read is left out (and logged) rather than failing all.
        Ok(rows
            .into_iter()
            .filter_map(|(id, rev, spec)| match serde_json::from_str(&spec) {
                Ok(spec) => Some(Dashboard { id, rev: rev as u64, spec }),
                Err(error) => {
                    tracing::warn!(id, %error, "a stored dashboard cannot be read");
                    None
                }
            })
            .collect())
    }

    /// Every dashboard `who` may see, as specs, for a download.
    pub async fn export_visible(&self, who: &dyn Access) -> Result<Vec<DashboardSpec>, AppError> {
        let all = self.read(None).await?;
        Ok(all.into_iter().filter(|d| visible(who, d)).map(|d| d.spec).collect())
    }

    /// Refuses a spec with problems, naming each one.
    fn check(&self, spec: &DashboardSpec) -> Result<(), AppError> {
        let problems = spec.problems(self.clusters.names());
        match problems.is_empty() {
            true => Ok(()),
            false => Err(AppError::invalid(problems.into_iter().map(Into::into).collect())),
        }
    }

    async fn audited<T>(
        &self,
        who: &dyn Access,
        action: &str,
        name: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let target = Target { object: Some(format!("dashboard {name:?}")), ..Default::default() };
        let (outcome, detail) = match &result {
            Ok(_) => (Outcome::Ok, None),
            Err(error) => (Outcome::Failed, Some(error.to_string())),
        };
        self.audit.record(&who.actor(), action, target, outcome, detail).await;
        result
    }
}

/// Whether `who` may see every cluster the dashboard's tiles show (each tile then shows only
/// what `who` may see of it).
fn visible(who: &dyn Access, dashboard: &Dashboard) -> bool {
    dashboard.spec.tiles.iter().all(|t| who.may_see_cluster(&t.cluster))
}

/// Whether every tile lies within `who`'s scope: a tile about one vhost needs that vhost, a
/// tile about a whole cluster needs every vhost of it.
fn covers(who: &dyn Access, spec: &DashboardSpec) -> bool {
    spec.tiles.iter().all(|t| {
        let vhost = match &t.kind {
            TileKind::Totals { vhost } => vhost.as_deref(),
            TileKind::Backlog { queues, .. }
            | TileKind::TopQueues { queues, .. }
            | TileKind::NoConsumers { queues, .. } => queues.vhost.as_deref(),
            TileKind::ClusterStatus {} | TileKind::Warnings {} => None,
        };
        match vhost {
            Some(vhost) => who.may_see_vhost(&t.cluster, vhost),
            None => who.sees_every_vhost(&t.cluster),
        }
    })
}

/// An admin limited to some clusters or vhosts writes only dashboards that stay within them,
/// over dashboards that were within them.
fn check_scope(who: &dyn Access, spec: &DashboardSpec, replaces: Option<&Dashboard>) -> Result<(), AppError> {
    if !covers(who, spec) || replaces.is_some_and(|d| !covers(who, &d.spec)) {
        return Err(AppError::Forbidden(format!(
            "dashboard {:?} shows clusters or vhosts that are not yours",
            spec.name
        )));
    }
    Ok(())
}

#[async_trait::async_trait]
impl app::api::Dashboards for DashboardStore {
    async fn dashboards(&self, who: &dyn Access) -> Result<Vec<Dashboard>, AppError> {
        Ok(self.read(None).await?.into_iter().filter(|d| visible(who, d)).collect())
    }

    async fn dashboard(&self, who: &dyn Access, id: i64) -> Result<Dashboard, AppError> {
        let dashboard = self.read(Some(id)).await?.pop();
        match dashboard {
            Some(d) if visible(who, &d) => Ok(d),
            Some(_) => Err(AppError::Forbidden("this dashboard shows clusters that are not yours".into())),
            None => Err(AppError::NotFound(format!("no dashboard {id}"))),
        }
    }

    async fn save_dashboard(
        &self,
        who: &dyn Access,
        id: Option<i64>,
        rev: u64,
        spec: DashboardSpec,
    ) -> Result<Dashboard, AppError> {
        let name = spec.name.clone();
        let result = async {
            // Scope first: a name that is not theirs must read the same whether it exists or not.
            let replaces = match id {
                Some(id) => self.read(Some(id)).await?.pop(),
                None => None,
            };
            check_scope(who, &spec, replaces.as_ref())?;
            self.check(&spec)?;
            let (text, by) = (serde_json::to_string(&spec).map_err(|_| AppError::Internal)?, who.actor().name);
            let (name, at) = (spec.name.clone(), now_ms());
            let saved = self
                .store
                .call(move |c| {
                    let tx = c.transaction()?;
                    let clash: Option<i64> = tx
                        .query_row("SELECT id FROM dashboards WHERE name = ?1", [&name], |r| r.get(0))
                        .optional()?;
                    if clash.is_some_and(|other| Some(other) != id) {
                        return Ok(Err(AppError::Conflict(format!("a dashboard named {name:?} exists"))));
                    }
                    let saved = match id {
                        None => {
                            tx.execute(
                                "INSERT INTO dashboards (name, spec, rev, updated_by, updated_at_ms) VALUES (?1, ?2, 1, ?3, ?4)",
                                params![name, text, by, at],
                            )?;
                            Ok((tx.last_insert_rowid(), 1))
                        }
                        Some(id) => {
                            let current: Option<i64> =
                                tx.query_row("SELECT rev FROM dashboards WHERE id = ?1", [id], |r| r.get(0)).optional()?;
                            match current {
                                None => Err(AppError::NotFound(format!("no dashboard {id}"))),
                                Some(current) if current as u64 != rev => Err(AppError::Conflict(format!(
                                    "someone saved this dashboard since you opened it (revision {current}, yours {rev}); reload it"
                                ))),
                                Some(current) => {
                                    tx.execute(
                                        "UPDATE dashboards SET name = ?2, spec = ?3, rev = ?4, updated_by = ?5, updated_at_ms = ?6 WHERE id = ?1",
                                        params![id, name, text, current + 1, by, at],
                                    )?;
                                    Ok((id, current + 1))
                                }
                            }
                        }
                    };
                    tx.commit()?;
                    Ok(saved)
                })
                .await
                .map_err(AppError::from)??;
            Ok(Dashboard { id: saved.0, rev: saved.1 as u64, spec })
        }
        .await;
        self.audited(who, "save_dashboard", &name, result).await
    }

    async fn delete_dashboard(&self, who: &dyn Access, id: i64) -> Result<(), AppError> {
        let found = self.read(Some(id)).await?.pop();
        let name = found.as_ref().map(|d| d.spec.name.clone());
        let result = match &found {
            None => Err(AppError::NotFound(format!("no dashboard {id}"))),
            Some(d) if !covers(who, &d.spec) => {
                Err(AppError::Forbidden("this dashboard shows clusters or vhosts that are not yours".into()))
            }
            Some(_) => self
                .store
                .call(move |c| c.execute("DELETE FROM dashboards WHERE id = ?1", [id]))
                .await
                .map(|_| ())
                .map_err(AppError::from),
        };
        self.audited(who, "delete_dashboard", &name.unwrap_or_else(|| id.to_string()), result).await
    }

    async fn import_dashboards(&self, who: &dyn Access, specs: Vec<DashboardSpec>) -> Result<Vec<Dashboard>, AppError> {
        let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
        let result = async {
            if specs.is_empty() || specs.len() > MAX_IMPORT {
                return Err(AppError::BadRequest(format!("an import holds 1 to {MAX_IMPORT} dashboards")));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = names.iter().find(|n| !seen.insert(n.as_str())) {
                return Err(AppError::BadRequest(format!("the import names {twice:?} twice")));
            }
            // Every one checked before any is written: an import lands whole or not at all.
            let existing = self.read(None).await?;
            for spec in &specs {
                check_scope(who, spec, existing.iter().find(|d| d.spec.name == spec.name))?;
            }
            specs.iter().try_for_each(|s| self.check(s))?;
            let (by, at) = (who.actor().name, now_ms());
            let texts: Vec<(String, String)> = specs
                .iter()
                .map(|s| Ok((s.name.clone(), serde_json::to_string(s).map_err(|_| AppError::Internal)?)))
                .collect::<Result<_, AppError>>()?;
            let saved = self
                .store
                .call(move |c| {
                    let tx = c.transaction()?;
                    let mut out = Vec::new();
                    for (name, text) in texts {
                        let (id, rev): (i64, i64) = tx.query_row(
                            "INSERT INTO dashboards (name, spec, rev, updated_by, updated_at_ms) VALUES (?1, ?2, 1, ?3, ?4)
                             ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, rev = rev + 1,
                                 updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms
                             RETURNING id, rev",
                            params![name, text, by, at],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )?;
                        out.push((id, rev as u64));
                    }
                    tx.commit()?;
                    Ok(out)
                })
                .await?;
            Ok(saved.into_iter().zip(specs).map(|((id, rev), spec)| Dashboard { id, rev, spec }).collect())
        }
        .await;
        self.audited(who, "import_dashboards", &names.join(", "), result).await
    }
}
