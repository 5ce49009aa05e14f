//! Server functions: the pages' first view of their data, at `POST /api/{name}` with a JSON body;
//! later changes come over the live stream (`components::live`). Each one asks the `Backend` that
//! the server binary provides as context, so this crate stays free of HTTP clients and
//! configuration. The server answers from its snapshot of each cluster, never by asking a broker
//! on behalf of a viewer. Every call carries the CSRF header (`client::CsrfClient`); the server's
//! sign-in layer checks who is asking before a function runs, and the backend checks what they
//! may see.

use leptos::prelude::*;

use crate::auth::*;
use crate::client::CsrfClient;
use crate::codec::Json;
use crate::error::AppError;
use crate::model::*;
use domain::backlog::{Growth, History, Range, SeriesRef};
use domain::dashboard::{Dashboard, DashboardSpec, TileData, TileKind};
use domain::definitions::{Import, ImportPreview};
use domain::ops::*;
use domain::policy::{Policies, PolicyDraft, PolicyPreview, PolicyRef};
use domain::routing::Topology;

mod access;
mod advisor;
mod cluster;
pub use access::*;
pub use advisor::*;
pub use cluster::*;

/// What the server must provide for the pages; implemented in the `server` crate.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    fn clusters(&self, who: &dyn Access) -> Vec<ClusterInfo>;
    /// Every cluster `who` may see, worst first (`ClusterCard::health`).
    async fn cluster_cards(&self, who: &dyn Access) -> Vec<ClusterCard>;
    async fn vhosts(&self, who: &dyn Access, cluster: &str) -> Result<Vec<String>, AppError>;
    async fn overview(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<Overview>, AppError>;
    async fn queues(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<QueueRow>>, AppError>;
    async fn queue(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<QueueDetail>, AppError>;
    async fn exchanges(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ExchangeRow>>, AppError>;
    async fn connections(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ConnectionRow>>, AppError>;
    /// One connection, named by the vhost it is in and its broker name.
    async fn connection(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ConnectionDetail>, AppError>;
    async fn node(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<Fresh<NodeDetail>, AppError>;
    async fn channels(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ChannelRow>>, AppError>;
    /// One channel, named by the vhost it is in and its broker name.
    async fn channel(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ChannelDetail>, AppError>;
    /// Every shovel's status, of one vhost or all; `enabled: false` without the plugin.
    async fn shovels(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<PluginList<ShovelRow>>, AppError>;
    /// Every federation link's status, like `shovels`.
    async fn federation_links(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<PluginList<FederationLink>>, AppError>;
    async fn consumers(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<ConsumerRow>>, AppError>;
    async fn exchange(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: &str,
        name: &str,
    ) -> Result<Fresh<ExchangeDetail>, AppError>;
    async fn bindings(
        &self,
        who: &dyn Access,
        cluster: &str,
        query: &ListQuery,
    ) -> Result<Fresh<Page<BindingRow>>, AppError>;
    /// One vhost's exchanges, bindings and queues, for routing previews computed in the browser.
    async fn topology(&self, who: &dyn Access, cluster: &str, vhost: &str) -> Result<Fresh<Topology>, AppError>;
    /// Policies and operator policies, of one vhost or all.
    async fn policies(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
    ) -> Result<Fresh<Policies>, AppError>;
    /// What a policy draft would match and what the matched objects would end up with.
    async fn preview_policy(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &PolicyDraft,
    ) -> Result<PolicyPreview, AppError>;
    /// One series' recorded history over a range.
    async fn history(
        &self,
        who: &dyn Access,
        cluster: &str,
        series: &SeriesRef,
        range: Range,
    ) -> Result<History, AppError>;
    /// The queues whose backlog grew most over a range, of one vhost or all.
    async fn top_growing(
        &self,
        who: &dyn Access,
        cluster: &str,
        vhost: Option<String>,
        range: Range,
    ) -> Result<Vec<Growth>, AppError>;
    /// Dashboard tiles on one cluster, each with its own result: one bad tile does not blank
    /// the others.
    async fn tiles(
        &self,
        who: &dyn Access,
        cluster: &str,
        kinds: &[TileKind],
    ) -> Result<Fresh<Vec<Result<TileData, AppError>>>, AppError>;
}

/// Writes to a broker; implemented in the `server` crate. Each one is checked there again, made
/// as the broker user who signed in (else as Warren's configured user), audited, and followed by
/// a refresh of what it changed, so the page shows the new state at once.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Operations: Send + Sync + 'static {
    async fn publish(&self, who: &dyn Access, cluster: &str, message: &Publish) -> Result<Published, AppError>;
    async fn get_messages(
        &self,
        who: &dyn Access,
        cluster: &str,
        get: &GetRequest,
    ) -> Result<Vec<GotMessage>, AppError>;
    async fn purge(&self, who: &dyn Access, cluster: &str, vhost: &str, queue: &str) -> Result<(), AppError>;
    async fn create_queue(&self, who: &dyn Access, cluster: &str, queue: &NewQueue) -> Result<(), AppError>;
    async fn delete_queue(&self, who: &dyn Access, cluster: &str, delete: &QueueDeletion) -> Result<(), AppError>;
    async fn create_exchange(&self, who: &dyn Access, cluster: &str, exchange: &NewExchange) -> Result<(), AppError>;
    async fn delete_exchange(&self, who: &dyn Access, cluster: &str, delete: &ExchangeDeletion)
        -> Result<(), AppError>;
    async fn add_binding(&self, who: &dyn Access, cluster: &str, binding: &NewBinding) -> Result<(), AppError>;
    async fn remove_binding(&self, who: &dyn Access, cluster: &str, binding: &BindingRef) -> Result<(), AppError>;
    async fn save_policy(&self, who: &dyn Access, cluster: &str, draft: &PolicyDraft) -> Result<(), AppError>;
    async fn delete_policy(&self, who: &dyn Access, cluster: &str, policy: &PolicyRef) -> Result<(), AppError>;
    async fn preview_import(&self, who: &dyn Access, cluster: &str, import: &Import)
        -> Result<ImportPreview, AppError>;
    async fn import_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<ImportPreview, AppError>;
    async fn close_connection(&self, who: &dyn Access, cluster: &str, close: &ConnectionClose) -> Result<(), AppError>;
    /// Closes the user's connections that `who` may see; how many were closed.
    async fn close_user_connections(
        &self,
        who: &dyn Access,
        cluster: &str,
        close: &UserConnectionsClose,
    ) -> Result<u64, AppError>;
    /// Starts a shovel that moves the messages a queue holds into another queue of its vhost.
    async fn move_messages(
        &self,
        who: &dyn Access,
        cluster: &str,
        request: &MessageMove,
    ) -> Result<MoveStarted, AppError>;
    async fn delete_shovel(&self, who: &dyn Access, cluster: &str, shovel: &ShovelRef) -> Result<(), AppError>;
    async fn templates(&self, who: &dyn Access) -> Result<Vec<Template>, AppError>;
    async fn save_template(&self, who: &dyn Access, name: &str, message: &Publish) -> Result<(), AppError>;
    async fn delete_template(&self, who: &dyn Access, name: &str) -> Result<(), AppError>;
}

/// Screen tokens, users and the audit log; implemented in the `server` crate. Admins only (the
/// sign-in layer and each function check); an admin limited to some clusters or vhosts sees,
/// hands out and revokes only what lies within those limits.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Accounts: Send + Sync + 'static {
    async fn screen_tokens(&self, who: &dyn Access) -> Result<Vec<ScreenToken>, AppError>;
    async fn create_screen_token(
        &self,
        who: &dyn Access,
        label: &str,
        clusters: Option<Vec<String>>,
    ) -> Result<NewScreenToken, AppError>;
    async fn revoke_screen_token(&self, who: &dyn Access, id: i64) -> Result<(), AppError>;
    async fn users(&self, who: &dyn Access) -> Result<Vec<UserInfo>, AppError>;
    async fn audit(&self, who: &dyn Access, query: &AuditQuery) -> Result<AuditPage, AppError>;
    /// Clusters whose RabbitMQ users may sign in; asked before anyone is signed in.
    fn broker_sign_in_clusters(&self) -> Vec<String>;
}

/// Wall-screen dashboards, kept in Warren's store; implemented in the `server` crate. Anyone
/// signed in reads those whose clusters they may see; admins save, delete and import.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Dashboards: Send + Sync + 'static {
    async fn dashboards(&self, who: &dyn Access) -> Result<Vec<Dashboard>, AppError>;
    async fn dashboard(&self, who: &dyn Access, id: i64) -> Result<Dashboard, AppError>;
    /// `id: None` creates one. `rev` is the revision the editor started from: a save over
    /// someone else's newer one is refused rather than silently undoing it.
    async fn save_dashboard(
        &self,
        who: &dyn Access,
        id: Option<i64>,
        rev: u64,
        spec: DashboardSpec,
    ) -> Result<Dashboard, AppError>;
    async fn delete_dashboard(&self, who: &dyn Access, id: i64) -> Result<(), AppError>;
    /// Creates or replaces (by name) every dashboard of an export, all or none.
    async fn import_dashboards(&self, who: &dyn Access, specs: Vec<DashboardSpec>) -> Result<Vec<Dashboard>, AppError>;
}

#[cfg(feature = "ssr")]
pub type SharedDashboards = std::sync::Arc<dyn Dashboards>;
#[cfg(feature = "ssr")]
pub type SharedBackend = std::sync::Arc<dyn Backend>;
#[cfg(feature = "ssr")]
pub type SharedAccounts = std::sync::Arc<dyn Accounts>;
#[cfg(feature = "ssr")]
pub type SharedOperations = std::sync::Arc<dyn Operations>;

/// Runs `call` with the backend and who is asking; a failure also sets the HTTP status that says
/// what went wrong (404, 403, 502…), so the JSON API is as clear as the pages.
#[cfg(feature = "ssr")]
async fn answer<B, T, F>(need: Need, call: impl FnOnce(B, SharedAccess) -> F) -> Result<T, AppError>
where
    B: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    let result = match (use_context::<B>(), current_access()) {
        (None, _) => {
            leptos::logging::error!("server misconfigured: a server function has no backend");
            Err(AppError::Internal)
        }
        (_, Err(e)) => Err(e),
        (Some(_), Ok(who)) if !who.me().may(need) => Err(AppError::Forbidden(match who.me().kind {
            IdentityKind::Screen => "screen tokens are read-only".into(),
            _ => "your role may not do this".into(),
        })),
        // Viewers learn that a broker is down, not the addresses and OS errors behind it.
        (Some(backend), Ok(who)) => {
            let admin = who.me().is_admin();
            call(backend, who).await.map_err(|e| if admin { e } else { e.redacted() })
        }
    };
    if let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        // A page about a broker that is down is still a page the console served: it says so in a
        // banner, with 200. The JSON API says it with the status.
        let api_call = use_context::<http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/api/"));
        let broker_side = error.is_broker_fault() || matches!(error, AppError::Loading { .. });
        if api_call || !broker_side {
            response.set_status(error.status());
        }
    }
    result
}

/// What the sign-in form offers: the clusters whose RabbitMQ users may sign in. Public.
#[server(input = Json, output = Json, endpoint = "sign_in_options", client = CsrfClient)]
pub async fn sign_in_options() -> Result<Vec<String>, AppError> {
    use_context::<SharedAccounts>().map(|a| a.broker_sign_in_clusters()).ok_or(AppError::Internal)
}

#[server(input = Json, output = Json, endpoint = "whoami", client = CsrfClient)]
pub async fn whoami() -> Result<Me, AppError> {
    current_access().map(|who| who.me())
}

#[server(input = Json, output = Json, endpoint = "list_clusters", client = CsrfClient)]
pub async fn list_clusters() -> Result<Vec<ClusterInfo>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { Ok(b.clusters(&*who)) }).await
}

#[server(input = Json, output = Json, endpoint = "list_cluster_cards", client = CsrfClient)]
pub async fn list_cluster_cards() -> Result<Vec<ClusterCard>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { Ok(b.cluster_cards(&*who).await) }).await
}

#[server(input = Json, output = Json, endpoint = "list_vhosts", client = CsrfClient)]
pub async fn list_vhosts(cluster: String) -> Result<Vec<String>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.vhosts(&*who, &cluster).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_overview", client = CsrfClient)]
pub async fn get_overview(cluster: String) -> Result<Fresh<Overview>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.overview(&*who, &cluster).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_queues", client = CsrfClient)]
pub async fn list_queues(cluster: String, query: ListQuery) -> Result<Fresh<Page<QueueRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.queues(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_queue", client = CsrfClient)]
pub async fn get_queue(cluster: String, vhost: String, name: String) -> Result<Fresh<QueueDetail>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.queue(&*who, &cluster, &vhost, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_connections", client = CsrfClient)]
pub async fn list_connections(cluster: String, query: ListQuery) -> Result<Fresh<Page<ConnectionRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.connections(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_connection", client = CsrfClient)]
pub async fn get_connection(cluster: String, vhost: String, name: String) -> Result<Fresh<ConnectionDetail>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.connection(&*who, &cluster, &vhost, &name).await }).await
}

/// `vhost` is not used: a node belongs to no vhost, but every detail page asks with one.
#[server(input = Json, output = Json, endpoint = "get_node", client = CsrfClient)]
pub async fn get_node(cluster: String, vhost: String, name: String) -> Result<Fresh<NodeDetail>, AppError> {
    let _ = vhost;
    answer(Need::Read, |b: SharedBackend, who| async move { b.node(&*who, &cluster, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_channels", client = CsrfClient)]
pub async fn list_channels(cluster: String, query: ListQuery) -> Result<Fresh<Page<ChannelRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.channels(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_channel", client = CsrfClient)]
pub async fn get_channel(cluster: String, vhost: String, name: String) -> Result<Fresh<ChannelDetail>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.channel(&*who, &cluster, &vhost, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_consumers", client = CsrfClient)]
pub async fn list_consumers(cluster: String, query: ListQuery) -> Result<Fresh<Page<ConsumerRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.consumers(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_shovels", client = CsrfClient)]
pub async fn list_shovels(cluster: String, vhost: Option<String>) -> Result<Fresh<PluginList<ShovelRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.shovels(&*who, &cluster, vhost).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_federation_links", client = CsrfClient)]
pub async fn list_federation_links(
    cluster: String,
    vhost: Option<String>,
) -> Result<Fresh<PluginList<FederationLink>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.federation_links(&*who, &cluster, vhost).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_exchanges", client = CsrfClient)]
pub async fn list_exchanges(cluster: String, query: ListQuery) -> Result<Fresh<Page<ExchangeRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.exchanges(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_exchange", client = CsrfClient)]
pub async fn get_exchange(cluster: String, vhost: String, name: String) -> Result<Fresh<ExchangeDetail>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.exchange(&*who, &cluster, &vhost, &name).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_bindings", client = CsrfClient)]
pub async fn list_bindings(cluster: String, query: ListQuery) -> Result<Fresh<Page<BindingRow>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.bindings(&*who, &cluster, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_topology", client = CsrfClient)]
pub async fn get_topology(cluster: String, vhost: String) -> Result<Fresh<Topology>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.topology(&*who, &cluster, &vhost).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_history", client = CsrfClient)]
pub async fn get_history(cluster: String, series: SeriesRef, range: Range) -> Result<History, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.history(&*who, &cluster, &series, range).await }).await
}

#[server(input = Json, output = Json, endpoint = "top_growing", client = CsrfClient)]
pub async fn top_growing(cluster: String, vhost: Option<String>, range: Range) -> Result<Vec<Growth>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.top_growing(&*who, &cluster, vhost, range).await }).await
}

#[server(input = Json, output = Json, endpoint = "admin/list_screen_tokens", client = CsrfClient)]
pub async fn list_screen_tokens() -> Result<Vec<ScreenToken>, AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAccounts, who| async move { a.screen_tokens(&*who).await }).await
}

#[server(input = Json, output = Json, endpoint = "admin/create_screen_token", client = CsrfClient)]
pub async fn create_screen_token(label: String, clusters: Option<Vec<String>>) -> Result<NewScreenToken, AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAccounts, who| async move {
        a.create_screen_token(&*who, &label, clusters).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "admin/revoke_screen_token", client = CsrfClient)]
pub async fn revoke_screen_token(id: i64) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAccounts, who| async move { a.revoke_screen_token(&*who, id).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "admin/list_users", client = CsrfClient)]
pub async fn list_users() -> Result<Vec<UserInfo>, AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAccounts, who| async move { a.users(&*who).await }).await
}

