//! Data shown by the pages: what the server sends to the browser. Server and WASM share these
//! types, so a field added here is checked at compile time on both sides.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How current the data on screen is. The server answers from a snapshot that one poller per
/// cluster refreshes; this says how old that snapshot is and whether the broker still answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Freshness {
    /// When the snapshot was taken, in milliseconds since the Unix epoch.
    pub taken_at_ms: i64,
    /// The snapshot's age when the server sent this. The browser adds the time since it arrived,
    /// so the server's and the browser's clocks need not agree.
    pub age_ms: u64,
    /// Why the last refresh failed: the data is stale while this is set.
    pub error: Option<AppError>,
    /// The interval the poller runs at: longer than the configured one when the broker takes
    /// longer than that to answer.
    pub interval_ms: u64,
    pub configured_interval_ms: u64,
    /// How long the last refresh took.
    pub refresh_ms: u64,
    /// Nodes of the cluster that did not answer Warren, while others did (when none answers,
    /// `error` says so). Node addresses are for admins: others see them empty.
    #[serde(default)]
    pub unreachable: Vec<NodeFault>,
    /// Parts of the snapshot kept from an earlier refresh because the nodes that answer did not
    /// give them in time (RabbitMQ's nodes wait for a frozen peer before they answer lists).
    #[serde(default)]
    pub held: Vec<HeldPart>,
}

pub use domain::snapshot::SnapshotPart;

/// A part of the snapshot older than the rest: since when its figures are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeldPart {
    pub part: SnapshotPart,
    pub since_ms: i64,
}

/// A node Warren could not reach: its management address and since when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeFault {
    pub node: String,
    pub since_ms: i64,
}

impl Freshness {
    /// Data this old has missed at least two refreshes.
    pub fn stale_after_ms(&self) -> u64 {
        self.interval_ms.saturating_mul(2) + self.refresh_ms + 1_000
    }

    pub fn is_stale(&self, age_ms: u64) -> bool {
        self.error.is_some() || age_ms > self.stale_after_ms()
    }

    pub fn is_slow(&self) -> bool {
        self.interval_ms > self.configured_interval_ms
    }
}

/// Data from the snapshot, with how fresh it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Fresh<T> {
    pub data: T,
    pub freshness: Freshness,
}

