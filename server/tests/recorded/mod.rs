//! A `Broker` that answers from replies recorded on real 3.10 and 4.0 brokers
//! (`server/tests/fixtures/{version}/broker.json`, made by `scripts/record-fixtures.py`), and
//! keeps every write it is sent: reads, writes, previews and tiles run without a broker.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use warren::broker::{Broker, BrokerError, Reply, Request};
use warren::config::clusters::{ClusterConfig, TlsConfig};
use warren::config::secret::Secret;
use warren::metrics::Metrics;
use warren::service::clusters::Clusters;

/// The versions recorded.
pub const VERSIONS: [&str; 2] = ["3.10", "4.0"];

/// A write as the broker received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
}

pub struct RecordedBroker {
    replies: BTreeMap<String, Value>,
    sent: Mutex<Vec<Sent>>,
}

impl RecordedBroker {
    pub fn load(version: &str) -> Arc<Self> {
        let path = format!("{}/tests/fixtures/{version}/broker.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let replies = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        Arc::new(Self { replies, sent: Mutex::new(Vec::new()) })
    }

    pub fn writes(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Broker for RecordedBroker {
    fn node_urls(&self) -> Vec<String> {
        vec!["http://recorded.invalid:15672/".into()]
    }

    async fn send(&self, request: Request<'_>) -> Result<Reply, BrokerError> {
        if request.method != Method::GET {
            let sent =
                Sent { method: request.method.clone(), path: request.path.to_string(), body: request.body.cloned() };
            self.sent.lock().unwrap().push(sent);
            return Ok(Reply { status: StatusCode::CREATED, body: Vec::new() });
        }
        Ok(match self.replies.get(request.path) {
            Some(reply) => Reply { status: StatusCode::OK, body: serde_json::to_vec(reply).unwrap() },
            None => Reply { status: StatusCode::NOT_FOUND, body: br#"{"error":"Object Not Found"}"#.to_vec() },
        })
    }
}

/// A cluster named after the version, read through its recording; waits for the first snapshot.
pub async fn clusters(version: &str) -> (Arc<Clusters>, Arc<RecordedBroker>) {
    let broker = RecordedBroker::load(version);
    let config = ClusterConfig {
        name: version.into(),
        urls: vec!["http://recorded.invalid:15672/".parse().unwrap()],
        username: "guest".into(),
        password: Secret::new("guest"),
        timeout: Duration::from_secs(1),
        list_timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        refresh_interval: Duration::from_secs(60),
        tls: TlsConfig::default(),
        broker_sign_in: false,
        prometheus: None,
        ordered_queues: None,
    };
    let metrics = Arc::new(Metrics::default());
    let clusters = Clusters::spawn_on(&[config], vec![broker.clone()], metrics, None, None).unwrap();
    (clusters, broker)
}
