//! The HTTP layer, in process (`Router` + `oneshot`): routes, server functions and server-side
//! rendering, over a real broker.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{brokers, cluster, enc, eventually, Admin, TestApp};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn app(broker_url: &str) -> TestApp {
    TestApp::new(&[
        cluster("it", &[broker_url], "guest", Duration::from_secs(10)),
        cluster("down", &["http://127.0.0.1:1"], "guest", Duration::from_secs(2)),
    ])
    .await
}

/// The data events of a live stream, read as they arrive.
struct Events {
    body: Body,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, uri: &str) -> Events {
        let request = Request::get(uri).header(header::COOKIE, app.admin.cookies.clone()).body(Body::empty()).unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream", "{uri}");
        Events { body: response.into_body(), buffer: String::new() }
    }

    /// The next event's data as JSON; keep-alive comments are skipped.
    async fn next(&mut self) -> Value {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data:")) {
                    return serde_json::from_str(data.trim_start()).unwrap();
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(30), self.body.frame())
                .await
                .expect("a live event within 30 s")
                .expect("the stream stays open")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
    }

    /// Reads events until one satisfies `check`.
    async fn until(&mut self, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..30 {
            let event = self.next().await;
            if check(&event) {
                return event;
            }
        }
        panic!("no live event showed {what}");
    }
}

/// The sum of a counter over the label sets that contain `labels`.
fn counter(metrics: &str, name: &str, labels: &str) -> f64 {
    metrics
        .lines()
        .filter(|line| line.starts_with(&format!("{name}{{")) && line.contains(labels))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn health_and_the_all_clusters_page() {
    let app = app("http://127.0.0.1:1").await;
    assert_eq!(app.get("/healthz").await, (StatusCode::OK, "ok".into()));
    let (status, body) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("All clusters"), "{body}");
}

/// The all-clusters page's cards: every cluster one may see, the unreachable one first, each with
/// what Warren knows of it.
#[tokio::test]
async fn every_cluster_one_may_see_worst_first() {
    let (version, url) = brokers().remove(0);
    let app = app(&url).await;
    let cards = || async {
        let (status, cards) = app.call("list_cluster_cards", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{cards}");
        cards
    };
    eventually("the broker to have been read", || async { cards().await[1]["overview"]["Ok"].is_object() }).await;
    let all = cards().await;
    let names: Vec<&str> = all.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["down", "it"], "{version}: the unreachable one first");
    let it = &all[1]["overview"]["Ok"];
    assert_eq!(it["data"]["nodes"][0]["running"], true, "{version}: {it}");
    assert!(it["data"]["nodes"][0]["partitions"].as_array().is_some_and(Vec::is_empty), "{version}: {it}");
    assert!(all[0]["overview"].get("Err").is_some() || !all[0]["overview"]["Ok"]["freshness"]["error"].is_null());
    assert!(!all.to_string().contains("guest"), "no credentials in replies");

    let limited = app.user("only-it", app::auth::Role::Viewer, Some(vec!["it".into()]), None).await;
    let (_, theirs) = app.call_as(Some(&limited), "list_cluster_cards", json!({})).await;
    let names: Vec<&str> = theirs.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["it"], "{version}: only the clusters one may see");
}

