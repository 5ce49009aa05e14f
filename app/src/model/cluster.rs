//! A cluster as a whole, for its admins (`/c/{cluster}/settings`, `/c/{cluster}/upgrade`): its
//! name, feature flags and deprecated features.

use serde::{Deserialize, Serialize};

pub use domain::cluster::readiness::Readiness;
pub use domain::cluster::{DeprecatedFeature, FeatureFlag};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterSettings {
    pub broker_version: String,
    /// The cluster's own name (`rabbitmqctl set_cluster_name`), not Warren's name for it.
    pub name: String,
    pub flags: Vec<FeatureFlag>,
    /// Every feature the broker deprecates, used or not; `None` before RabbitMQ 3.13, which
    /// has no such list.
    pub deprecated: Option<Vec<DeprecatedFeature>>,
}
