//! Moving a queue's messages into another queue, and deleting a dynamic shovel (a move in
//! progress, or one that keeps failing). Both are runtime parameters of the shovel plugin,
//! which RabbitMQ gives to policymakers and administrators.

use app::auth::Access;
use app::error::AppError;
use domain::ops::{MessageMove, MoveStarted, ShovelRef};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::{json, Value};

use super::Operations;
use crate::broker::{api_path, BrokerError};
use crate::cluster::feed::{page_error, Feed};

impl Operations {
    pub(super) async fn start_move(
        &self,
        who: &dyn Access,
        cluster: &str,
        request: &MessageMove,
    ) -> Result<MoveStarted, AppError> {
        let result = async {
            request.check()?;
            let (feed, login) = self.target(who, cluster, &request.vhost)?;
            let (snapshot, _) = feed.current().await?;
            if !snapshot.overview.extensions.shovels {
                return Err(AppError::BadRequest("moving messages needs the rabbitmq_shovel_management plugin".into()));
            }
            let source = snapshot
                .queue(&request.vhost, &request.from)
                .ok_or_else(|| AppError::NotFound(format!("queue {:?} in vhost {:?}", request.from, request.vhost)))?;
            // A shovel would declare a destination that does not exist: a typo would make a queue.
            if snapshot.queue(&request.vhost, &request.to).is_none() {
                return Err(AppError::NotFound(format!("queue {:?} in vhost {:?}", request.to, request.vhost)));
            }
            let shovel = request.shovel_name();
            let path = api_path(&["parameters", "shovel", &request.vhost, &shovel]);
            // Another PUT would restart the running move with a new count, not add a second one.
            if exists(feed, &path).await? {
                return Err(AppError::Conflict(format!(
                    "a move out of {:?} is still under way (shovel {shovel:?})",
                    request.from
                )));
            }
            let body = json!({ "value": move_shovel(request) });
            Self::send::<Value>(feed, &login, (Method::PUT, "move_messages", path), &[], Some(&body)).await?;
            feed.refresh_soon();
            Ok(MoveStarted { shovel, messages: source.row.ready })
        }
        .await;
        let object = format!("queue {:?} to queue {:?}", request.from, request.to);
        self.audited(who, (cluster, &request.vhost, "move_messages", object), result).await
    }

    pub(super) async fn remove_shovel(
        &self,
        who: &dyn Access,
        cluster: &str,
        shovel: &ShovelRef,
    ) -> Result<(), AppError> {
        let result = async {
            shovel.check()?;
            let (feed, login) = self.target(who, cluster, &shovel.vhost)?;
            Self::delete(
                feed,
                &login,
                ("delete_shovel", api_path(&["parameters", "shovel", &shovel.vhost, &shovel.name])),
                &[],
            )
            .await?;
            feed.refresh_soon();
            Ok(())
        }
        .await;
        self.audited(who, (cluster, &shovel.vhost, "delete_shovel", format!("shovel {:?}", shovel.name)), result).await
    }
}

/// The runtime parameter of a move: from and to queues of one vhost of this cluster (a URI
/// without a host), as many messages as the source holds when it starts, each acknowledged at
/// the source once the destination confirmed it, then the shovel deletes itself.
fn move_shovel(request: &MessageMove) -> Value {
    let here = format!("amqp:///{}", utf8_percent_encode(&request.vhost, NON_ALPHANUMERIC));
    json!({
        "src-protocol": "amqp091",
        "src-uri": here,
        "src-queue": request.from,
        "dest-protocol": "amqp091",
        "dest-uri": here,
        "dest-queue": request.to,
        "ack-mode": "on-confirm",
        "src-delete-after": "queue-length",
    })
}

async fn exists(feed: &Feed, path: &str) -> Result<bool, AppError> {
    match feed.client().get::<Value>("shovel_parameter", path, &[]).await {
        Ok(_) => Ok(true),
        Err(BrokerError::NotFound) => Ok(false),
        Err(error) => Err(page_error(feed.name(), error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_stays_in_its_vhost_and_stops_after_what_the_queue_held() {
        let request = MessageMove { vhost: "/".into(), from: "orders.dlq".into(), to: "orders 订单".into() };
        let value = move_shovel(&request);
        assert_eq!(value["src-uri"], "amqp:///%2F");
        assert_eq!(value["dest-uri"], "amqp:///%2F");
        assert_eq!(value["dest-queue"], "orders 订单");
        assert_eq!(value["ack-mode"], "on-confirm");
        assert_eq!(value["src-delete-after"], "queue-length");
    }
}
