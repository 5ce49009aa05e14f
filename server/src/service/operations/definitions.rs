//! Definitions: export (of one vhost or the whole broker), the preview of an import, and the
//! import itself. A whole-broker file carries every vhost and the users' password hashes, so it is
//! only for identities without limits, or broker users acting as themselves.

use std::sync::Arc;

use app::auth::Access;
use app::error::AppError;
use domain::definitions::{self, DefinitionsProblem, Import, ImportPreview, Target};
use domain::policy::Version;
use domain::problem::Problem;
use reqwest::Method;
use serde_json::{Map, Value};

use super::{ActAs, Operations};
use crate::broker::api_path;
use crate::cluster::feed::Feed;

impl Operations {
    /// The feed and login for the definitions of one vhost, or of the whole broker (`None`): that
    /// carries every vhost, the broker's users and their password hashes, so it is for those with
    /// no scope limits, or broker users acting with their own credentials (the broker decides).
    pub(super) fn definitions_target(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<&str>,
    ) -> Result<(&Arc<Feed>, ActAs), AppError> {
        let (feed, login) = self.target(who, cluster, vhost.unwrap_or("/"))?;
        let unlimited = who.me().clusters.is_none() && who.sees_every_vhost(cluster);
        if vhost.is_none() && login.is_none() && !unlimited {
            return Err(AppError::Forbidden(
                "the whole broker's definitions are for admins without cluster or vhost limits; choose a vhost".into(),
            ));
        }
        Ok((feed, login))
    }

    /// The definitions of one vhost, or of the whole broker (`None`), for a download; audited.
    pub async fn export_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<&str>,
    ) -> Result<Value, AppError> {
        let result = async {
            let (feed, login) = self.definitions_target(who, cluster, vhost)?;
            export(feed, &login, vhost).await
        }
        .await;
        let object = format!("definitions of {}", vhost.map_or("every vhost".to_string(), |v| format!("vhost {v:?}")));
        self.audited(who, (cluster, vhost.unwrap_or_default(), "export_definitions", object), result).await
    }

    pub(super) async fn preview_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<(ImportPreview, Value), AppError> {
        let (feed, login) = self.definitions_target(who, cluster, import.vhost.as_deref())?;
        let current = with_vhost_details(feed, &login, export(feed, &login, import.vhost.as_deref()).await?).await?;
        let (snapshot, _) = feed.current().await?;
        let target = Target {
            vhost: import.vhost.as_deref(),
            version: Version::parse(&snapshot.overview.rabbitmq_version),
            plugins: &snapshot.plugins,
            user: login.as_ref().map_or(feed.account(), |(user, _)| user.as_str()),
        };
        let preview = definitions::diff(&current, &import.definitions, &target)?;
        Ok((preview, current))
    }

    pub(super) async fn apply_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<ImportPreview, AppError> {
        let scope = import.vhost.clone().unwrap_or_default();
        let vhost = import.vhost.as_deref();
        let result = async {
            let (preview, before) = self.preview_definitions(who, cluster, import).await?;
            if let Some(blocker) = preview.blockers.first() {
                return Err(blocker.clone().into());
            }
            let (feed, login) = self.definitions_target(who, cluster, vhost)?;
            let body: Value = serde_json::from_str(&import.definitions)
                .map_err(|e| DefinitionsProblem::NotJson { line: e.line(), column: e.column() })?;
            let sent = Self::send::<Value>(
                feed,
                &login,
                (Method::POST, "definitions", definitions_path(vhost)),
                &[],
                Some(&body),
            )
            .await;
            feed.refresh_soon();
            match sent {
                Ok(_) => Ok(preview),
                Err(error) => Err(left_behind(feed, &login, vhost, &before, error).await),
            }
        }
        .await;
        let object = match &result {
            Ok(preview) => format!("definitions, {} changes", preview.changes()),
            Err(AppError::Invalid { problems, .. }) => match problems.first() {
                Some(Problem::Definitions(DefinitionsProblem::PartlyApplied { applied, .. })) => {
                    format!("definitions, failed after applying {}: {}", applied.len(), applied.join(", "))
                }
                _ => "definitions, refused".to_string(),
            },
            Err(_) => "definitions, failed".to_string(),
        };
        self.audited(who, (cluster, &scope, "import_definitions", object), result).await
    }
}

