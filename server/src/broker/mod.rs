//! Talking to one cluster's management HTTP API.
//!
//! Our own small client rather than `rabbitmq_http_client`: Warren needs node failover within a
//! cluster, the list paging/sort/`columns` parameters and the `*_age`/`*_incr` sample windows,
//! which that crate's typed calls do not expose.

pub mod json;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::{ClusterConfig, Secret};
use crate::metrics::Metrics;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BrokerError {
    /// No node could be reached; one reason per node, without credentials.
    #[error("no node answered ({0})")]
    Unreachable(String),
    #[error("no node answered in time")]
    Timeout,
    /// The credentials were refused, or the user may not do this; with the broker's reason.
    #[error("the broker refused the credentials (HTTP {0}: {1})")]
    Unauthorized(u16, String),
    #[error("not found")]
    NotFound,
    #[error("the broker rejected the request: {0}")]
    BadRequest(String),
    #[error("the broker answered HTTP {0}")]
    Status(u16),
    #[error("the broker's reply could not be read: {0}")]
    BadBody(String),
}

/// A request path below `/api/`, built from segments that are each percent-encoded, so the
/// vhost `/` becomes `%2F` and a `#` or `?` in a name cannot end the path.
pub fn api_path(segments: &[&str]) -> String {
    segments.iter().map(|s| app::urls::encode(s)).collect::<Vec<_>>().join("/")
}

pub struct BrokerClient {
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
}

impl BrokerClient {
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
        })
    }

    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    pub fn list_timeout(&self) -> Duration {
        self.list_timeout
    }

    /// The node URLs, for display (they never hold credentials: the config refuses those).
    pub fn node_urls(&self) -> Vec<String> {
        self.nodes.iter().map(|u| u.to_string()).collect()
    }

    /// GETs one object: `/api/{path}?{query}`, decoded from JSON. `endpoint` names the kind of
    /// request in the metrics (`queue`, `overview`…): never a vhost or object name.
    pub async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        let call = Call { method: Method::GET, endpoint, path, query, body: None, timeout: self.timeout };
        self.request(call, self.login(None)).await
    }

    /// GETs one object as another broker user: checks a broker sign-in, and what that user may see.
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        username: &str,
        password: &Secret,
        endpoint: &'static str,
        path: &str,
    ) -> Result<T, BrokerError> {
        let call = Call { method: Method::GET, endpoint, path, query: &[], body: None, timeout: self.timeout };
        self.request(call, (username, password)).await
    }

    /// GETs a whole-cluster list, with the longer list timeout.
    pub async fn get_list<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        let call = Call { method: Method::GET, endpoint, path, query, body: None, timeout: self.list_timeout };
        self.request(call, self.login(None)).await
    }

    /// A write (PUT, POST, DELETE), as `login` when given (a broker user acting in their own name,
    /// so the broker applies their permissions), else as Warren's configured user. The reply body
    /// is decoded when there is one (`publish`, `get`), else `T` gets JSON `null`.
    pub async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        login: Option<(&str, &Secret)>,
    ) -> Result<T, BrokerError> {
        let timeout = if endpoint == "definitions" { self.list_timeout } else { self.timeout };
        self.request(Call { method, endpoint, path, query, body, timeout }, self.login(login)).await
    }

    fn login<'a>(&'a self, other: Option<(&'a str, &'a Secret)>) -> (&'a str, &'a Secret) {
        other.unwrap_or((&self.username, &self.password))
    }

    /// Tries the last node that answered, then the others in order; a node that cannot be
    /// reached, times out or answers 5xx is skipped, any other answer is final. A write moves on
    /// only when its connection failed: one that may have reached a node is never sent twice.
    async fn request<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        (username, password): (&str, &Secret),
    ) -> Result<T, BrokerError> {
        // `.` and `..` stay literal through percent-encoding and URL joining would resolve them,
        // reaching another API endpoint: such names cannot be addressed safely, so refuse them.
        if call.path.split('/').any(|segment| segment == "." || segment == "..") {
            return Err(BrokerError::BadRequest(
                "names \".\" and \"..\" cannot be used in a management API path".into(),
            ));
        }
        let read_only = call.method == Method::GET;
        let first = self.preferred.load(Ordering::Relaxed) % self.nodes.len();
        let mut failures = Vec::new();
        let mut all_timeouts = true;
        for i in (0..self.nodes.len()).map(|k| (first + k) % self.nodes.len()) {
            let node = &self.nodes[i];
            let mut url =
                node.join(&format!("api/{}", call.path)).map_err(|e| BrokerError::BadRequest(e.to_string()))?;
            if !call.query.is_empty() {
                url.query_pairs_mut().extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
            }
            let mut request = self
                .http
                .request(call.method.clone(), url)
                .timeout(call.timeout)
                .basic_auth(username, Some(password.expose()));
            if let Some(body) = call.body {
                request = request.json(body);
            }
            let sent = request.send().await;
            let outcome = match &sent {
                Ok(response) if response.status().is_success() => "ok",
                Ok(response) if response.status().is_client_error() => "client_error",
                Ok(_) => "server_error",
                Err(_) => "failed",
            };
            self.metrics.broker_request(&self.cluster, call.endpoint, outcome);
            // A node that fails before its whole reply has arrived is skipped like one that is down.
            let (status, body) = match sent {
                Ok(response) if response.status().is_server_error() && read_only => {
                    all_timeouts = false;
                    failures.push(format!("{}: HTTP {}", host(node), response.status().as_u16()));
                    continue;
                }
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(body) => (status, body),
                        Err(error) => {
                            all_timeouts &= error.is_timeout();
                            failures.push(format!("{}: {}", host(node), describe(&error)));
                            if read_only {
                                continue;
                            }
                            break;
                        }
                    }
                }
                Err(error) => {
                    all_timeouts &= error.is_timeout();
                    failures.push(format!("{}: {}", host(node), describe(&error)));
                    if read_only || error.is_connect() {
                        continue;
                    }
                    break;
                }
            };
            if i != first {
                tracing::info!(node = %host(node), "switched to another node of the cluster");
            }
            self.preferred.store(i, Ordering::Relaxed);
            return read_reply(status, &body);
        }
        tracing::warn!(cluster = %self.cluster, failures = ?failures, "no node of the cluster answered");
        Err(if all_timeouts { BrokerError::Timeout } else { BrokerError::Unreachable(failures.join("; ")) })
    }
}

