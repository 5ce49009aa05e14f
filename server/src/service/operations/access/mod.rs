//! `app::api::BrokerAccess`: a cluster's users, vhosts, permissions and limits, for admins who
//! see every vhost of it (someone limited to some vhosts could otherwise grant themselves the
//! rest). Every write is audited with what was there before and after; a password or hash
//! never, only whether there is one.

mod grants;
mod users;
mod vhosts;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use app::auth::Access;
use app::error::AppError;
use app::model::{AccessInfo, Fresh, PermissionPreview};
use domain::access::*;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::{ActAs, Operations};
use crate::cluster::feed::Feed;
use crate::cluster::snapshot::Snapshot;
use crate::service::preview::{EXPENSIVE_READS, PREVIEW_BUDGET};
use crate::store::audit::Target;

/// What a write changed, for the audit: the object before (`null`: it did not exist) and after
/// (`null`: it was deleted).
pub(super) struct Change {
    pub before: Value,
    pub after: Value,
}

/// Where a write happened, for the audit: a vhost, or the whole cluster (users).
pub(super) struct Place<'a> {
    pub cluster: &'a str,
    pub vhost: Option<&'a str>,
    pub action: &'static str,
    pub object: String,
}

impl Operations {
    /// The cluster's feed, for an admin who sees every vhost of it or a broker administrator
    /// signed in to it (who acts as themselves, so the broker's own rules apply); and who to be
    /// towards the broker.
    pub(super) fn broker_admin(&self, who: &dyn Access, cluster: &str) -> Result<(&Arc<Feed>, ActAs), AppError> {
        let feed = self.clusters.visible_feed(who, cluster)?;
        let act_as = Self::act_as(who, cluster);
        if !who.me().is_admin() || !(who.sees_every_vhost(cluster) || act_as.is_some()) {
            return Err(AppError::Forbidden(
                "administering the broker is for admins who see every vhost of the cluster".into(),
            ));
        }
        Ok((feed, act_as))
    }

    /// Runs a write, audits it with what it changed (or why it failed), and has the next read
    /// of the broker's admin pages ask the broker again.
    pub(super) async fn changed(
        &self,
        who: &dyn Access,
        place: Place<'_>,
        write: impl Future<Output = Result<Change, AppError>>,
    ) -> Result<(), AppError> {
        let result = write.await;
        let detail = match &result {
            Ok(change) => json!({"before": change.before, "after": change.after}).to_string(),
            Err(error) => error.to_string(),
        };
        let target = Target {
            cluster: Some(place.cluster.into()),
            vhost: place.vhost.map(str::to_string),
            object: Some(place.object),
        };
        self.record(who, place.action, target, &result, Some(detail)).await;
        if let Ok(feed) = self.clusters.feed(place.cluster) {
            feed.forget_admin_reads();
        }
        result.map(drop)
    }
}

