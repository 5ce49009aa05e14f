//! The management API's JSON, as far as Warren reads it. Every field defaults, and the fields
//! the broker sometimes sends as `null` or as an empty list `[]` instead of an object are read
//! leniently, so one odd field never hides a whole page.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

mod access;
pub use access::*;

/// Reads `T` if the value has its shape, else `T::default()`.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// An object read whole even when the broker repeats a key in it, as a JSON map would: the last
/// value wins. RabbitMQ 4.0 lists a stream's `online` twice while the stream is in a minority,
/// and a struct refuses a duplicate field. The object's text is kept apart and read once as the
/// struct, and again through a map only when that fails.
#[derive(Debug)]
pub struct Deduped<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Deduped<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Box::<serde_json::value::RawValue>::deserialize(d)?;
        serde_json::from_str(text.get())
            .or_else(|_| serde_json::from_str::<Value>(text.get()).and_then(serde_json::from_value))
            .map(Deduped)
            .map_err(serde::de::Error::custom)
    }
}

/// `*_details`: the rate over the broker's last sample interval.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Details {
    #[serde(deserialize_with = "lenient")]
    pub rate: f64,
    /// The counter's values over the window asked for (`data_rates_age`), newest first.
    #[serde(deserialize_with = "lenient")]
    pub samples: Vec<Sample>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Sample {
    #[serde(deserialize_with = "lenient")]
    pub sample: f64,
    #[serde(deserialize_with = "lenient")]
    pub timestamp: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageStats {
    #[serde(deserialize_with = "lenient")]
    pub publish_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub deliver_get_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub publish_in_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub publish_out_details: Details,
    /// Counters since the object was created (the overview's: since its nodes started); absent
    /// with `rates_mode = none`.
    #[serde(deserialize_with = "lenient")]
    pub publish_in: Option<u64>,
    #[serde(deserialize_with = "lenient")]
    pub redeliver: Option<u64>,
    #[serde(deserialize_with = "lenient")]
    pub deliver_get: Option<u64>,
    #[serde(deserialize_with = "lenient")]
    pub drop_unroutable: Option<u64>,
    #[serde(deserialize_with = "lenient")]
    pub return_unroutable: Option<u64>,
}

/// Message counts as queues, vhosts and the overview's `queue_totals` report them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Counts {
    #[serde(deserialize_with = "lenient")]
    pub messages: u64,
    #[serde(deserialize_with = "lenient")]
    pub messages_ready: u64,
    #[serde(deserialize_with = "lenient")]
    pub messages_unacknowledged: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObjectTotals {
    pub connections: u64,
    pub channels: u64,
    pub exchanges: u64,
    pub queues: u64,
    pub consumers: u64,
}

/// An Erlang application a node runs; `rabbit`'s version is the node's RabbitMQ version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Application {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// A node's own object (`/api/nodes/{name}?memory=true`), as far as its page needs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeDetail {
    #[serde(deserialize_with = "lenient")]
    pub memory: Map<String, Value>,
    #[serde(deserialize_with = "lenient")]
    pub proc_used: u64,
    #[serde(deserialize_with = "lenient")]
    pub proc_total: u64,
    #[serde(deserialize_with = "lenient")]
    pub run_queue: u64,
    #[serde(deserialize_with = "lenient")]
    pub processors: u64,
    #[serde(deserialize_with = "lenient")]
    pub net_ticktime: u64,
    #[serde(deserialize_with = "lenient")]
    pub enabled_plugins: Vec<String>,
    #[serde(deserialize_with = "lenient")]
    pub rates_mode: String,
}

/// A feature RabbitMQ deprecates (`/api/deprecated-features`, 3.13 and later).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeprecatedFeature {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub desc: String,
    #[serde(deserialize_with = "lenient")]
    pub deprecation_phase: String,
    #[serde(deserialize_with = "lenient")]
    pub doc_url: String,
}

/// `/api/cluster-name`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClusterName {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
}

