//! Policies and operator policies: the keys RabbitMQ knows, their value types and allowed values,
//! which broker versions take them, and how a user policy and an operator policy merge into what
//! a queue actually gets. Shared by the editor in the browser (it explains a mistake as it is
//! typed) and the server (it checks again before asking the broker).
//!
//! The rules answer with a `PolicyProblem`, never with words: `app::i18n::problems` says it in
//! the reader's language.

mod draft;
mod keys;
mod problem;
mod queue_types;

pub use draft::{Checked, PolicyDraft};
pub use keys::{policy_key, KeyNote, KeyType, PolicyKey, POLICY_KEYS};
pub use problem::PolicyProblem;
pub use queue_types::{keys_not_taken, queue_type_takes};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a policy applies to (`apply-to`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyTo {
    #[default]
    All,
    Queues,
    Exchanges,
    ClassicQueues,
    QuorumQueues,
    Streams,
}

impl ApplyTo {
    pub const ALL: [ApplyTo; 6] = [
        ApplyTo::All,
        ApplyTo::Queues,
        ApplyTo::Exchanges,
        ApplyTo::ClassicQueues,
        ApplyTo::QuorumQueues,
        ApplyTo::Streams,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplyTo::All => "all",
            ApplyTo::Queues => "queues",
            ApplyTo::Exchanges => "exchanges",
            ApplyTo::ClassicQueues => "classic_queues",
            ApplyTo::QuorumQueues => "quorum_queues",
            ApplyTo::Streams => "streams",
        }
    }

    pub fn parse(text: &str) -> Option<ApplyTo> {
        ApplyTo::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The first broker version that accepts this value, if not every one: the per-type ones
    /// came with 3.12.
    pub fn since(self) -> Option<Version> {
        match self {
            ApplyTo::All | ApplyTo::Queues | ApplyTo::Exchanges => None,
            ApplyTo::ClassicQueues | ApplyTo::QuorumQueues | ApplyTo::Streams => Some(Version(3, 12)),
        }
    }

    /// The apply-to values a broker version accepts.
    pub fn supported(self, version: Version) -> bool {
        self.since().is_none_or(|since| version >= since)
    }

    /// Whether a policy with this apply-to covers a queue of `queue_type` (None: an exchange).
    pub fn covers(self, queue_type: Option<&str>) -> bool {
        match (self, queue_type) {
            (ApplyTo::All, _) => true,
            (ApplyTo::Exchanges, None) => true,
            (ApplyTo::Queues, Some(_)) => true,
            (ApplyTo::ClassicQueues, Some(t)) => t == "classic",
            (ApplyTo::QuorumQueues, Some(t)) => t == "quorum",
            (ApplyTo::Streams, Some(t)) => t == "stream",
            _ => false,
        }
    }
}

/// A broker version, major and minor: what decides which keys exist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Version(pub u32, pub u32);

impl Version {
    /// From the broker's `rabbitmq_version` ("3.10.8", "4.0.5+1"); unknown versions read as 0.0.
    pub fn parse(text: &str) -> Version {
        let mut parts = text.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse().unwrap_or(0));
        Version(parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A definition as the editor shows it: each value as text (strings unquoted).
pub fn definition_rows(definition: &Map<String, Value>) -> Vec<(String, String)> {
    definition.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect()
}

/// A policy as the broker lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyInfo {
    pub vhost: String,
    pub name: String,
    pub pattern: String,
    pub apply_to: String,
    pub priority: i64,
    pub definition: Map<String, Value>,
}

/// Of the policies that match an object, the one that applies: the highest priority; among equal
/// priorities RabbitMQ's choice is not defined, so Warren shows the first by name and says so.
pub fn winner<'a>(matching: impl IntoIterator<Item = &'a PolicyInfo>) -> Option<(&'a PolicyInfo, bool)> {
    let mut sorted: Vec<&PolicyInfo> = matching.into_iter().collect();
    sorted.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.name.cmp(&b.name)));
    let tie = sorted.len() > 1 && sorted[0].priority == sorted[1].priority;
    sorted.first().map(|w| (*w, tie))
}

