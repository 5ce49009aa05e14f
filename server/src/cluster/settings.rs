//! A cluster's name, feature flags and deprecated features, for its settings page. Read like an
//! object's extras: only while an admin has the page open, at most once per snapshot.

use app::model::{ClusterSettings, DeprecatedFeature, FeatureFlag};

use crate::broker::{json, Broker, BrokerError};

pub async fn settings(client: &dyn Broker) -> Result<ClusterSettings, BrokerError> {
    let (name, flags, deprecated) = tokio::try_join!(
        client.get::<json::ClusterName>("cluster_name", "cluster-name", &[]),
        client.get::<Vec<json::FeatureFlag>>("feature_flags", "feature-flags", &[]),
        deprecated(client),
    )?;
    Ok(ClusterSettings { broker_version: String::new(), name: name.name, flags: feature_flags(flags), deprecated })
}

/// The cluster's feature flags by name.
pub fn feature_flags(flags: Vec<json::FeatureFlag>) -> Vec<FeatureFlag> {
    let mut flags: Vec<FeatureFlag> = flags
        .into_iter()
        .map(|f| FeatureFlag { name: f.name, state: f.state, stability: f.stability, description: f.desc })
        .collect();
    flags.sort_by(|a, b| a.name.cmp(&b.name));
    flags
}

/// Every deprecated feature with whether it is in use; `None` where the broker has no such list
/// (before 3.13).
async fn deprecated(client: &dyn Broker) -> Result<Option<Vec<DeprecatedFeature>>, BrokerError> {
    let (all, used) = match tokio::try_join!(
        client.get::<Vec<json::DeprecatedFeature>>("deprecated_features", "deprecated-features", &[]),
        used_deprecated(client),
    ) {
        Ok(lists) => lists,
        Err(BrokerError::NotFound) => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut features: Vec<DeprecatedFeature> = all
        .into_iter()
        .map(|f| DeprecatedFeature {
            used: used.contains(&f.name),
            name: f.name,
            description: f.desc,
            phase: f.deprecation_phase,
            doc_url: f.doc_url,
        })
        .collect();
    // In use first: those are what to act on.
    features.sort_by(|a, b| b.used.cmp(&a.used).then_with(|| a.name.cmp(&b.name)));
    Ok(Some(features))
}

/// The deprecated features the cluster uses now, by name; none where the broker cannot say.
pub async fn used_deprecated(client: &dyn Broker) -> Result<Vec<String>, BrokerError> {
    match client.get::<Vec<json::DeprecatedFeature>>("deprecated_used", "deprecated-features/used", &[]).await {
        Ok(used) => Ok(used.into_iter().map(|f| f.name).collect()),
        Err(BrokerError::NotFound) => Ok(Vec::new()),
        Err(error) => Err(error),
    }
}
