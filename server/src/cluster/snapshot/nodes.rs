//! What a node's page shows beyond the snapshot's nodes table: its memory by use, Erlang
//! processes, run queue, plugins and listeners, and the cluster's feature flags.

use app::model::{Listener, NodeDetail, NodeInfo};

use crate::broker::{api_path, json, Broker, BrokerError};
use crate::cluster::settings::feature_flags;

/// Only what the page shows: a node's full object carries its I/O and GC counters.
const NODE_DETAIL_COLUMNS: &str = "name,memory,proc_used,proc_total,run_queue,processors,net_ticktime,\
enabled_plugins,rates_mode";

/// A node's page without its row of the nodes table, which comes from the snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeExtras(NodeDetail);

impl NodeExtras {
    pub async fn fetch(client: &dyn Broker, name: &str) -> Result<NodeExtras, BrokerError> {
        let node_query = [("memory", "true".to_string()), ("columns", NODE_DETAIL_COLUMNS.to_string())];
        let overview_query = [("columns", "listeners".to_string())];
        let node_path = api_path(&["nodes", name]);
        let (node, overview, flags) = tokio::try_join!(
            client.get::<json::NodeDetail>("node", &node_path, &node_query),
            client.get::<json::Overview>("overview", "overview", &overview_query),
            client.get::<Vec<json::FeatureFlag>>("feature_flags", "feature-flags", &[]),
        )?;
        // The broker's breakdown, biggest first; `total` and `strategy` are not uses of memory.
        let mut memory: Vec<(String, u64)> = node
            .memory
            .iter()
            .filter_map(|(key, value)| Some((key.clone(), value.as_u64()?)))
            .filter(|(_, bytes)| *bytes > 0)
            .collect();
        memory.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut listeners: Vec<Listener> = overview
            .listeners
            .into_iter()
            .filter(|l| l.node == name)
            .map(|l| Listener { protocol: l.protocol, address: l.ip_address, port: l.port })
            .collect();
        listeners.sort_by_key(|l| l.port);
        let mut enabled_plugins = node.enabled_plugins;
        enabled_plugins.sort();
        Ok(NodeExtras(NodeDetail {
            info: NodeInfo::default(),
            memory,
            proc_used: node.proc_used,
            proc_total: node.proc_total,
            run_queue: node.run_queue,
            processors: node.processors,
            net_ticktime: node.net_ticktime,
            enabled_plugins,
            rates_mode: node.rates_mode,
            listeners,
            feature_flags: feature_flags(flags),
        }))
    }

    pub fn into_detail(self, info: &NodeInfo) -> NodeDetail {
        NodeDetail { info: info.clone(), ..self.0 }
    }
}