#[server(input = Json, output = Json, endpoint = "admin/list_audit", client = CsrfClient)]
pub async fn list_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAccounts, who| async move { a.audit(&*who, &query).await }).await
}

#[server(input = Json, output = Json, endpoint = "list_policies", client = CsrfClient)]
pub async fn list_policies(cluster: String, vhost: Option<String>) -> Result<Fresh<Policies>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.policies(&*who, &cluster, vhost).await }).await
}

#[server(input = Json, output = Json, endpoint = "preview_policy", client = CsrfClient)]
pub async fn preview_policy(cluster: String, draft: PolicyDraft) -> Result<PolicyPreview, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.preview_policy(&*who, &cluster, &draft).await }).await
}

#[server(input = Json, output = Json, endpoint = "ops/publish", client = CsrfClient)]
pub async fn publish_message(cluster: String, message: Publish) -> Result<Published, AppError> {
    answer(
        Need::Role(Role::Operator),
        |o: SharedOperations, who| async move { o.publish(&*who, &cluster, &message).await },
    )
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/get_messages", client = CsrfClient)]
pub async fn get_messages(cluster: String, get: GetRequest) -> Result<Vec<GotMessage>, AppError> {
    answer(
        Need::Role(Role::Operator),
        |o: SharedOperations, who| async move { o.get_messages(&*who, &cluster, &get).await },
    )
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/purge_queue", client = CsrfClient)]
pub async fn purge_queue(cluster: String, vhost: String, name: String) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.purge(&*who, &cluster, &vhost, &name).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/create_queue", client = CsrfClient)]
pub async fn create_queue(cluster: String, queue: NewQueue) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.create_queue(&*who, &cluster, &queue).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/delete_queue", client = CsrfClient)]
pub async fn delete_queue(cluster: String, delete: QueueDeletion) -> Result<(), AppError> {
    answer(
        Need::Role(Role::Admin),
        |o: SharedOperations, who| async move { o.delete_queue(&*who, &cluster, &delete).await },
    )
    .await
}

/// Admins only, as RabbitMQ allows it to its administrators (and a user to close their own).
#[server(input = Json, output = Json, endpoint = "ops/close_connection", client = CsrfClient)]
pub async fn close_connection(cluster: String, close: ConnectionClose) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.close_connection(&*who, &cluster, &close).await
    })
    .await
}

