//! A cluster as of one refresh: what every page, API call and live stream reads, so that no
//! viewer ever waits on, or adds load to, a broker.
//!
//! - `mod.rs`: `Snapshot` and its entries, reading it whole, lookups by vhost and name, routing
//!   topology
//! - `patch.rs`: `Patch`, one object read back after a write, and applying it to the snapshot
//! - `convert.rs`: the broker's JSON turned into the model, and a queue's extras
//! - `connections.rs`, `channels.rs`: the clients, their channels and consumers
//! - `nodes.rs`: what a node's page asks for

pub mod channels;
pub mod connections;
pub mod convert;
pub mod nodes;
pub mod patch;

use std::cmp::Ordering;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use app::model::*;
use domain::policy::PolicyInfo;
use domain::routing::{self, Topology};
use futures_util::future::{BoxFuture, Shared};
use serde_json::{Map, Value};

use crate::broker::{json, Broker, BrokerError};
use crate::cluster::settings::used_deprecated;
use channels::{sorted_channels, sorted_consumers, CHANNEL_COLUMNS};
use connections::{sorted_connections, CONNECTION_COLUMNS};
use convert::{binding_row, counters, exchange_entry, overview_model, plugins_everywhere, policy_info, queue_entry};

/// Only what the pages show: at tens of thousands of queues the full objects are most of the
/// cost, for the broker to build and for Warren to read.
pub(super) const QUEUE_COLUMNS: &str = "vhost,name,type,durable,auto_delete,exclusive,arguments,state,messages_ready,\
messages_unacknowledged,messages,message_stats.publish_details.rate,message_stats.deliver_get_details.rate,consumers,policy,\
effective_policy_definition,messages_persistent,message_bytes_ready,members,online,slave_nodes,synchronised_slave_nodes,\
message_stats.redeliver,message_stats.deliver_get";
pub(super) const EXCHANGE_COLUMNS: &str = "vhost,name,type,durable,auto_delete,internal,arguments,policy,\
message_stats.publish_in_details.rate,message_stats.publish_out_details.rate,message_stats.publish_in";
const NODE_COLUMNS: &str = "name,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,\
fd_used,fd_total,sockets_used,sockets_total,uptime,partitions,type,applications";

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
    /// Sorted by (vhost, name).
    pub connections: Vec<ConnectionRow>,
    /// Sorted by (vhost, name).
    pub channels: Vec<ChannelRow>,
    /// Sorted by (vhost, queue, tag).
    pub consumers: Vec<ConsumerRow>,
    /// Parts kept from an earlier snapshot (see `Holding`), with since when their figures are.
    pub held: Vec<(SnapshotPart, SystemTime)>,
    /// The cluster's message counters, for the advisor; read with the overview.
    pub counters: Counters,
    /// The applications (plugins) running on every running node, sorted: what a definitions
    /// import may rely on, whichever node it reaches.
    pub plugins: Vec<String>,
}

/// Counters the pages do not show and the advisor reads (`crate::service::advisor`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// `rates_mode = none`: the broker keeps no message counters at all.
    pub none_kept: bool,
    /// Unroutable messages dropped, and returned to publishers, since the nodes started.
    pub dropped_unroutable: Option<u64>,
    pub returned_unroutable: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueEntry {
    pub row: QueueRow,
    pub arguments: Vec<(String, String)>,
    pub reliability: QueueReliability,
}

