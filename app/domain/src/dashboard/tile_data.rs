//! What a tile shows, as the server computes it for the kiosk.

use serde::{Deserialize, Serialize};

/// What one tile shows now, computed on the server from the cluster's snapshot (and history).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TileData {
    ClusterStatus { nodes_up: u64, nodes: u64, alarms: Vec<String> },
    Totals { ready: u64, unacked: u64, publish_rate: f64, deliver_rate: f64, consumers: u64 },
    Backlog(crate::backlog::History),
    Queues(Vec<TileQueue>),
    Warnings(Vec<Warning>),
}

/// A queue in a tile's list: its numbers, and its growth over the tile's range if it asks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TileQueue {
    pub vhost: String,
    pub name: String,
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    pub grown: Option<f64>,
}

/// Something on a live broker that can lose messages or let them pile up unseen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub risk: Risk,
    /// The node or the queue it is about; empty vhost for a node.
    pub vhost: String,
    pub object: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Risk {
    /// A node is down: its queues' messages are unreachable, unreplicated ones may be lost.
    NodeDown,
    /// A memory or disk alarm: publishers are blocked.
    Alarm,
    /// A non-durable queue holding messages: they are gone when its node restarts.
    TransientQueue,
    /// A classic queue on a cluster of several nodes with no mirroring policy: one node's loss
    /// loses its messages.
    Unreplicated,
    /// A queue at 90 % of its `max-length`: the broker is about to drop or refuse messages.
    NearMaxLength,
}
