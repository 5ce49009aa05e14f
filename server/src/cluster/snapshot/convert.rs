//! The broker's JSON turned into the model the pages read: the overview, queue, exchange,
//! binding and policy entries, and the extras a queue's own page asks for.

use app::model::*;
use domain::policy::PolicyInfo;
use serde_json::{Map, Value};

use super::{Counters, ExchangeEntry, QueueEntry, QueueReliability};
use crate::broker::{api_path, json, Broker, BrokerError};

pub fn overview_model(o: json::Overview, nodes: Vec<json::Node>, deprecated_used: Vec<String>) -> Overview {
    Overview {
        cluster_name: o.cluster_name,
        rabbitmq_version: o.rabbitmq_version,
        erlang_version: o.erlang_version,
        messages: MessageTotals {
            ready: o.queue_totals.messages_ready,
            unacked: o.queue_totals.messages_unacknowledged,
            total: o.queue_totals.messages,
            publish_rate: o.message_stats.publish_details.rate,
            deliver_rate: o.message_stats.deliver_get_details.rate,
        },
        objects: ObjectTotals {
            connections: o.object_totals.connections,
            channels: o.object_totals.channels,
            exchanges: o.object_totals.exchanges,
            queues: o.object_totals.queues,
            consumers: o.object_totals.consumers,
        },
        extensions: extensions(&nodes),
        nodes: nodes.into_iter().map(node_info).collect(),
        // Asked of each node after the lists, and only when they show something amiss.
        node_views: Vec::new(),
        limited_to_vhosts: false,
        deprecated_used,
    }
}

pub fn counters(o: &json::Overview) -> Counters {
    Counters {
        none_kept: o.rates_mode == "none",
        dropped_unroutable: o.message_stats.drop_unroutable,
        returned_unroutable: o.message_stats.return_unroutable,
    }
}

/// The applications running on every running node, sorted.
pub fn plugins_everywhere(nodes: &[json::Node]) -> Vec<String> {
    let mut running = nodes.iter().filter(|n| n.running);
    let Some(first) = running.next() else { return Vec::new() };
    let mut plugins: Vec<String> = first.applications.iter().map(|a| a.name.clone()).collect();
    for node in running {
        plugins.retain(|p| node.applications.iter().any(|a| &a.name == p));
    }
    plugins.sort();
    plugins
}

/// The status pages a running node can serve: the management API answers from the node Warren
/// asks, and any running one may be asked next.
fn extensions(nodes: &[json::Node]) -> Extensions {
    let running = |app: &str| nodes.iter().any(|n| n.running && n.applications.iter().any(|a| a.name == app));
    Extensions { shovels: running("rabbitmq_shovel_management"), federation: running("rabbitmq_federation_management") }
}

/// What a queue's page shows beyond its list row: asked of the broker per queue being viewed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueExtras {
    /// The queue's counts as read with the extras: newer than the snapshot's row while a slow
    /// broker stretches the interval and the queue is read on its own (see `Feed::refresh_watched`).
    pub row: QueueRow,
    pub node: String,
    pub operator_policy: String,
    pub effective_policy: Vec<(String, String)>,
    pub memory: u64,
}

impl QueueExtras {
    pub async fn fetch(client: &dyn Broker, vhost: &str, name: &str) -> Result<QueueExtras, BrokerError> {
        // Not its `consumer_details`: the snapshot has every consumer, and a busy queue has many.
        let columns = [("columns", format!("{},node,operator_policy,memory", super::QUEUE_COLUMNS))];
        let queue: json::Deduped<json::Queue> =
            client.get("queue", &api_path(&["queues", vhost, name]), &columns).await?;
        let queue = queue.0;
        Ok(queue_extras(queue))
    }

