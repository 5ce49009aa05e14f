//! What the shovel and federation plugins report. Read like an object's extras: only while
//! someone looks at their pages, at most once per snapshot however many do (see `Feed`).

use app::model::{without_credentials, FederationLink, ShovelEnd, ShovelRow};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::snapshot::Snapshot;
use crate::broker::{json, Broker, BrokerError};

/// Every shovel, worst first: those not running, then by vhost and name. With the dynamic ones
/// the broker has no status for, and the ends of those not running yet, from their definitions:
/// RabbitMQ 4.0 leaves out a shovel that keeps failing to connect, 3.10 says only `starting`,
/// and that is the shovel an admin is looking for.
pub async fn shovels(client: &dyn Broker) -> Result<Vec<ShovelRow>, BrokerError> {
    let (shovels, defined) = tokio::try_join!(
        client.get::<Vec<json::Shovel>>("shovels", "shovels", &[]),
        client.get::<Vec<json::Parameter>>("shovel_parameters", "parameters/shovel", &[]),
    )?;
    let mut rows: Vec<ShovelRow> = shovels.into_iter().map(shovel_row).collect();
    for definition in defined.into_iter().map(defined_shovel) {
        let same = |r: &&mut ShovelRow| r.is_dynamic() && r.vhost == definition.vhost && r.name == definition.name;
        match rows.iter_mut().find(same) {
            // A status reports the ends only once the shovel runs (3.10 says `starting`, no more).
            Some(reported) if reported.source.uri.is_empty() => {
                (reported.source, reported.destination) = (definition.source, definition.destination);
            }
            Some(_) => {}
            None => rows.push(definition),
        }
    }
    rows.sort_by(|a, b| (!a.is_down(), &a.vhost, &a.name).cmp(&(!b.is_down(), &b.vhost, &b.name)));
    Ok(rows)
}

/// Every federation link, worst first, like the shovels.
pub async fn federation_links(client: &dyn Broker) -> Result<Vec<FederationLink>, BrokerError> {
    let links: Vec<json::FederationLink> = client.get("federation_links", "federation-links", &[]).await?;
    let mut rows: Vec<FederationLink> = links.into_iter().map(federation_link).collect();
    rows.sort_by(|a, b| {
        (!a.is_down(), &a.vhost, &a.local, &a.upstream).cmp(&(!b.is_down(), &b.vhost, &b.local, &b.upstream))
    });
    Ok(rows)
}

/// Sets each shovel's `moved` from the snapshot's channels: a shovel's connections are named
/// `Shovel {name}`, and what its destination channel published is what it moved. Counted only
/// for a destination in this cluster (`amqp://` without a host), whose channels the snapshot has.
pub fn count_moved(rows: &mut [ShovelRow], snapshot: &Snapshot) {
    for row in rows {
        let Some(destination) = local_vhost(&row.destination.uri) else { continue };
        let client = format!("Shovel {}", row.name);
        let mut vhosts = vec![row.vhost.as_str(), destination.as_str()];
        vhosts.dedup();
        let channels: Vec<_> = vhosts
            .into_iter()
            .flat_map(|vhost| snapshot.channels_in(Some(vhost)))
            .filter(|c| c.client_name == client)
            .collect();
        row.moved = (!channels.is_empty()).then(|| channels.iter().map(|c| c.published).sum());
    }
}

/// The vhost of a URI that means "this cluster" (`amqp://`, `amqp:///vhost`); `None` for another broker.
fn local_vhost(uri: &str) -> Option<String> {
    let path = uri.strip_prefix("amqp://")?;
    let vhost = match path {
        "" | "/" => "/".to_string(),
        _ => percent_decode_str(path.strip_prefix('/')?).decode_utf8().ok()?.into_owned(),
    };
    Some(vhost)
}

fn shovel_row(s: json::Shovel) -> ShovelRow {
    ShovelRow {
        vhost: s.vhost,
        name: s.name,
        kind: s.kind,
        state: s.state,
        reason: printed(&s.reason),
        source: ShovelEnd {
            uri: without_credentials(&s.src_uri),
            protocol: s.src_protocol,
            queue: s.src_queue,
            exchange: s.src_exchange,
            routing_key: s.src_exchange_key,
            address: s.src_address,
        },
        destination: ShovelEnd {
            uri: without_credentials(&s.dest_uri),
            protocol: s.dest_protocol,
            queue: s.dest_queue,
            exchange: s.dest_exchange,
            routing_key: s.dest_exchange_key,
            address: s.dest_address,
        },
        moved: None,
        node: s.node,
        since: s.timestamp,
    }
}

