//! The HTTP layer, in process (`Router` + `oneshot`): routes, server functions and server-side
//! rendering, over a real broker.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{brokers, cluster, enc, Admin};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
use tower::ServiceExt;
use warren::backend::Clusters;

fn app(broker_url: &str) -> axum::Router {
    let clusters = Clusters::new(&[
        cluster("it", &[broker_url], "guest", Duration::from_secs(10)),
        cluster("down", &["http://127.0.0.1:1"], "guest", Duration::from_secs(2)),
    ])
    .unwrap();
    warren::router(LeptosOptions::builder().output_name("warren").build(), clusters)
}

async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn call(app: &axum::Router, function: &str, args: Value) -> (StatusCode, Value) {
    let request = Request::post(format!("/api/{function}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(args.to_string()))
        .unwrap();
    let (status, body) = send(app, request).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{function}: not JSON ({e}): {body}")))
}

#[tokio::test]
async fn health_and_root_redirect() {
    let app = app("http://127.0.0.1:1");
    assert_eq!(get(&app, "/healthz").await, (StatusCode::OK, "ok".into()));
    let response = app.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.headers()[header::LOCATION], "/c/it");
}

#[tokio::test]
async fn server_functions_answer_json_and_errors_say_what_went_wrong() {
    let (_, url) = brokers().remove(0);
    let app = app(&url);
    let (status, clusters) = call(&app, "list_clusters", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clusters[0]["name"], "it");
    assert!(!clusters.to_string().contains("guest"), "no credentials in replies");

    let (status, overview) = call(&app, "get_overview", json!({"cluster": "it"})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(overview["rabbitmq_version"].as_str().unwrap().len() >= 3);

    let (status, error) = call(&app, "get_overview", json!({"cluster": "nope"})).await;
    assert!(status.is_server_error() || status.is_client_error(), "{status}");
    assert_eq!(error, json!({"UnknownCluster": "nope"}));

    let (_, error) = call(&app, "get_overview", json!({"cluster": "down"})).await;
    assert_eq!(error["Unreachable"]["cluster"], "down");

    let (_, error) = call(&app, "list_queues", json!({"cluster": "it", "query": {"vhost": null, "filter": "(", "regex": true, "sort": "", "desc": false, "page": 1, "page_size": 10}})).await;
    assert!(error["BadRequest"].as_str().unwrap().contains("regular expression"), "{error}");
}

#[tokio::test]
async fn pages_render_on_the_server() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let vhost = admin.vhost("warren-http").await;
    let queue = "<b>订单 created/#1%</b>";
    admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": true})).await;
    let app = app(&url);

    let (status, html) = get(&app, &format!("/c/it/queues?vhost={}", enc(&vhost))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("&lt;b&gt;订单 created/#1%&lt;/b&gt;"), "the name is shown, HTML-escaped");
    assert!(!html.contains("<b>订单"), "never as markup");
    assert!(
        html.contains(&format!("/c/it/queue?vhost={}&amp;name={}", enc(&vhost), enc(queue))),
        "links to its detail page"
    );

    let (status, html) = get(&app, &format!("/c/it/queue?vhost={}&name={}", enc(&vhost), enc(queue))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"object-name\"") && html.contains("&lt;b&gt;订单"));
    assert!(!html.contains("error-banner"), "no error on a queue that exists");

    for page in ["/c/it", "/c/it/exchanges", "/c/it/bindings"] {
        let (status, html) = get(&app, page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!html.contains("error-banner"), "{page}");
    }

    let (status, html) = get(&app, "/c/down").await;
    assert_eq!(status, StatusCode::OK, "the console answers while a broker is down");
    assert!(html.contains("error-banner") && html.contains("Broker unreachable"));

    let request =
        Request::get("/c/down").header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9").body(Body::empty()).unwrap();
    let (_, html) = send(&app, request).await;
    assert!(html.contains("lang=\"zh-CN\"") && html.contains("无法连接 Broker"), "Chinese from Accept-Language");

    let (status, _) = get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}