    /// `own_row`: show the counts read with these extras instead of the snapshot's.
    pub fn into_detail(
        self,
        entry: &QueueEntry,
        (bindings, consumers): (Vec<BindingRow>, Vec<ConsumerRow>),
        own_row: bool,
    ) -> QueueDetail {
        QueueDetail {
            // The advisor's, added by the service layer for each viewer.
            advice: Default::default(),
            row: if own_row { self.row } else { entry.row.clone() },
            arguments: entry.arguments.clone(),
            node: self.node,
            operator_policy: self.operator_policy,
            effective_policy: self.effective_policy,
            memory: self.memory,
            consumers,
            bindings,
        }
    }
}

fn queue_extras(mut q: json::Queue) -> QueueExtras {
    let (node, operator_policy, memory) =
        (std::mem::take(&mut q.node), std::mem::take(&mut q.operator_policy), q.memory);
    let effective_policy = json_pairs(&q.effective_policy_definition);
    QueueExtras { row: queue_entry(q).row, node, operator_policy, effective_policy, memory }
}

fn node_info(n: json::Node) -> NodeInfo {
    let version = n.applications.into_iter().find(|a| a.name == "rabbit").map(|a| a.version).unwrap_or_default();
    NodeInfo {
        name: n.name,
        kind: n.kind,
        version,
        running: n.running,
        mem_alarm: n.mem_alarm,
        disk_alarm: n.disk_free_alarm,
        mem_used: n.mem_used,
        mem_limit: n.mem_limit,
        disk_free: n.disk_free,
        disk_free_limit: n.disk_free_limit,
        fd_used: n.fd_used,
        fd_total: n.fd_total,
        sockets_used: n.sockets_used,
        sockets_total: n.sockets_total,
        uptime_ms: n.uptime,
        partitions: n.partitions,
    }
}

pub(super) fn queue_entry(mut q: json::Queue) -> QueueEntry {
    QueueEntry {
        arguments: json_pairs(&q.arguments),
        reliability: QueueReliability {
            effective_policy: std::mem::take(&mut q.effective_policy_definition),
            persistent: q.messages_persistent,
            bytes_ready: q.message_bytes_ready,
            members: q.members.as_ref().map(|m| (m.len(), q.online.len())),
            mirrors: q.slave_nodes.as_ref().map(|m| (m.len(), q.synchronised_slave_nodes.len())),
            redelivered: q.message_stats.redeliver,
            delivered: q.message_stats.deliver_get,
        },
        row: QueueRow {
            has_arguments: !q.arguments.is_empty(),
            vhost: q.vhost,
            name: q.name,
            kind: q.kind,
            durable: q.durable,
            auto_delete: q.auto_delete,
            exclusive: q.exclusive,
            state: q.state,
            ready: q.counts.messages_ready,
            unacked: q.counts.messages_unacknowledged,
            total: q.counts.messages,
            incoming_rate: q.message_stats.publish_details.rate,
            deliver_rate: q.message_stats.deliver_get_details.rate,
            consumers: q.consumers,
            policy: q.policy,
            // The advisor's, set for each list page read (`service::reads`).
            advice: None,
        },
    }
}

pub(super) fn exchange_entry(x: json::Exchange) -> ExchangeEntry {
    ExchangeEntry {
        arguments: json_pairs(&x.arguments),
        published: x.message_stats.publish_in,
        row: ExchangeRow {
            has_arguments: !x.arguments.is_empty(),
            vhost: x.vhost,
            name: x.name,
            kind: x.kind,
            durable: x.durable,
            auto_delete: x.auto_delete,
            internal: x.internal,
            policy: x.policy,
            publish_in_rate: x.message_stats.publish_in_details.rate,
            publish_out_rate: x.message_stats.publish_out_details.rate,
            advice: None,
        },
    }
}

pub(super) fn binding_row(b: json::Binding) -> BindingRow {
    BindingRow {
        arguments: if b.arguments.is_empty() { String::new() } else { Value::Object(b.arguments).to_string() },
        vhost: b.vhost,
        source: b.source,
        destination: b.destination,
        destination_type: b.destination_type,
        routing_key: b.routing_key,
        properties_key: b.properties_key,
    }
}