/// Admins only: the broker closes another user's connections for its administrators alone.
#[server(input = Json, output = Json, endpoint = "ops/close_user_connections", client = CsrfClient)]
pub async fn close_user_connections(cluster: String, close: UserConnectionsClose) -> Result<u64, AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.close_user_connections(&*who, &cluster, &close).await
    })
    .await
}

/// Operators, as RabbitMQ gives shovels to its policymakers.
#[server(input = Json, output = Json, endpoint = "ops/move_messages", client = CsrfClient)]
pub async fn move_messages(cluster: String, request: MessageMove) -> Result<MoveStarted, AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.move_messages(&*who, &cluster, &request).await
    })
    .await
}

/// Admins: a shovel may be someone's permanent link between clusters.
#[server(input = Json, output = Json, endpoint = "ops/delete_shovel", client = CsrfClient)]
pub async fn delete_shovel(cluster: String, shovel: ShovelRef) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.delete_shovel(&*who, &cluster, &shovel).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/create_exchange", client = CsrfClient)]
pub async fn create_exchange(cluster: String, exchange: NewExchange) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.create_exchange(&*who, &cluster, &exchange).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/delete_exchange", client = CsrfClient)]
pub async fn delete_exchange(cluster: String, delete: ExchangeDeletion) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.delete_exchange(&*who, &cluster, &delete).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/add_binding", client = CsrfClient)]
pub async fn add_binding(cluster: String, binding: NewBinding) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.add_binding(&*who, &cluster, &binding).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/remove_binding", client = CsrfClient)]
pub async fn remove_binding(cluster: String, binding: BindingRef) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.remove_binding(&*who, &cluster, &binding).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/save_policy", client = CsrfClient)]
pub async fn save_policy(cluster: String, draft: PolicyDraft) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.save_policy(&*who, &cluster, &draft).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/delete_policy", client = CsrfClient)]
pub async fn delete_policy(cluster: String, policy: PolicyRef) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.delete_policy(&*who, &cluster, &policy).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/preview_import", client = CsrfClient)]
pub async fn preview_import(cluster: String, import: Import) -> Result<ImportPreview, AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.preview_import(&*who, &cluster, &import).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/import_definitions", client = CsrfClient)]
pub async fn import_definitions(cluster: String, import: Import) -> Result<ImportPreview, AppError> {
    answer(Need::Role(Role::Admin), |o: SharedOperations, who| async move {
        o.import_definitions(&*who, &cluster, &import).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/list_templates", client = CsrfClient)]
pub async fn list_templates() -> Result<Vec<Template>, AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move { o.templates(&*who).await }).await
}

#[server(input = Json, output = Json, endpoint = "ops/save_template", client = CsrfClient)]
pub async fn save_template(name: String, message: Publish) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move {
        o.save_template(&*who, &name, &message).await
    })
    .await
}