#[tokio::test]
async fn server_functions_answer_json_and_errors_say_what_went_wrong() {
    let (_, url) = brokers().remove(0);
    let app = app(&url).await;
    let (status, clusters) = app.call("list_clusters", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clusters[0]["name"], "it");
    assert!(!clusters.to_string().contains("guest"), "no credentials in replies");

    let (status, overview) = app.call("get_overview", json!({"cluster": "it"})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(overview["data"]["rabbitmq_version"].as_str().unwrap().len() >= 3);
    assert!(overview["freshness"]["error"].is_null() && overview["freshness"]["configured_interval_ms"] == 1000);

    let (status, error) = app.call("get_overview", json!({"cluster": "nope"})).await;
    assert!(status.is_server_error() || status.is_client_error(), "{status}");
    assert_eq!(error, json!({"UnknownCluster": "nope"}));

    let (_, error) = app.call("get_overview", json!({"cluster": "down"})).await;
    assert_eq!(error["Unreachable"]["cluster"], "down");

    let (_, error) = app.call("list_queues", json!({"cluster": "it", "query": {"vhost": null, "filter": "(", "regex": true, "sort": "", "desc": false, "page": 1, "page_size": 10}})).await;
    assert!(error["BadRequest"].as_str().unwrap().contains("regular expression"), "{error}");
}

#[tokio::test]
async fn pages_render_on_the_server() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let vhost = admin.vhost("warren-http").await;
    let queue = "<b>订单 created/#1%</b>";
    admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": true})).await;
    let app = app(&url).await;

    let (status, html) = app.get(&format!("/c/it/queues?vhost={}", enc(&vhost))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("&lt;b&gt;订单 created/#1%&lt;/b&gt;"), "the name is shown, HTML-escaped");
    assert!(!html.contains("<b>订单"), "never as markup");
    assert!(
        html.contains(&format!("/c/it/queue?vhost={}&amp;name={}", enc(&vhost), enc(queue))),
        "links to its detail page"
    );

    let (status, html) = app.get(&format!("/c/it/queue?vhost={}&name={}", enc(&vhost), enc(queue))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"object-name\"") && html.contains("&lt;b&gt;订单"));
    assert!(!html.contains("error-banner"), "no error on a queue that exists");

    for page in ["/c/it", "/c/it/exchanges", "/c/it/bindings"] {
        let (status, html) = app.get(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!html.contains("error-banner"), "{page}");
    }

    let (status, html) = app.get("/c/down").await;
    assert_eq!(status, StatusCode::OK, "the console answers while a broker is down");
    assert!(html.contains("error-banner") && html.contains("Broker unreachable"));

    let request =
        Request::get("/c/down").header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9").body(Body::empty()).unwrap();
    let (_, _, html) = app.send_as(Some(&app.admin), request).await;
    assert!(html.contains("lang=\"zh-CN\"") && html.contains("无法连接 Broker"), "Chinese from Accept-Language");

    let (status, _) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

