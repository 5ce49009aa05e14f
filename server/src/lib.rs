//! Warren's server: configuration, broker access and the HTTP router.

pub mod backend;
pub mod broker;
pub mod config;

use std::sync::Arc;

use app::api::SharedBackend;
use app::{shell, App};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::backend::Clusters;

/// The whole HTTP app: pages, server functions, static files and health check.
pub fn router(leptos_options: LeptosOptions, clusters: Clusters) -> Router {
    let home = app::urls::cluster_home(clusters.first());
    let backend: SharedBackend = Arc::new(clusters);
    let routes = generate_route_list(App);
    Router::new()
        .route("/", get(move || async move { Redirect::temporary(&home) }))
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(&leptos_options, routes, move || provide_context(backend.clone()), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(leptos_options)
}