/// The object at `path` as the broker has it now; `None` if there is none.
pub(super) async fn lookup<T: DeserializeOwned>(
    feed: &Feed,
    login: &ActAs,
    endpoint: &'static str,
    path: String,
) -> Result<Option<T>, AppError> {
    match Operations::send::<T>(feed, login, (Method::GET, endpoint, path), &[], None).await {
        Ok(object) => Ok(Some(object)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Fills in what the snapshot knows (queues, messages and connections per vhost) and which user
/// is Warren's own.
fn complete(info: &mut AccessInfo, snapshot: &Snapshot, account: &str) {
    info.broker_version = snapshot.overview.rabbitmq_version.clone();
    let mut counts: HashMap<&str, (u64, u64, u64)> = HashMap::new();
    for queue in &snapshot.queues {
        let entry = counts.entry(&queue.row.vhost).or_default();
        (entry.0, entry.1) = (entry.0 + 1, entry.1 + queue.row.total);
    }
    for connection in &snapshot.connections {
        counts.entry(&connection.vhost).or_default().2 += 1;
    }
    for vhost in &mut info.vhosts {
        (vhost.queues, vhost.messages, vhost.connections) =
            counts.get(vhost.name.as_str()).copied().unwrap_or_default();
    }
    for user in &mut info.users {
        user.warren_account = user.name == account;
    }
}

#[async_trait::async_trait]
impl app::api::BrokerAccess for Operations {
    async fn access(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<AccessInfo>, AppError> {
        let (feed, _) = self.broker_admin(who, cluster)?;
        let (snapshot, freshness) = self.clusters.current(who, cluster).await?;
        let mut data = feed.access().await?;
        complete(&mut data, &snapshot, feed.account());
        Ok(Fresh { data, freshness })
    }

    async fn preview_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &PermissionDraft,
    ) -> Result<PermissionPreview, AppError> {
        self.broker_admin(who, cluster)?;
        draft.check()?;
        let (snapshot, _) = self.clusters.current(who, cluster).await?;
        // As a policy preview: off the async workers, two at a time, within a time budget.
        let permit = EXPENSIVE_READS.clone().acquire_owned().await.map_err(|_| AppError::Internal)?;
        let draft = draft.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            grants::preview(&snapshot, &draft, Instant::now() + PREVIEW_BUDGET)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a permission preview failed");
            AppError::Internal
        })?
    }

    async fn save_user(&self, who: &dyn Access, cluster: &str, draft: &BrokerUserDraft) -> Result<(), AppError> {
        let action = if draft.new { "create_user" } else { "update_user" };
        let place = Place { cluster, vhost: None, action, object: format!("user {:?}", draft.name) };
        self.changed(who, place, self.put_user(who, cluster, draft)).await
    }

    async fn delete_user(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<(), AppError> {
        let place = Place { cluster, vhost: None, action: "delete_user", object: format!("user {name:?}") };
        self.changed(who, place, self.remove_user(who, cluster, name)).await
    }

    async fn save_vhost(&self, who: &dyn Access, cluster: &str, draft: &VhostDraft) -> Result<(), AppError> {
        let action = if draft.new { "create_vhost" } else { "update_vhost" };
        let place = Place { cluster, vhost: Some(&draft.name), action, object: format!("vhost {:?}", draft.name) };
        self.changed(who, place, self.put_vhost(who, cluster, draft)).await
    }

    async fn delete_vhost(&self, who: &dyn Access, cluster: &str, deletion: &VhostDeletion) -> Result<(), AppError> {
        let object = format!("vhost {:?}", deletion.name);
        let place = Place { cluster, vhost: Some(&deletion.name), action: "delete_vhost", object };
        self.changed(who, place, self.remove_vhost(who, cluster, deletion)).await
    }

    async fn set_permissions(&self, who: &dyn Access, cluster: &str, draft: &PermissionDraft) -> Result<(), AppError> {
        let object = format!("permissions of user {:?}", draft.user);
        let place = Place { cluster, vhost: Some(&draft.vhost), action: "set_permissions", object };
        self.changed(who, place, self.put_permissions(who, cluster, draft)).await
    }

    async fn clear_permissions(&self, who: &dyn Access, cluster: &str, target: &PermissionRef) -> Result<(), AppError> {
        let object = format!("permissions of user {:?}", target.user);
        let place = Place { cluster, vhost: Some(&target.vhost), action: "clear_permissions", object };
        self.changed(who, place, self.remove_permissions(who, cluster, target)).await
    }

    async fn set_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &TopicPermissionDraft,
    ) -> Result<(), AppError> {
        let object = format!("topic permissions of user {:?} on exchange {:?}", draft.user, draft.exchange);
        let place = Place { cluster, vhost: Some(&draft.vhost), action: "set_topic_permissions", object };
        self.changed(who, place, self.put_topic_permissions(who, cluster, draft)).await
    }

    async fn clear_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        target: &TopicPermissionRef,
    ) -> Result<(), AppError> {
        let object = format!("topic permissions of user {:?} on exchange {:?}", target.user, target.exchange);
        let place = Place { cluster, vhost: Some(&target.vhost), action: "clear_topic_permissions", object };
        self.changed(who, place, self.remove_topic_permissions(who, cluster, target)).await
    }

    async fn set_limit(&self, who: &dyn Access, cluster: &str, change: &LimitChange) -> Result<(), AppError> {
        let (vhost, object) = match &change.target {
            LimitTarget::Vhost(name) => (Some(name.as_str()), format!("{} of vhost {name:?}", change.key.as_str())),
            LimitTarget::User(name) => (None, format!("{} of user {name:?}", change.key.as_str())),
        };
        let action = if change.value.is_some() { "set_limit" } else { "clear_limit" };
        let place = Place { cluster, vhost, action, object };
        self.changed(who, place, self.put_limit(who, cluster, change)).await
    }
}
