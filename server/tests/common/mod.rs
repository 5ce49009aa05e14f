//! Shared by the integration tests: which real brokers to test against, and a small admin client
//! that creates uniquely named test objects and removes them again.
#![allow(dead_code)] // each test binary uses a different part

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::auth::{IdentityKind, Role};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use url::Url;
use warren::auth::Auth;
use warren::config::auth::AuthConfig;
use warren::config::clusters::{ClusterConfig, TlsConfig};
use warren::config::secret::Secret;
use warren::metrics::Metrics;
use warren::service::access::{Principal, VhostScope};
use warren::service::clusters::Clusters;
use warren::store::users;
use warren::store::Store;

/// The brokers under test, `version=url` pairs from `WARREN_TEST_BROKERS`
/// (default: the 3.10 node that `scripts/broker.sh start` runs).
pub fn brokers() -> Vec<(String, String)> {
    let spec = std::env::var("WARREN_TEST_BROKERS").unwrap_or_else(|_| "3.10=http://127.0.0.1:15672".into());
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|pair| {
            let (version, url) = pair.split_once('=').expect("WARREN_TEST_BROKERS holds version=url pairs");
            (version.trim().to_string(), url.trim().to_string())
        })
        .collect()
}

/// A cluster refreshed every second, so tests see broker changes quickly.
pub fn cluster(name: &str, urls: &[&str], password: &str, timeout: Duration) -> ClusterConfig {
    ClusterConfig {
        name: name.into(),
        urls: urls.iter().map(|u| Url::parse(&format!("{}/", u.trim_end_matches('/'))).unwrap()).collect(),
        username: "guest".into(),
        password: Secret::new(password),
        timeout,
        list_timeout: timeout,
        connect_timeout: Duration::from_secs(2),
        refresh_interval: Duration::from_secs(1),
        tls: TlsConfig::default(),
        broker_sign_in: false,
        prometheus: None,
        ordered_queues: None,
    }
}

/// Who the backend-level tests read as: an admin who sees everything.
pub fn everyone() -> Principal {
    principal("test", IdentityKind::Local, Role::Admin)
}

/// An identity without cluster or vhost limits.
pub fn principal(name: &str, kind: IdentityKind, role: Role) -> Principal {
    Principal {
        name: name.into(),
        kind,
        role,
        clusters: None,
        vhosts: VhostScope::All,
        csrf: None,
        broker_credentials: None,
        client_addr: None,
        user_agent: None,
    }
}

pub const PASSWORD: &str = "test password 1234";

/// The whole HTTP app in process, with its own store in a temporary directory.
pub struct TestApp {
    pub router: axum::Router,
    pub clusters: Arc<Clusters>,
    pub auth: Arc<Auth>,
    pub admin: Session,
    _dir: tempfile::TempDir,
}

/// A signed-in browser: its cookies and the CSRF token its pages echo.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub cookies: String,
    pub csrf: String,
}

impl TestApp {
    /// The first broker under test as cluster `it`, and a cluster `down` that never answers.
    pub async fn it_and_down(config: AuthConfig) -> TestApp {
        let (_, url) = brokers().remove(0);
        let clusters = [
            cluster("it", &[&url], "guest", Duration::from_secs(10)),
            cluster("down", &["http://127.0.0.1:1"], "guest", Duration::from_secs(2)),
        ];
        TestApp::with_auth(&clusters, config).await
    }

    pub async fn new(configs: &[ClusterConfig]) -> TestApp {
        TestApp::with_auth(configs, AuthConfig::default()).await
    }

