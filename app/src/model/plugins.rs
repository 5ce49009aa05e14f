//! What the shovel and federation plugins report, for their status pages.

use serde::{Deserialize, Serialize};

/// The plugins whose status pages Warren shows, as far as the cluster's running nodes have their
/// management extensions enabled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extensions {
    /// `rabbitmq_shovel_management`: shovel status, and moving messages out of a queue.
    pub shovels: bool,
    /// `rabbitmq_federation_management`: federation link status.
    pub federation: bool,
}

/// A plugin's list: empty and `enabled: false` where the plugin is not running.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PluginList<T> {
    pub enabled: bool,
    pub items: Vec<T>,
}

/// One shovel as `/api/shovels` reports it, dynamic or static.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShovelRow {
    pub vhost: String,
    pub name: String,
    /// `dynamic` (a runtime parameter, which Warren can delete) or `static` (in the broker's
    /// configuration file).
    pub kind: String,
    /// `starting`, `running` or `terminated`; empty when the broker reports no state for it.
    pub state: String,
    /// Why it terminated, as the broker says; empty while it runs.
    pub reason: String,
    pub source: ShovelEnd,
    pub destination: ShovelEnd,
    /// Messages it published to its destination since it (re)started, as this cluster counts
    /// them: `None` when the destination is another broker or the shovel holds no channel.
    pub moved: Option<u64>,
    pub node: String,
    /// When it entered its state, as the broker prints it.
    pub since: String,
}

impl ShovelRow {
    pub fn is_dynamic(&self) -> bool {
        self.kind == "dynamic"
    }

    /// A dynamic shovel the broker has no status for: RabbitMQ 4.0 reports none while it keeps
    /// failing to connect.
    pub fn is_unreported(&self) -> bool {
        self.state.is_empty()
    }

    /// Not moving messages: terminated, or still starting (e.g. its source refuses connections).
    pub fn is_down(&self) -> bool {
        self.state != "running"
    }
}

/// Where a shovel takes messages from or puts them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShovelEnd {
    /// Without credentials; `amqp://` alone is this cluster.
    pub uri: String,
    pub protocol: String,
    /// A queue, or an exchange with a routing key; an AMQP 1.0 end has an address instead.
    pub queue: String,
    pub exchange: String,
    pub routing_key: String,
    pub address: String,
}

impl ShovelEnd {
    /// The object this end names, as one line: `queue q`, `exchange x (key k)`, an address.
    pub fn object(&self) -> String {
        match (self.queue.is_empty(), self.exchange.is_empty()) {
            (false, _) => self.queue.clone(),
            (true, false) if self.routing_key.is_empty() => self.exchange.clone(),
            (true, false) => format!("{} → {}", self.exchange, self.routing_key),
            (true, true) => self.address.clone(),
        }
    }
}

/// One federation link: an exchange or queue here taking messages from an upstream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FederationLink {
    pub vhost: String,
    /// The upstream's name (its runtime parameter).
    pub upstream: String,
    /// `exchange` or `queue`.
    pub kind: String,
    /// The federated exchange or queue here.
    pub local: String,
    /// The exchange or queue it follows upstream.
    pub remote: String,
    /// The upstream's URI, without credentials.
    pub uri: String,
    /// `starting`, `running`, `shutdown` or `error`.
    pub status: String,
    /// Why it failed, as the broker says.
    pub error: String,
    pub node: String,
    pub since: String,
}

impl FederationLink {
    pub fn is_down(&self) -> bool {
        self.status != "running"
    }
}

/// `uri` without its user and password: the broker leaves them out already, and Warren does not
/// rely on that. Written here as `url` would reject the bare `amqp://` that means "this cluster".
pub fn without_credentials(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else { return uri.to_string() };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_leave_a_uri_shown() {
        assert_eq!(without_credentials("amqp://u:p@host:5672/%2F"), "amqp://host:5672/%2F");
        assert_eq!(without_credentials("amqps://u:p%40ss@h?heartbeat=5"), "amqps://h?heartbeat=5");
        assert_eq!(without_credentials("amqp://"), "amqp://");
        assert_eq!(without_credentials("amqp:///vh@1"), "amqp:///vh@1");
        assert_eq!(without_credentials("not a uri"), "not a uri");
    }

    #[test]
    fn an_end_names_its_queue_or_exchange_and_key() {
        let end = |queue: &str, exchange: &str, key: &str| ShovelEnd {
            queue: queue.into(),
            exchange: exchange.into(),
            routing_key: key.into(),
            ..ShovelEnd::default()
        };
        assert_eq!(end("q", "", "").object(), "q");
        assert_eq!(end("", "amq.topic", "a.#").object(), "amq.topic → a.#");
        assert_eq!(end("", "x", "").object(), "x");
    }
}