/// A dynamic shovel as defined, without status: its ends from the parameter's keys.
fn defined_shovel(p: json::Parameter) -> ShovelRow {
    let text = |key: &str| match p.value.get(key) {
        Some(Value::String(text)) => text.clone(),
        // A shovel may list several URIs to try in turn.
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
        _ => String::new(),
    };
    let end = |side: &str| ShovelEnd {
        uri: text(&format!("{side}-uri")).split(' ').map(without_credentials).collect::<Vec<_>>().join(" "),
        protocol: Some(text(&format!("{side}-protocol"))).filter(|p| !p.is_empty()).unwrap_or_else(|| "amqp091".into()),
        queue: text(&format!("{side}-queue")),
        exchange: text(&format!("{side}-exchange")),
        routing_key: text(&format!("{side}-exchange-key")),
        address: text(&format!("{side}-address")),
    };
    ShovelRow {
        kind: "dynamic".into(),
        source: end("src"),
        destination: end("dest"),
        vhost: p.vhost,
        name: p.name,
        ..ShovelRow::default()
    }
}

fn federation_link(l: json::FederationLink) -> FederationLink {
    let queue = l.kind == "queue";
    FederationLink {
        vhost: l.vhost,
        upstream: l.upstream,
        local: if queue { l.queue } else { l.exchange },
        remote: if queue { l.upstream_queue } else { l.upstream_exchange },
        kind: l.kind,
        uri: without_credentials(&l.uri),
        status: l.status,
        error: printed(&l.error),
        node: l.node,
        since: l.timestamp,
    }
}

/// A term the broker printed: a string as it is, anything else as JSON; nothing as empty.
fn printed(term: &Value) -> String {
    match term {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_defined_shovel_without_status_shows_its_ends_without_credentials() {
        let value = serde_json::json!({"src-uri": ["amqp://u:secret@a", "amqp://b"], "src-queue": "q",
                                       "dest-uri": "amqp://", "dest-exchange": "x", "dest-exchange-key": "k"});
        let parameter =
            json::Parameter { name: "s".into(), vhost: "/".into(), value: value.as_object().unwrap().clone() };
        let row = defined_shovel(parameter);
        assert!(row.is_unreported() && row.is_down() && row.is_dynamic());
        assert_eq!((row.source.uri.as_str(), row.source.object()), ("amqp://a amqp://b", "q".to_string()));
        assert_eq!((row.destination.protocol.as_str(), row.destination.object()), ("amqp091", "x → k".to_string()));
    }

    #[test]
    fn only_a_uri_without_a_host_is_this_cluster() {
        assert_eq!(local_vhost("amqp://").as_deref(), Some("/"));
        assert_eq!(local_vhost("amqp:///%2F").as_deref(), Some("/"));
        assert_eq!(local_vhost("amqp:///orders%20eu").as_deref(), Some("orders eu"));
        assert_eq!(local_vhost("amqp://127.0.0.1:5672"), None);
        assert_eq!(local_vhost("amqp://other/%2F"), None);
        assert_eq!(local_vhost("amqps://"), None);
    }

    #[test]
    fn a_shovel_s_moved_messages_are_what_its_channels_in_this_cluster_published() {
        use app::model::ChannelRow;
        let channel = |vhost: &str, client: &str, published: u64| ChannelRow {
            vhost: vhost.into(),
            name: format!("{client}{published}"),
            client_name: client.into(),
            published,
            ..Default::default()
        };
        let snapshot = Snapshot {
            channels: vec![
                channel("/", "Shovel move", 0),
                channel("/", "Shovel other", 7),
                channel("dest", "Shovel move", 40),
                channel("elsewhere", "Shovel move", 1000),
            ],
            ..Default::default()
        };
        let shovel = |uri: &str| ShovelRow {
            vhost: "/".into(),
            name: "move".into(),
            destination: ShovelEnd { uri: uri.into(), ..Default::default() },
            ..Default::default()
        };
        let mut rows = vec![shovel("amqp:///dest"), shovel("amqp://"), shovel("amqp://remote")];
        count_moved(&mut rows, &snapshot);
        assert_eq!(rows.iter().map(|r| r.moved).collect::<Vec<_>>(), [Some(40), Some(0), None]);
    }
}