/// One request to the management API.
struct Call<'a> {
    method: Method,
    /// The kind of request, for the metrics.
    endpoint: &'static str,
    path: &'a str,
    query: &'a [(&'a str, String)],
    body: Option<&'a serde_json::Value>,
    timeout: Duration,
}

fn read_reply<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, BrokerError> {
    match status {
        // Writes answer 201 or 204, usually without a body.
        s if s.is_success() => {
            let body = if body.iter().all(u8::is_ascii_whitespace) { b"null".as_slice() } else { body };
            serde_json::from_slice(body).map_err(|e| BrokerError::BadBody(e.to_string()))
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            Err(BrokerError::Unauthorized(status.as_u16(), reason(body)))
        }
        StatusCode::NOT_FOUND => Err(BrokerError::NotFound),
        // 400, and 405/409/415… a broker may answer to a write it refuses: its reason, verbatim.
        s if s.is_client_error() => Err(BrokerError::BadRequest(reason(body))),
        other => Err(BrokerError::Status(other.as_u16())),
    }
}

/// The broker's own explanation from a `{"error": …, "reason": …}` body.
fn reason(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("reason").map(|r| r.as_str().map(str::to_string).unwrap_or_else(|| r.to_string())))
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned())
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
    use super::*;

    #[test]
    fn paths_encode_every_segment() {
        assert_eq!(api_path(&["queues", "/", "orders"]), "queues/%2F/orders");
        assert_eq!(
            api_path(&["queues", "prod/eu", "订单 created/#1%"]),
            "queues/prod%2Feu/%E8%AE%A2%E5%8D%95%20created%2F%231%25"
        );
        assert_eq!(api_path(&["exchanges", "/", "a?b"]), "exchanges/%2F/a%3Fb");
    }

    #[test]
    fn joined_urls_keep_the_encoding() {
        let base = Url::parse("http://h:15672/rabbitmq/").unwrap();
        let url = base.join(&format!("api/{}", api_path(&["queues", "/", "a b#c"]))).unwrap();
        assert_eq!(url.as_str(), "http://h:15672/rabbitmq/api/queues/%2F/a%20b%23c");
    }

    #[test]
    fn reason_comes_from_the_broker_body() {
        assert_eq!(reason(br#"{"error":"bad_request","reason":"page out of range"}"#), "page out of range");
        assert_eq!(reason(b"<html>oops</html>"), "<html>oops</html>");
    }
}
