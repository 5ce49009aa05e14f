use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{bail, Context};
use axum::serve::ListenerExt;
use clap::Parser;
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;
use warren::auth::Auth;
use warren::cli::{Cli, Command};
use warren::config::Config;
use warren::metrics::Metrics;
use warren::service::clusters::Clusters;
use warren::store::mutes::Mutes;
use warren::store::timeseries::History;
use warren::store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn")))
        .init();

    let cli = Cli::parse();
    let config = Config::load().context("loading configuration")?;
    let store =
        Store::open(&config.data_dir).with_context(|| format!("opening the store in {}", config.data_dir.display()))?;
    match cli.command {
        None | Some(Command::Serve) => serve(config, store).await,
        Some(command) => {
            let names: Vec<String> = config.clusters.iter().map(|c| c.name.clone()).collect();
            warren::cli::run(command, store, &names).await
        }
    }
}

async fn serve(config: Config, store: Store) -> anyhow::Result<()> {
    let leptos_options = get_configuration(None).context("reading Leptos options")?.leptos_options;
    let addr = config.listen.unwrap_or(leptos_options.site_addr);
    for cluster in &config.clusters {
        let nodes: Vec<&str> = cluster.urls.iter().map(|u| u.as_str()).collect();
        tracing::info!(cluster = %cluster.name, ?nodes, user = %cluster.username, "watching cluster");
    }
    let history = History::open(&config.data_dir, config.history.clone())
        .with_context(|| format!("opening the history in {}", config.data_dir.display()))?;
    let mutes = Some(Mutes::new(store.clone()));
    let clusters = Clusters::spawn(&config.clusters, Arc::new(Metrics::default()), Some(history), mutes)?;
    let auth = Auth::new(store, config.auth.clone(), clusters.clone()).context("reading Warren's keys")?;
    // With no user yet, the console is reachable from this machine only, through a one-time link.
    if let Some(code) = auth.first_run_code().await? {
        if !addr.ip().is_loopback() {
            bail!(
                "no users yet, and {addr} is not a loopback address: Warren does not open to the network before \
                 an admin exists. Add one with `warren user add NAME --role admin`, or listen on 127.0.0.1 and \
                 use the one-time setup link it prints"
            );
        }
        tracing::warn!("no users yet: create the first admin at http://{addr}/setup?code={code} (works once)");
    }
    tokio::spawn(auth.clone().prune(config.audit));
    for dir in warren::http::front_end_dirs(&leptos_options) {
        if !dir.is_dir() {
            tracing::warn!(dir = %dir.display(), "a front end is not built: its pages load without their script (see README)");
            continue;
        }
        let shown = dir.display().to_string();
        match tokio::task::spawn_blocking(move || warren::http::assets::regzip(&dir)).await? {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, dir = %shown, "front-end files gzipped again at level 9"),
            Err(error) => {
                tracing::warn!(%error, dir = %shown, "could not gzip the front-end files again; serving them as built")
            }
        }
    }
    let [console_dir, _] = warren::http::front_end_dirs(&leptos_options);
    if console_dir.is_dir() {
        app::read_split_manifest(&leptos_options);
    }
    let app = warren::http::router(leptos_options, auth);

    // Pages are streamed in several writes: without TCP_NODELAY, Nagle's algorithm holds the last
    // one back until the browser's delayed ACK, adding ~40 ms to every page.
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "could not set TCP_NODELAY");
            }
        });
    tracing::info!("Warren is serving on http://{addr}");
    let stop = clusters.shutdown_token().clone();
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
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
