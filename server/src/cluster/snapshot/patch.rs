//! Patches: a changed object read back from the broker right after a write, and applied to the
//! snapshot in place so pages show it before the next full refresh.

use std::collections::HashSet;

use app::model::BindingRow;
use domain::policy::PolicyInfo;

use super::convert::{binding_row, exchange_entry, policy_info, queue_entry};
use super::{
    binding_order, by_vhost_name, replace, ExchangeEntry, QueueEntry, Snapshot, EXCHANGE_COLUMNS, QUEUE_COLUMNS,
};
use crate::broker::{api_path, json, Broker, BrokerError};

/// A changed object, read back from the broker right after a write so that pages show the new
/// state before the next full refresh.
#[derive(Clone, Debug)]
pub enum Patch {
    /// `entry: None` when the queue is gone. `bindings` are those whose destination it is.
    Queue { vhost: String, name: String, entry: Option<QueueEntry>, bindings: Vec<BindingRow> },
    /// `entry: None` when the exchange is gone. `bindings` are those it is source or destination of.
    Exchange { vhost: String, name: String, entry: Option<ExchangeEntry>, bindings: Vec<BindingRow> },
    /// A vhost's policies and operator policies, all of them.
    Policies { vhost: String, user: Vec<PolicyInfo>, operator: Vec<PolicyInfo> },
    /// Connections closed, by (vhost, name), with their channels and consumers. Not read back: a
    /// client that does not answer the close stays listed by the broker for about 30 s more,
    /// though it is on its way out.
    ConnectionsClosed(Vec<(String, String)>),
}

impl Snapshot {
    pub fn apply(&mut self, patch: &Patch) {
        match patch {
            Patch::Queue { vhost, name, entry, bindings } => {
                replace(&mut self.queues, vhost, name, entry.clone(), |q| (&q.row.vhost, &q.row.name));
                if entry.is_none() {
                    self.consumers.retain(|c| !(c.vhost == *vhost && c.queue == *name));
                }
                self.bindings
                    .retain(|b| !(b.vhost == *vhost && b.destination_type == "queue" && b.destination == *name));
                self.bindings.extend(bindings.iter().cloned());
            }
            Patch::Exchange { vhost, name, entry, bindings } => {
                replace(&mut self.exchanges, vhost, name, entry.clone(), |x| (&x.row.vhost, &x.row.name));
                self.bindings.retain(|b| {
                    !(b.vhost == *vhost
                        && (b.source == *name || (b.destination_type == "exchange" && b.destination == *name)))
                });
                self.bindings.extend(bindings.iter().cloned());
            }
            Patch::Policies { vhost, user, operator } => {
                for (list, new) in [(&mut self.policies, user), (&mut self.operator_policies, operator)] {
                    list.retain(|p| p.vhost != *vhost);
                    list.extend(new.iter().cloned());
                    list.sort_by(|a, b| by_vhost_name(&a.vhost, &a.name, &b.vhost, &b.name));
                }
                return;
            }
            Patch::ConnectionsClosed(closed) => {
                let closed: HashSet<(&str, &str)> = closed.iter().map(|(v, n)| (v.as_str(), n.as_str())).collect();
                let gone = |vhost: &String, name: &String| closed.contains(&(vhost.as_str(), name.as_str()));
                self.connections.retain(|c| !gone(&c.vhost, &c.name));
                self.channels.retain(|c| !gone(&c.vhost, &c.connection));
                self.consumers.retain(|c| !gone(&c.vhost, &c.connection));
                return;
            }
        }
        self.bindings.sort_by(binding_order);
    }
}

impl Patch {
    /// Reads one queue and the bindings to it back from the broker.
    pub async fn queue(client: &dyn Broker, vhost: &str, name: &str) -> Result<Patch, BrokerError> {
        let path = api_path(&["queues", vhost, name]);
        let (columns, bindings_path) = ([("columns", QUEUE_COLUMNS.to_string())], format!("{path}/bindings"));
        let (queue, bindings) = tokio::join!(
            async { client.get::<json::Deduped<json::Queue>>("queue", &path, &columns).await.map(|q| q.0) },
            client.get::<Vec<json::Binding>>("queue_bindings", &bindings_path, &[]),
        );
        let (entry, bindings) = match (queue, bindings) {
            (Ok(queue), Ok(bindings)) => (Some(queue_entry(queue)), bindings),
            (Err(BrokerError::NotFound), _) | (_, Err(BrokerError::NotFound)) => (None, Vec::new()),
            (Err(error), _) | (_, Err(error)) => return Err(error),
        };
        let bindings = bindings.into_iter().map(binding_row).collect();
        Ok(Patch::Queue { vhost: vhost.into(), name: name.into(), entry, bindings })
    }