pub(super) fn policy_info(p: json::Policy) -> PolicyInfo {
    PolicyInfo {
        vhost: p.vhost,
        name: p.name,
        pattern: p.pattern,
        apply_to: p.apply_to,
        priority: p.priority,
        definition: p.definition,
    }
}

/// A JSON object as sorted (key, value-as-JSON) pairs; strings lose their quotes for reading.
pub(super) fn json_pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        map.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replies recorded from the real 3.10 and 4.0 brokers (`server/tests/fixtures`).
    fn fixture<T: serde::de::DeserializeOwned>(version: &str, name: &str) -> T {
        let path = format!("{}/tests/fixtures/{version}/{name}.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn recorded_overviews_parse() {
        for (version, prefix) in [("3.10", "3.10."), ("4.0", "4.0.")] {
            let o = overview_model(fixture(version, "overview"), fixture(version, "nodes"), Vec::new());
            assert!(o.rabbitmq_version.starts_with(prefix), "{version}");
            assert!(o.objects.exchanges > 0 && o.objects.queues > 0, "{version}: {:?}", o.objects);
            assert_eq!(o.nodes.len(), 1);
            let node = &o.nodes[0];
            assert!(node.running && node.mem_limit > 0 && node.fd_total > 0 && node.uptime_ms > 0, "{version}");
        }
    }

    #[test]
    fn recorded_queue_details_parse() {
        for version in ["3.10", "4.0"] {
            let queue: json::Queue = fixture(version, "queue");
            let entry = queue_entry(fixture(version, "queue"));
            let bindings: Vec<json::Binding> = fixture(version, "bindings");
            let bindings = bindings.into_iter().map(binding_row).collect();
            let d = queue_extras(queue).into_detail(&entry, (bindings, Vec::new()), false);
            assert_eq!(d.row.name, "订单 created/#1%", "{version}");
            assert_eq!(
                (d.row.vhost.as_str(), d.row.kind.as_str(), d.row.policy.as_str()),
                ("prod/eu", "classic", "cap")
            );
            assert!(d.row.total >= 1 && d.row.durable && d.row.has_arguments, "{version}");
            assert!(d.arguments.contains(&("x-max-length".into(), "1000".into())), "{version}");
            assert_eq!(d.effective_policy, vec![("message-ttl".to_string(), "60000".to_string())], "{version}");
            assert!(d.bindings.iter().any(|b| b.source == "orders#x" && b.routing_key == "order.#"), "{version}");
        }
    }

    #[test]
    fn recorded_lists_parse() {
        for version in ["3.10", "4.0"] {
            let page: json::Paged<json::Queue> = fixture(version, "queues-page");
            let entries: Vec<QueueEntry> = page.items.into_iter().map(queue_entry).collect();
            assert!(entries.iter().any(|q| q.row.name == "订单 created/#1%" && q.row.ready >= 1), "{version}");
            let x = exchange_entry(fixture(version, "exchange")).row;
            assert_eq!((x.name.as_str(), x.kind.as_str(), x.durable), ("orders#x", "topic", true), "{version}");
        }
    }

    #[test]
    fn odd_shapes_read_as_defaults() {
        // Empty proplists come as [] and missing stats as null on some versions.
        let q: json::Queue = serde_json::from_str(
            r#"{"name":"q","vhost":"/","messages":null,"message_stats":[],"effective_policy_definition":[],"arguments":[]}"#,
        )
        .unwrap();
        let row = queue_entry(q).row;
        assert_eq!((row.total, row.incoming_rate, row.has_arguments), (0, 0.0, false));
        assert!(serde_json::from_str::<json::Queue>("not json").is_err());
        // RabbitMQ 4.0 repeats a stream's `online` while it is in a minority: the last one counts.
        let stream =
            r#"[{"name":"s","vhost":"/","type":"stream","members":["a","b","c"],"online":["a","b"],"online":["a"]}]"#;
        let queues: Vec<json::Deduped<json::Queue>> = serde_json::from_str(stream).unwrap();
        assert_eq!(queue_entry(queues.into_iter().next().unwrap().0).reliability.members, Some((3, 1)));
    }
}
