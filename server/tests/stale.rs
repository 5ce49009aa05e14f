//! The stale path on a real broker: stopped, the last snapshot stays on screen marked stale with
//! its age; started again, the same console goes live by itself. Stops the local 3.10 node with
//! the project's own script, so it runs in a test binary of its own (cargo runs those one by one).

mod common;

use std::time::Duration;

use app::api::Backend;
use app::error::AppError;
use common::{broker, cluster, eventually, spawn, Admin, Restart};

const BROKER: &str = "http://127.0.0.1:15672";

#[tokio::test]
async fn a_stopped_broker_leaves_a_stale_snapshot_and_its_return_goes_live() {
    Admin::connect(BROKER).await;
    let clusters = spawn(&[cluster("it", &[BROKER], "guest", Duration::from_secs(3))]);
    let live = clusters.overview(&common::everyone(), "it").await.unwrap();
    assert_eq!(live.freshness.error, None);
    let queues_before = live.data.objects.queues;

    let restart = Restart;
    broker("stop");
    eventually("the refresh to fail", || async {
        clusters.overview(&common::everyone(), "it").await.is_ok_and(|o| o.freshness.error.is_some())
    })
    .await;
    let stale = clusters.overview(&common::everyone(), "it").await.unwrap();
    assert!(matches!(stale.freshness.error, Some(AppError::Unreachable { .. })), "{:?}", stale.freshness);
    assert_eq!(stale.data.objects.queues, queues_before, "the last snapshot is still served");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let older = clusters.overview(&common::everyone(), "it").await.unwrap().freshness;
    assert!(older.age_ms >= 2500 && older.taken_at_ms == stale.freshness.taken_at_ms, "its age grows: {older:?}");
    assert!(older.is_stale(older.age_ms));

    drop(restart);
    eventually("the broker to be back", || async {
        clusters
            .overview(&common::everyone(), "it")
            .await
            .is_ok_and(|o| o.freshness.error.is_none() && o.freshness.age_ms < 2000)
    })
    .await;
    let back = clusters.overview(&common::everyone(), "it").await.unwrap().freshness;
    assert!(back.taken_at_ms > older.taken_at_ms && !back.is_stale(back.age_ms), "{back:?}");
}