/// What the advisor reads about a queue beyond its list row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueReliability {
    /// Its policy's and operator policy's definitions, merged by the broker.
    pub effective_policy: serde_json::Map<String, serde_json::Value>,
    pub persistent: Option<u64>,
    pub bytes_ready: u64,
    /// Quorum queues and streams: (members, online).
    pub members: Option<(usize, usize)>,
    /// Mirrored classic queues: (mirrors, synchronised).
    pub mirrors: Option<(usize, usize)>,
    pub redelivered: Option<u64>,
    pub delivered: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExchangeEntry {
    pub row: ExchangeRow,
    pub arguments: Vec<(String, String)>,
    /// Messages published into it since it was declared; `None` without counters.
    pub published: Option<u64>,
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

    /// Reads the whole cluster: twelve requests in parallel, each as slim as the pages allow.
    /// With `holding`, a part that is late while a node is silent is kept from the last snapshot.
    pub async fn fetch(client: &dyn Broker, holding: Option<&Holding>) -> Result<Snapshot, BrokerError> {
        let columns = |list: &str| [("columns", list.to_string())];
        let (node_columns, vhost_columns) = (columns(NODE_COLUMNS), columns("name"));
        let (queue_columns, exchange_columns) = (columns(QUEUE_COLUMNS), columns(EXCHANGE_COLUMNS));
        let (connection_columns, channel_columns) = (columns(CONNECTION_COLUMNS), columns(CHANNEL_COLUMNS));
        let overview = async {
            tokio::try_join!(
                client.get_list::<json::Overview>("overview", "overview", &[]),
                client.get_list::<Vec<json::Node>>("nodes", "nodes", &node_columns),
                // Optional: a broker that cannot say leaves the overview as it is.
                async {
                    Ok(used_deprecated(client).await.unwrap_or_else(|error| {
                        tracing::warn!(%error, "deprecated features in use: not read");
                        Vec::new()
                    }))
                },
            )
        };
        let policies = async {
            tokio::try_join!(
                client.get_list::<Vec<json::Policy>>("policies", "policies", &[]),
                client.get_list::<Vec<json::Policy>>("operator_policies", "operator-policies", &[]),
            )
        };
        let clients = async {
            tokio::try_join!(
                client.get_list::<Vec<json::Connection>>("connections", "connections", &connection_columns),
                client.get_list::<Vec<json::Channel>>("channels", "channels", &channel_columns),
                client.get_list::<Vec<json::Consumer>>("consumers", "consumers", &[]),
            )
        };
        let (overview, vhosts, queues, exchanges, bindings, policies, clients) = tokio::try_join!(
            in_time(overview, holding),
            in_time(client.get_list::<Vec<json::Vhost>>("vhosts", "vhosts", &vhost_columns), holding),
            in_time(client.get_list::<Vec<json::Deduped<json::Queue>>>("queues", "queues", &queue_columns), holding),
            in_time(client.get_list::<Vec<json::Exchange>>("exchanges", "exchanges", &exchange_columns), holding),
            in_time(client.get_list::<Vec<json::Binding>>("bindings", "bindings", &[]), holding),
            in_time(policies, holding),
            in_time(clients, holding),
        )?;
        let mut parts = Parts { holding, held: Vec::new() };
        let (overview, counters, plugins) = parts.take(
            SnapshotPart::Overview,
            overview,
            |(o, n, d)| {
                let (counters, plugins) = (counters(&o), plugins_everywhere(&n));
                (overview_model(o, n, d), counters, plugins)
            },
            |p| (p.overview.clone(), p.counters, p.plugins.clone()),
        );
        let vhosts = parts.take(SnapshotPart::Vhosts, vhosts, sorted_vhosts, |p| p.vhosts.clone());
        let queues = parts.take(SnapshotPart::Queues, queues, sorted_queues, |p| p.queues.clone());
        let exchanges = parts.take(SnapshotPart::Exchanges, exchanges, sorted_exchanges, |p| p.exchanges.clone());
        let bindings = parts.take(SnapshotPart::Bindings, bindings, sorted_bindings, |p| p.bindings.clone());
        let (policies, operator_policies) = parts.take(
            SnapshotPart::Policies,
            policies,
            |(policies, operator)| (sorted_policies(policies), sorted_policies(operator)),
            |p| (p.policies.clone(), p.operator_policies.clone()),
        );
        let (connections, channels, consumers) = parts.take(
            SnapshotPart::Connections,
            clients,
            |(connections, channels, consumers)| {
                let connections = sorted_connections(connections);
                let channels = sorted_channels(channels, &connections);
                let consumers = sorted_consumers(consumers, &connections);
                (connections, channels, consumers)
            },
            |p| (p.connections.clone(), p.channels.clone(), p.consumers.clone()),
        );
        let held = parts.held;
        Ok(Snapshot {
            overview,
            vhosts,
            queues,
            exchanges,
            bindings,
            policies,
            operator_policies,
            connections,
            channels,
            consumers,
            held,
            counters,
            plugins,
        })
    }

    /// Whether `part` is older than the rest of the snapshot.
    pub fn is_held(&self, part: SnapshotPart) -> bool {
        self.held.iter().any(|(p, _)| *p == part)
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

    pub fn connections_in(&self, vhost: Option<&str>) -> &[ConnectionRow] {
        in_vhost(&self.connections, vhost, |c| &c.vhost)
    }

    pub fn connection(&self, vhost: &str, name: &str) -> Option<&ConnectionRow> {
        find(&self.connections, vhost, name, |c| (&c.vhost, &c.name))
    }

    pub fn channels_in(&self, vhost: Option<&str>) -> &[ChannelRow] {
        in_vhost(&self.channels, vhost, |c| &c.vhost)
    }

    pub fn channel(&self, vhost: &str, name: &str) -> Option<&ChannelRow> {
        find(&self.channels, vhost, name, |c| (&c.vhost, &c.name))
    }

    /// A connection's channels, by number.
    pub fn channels_of(&self, vhost: &str, connection: &str) -> Vec<ChannelRow> {
        let mut channels: Vec<ChannelRow> =
            self.channels_in(Some(vhost)).iter().filter(|c| c.connection == connection).cloned().collect();
        channels.sort_by_key(|c| c.number);
        channels
    }

    pub fn consumers_in(&self, vhost: Option<&str>) -> &[ConsumerRow] {
        in_vhost(&self.consumers, vhost, |c| &c.vhost)
    }

    /// A queue's consumers, by tag.
    pub fn consumers_of_queue(&self, vhost: &str, queue: &str) -> &[ConsumerRow] {
        let in_vhost = self.consumers_in(Some(vhost));
        let start = in_vhost.partition_point(|c| c.queue.as_str() < queue);
        let end = start + in_vhost[start..].partition_point(|c| c.queue == queue);
        &in_vhost[start..end]
    }

    pub fn consumers_of_channel(&self, vhost: &str, channel: &str) -> Vec<ConsumerRow> {
        self.consumers_in(Some(vhost)).iter().filter(|c| c.channel == channel).cloned().collect()
    }
}

/// How a refresh treats a part that is late: kept from `previous`, if some node is silent.
pub struct Holding {
    /// The last snapshot, whose parts stand in for late ones.
    pub previous: Arc<Snapshot>,
    /// When `previous` was read.
    pub taken_at: SystemTime,
    /// How long a part may take before it counts as late: longer than the parts usually take.
    pub patience: Duration,
    /// Whether some node does not answer; resolves once every node has answered or timed out.
    pub silent: Shared<BoxFuture<'static, bool>>,
}

impl Holding {
    /// Since when a part kept from `previous` has its figures.
    fn since(&self, part: SnapshotPart) -> SystemTime {
        self.previous.held.iter().find(|(p, _)| *p == part).map_or(self.taken_at, |(_, since)| *since)
    }
}

/// A part's answer; `None` when it is held back: late while some node is silent. RabbitMQ's
/// nodes gather every list from all their peers, so a frozen node stalls the lists of those that
/// still answer until Erlang gives up on it (`net_ticktime`, 60 s by default). A late part while
/// every node answers is a slow broker instead, and is waited for.
async fn in_time<T>(
    part: impl Future<Output = Result<T, BrokerError>>,
    holding: Option<&Holding>,
) -> Result<Option<T>, BrokerError> {
    let Some(holding) = holding else { return part.await.map(Some) };
    tokio::pin!(part);
    tokio::select! {
        answer = &mut part => return answer.map(Some),
        _ = tokio::time::sleep(holding.patience) => {}
    }
    tokio::select! {
        answer = &mut part => answer.map(Some),
        silent = holding.silent.clone() => if silent { Ok(None) } else { part.await.map(Some) },
    }
}

/// The parts' answers from `in_time` on their way into a snapshot, and the ones held back.
struct Parts<'a> {
    holding: Option<&'a Holding>,
    held: Vec<(SnapshotPart, SystemTime)>,
}

