//! Warren's server: configuration, broker access, the per-cluster pollers and the HTTP router.

pub mod backend;
pub mod broker;
pub mod config;
pub mod feed;
pub mod live;
pub mod metrics;
pub mod snapshot;

use std::sync::Arc;

use app::api::SharedBackend;
use app::{shell, App};
use axum::extract::{FromRef, State};
use axum::response::Redirect;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::backend::Clusters;

#[derive(Clone)]
struct AppState {
    leptos_options: LeptosOptions,
    clusters: Arc<Clusters>,
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

/// The whole HTTP app: pages, server functions, live streams, metrics, static files and health.
pub fn router(leptos_options: LeptosOptions, clusters: Arc<Clusters>) -> Router {
    let home = app::urls::cluster_home(clusters.first());
    let backend: SharedBackend = clusters.clone();
    let metrics = clusters.clone();
    let routes = generate_route_list(App);
    let state = AppState { leptos_options: leptos_options.clone(), clusters };
    Router::<AppState>::new()
        .route("/", get(move || async move { Redirect::temporary(&home) }))
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/metrics",
            get(|State(clusters): State<Arc<Clusters>>| async move { metrics::exposition(clusters.encode_metrics()) }),
        )
        .route("/live/{cluster}/{view}", get(live::stream))
        .leptos_routes_with_context(&state, routes, move || provide_context(backend.clone()), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(move |request, next| {
            let clusters = metrics.clone();
            async move { metrics::track_http(clusters.metrics(), request, next).await }
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