#[server(input = Json, output = Json, endpoint = "ops/delete_template", client = CsrfClient)]
pub async fn delete_template(name: String) -> Result<(), AppError> {
    answer(Need::Role(Role::Operator), |o: SharedOperations, who| async move { o.delete_template(&*who, &name).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "list_dashboards", client = CsrfClient)]
pub async fn list_dashboards() -> Result<Vec<Dashboard>, AppError> {
    answer(Need::Read, |d: SharedDashboards, who| async move { d.dashboards(&*who).await }).await
}

#[server(input = Json, output = Json, endpoint = "get_dashboard", client = CsrfClient)]
pub async fn get_dashboard(id: i64) -> Result<Dashboard, AppError> {
    answer(Need::Read, |d: SharedDashboards, who| async move { d.dashboard(&*who, id).await }).await
}

#[server(input = Json, output = Json, endpoint = "admin/save_dashboard", client = CsrfClient)]
pub async fn save_dashboard(id: Option<i64>, rev: u64, spec: DashboardSpec) -> Result<Dashboard, AppError> {
    answer(
        Need::Role(Role::Admin),
        |d: SharedDashboards, who| async move { d.save_dashboard(&*who, id, rev, spec).await },
    )
    .await
}

#[server(input = Json, output = Json, endpoint = "admin/delete_dashboard", client = CsrfClient)]
pub async fn delete_dashboard(id: i64) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |d: SharedDashboards, who| async move { d.delete_dashboard(&*who, id).await }).await
}

#[server(input = Json, output = Json, endpoint = "admin/import_dashboards", client = CsrfClient)]
pub async fn import_dashboards(specs: Vec<DashboardSpec>) -> Result<Vec<Dashboard>, AppError> {
    answer(Need::Role(Role::Admin), |d: SharedDashboards, who| async move { d.import_dashboards(&*who, specs).await })
        .await
}

#[server(input = Json, output = Json, endpoint = "get_tiles", client = CsrfClient)]
pub async fn get_tiles(
    cluster: String,
    kinds: Vec<TileKind>,
) -> Result<Fresh<Vec<Result<TileData, AppError>>>, AppError> {
    answer(Need::Read, |b: SharedBackend, who| async move { b.tiles(&*who, &cluster, &kinds).await }).await
}
