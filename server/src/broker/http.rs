//! The real `Broker`: reqwest to the cluster's nodes, failing over between them.
//!
//! Our own small client rather than `rabbitmq_http_client`: Warren needs node failover within a
//! cluster, the list paging/sort/`columns` parameters and the `*_age`/`*_incr` sample windows,
//! which that crate's typed calls do not expose.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::model::NodeFault;
use reqwest::{Method, StatusCode};
use url::Url;

use super::{Broker, BrokerError, Reply, Request};
use crate::config::clusters::ClusterConfig;
use crate::config::secret::Secret;
use crate::metrics::Metrics;

pub struct HttpBroker {
    cluster: String,
    nodes: Vec<Url>,
    /// Index of the node that answered last; tried first next time.
    preferred: AtomicUsize,
    http: reqwest::Client,
    username: String,
    password: Secret,
    timeout: Duration,
    list_timeout: Duration,
    metrics: Arc<Metrics>,
    /// Per node: since when it does not answer a probe or a connection (`None`: it answers).
    down_since: Mutex<Vec<Option<SystemTime>>>,
}

impl HttpBroker {
    pub fn new(config: &ClusterConfig, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            // The management API (cowboy) closes a keep-alive connection after 5 s without a
            // request; reusing one at that moment fails the request. Let the pool drop it first.
            .pool_idle_timeout(Duration::from_secs(4))
            .connect_timeout(config.connect_timeout)
            // A management API never redirects; following one would let a broker point Warren,
            // with its credentials, at another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("warren/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(config.tls.insecure_skip_verify);
        if let Some(path) = &config.tls.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cluster {}: cannot read ca_file {}: {e}", config.name, path.display()))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        Ok(Self {
            cluster: config.name.clone(),
            nodes: config.urls.clone(),
            preferred: AtomicUsize::new(0),
            http: builder.build()?,
            username: config.username.clone(),
            password: config.password.clone(),
            timeout: config.timeout,
            list_timeout: config.list_timeout,
            metrics,
            down_since: Mutex::new(vec![None; config.urls.len()]),
        })
    }

    fn login<'a>(&'a self, other: Option<(&'a str, &'a Secret)>) -> (&'a str, &'a Secret) {
        other.unwrap_or((&self.username, &self.password))
    }
}

#[async_trait::async_trait]
impl Broker for HttpBroker {
    fn node_urls(&self) -> Vec<String> {
        self.nodes.iter().map(|u| u.to_string()).collect()
    }

    /// Tries the last node that answered, then the others in order; a node that cannot be
    /// reached, times out or answers 5xx is skipped, any other answer is final. A write moves on
    /// only when its connection failed: one that may have reached a node is never sent twice.
    /// A whole-cluster list answered 404 moves on too: every node whose API is up has the lists,
    /// but one starting or stopping its management listener answers 404 to every path for a
    /// moment (seen in a rolling restart of 3.10). Only when every node says 404 is that the answer.
    async fn send(&self, request: Request<'_>) -> Result<Reply, BrokerError> {
        let timeout = if request.long { self.list_timeout } else { self.timeout };
        let read_only = request.method == Method::GET;
        let first = self.preferred.load(Ordering::Relaxed) % self.nodes.len();
        let mut failures = Vec::new();
        let mut all_timeouts = true;
        let mut not_found = 0;
        for i in (0..self.nodes.len()).map(|k| (first + k) % self.nodes.len()) {
            let node = &self.nodes[i];
            // Why this node gave no final answer, and whether the next one may be asked.
            let (failure, try_next) = match self.attempt(node, &request, timeout).await {
                Attempt::Answer(status, _) if status.is_server_error() && read_only => {
                    all_timeouts = false;
                    (format!("HTTP {}", status.as_u16()), true)
                }
                Attempt::Answer(StatusCode::NOT_FOUND, _)
                    if request.long && read_only && not_found + 1 < self.nodes.len() =>
                {
                    all_timeouts = false;
                    not_found += 1;
                    ("HTTP 404 to a list".to_string(), true)
                }
                Attempt::Answer(status, body) => {
                    if i != first {
                        tracing::info!(node = %host(node), "switched to another node of the cluster");
                    }
                    self.preferred.store(i, Ordering::Relaxed);
                    self.mark(i, true);
                    return Ok(Reply { status, body });
                }
                Attempt::Failed { reason, timed_out, connect } => {
                    all_timeouts &= timed_out;
                    // A node that refuses connections is down. A late or failed answer may be
                    // its peers' fault (a list waits for every node): the probes judge that.
                    if connect {
                        self.mark(i, false);
                    }
                    (reason, read_only || connect)
                }
            };
            failures.push(format!("{}: {failure}", host(node)));
            if !try_next {
                break;
            }
        }
        tracing::warn!(cluster = %self.cluster, failures = ?failures, "no node of the cluster answered");
        Err(if all_timeouts { BrokerError::Timeout } else { BrokerError::Unreachable(failures.join("; ")) })
    }

