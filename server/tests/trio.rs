//! Real 3-node clusters (`scripts/broker.sh start trio|trio4`): the node Warren reads from killed
//! with SIGKILL, then every node killed and started again. Each cluster's scenarios run in order
//! in one test; the two clusters run side by side.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{cluster, spawn};
use warren::cluster::feed::{Feed, FeedState};

const INTERVAL: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(3);

/// Runs `scripts/broker.sh <args>`.
fn broker(args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/broker.sh");
    let status = Command::new(script).args(args).status().expect("running scripts/broker.sh");
    assert!(status.success(), "scripts/broker.sh {args:?} failed");
}

fn taken(state: &FeedState) -> Option<Instant> {
    state.taken_at.map(|(at, _)| at)
}

/// Waits for the first state after `since` that `done` accepts; how long that took.
async fn until(
    feed: &Feed,
    since: Instant,
    limit: Duration,
    what: &str,
    done: impl Fn(&FeedState) -> bool,
) -> Duration {
    let mut updates = feed.subscribe();
    let reached = tokio::time::timeout(limit, updates.wait_for(|s| done(s))).await.is_ok_and(|r| r.is_ok());
    assert!(reached, "{what}: not within {limit:?} ({:?})", feed.state());
    since.elapsed()
}

async fn faults_on(name: &str, ports: [u16; 3]) {
    let nodes: Vec<String> = (1..=3).map(|n| format!("{name}-{n}")).collect();
    let urls: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let url_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mut config = cluster(name, &url_refs, "guest", TIMEOUT);
    config.refresh_interval = INTERVAL;
    config.list_timeout = Duration::from_secs(60);
    let clusters: Arc<_> = spawn(&[config]);
    let feed = clusters.feed(name).unwrap().clone();
    until(&feed, Instant::now(), Duration::from_secs(30), "a first snapshot", |s| s.snapshot.is_some()).await;

    // SIGKILL of the node Warren reads from (the first): a fresh snapshot within an interval
    // and a second, no error, and the dead node named.
    broker(&["kill", &nodes[0]]);
    let killed = Instant::now();
    let took = until(&feed, killed, INTERVAL * 3, "a fresh snapshot after kill -9", |s| {
        taken(s).is_some_and(|at| at > killed) && s.error.is_none()
    })
    .await;
    eprintln!("{name}: kill -9 of the node read from: fresh snapshot after {took:?}");
    assert!(took <= INTERVAL + Duration::from_secs(1), "{name}: {took:?}");
    let state = feed.state();
    assert_eq!(state.interval, INTERVAL, "{name}: a dead node does not stretch the interval");
    let dead = format!("127.0.0.1:{}", ports[0]);
    assert!(state.unreachable.iter().any(|f| f.node == dead), "{name}: {:?}", state.unreachable);

    // Started again, it is seen to answer without Warren restarting.
    broker(&["start", name]);
    let back = Instant::now();
    let took = until(&feed, back, INTERVAL * 3 + TIMEOUT, "the node back", |s| s.unreachable.is_empty()).await;
    eprintln!("{name}: restarted node back in use after {took:?}");

    // Every node killed: the fault shows within an interval and a timeout; started again, the
    // first snapshot follows within an interval of the first node answering.
    for node in &nodes {
        broker(&["kill", node]);
    }
    let down = Instant::now();
    let took =
        until(&feed, down, INTERVAL + TIMEOUT + Duration::from_secs(2), "the fault shown", |s| s.error.is_some()).await;
    eprintln!("{name}: all nodes down: fault shown after {took:?}");
    assert!(took <= INTERVAL + TIMEOUT + Duration::from_secs(1), "{name}: {took:?}");
    broker(&["start", name]);
    let answering = Instant::now();
    let took = until(&feed, answering, INTERVAL * 2 + TIMEOUT, "recovery", |s| {
        taken(s).is_some_and(|at| at > answering) && s.error.is_none()
    })
    .await;
    eprintln!("{name}: recovered {took:?} after the nodes answered again");
    assert!(took <= INTERVAL + Duration::from_secs(1), "{name}: {took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rabbitmq_3_10_cluster_survives_node_and_cluster_deaths() {
    faults_on("trio", [15681, 15682, 15683]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rabbitmq_4_0_cluster_survives_node_and_cluster_deaths() {
    faults_on("trio4", [15701, 15702, 15703]).await;
}
