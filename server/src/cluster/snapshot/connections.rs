//! Client connections: the list rows read with every snapshot, and what a connection's own page
//! asks for: everything the client said about itself.

use app::model::{ByteRates, ChannelRow, ConnectionDetail, ConnectionRow};
use serde_json::Value;

use super::convert::json_pairs;
use crate::broker::{api_path, json, Broker, BrokerError};

/// Only what the list shows: `client_properties` whole would be most of the answer.
pub(super) const CONNECTION_COLUMNS: &str = "vhost,name,user,user_provided_name,client_properties.connection_name,\
client_properties.product,client_properties.version,peer_host,peer_port,protocol,ssl,channels,state,timeout,\
connected_at,node,send_oct_details.rate,recv_oct_details.rate";

/// Sorted by (vhost, name), as every list of the snapshot.
pub(super) fn sorted_connections(connections: Vec<json::Connection>) -> Vec<ConnectionRow> {
    let mut rows: Vec<ConnectionRow> = connections.into_iter().map(connection_row).collect();
    rows.sort_by(|a, b| super::by_vhost_name(&a.vhost, &a.name, &b.vhost, &b.name));
    rows
}

fn connection_row(c: json::Connection) -> ConnectionRow {
    let property = |key: &str| c.client_properties.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    // Clients set `connection_name`; the broker copies it to `user_provided_name` (3.7 and later).
    let client_name = if c.user_provided_name.is_empty() { property("connection_name") } else { c.user_provided_name };
    let client = format!("{} {}", property("product"), property("version")).trim().to_string();
    ConnectionRow {
        vhost: c.vhost,
        name: c.name,
        user: c.user,
        client_name,
        client,
        peer_host: c.peer_host,
        peer_port: c.peer_port,
        protocol: c.protocol,
        tls: c.ssl,
        channels: c.channels,
        state: c.state,
        send_rate: c.send_oct_details.rate,
        recv_rate: c.recv_oct_details.rate,
        heartbeat: c.timeout,
        connected_at: c.connected_at,
        node: c.node,
    }
}

/// The broker's sample window for a connection's rates chart: ten minutes, a point every 10 s.
const RATES_WINDOW: [(&str, &str); 2] = [("data_rates_age", "600"), ("data_rates_incr", "10")];

/// What a connection's page shows beyond the snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionExtras {
    pub client_properties: Vec<(String, String)>,
    pub rates: Vec<ByteRates>,
}

impl ConnectionExtras {
    /// A connection's extras, if the connection of that name is in `vhost`: names are client
    /// and server address and port, and a port can be another client's a minute later.
    pub async fn fetch(client: &dyn Broker, vhost: &str, name: &str) -> Result<ConnectionExtras, BrokerError> {
        let mut query = vec![("columns", "vhost,client_properties,send_oct_details,recv_oct_details".to_string())];
        query.extend(RATES_WINDOW.map(|(key, value)| (key, value.to_string())));
        let connection: json::Connection = client.get("connection", &api_path(&["connections", name]), &query).await?;
        if connection.vhost != vhost {
            return Err(BrokerError::NotFound);
        }
        let rates = byte_rates(&connection.send_oct_details.samples, &connection.recv_oct_details.samples);
        Ok(ConnectionExtras { client_properties: json_pairs(&connection.client_properties), rates })
    }

    /// The vhost and user of the connection now called `name`.
    pub async fn owner_of(client: &dyn Broker, name: &str) -> Result<(String, String), BrokerError> {
        let columns = [("columns", "vhost,user".to_string())];
        let connection: json::Connection =
            client.get("connection", &api_path(&["connections", name]), &columns).await?;
        Ok((connection.vhost, connection.user))
    }

    /// `channels`: the snapshot's channels of this connection.
    pub fn into_detail(self, row: &ConnectionRow, channels: Vec<ChannelRow>) -> ConnectionDetail {
        ConnectionDetail { row: row.clone(), client_properties: self.client_properties, channels, rates: self.rates }
    }
}

/// Rates from two byte counters' samples (cumulative, newest first, at the same times): the
/// change between neighbours over the time between them, oldest first.
fn byte_rates(sent: &[json::Sample], received: &[json::Sample]) -> Vec<ByteRates> {
    let per_second = |samples: &[json::Sample]| -> Vec<(i64, f64)> {
        let mut oldest_first: Vec<&json::Sample> = samples.iter().collect();
        oldest_first.sort_by_key(|s| s.timestamp);
        oldest_first
            .windows(2)
            .filter(|w| w[1].timestamp > w[0].timestamp)
            .map(|w| {
                (
                    w[1].timestamp,
                    ((w[1].sample - w[0].sample) * 1000.0 / (w[1].timestamp - w[0].timestamp) as f64).max(0.0),
                )
            })
            .collect()
    };
    let received = per_second(received);
    per_second(sent)
        .into_iter()
        .filter_map(|(ts_ms, sent)| {
            let (_, received) = received.iter().find(|(t, _)| *t == ts_ms)?;
            Some(ByteRates { ts_ms, sent, received: *received })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(values: &[(f64, i64)]) -> Vec<json::Sample> {
        values.iter().map(|&(sample, timestamp)| json::Sample { sample, timestamp }).collect()
    }

    #[test]
    fn rates_are_the_counters_change_per_second_oldest_first() {
        // Newest first, as the broker sends them; the counter restarts (a reset) count as 0.
        let sent = samples(&[(3000.0, 30_000), (1000.0, 20_000), (0.0, 10_000)]);
        let received = samples(&[(50.0, 30_000), (100.0, 20_000), (0.0, 10_000)]);
        let rates = byte_rates(&sent, &received);
        assert_eq!(
            rates,
            vec![
                ByteRates { ts_ms: 20_000, sent: 100.0, received: 10.0 },
                ByteRates { ts_ms: 30_000, sent: 200.0, received: 0.0 },
            ]
        );
        assert!(byte_rates(&samples(&[(1.0, 10_000)]), &[]).is_empty(), "one sample is no rate");
    }
}
