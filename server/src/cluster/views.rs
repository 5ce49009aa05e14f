//! What each node says of the others. A node cut off from its peers for longer than
//! `net_ticktime` sees them as stopped, and they see it so; after that, RabbitMQ may report a
//! partition, or not. The nodes list of whichever node Warren reads is one side only: when it
//! shows a node stopped or a partition, every node is asked directly, and each view is kept.

use app::model::{NodeInfo, NodeSeen, NodeView};

use crate::broker::{json, read_reply, Broker, Request};

/// Each node's own view, when the nodes list shows something amiss and there are several nodes
/// to ask; empty otherwise. A node that does not answer gives no view.
pub async fn node_views(client: &dyn Broker, nodes: &[NodeInfo]) -> Vec<NodeView> {
    let amiss = nodes.iter().any(|n| !n.running || !n.partitions.is_empty());
    if !amiss || client.node_urls().len() < 2 {
        return Vec::new();
    }
    let (list_columns, node_column) =
        ([("columns", "name,running,partitions".to_string())], [("columns", "node".to_string())]);
    let (list, name) =
        (Request::get("node_views", "nodes", &list_columns), Request::get("node_views", "overview", &node_column));
    let (lists, names) = tokio::join!(client.ask_each(&list), client.ask_each(&name));
    let mut views: Vec<NodeView> = lists
        .into_iter()
        .zip(names)
        .filter_map(|(list, name)| {
            let (list, name) = (list.ok()?, name.ok()?);
            let seen: Vec<json::Node> = read_reply(list.status, &list.body).ok()?;
            let answered: json::Overview = read_reply(name.status, &name.body).ok()?;
            let seen = seen
                .into_iter()
                .map(|n| NodeSeen { name: n.name, running: n.running, partitions: n.partitions })
                .collect();
            Some(NodeView { node: answered.node, seen })
        })
        .collect();
    views.sort_by(|a, b| a.node.cmp(&b.node));
    views
}
