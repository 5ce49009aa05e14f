//! Data shown by the pages: what the server sends to the browser. Server and WASM share these
//! types, so a field added here is checked at compile time on both sides.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

mod access;
mod cluster;
mod plugins;
pub use access::*;
pub use cluster::*;
pub use plugins::*;

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
    /// The cluster's nodes disagree about each other (see `Split`); shown on every page.
    #[serde(default)]
    pub split: Option<Split>,
    /// Parts of the snapshot kept from an earlier refresh because the nodes that answer did not
    /// give them in time (RabbitMQ's nodes wait for a frozen peer before they answer lists).
    #[serde(default)]
    pub held: Vec<HeldPart>,
    /// The advisor's red and amber findings this viewer may see, not muted; `None` until two
    /// refreshes could confirm any.
    #[serde(default)]
    pub advice: Option<domain::advisor::AdviceCounts>,
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
    /// The plugins' pages this cluster has (as of its last snapshot): the navigation offers them.
    #[serde(default)]
    pub extensions: Extensions,
    /// Deprecated features it uses (as of its last snapshot): every page of it says so.
    #[serde(default)]
    pub deprecated_used: Vec<String>,
}

/// A cluster on the all-clusters page (`/`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterCard {
    pub name: String,
    /// Its overview as the viewer may see it; why there is none yet.
    pub overview: Result<Fresh<Overview>, AppError>,
    /// Ready messages now less an hour ago, from Warren's history; `None` when unknown (no history
    /// yet, or the viewer sees only some vhosts, and the history is the whole cluster's).
    pub ready_change: Option<f64>,
}

/// How a cluster is doing, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Health {
    /// Warren cannot read it: what it shows is old, or nothing.
    Unreachable,
    /// Its nodes disagree about who is in the cluster: each side may take writes the other loses.
    Partitioned,
    /// A node is down, or does not answer Warren.
    NodesDown,
    /// A memory or disk alarm: publishers are blocked.
    Alarm,
    Healthy,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unreachable => "unreachable",
            Health::Partitioned => "partitioned",
            Health::NodesDown => "nodes-down",
            Health::Alarm => "alarm",
            Health::Healthy => "healthy",
        }
    }
}

impl ClusterCard {
    pub fn health(&self) -> Health {
        let Ok(fresh) = &self.overview else { return Health::Unreachable };
        let nodes = &fresh.data.nodes;
        if fresh.freshness.error.is_some() {
            Health::Unreachable
        } else if fresh.freshness.split.is_some() || nodes.iter().any(|n| !n.partitions.is_empty()) {
            Health::Partitioned
        } else if nodes.iter().any(|n| !n.running) || !fresh.freshness.unreachable.is_empty() {
            Health::NodesDown
        } else if nodes.iter().any(|n| n.mem_alarm || n.disk_alarm) {
            Health::Alarm
        } else {
            Health::Healthy
        }
    }
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
    /// `disc` or `ram` (RabbitMQ 3).
    #[serde(default)]
    pub kind: String,
    /// Its RabbitMQ version: they differ in a cluster being upgraded.
    #[serde(default)]
    pub version: String,
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
    /// The nodes this one cannot reach though they are in the cluster: a network partition.
    #[serde(default)]
    pub partitions: Vec<String>,
}

/// The cluster's nodes disagree about each other: a network partition, or nodes that see each
/// other as stopped (a node cut off for longer than `net_ticktime` sees its peers so, and they
/// see it so). Whichever node Warren reads gives only its side.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Each node that reports a partition, with the nodes it cannot reach.
    pub partitions: Vec<(String, Vec<String>)>,
    /// Asked one by one, the nodes do not agree on which nodes are running.
    pub views_differ: bool,
}

/// What one node says of the cluster's nodes, asked directly.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    /// The node that answered.
    pub node: String,
    pub seen: Vec<NodeSeen>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeSeen {
    pub name: String,
    pub running: bool,
    pub partitions: Vec<String>,
}

impl Overview {
    /// Whether the nodes disagree about each other, from the nodes list and each node's own view.
    pub fn split(&self) -> Option<Split> {
        let mut partitions: Vec<(String, Vec<String>)> = self
            .nodes
            .iter()
            .map(|n| (n.name.clone(), n.partitions.clone()))
            .chain(self.node_views.iter().flat_map(|v| v.seen.iter().map(|n| (n.name.clone(), n.partitions.clone()))))
            .filter(|(_, cut_off)| !cut_off.is_empty())
            .collect();
        partitions.sort();
        partitions.dedup_by(|a, b| a.0 == b.0);
        fn running(view: &NodeView) -> Vec<&str> {
            let mut up: Vec<&str> = view.seen.iter().filter(|n| n.running).map(|n| n.name.as_str()).collect();
            up.sort();
            up
        }
        let views_differ = self.node_views.windows(2).any(|w| running(&w[0]) != running(&w[1]));
        (!partitions.is_empty() || views_differ).then_some(Split { partitions, views_differ })
    }