impl Parts<'_> {
    /// A fresh answer, converted; or, held back, the last snapshot's, noted as held.
    fn take<T, U: Default>(
        &mut self,
        part: SnapshotPart,
        fresh: Option<T>,
        convert: impl FnOnce(T) -> U,
        previous: impl FnOnce(&Snapshot) -> U,
    ) -> U {
        match (fresh, self.holding) {
            (Some(fresh), _) => convert(fresh),
            (None, Some(holding)) => {
                self.held.push((part, holding.since(part)));
                previous(&holding.previous)
            }
            // `in_time` holds a part back only when there is a snapshot to take it from.
            (None, None) => U::default(),
        }
    }
}

fn sorted_vhosts(vhosts: Vec<json::Vhost>) -> Vec<String> {
    let mut names: Vec<String> = vhosts.into_iter().map(|v| v.name).collect();
    names.sort();
    names
}

fn sorted_queues(queues: Vec<json::Deduped<json::Queue>>) -> Vec<QueueEntry> {
    let mut entries: Vec<QueueEntry> = queues.into_iter().map(|q| queue_entry(q.0)).collect();
    entries.sort_by(|a, b| by_vhost_name(&a.row.vhost, &a.row.name, &b.row.vhost, &b.row.name));
    entries
}

fn sorted_exchanges(exchanges: Vec<json::Exchange>) -> Vec<ExchangeEntry> {
    let mut entries: Vec<ExchangeEntry> = exchanges.into_iter().map(exchange_entry).collect();
    entries.sort_by(|a, b| by_vhost_name(&a.row.vhost, &a.row.name, &b.row.vhost, &b.row.name));
    entries
}