    pub async fn with_auth(configs: &[ClusterConfig], config: AuthConfig) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let history = warren::store::timeseries::History::open(dir.path(), Default::default()).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mutes = Some(warren::store::mutes::Mutes::new(store.clone()));
        let clusters = Clusters::spawn(configs, Arc::new(Metrics::default()), Some(history), mutes).unwrap();
        let auth = Auth::new(store, config, clusters.clone()).unwrap();
        let router =
            warren::http::router(leptos::prelude::LeptosOptions::builder().output_name("warren").build(), auth.clone());
        let mut app = TestApp { router, clusters, auth, admin: Session::default(), _dir: dir };
        app.admin = app.user("admin", Role::Admin, None, None).await;
        app
    }

    /// Adds a local user and signs in through the real form.
    pub async fn user(&self, name: &str, role: Role, clusters: Option<Vec<String>>, vhosts: Option<&str>) -> Session {
        users::add(&self.auth.store, name, PASSWORD, role, clusters, vhosts.map(str::to_string), false).unwrap();
        self.sign_in("local", name, PASSWORD, "127.0.0.1").await.expect("signed in")
    }

    /// Posts the sign-in form from `address`; the session, or where the form sent the browser back to.
    pub async fn sign_in(&self, source: &str, name: &str, password: &str, address: &str) -> Result<Session, String> {
        let csrf = self.sign_in_csrf().await;
        let csrf = csrf.as_str();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("source", source),
                ("username", name),
                ("password", password),
                ("csrf", csrf),
                ("next", "/c/it"),
            ])
            .finish();
        let mut request = Request::post("/auth/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("warren_csrf={csrf}"))
            .body(Body::from(form))
            .unwrap();
        request.extensions_mut().insert(ConnectInfo(format!("{address}:40000").parse::<SocketAddr>().unwrap()));
        let response = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[header::LOCATION].to_str().unwrap().to_string();
        let cookies = set_cookies(response.headers());
        match (cookies.iter().find(|(k, _)| k == "warren_session"), cookies.iter().find(|(k, _)| k == "warren_csrf")) {
            (Some((_, session)), Some((_, csrf))) => {
                Ok(Session { cookies: format!("warren_session={session}; warren_csrf={csrf}"), csrf: csrf.clone() })
            }
            _ => Err(location),
        }
    }

    /// The CSRF token the sign-in page's cookie carries: the form takes only one Warren minted.
    pub async fn sign_in_csrf(&self) -> String {
        let response = self.router.clone().oneshot(Request::get("/signin").body(Body::empty()).unwrap()).await.unwrap();
        let cookies = set_cookies(response.headers());
        cookies.into_iter().find(|(k, _)| k == "warren_csrf").expect("the sign-in page sets a CSRF cookie").1
    }

    /// Sends `request` as `session` (cookies and CSRF header), from 127.0.0.1.
    pub async fn send_as(
        &self,
        session: Option<&Session>,
        mut request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        if let Some(session) = session {
            let headers = request.headers_mut();
            headers.insert(header::COOKIE, session.cookies.parse().unwrap());
            headers.insert("x-csrf-token", session.csrf.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// GET as the admin.
    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let (status, _, body) = self.send_as(Some(&self.admin), Request::get(uri).body(Body::empty()).unwrap()).await;
        (status, body)
    }

    /// Calls a server function as the admin.
    pub async fn call(&self, function: &str, args: serde_json::Value) -> (StatusCode, serde_json::Value) {
        self.call_as(Some(&self.admin), function, args).await
    }

    pub async fn call_as(
        &self,
        session: Option<&Session>,
        function: &str,
        args: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let request = Request::post(format!("/api/{function}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(args.to_string()))
            .unwrap();
        let (status, _, body) = self.send_as(session, request).await;
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{function}: not JSON ({e}): {body}")))
    }
}

/// (name, value) of each Set-Cookie header.
pub fn set_cookies(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| {
            v.to_str().ok()?.split(';').next()?.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// Clusters with their pollers running.
pub fn spawn(configs: &[ClusterConfig]) -> Arc<Clusters> {
    Clusters::spawn(configs, Arc::new(Metrics::default()), None, None).unwrap()
}

/// A name no other test run uses.
pub fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

pub fn enc(s: &str) -> String {
    app::urls::encode(s)
}

/// Admin access to a broker for arranging test data, independent of the code under test.
pub struct Admin {
    pub base: String,
    http: reqwest::Client,
}

impl Admin {
    pub async fn connect(base: &str) -> Admin {
        let admin = Admin { base: base.trim_end_matches('/').to_string(), http: reqwest::Client::new() };
        let up = admin.http.get(format!("{}/api/overview", admin.base)).basic_auth("guest", Some("guest")).send().await;
        assert!(
            matches!(&up, Ok(r) if r.status().is_success()),
            "no broker at {base}: start it with scripts/broker.sh start (got {up:?})"
        );
        admin
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let mut request =
            self.http.request(method.clone(), format!("{}/api/{path}", self.base)).basic_auth("guest", Some("guest"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(
            status.is_success() || (method == reqwest::Method::DELETE && status == 404),
            "{method} {path}: {status} {text}"
        );
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await;
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) {
        self.call(reqwest::Method::DELETE, path, None).await;
    }

    /// A fresh vhost, with a name that needs encoding, that guest may use. Vhosts that earlier
    /// test processes left behind (a failed assertion skips their cleanup) are removed first.
    pub async fn vhost(&self, prefix: &str) -> String {
        let stem = format!("{prefix}/虚拟 #%");
        let mine = format!("{stem}-{}-", std::process::id());
        let existing = self.call(reqwest::Method::GET, "vhosts?columns=name", None).await;
        for name in existing.as_array().into_iter().flatten().filter_map(|v| v["name"].as_str()) {
            if name.starts_with(&stem) && !name.starts_with(&mine) {
                // Best effort: the tests of this process may race to remove the same leftover.
                let url = format!("{}/api/vhosts/{}", self.base, enc(name));
                let _ = self.http.delete(url).basic_auth("guest", Some("guest")).send().await;
            }
        }
        let vhost = unique(&stem);
        self.put(&format!("vhosts/{}", enc(&vhost)), serde_json::json!({})).await;
        self.put(
            &format!("permissions/{}/guest", enc(&vhost)),
            serde_json::json!({"configure": ".*", "write": ".*", "read": ".*"}),
        )
        .await;
        vhost
    }

    /// Publishes `count` persistent messages (they outlive a broker restart in a durable queue).
    pub async fn publish(&self, vhost: &str, exchange: &str, routing_key: &str, count: usize) {
        for i in 0..count {
            let reply = self
                .post(
                    &format!("exchanges/{}/{}/publish", enc(vhost), enc(exchange)),
                    serde_json::json!({"properties": {"delivery_mode": 2}, "routing_key": routing_key, "payload": format!("m{i}"), "payload_encoding": "string"}),
                )
                .await;
            assert_eq!(reply["routed"], true, "message to {routing_key:?} was not routed");
        }
    }
}

/// Polls `check` until it holds: the broker updates its counters every few seconds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..60 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Runs `scripts/broker.sh <action> 3.10`: tests that stop the local node run in binaries of their own.
pub fn broker(action: &str) {
    broker_node(action, "3.10");
}

/// Runs `scripts/broker.sh <action> <node>`.
pub fn broker_node(action: &str, node: &str) {
    broker_node_args(&[action, node]);
}

/// Runs `scripts/broker.sh <args>` (e.g. `ctl 3.10 set_vm_memory_high_watermark 0.4`).
pub fn broker_node_args(args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/broker.sh");
    let status = std::process::Command::new(script).args(args).status().expect("running scripts/broker.sh");
    assert!(status.success(), "scripts/broker.sh {args:?} failed");
}

/// Starts the broker again even when an assertion fails, so later tests find it running.
pub struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        broker("start");
    }
}
