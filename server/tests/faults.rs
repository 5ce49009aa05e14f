//! Broker faults: dead nodes, wrong credentials, silence, garbage and redirects, each shown as
//! what it is; and node failover within a cluster. The healthy node is a real broker.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::api::Backend;
use app::error::AppError;
use common::{brokers, cluster, eventually, spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use warren::service::clusters::Clusters;

#[derive(Clone, Copy)]
enum Fake {
    /// Accepts and closes at once, like a node whose port is closed mid-restart.
    Reset,
    /// Accepts and never answers.
    Silent,
    /// Answers 200 with a body that is not JSON.
    Garbage,
    /// Answers with a redirect to another host.
    Redirect,
    /// Answers 404 to every path, like a node whose management listener is starting or stopping.
    NotFound,
}

/// A fake node on loopback; returns its URL and how many connections it accepted.
async fn fake_node(kind: Fake) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply: &[u8] = match kind {
                    Fake::Reset => return,
                    Fake::Silent => {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                    Fake::Garbage => b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\nnot json!",
                    Fake::Redirect => b"HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:15672/api/overview\r\ncontent-length: 0\r\n\r\n",
                    Fake::NotFound => b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{\"error\":\"Object Not Found\",\"reason\":\"\"}",
                };
                let _ = socket.write_all(reply).await;
            });
        }
    });
    (url, accepted)
}

fn one_cluster(urls: &[&str], password: &str, timeout: Duration) -> Arc<Clusters> {
    spawn(&[cluster("c", urls, password, timeout)])
}

#[tokio::test]
async fn a_dead_node_is_skipped_and_the_working_one_remembered() {
    for (version, url) in brokers() {
        let (dead, accepted) = fake_node(Fake::Reset).await;
        let b = one_cluster(&[&dead, &url], "guest", Duration::from_secs(5));
        let first = b.vhosts(&common::everyone(), "c").await;
        assert!(first.is_ok(), "{version}: {first:?}");
        // The first refresh's requests run in parallel, so each may try the dead node first.
        let tried = accepted.load(Ordering::SeqCst);
        assert!(tried >= 1, "the first node was tried first");
        let feed = b.feed("c").unwrap();
        let version_before = feed.state().version;
        eventually("two more refreshes", || async { feed.state().version >= version_before + 2 }).await;
        assert_eq!(feed.state().error, None, "{version}");
        // Each refresh sends ten requests; the dead node only gets the probe that notices when
        // it is back.
        let more = accepted.load(Ordering::SeqCst) - tried;
        assert!(more <= 3, "{version}: the working node is asked first afterwards ({more} more to the dead one)");
    }
}

/// A node answering 404 to the lists (its management listener half up, mid-restart) is passed
/// over for the others; an object that is missing is still missing, asked of one node only.
#[tokio::test]
async fn a_node_without_the_lists_is_passed_over() {
    for (version, url) in brokers() {
        let (empty, accepted) = fake_node(Fake::NotFound).await;
        let b = one_cluster(&[&empty, &url], "guest", Duration::from_secs(5));
        let first = b.vhosts(&common::everyone(), "c").await;
        assert!(first.is_ok(), "{version}: {first:?}");
        assert!(accepted.load(Ordering::SeqCst) >= 1, "{version}: the 404 node was asked first");
        let feed = b.feed("c").unwrap();
        let version_before = feed.state().version;
        eventually("two more refreshes", || async { feed.state().version >= version_before + 2 }).await;
        assert_eq!(feed.state().error, None, "{version}");
    }
    // No node with the lists: the URLs are not a management API.
    let (a, _) = fake_node(Fake::NotFound).await;
    let (b, _) = fake_node(Fake::NotFound).await;
    let clusters = one_cluster(&[&a, &b], "guest", Duration::from_secs(5));
    assert_eq!(clusters.overview(&common::everyone(), "c").await, Err(AppError::BadReply { cluster: "c".into() }));
}

