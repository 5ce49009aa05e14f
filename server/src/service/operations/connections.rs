//! Closing client connections, telling their clients why: the one an admin picked, or every
//! connection of a user whose client leaks them.

use app::auth::Access;
use app::error::AppError;
use domain::ops::{ConnectionClose, UserConnectionsClose};
use futures_util::future::join_all;

use super::{ActAs, Operations};
use crate::cluster::feed::Feed;
use crate::cluster::snapshot::connections::ConnectionExtras;
use crate::service::listing::{only_own_rows, InVhost};

/// Connections closed at once for one user: a leak can be thousands, and each is its own request.
const CLOSING_AT_ONCE: usize = 8;

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
            close_one(feed, &login, (&close.vhost, &close.name, None), reason.as_deref()).await?;
            feed.forget_connections(vec![(close.vhost.clone(), close.name.clone())]);
            Ok(())
        }
        .await;
        self.audited(who, (cluster, &close.vhost, "close_connection", closing(&close.name, &close.reason)), result)
            .await
    }

    /// One by one, the user's connections that `who` sees, rather than the broker's own
    /// `DELETE /api/connections/username/{user}`: that one would also close those in vhosts
    /// `who` may not see. How many were closed; the first refusal stops it.
    pub(super) async fn close_all_of(
        &self,
        who: &dyn Access,
        cluster: &str,
        close: &UserConnectionsClose,
    ) -> Result<u64, AppError> {
        let result = async {
            let reason = close.header_reason()?;
            let feed = self.clusters.visible_feed(who, cluster)?;
            let (snapshot, _) = feed.current().await?;
            let own = only_own_rows(who);
            let theirs: Vec<(String, String)> = snapshot
                .connections
                .iter()
                .filter(|c| c.user == close.user && who.may_see_vhost(cluster, &c.vhost) && c.seen_by(own.as_deref()))
                .map(|c| (c.vhost.clone(), c.name.clone()))
                .collect();
            if theirs.is_empty() {
                return Err(AppError::NotFound(format!("connections of user {:?}", close.user)));
            }
            let (reason, mut closed, mut refused) = (reason.as_deref(), Vec::new(), None);
            for batch in theirs.chunks(CLOSING_AT_ONCE) {
                let closing = batch.iter().map(|(vhost, name)| async move {
                    let (feed, login) = self.target(who, cluster, vhost)?;
                    close_one(feed, &login, (vhost, name, Some(&close.user)), reason).await
                });
                let outcomes = join_all(closing).await;
                closed.extend(batch.iter().zip(&outcomes).filter(|(_, o)| o.is_ok()).map(|(c, _)| c.clone()));
                // One that closed by itself meanwhile, or is another's now, is left; a refusal ends it.
                refused = outcomes.into_iter().filter_map(Result::err).find(|e| !matches!(e, AppError::NotFound(_)));
                if refused.is_some() {
                    break;
                }
            }
            let count = closed.len() as u64;
            // Once for them all: each patch copies the snapshot.
            feed.forget_connections(closed);
            refused.map_or(Ok(count), Err)
        }
        .await;
        let object = closing(&format!("every connection of user {:?}", close.user), &close.reason);
        self.audited(who, (cluster, "", "close_user_connections", object), result).await
    }
}

/// Closes the broker's connection of that name, if it is still in that vhost (and, given a user,
/// still theirs): the snapshot's may be a refresh old, and the name another client's now.
async fn close_one(
    feed: &Feed,
    login: &ActAs,
    (vhost, name, user): (&str, &str, Option<&str>),
    reason: Option<&str>,
) -> Result<(), AppError> {
    let now = ConnectionExtras::owner_of(feed.client(), name).await;
    let same = now.as_ref().is_ok_and(|(v, u)| v == vhost && user.is_none_or(|user| u == user));
    if !same {
        return Err(AppError::NotFound(format!("connection {name:?} in vhost {vhost:?}")));
    }
    let as_user = login.as_ref().map(|(user, password)| (user.as_str(), password));
    feed.client().close_connection(name, reason, as_user).await.map_err(|error| Operations::refusal(feed, login, error))
}

/// What the audit log names: the connections, and the whole reason the clients were told.
fn closing(what: &str, reason: &str) -> String {
    match reason.trim() {
        "" => what.to_string(),
        reason => format!("{what} reason {reason:?}"),
    }
}
