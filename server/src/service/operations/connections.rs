//! Closing client connections: the one an admin picked, telling its client why.

use app::auth::Access;
use app::error::AppError;
use domain::ops::ConnectionClose;

use super::Operations;
use crate::cluster::snapshot::connections::ConnectionExtras;

impl Operations {
    pub(super) async fn close(&self, who: &dyn Access, cluster: &str, close: &ConnectionClose) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &close.vhost)?;
            let reason = close.header_reason()?;
            // Only a connection listed in that vhost: otherwise someone limited to one vhost could
            // name it and close a connection of another.
            let (snapshot, _) = feed.current().await?;
            if snapshot.connection(&close.vhost, &close.name).is_none() {
                return Err(AppError::NotFound(format!("connection {:?} in vhost {:?}", close.name, close.vhost)));
            }
            // And the broker's connection of that name now: the snapshot's may be a refresh old.
            let now_in = ConnectionExtras::vhost_of(feed.client(), &close.name).await;
            if now_in.as_deref() != Ok(close.vhost.as_str()) {
                return Err(AppError::NotFound(format!("connection {:?} in vhost {:?}", close.name, close.vhost)));
            }
            let as_user = login.as_ref().map(|(user, password)| (user.as_str(), password));
            feed.client()
                .close_connection(&close.name, reason.as_deref(), as_user)
                .await
                .map_err(|error| Self::refusal(feed, &login, error))?;
            feed.forget_connection(&close.vhost, &close.name);
            Ok(())
        }
        .await;
        let mut object = format!("connection {:?}", close.name);
        if !close.reason.trim().is_empty() {
            object.push_str(&format!(" reason {:?}", close.reason.trim()));
        }
        self.audited(who, (cluster, &close.vhost, "close_connection", object), result).await
    }
}
