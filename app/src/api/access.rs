//! Server functions for a cluster's users, vhosts, permissions and limits: admins who see every
//! vhost of the cluster only (a scoped admin could otherwise grant themselves the rest). The
//! server checks this again in every call; writes are made as the broker user who signed in,
//! when there is one, so the broker's own rules apply too.

use leptos::prelude::*;

use super::*;
use domain::access::{
    BrokerUserDraft, LimitChange, PermissionDraft, PermissionRef, TopicPermissionDraft, TopicPermissionRef,
    VhostDeletion, VhostDraft,
};

/// What the access pages need from the server; implemented in the `server` crate.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait BrokerAccess: Send + Sync + 'static {
    async fn access(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<AccessInfo>, AppError>;
    async fn preview_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &PermissionDraft,
    ) -> Result<PermissionPreview, AppError>;
    async fn save_user(&self, who: &dyn Access, cluster: &str, draft: &BrokerUserDraft) -> Result<(), AppError>;
    async fn delete_user(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<(), AppError>;
    async fn save_vhost(&self, who: &dyn Access, cluster: &str, draft: &VhostDraft) -> Result<(), AppError>;
    async fn delete_vhost(&self, who: &dyn Access, cluster: &str, deletion: &VhostDeletion) -> Result<(), AppError>;
    async fn set_permissions(&self, who: &dyn Access, cluster: &str, draft: &PermissionDraft) -> Result<(), AppError>;
    async fn clear_permissions(&self, who: &dyn Access, cluster: &str, target: &PermissionRef) -> Result<(), AppError>;
    async fn set_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &TopicPermissionDraft,
    ) -> Result<(), AppError>;
    async fn clear_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        target: &TopicPermissionRef,
    ) -> Result<(), AppError>;
    async fn set_limit(&self, who: &dyn Access, cluster: &str, change: &LimitChange) -> Result<(), AppError>;
}

#[cfg(feature = "ssr")]
pub type SharedBrokerAccess = std::sync::Arc<dyn BrokerAccess>;

#[cfg(feature = "ssr")]
const ADMIN: Need = Need::Role(Role::Admin);

#[server(input = Json, output = Json, endpoint = "access/get", client = CsrfClient)]
pub async fn get_access(cluster: String) -> Result<Fresh<AccessInfo>, AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.access(&*who, &cluster).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/preview_permissions", client = CsrfClient)]
pub async fn preview_permissions(cluster: String, draft: PermissionDraft) -> Result<PermissionPreview, AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.preview_permissions(&*who, &cluster, &draft).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "access/save_user", client = CsrfClient)]
pub async fn save_broker_user(cluster: String, draft: BrokerUserDraft) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.save_user(&*who, &cluster, &draft).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/delete_user", client = CsrfClient)]
pub async fn delete_broker_user(cluster: String, name: String) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.delete_user(&*who, &cluster, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/save_vhost", client = CsrfClient)]
pub async fn save_vhost(cluster: String, draft: VhostDraft) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.save_vhost(&*who, &cluster, &draft).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/delete_vhost", client = CsrfClient)]
pub async fn delete_vhost(cluster: String, deletion: VhostDeletion) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.delete_vhost(&*who, &cluster, &deletion).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/set_permissions", client = CsrfClient)]
pub async fn set_permissions(cluster: String, draft: PermissionDraft) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.set_permissions(&*who, &cluster, &draft).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/clear_permissions", client = CsrfClient)]
pub async fn clear_permissions(cluster: String, target: PermissionRef) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.clear_permissions(&*who, &cluster, &target).await }).await
}

#[server(input = Json, output = Json, endpoint = "access/set_topic_permissions", client = CsrfClient)]
pub async fn set_topic_permissions(cluster: String, draft: TopicPermissionDraft) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.set_topic_permissions(&*who, &cluster, &draft).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "access/clear_topic_permissions", client = CsrfClient)]
pub async fn clear_topic_permissions(cluster: String, target: TopicPermissionRef) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.clear_topic_permissions(&*who, &cluster, &target).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "access/set_limit", client = CsrfClient)]
pub async fn set_limit(cluster: String, change: LimitChange) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedBrokerAccess, who| async move { a.set_limit(&*who, &cluster, &change).await }).await
}
