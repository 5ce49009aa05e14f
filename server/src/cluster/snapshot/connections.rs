//! Client connections: the list rows read with every snapshot, and what a connection's own page
//! asks for: everything the client said about itself.

use app::model::{ChannelRow, ConnectionDetail, ConnectionRow};
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

/// What a connection's page shows beyond the snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionExtras {
    pub client_properties: Vec<(String, String)>,
}

impl ConnectionExtras {
    /// A connection's extras, if the connection of that name is in `vhost`: names are client
    /// and server address and port, and a port can be another client's a minute later.
    pub async fn fetch(client: &dyn Broker, vhost: &str, name: &str) -> Result<ConnectionExtras, BrokerError> {
        let columns = [("columns", "vhost,client_properties".to_string())];
        let connection: json::Connection =
            client.get("connection", &api_path(&["connections", name]), &columns).await?;
        if connection.vhost != vhost {
            return Err(BrokerError::NotFound);
        }
        Ok(ConnectionExtras { client_properties: json_pairs(&connection.client_properties) })
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
        ConnectionDetail { row: row.clone(), client_properties: self.client_properties, channels }
    }
}
