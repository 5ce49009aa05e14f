//! Shared by the integration tests: which real brokers to test against, and a small admin client
//! that creates uniquely named test objects and removes them again.
#![allow(dead_code)] // each test binary uses a different part

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use url::Url;
use warren::backend::Clusters;
use warren::config::{ClusterConfig, Secret, TlsConfig};
use warren::metrics::Metrics;

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
    }
}

/// Clusters with their pollers running.
pub fn spawn(configs: &[ClusterConfig]) -> Arc<Clusters> {
    Clusters::spawn(configs, Arc::new(Metrics::default())).unwrap()
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

    pub async fn publish(&self, vhost: &str, exchange: &str, routing_key: &str, count: usize) {
        for i in 0..count {
            let reply = self
                .post(
                    &format!("exchanges/{}/{}/publish", enc(vhost), enc(exchange)),
                    serde_json::json!({"properties": {}, "routing_key": routing_key, "payload": format!("m{i}"), "payload_encoding": "string"}),
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
