//! A cluster as of one refresh: what every page, API call and live stream reads, so that no
//! viewer ever waits on, or adds load to, a broker.
//!
//! - `mod.rs`: `Snapshot` and its entries, reading it whole, lookups by vhost and name, routing
//!   topology
//! - `patch.rs`: `Patch`, one object read back after a write, and applying it to the snapshot
//! - `convert.rs`: the broker's JSON turned into the model, and a queue's extras

pub mod convert;
pub mod patch;

use std::cmp::Ordering;

use app::model::*;
use domain::policy::PolicyInfo;
use domain::routing::{self, Topology};
use serde_json::{Map, Value};

use crate::broker::{json, Broker, BrokerError};
use convert::{binding_row, exchange_entry, overview_model, policy_info, queue_entry};

/// Only what the pages show: at tens of thousands of queues the full objects are most of the
/// cost, for the broker to build and for Warren to read.
pub(super) const QUEUE_COLUMNS: &str = "vhost,name,type,durable,auto_delete,exclusive,arguments,state,messages_ready,\
messages_unacknowledged,messages,message_stats.publish_details.rate,message_stats.deliver_get_details.rate,consumers,policy";
pub(super) const EXCHANGE_COLUMNS: &str = "vhost,name,type,durable,auto_delete,internal,arguments,policy,\
message_stats.publish_in_details.rate,message_stats.publish_out_details.rate";
const NODE_COLUMNS: &str = "name,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,\
fd_used,fd_total,sockets_used,sockets_total,uptime";

#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub overview: Overview,
    /// Sorted by name.
    pub vhosts: Vec<String>,
    /// Sorted by (vhost, name): one vhost's queues are a contiguous run, found by binary search.
    pub queues: Vec<QueueEntry>,
    /// Sorted by (vhost, name).
    pub exchanges: Vec<ExchangeEntry>,
    /// Sorted by (vhost, source, destination, routing key).
    pub bindings: Vec<BindingRow>,
    /// Sorted by (vhost, name).
    pub policies: Vec<PolicyInfo>,
    /// Sorted by (vhost, name).
    pub operator_policies: Vec<PolicyInfo>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueEntry {
    pub row: QueueRow,
    pub arguments: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExchangeEntry {
    pub row: ExchangeRow,
    pub arguments: Vec<(String, String)>,
}

impl Snapshot {
    /// A queue's `max-length`: the lower of its argument and its policy's, as RabbitMQ applies them.
    pub fn max_length(&self, q: &QueueEntry) -> Option<u64> {
        let argument = q.arguments.iter().find(|(k, _)| k == "x-max-length").and_then(|(_, v)| v.parse::<u64>().ok());
        let policy = self
            .policies
            .iter()
            .find(|p| p.vhost == q.row.vhost && p.name == q.row.policy)
            .and_then(|p| p.definition.get("max-length")?.as_u64());
        argument.into_iter().chain(policy).min()
    }

    /// Reads the whole cluster: eight requests in parallel, each as slim as the pages allow.
    pub async fn fetch(client: &dyn Broker) -> Result<Snapshot, BrokerError> {
        let columns = |list: &str| [("columns", list.to_string())];
        let (node_columns, vhost_columns) = (columns(NODE_COLUMNS), columns("name"));
        let (queue_columns, exchange_columns) = (columns(QUEUE_COLUMNS), columns(EXCHANGE_COLUMNS));
        let (overview, nodes, vhosts, queues, exchanges, bindings, policies, operator_policies) = tokio::try_join!(
            client.get_list::<json::Overview>("overview", "overview", &[]),
            client.get_list::<Vec<json::Node>>("nodes", "nodes", &node_columns),
            client.get_list::<Vec<json::Vhost>>("vhosts", "vhosts", &vhost_columns),
            client.get_list::<Vec<json::Queue>>("queues", "queues", &queue_columns),
            client.get_list::<Vec<json::Exchange>>("exchanges", "exchanges", &exchange_columns),
            client.get_list::<Vec<json::Binding>>("bindings", "bindings", &[]),
            client.get_list::<Vec<json::Policy>>("policies", "policies", &[]),
            client.get_list::<Vec<json::Policy>>("operator_policies", "operator-policies", &[]),
        )?;
        let mut snapshot = Snapshot {
            overview: overview_model(overview, nodes),
            vhosts: vhosts.into_iter().map(|v| v.name).collect(),
            queues: queues.into_iter().map(queue_entry).collect(),
            exchanges: exchanges.into_iter().map(exchange_entry).collect(),
            bindings: bindings.into_iter().map(binding_row).collect(),
            policies: policies.into_iter().map(policy_info).collect(),
            operator_policies: operator_policies.into_iter().map(policy_info).collect(),
        };
        snapshot.vhosts.sort();
        snapshot.queues.sort_by(|a, b| by_vhost_name(&a.row.vhost, &a.row.name, &b.row.vhost, &b.row.name));
        snapshot.exchanges.sort_by(|a, b| by_vhost_name(&a.row.vhost, &a.row.name, &b.row.vhost, &b.row.name));
        snapshot.bindings.sort_by(binding_order);
        for list in [&mut snapshot.policies, &mut snapshot.operator_policies] {
            list.sort_by(|a, b| by_vhost_name(&a.vhost, &a.name, &b.vhost, &b.name));
        }
        Ok(snapshot)
    }

    /// The queues of one vhost, or all of them.
    pub fn queues_in(&self, vhost: Option<&str>) -> &[QueueEntry] {
        in_vhost(&self.queues, vhost, |q| &q.row.vhost)
    }

    pub fn exchanges_in(&self, vhost: Option<&str>) -> &[ExchangeEntry] {
        in_vhost(&self.exchanges, vhost, |x| &x.row.vhost)
    }

    pub fn bindings_in(&self, vhost: Option<&str>) -> &[BindingRow] {
        in_vhost(&self.bindings, vhost, |b| &b.vhost)
    }

    pub fn queue(&self, vhost: &str, name: &str) -> Option<&QueueEntry> {
        find(&self.queues, vhost, name, |q| (&q.row.vhost, &q.row.name))
    }

    pub fn exchange(&self, vhost: &str, name: &str) -> Option<&ExchangeEntry> {
        find(&self.exchanges, vhost, name, |x| (&x.row.vhost, &x.row.name))
    }
}

pub(super) fn by_vhost_name(vhost_a: &str, name_a: &str, vhost_b: &str, name_b: &str) -> Ordering {
    vhost_a.cmp(vhost_b).then_with(|| name_a.cmp(name_b))
}

pub(super) fn binding_order(a: &BindingRow, b: &BindingRow) -> Ordering {
    (&a.vhost, &a.source, &a.destination, &a.routing_key, &a.arguments).cmp(&(
        &b.vhost,
        &b.source,
        &b.destination,
        &b.routing_key,
        &b.arguments,
    ))
}

fn in_vhost<'a, T>(items: &'a [T], vhost: Option<&str>, key: impl Fn(&T) -> &String) -> &'a [T] {
    match vhost {
        None => items,
        Some(vhost) => {
            let start = items.partition_point(|item| key(item).as_str() < vhost);
            let end = start + items[start..].partition_point(|item| key(item) == vhost);
            &items[start..end]
        }
    }
}

