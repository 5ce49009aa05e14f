//! A cluster's users, vhosts, permissions and limits, for its admins (`/c/{cluster}/users` and
//! `/c/{cluster}/vhosts`). Password hashes stay on the server: a user shows only whether it has one.

use serde::{Deserialize, Serialize};

use domain::access::PermissionField;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessInfo {
    pub broker_version: String,
    pub users: Vec<BrokerUser>,
    pub vhosts: Vec<VhostInfo>,
    pub permissions: Vec<Permission>,
    pub topic_permissions: Vec<TopicPermission>,
}

impl AccessInfo {
    pub fn user(&self, name: &str) -> Option<&BrokerUser> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn vhost(&self, name: &str) -> Option<&VhostInfo> {
        self.vhosts.iter().find(|v| v.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokerUser {
    pub name: String,
    pub tags: Vec<String>,
    /// Whether a password hash is stored. A user the broker created without a password may hold
    /// the hash of an empty one, which the broker refuses at sign-in, and still shows here.
    pub has_password: bool,
    /// `max-connections`, `max-channels`, as set.
    pub limits: Vec<(String, i64)>,
    /// The vhosts it has permissions in.
    pub vhosts: Vec<String>,
    /// Warren's own account on this cluster: deleting it, or taking its tags, cuts Warren off.
    pub warren_account: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VhostInfo {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Empty where the broker stores none (3.10: it has no such setting).
    pub default_queue_type: String,
    pub tracing: bool,
    /// Counted from Warren's snapshot of the cluster.
    pub queues: u64,
    pub messages: u64,
    pub connections: u64,
    /// `max-connections`, `max-queues`, as set.
    pub limits: Vec<(String, i64)>,
    /// Deletion protection (RabbitMQ 4.0.6 and later): the broker refuses to delete it, and so does Warren.
    pub protected: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    pub user: String,
    pub vhost: String,
    pub configure: String,
    pub write: String,
    pub read: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicPermission {
    pub user: String,
    pub vhost: String,
    pub exchange: String,
    pub write: String,
    pub read: String,
}

/// What each regex of a draft permission grants in its vhost today.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionPreview {
    pub fields: Vec<GrantPreview>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrantPreview {
    pub field: PermissionField,
    /// Why the regex cannot be used, in the reader's language; `None` when it compiles.
    pub problem: Option<domain::problem::Problem>,
    /// The first queues and exchanges it matches (unanchored, as the broker matches), and how many in all.
    pub queues: Vec<String>,
    pub queue_count: usize,
    pub exchanges: Vec<String>,
    pub exchange_count: usize,
}

impl GrantPreview {
    /// Nothing matched yet.
    pub fn new(field: PermissionField) -> Self {
        GrantPreview {
            field,
            problem: None,
            queues: Vec::new(),
            queue_count: 0,
            exchanges: Vec::new(),
            exchange_count: 0,
        }
    }
}