/// A protocol a node listens for (the overview's `listeners`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Listener {
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub protocol: String,
    #[serde(deserialize_with = "lenient")]
    pub ip_address: String,
    #[serde(deserialize_with = "lenient")]
    pub port: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeatureFlag {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub stability: String,
    #[serde(deserialize_with = "lenient")]
    pub desc: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Overview {
    pub cluster_name: String,
    /// The node that answered.
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    pub rabbitmq_version: String,
    pub erlang_version: String,
    #[serde(deserialize_with = "lenient")]
    pub queue_totals: Counts,
    #[serde(deserialize_with = "lenient")]
    pub object_totals: ObjectTotals,
    #[serde(deserialize_with = "lenient")]
    pub message_stats: MessageStats,
    #[serde(deserialize_with = "lenient")]
    pub listeners: Vec<Listener>,
    /// `basic`, `detailed` or `none` (no message counters at all).
    #[serde(deserialize_with = "lenient")]
    pub rates_mode: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    pub name: String,
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub applications: Vec<Application>,
    pub running: bool,
    #[serde(deserialize_with = "lenient")]
    pub mem_used: u64,
    #[serde(deserialize_with = "lenient")]
    pub mem_limit: u64,
    #[serde(deserialize_with = "lenient")]
    pub mem_alarm: bool,
    #[serde(deserialize_with = "lenient")]
    pub disk_free: u64,
    #[serde(deserialize_with = "lenient")]
    pub disk_free_limit: u64,
    #[serde(deserialize_with = "lenient")]
    pub disk_free_alarm: bool,
    #[serde(deserialize_with = "lenient")]
    pub fd_used: u64,
    #[serde(deserialize_with = "lenient")]
    pub fd_total: u64,
    #[serde(deserialize_with = "lenient")]
    pub sockets_used: u64,
    #[serde(deserialize_with = "lenient")]
    pub sockets_total: u64,
    #[serde(deserialize_with = "lenient")]
    pub uptime: u64,
    #[serde(deserialize_with = "lenient")]
    pub partitions: Vec<String>,
}

/// The channel a consumer is on, and that channel's connection.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChannelDetails {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub number: u64,
    #[serde(deserialize_with = "lenient")]
    pub connection_name: String,
    #[serde(deserialize_with = "lenient")]
    pub user: String,
}

/// An object named within its vhost, as other objects refer to it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObjectRef {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
}

/// A consumer (`/api/consumers`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Consumer {
    pub consumer_tag: String,
    #[serde(deserialize_with = "lenient")]
    pub queue: ObjectRef,
    #[serde(deserialize_with = "lenient")]
    pub channel_details: ChannelDetails,
    #[serde(deserialize_with = "lenient")]
    pub ack_required: bool,
    #[serde(deserialize_with = "lenient")]
    pub exclusive: bool,
    #[serde(deserialize_with = "lenient")]
    pub prefetch_count: u64,
    /// Missing before single-active-consumer reporting; a consumer is active unless told otherwise.
    #[serde(deserialize_with = "lenient")]
    pub active: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub arguments: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Queue {
    pub name: String,
    pub vhost: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    #[serde(deserialize_with = "lenient")]
    pub exclusive: bool,
    #[serde(deserialize_with = "lenient")]
    pub arguments: Map<String, Value>,
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(flatten)]
    pub counts: Counts,
    #[serde(deserialize_with = "lenient")]
    pub message_stats: MessageStats,
    #[serde(deserialize_with = "lenient")]
    pub consumers: u64,
    #[serde(deserialize_with = "lenient")]
    pub policy: String,
    #[serde(deserialize_with = "lenient")]
    pub operator_policy: String,
    #[serde(deserialize_with = "lenient")]
    pub effective_policy_definition: Map<String, Value>,
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub memory: u64,
    /// Classic queues: how many of `messages` are persistent.
    #[serde(deserialize_with = "lenient")]
    pub messages_persistent: Option<u64>,
    #[serde(deserialize_with = "lenient")]
    pub message_bytes_ready: u64,
    /// Quorum queues and streams: the nodes holding a replica, and those of them online.
    #[serde(deserialize_with = "lenient")]
    pub members: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    pub online: Vec<String>,
    /// Mirrored classic queues (3.x): the mirrors, and those in sync with the leader.
    #[serde(deserialize_with = "lenient")]
    pub slave_nodes: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    pub synchronised_slave_nodes: Vec<String>,
}

/// A client connection (`/api/connections`, `/api/connections/{name}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Connection {
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub user: String,
    #[serde(deserialize_with = "lenient")]
    pub user_provided_name: String,
    #[serde(deserialize_with = "lenient")]
    pub client_properties: Map<String, Value>,
    #[serde(deserialize_with = "lenient")]
    pub peer_host: String,
    #[serde(deserialize_with = "lenient")]
    pub peer_port: u64,
    #[serde(deserialize_with = "lenient")]
    pub protocol: String,
    #[serde(deserialize_with = "lenient")]
    pub ssl: bool,
    #[serde(deserialize_with = "lenient")]
    pub channels: u64,
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    /// The negotiated heartbeat, in seconds (0: none).
    #[serde(deserialize_with = "lenient")]
    pub timeout: u64,
    /// Milliseconds since the epoch.
    #[serde(deserialize_with = "lenient")]
    pub connected_at: i64,
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub send_oct_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub recv_oct_details: Details,
}

/// The connection a channel is on.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConnectionDetails {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub peer_host: String,
    #[serde(deserialize_with = "lenient")]
    pub peer_port: u64,
}