fn sorted_bindings(bindings: Vec<json::Binding>) -> Vec<BindingRow> {
    let mut rows: Vec<BindingRow> = bindings.into_iter().map(binding_row).collect();
    rows.sort_by(binding_order);
    rows
}

fn sorted_policies(policies: Vec<json::Policy>) -> Vec<PolicyInfo> {
    let mut infos: Vec<PolicyInfo> = policies.into_iter().map(policy_info).collect();
    infos.sort_by(|a, b| by_vhost_name(&a.vhost, &a.name, &b.vhost, &b.name));
    infos
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

pub(super) fn find<'a, T>(
    items: &'a [T],
    vhost: &str,
    name: &str,
    key: impl Fn(&T) -> (&String, &String),
) -> Option<&'a T> {
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
                alternate: self.alternate_exchange(x),
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

    /// Where an exchange sends what it cannot route, as RabbitMQ decides: its argument, else the
    /// policy the broker applied.
    pub fn alternate_exchange(&self, x: &ExchangeEntry) -> Option<String> {
        x.arguments
            .iter()
            .find(|(key, _)| key == "alternate-exchange")
            // String arguments are kept as the text itself (`json_pairs`).
            .map(|(_, value)| value.clone())
            .or_else(|| self.policy_alternate(&x.row.vhost, &x.row.policy))
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

    /// A broker whose nodes answer every list but `stuck`, which never comes (as when the
    /// answering nodes wait for a frozen peer).
    struct Stalled {
        stuck: &'static [&'static str],
        overview: &'static str,
        queues: &'static str,
    }

    #[async_trait::async_trait]
    impl Broker for Stalled {
        fn node_urls(&self) -> Vec<String> {
            Vec::new()
        }

        async fn send(&self, request: crate::broker::Request<'_>) -> Result<crate::broker::Reply, BrokerError> {
            if self.stuck.contains(&request.endpoint) {
                std::future::pending::<()>().await;
            }
            let body = match request.endpoint {
                "overview" => self.overview,
                "queues" => self.queues,
                _ => "[]",
            };
            Ok(crate::broker::Reply { status: reqwest::StatusCode::OK, body: body.into() })
        }
    }

    const NEW_OVERVIEW: &str = r#"{"cluster_name":"new","rabbitmq_version":"3.10","erlang_version":"25"}"#;

    fn holding(previous: Snapshot, taken_at: SystemTime, silent: bool) -> Holding {
        Holding {
            previous: Arc::new(previous),
            taken_at,
            patience: Duration::from_millis(20),
            silent: futures_util::FutureExt::shared(Box::pin(std::future::ready(silent)) as BoxFuture<'static, bool>),
        }
    }

    #[tokio::test]
    async fn late_parts_are_held_while_a_node_is_silent() {
        let first = Stalled {
            stuck: &[],
            overview: r#"{"cluster_name":"old","rabbitmq_version":"3.10","erlang_version":"25"}"#,
            queues: r#"[{"vhost":"/","name":"old","messages_ready":7}]"#,
        };
        let previous = Snapshot::fetch(&first, None).await.unwrap();
        let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);

        let stalled = Stalled { stuck: &["queues", "nodes"], overview: NEW_OVERVIEW, queues: "[]" };
        let snapshot = Snapshot::fetch(&stalled, Some(&holding(previous, then, true))).await.unwrap();
        assert_eq!(snapshot.queues[0].row.name, "old", "the queues are the last snapshot's");
        assert_eq!(snapshot.overview.cluster_name, "old", "the overview waits for the nodes: held too");
        assert_eq!(snapshot.held, vec![(SnapshotPart::Overview, then), (SnapshotPart::Queues, then)]);
        assert!(!snapshot.is_held(SnapshotPart::Bindings));

        // Held again: still since the first time, not since the snapshot that held them.
        let later = then + Duration::from_secs(5);
        let again = Snapshot::fetch(&stalled, Some(&holding(snapshot, later, true))).await.unwrap();
        assert_eq!(again.held, vec![(SnapshotPart::Overview, then), (SnapshotPart::Queues, then)]);
    }

    #[tokio::test]
    async fn late_parts_are_waited_for_while_every_node_answers() {
        let stalled = Stalled { stuck: &["queues"], overview: NEW_OVERVIEW, queues: "[]" };
        let answering = holding(Snapshot::default(), SystemTime::now(), false);
        let fetch = Snapshot::fetch(&stalled, Some(&answering));
        assert!(tokio::time::timeout(Duration::from_millis(300), fetch).await.is_err(), "a slow broker is waited for");
        let fetch = Snapshot::fetch(&stalled, None);
        assert!(tokio::time::timeout(Duration::from_millis(300), fetch).await.is_err(), "nothing to hold: waited for");
    }
}