#[tokio::test]
async fn a_cluster_with_no_live_node_is_unreachable() {
    let (dead, _) = fake_node(Fake::Reset).await;
    let b = one_cluster(&[&dead, "http://127.0.0.1:1"], "guest", Duration::from_secs(5));
    match b.overview(&common::everyone(), "c").await {
        Err(AppError::Unreachable { cluster, detail }) => {
            assert_eq!(cluster, "c");
            assert!(detail.contains("127.0.0.1:1"), "names the nodes: {detail}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_node_times_out() {
    let (silent, _) = fake_node(Fake::Silent).await;
    let b = one_cluster(&[&silent], "guest", Duration::from_millis(800));
    let started = std::time::Instant::now();
    assert_eq!(b.overview(&common::everyone(), "c").await, Err(AppError::Timeout { cluster: "c".into() }));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn garbage_and_redirects_are_bad_replies() {
    for kind in [Fake::Garbage, Fake::Redirect] {
        let (node, accepted) = fake_node(kind).await;
        let b = one_cluster(&[&node], "guest", Duration::from_secs(5));
        // The redirect points at the real broker: had it been followed, the refresh would succeed.
        assert_eq!(b.vhosts(&common::everyone(), "c").await, Err(AppError::BadReply { cluster: "c".into() }));
        assert!(accepted.load(Ordering::SeqCst) >= 1);
    }
}

#[tokio::test]
async fn wrong_credentials_are_reported_without_the_password() {
    for (version, url) in brokers() {
        let b = one_cluster(&[&url], "not-the-password", Duration::from_secs(5));
        let error = b.overview(&common::everyone(), "c").await.unwrap_err();
        assert_eq!(error, AppError::Unauthorized { cluster: "c".into() }, "{version}");
        assert!(!format!("{error} {error:?}").contains("not-the-password"));
    }
}

#[tokio::test]
async fn an_unknown_cluster_is_named() {
    let b = one_cluster(&["http://127.0.0.1:1"], "guest", Duration::from_secs(1));
    assert_eq!(b.vhosts(&common::everyone(), "other").await, Err(AppError::UnknownCluster("other".into())));
}

/// A node that hangs (accepts, never answers: a frozen VM, a full disk, a black hole) costs one
/// short timeout, not the long list timeout; it is named as unreachable, the interval is not
/// stretched, and the snapshot stays fresh from the node that answers.
#[tokio::test]
async fn a_hung_node_is_skipped_within_the_short_timeout_and_named() {
    for (version, url) in brokers() {
        let (hung, _) = fake_node(Fake::Silent).await;
        let mut config = cluster("c", &[&hung, &url], "guest", Duration::from_secs(2));
        config.list_timeout = Duration::from_secs(60);
        let interval = config.refresh_interval;
        let clusters = spawn(&[config]);
        let started = std::time::Instant::now();
        let first = clusters.overview(&common::everyone(), "c").await.unwrap();
        // One probe timeout (2 s), then the lists from the node that answers.
        assert!(started.elapsed() < Duration::from_secs(6), "{version}: took {:?}", started.elapsed());
        assert!(first.freshness.error.is_none(), "{version}");
        let hung_addr = hung.trim_start_matches("http://").to_string();
        assert_eq!(
            first.freshness.unreachable.iter().map(|f| f.node.as_str()).collect::<Vec<_>>(),
            [hung_addr.as_str()],
            "{version}"
        );
        let feed = clusters.feed("c").unwrap();
        let taken = |s: &warren::cluster::feed::FeedState| s.taken_at.map(|(at, _)| at);
        let before = taken(&feed.state());
        // The next refreshes go to the node that answers: on time, the interval as configured.
        let mut updates = feed.subscribe();
        let next = tokio::time::timeout(interval * 2 + Duration::from_secs(1), updates.wait_for(|s| taken(s) > before))
            .await
            .expect("a fresh snapshot within two intervals")
            .unwrap()
            .clone();
        assert_eq!(next.interval, interval, "{version}: a hung node does not stretch the interval");
        assert!(next.error.is_none(), "{version}");
        // Others than admins learn that a node fails, not where it is.
        let viewer = common::principal("v", app::auth::IdentityKind::Local, app::auth::Role::Viewer);
        let seen = clusters.overview(&viewer, "c").await.unwrap().freshness.unreachable;
        assert!(seen.len() == 1 && seen[0].node.is_empty(), "{version}: {seen:?}");
    }
}
