use std::sync::Arc;

use anyhow::Context;
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;
use warren::backend::Clusters;
use warren::config::Config;
use warren::metrics::Metrics;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")))
        .init();

    let config = Config::load().context("loading configuration")?;
    let leptos_options = get_configuration(None).context("reading Leptos options")?.leptos_options;
    let addr = config.listen.unwrap_or(leptos_options.site_addr);
    for cluster in &config.clusters {
        let nodes: Vec<&str> = cluster.urls.iter().map(|u| u.as_str()).collect();
        tracing::info!(cluster = %cluster.name, ?nodes, user = %cluster.username, "watching cluster");
    }
    let clusters = Clusters::spawn(&config.clusters, Arc::new(Metrics::default()))?;
    let app = warren::router(leptos_options, clusters.clone());

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!("Warren is serving on http://{addr}");
    let stop = clusters.shutdown_token().clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Ends pollers and live streams, which would otherwise keep the server waiting.
            stop.cancel();
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            term.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
