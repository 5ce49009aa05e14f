//! The parts of a cluster's state that Warren reads, each with its own requests: a part can be
//! older than the rest when the broker did not give it in time.

use serde::{Deserialize, Serialize};

/// The parts of a cluster's snapshot, each read with its own requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnapshotPart {
    /// The overview and the nodes.
    Overview,
    Vhosts,
    Queues,
    Exchanges,
    Bindings,
    /// Policies and operator policies.
    Policies,
    /// Connections, their channels and consumers.
    Connections,
}