    /// Reads one vhost's policies and operator policies back from the broker.
    pub async fn policies(client: &dyn Broker, vhost: &str) -> Result<Patch, BrokerError> {
        let (user_path, operator_path) = (api_path(&["policies", vhost]), api_path(&["operator-policies", vhost]));
        let (user, operator) = tokio::try_join!(
            client.get::<Vec<json::Policy>>("policies", &user_path, &[]),
            client.get::<Vec<json::Policy>>("operator_policies", &operator_path, &[]),
        )?;
        let (user, operator) =
            (user.into_iter().map(policy_info).collect(), operator.into_iter().map(policy_info).collect());
        Ok(Patch::Policies { vhost: vhost.into(), user, operator })
    }

    /// Reads one exchange and the bindings from and to it back from the broker.
    pub async fn exchange(client: &dyn Broker, vhost: &str, name: &str) -> Result<Patch, BrokerError> {
        let path = api_path(&["exchanges", vhost, if name.is_empty() { "amq.default" } else { name }]);
        let columns = [("columns", EXCHANGE_COLUMNS.to_string())];
        let (out_path, in_path) = (format!("{path}/bindings/source"), format!("{path}/bindings/destination"));
        let (exchange, out, into) = tokio::join!(
            client.get::<json::Exchange>("exchange", &path, &columns),
            client.get::<Vec<json::Binding>>("exchange_bindings", &out_path, &[]),
            client.get::<Vec<json::Binding>>("exchange_bindings", &in_path, &[]),
        );
        let (entry, bindings) = match (exchange, out, into) {
            (Ok(exchange), Ok(mut out), Ok(into)) => {
                out.extend(into);
                (Some(exchange_entry(exchange)), out)
            }
            (Err(BrokerError::NotFound), _, _) => (None, Vec::new()),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => return Err(error),
        };
        let bindings = bindings.into_iter().map(binding_row).collect();
        Ok(Patch::Exchange { vhost: vhost.into(), name: name.into(), entry, bindings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::snapshot::tests::queue;

    fn binding(vhost: &str, source: &str, queue: &str) -> BindingRow {
        BindingRow {
            vhost: vhost.into(),
            source: source.into(),
            destination: queue.into(),
            destination_type: "queue".into(),
            ..Default::default()
        }
    }

    #[test]
    fn patches_add_change_and_remove() {
        let mut snapshot = Snapshot {
            queues: vec![queue("/", "a", 1), queue("/", "c", 3)],
            bindings: vec![binding("/", "", "a"), binding("/", "", "c"), binding("/", "x", "c")],
            ..Default::default()
        };
        let patch =
            |name: &str, entry, bindings| Patch::Queue { vhost: "/".into(), name: name.into(), entry, bindings };
        snapshot.apply(&patch("b", Some(queue("/", "b", 2)), vec![binding("/", "", "b")]));
        snapshot.apply(&patch("a", Some(queue("/", "a", 10)), vec![binding("/", "", "a")]));
        snapshot.apply(&patch("c", None, vec![]));
        let names: Vec<(&str, u64)> = snapshot.queues.iter().map(|q| (q.row.name.as_str(), q.row.ready)).collect();
        assert_eq!(names, vec![("a", 10), ("b", 2)]);
        let bound: Vec<&str> = snapshot.bindings.iter().map(|b| b.destination.as_str()).collect();
        assert_eq!(bound, vec!["a", "b"]);
    }

    #[test]
    fn closed_connections_and_deleted_queues_take_their_clients_with_them() {
        use app::model::{ChannelRow, ConnectionRow, ConsumerRow};
        let connection = |name: &str| ConnectionRow { vhost: "/".into(), name: name.into(), ..Default::default() };
        let channel = |connection: &str| ChannelRow {
            vhost: "/".into(),
            name: format!("{connection} (1)"),
            connection: connection.into(),
            ..Default::default()
        };
        let consumer = |connection: &str, queue: &str| ConsumerRow {
            vhost: "/".into(),
            queue: queue.into(),
            tag: connection.into(),
            connection: connection.into(),
            ..Default::default()
        };
        let mut snapshot = Snapshot {
            queues: vec![queue("/", "q1", 0), queue("/", "q2", 0)],
            connections: vec![connection("a"), connection("b"), connection("c")],
            channels: vec![channel("a"), channel("b"), channel("c")],
            consumers: vec![consumer("a", "q1"), consumer("b", "q1"), consumer("c", "q2")],
            ..Default::default()
        };
        snapshot.apply(&Patch::ConnectionsClosed(vec![("/".into(), "a".into()), ("other".into(), "b".into())]));
        let names: Vec<&str> = snapshot.connections.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b", "c"], "only a: b of another vhost is not this one");
        assert_eq!(snapshot.channels.len(), 2);
        assert_eq!(snapshot.consumers.iter().map(|c| c.tag.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        snapshot.apply(&Patch::Queue { vhost: "/".into(), name: "q1".into(), entry: None, bindings: vec![] });
        assert_eq!(snapshot.consumers.iter().map(|c| c.tag.as_str()).collect::<Vec<_>>(), ["c"], "q1 is gone");
    }
}
