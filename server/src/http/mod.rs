//! The HTTP surface: one router for pages, server functions, live streams, downloads, sign-in,
//! static files and health, with the layers every request passes (canonical path, sign-in and
//! access table, security headers, body limit, compression).

pub mod assets;
mod audit_export;
mod downloads;
pub mod live;
mod security;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use app::api::{
    SharedAccounts, SharedAdvisor, SharedBackend, SharedBrokerAccess, SharedClusterAdmin, SharedDashboards,
    SharedOperations,
};
use app::{kiosk_shell, shell, App};
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, render_app_to_stream_with_context, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::{self, Auth};
use crate::service::access::Principal;
use crate::service::clusters::Clusters;
use crate::service::dashboards::DashboardStore;
use crate::service::operations::Operations;
use crate::store::audit;

#[derive(Clone)]
struct AppState {
    leptos_options: LeptosOptions,
    clusters: Arc<Clusters>,
    auth: Arc<Auth>,
    operations: Arc<Operations>,
    dashboards: Arc<DashboardStore>,
    live: Arc<live::Live>,
}

impl FromRef<AppState> for Arc<live::Live> {
    fn from_ref(state: &AppState) -> Self {
        state.live.clone()
    }
}

impl FromRef<AppState> for Arc<DashboardStore> {
    fn from_ref(state: &AppState) -> Self {
        state.dashboards.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<Clusters> {
    fn from_ref(state: &AppState) -> Self {
        state.clusters.clone()
    }
}

impl FromRef<AppState> for Arc<Operations> {
    fn from_ref(state: &AppState) -> Self {
        state.operations.clone()
    }
}

impl FromRef<AppState> for Arc<Auth> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// Leptos answers every server function error with 500, including a request body it could not
/// decode before the function ran; give such answers the status their `AppError` stands for.
/// A write that never ran because its body could not be decoded is audited here, as no function
/// saw it.
async fn api_error_status(
    State(auth): State<Arc<Auth>>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let path = request.uri().path().to_string();
    let api = path.starts_with("/api/");
    let write = matches!(auth::policy::of(request.method(), &path), Some(auth::policy::Policy::Write(_)));
    let who = request.extensions().get::<Arc<Principal>>().cloned();
    let response = next.run(request).await;
    if !api || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status();
        if let (true, Some(who), app::error::AppError::Undecodable(reason)) = (write, &who, &error) {
            use app::auth::Access;
            let detail = Some(format!("the request could not be read: {reason}"));
            let action = auth::action_name(&path);
            auth.audit.record(&who.actor(), &action, audit::Target::default(), audit::Outcome::Denied, detail).await;
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The directories of the built front ends: the console's bundle, the wall screen's.
pub fn front_end_dirs(options: &LeptosOptions) -> [PathBuf; 2] {
    let kiosk = app::kiosk_options(options);
    [options, &kiosk].map(|o| Path::new(o.site_root.as_ref()).join(o.site_pkg_dir.as_ref()))
}

/// The whole HTTP app: pages, server functions, live streams, metrics, sign-in, static files and
/// health. Every route passes the sign-in layer (`auth::guard`) first.
pub fn router(leptos_options: LeptosOptions, auth: Arc<Auth>) -> Router {
    let clusters = auth.clusters.clone();
    let backend: SharedBackend = clusters.clone();
    let accounts: SharedAccounts = auth.clone();
    let operations = Arc::new(Operations::new(clusters.clone(), auth.audit.clone(), auth.store.clone()));
    let writes: SharedOperations = operations.clone();
    let access: SharedBrokerAccess = operations.clone();
    let cluster_admin: SharedClusterAdmin = operations.clone();
    let advisor: SharedAdvisor = operations.clone();
    let dashboards = Arc::new(DashboardStore::new(auth.store.clone(), auth.audit.clone(), clusters.clone()));
    let boards: SharedDashboards = dashboards.clone();
    let metrics = clusters.clone();
    let routes = generate_route_list(App);
    let [_, kiosk_dir] = front_end_dirs(&leptos_options);
    let kiosk_bundle = ServeDir::new(kiosk_dir).precompressed_br().precompressed_gzip();
    let body_limit = auth.config.body_limit;
    let live = live::Live::new(clusters.names(), auth.config.live_streams_per_identity, auth.config.live_streams_total);
    let state =
        AppState { leptos_options: leptos_options.clone(), clusters, auth: auth.clone(), operations, dashboards, live };
    let context = move || {
        provide_context(backend.clone());
        provide_context(accounts.clone());
        provide_context(writes.clone());
        provide_context(access.clone());
        provide_context(cluster_admin.clone());
        provide_context(advisor.clone());
        provide_context(boards.clone());
        security::provide_request_nonce();
    };
    Router::<AppState>::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(downloads::metrics))
        .route("/live/{cluster}/{view}", get(live::stream))
        .route("/export/{cluster}/definitions", get(downloads::definitions))
        .route("/export/dashboards", get(downloads::dashboards))
        .route("/admin/audit/export", get(audit_export::export_audit))
        .merge(auth::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        // The wall screen is an app of its own, with its own bundle and no router.
        .route(
            "/kiosk/{id}",
            get(render_app_to_stream_with_context(context.clone(), {
                let options = leptos_options.clone();
                move || kiosk_shell(options.clone())
            })),
        )
        .nest_service(&format!("/{}", app::KIOSK_PKG_DIR), kiosk_bundle)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn_with_state(auth.clone(), api_error_status))
        .layer(middleware::from_fn_with_state(auth, auth::guard))
        // Before the sign-in layer: the policy and the routers must read the same path.
        .layer(middleware::from_fn(auth::require_canonical_path))
        .layer(middleware::from_fn(security::content_security_policy))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Screen tokens may sit in a URL for a moment: never send URLs to other sites.
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(middleware::from_fn(move |request, next| {
            let clusters = metrics.clone();
            async move { crate::metrics::track_http(clusters.metrics(), request, next).await }
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
