//! What the advisor reads: a cluster as one refresh of its snapshot shows it, reduced to the
//! fields the checks use. Counters are `None` where the broker does not keep them
//! (`rates_mode = none`, or a channel too young to have statistics): a check then says "unknown".

use serde_json::{Map, Value};

#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub nodes: Vec<NodeFacts>,
    /// Messages the cluster dropped or returned as unroutable since its nodes started.
    pub unroutable: Unroutable,
    pub queues: Vec<QueueFacts>,
    pub exchanges: Vec<ExchangeFacts>,
    pub bindings: Vec<BindingFacts>,
    pub channels: Vec<ChannelFacts>,
    pub consumers: Vec<ConsumerFacts>,
    /// RabbitMQ 4 and later: classic queues cannot be mirrored, quorum queues have a delivery
    /// limit of 20 by default.
    pub version_4: bool,
    /// Whether the broker keeps message counters (`rates_mode` is not `none`).
    pub counters: bool,
}

#[derive(Clone, Debug, Default)]
pub struct NodeFacts {
    pub name: String,
    pub running: bool,
    pub mem_alarm: bool,
    pub disk_alarm: bool,
    /// The nodes this one cannot reach.
    pub partitions: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unroutable {
    pub dropped: Option<u64>,
    pub returned: Option<u64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueKind {
    #[default]
    Classic,
    Quorum,
    Stream,
    /// A type from a plugin (e.g. MQTT QoS 0): none of the checks apply.
    Other,
}

impl QueueKind {
    pub fn parse(kind: &str) -> QueueKind {
        match kind {
            "classic" | "" => QueueKind::Classic,
            "quorum" => QueueKind::Quorum,
            "stream" => QueueKind::Stream,
            _ => QueueKind::Other,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct QueueFacts {
    pub vhost: String,
    pub name: String,
    pub kind: QueueKind,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub messages: u64,
    pub ready: u64,
    pub bytes_ready: u64,
    /// Persistent messages among `messages` (classic queues report it).
    pub persistent: Option<u64>,
    pub consumers: u64,
    /// The queue's `x-` arguments, without the prefix, as the broker has them.
    pub arguments: Map<String, Value>,
    /// Its user policy's and operator policy's definitions, merged as RabbitMQ merges them.
    pub policy: Map<String, Value>,
    /// Quorum queues and streams: (members, online).
    pub members: Option<(usize, usize)>,
    /// Classic mirrored queues on 3.x: (mirrors, synchronised mirrors).
    pub mirrors: Option<(usize, usize)>,
    /// Counters since the queue was declared.
    pub redelivered: Option<u64>,
    pub delivered: Option<u64>,
    /// How the backlog (ready messages) moved per minute over the recent history; `None`
    /// without history.
    pub ready_per_minute: Option<f64>,
}

impl QueueFacts {
    /// What the queue does with `key`: its argument where RabbitMQ lets the argument win, else the
    /// lower of argument and policy for limits, as the broker applies them.
    pub fn setting(&self, key: &str) -> Option<&Value> {
        let (argument, policy) = (self.arguments.get(key), self.policy.get(key));
        match (argument, policy) {
            (Some(a), Some(p)) if is_limit(key) => Some(lower(a, p)),
            (Some(a), _) => Some(a),
            (None, p) => p,
        }
    }

    pub fn number(&self, key: &str) -> Option<i64> {
        self.setting(key).and_then(Value::as_i64)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.setting(key).and_then(Value::as_str)
    }
}

/// Limits RabbitMQ applies as the lower of argument and policy.
fn is_limit(key: &str) -> bool {
    matches!(key, "message-ttl" | "max-length" | "max-length-bytes" | "expires" | "delivery-limit")
}

fn lower<'a>(a: &'a Value, b: &'a Value) -> &'a Value {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) if y < x => b,
        _ => a,
    }
}

#[derive(Clone, Debug, Default)]
pub struct ExchangeFacts {
    pub vhost: String,
    pub name: String,
    pub durable: bool,
    /// Messages published into it since it was declared.
    pub published: Option<u64>,
    /// An alternate exchange, by argument or policy.
    pub alternate: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct BindingFacts {
    pub vhost: String,
    pub source: String,
    pub destination: String,
    pub to_queue: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ChannelFacts {
    pub vhost: String,
    pub name: String,
    pub confirm: bool,
    pub transactional: bool,
    /// Messages it published since it opened.
    pub published: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct ConsumerFacts {
    pub vhost: String,
    pub queue: String,
    pub channel: String,
    pub tag: String,
    pub ack_required: bool,
    pub prefetch: u64,
}
