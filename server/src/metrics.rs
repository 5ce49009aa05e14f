//! The console's own metrics, served at `/metrics` in the OpenMetrics text format that Prometheus
//! scrapes: how hard Warren works the brokers, how fresh its snapshots are, who is watching.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClusterLabel {
    pub cluster: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BrokerRequestLabels {
    cluster: String,
    endpoint: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefreshLabels {
    cluster: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    /// The route pattern (`/c/{cluster}/queues`), never the raw path, so names do not become labels.
    route: String,
    status: u16,
}

type HistogramFamily = Family<ClusterLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    broker_requests: Family<BrokerRequestLabels, Counter>,
    refreshes: Family<RefreshLabels, Counter>,
    refresh_duration: HistogramFamily,
    snapshot_age: Family<ClusterLabel, Gauge<f64, AtomicU64>>,
    live_clients: Family<ClusterLabel, Gauge>,
    http_requests: Family<HttpLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let broker_requests = Family::default();
        registry.register(
            "warren_broker_requests",
            "Requests to brokers' management APIs by cluster, endpoint and outcome",
            broker_requests.clone(),
        );
        let refreshes = Family::default();
        registry.register("warren_refreshes", "Snapshot refreshes by cluster and outcome", refreshes.clone());
        // 10 ms to about 80 s: a refresh at 50,000 queues takes seconds.
        let refresh_duration: HistogramFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.01, 2.0, 14)));
        registry.register(
            "warren_refresh_duration_seconds",
            "Time to refresh a cluster's snapshot",
            refresh_duration.clone(),
        );
        let snapshot_age = Family::default();
        registry.register(
            "warren_snapshot_age_seconds",
            "Age of the snapshot each cluster's pages are served from",
            snapshot_age.clone(),
        );
        let live_clients = Family::default();
        registry.register("warren_live_clients", "Open live streams by cluster", live_clients.clone());
        let http_requests = Family::default();
        registry.register(
            "warren_http_requests",
            "HTTP requests served by route pattern and status",
            http_requests.clone(),
        );
        Self { registry, broker_requests, refreshes, refresh_duration, snapshot_age, live_clients, http_requests }
    }
}

impl Metrics {
    pub fn broker_request(&self, cluster: &str, endpoint: &'static str, outcome: &'static str) {
        self.broker_requests.get_or_create(&BrokerRequestLabels { cluster: cluster.into(), endpoint, outcome }).inc();
    }

    pub fn refreshed(&self, cluster: &str, took: Duration, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        self.refreshes.get_or_create(&RefreshLabels { cluster: cluster.into(), outcome }).inc();
        self.refresh_duration.get_or_create(&ClusterLabel { cluster: cluster.into() }).observe(took.as_secs_f64());
    }

    pub fn set_snapshot_age(&self, cluster: &str, age: Option<Duration>) {
        // NaN, not 0, before the first snapshot: 0 would read as "perfectly fresh".
        let seconds = age.map_or(f64::NAN, |a| a.as_secs_f64());
        self.snapshot_age.get_or_create(&ClusterLabel { cluster: cluster.into() }).set(seconds);
    }

    /// Counts a live stream as open until the returned guard is dropped.
    pub fn live_client(&self, cluster: &str) -> LiveClientGuard {
        let gauge = self.live_clients.get_or_create(&ClusterLabel { cluster: cluster.into() }).clone();
        gauge.inc();
        LiveClientGuard(gauge)
    }

    pub fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

pub struct LiveClientGuard(Gauge);

impl Drop for LiveClientGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts every response by route pattern and status.
pub async fn track_http(metrics: &Metrics, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let response = next.run(request).await;
    metrics.http_requests.get_or_create(&HttpLabels { route, status: response.status().as_u16() }).inc();
    response
}

pub fn exposition(text: String) -> impl IntoResponse {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
}
