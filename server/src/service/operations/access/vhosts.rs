//! Vhosts: create, change (description, tags, default queue type, tracing), delete. Deleting a
//! vhost deletes every queue and message in it, so it takes the name typed out, and a vhost the
//! broker protects from deletion (4.0.6 and later) is refused here too.

use app::auth::Access;
use app::error::AppError;
use domain::access::{VhostDeletion, VhostDraft};
use domain::policy::Version;
use reqwest::Method;
use serde_json::{json, Value};

use super::{lookup, Change, Operations};
use crate::broker::{api_path, json};

impl Operations {
    pub(super) async fn put_vhost(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &VhostDraft,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        let (snapshot, _) = feed.current().await?;
        draft.check(Version::parse(&snapshot.overview.rabbitmq_version))?;
        let existing: Option<json::VhostDetail> =
            lookup(feed, &login, "vhost", api_path(&["vhosts", &draft.name])).await?;
        match (&existing, draft.new) {
            (Some(_), true) => return Err(AppError::Conflict(format!("a vhost named {:?} exists", draft.name))),
            (None, false) => return Err(AppError::NotFound(format!("vhost {:?}", draft.name))),
            _ => {}
        }
        let mut body = json!({
            "description": draft.description,
            "tags": draft.tags.join(","),
            "tracing": draft.tracing,
        });
        if let Some(queue_type) = draft.default_queue_type {
            // 3.11.0 to 3.11.11 read only `defaultqueuetype`; later versions either.
            body["default_queue_type"] = json!(queue_type.as_str());
            body["defaultqueuetype"] = json!(queue_type.as_str());
        }
        let path = api_path(&["vhosts", &draft.name]);
        Self::send::<Value>(feed, &login, (Method::PUT, "save_vhost", path), &[], Some(&body)).await?;
        feed.refresh_soon();
        let after = json!({
            "description": draft.description,
            "tags": draft.tags,
            "default_queue_type": draft.default_queue_type.map(|t| t.as_str()),
            "tracing": draft.tracing,
        });
        Ok(Change { before: existing.as_ref().map_or(Value::Null, summary), after })
    }

    pub(super) async fn remove_vhost(
        &self,
        who: &dyn Access,
        cluster: &str,
        deletion: &VhostDeletion,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        deletion.check()?;
        let existing: json::VhostDetail = lookup(feed, &login, "vhost", api_path(&["vhosts", &deletion.name]))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("vhost {:?}", deletion.name)))?;
        if existing.protected() {
            return Err(AppError::BadRequest(format!(
                "vhost {:?} is protected from deletion; remove the protection on the broker first",
                deletion.name
            )));
        }
        // What is lost with it, for the audit.
        let (snapshot, _) = feed.current().await?;
        let queues = snapshot.queues_in(Some(&deletion.name));
        let messages: u64 = queues.iter().map(|q| q.row.total).sum();
        Self::delete(feed, &login, ("delete_vhost", api_path(&["vhosts", &deletion.name])), &[]).await?;
        feed.refresh_soon();
        let mut before = summary(&existing);
        before["queues"] = json!(queues.len());
        before["messages"] = json!(messages);
        Ok(Change { before, after: Value::Null })
    }
}

fn summary(vhost: &json::VhostDetail) -> Value {
    json!({
        "description": vhost.description,
        "tags": vhost.tags,
        "default_queue_type": vhost.default_queue_type,
        "tracing": vhost.tracing,
    })
}
