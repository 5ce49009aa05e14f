//! A cluster's users, vhosts, permissions and limits. Read like an object's extras: only while
//! an admin has an access page open, at most once per snapshot however many do (see `Feed`).
//! Password hashes are read and dropped here: the pages learn only whether a user has one.

use std::collections::HashMap;

use app::model::{AccessInfo, BrokerUser, Permission, TopicPermission, VhostInfo};

use crate::broker::{json, Broker, BrokerError};

/// `/api/vhosts` without its message statistics: the counts come from the snapshot.
const VHOST_COLUMNS: &str = "name,description,tags,default_queue_type,tracing,metadata";

pub async fn access(client: &dyn Broker) -> Result<AccessInfo, BrokerError> {
    let vhost_columns = [("columns", VHOST_COLUMNS.to_string())];
    let (users, vhosts, permissions, topic_permissions, vhost_limits, user_limits) = tokio::try_join!(
        client.get_list::<Vec<json::User>>("users", "users", &[]),
        client.get_list::<Vec<json::VhostDetail>>("vhosts", "vhosts", &vhost_columns),
        client.get_list::<Vec<json::Permission>>("permissions", "permissions", &[]),
        client.get_list::<Vec<json::Permission>>("topic_permissions", "topic-permissions", &[]),
        client.get_list::<Vec<json::Limits>>("vhost_limits", "vhost-limits", &[]),
        client.get_list::<Vec<json::Limits>>("user_limits", "user-limits", &[]),
    )?;
    let limits_of = |all: &[json::Limits], of: fn(&json::Limits) -> &String| -> HashMap<String, Vec<(String, i64)>> {
        all.iter().map(|l| (of(l).clone(), l.pairs())).collect()
    };
    let (user_limits, vhost_limits) = (limits_of(&user_limits, |l| &l.user), limits_of(&vhost_limits, |l| &l.vhost));
    let permissions: Vec<Permission> = permissions
        .into_iter()
        .map(|p| Permission { user: p.user, vhost: p.vhost, configure: p.configure, write: p.write, read: p.read })
        .collect();
    let mut vhosts_of: HashMap<&str, Vec<String>> = HashMap::new();
    for p in &permissions {
        vhosts_of.entry(&p.user).or_default().push(p.vhost.clone());
    }
    let users = users
        .into_iter()
        .map(|u| BrokerUser {
            limits: user_limits.get(&u.name).cloned().unwrap_or_default(),
            vhosts: vhosts_of.remove(u.name.as_str()).unwrap_or_default(),
            has_password: !u.password_hash.is_empty(),
            name: u.name,
            tags: u.tags,
            warren_account: false,
        })
        .collect();
    let vhosts = vhosts
        .into_iter()
        .map(|v| VhostInfo {
            limits: vhost_limits.get(&v.name).cloned().unwrap_or_default(),
            protected: v.protected(),
            // 4.0.0 to 4.0.5 say `undefined` for none; anything unknown is shown as none.
            default_queue_type: match v.default_queue_type.as_str() {
                known @ ("classic" | "quorum" | "stream") => known.to_string(),
                _ => String::new(),
            },
            name: v.name,
            description: v.description,
            tags: v.tags,
            tracing: v.tracing,
            ..Default::default()
        })
        .collect();
    let topic_permissions = topic_permissions
        .into_iter()
        .map(|p| TopicPermission { user: p.user, vhost: p.vhost, exchange: p.exchange, write: p.write, read: p.read })
        .collect();
    let mut info = AccessInfo { users, vhosts, permissions, topic_permissions, ..Default::default() };
    info.users.sort_by(|a, b| a.name.cmp(&b.name));
    info.vhosts.sort_by(|a, b| a.name.cmp(&b.name));
    info.permissions.sort_by(|a, b| (&a.vhost, &a.user).cmp(&(&b.vhost, &b.user)));
    info.topic_permissions.sort_by(|a, b| (&a.vhost, &a.user, &a.exchange).cmp(&(&b.vhost, &b.user, &b.exchange)));
    Ok(info)
}