fn position<T>(items: &[T], vhost: &str, name: &str, key: impl Fn(&T) -> (&String, &String)) -> Result<usize, usize> {
    items.binary_search_by(|item| {
        let (v, n) = key(item);
        by_vhost_name(v, n, vhost, name)
    })
}

fn find<'a, T>(items: &'a [T], vhost: &str, name: &str, key: impl Fn(&T) -> (&String, &String)) -> Option<&'a T> {
    position(items, vhost, name, key).ok().map(|i| &items[i])
}

pub(super) fn replace<T>(
    items: &mut Vec<T>,
    vhost: &str,
    name: &str,
    entry: Option<T>,
    key: impl Fn(&T) -> (&String, &String),
) {
    match (position(items, vhost, name, key), entry) {
        (Ok(i), Some(entry)) => items[i] = entry,
        (Ok(i), None) => {
            items.remove(i);
        }
        (Err(i), Some(entry)) => items.insert(i, entry),
        (Err(_), None) => {}
    }
}

impl Snapshot {
    /// One vhost's exchanges, bindings and queues as routing previews see them (`domain::routing`).
    pub fn topology(&self, vhost: &str) -> Topology {
        let exchanges = self
            .exchanges_in(Some(vhost))
            .iter()
            .map(|x| routing::Exchange {
                name: x.row.name.clone(),
                kind: x.row.kind.clone(),
                alternate: x
                    .arguments
                    .iter()
                    .find(|(key, _)| key == "alternate-exchange")
                    // String arguments are kept as the text itself (`json_pairs`).
                    .map(|(_, value)| value.clone())
                    // As RabbitMQ does: the argument wins, else the policy the broker applied.
                    .or_else(|| self.policy_alternate(vhost, &x.row.policy)),
            })
            .collect();
        let bindings = self
            .bindings_in(Some(vhost))
            .iter()
            // The default exchange's bindings are implicit: routing knows its rule.
            .filter(|b| !b.source.is_empty())
            .map(|b| routing::Binding {
                source: b.source.clone(),
                destination: b.destination.clone(),
                to_queue: b.destination_type == "queue",
                routing_key: b.routing_key.clone(),
                arguments: serde_json::from_str::<Map<String, Value>>(&b.arguments)
                    .map(|map| map.into_iter().collect())
                    .unwrap_or_default(),
            })
            .collect();
        let queues = self.queues_in(Some(vhost)).iter().map(|q| q.row.name.clone()).collect();
        Topology { exchanges, bindings, queues }
    }

    fn policy_alternate(&self, vhost: &str, policy: &str) -> Option<String> {
        if policy.is_empty() {
            return None;
        }
        let applied = self.policies.iter().find(|p| p.vhost == vhost && p.name == policy)?;
        applied.definition.get("alternate-exchange")?.as_str().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn queue(vhost: &str, name: &str, ready: u64) -> QueueEntry {
        QueueEntry {
            row: QueueRow { vhost: vhost.into(), name: name.into(), ready, ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn vhost_runs_and_lookups() {
        let snapshot = Snapshot {
            queues: vec![queue("/", "a", 1), queue("/", "b", 2), queue("prod/eu", "a", 3), queue("z", "a", 4)],
            ..Default::default()
        };
        assert_eq!(snapshot.queues_in(Some("prod/eu")).len(), 1);
        assert_eq!(snapshot.queues_in(Some("/")).len(), 2);
        assert!(snapshot.queues_in(Some("nope")).is_empty());
        assert_eq!(snapshot.queues_in(None).len(), 4);
        assert_eq!(snapshot.queue("prod/eu", "a").map(|q| q.row.ready), Some(3));
        assert!(snapshot.queue("prod/eu", "b").is_none());
    }
}
