//! Definitions: export (of one vhost or the whole broker), the preview of an import, and the
//! import itself. A whole-broker file carries every vhost and the users' password hashes, so it is
//! only for identities without limits, or broker users acting as themselves.

use std::sync::Arc;

use app::auth::Access;
use app::error::AppError;
use domain::definitions::{self, DefinitionsProblem, Import, ImportPreview};
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
    ) -> Result<ImportPreview, AppError> {
        let (feed, login) = self.definitions_target(who, cluster, import.vhost.as_deref())?;
        let current = export(feed, &login, import.vhost.as_deref()).await?;
        definitions::diff(&current, &import.definitions, import.vhost.as_deref(), Self::version(feed).await?)
            .map_err(AppError::from)
    }

    pub(super) async fn apply_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<ImportPreview, AppError> {
        let scope = import.vhost.clone().unwrap_or_default();
        let result = async {
            let preview = self.preview_definitions(who, cluster, import).await?;
            if let Some(blocker) = preview.blockers.first() {
                return Err(blocker.clone().into());
            }
            let (feed, login) = self.definitions_target(who, cluster, import.vhost.as_deref())?;
            let body: Value = serde_json::from_str(&import.definitions)
                .map_err(|e| DefinitionsProblem::NotJson { line: e.line(), column: e.column() })?;
            let path = definitions_path(import.vhost.as_deref());
            Self::send::<Value>(feed, &login, (Method::POST, "definitions", path), &[], Some(&body)).await?;
            feed.refresh_soon();
            Ok(preview)
        }
        .await;
        let object = format!("definitions, {} changes", result.as_ref().map_or(0, ImportPreview::changes));
        self.audited(who, (cluster, &scope, "import_definitions", object), result).await
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
