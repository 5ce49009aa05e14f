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

/// A finding of the advisor (`crate::advisor`), as the message-loss tile lists it: red and amber
/// ones not muted, most serious first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub severity: crate::advisor::Severity,
    /// Its title's key (`Check::headline`): what the tile names.
    pub headline: String,
    /// The node or the object it is about; empty vhost for the cluster or a node.
    pub vhost: String,
    pub object: String,
}
