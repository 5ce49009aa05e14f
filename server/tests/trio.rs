//! Real 3-node clusters (`scripts/broker.sh start trio|trio4`): the node Warren reads from killed
//! with SIGKILL, then frozen with SIGSTOP, then every node killed and started again; a rolling
//! restart; a partition; the advisor finding a node stopped and the quorum queues and streams that
//! lost members, and clearing once it is back. Each cluster's scenarios run one at a time; the two
//! clusters side by side.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{cluster, enc, eventually, spawn, Admin};
use domain::advisor::{Check, Finding, Severity, Subject};
use warren::cluster::feed::{Feed, FeedState};
use warren::service::clusters::Clusters;

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
    let _alone = exclusive(name).await;
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

    // SIGSTOP of the node Warren now reads from (the second, since the first died): the nodes
    // that answer wait for it before they give most lists, so those are kept from the last
    // snapshot, marked; everything else is fresh within an interval and the short timeout.
    let reading = format!("127.0.0.1:{}", ports[1]);
    broker(&["freeze", &nodes[1]]);
    let frozen = Instant::now();
    let mut fresh_at = frozen;
    for round in 0..3 {
        let since = fresh_at;
        let took =
            until(&feed, since, INTERVAL + TIMEOUT + Duration::from_secs(2), "a fresh snapshot while frozen", |s| {
                taken(s).is_some_and(|at| at > since) && s.error.is_none()
            })
            .await;
        let state = feed.state();
        let held: Vec<_> =
            state.snapshot.as_ref().map(|s| s.held.iter().map(|(part, _)| *part).collect()).unwrap_or_default();
        eprintln!("{name}: frozen node, fresh snapshot {round} after {took:?}, held: {held:?}");
        assert!(took <= INTERVAL + TIMEOUT + Duration::from_secs(1), "{name}: {took:?}");
        assert_eq!(state.interval, INTERVAL, "{name}: a frozen node does not stretch the interval");
        fresh_at = taken(&state).unwrap();
    }
    let state = feed.state();
    assert!(state.unreachable.iter().any(|f| f.node == reading), "{name}: {:?}", state.unreachable);
    broker(&["thaw", &nodes[1]]);
    let thawed = Instant::now();
    let took = until(&feed, thawed, Duration::from_secs(30), "the thawed node back, nothing held", |s| {
        s.unreachable.is_empty()
            && s.snapshot.as_ref().is_some_and(|s| s.held.is_empty())
            && taken(s).is_some_and(|at| at > thawed)
    })
    .await;
    eprintln!("{name}: thawed node back in use, whole snapshot after {took:?}");

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

/// One scenario at a time on each cluster, as each stops and starts its nodes; scenarios on the
/// two clusters still run side by side.
async fn exclusive(name: &str) -> tokio::sync::MutexGuard<'static, ()> {
    static TRIO: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    static TRIO4: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    if name == "trio" { &TRIO } else { &TRIO4 }.lock().await
}

/// What a watcher saw of a feed: the largest gap between two fresh snapshots, the errors, the
/// parts of fresh snapshots kept from earlier ones, and the nodes they showed as not running.
#[derive(Debug, Default)]
struct Watched {
    fresh: usize,
    largest_gap: Duration,
    errors: Vec<String>,
    held: Vec<String>,
    seen_down: std::collections::BTreeSet<String>,
}

