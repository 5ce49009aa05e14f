//! `app::api::ClusterAdmin`: a cluster's name and feature flags, changed by those who may
//! administer its broker (as its users and vhosts) and audited with before and after; its
//! deprecated features and its readiness for RabbitMQ 4, read.

use std::collections::HashMap;

use app::auth::Access;
use app::error::AppError;
use app::model::{ClusterSettings, Fresh, QueueRow, Readiness};
use domain::cluster::readiness::{self, ChannelFacts, Facts, NodeFacts, QueueFacts};
use domain::cluster::{check_enable, check_flag_name, check_name};
use domain::policy::{PolicyInfo, Version};
use reqwest::Method;
use serde_json::{json, Value};

use super::access::{lookup, Change, Place};
use super::Operations;
use crate::broker::{api_path, json};
use crate::cluster::settings::feature_flags;
use crate::cluster::snapshot::Snapshot;
use crate::service::preview::Matching;

impl Operations {
    async fn put_cluster_name(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        check_name(name)?;
        let before: Option<json::ClusterName> = lookup(feed, &login, "cluster_name", "cluster-name".into()).await?;
        let body = json!({ "name": name });
        Self::send::<Value>(feed, &login, (Method::PUT, "cluster_name", "cluster-name".into()), &[], Some(&body))
            .await?;
        feed.refresh_soon();
        Ok(Change { before: json!(before.map(|b| b.name)), after: json!(name) })
    }

    /// Enables one flag, checked against the broker's list as it is now. RabbitMQ enables the
    /// flags it depends on too; 4.1 and later answer before it is done (the page follows the state).
    async fn put_flag(&self, who: &dyn Access, cluster: &str, name: &str, confirmed: bool) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        let flags: Vec<json::FeatureFlag> =
            Self::send(feed, &login, (Method::GET, "feature_flags", "feature-flags".into()), &[], None).await?;
        let flags = feature_flags(flags);
        check_enable(&flags, name, confirmed)?;
        let before = flags.iter().find(|f| f.name == name).map(|f| f.state.clone());
        let path = api_path(&["feature-flags", name, "enable"]);
        Self::send::<Value>(feed, &login, (Method::PUT, "enable_feature_flag", path), &[], Some(&json!({}))).await?;
        Ok(Change { before: json!(before), after: json!("enabled") })
    }
}

/// What the readiness check reads, from the snapshot and the broker's flags.
fn facts(snapshot: &Snapshot, settings: ClusterSettings) -> Facts {
    let overview = &snapshot.overview;
    let version = Version::parse(&overview.rabbitmq_version);
    // The snapshot names each queue's user policy, not its operator policy: the operator
    // policies that mirror are matched here, per vhost, as the broker matches them.
    let mut mirroring: HashMap<&str, Vec<PolicyInfo>> = HashMap::new();
    for p in snapshot.operator_policies.iter().filter(|p| p.definition.contains_key("ha-mode")) {
        mirroring.entry(p.vhost.as_str()).or_default().push(p.clone());
    }
    let mirroring: HashMap<&str, Matching> =
        mirroring.into_iter().map(|(vhost, policies)| (vhost, Matching::new(policies, version))).collect();
    Facts {
        version,
        nodes: overview
            .nodes
            .iter()
            .map(|n| NodeFacts {
                name: n.name.clone(),
                ram: n.kind == "ram",
                disk_free: n.disk_free,
                disk_free_limit: n.disk_free_limit,
            })
            .collect(),
        flags: settings.flags,
        deprecated_used: overview.deprecated_used.clone(),
        policies: snapshot.policies.clone(),
        operator_policies: snapshot.operator_policies.clone(),
        queues: snapshot
            .queues
            .iter()
            .map(|q| QueueFacts {
                vhost: q.row.vhost.clone(),
                name: q.row.name.clone(),
                kind: q.row.kind.clone(),
                durable: q.row.durable,
                exclusive: q.row.exclusive,
                policy: q.row.policy.clone(),
                operator_policy: operator_policy(&mirroring, &q.row),
                arguments: q.arguments.clone(),
                messages: q.row.total,
            })
            .collect(),
        channels: snapshot
            .channels
            .iter()
            .map(|c| ChannelFacts { vhost: c.vhost.clone(), name: c.name.clone(), global_prefetch: c.global_prefetch })
            .collect(),
    }
}

/// The mirroring operator policy that applies to `queue`, by name; empty: none.
fn operator_policy(mirroring: &HashMap<&str, Matching>, queue: &QueueRow) -> String {
    let matching = mirroring.get(queue.vhost.as_str());
    matching.and_then(|m| m.winner(Some(&queue.kind), &queue.name)).map(|(p, _)| p.name).unwrap_or_default()
}

#[async_trait::async_trait]
impl app::api::ClusterAdmin for Operations {
    async fn settings(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<ClusterSettings>, AppError> {
        let (feed, _) = self.broker_admin(who, cluster)?;
        let (snapshot, freshness) = self.clusters.current(who, cluster).await?;
        let mut data = feed.settings().await?;
        data.broker_version = snapshot.overview.rabbitmq_version.clone();
        Ok(Fresh { data, freshness })
    }

    async fn rename(&self, who: &dyn Access, cluster: &str, name: &str) -> Result<(), AppError> {
        let place = Place { cluster, vhost: None, action: "rename_cluster", object: "cluster name".into() };
        self.changed(who, place, self.put_cluster_name(who, cluster, name)).await
    }

    async fn enable_flag(&self, who: &dyn Access, cluster: &str, name: &str, confirmed: bool) -> Result<(), AppError> {
        // Bounded before the audit names it.
        check_flag_name(name)?;
        let place =
            Place { cluster, vhost: None, action: "enable_feature_flag", object: format!("feature flag {name:?}") };
        self.changed(who, place, self.put_flag(who, cluster, name, confirmed)).await
    }

    async fn readiness(&self, who: &dyn Access, cluster: &str) -> Result<Fresh<Readiness>, AppError> {
        let (feed, _) = self.broker_admin(who, cluster)?;
        // It names objects of every vhost, read with Warren's account: a broker user who signed
        // in, whose own account may see fewer, gets it only if Warren shows them every vhost.
        if !who.sees_every_vhost(cluster) {
            return Err(AppError::Forbidden(
                "the upgrade check is for admins who see every vhost of the cluster".into(),
            ));
        }
        let (snapshot, freshness) = self.clusters.current(who, cluster).await?;
        let settings = feed.settings().await?;
        // Off the async workers: it walks every queue of the snapshot.
        let data =
            tokio::task::spawn_blocking(move || readiness::check(&facts(&snapshot, settings))).await.map_err(|e| {
                tracing::error!(error = %e, "a readiness check failed");
                AppError::Internal
            })?;
        Ok(Fresh { data, freshness })
    }
}
