//! Server functions for a cluster as a whole: its name, its feature flags, the features it uses
//! that RabbitMQ deprecates, and its readiness for RabbitMQ 4. For admins who see every vhost of
//! the cluster, as the access pages (`api::access`); the server checks this again in every call.

use leptos::prelude::*;

use super::*;

/// What the cluster pages need from the server; implemented in the `server` crate.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ClusterAdmin: Send + Sync + 'static {
    async fn settings(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<ClusterSettings>, AppError>;
    async fn rename(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<(), AppError>;
    async fn enable_flag(
        &self,
        who: &dyn Access,
        cluster: &str,
        name: &str,
        experimental_confirmed: bool,
    ) -> Result<(), AppError>;
    async fn readiness(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<Readiness>, AppError>;
}

#[cfg(feature = "ssr")]
pub type SharedClusterAdmin = std::sync::Arc<dyn ClusterAdmin>;

#[cfg(feature = "ssr")]
const ADMIN: Need = Need::Role(Role::Admin);

#[server(input = Json, output = Json, endpoint = "cluster/settings", client = CsrfClient)]
pub async fn get_cluster_settings(cluster: String) -> Result<Fresh<ClusterSettings>, AppError> {
    answer(ADMIN, |a: SharedClusterAdmin, who| async move { a.settings(&*who, &cluster).await }).await
}

#[server(input = Json, output = Json, endpoint = "cluster/rename", client = CsrfClient)]
pub async fn rename_cluster(cluster: String, name: String) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedClusterAdmin, who| async move { a.rename(&*who, &cluster, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "cluster/enable_flag", client = CsrfClient)]
pub async fn enable_feature_flag(cluster: String, name: String, experimental_confirmed: bool) -> Result<(), AppError> {
    answer(ADMIN, |a: SharedClusterAdmin, who| async move {
        a.enable_flag(&*who, &cluster, &name, experimental_confirmed).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "cluster/readiness", client = CsrfClient)]
pub async fn get_readiness(cluster: String) -> Result<Fresh<Readiness>, AppError> {
    answer(ADMIN, |a: SharedClusterAdmin, who| async move { a.readiness(&*who, &cluster).await }).await
}