/// What a queue gets from its user policy and operator policy together, as RabbitMQ merges them:
/// the lower of the two for TTL, lengths and expiry (delivery-limit: the lower, unless one is
/// negative, meaning unlimited, then the other), the operator's value for everything else.
pub fn merge(user: &Map<String, Value>, operator: &Map<String, Value>) -> Map<String, Value> {
    let mut merged = user.clone();
    for (key, op_value) in operator {
        let value = match (key.as_str(), user.get(key).and_then(Value::as_i64), op_value.as_i64()) {
            ("message-ttl" | "max-length" | "max-length-bytes" | "expires", Some(u), Some(o)) => Value::from(u.min(o)),
            ("delivery-limit", Some(u), Some(o)) if u < 0 || o < 0 => Value::from(u.max(o)),
            ("delivery-limit", Some(u), Some(o)) => Value::from(u.min(o)),
            _ => op_value.clone(),
        };
        merged.insert(key.clone(), value);
    }
    merged
}

/// A vhost's (or every vhost's) policies, as of the snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Policies {
    pub user: Vec<PolicyInfo>,
    pub operator: Vec<PolicyInfo>,
    pub broker_version: String,
}

/// Names one policy to delete.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub vhost: String,
    pub name: String,
    pub operator: bool,
}

/// One object a policy preview lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// A queue's type ("classic", "quorum", "stream"), or empty for an exchange.
    pub queue_type: String,
    pub name: String,
    /// The user policy that applies with the draft in place; empty: none.
    pub policy: String,
    /// The operator policy that applies; empty: none.
    pub operator_policy: String,
    /// Several policies share the top priority.
    pub tie: bool,
    /// Whether the draft is the policy that applies.
    pub draft_applies: bool,
    /// The draft's keys this queue's type does not take: why the draft skips it.
    pub keys_not_taken: Vec<String>,
    /// The definition the object ends up with, as (key, JSON value).
    pub effective: Vec<(String, String)>,
}

/// What a draft would do, computed by the server from its snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyPreview {
    pub checked: Checked,
    /// Objects the pattern matches (all of them, even beyond `rows`).
    pub matched: u64,
    /// Matched objects where the draft is the policy that applies.
    pub applies_to: u64,
    /// The first matched objects, queues then exchanges, by name.
    pub rows: Vec<PreviewRow>,
    pub broker_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_and_apply_to() {
        assert_eq!(Version::parse("4.0.5+1.g1234"), Version(4, 0));
        assert_eq!(Version::parse("3.10.8"), Version(3, 10));
        assert_eq!(Version::parse("unknown"), Version(0, 0));
        assert_eq!(Version(3, 12).to_string(), "3.12");
        assert!(ApplyTo::ALL.into_iter().all(|a| ApplyTo::parse(a.as_str()) == Some(a)));
        assert!(ApplyTo::Streams.supported(Version(3, 12)) && !ApplyTo::Streams.supported(Version(3, 11)));
        assert!(ApplyTo::Queues.supported(Version(3, 8)));
    }

    #[test]
    fn operator_policies_merge_like_rabbitmq() {
        let user = json!({"message-ttl": 60000, "max-length": 10, "overflow": "drop-head", "dead-letter-exchange": "dlx", "delivery-limit": -1});
        let op = json!({"message-ttl": 1000, "max-length": 100, "overflow": "reject-publish", "expires": 5000, "delivery-limit": 3});
        let merged = merge(user.as_object().unwrap(), op.as_object().unwrap());
        assert_eq!(
            Value::Object(merged),
            json!({"message-ttl": 1000, "max-length": 10, "overflow": "reject-publish", "dead-letter-exchange": "dlx",
                   "expires": 5000, "delivery-limit": 3})
        );
        let limits = |u: i64, o: i64| {
            merge(json!({"delivery-limit": u}).as_object().unwrap(), json!({"delivery-limit": o}).as_object().unwrap())
                ["delivery-limit"]
                .clone()
        };
        assert_eq!(limits(5, 3), json!(3));
    }

    #[test]
    fn the_highest_priority_wins() {
        let p = |name: &str, priority| PolicyInfo { name: name.into(), priority, ..Default::default() };
        let all = [p("low", 1), p("high", 10), p("mid", 5)];
        assert_eq!(winner(&all).map(|(w, tie)| (w.name.as_str(), tie)), Some(("high", false)));
        let tied = [p("b", 3), p("a", 3)];
        assert_eq!(winner(&tied).map(|(w, tie)| (w.name.as_str(), tie)), Some(("a", true)));
        assert!(winner(&[]).is_none());
        assert!(ApplyTo::QuorumQueues.covers(Some("quorum")) && !ApplyTo::QuorumQueues.covers(Some("classic")));
        assert!(ApplyTo::Exchanges.covers(None) && !ApplyTo::Queues.covers(None));
    }
}