#[tokio::test]
async fn live_streams_push_a_change_without_asking_again() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let vhost = admin.vhost("warren-live").await;
    let queue = "live 订单 #1%";
    admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": true})).await;
    let app = app(&url).await;

    let detail = format!("/live/it/queue?vhost={}&name={}", enc(&vhost), enc(queue));
    let mut events = Events::open(&app, &detail).await;
    let first = events.until("the new queue", |e| e["Ok"]["data"]["row"]["name"] == queue).await;
    assert_eq!(first["Ok"]["data"]["row"]["total"], 0);
    let list = format!("/live/it/queues?vhost={}&q=live&sort=ready&desc=1", enc(&vhost));
    let mut list_events = Events::open(&app, &list).await;

    admin.publish(&vhost, "", queue, 2).await;
    events.until("the published messages", |e| e["Ok"]["data"]["row"]["total"] == 2).await;
    let page = list_events.until("the published messages", |e| e["Ok"]["data"]["items"][0]["total"] == 2).await;
    assert_eq!(page["Ok"]["data"]["filtered"], 1);

    // What a stream says is what the server function says.
    let query = json!({"vhost": vhost, "filter": "live", "regex": false, "sort": "ready", "desc": true, "page": 1, "page_size": 50});
    let (_, fetched) = app.call("list_queues", json!({"cluster": "it", "query": query})).await;
    assert_eq!(fetched["data"], page["Ok"]["data"]);

    admin.delete(&format!("queues/{}/{}", enc(&vhost), enc(queue))).await;
    let gone = events.until("the queue to go", |e| e.get("Err").is_some()).await;
    assert!(gone["Err"]["NotFound"].is_string(), "{gone}");
    list_events.until("the row to leave", |e| e["Ok"]["data"]["filtered"] == 0).await;

    for bad in ["/live/nope/overview", "/live/it/secrets", "/live/it/queue?vhost=%2F"] {
        assert_eq!(app.get(bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

#[tokio::test]
async fn broker_load_does_not_grow_with_viewers() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let vhost = admin.vhost("warren-viewers").await;
    admin.put(&format!("queues/{}/watched", enc(&vhost)), json!({"durable": true})).await;
    // One admin plays 153 viewers here: more streams than one identity may normally hold.
    let config = warren::config::auth::AuthConfig { live_streams_per_identity: 200, ..Default::default() };
    let clusters = [cluster("it", &[&url], "guest", Duration::from_secs(10))];
    let app = Arc::new(TestApp::with_auth(&clusters, config).await);
    let feed = app.clusters.feed("it").unwrap().clone();

    // Broker requests per refresh over `refreshes` refreshes, while `streams` are open.
    let per_refresh = |refreshes: u64| {
        let (app, feed) = (app.clone(), feed.clone());
        async move {
            let start = feed.state().version;
            eventually("a refresh", || async { feed.state().version > start }).await;
            let (_, before) = app.get("/metrics").await;
            let from = feed.state().version;
            eventually("more refreshes", || async { feed.state().version >= from + refreshes }).await;
            let (_, after) = app.get("/metrics").await;
            let (r0, r1) = (
                counter(&before, "warren_refreshes_total", "cluster=\"it\""),
                counter(&after, "warren_refreshes_total", "cluster=\"it\""),
            );
            let requests = counter(&after, "warren_broker_requests_total", "cluster=\"it\"")
                - counter(&before, "warren_broker_requests_total", "cluster=\"it\"");
            requests / (r1 - r0)
        }
    };
    let views = [
        "/live/it/overview".to_string(),
        format!("/live/it/queues?vhost={}", enc(&vhost)),
        format!("/live/it/queue?vhost={}&name=watched", enc(&vhost)),
    ];
    let mut one = Vec::new();
    for view in &views {
        one.push(Events::open(&app, view).await);
    }
    let with_one_each = per_refresh(4).await;
    let mut many = Vec::new();
    for i in 0..150 {
        let mut events = Events::open(&app, &views[i % views.len()]).await;
        events.next().await;
        many.push(events);
    }
    let (_, metrics) = app.get("/metrics").await;
    assert!(metrics.contains("warren_live_clients{cluster=\"it\"} 153"), "{metrics}");
    let with_fifty_each = per_refresh(4).await;
    // Twelve list requests per refresh (the deprecated features in use the twelfth), plus one
    // for the watched queue's details; a request that falls on a window's edge can move a fifth
    // of a request between windows.
    assert!(with_one_each <= 13.2, "{with_one_each}");
    assert!(
        with_fifty_each <= with_one_each * 1.05,
        "broker requests per refresh: {with_fifty_each} with 153 viewers vs {with_one_each} with 3"
    );
    drop(many);
    drop(one);
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

#[tokio::test]
async fn metrics_describe_the_console() {
    let (_, url) = brokers().remove(0);
    let app = app(&url).await;
    app.get("/c/it/queues").await;
    let (status, text) = app.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    for family in [
        "warren_broker_requests_total{cluster=\"it\",endpoint=\"queues\",outcome=\"ok\"}",
        "warren_refreshes_total{cluster=\"it\",outcome=\"ok\"}",
        "warren_refreshes_total{cluster=\"down\",outcome=\"error\"}",
        "warren_refresh_duration_seconds_count{cluster=\"it\"}",
        "warren_snapshot_age_seconds{cluster=\"it\"}",
        "warren_http_requests_total{route=\"/c/{cluster}/queues\",status=\"200\"}",
    ] {
        assert!(text.contains(family), "{family} missing from:\n{text}");
    }
    assert!(!text.contains("guest"), "no credentials in metrics");
}