    fn unreachable(&self) -> Vec<NodeFault> {
        let down = self.down_since.lock().expect("node health lock");
        let since_ms = |t: &SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        self.nodes
            .iter()
            .zip(down.iter())
            .filter_map(|(node, since)| since.as_ref().map(|t| NodeFault { node: host(node), since_ms: since_ms(t) }))
            .collect()
    }

    async fn probe_nodes(&self) -> bool {
        // One node is asked by `probe` already, and has no other to be named beside.
        if self.nodes.len() == 1 {
            return true;
        }
        let whoami = Request::get("whoami", "whoami", &[]);
        let probes = (0..self.nodes.len()).map(|i| {
            let whoami = &whoami;
            async move {
                let answered = match self.attempt(&self.nodes[i], whoami, self.timeout).await {
                    Attempt::Answer(status, _) => !status.is_server_error(),
                    Attempt::Failed { .. } => false,
                };
                self.mark(i, answered);
                answered
            }
        });
        futures_util::future::join_all(probes).await.into_iter().all(|answered| answered)
    }

    async fn ask_each(&self, request: &Request<'_>) -> Vec<Result<Reply, BrokerError>> {
        self.each_node(request).await
    }
}

impl HttpBroker {
    /// See `Broker::ask_each`.
    async fn each_node(&self, request: &Request<'_>) -> Vec<Result<Reply, BrokerError>> {
        let asking = self.nodes.iter().map(|node| async move {
            match self.attempt(node, request, self.timeout).await {
                Attempt::Answer(status, body) => Ok(Reply { status, body }),
                Attempt::Failed { reason, timed_out: true, .. } => Err(BrokerError::Timeout).inspect_err(|_| {
                    tracing::debug!(node = %host(node), %reason, "a node did not answer in time");
                }),
                Attempt::Failed { reason, .. } => Err(BrokerError::Unreachable(format!("{}: {reason}", host(node)))),
            }
        });
        futures_util::future::join_all(asking).await
    }
}

/// One node's answer to one request, or why there was none.
enum Attempt {
    Answer(StatusCode, Vec<u8>),
    Failed { reason: String, timed_out: bool, connect: bool },
}

impl HttpBroker {
    /// Sends `request` to one node and reads its whole answer within `timeout`.
    async fn attempt(&self, node: &Url, request: &Request<'_>, timeout: Duration) -> Attempt {
        let (username, password) = self.login(request.login);
        let mut url = match node.join(&format!("api/{}", request.path)) {
            Ok(url) => url,
            Err(e) => return Attempt::Failed { reason: e.to_string(), timed_out: false, connect: false },
        };
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut outgoing = self
            .http
            .request(request.method.clone(), url)
            .timeout(timeout)
            .basic_auth(username, Some(password.expose()));
        if let Some(body) = request.body {
            outgoing = outgoing.json(body);
        }
        if let Some(reason) = request.reason {
            outgoing = outgoing.header("X-Reason", reason);
        }
        let sent = outgoing.send().await;
        let outcome = match &sent {
            Ok(response) if response.status().is_success() => "ok",
            Ok(response) if response.status().is_client_error() => "client_error",
            Ok(_) => "server_error",
            Err(_) => "failed",
        };
        self.metrics.broker_request(&self.cluster, request.endpoint, outcome);
        let failed = |error: reqwest::Error| Attempt::Failed {
            reason: describe(&error),
            timed_out: error.is_timeout(),
            connect: error.is_connect(),
        };
        match sent {
            // A node that fails before its whole reply has arrived is skipped like one that is down.
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(body) => Attempt::Answer(status, body.to_vec()),
                    Err(error) => failed(error),
                }
            }
            Err(error) => failed(error),
        }
    }

    /// Notes whether node `i` answered; a node's first failure starts its "unreachable since".
    fn mark(&self, i: usize, answered: bool) {
        let mut down = self.down_since.lock().expect("node health lock");
        match (answered, down[i].is_some()) {
            (true, true) => {
                tracing::info!(node = %host(&self.nodes[i]), "a node of the cluster answers again");
                down[i] = None;
            }
            (true, false) => {}
            (false, false) => down[i] = Some(SystemTime::now()),
            (false, true) => {}
        }
    }
}

fn host(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or("?"), url.port_or_known_default().unwrap_or(0))
}

/// A reqwest error without its URL (which carries the vhost and object names of the request).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "reply broken off"
    } else {
        "request failed"
    };
    let mut cause = std::error::Error::source(error);
    let mut innermost = None;
    while let Some(c) = cause {
        innermost = Some(c.to_string());
        cause = c.source();
    }
    match innermost {
        Some(detail) => format!("{kind}: {detail}"),
        None => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::api_path;
    use super::*;

    #[test]
    fn joined_urls_keep_the_encoding() {
        let base = Url::parse("http://h:15672/rabbitmq/").unwrap();
        let url = base.join(&format!("api/{}", api_path(&["queues", "/", "a b#c"]))).unwrap();
        assert_eq!(url.as_str(), "http://h:15672/rabbitmq/api/queues/%2F/a%20b%23c");
    }
}