    /// How each node that answered Warren sees `node`: (those that see it running, those that
    /// see it stopped); empty while the nodes agree.
    pub fn seen_as(&self, node: &str) -> (Vec<String>, Vec<String>) {
        let (mut running, mut stopped) = (Vec::new(), Vec::new());
        for view in &self.node_views {
            match view.seen.iter().find(|n| n.name == node) {
                Some(n) if n.running => running.push(view.node.clone()),
                _ => stopped.push(view.node.clone()),
            }
        }
        match running.is_empty() || stopped.is_empty() {
            true => (Vec::new(), Vec::new()),
            false => (running, stopped),
        }
    }
}

/// A node's page: its row of the nodes table and what only its page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeDetail {
    pub info: NodeInfo,
    /// The broker's breakdown of the memory it uses, in bytes, biggest first.
    pub memory: Vec<(String, u64)>,
    pub proc_used: u64,
    pub proc_total: u64,
    /// Erlang processes waiting for a scheduler: above the processors' count, the node is busy.
    pub run_queue: u64,
    pub processors: u64,
    /// Seconds after which a silent peer counts as gone (and a partition begins).
    pub net_ticktime: u64,
    pub enabled_plugins: Vec<String>,
    pub rates_mode: String,
    pub listeners: Vec<Listener>,
    /// The cluster's, as this node reports them.
    pub feature_flags: Vec<FeatureFlag>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    pub protocol: String,
    pub address: String,
    pub port: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub cluster_name: String,
    pub rabbitmq_version: String,
    pub erlang_version: String,
    pub messages: MessageTotals,
    pub objects: ObjectTotals,
    pub nodes: Vec<NodeInfo>,
    /// Each node's own view of the others, asked one by one when the nodes list shows a node
    /// stopped or a partition; empty otherwise.
    #[serde(default)]
    pub node_views: Vec<NodeView>,
    /// The totals cover only the vhosts this viewer may see (and connections, channels and
    /// consumers only their own, for a broker user who sees only theirs); the cluster-wide chart
    /// is left out.
    #[serde(default)]
    pub limited_to_vhosts: bool,
    #[serde(default)]
    pub extensions: Extensions,
    /// Deprecated features the cluster uses, by name (RabbitMQ 3.13 and later report them).
    #[serde(default)]
    pub deprecated_used: Vec<String>,
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
    /// The most serious advisor finding about it, not muted; the list marks the row.
    #[serde(default)]
    pub advice: Option<domain::advisor::Severity>,
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
    pub channels: Vec<ChannelRow>,
    /// Bytes per second sent and received over the broker's sample window, oldest first.
    pub rates: Vec<ByteRates>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ByteRates {
    /// The end of the sample's interval, in ms since the epoch.
    pub ts_ms: i64,
    pub sent: f64,
    pub received: f64,
}

/// A channel, as the channels list and a connection's page show it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelRow {
    pub vhost: String,
    /// The broker's name for it: its connection's name and ` (number)`.
    pub name: String,
    pub number: u64,
    /// The broker's name of its connection.
    pub connection: String,
    /// The name its connection's client gave itself; empty if none.
    pub client_name: String,
    pub user: String,
    /// Publisher confirms on: the broker acknowledges each message it took responsibility for.
    pub confirm: bool,
    pub transactional: bool,
    /// Each consumer's prefetch; 0: unlimited.
    pub prefetch: u64,
    /// The prefetch its consumers share (`global` QoS, gone in RabbitMQ 4); 0: none.
    pub global_prefetch: u64,
    pub consumers: u64,
    pub unacked: u64,
    pub unconfirmed: u64,
    /// `running`, `flow` (publishing throttled), `idle`, `closing`.
    pub state: String,
    /// Messages it published since it opened.
    #[serde(default)]
    pub published: u64,
    /// Messages per second, over the broker's last sample interval.
    pub publish_rate: f64,
    pub confirm_rate: f64,
    pub deliver_rate: f64,
    pub ack_rate: f64,
    pub redeliver_rate: f64,
    pub node: String,
    /// Its most serious advisor finding not muted: the lists mark the row.
    #[serde(default)]
    pub advice: Option<domain::advisor::Severity>,
}

impl ChannelRow {
    /// Publishing without confirms or a transaction: the publisher never learns of a message the
    /// broker did not take.
    pub fn publishes_unconfirmed(&self) -> bool {
        !self.confirm && !self.transactional
    }
}

/// A channel's page: its row, its consumers, the exchanges it publishes to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelDetail {
    pub row: ChannelRow,
    pub consumers: Vec<ConsumerRow>,
    /// Recorded by the broker only with `management.rates_mode = detailed`.
    pub publishes: Vec<ChannelPublishes>,
    /// The advisor's findings about it (and its consumers), muted ones last, most serious first.
    #[serde(default)]
    pub advice: Vec<domain::advisor::Brief>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelPublishes {
    pub exchange: String,
    pub messages: u64,
    pub rate: f64,
}

