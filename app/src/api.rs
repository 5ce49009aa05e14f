//! Server functions: the pages' first view of their data, at `POST /api/{name}` with a JSON body;
//! later changes come over the live stream (`components::live`). Each one asks the `Backend` that
//! the server binary provides as context, so this crate stays free of HTTP clients and
//! configuration. The server answers from its snapshot of each cluster, never by asking a broker
//! on behalf of a viewer.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::*;

/// What the server must provide for the pages; implemented in the `server` crate.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    fn clusters(&self) -> Vec<ClusterInfo>;
    async fn vhosts(&self, cluster: &str) -> Result<Vec<String>, AppError>;
    async fn overview(&self, cluster: &str) -> Result<Fresh<Overview>, AppError>;
    async fn queues(&self, cluster: &str, query: &ListQuery) -> Result<Fresh<Page<QueueRow>>, AppError>;
    async fn queue(&self, cluster: &str, vhost: &str, name: &str) -> Result<Fresh<QueueDetail>, AppError>;
    async fn exchanges(&self, cluster: &str, query: &ListQuery) -> Result<Fresh<Page<ExchangeRow>>, AppError>;
    async fn exchange(&self, cluster: &str, vhost: &str, name: &str) -> Result<Fresh<ExchangeDetail>, AppError>;
    async fn bindings(&self, cluster: &str, query: &ListQuery) -> Result<Fresh<Page<BindingRow>>, AppError>;
}

#[cfg(feature = "ssr")]
pub type SharedBackend = std::sync::Arc<dyn Backend>;

#[cfg(feature = "ssr")]
fn backend() -> Result<SharedBackend, AppError> {
    use_context::<SharedBackend>().ok_or_else(|| AppError::Transport("server misconfigured: no backend".into()))
}

#[server(input = Json, endpoint = "list_clusters")]
pub async fn list_clusters() -> Result<Vec<ClusterInfo>, AppError> {
    Ok(backend()?.clusters())
}

#[server(input = Json, endpoint = "list_vhosts")]
pub async fn list_vhosts(cluster: String) -> Result<Vec<String>, AppError> {
    backend()?.vhosts(&cluster).await
}

#[server(input = Json, endpoint = "get_overview")]
pub async fn get_overview(cluster: String) -> Result<Fresh<Overview>, AppError> {
    backend()?.overview(&cluster).await
}

#[server(input = Json, endpoint = "list_queues")]
pub async fn list_queues(cluster: String, query: ListQuery) -> Result<Fresh<Page<QueueRow>>, AppError> {
    backend()?.queues(&cluster, &query).await
}

#[server(input = Json, endpoint = "get_queue")]
pub async fn get_queue(cluster: String, vhost: String, name: String) -> Result<Fresh<QueueDetail>, AppError> {
    backend()?.queue(&cluster, &vhost, &name).await
}

#[server(input = Json, endpoint = "list_exchanges")]
pub async fn list_exchanges(cluster: String, query: ListQuery) -> Result<Fresh<Page<ExchangeRow>>, AppError> {
    backend()?.exchanges(&cluster, &query).await
}

#[server(input = Json, endpoint = "get_exchange")]
pub async fn get_exchange(cluster: String, vhost: String, name: String) -> Result<Fresh<ExchangeDetail>, AppError> {
    backend()?.exchange(&cluster, &vhost, &name).await
}

#[server(input = Json, endpoint = "list_bindings")]
pub async fn list_bindings(cluster: String, query: ListQuery) -> Result<Fresh<Page<BindingRow>>, AppError> {
    backend()?.bindings(&cluster, &query).await
}