/// A failed import, with what it left applied (RabbitMQ's import stops at the first item it
/// cannot apply): from an export taken after it, compared with the one the preview read.
async fn left_behind(feed: &Feed, login: &ActAs, vhost: Option<&str>, before: &Value, error: AppError) -> AppError {
    let after = match async { with_vhost_details(feed, login, export(feed, login, vhost).await?).await }.await {
        Ok(after) => after,
        Err(export_error) => {
            tracing::warn!(cluster = feed.name(), %export_error, "no export after a failed import");
            return error;
        }
    };
    let applied = definitions::applied(before, &after, vhost);
    match applied.is_empty() {
        true => error,
        false => DefinitionsProblem::PartlyApplied { reason: error.to_string(), applied }.into(),
    }
}

fn definitions_path(vhost: Option<&str>) -> String {
    match vhost {
        Some(vhost) => api_path(&["definitions", vhost]),
        None => "definitions".into(),
    }
}

/// The broker's definitions, of one vhost or all, as `login` may see them.
pub async fn export(feed: &Feed, login: &ActAs, vhost: Option<&str>) -> Result<Value, AppError> {
    let get = |path| Operations::send(feed, login, (Method::GET, "definitions", path), &[], None);
    match (get(definitions_path(vhost)).await, vhost) {
        // RabbitMQ 4.0 fails (HTTP 500) to export a vhost whose name is not ASCII: take the
        // vhost's part of the whole export instead.
        (Err(AppError::Rejected { .. } | AppError::Unreachable { .. }), Some(vhost)) => {
            let whole: Value = get(definitions_path(None)).await?;
            let listed = whole.get("vhosts").and_then(Value::as_array).into_iter().flatten();
            match listed.into_iter().any(|v| v.get("name").and_then(Value::as_str) == Some(vhost)) {
                true => Ok(vhost_part(&whole, vhost)),
                false => Err(AppError::NotFound(format!("vhost {vhost:?}"))),
            }
        }
        (result, _) => result,
    }
}

/// An export with each vhost's description, tags and metadata, which an import sets or resets:
/// RabbitMQ 3.10 exports a vhost as its name alone.
async fn with_vhost_details(feed: &Feed, login: &ActAs, mut current: Value) -> Result<Value, AppError> {
    let Some(exported) = current.get_mut("vhosts").and_then(Value::as_array_mut) else { return Ok(current) };
    let columns = [("columns", "name,description,tags,metadata,tracing".to_string())];
    let listed: Vec<Map<String, Value>> =
        Operations::send(feed, login, (Method::GET, "vhosts", "vhosts".into()), &columns, None).await?;
    for vhost in exported.iter_mut().filter_map(Value::as_object_mut) {
        let Some(details) = listed.iter().find(|l| l.get("name") == vhost.get("name")) else { continue };
        for (key, value) in details {
            vhost.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Ok(current)
}

/// One vhost's objects from a whole-broker export, shaped as a vhost export (without `vhost`).
fn vhost_part(whole: &Value, vhost: &str) -> Value {
    let mut part = Map::new();
    for key in ["rabbit_version", "rabbitmq_version"] {
        if let Some(v) = whole.get(key) {
            part.insert(key.into(), v.clone());
        }
    }
    for section in ["parameters", "policies", "queues", "exchanges", "bindings"] {
        let items = whole.get(section).and_then(Value::as_array).into_iter().flatten();
        let mine = items
            .filter(|item| item.get("vhost").and_then(Value::as_str) == Some(vhost))
            .map(|item| {
                let mut item = item.clone();
                item.as_object_mut().map(|o| o.remove("vhost"));
                item
            })
            .collect();
        part.insert(section.into(), Value::Array(mine));
    }
    Value::Object(part)
}
