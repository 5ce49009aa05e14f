//! What Warren asks of one cluster's management HTTP API. The poller and the write path see
//! only the `Broker` trait: `http::HttpBroker` is the real one, and tests answer from recorded
//! replies without a running broker. Replies are read here, the same for both.

pub mod http;
pub mod json;

use app::model::NodeFault;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::secret::Secret;

/// One cluster's management API, as the poller and the write path use it.
#[async_trait::async_trait]
pub trait Broker: Send + Sync {
    /// The node URLs, for admins to read (they never hold credentials: the config refuses those).
    fn node_urls(&self) -> Vec<String>;

    /// Sends one request and returns the final answer's status and body, or why no node gave one.
    async fn send(&self, request: Request<'_>) -> Result<Reply, BrokerError>;

    /// The nodes that did not answer their last probe or connection, and since when.
    fn unreachable(&self) -> Vec<NodeFault> {
        Vec::new()
    }

    /// Asks every node a cheap question with the short timeout, all at once, and notes which
    /// answer; whether all of them did.
    async fn probe_nodes(&self) -> bool {
        true
    }

    /// Sends `request` to every node, all at once, with the short timeout: each node's own answer,
    /// in the order of `node_urls`.
    async fn ask_each(&self, request: &Request<'_>) -> Vec<Result<Reply, BrokerError>> {
        vec![self.send(request.clone()).await]
    }
}

/// One request to the management API: `/api/{path}?{query}`.
#[derive(Clone)]
pub struct Request<'a> {
    pub method: Method,
    /// The kind of request, for the metrics (`queue`, `overview`…): never a vhost or object name.
    pub endpoint: &'static str,
    pub path: &'a str,
    pub query: &'a [(&'a str, String)],
    pub body: Option<&'a serde_json::Value>,
    /// Another broker user's credentials; `None`: Warren's configured user.
    pub login: Option<(&'a str, &'a Secret)>,
    /// A whole-cluster list or the definitions: allowed the longer list timeout.
    pub long: bool,
    /// Closing a connection: what its client is told (`X-Reason`; printable ASCII).
    pub reason: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A GET as Warren's configured user, with the short timeout: what the other kinds start from.
    pub fn get(endpoint: &'static str, path: &'a str, query: &'a [(&'a str, String)]) -> Self {
        Request { method: Method::GET, endpoint, path, query, body: None, login: None, long: false, reason: None }
    }
}

/// A node's answer.
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl dyn Broker + '_ {
    /// A cheap request (`whoami`) with the short timeout: finds a node that answers, skipping
    /// one that is down or frozen, before the long list requests go to it.
    pub async fn probe(&self) -> Result<(), BrokerError> {
        match self.get::<serde_json::Value>("whoami", "whoami", &[]).await {
            // Any answer will do: the lists that follow report what is wrong with it.
            Err(error @ (BrokerError::Unreachable(_) | BrokerError::Timeout)) => Err(error),
            _ => Ok(()),
        }
    }

    /// GETs one object, decoded from JSON.
    pub async fn get<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        self.call(Request::get(endpoint, path, query)).await
    }

    /// GETs one object as another broker user: checks a broker sign-in, and what that user may see.
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        username: &str,
        password: &Secret,
        endpoint: &'static str,
        path: &str,
    ) -> Result<T, BrokerError> {
        let login = Some((username, password));
        self.call(Request { login, ..Request::get(endpoint, path, &[]) }).await
    }

    /// GETs a whole-cluster list, with the longer list timeout.
    pub async fn get_list<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BrokerError> {
        self.call(Request { long: true, ..Request::get(endpoint, path, query) }).await
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
        let long = endpoint == "definitions";
        self.call(Request { method, body, login, long, ..Request::get(endpoint, path, query) }).await
    }

    /// Closes a client connection, telling its client `reason`, as `login` when given.
    pub async fn close_connection(
        &self,
        name: &str,
        reason: Option<&str>,
        login: Option<(&str, &Secret)>,
    ) -> Result<(), BrokerError> {
        let path = &api_path(&["connections", name]);
        let (method, endpoint, query, body, long) = (Method::DELETE, "close_connection", &[][..], None, false);
        self.call::<serde_json::Value>(Request { method, endpoint, path, query, body, login, long, reason })
            .await
            .map(drop)
    }

    async fn call<T: DeserializeOwned>(&self, request: Request<'_>) -> Result<T, BrokerError> {
        // `.` and `..` stay literal through percent-encoding and URL joining would resolve them,
        // reaching another API endpoint: such names cannot be addressed safely, so refuse them.
        if request.path.split('/').any(|segment| segment == "." || segment == "..") {
            return Err(BrokerError::BadRequest(
                "names \".\" and \"..\" cannot be used in a management API path".into(),
            ));
        }
        let reply = self.send(request).await?;
        read_reply(reply.status, &reply.body)
    }
}

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

pub fn read_reply<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, BrokerError> {
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
        // Client names as the broker gives them: an address pair, and a channel's number.
        assert_eq!(
            api_path(&["channels", "127.0.0.1:5 -> 127.0.0.1:5672 (1)"]),
            "channels/127.0.0.1%3A5%20-%3E%20127.0.0.1%3A5672%20%281%29"
        );
        assert_eq!(
            api_path(&["parameters", "shovel", "/", "Move from dlq/#1"]),
            "parameters/shovel/%2F/Move%20from%20dlq%2F%231"
        );
    }

    #[test]
    fn reason_comes_from_the_broker_body() {
        assert_eq!(reason(br#"{"error":"bad_request","reason":"page out of range"}"#), "page out of range");
        assert_eq!(reason(b"<html>oops</html>"), "<html>oops</html>");
    }
}
