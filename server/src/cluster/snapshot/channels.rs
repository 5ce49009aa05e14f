//! Channels and consumers: the list rows read with every snapshot, each with the name its
//! connection's client gave itself, and what a channel's own page asks for.

use app::model::{ChannelPublishes, ChannelRow, ConnectionRow, ConsumerRow};

use super::convert::json_pairs;
use crate::broker::{api_path, json, Broker, BrokerError};

/// Only what the list shows: a channel's full object carries its process' garbage collector.
pub(super) const CHANNEL_COLUMNS: &str = "vhost,name,user,number,connection_details.name,confirm,transactional,\
prefetch_count,global_prefetch_count,consumer_count,messages_unacknowledged,messages_unconfirmed,state,node,\
message_stats.publish,message_stats.publish_details.rate,message_stats.confirm_details.rate,message_stats.deliver_get_details.rate,\
message_stats.ack_details.rate,message_stats.redeliver_details.rate";

/// Sorted by (vhost, name). `connections`, sorted as the snapshot's, give the clients' names.
pub(super) fn sorted_channels(channels: Vec<json::Channel>, connections: &[ConnectionRow]) -> Vec<ChannelRow> {
    let mut rows: Vec<ChannelRow> = channels
        .into_iter()
        .map(|c| ChannelRow {
            client_name: client_name(connections, &c.vhost, &c.connection_details.name),
            vhost: c.vhost,
            name: c.name,
            number: c.number,
            connection: c.connection_details.name,
            user: c.user,
            confirm: c.confirm,
            transactional: c.transactional,
            prefetch: c.prefetch_count,
            global_prefetch: c.global_prefetch_count,
            consumers: c.consumer_count,
            unacked: c.messages_unacknowledged,
            unconfirmed: c.messages_unconfirmed,
            state: c.state,
            published: c.message_stats.publish,
            publish_rate: c.message_stats.publish_details.rate,
            confirm_rate: c.message_stats.confirm_details.rate,
            deliver_rate: c.message_stats.deliver_get_details.rate,
            ack_rate: c.message_stats.ack_details.rate,
            redeliver_rate: c.message_stats.redeliver_details.rate,
            node: c.node,
            advice: None,
        })
        .collect();
    rows.sort_by(|a, b| super::by_vhost_name(&a.vhost, &a.name, &b.vhost, &b.name));
    rows
}

/// Sorted by (vhost, queue, tag), so a queue's consumers are one run.
pub(super) fn sorted_consumers(consumers: Vec<json::Consumer>, connections: &[ConnectionRow]) -> Vec<ConsumerRow> {
    let mut rows: Vec<ConsumerRow> = consumers
        .into_iter()
        .map(|c| ConsumerRow {
            client_name: client_name(connections, &c.queue.vhost, &c.channel_details.connection_name),
            vhost: c.queue.vhost,
            queue: c.queue.name,
            tag: c.consumer_tag,
            channel: c.channel_details.name,
            channel_number: c.channel_details.number,
            connection: c.channel_details.connection_name,
            user: c.channel_details.user,
            ack_required: c.ack_required,
            exclusive: c.exclusive,
            prefetch: c.prefetch_count,
            active: c.active.unwrap_or(true),
            arguments: json_pairs(&c.arguments),
            advice: None,
        })
        .collect();
    rows.sort_by(by_queue_tag);
    rows
}

fn by_queue_tag(a: &ConsumerRow, b: &ConsumerRow) -> std::cmp::Ordering {
    (&a.vhost, &a.queue, &a.tag).cmp(&(&b.vhost, &b.queue, &b.tag))
}

fn client_name(connections: &[ConnectionRow], vhost: &str, connection: &str) -> String {
    super::find(connections, vhost, connection, |c| (&c.vhost, &c.name))
        .map(|c| c.client_name.clone())
        .unwrap_or_default()
}

/// What a channel's page shows beyond the snapshot: the exchanges it publishes to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelExtras {
    pub publishes: Vec<ChannelPublishes>,
}

impl ChannelExtras {
    /// A channel's extras, if the channel of that name is in `vhost` (see `ConnectionExtras`).
    pub async fn fetch(client: &dyn Broker, vhost: &str, name: &str) -> Result<ChannelExtras, BrokerError> {
        let columns = [("columns", "vhost,publishes".to_string())];
        let channel: json::Channel = client.get("channel", &api_path(&["channels", name]), &columns).await?;
        if channel.vhost != vhost {
            return Err(BrokerError::NotFound);
        }
        let mut publishes: Vec<ChannelPublishes> = channel
            .publishes
            .into_iter()
            .map(|p| ChannelPublishes {
                exchange: p.exchange.name,
                messages: p.stats.publish,
                rate: p.stats.publish_details.rate,
            })
            .collect();
        publishes.sort_by(|a, b| a.exchange.cmp(&b.exchange));
        Ok(ChannelExtras { publishes })
    }
}