/// A consumer, as the consumers list and the queue and channel pages show it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerRow {
    pub vhost: String,
    pub queue: String,
    pub tag: String,
    /// The broker's name of its channel.
    pub channel: String,
    pub channel_number: u64,
    /// The broker's name of its channel's connection.
    pub connection: String,
    /// The name the client gave its connection; empty if none.
    pub client_name: String,
    pub user: String,
    /// Manual acknowledgement: false is auto-ack, where a message counts as delivered once sent.
    pub ack_required: bool,
    pub exclusive: bool,
    pub prefetch: u64,
    /// Receives messages; false while another consumer is the queue's single active one.
    pub active: bool,
    pub arguments: Vec<(String, String)>,
    /// Its most serious advisor finding not muted: the lists mark the row.
    #[serde(default)]
    pub advice: Option<domain::advisor::Severity>,
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
    pub consumers: Vec<ConsumerRow>,
    pub bindings: Vec<BindingRow>,
    /// The advisor's findings about it (and its consumers), muted ones last, most serious first.
    #[serde(default)]
    pub advice: Vec<domain::advisor::Brief>,
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
    /// Its most serious advisor finding not muted: the lists mark the row.
    #[serde(default)]
    pub advice: Option<domain::advisor::Severity>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExchangeDetail {
    pub row: ExchangeRow,
    pub arguments: Vec<(String, String)>,
    /// Bindings whose source is this exchange.
    pub bindings_out: Vec<BindingRow>,
    /// Bindings whose destination is this exchange.
    pub bindings_in: Vec<BindingRow>,
    /// The advisor's findings about it, muted ones last, most serious first.
    #[serde(default)]
    pub advice: Vec<domain::advisor::Brief>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(nodes: Vec<NodeInfo>, error: Option<AppError>) -> ClusterCard {
        let freshness = Freshness { error, ..Default::default() };
        let overview = Overview { nodes, ..Default::default() };
        ClusterCard { name: "c".into(), overview: Ok(Fresh { data: overview, freshness }), ready_change: None }
    }

    fn node(running: bool, alarm: bool, partitions: &[&str]) -> NodeInfo {
        let partitions = partitions.iter().map(|p| p.to_string()).collect();
        NodeInfo { name: "rabbit@a".into(), running, mem_alarm: alarm, partitions, ..Default::default() }
    }

    #[test]
    fn a_cluster_is_as_healthy_as_its_worst_sign() {
        assert_eq!(card(vec![node(true, false, &[]), node(true, false, &[])], None).health(), Health::Healthy);
        assert_eq!(card(vec![node(true, true, &[]), node(true, false, &[])], None).health(), Health::Alarm);
        assert_eq!(card(vec![node(true, true, &[]), node(false, false, &[])], None).health(), Health::NodesDown);
        let split = vec![node(true, true, &["rabbit@b"]), node(false, false, &[])];
        assert_eq!(card(split, None).health(), Health::Partitioned);
        let stale = card(
            vec![node(true, false, &[])],
            Some(AppError::Unreachable { cluster: "c".into(), detail: String::new() }),
        );
        assert_eq!(stale.health(), Health::Unreachable);
        let never = ClusterCard { name: "c".into(), overview: Err(AppError::Internal), ready_change: None };
        assert_eq!(never.health(), Health::Unreachable);
        assert!(Health::Unreachable < Health::Partitioned && Health::Alarm < Health::Healthy, "worst first");
    }

    fn seen(name: &str, running: bool, partitions: &[&str]) -> NodeSeen {
        NodeSeen { name: name.into(), running, partitions: partitions.iter().map(|p| p.to_string()).collect() }
    }

    #[test]
    fn each_side_of_a_split_is_shown_not_one_as_the_truth() {
        // Read from a: b and c look stopped; b, asked directly, sees a stopped and itself and c up.
        let a_view = NodeView {
            node: "a".into(),
            seen: vec![seen("a", true, &[]), seen("b", false, &[]), seen("c", false, &[])],
        };
        let b_view = NodeView {
            node: "b".into(),
            seen: vec![seen("a", false, &[]), seen("b", true, &[]), seen("c", true, &[])],
        };
        let nodes = vec![node(true, false, &[]), NodeInfo { name: "b".into(), ..Default::default() }];
        let overview = Overview { nodes, node_views: vec![a_view.clone(), b_view], ..Default::default() };
        assert_eq!(overview.split(), Some(Split { partitions: vec![], views_differ: true }));
        assert_eq!(overview.seen_as("b"), (vec!["b".to_string()], vec!["a".to_string()]));
        assert_eq!(overview.seen_as("rabbit@a"), (vec![], vec![]), "not in any view: nothing to compare");

        let agreeing = Overview { node_views: vec![a_view.clone(), a_view], ..Default::default() };
        assert_eq!(agreeing.split(), None);
        let partitioned = Overview { nodes: vec![node(true, false, &["rabbit@b"])], ..Default::default() };
        let split = partitioned.split().unwrap();
        assert_eq!(split.partitions, vec![("rabbit@a".to_string(), vec!["rabbit@b".to_string()])]);
    }
}
