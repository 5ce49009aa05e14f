//! Long history from a real Prometheus (`scripts/prometheus.sh`, Debian's package) scraping the
//! real brokers' `rabbitmq_prometheus` plugin: a publish shows up in the queue's, the
//! vhost's and the cluster's charts and in the top-growing list, read through `query_range`;
//! a Prometheus that does not answer falls back to Warren's own store and says so.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::api::Backend;
use common::{brokers, cluster, enc, eventually, everyone, Admin};
use domain::backlog::{Range, SeriesRef, Source};
use serde_json::json;
use url::Url;
use warren::config::clusters::PrometheusConfig;
use warren::config::timeseries::HistoryConfig;
use warren::metrics::Metrics;
use warren::service::clusters::Clusters;
use warren::store::timeseries::History;

fn prometheus_url() -> String {
    std::env::var("WARREN_TEST_PROMETHEUS").unwrap_or_else(|_| "http://127.0.0.1:9090/".into())
}

fn start_prometheus() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/prometheus.sh");
    let status = std::process::Command::new(script).arg("start").status().expect("running scripts/prometheus.sh");
    assert!(status.success(), "scripts/prometheus.sh start failed");
}

/// The jobs `scripts/prometheus.sh` scrapes are named after the broker versions.
fn with_prometheus(name: &str, broker: &str, version: &str, url: &str, history: Option<Arc<History>>) -> Arc<Clusters> {
    let mut config = cluster(name, &[broker], "guest", Duration::from_secs(3));
    config.prometheus = Some(PrometheusConfig {
        url: Url::parse(url).unwrap(),
        selector: format!(r#"job="rabbitmq-{version}""#),
        scrape_interval: Duration::from_secs(5),
        timeout: Duration::from_secs(3),
    });
    Clusters::spawn(&[config], Arc::new(Metrics::default()), history, None).unwrap()
}

#[tokio::test]
async fn charts_read_prometheus_and_fall_back_to_the_store() {
    start_prometheus();
    for (version, url) in brokers() {
        charts_from_prometheus(&version, &url).await;
    }
}

async fn charts_from_prometheus(version: &str, broker: &str) {
    let admin = Admin::connect(broker).await;
    let vhost = admin.vhost("warren-prometheus").await;
    // Quotes and a backslash must survive PromQL's string syntax, like `/`, `#`, `%` and CJK.
    // RabbitMQ 3.10 writes them into its metrics unescaped, which makes Prometheus drop the
    // node's whole scrape, so only later versions get them.
    let queue = if version == "3.10" { "prom #%/ 队列" } else { r#"prom "q" \ #%/ 队列"# };
    let v = enc(&vhost);
    admin.put(&format!("queues/{v}/{}", enc(queue)), json!({"durable": true})).await;
    admin.publish(&vhost, "", queue, 12).await;

    // No store at all: every point below can only have come from Prometheus.
    let clusters = with_prometheus("prom", broker, version, &prometheus_url(), None);
    let who = everyone();
    let series = SeriesRef::Queue { vhost: vhost.clone(), name: queue.into() };
    eventually("the publish, scraped, in the queue's chart", || async {
        let h = clusters.history(&who, "prom", &series, Range::TenMinutes).await.unwrap();
        assert_eq!(h.source, Source::Prometheus);
        h.points.last().is_some_and(|p| p.ready.last == 12.0 && p.unacked.last == 0.0)
    })
    .await;
    for other in [SeriesRef::Vhost(vhost.clone()), SeriesRef::Cluster] {
        let h = clusters.history(&who, "prom", &other, Range::TenMinutes).await.unwrap();
        assert!(h.points.last().unwrap().ready.last >= 12.0, "{other:?}: {:?}", h.points.last());
    }
    // A day at two-minute steps: Prometheus sums each step, with the step's peak kept.
    let day = clusters.history(&who, "prom", &series, Range::Day).await.unwrap();
    let newest = day.points.last().expect("a point in the day's chart");
    assert!(newest.ready.max >= 12.0, "{newest:?}");
    assert!(day.points.windows(2).all(|w| w[1].ts_ms - w[0].ts_ms >= Range::Day.step_ms()));
    assert!(clusters.history(&who, "prom", &series, Range::Week).await.is_ok());

    // The queue did not exist 10 minutes ago: it grew from nothing to 12.
    // (The current backlog comes from Warren's own snapshot, which may trail Prometheus.)
    eventually("the queue at the top of the growing list", || async {
        let grown = clusters.top_growing(&who, "prom", Some(vhost.clone()), Range::TenMinutes).await.unwrap();
        grown.first().is_some_and(|g| (g.name.as_str(), g.from, g.to) == (queue, 0.0, 12.0))
    })
    .await;

    // Nothing listens on port 9: the chart comes from the store, marked as such.
    let dir = tempfile::tempdir().unwrap();
    let store = History::open(dir.path(), HistoryConfig::default()).unwrap();
    let fallback = with_prometheus("fallback", broker, version, "http://127.0.0.1:9/", Some(store));
    eventually("the store's own samples instead", || async {
        let h = fallback.history(&who, "fallback", &series, Range::TenMinutes).await.unwrap();
        assert_eq!(h.source, Source::WarrenInsteadOfPrometheus);
        h.points.last().is_some_and(|p| p.ready.last == 12.0)
    })
    .await;
    // The store's first sample already held 12: by its account the queue has not grown.
    let grown = fallback.top_growing(&who, "fallback", Some(vhost.clone()), Range::TenMinutes).await.unwrap();
    assert!(grown.iter().all(|g| g.name != queue), "{grown:?}");

    admin.delete(&format!("vhosts/{v}")).await;
}