/// A cluster as the browser may see it: never its credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub name: String,
    /// Management URLs of the nodes, without credentials.
    pub nodes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageTotals {
    pub ready: u64,
    pub unacked: u64,
    pub total: u64,
    pub publish_rate: f64,
    pub deliver_rate: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectTotals {
    pub connections: u64,
    pub channels: u64,
    pub exchanges: u64,
    pub queues: u64,
    pub consumers: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeInfo {
    pub name: String,
    pub running: bool,
    pub mem_alarm: bool,
    pub disk_alarm: bool,
    pub mem_used: u64,
    pub mem_limit: u64,
    pub disk_free: u64,
    pub disk_free_limit: u64,
    pub fd_used: u64,
    pub fd_total: u64,
    pub sockets_used: u64,
    pub sockets_total: u64,
    pub uptime_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub cluster_name: String,
    pub rabbitmq_version: String,
    pub erlang_version: String,
    pub messages: MessageTotals,
    pub objects: ObjectTotals,
    pub nodes: Vec<NodeInfo>,
    /// The totals cover only the vhosts this viewer may see; connections, channels and the
    /// cluster-wide chart are left out.
    #[serde(default)]
    pub limited_to_vhosts: bool,
}

/// Which part of a list the browser asks for. Filter, sort and page live in the page URL, and the
/// live stream of a list page takes the same query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListQuery {
    /// `None` means every vhost.
    pub vhost: Option<String>,
    pub filter: String,
    pub regex: bool,
    /// A column key of the list (see `QueueColumn`); empty means the default order.
    pub sort: String,
    pub desc: bool,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl ListQuery {
    pub const DEFAULT_PAGE_SIZE: u32 = 50;
    pub const MAX_PAGE_SIZE: u32 = 500;
    /// Longer patterns are refused: the broker caps them at 1024 too.
    pub const MAX_FILTER_LEN: usize = 1024;

    /// Reads the query-string keys that `to_pairs` writes; missing or malformed keys take defaults.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key| get(key).unwrap_or_default();
        ListQuery {
            vhost: Some(get("vhost")).filter(|v| !v.is_empty()),
            filter: get("q"),
            regex: get("re") == "1",
            sort: get("sort"),
            desc: get("desc") == "1",
            page: get("page").parse().ok().filter(|p| *p >= 1).unwrap_or(1),
            page_size: ListQuery::DEFAULT_PAGE_SIZE,
        }
    }

    /// Query-string pairs for a page or stream URL; defaults are empty so `urls::with_query`
    /// leaves them out.
    pub fn to_pairs(&self) -> [(&'static str, String); 6] {
        let flag = |on: bool| if on { "1".to_string() } else { String::new() };
        [
            ("vhost", self.vhost.clone().unwrap_or_default()),
            ("q", self.filter.clone()),
            ("re", flag(self.regex)),
            ("sort", self.sort.clone()),
            ("desc", flag(self.desc)),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
        ]
    }
}

/// One page of a list, with the counts needed to draw a pager.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items before filtering.
    pub total: u64,
    /// Items that match the filter.
    pub filtered: u64,
    pub page: u32,
    pub page_count: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub vhost: String,
    pub name: String,
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub exclusive: bool,
    pub has_arguments: bool,
    pub state: String,
    pub ready: u64,
    pub unacked: u64,
    pub total: u64,
    pub incoming_rate: f64,
    pub deliver_rate: f64,
    pub consumers: u64,
    pub policy: String,
}

/// A client connection, as the connections list shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub vhost: String,
    /// The broker's name for it: `client address:port -> server address:port`.
    pub name: String,
    pub user: String,
    /// The name the client gave itself (`connection_name`); empty if none.
    pub client_name: String,
    /// The client library and its version, e.g. "RabbitMQ Java Client 5.20.0".
    pub client: String,
    pub peer_host: String,
    pub peer_port: u64,
    pub protocol: String,
    pub tls: bool,
    pub channels: u64,
    /// `running`, `blocked` or `blocking` (a resource alarm), `flow`, `closing`…
    pub state: String,
    /// Bytes per second, over the broker's last sample interval.
    pub send_rate: f64,
    pub recv_rate: f64,
    /// The heartbeat timeout in seconds; 0: none.
    pub heartbeat: u64,
    /// Milliseconds since the epoch.
    pub connected_at: i64,
    pub node: String,
}

/// A connection's page: its row, everything the client said about itself, its channels.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionDetail {
    pub row: ConnectionRow,
    pub client_properties: Vec<(String, String)>,
    pub channels: Vec<ChannelInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelInfo {
    pub name: String,
    pub number: u64,
    /// Publisher confirms on: the broker acknowledges each message it took responsibility for.
    pub confirm: bool,
    pub transactional: bool,
    /// The consumers' prefetch; 0: unlimited.
    pub prefetch: u64,
    pub consumers: u64,
    pub unacked: u64,
    pub unconfirmed: u64,
    pub state: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerInfo {
    pub tag: String,
    pub channel: String,
    pub ack_required: bool,
    pub exclusive: bool,
    pub prefetch: u64,
    pub active: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BindingRow {
    pub vhost: String,
    pub source: String,
    pub destination: String,
    /// "queue" or "exchange".
    pub destination_type: String,
    pub routing_key: String,
    /// Binding arguments as JSON text, empty when there are none.
    pub arguments: String,
    /// How the broker names this binding when removing it.
    pub properties_key: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueDetail {
    pub row: QueueRow,
    pub node: String,
    /// Declared arguments as (key, JSON value) pairs, sorted by key.
    pub arguments: Vec<(String, String)>,
    pub operator_policy: String,
    /// The definition that applies after merging policy and operator policy.
    pub effective_policy: Vec<(String, String)>,
    pub memory: u64,
    pub consumers: Vec<ConsumerInfo>,
    pub bindings: Vec<BindingRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeRow {
    pub vhost: String,
    pub name: String,
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub has_arguments: bool,
    pub policy: String,
    pub publish_in_rate: f64,
    pub publish_out_rate: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeDetail {
    pub row: ExchangeRow,
    pub arguments: Vec<(String, String)>,
    /// Bindings whose source is this exchange.
    pub bindings_out: Vec<BindingRow>,
    /// Bindings whose destination is this exchange.
    pub bindings_in: Vec<BindingRow>,
}