/// A channel's message counters' rates.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChannelStats {
    #[serde(deserialize_with = "lenient")]
    pub publish: u64,
    #[serde(deserialize_with = "lenient")]
    pub publish_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub confirm_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub deliver_get_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub ack_details: Details,
    #[serde(deserialize_with = "lenient")]
    pub redeliver_details: Details,
}

/// A channel (`/api/channels`, `/api/channels/{name}`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Channel {
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub user: String,
    #[serde(deserialize_with = "lenient")]
    pub number: u64,
    #[serde(deserialize_with = "lenient")]
    pub connection_details: ConnectionDetails,
    #[serde(deserialize_with = "lenient")]
    pub confirm: bool,
    #[serde(deserialize_with = "lenient")]
    pub transactional: bool,
    #[serde(deserialize_with = "lenient")]
    pub prefetch_count: u64,
    /// Gone in 4.0, which no longer has a channel-wide prefetch.
    #[serde(deserialize_with = "lenient")]
    pub global_prefetch_count: u64,
    #[serde(deserialize_with = "lenient")]
    pub consumer_count: u64,
    #[serde(deserialize_with = "lenient")]
    pub messages_unacknowledged: u64,
    #[serde(deserialize_with = "lenient")]
    pub messages_unconfirmed: u64,
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub message_stats: ChannelStats,
    /// Only on a channel's own object, and only filled with `rates_mode = detailed`.
    #[serde(deserialize_with = "lenient")]
    pub publishes: Vec<Publishes>,
}

/// One exchange a channel publishes to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Publishes {
    #[serde(deserialize_with = "lenient")]
    pub exchange: ObjectRef,
    #[serde(deserialize_with = "lenient")]
    pub stats: PublishStats,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishStats {
    #[serde(deserialize_with = "lenient")]
    pub publish: u64,
    #[serde(deserialize_with = "lenient")]
    pub publish_details: Details,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Exchange {
    pub name: String,
    pub vhost: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    #[serde(deserialize_with = "lenient")]
    pub arguments: Map<String, Value>,
    #[serde(deserialize_with = "lenient")]
    pub policy: String,
    #[serde(deserialize_with = "lenient")]
    pub message_stats: MessageStats,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Binding {
    pub source: String,
    pub vhost: String,
    pub destination: String,
    pub destination_type: String,
    pub routing_key: String,
    #[serde(deserialize_with = "lenient")]
    pub arguments: Map<String, Value>,
    /// How the API names this binding in a DELETE.
    pub properties_key: String,
}

/// A policy or operator policy.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Policy {
    pub vhost: String,
    pub name: String,
    pub pattern: String,
    #[serde(rename = "apply-to")]
    pub apply_to: String,
    #[serde(deserialize_with = "lenient")]
    pub priority: i64,
    #[serde(deserialize_with = "lenient")]
    pub definition: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Vhost {
    pub name: String,
}

/// A paged list reply (`?page=…`).
#[derive(Debug, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub filtered_count: u64,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_count: u32,
}

/// A shovel's status (`/api/shovels`, with `rabbitmq_shovel_management`). Which end fields are
/// present depends on the protocol and on whether it runs; `reason` only when it terminated.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Shovel {
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    /// A term printed by the broker: a string, or a structure when it crashed.
    pub reason: Value,
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub timestamp: String,
    #[serde(deserialize_with = "lenient")]
    pub src_uri: String,
    #[serde(deserialize_with = "lenient")]
    pub src_protocol: String,
    #[serde(deserialize_with = "lenient")]
    pub src_queue: String,
    #[serde(deserialize_with = "lenient")]
    pub src_exchange: String,
    #[serde(deserialize_with = "lenient")]
    pub src_exchange_key: String,
    #[serde(deserialize_with = "lenient")]
    pub src_address: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_uri: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_protocol: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_queue: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_exchange: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_exchange_key: String,
    #[serde(deserialize_with = "lenient")]
    pub dest_address: String,
}

/// A federation link (`/api/federation-links`, with `rabbitmq_federation_management`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FederationLink {
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub upstream: String,
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub exchange: String,
    #[serde(deserialize_with = "lenient")]
    pub queue: String,
    #[serde(deserialize_with = "lenient")]
    pub upstream_exchange: String,
    #[serde(deserialize_with = "lenient")]
    pub upstream_queue: String,
    #[serde(deserialize_with = "lenient")]
    pub uri: String,
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// A term printed by the broker, like a shovel's `reason`.
    pub error: Value,
    #[serde(deserialize_with = "lenient")]
    pub node: String,
    #[serde(deserialize_with = "lenient")]
    pub timestamp: String,
}

/// A runtime parameter (`/api/parameters/{component}`): a dynamic shovel's definition, say.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Parameter {
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub value: Map<String, Value>,
}
