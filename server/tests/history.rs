//! Recorded history on a real broker: a publish shows up in the queue's, the vhost's and the
//! cluster's history and in the top-growing list; the history outlives a console restart, a
//! broker restart (whose own samples start over) and a `kill -9` of the console mid-write.
//! Restarts the local 3.10 node with the project's script, so it is a test binary of its own.

mod common;

use std::process::{Command, Stdio};
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

/// The tests stop brokers and processes: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn console(dir: &std::path::Path) -> Arc<Clusters> {
    let history = History::open(dir, HistoryConfig::default()).unwrap();
    let config = cluster("it", &[BROKER], "guest", Duration::from_secs(3));
    Clusters::spawn(&[config], Arc::new(Metrics::default()), Some(history)).unwrap()
}

fn now_ms() -> i64 {
    warren::store::now_ms()
}

#[tokio::test]
async fn history_records_publishes_and_outlives_console_and_broker_restarts() {
    let _serial = SERIAL.lock().await;
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

#[tokio::test]
async fn kill_9_loses_at_most_the_last_interval() {
    let _serial = SERIAL.lock().await;
    Admin::connect(BROKER).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("warren.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\n[[cluster]]\nname = \"it\"\nurls = [\"{BROKER}\"]\nusername = \"guest\"\npassword = \"guest\"\nrefresh_interval_secs = 1\n",
            dir.path().join("data")
        ),
    )
    .unwrap();
    let start = |port: u16| {
        Command::new(env!("CARGO_BIN_EXE_warren"))
            .env("WARREN_CONFIG", &config)
            .env("LEPTOS_OUTPUT_NAME", "warren")
            .env("LEPTOS_SITE_ROOT", dir.path())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting warren")
    };
    let last_sample = || -> Option<i64> {
        let history = History::open(&dir.path().join("data"), HistoryConfig::default()).ok()?;
        let h = history.read("it", &SeriesRef::Cluster, Range::TenMinutes, now_ms()).ok()?;
        h.last().map(|p| p.ts_ms)
    };

    let mut rounds = Vec::new();
    for round in 0..3 {
        let started = now_ms();
        let mut child = start(47_310 + round);
        // Once it records, let it go on for a few intervals, then kill it at an arbitrary moment.
        let deadline = Instant::now() + Duration::from_secs(30);
        while last_sample().is_none_or(|last| last < started) {
            assert!(Instant::now() < deadline, "round {round}: nothing recorded within 30 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(3_000 + 337 * u64::from(round))).await;
        child.kill().expect("SIGKILL");
        let killed_at = now_ms();
        child.wait().unwrap();
        let last = last_sample().expect("the store opens after kill -9 and has samples");
        // One interval (1 s) plus the refresh and write under way when it died.
        assert!(killed_at - last <= 2_500, "round {round}: last sample {} ms before the kill", killed_at - last);
        rounds.push(started..=killed_at);
    }
    // Each run's samples outlive the kills after it; how many a run records depends on the machine's speed.
    let history = History::open(&dir.path().join("data"), HistoryConfig::default()).unwrap();
    let points = history.read("it", &SeriesRef::Cluster, Range::TenMinutes, now_ms()).unwrap();
    for (round, window) in rounds.iter().enumerate() {
        let kept = points.iter().filter(|p| window.contains(&p.ts_ms)).count();
        assert!(kept >= 2, "round {round}: {kept} samples kept from a run of over 3 s at 1 s intervals");
    }
}