/// Rolling restart under a live reader (issue 19, item 4): each node stopped gracefully and
/// started again, one after another, as an upgrade does. Throughout, no refresh fails, fresh
/// snapshots follow each other within an interval and the short timeout (and a second), and no
/// part of them is kept from an earlier one.
async fn rolling_restart_on(name: &str, ports: [u16; 3]) {
    let _alone = exclusive(name).await;
    let started = Instant::now();
    let nodes: Vec<String> = (1..=3).map(|n| format!("{name}-{n}")).collect();
    let urls: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let url_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    // An earlier scenario may have left a node stopped: restarting is starting it.
    broker(&["start", name]);
    let mut config = cluster(name, &url_refs, "guest", TIMEOUT);
    config.refresh_interval = INTERVAL;
    config.list_timeout = Duration::from_secs(60);
    let clusters: Arc<_> = spawn(&[config]);
    let feed = clusters.feed(name).unwrap().clone();
    until(&feed, Instant::now(), Duration::from_secs(30), "a first snapshot", |s| {
        s.snapshot.is_some() && s.error.is_none()
    })
    .await;

    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = tokio::spawn({
        let mut updates = feed.subscribe();
        async move {
            let mut seen = Watched::default();
            let mut last = taken(&updates.borrow_and_update()).expect("a first snapshot");
            let watching = last;
            loop {
                tokio::select! {
                    changed = updates.changed() => if changed.is_err() { break },
                    _ = &mut stopped => break,
                }
                let state = updates.borrow_and_update();
                if let Some(error) = &state.error {
                    seen.errors.push(format!("{error} (after {:?})", last.elapsed()));
                }
                let Some(at) = taken(&state).filter(|at| *at > last) else { continue };
                seen.fresh += 1;
                seen.largest_gap = seen.largest_gap.max(at - last);
                last = at;
                let Some(snapshot) = &state.snapshot else { continue };
                if !snapshot.held.is_empty() {
                    let parts: Vec<_> = snapshot.held.iter().map(|(part, _)| *part).collect();
                    seen.held.push(format!("{parts:?} (at {:?})", at - watching));
                }
                let down = snapshot.overview.nodes.iter().filter(|n| !n.running);
                seen.seen_down.extend(down.map(|n| n.name.clone()));
            }
            // The time since the last fresh snapshot counts too.
            seen.largest_gap = seen.largest_gap.max(last.elapsed());
            seen
        }
    });

    let rolling = Instant::now();
    for node in &nodes {
        let began = Instant::now();
        let args = ["restart".to_string(), node.clone()];
        tokio::task::spawn_blocking(move || broker(&[&args[0], &args[1]])).await.unwrap();
        eprintln!("{name}: {node} restarted in {:?}", began.elapsed());
    }
    // One more interval after the last node is back, then every node answers again.
    until(&feed, Instant::now(), INTERVAL * 3 + TIMEOUT, "every node answering", |s| s.unreachable.is_empty()).await;
    stop.send(()).unwrap();
    let seen = watcher.await.unwrap();
    eprintln!(
        "{name}: rolling restart over {:?}: {} fresh snapshots, largest gap {:?}, nodes seen down {:?} ({:?} in all)",
        rolling.elapsed(),
        seen.fresh,
        seen.largest_gap,
        seen.seen_down,
        started.elapsed()
    );
    assert!(seen.errors.is_empty(), "{name}: refreshes failed during the rolling restart: {:?}", seen.errors);
    assert!(seen.held.is_empty(), "{name}: parts kept from earlier snapshots: {:?}", seen.held);
    let bound = INTERVAL + TIMEOUT + Duration::from_secs(1);
    assert!(
        seen.largest_gap <= bound,
        "{name}: {:?} between two fresh snapshots (at most {bound:?})",
        seen.largest_gap
    );
    // The snapshots were fresh enough to see each node go.
    assert_eq!(seen.seen_down.len(), 3, "{name}: nodes seen down {:?}", seen.seen_down);
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_restart_of_the_3_10_cluster_keeps_every_interval_fresh() {
    rolling_restart_on("trio", [15681, 15682, 15683]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_restart_of_the_4_0_cluster_keeps_every_interval_fresh() {
    rolling_restart_on("trio4", [15701, 15702, 15703]).await;
}

/// A node frozen past `net_ticktime` (60 s, noticed within 75 s), then thawed: its peers see it
/// stopped, it sees them stopped, and it soon reports a partition (RabbitMQ's default handling,
/// `ignore`, keeps it so). Read from either side, Warren asks each node directly and shows the
/// split on every page (the freshness) with each node's view; restarted, the node rejoins and the
/// split is gone.
async fn partition_on(name: &str, ports: [u16; 3]) {
    let _alone = exclusive(name).await;
    let nodes: Vec<String> = (1..=3).map(|n| format!("{name}-{n}")).collect();
    broker(&["start", name]);
    // One feed reads the first node first, the other the third: the two sides of the split.
    let configs: Vec<_> = [(name.to_string(), [0, 1, 2]), (format!("{name}-from-3"), [2, 0, 1])]
        .into_iter()
        .map(|(feed_name, order)| {
            let urls: Vec<String> = order.iter().map(|&i| format!("http://127.0.0.1:{}", ports[i])).collect();
            let url_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
            let mut config = cluster(&feed_name, &url_refs, "guest", TIMEOUT);
            config.refresh_interval = INTERVAL;
            config.list_timeout = Duration::from_secs(90);
            config
        })
        .collect();
    let clusters: Arc<_> = spawn(&configs);
    let feeds: Vec<Arc<Feed>> = configs.iter().map(|c| clusters.feed(&c.name).unwrap().clone()).collect();
    for feed in &feeds {
        until(feed, Instant::now(), Duration::from_secs(30), "a first snapshot", |s| s.snapshot.is_some()).await;
    }

    broker(&["freeze", &nodes[2]]);
    tokio::time::sleep(Duration::from_secs(85)).await;
    broker(&["thaw", &nodes[2]]);
    let thawed = Instant::now();
    for feed in &feeds {
        let took = until(feed, thawed, Duration::from_secs(60), "the split shown", |s| {
            let split = s.snapshot.as_ref().and_then(|snapshot| snapshot.overview.split());
            taken(s).is_some_and(|at| at > thawed) && split.is_some_and(|split| split.views_differ)
        })
        .await;
        let state = feed.state();
        let overview = &state.snapshot.as_ref().unwrap().overview;
        eprintln!("{}: split shown {took:?} after the thaw: {:?}", feed.name(), overview.split());
        assert_eq!(overview.node_views.len(), 3, "{}: every node asked: {:?}", feed.name(), overview.node_views);
        let disputed: Vec<_> = overview.nodes.iter().filter(|n| !overview.seen_as(&n.name).0.is_empty()).collect();
        assert!(!disputed.is_empty(), "{}: each side's view, not one as the truth", feed.name());
        assert!(feed.freshness(&state).split.is_some(), "{}: every page shows it", feed.name());
        // The advisor: a partition once a node reports one (from its own view, whichever side
        // Warren reads), else the other side's nodes down.
        let reported = overview.split().is_some_and(|split| !split.partitions.is_empty());
        let kind = if reported { "partition" } else { "node-down" };
        let took = advised(&clusters, feed.name(), Instant::now(), kind, |f| {
            f.iter().any(|f| f.check.kind() == kind && f.severity == Severity::Red)
        })
        .await;
        eprintln!("{}: the advisor reported {kind} {took:?} after the split was shown", feed.name());
    }

    broker(&["restart", &nodes[2]]);
    let restarted = Instant::now();
    for feed in &feeds {
        let took = until(feed, restarted, Duration::from_secs(120), "the split healed", |s| {
            taken(s).is_some_and(|at| at > restarted)
                && s.snapshot.as_ref().is_some_and(|snapshot| {
                    snapshot.overview.split().is_none() && snapshot.overview.nodes.iter().all(|n| n.running)
                })
        })
        .await;
        eprintln!("{}: healed {took:?} after the restart", feed.name());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partition_of_the_3_10_cluster_is_shown_from_either_side() {
    partition_on("trio", [15681, 15682, 15683]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partition_of_the_4_0_cluster_is_shown_from_either_side() {
    partition_on("trio4", [15701, 15702, 15703]).await;
}

/// Publishes with `mandatory` into `exchange` every 100 ms until aborted, over AMQP on `port`.
async fn returning_publisher(port: u16, vhost: &str, exchange: &'static str) -> tokio::task::JoinHandle<()> {
    use lapin::options::BasicPublishOptions;
    let uri = format!("amqp://guest:guest@127.0.0.1:{port}/{}", enc(vhost));
    let connection = lapin::Connection::connect(&uri, Default::default()).await.expect("AMQP connection");
    let channel = connection.create_channel().await.unwrap();
    tokio::spawn(async move {
        // Open as long as the task lives.
        let _connection = connection;
        let options = BasicPublishOptions { mandatory: true, ..Default::default() };
        loop {
            let properties = lapin::BasicProperties::default().with_delivery_mode(2);
            let _ = channel.basic_publish(exchange, "any", options, b"m", properties).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// The advisor's findings on `cluster` now.
fn findings(clusters: &Clusters, cluster: &str) -> Vec<Finding> {
    let advice = clusters.advisor().advice(cluster, |_| true).unwrap();
    advice.findings.into_iter().map(|a| a.finding).collect()
}

/// Waits until `done` holds for the advisor's findings; how long that took.
async fn advised(
    clusters: &Clusters,
    cluster: &str,
    since: Instant,
    what: &str,
    done: impl Fn(&[Finding]) -> bool,
) -> Duration {
    loop {
        let now = findings(clusters, cluster);
        if done(&now) {
            return since.elapsed();
        }
        let seen: Vec<_> = now.iter().map(|f| (f.check.kind(), &f.subject)).collect();
        let state = clusters.feed(cluster).unwrap().state();
        let held = state.snapshot.as_ref().map(|s| s.held.clone());
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "{cluster}: {what}: not within 60 s; found {seen:?}; feed error {:?}, held {held:?}, unreachable {:?}",
            state.error,
            state.unreachable
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn about_queue<'a>(findings: &'a [Finding], vhost: &str, queue: &str, kind: &str) -> Option<&'a Finding> {
    let subject = Subject::Queue { vhost: vhost.into(), name: queue.into() };
    findings.iter().find(|f| f.subject == subject && f.check.kind() == kind)
}

/// The advisor on a 3-node cluster (issue 23, item 4): a clean topology (quorum queues with a
/// bound dead-letter exchange) raises nothing about its objects; a classic queue is unreplicated
/// and a quorum queue of one member has too few; a publisher's mandatory messages to nowhere are
/// returned. One node killed: it is reported down and each quorum queue and stream that lost a
/// member amber, then red once a second node is gone (a minority); with the nodes back, those
/// findings clear by themselves, and on 3.10 a mirrored queue's mirrors are unsynchronised.
/// Last, a node leaves: two nodes are an even count.
async fn advisor_on(name: &str, ports: [u16; 3]) {
    let _alone = exclusive(name).await;
    let nodes: Vec<String> = (1..=3).map(|n| format!("{name}-{n}")).collect();
    broker(&["start", name]);
    let admin = Admin::connect(&format!("http://127.0.0.1:{}", ports[0])).await;
    let vhost = admin.vhost("advisor-trio").await;
    let put = |queue: &str, arguments: serde_json::Value| {
        let path = format!("queues/{}/{}", enc(&vhost), enc(queue));
        let admin = &admin;
        async move { admin.put(&path, serde_json::json!({"durable": true, "arguments": arguments})).await }
    };
    admin.put(&format!("exchanges/{}/dlx", enc(&vhost)), serde_json::json!({"type": "fanout", "durable": true})).await;
    put("dlq", serde_json::json!({"x-queue-type": "quorum"})).await;
    admin.post(&format!("bindings/{}/e/dlx/q/dlq", enc(&vhost)), serde_json::json!({"routing_key": ""})).await;
    put("orders", serde_json::json!({"x-queue-type": "quorum", "x-dead-letter-exchange": "dlx"})).await;
    put("events", serde_json::json!({"x-queue-type": "stream"})).await;
    put("one-member", serde_json::json!({"x-queue-type": "quorum", "x-quorum-initial-group-size": 1, "x-dead-letter-exchange": "dlx"})).await;
    put("classic", serde_json::json!({})).await;
    let mirroring = name == "trio";
    if mirroring {
        // 3.x only (4.0 removed mirroring): mirrored everywhere, synchronised only by hand.
        let policy = serde_json::json!({"pattern": "^mirrored$", "apply-to": "queues",
            "definition": {"ha-mode": "all", "ha-sync-mode": "manual"}});
        admin.put(&format!("policies/{}/mirror", enc(&vhost)), policy).await;
        put("mirrored", serde_json::json!({})).await;
        let message = serde_json::json!({"properties": {"delivery_mode": 2}, "routing_key": "mirrored",
            "payload": "kept", "payload_encoding": "string"});
        admin.post(&format!("exchanges/{}/amq.default/publish", enc(&vhost)), message).await;
        // The queue's statistics show the policy a stats interval (5 s) after it applies; the
        // advisor reading them earlier would rightly call the queue unreplicated.
        let path = format!("queues/{}/mirrored?columns=messages,effective_policy_definition", enc(&vhost));
        eventually("the mirrored queue's statistics", || async {
            let queue = admin.call(reqwest::Method::GET, &path, None).await;
            queue["messages"] == 1 && queue["effective_policy_definition"]["ha-mode"] == "all"
        })
        .await;
    }

    let urls: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let url_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let mut config = cluster(name, &url_refs, "guest", TIMEOUT);
    config.refresh_interval = INTERVAL;
    config.list_timeout = Duration::from_secs(60);
    let clusters: Arc<_> = spawn(&[config]);
    let ours = |f: &Finding| f.subject.vhost() == Some(vhost.as_str());
    advised(&clusters, name, Instant::now(), "the classic queue unreplicated, one member too few", |f| {
        about_queue(f, &vhost, "classic", "unreplicated").is_some()
            && about_queue(f, &vhost, "one-member", "few-members").is_some()
    })
    .await;
    let now = findings(&clusters, name);
    let clean: Vec<_> = now
        .iter()
        .filter(|f| {
            ours(f)
                && !matches!(&f.subject, Subject::Queue { name, .. } if name == "classic" || name == "one-member")
                // It keeps its message to show its mirrors unsynchronised later.
                && about_queue(std::slice::from_ref(f), &vhost, "mirrored", "no-consumers").is_none()
        })
        .collect();
    assert!(clean.is_empty(), "{name}: the quorum queues, the stream and the dead-letter exchange raised {clean:?}");
    assert!(!now.iter().any(|f| matches!(f.subject, Subject::Cluster | Subject::Node { .. })), "{name}: {now:?}");

    // A publisher that sets mandatory and publishes where nothing is bound: its messages come
    // back to it (amber: safe only if it handles returns); none is dropped.
    admin
        .put(&format!("exchanges/{}/nowhere", enc(&vhost)), serde_json::json!({"type": "direct", "durable": true}))
        .await;
    let returning = returning_publisher(ports[0] - 10_000, &vhost, "nowhere").await;
    let took = advised(&clusters, name, Instant::now(), "the returned messages", |f| {
        f.iter().any(|f| f.check.kind() == "unroutable-returned")
    })
    .await;
    eprintln!("{name}: returned messages found after {took:?}");
    let now = findings(&clusters, name);
    assert!(!now.iter().any(|f| f.check.kind() == "unroutable-dropped"), "{name}: nothing dropped: {now:?}");
    let returned = now.iter().find(|f| f.check.kind() == "unroutable-returned").unwrap();
    let fix = (app::advisor_words::EN.explain)(returned).fix;
    assert!(fix.contains("alternate-exchange") && fix.contains("add_on_return_callback"), "{fix}");
    returning.abort();

    // One node killed: reported down, each replicated queue with a member offline (amber).
    let stopped = &nodes[2];
    broker(&["kill", stopped]);
    let killed = Instant::now();
    // When the broker's own lists first say all of it, to tell its delay from the advisor's.
    let said = tokio::spawn({
        let feed = clusters.feed(name).unwrap().clone();
        let vhost = vhost.clone();
        async move {
            let mut updates = feed.subscribe();
            let shown = updates.wait_for(|s| {
                s.snapshot.as_ref().is_some_and(|snapshot| {
                    let offline = |queue: &str| {
                        snapshot.queues.iter().any(|q| {
                            q.row.vhost == vhost
                                && q.row.name == queue
                                && q.reliability.members.is_some_and(|(m, online)| online < m)
                        })
                    };
                    snapshot.overview.nodes.iter().any(|n| !n.running)
                        && ["orders", "events", "dlq"].into_iter().all(offline)
                })
            });
            shown.await.map(|_| killed.elapsed()).ok()
        }
    });
    let took = advised(&clusters, name, killed, "the node down and the members offline", |f| {
        f.iter().any(|f| f.check == Check::NodeDown)
            && ["orders", "events", "dlq"].iter().all(|q| about_queue(f, &vhost, q, "members-offline").is_some())
    })
    .await;
    let said = said.await.unwrap();
    eprintln!(
        "{name}: node killed: the broker's lists said so after {said:?}; the advisor reported it down with its quorum queues and streams after {took:?}"
    );
    let now = findings(&clusters, name);
    let orders = about_queue(&now, &vhost, "orders", "members-offline").unwrap();
    assert_eq!(orders.severity, Severity::Amber, "{name}: two of three online: {orders:?}");
    assert!(matches!(orders.check, Check::MembersOffline { members: 3, online: 2, minority: false }), "{orders:?}");
    let down = now.iter().find(|f| f.check == Check::NodeDown).unwrap();
    assert_eq!(down.severity, Severity::Red);

    // A second one: the queues are in a minority (red).
    broker(&["kill", &nodes[1]]);
    let second = Instant::now();
    let took = advised(&clusters, name, second, "the minority red", |f| {
        about_queue(f, &vhost, "orders", "members-offline").is_some_and(|f| f.severity == Severity::Red)
    })
    .await;
    eprintln!("{name}: second node killed: minority red after {took:?}");

    // Back: the findings clear by themselves.
    broker(&["start", name]);
    let back = Instant::now();
    let took = advised(&clusters, name, back, "the findings cleared", |f| {
        !f.iter().any(|f| f.check == Check::NodeDown || f.check.kind() == "members-offline")
    })
    .await;
    eprintln!("{name}: nodes started again: findings cleared after {took:?}");
    if mirroring {
        // The mirrors on the nodes that came back are empty until synchronised by hand.
        advised(&clusters, name, back, "the mirrors unsynchronised", |f| {
            about_queue(f, &vhost, "mirrored", "unsynced-mirrors").is_some()
        })
        .await;
        let now = findings(&clusters, name);
        let unsynced = about_queue(&now, &vhost, "mirrored", "unsynced-mirrors").unwrap();
        assert!(matches!(unsynced.check, Check::UnsyncedMirrors { mirrors: 2, synchronised: 0 }), "{unsynced:?}");
        let fix = (app::advisor_words::EN.explain)(unsynced).fix;
        assert!(fix.contains("rabbitmqctl sync_queue"), "{fix}");
        assert!(about_queue(&now, &vhost, "mirrored", "unreplicated").is_none(), "mirrored is replicated: {now:?}");
    }
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;

    // Two nodes: the third leaves the cluster (reset), then joins it again. Should this fail
    // half-way, the next `broker.sh start` joins it back.
    let leaving = &nodes[2];
    broker(&["ctl", leaving, "stop_app"]);
    broker(&["ctl", leaving, "reset"]);
    advised(&clusters, name, Instant::now(), "two nodes", |f| {
        f.iter().any(|f| f.check == Check::EvenNodes { nodes: 2 })
    })
    .await;
    let now = findings(&clusters, name);
    let even = now.iter().find(|f| f.check.kind() == "even-nodes").unwrap();
    assert_eq!(even.severity, Severity::Amber);
    assert!((app::advisor_words::EN.explain)(even).fix.contains("odd number"), "{even:?}");
    let first = if name == "trio" { "trio1@localhost" } else { "trio4n1@localhost" };
    broker(&["ctl", leaving, "join_cluster", first]);
    broker(&["ctl", leaving, "start_app"]);
    broker(&["start", name]);
    advised(&clusters, name, Instant::now(), "three nodes again", |f| {
        !f.iter().any(|f| f.check.kind() == "even-nodes")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_advisor_follows_a_node_of_the_3_10_cluster_down_and_back() {
    advisor_on("trio", [15681, 15682, 15683]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_advisor_follows_a_node_of_the_4_0_cluster_down_and_back() {
    advisor_on("trio4", [15701, 15702, 15703]).await;
}
