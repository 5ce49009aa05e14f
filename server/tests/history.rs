//! Recorded history on a real broker: a publish shows up in the queue's, the vhost's and the
//! cluster's history and in the top-growing list; the history outlives a console restart and a
//! broker restart (whose own samples start over). A `kill -9` of the console mid-write: crash.rs.
//! Restarts the local 3.10 node with the project's script, so it is a test binary of its own.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::Backend;
use common::{broker, cluster, enc, eventually, everyone, Admin, Restart};
use domain::backlog::{Range, SeriesRef};
use serde_json::json;
use warren::config::timeseries::HistoryConfig;
use warren::metrics::Metrics;
use warren::service::clusters::Clusters;
use warren::store::timeseries::History;

const BROKER: &str = "http://127.0.0.1:15672";

fn console(dir: &std::path::Path) -> Arc<Clusters> {
    let history = History::open(dir, HistoryConfig::default()).unwrap();
    let config = cluster("it", &[BROKER], "guest", Duration::from_secs(3));
    Clusters::spawn(&[config], Arc::new(Metrics::default()), Some(history), None).unwrap()
}

fn now_ms() -> i64 {
    warren::store::now_ms()
}

#[tokio::test]
async fn history_records_publishes_and_outlives_console_and_broker_restarts() {
    let admin = Admin::connect(BROKER).await;
    let vhost = admin.vhost("warren-history").await;
    let (v, queue) = (enc(&vhost), "backlog / #% 队列");
    admin.put(&format!("queues/{v}/{}", enc(queue)), json!({"durable": true})).await;
    let dir = tempfile::tempdir().unwrap();
    let who = everyone();
    let series = SeriesRef::Queue { vhost: vhost.clone(), name: queue.into() };
    let ready_at = |clusters: Arc<Clusters>, series: SeriesRef, range: Range| {
        let who = everyone();
        async move {
            let h = clusters.history(&who, "it", &series, range).await.unwrap();
            h.points.iter().map(|p| p.ready.last).collect::<Vec<_>>()
        }
    };

    let clusters = console(dir.path());
    eventually("an empty queue in its history", || async {
        ready_at(clusters.clone(), series.clone(), Range::TenMinutes).await.first() == Some(&0.0)
    })
    .await;
    admin.publish(&vhost, "", queue, 30).await;
    eventually("the publish in the queue's history", || async {
        ready_at(clusters.clone(), series.clone(), Range::TenMinutes).await.last() == Some(&30.0)
    })
    .await;
    for other in [SeriesRef::Vhost(vhost.clone()), SeriesRef::Cluster] {
        let h = clusters.history(&who, "it", &other, Range::TenMinutes).await.unwrap();
        assert!(h.points.last().unwrap().ready.last >= 30.0, "{other:?}: {:?}", h.points.last());
    }
    let grown = clusters.top_growing(&who, "it", Some(vhost.clone()), Range::TenMinutes).await.unwrap();
    assert_eq!((grown[0].name.as_str(), grown[0].from, grown[0].to), (queue, 0.0, 30.0), "{grown:?}");
    eventually("a forecast from a few samples", || async {
        let h = clusters.history(&who, "it", &series, Range::TenMinutes).await.unwrap();
        h.forecast.is_some_and(|f| f.net_rate >= 0.0)
    })
    .await;
    // The chart ranges beyond an hour read minute points: the first one closes within a minute.
    let before_restarts = now_ms();

    // Console restart: a new process's view of the same data directory.
    clusters.shutdown_token().cancel();
    drop(clusters);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let clusters = console(dir.path());
    let kept = clusters.history(&who, "it", &series, Range::TenMinutes).await.unwrap();
    assert!(
        kept.points.iter().any(|p| p.ts_ms < before_restarts && p.ready.last == 30.0),
        "the samples before the restart are still there"
    );

    // Broker restart: the broker's own samples start over, Warren's do not.
    let restart = Restart;
    broker("stop");
    drop(restart);
    let back = Instant::now();
    eventually("samples after the broker's return", || async {
        let h = clusters.history(&who, "it", &series, Range::TenMinutes).await.unwrap();
        h.points.iter().any(|p| p.ts_ms > before_restarts + back.elapsed().as_millis() as i64 - 1000)
    })
    .await;
    let h = clusters.history(&who, "it", &series, Range::TenMinutes).await.unwrap();
    assert!(h.points.iter().any(|p| p.ts_ms < before_restarts && p.ready.last == 30.0), "history kept");
    assert_eq!(h.points.last().unwrap().ready.last, 30.0, "durable messages are back after the restart");

    // The minute tier: once the minute of the publish (or a later one) has closed, the 8-hour
    // range has the backlog too. That can take a minute and a half: wait up to two.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready_at(clusters.clone(), series.clone(), Range::EightHours).await.contains(&30.0) {
        assert!(Instant::now() < deadline, "no minute point with the backlog after 2 minutes");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    clusters.shutdown_token().cancel();
    admin.delete(&format!("vhosts/{v}")).await;
}
