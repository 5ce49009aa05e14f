//! Users, vhosts, permissions and limits (`/api/users`, `/api/vhosts`, `/api/permissions`,
//! `/api/topic-permissions`, `/api/vhost-limits`, `/api/user-limits`).

use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::lenient;

/// Tags: a list (3.10, 4.0) or one comma-separated string (older brokers, hand-written files).
fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        Value::String(text) => text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect(),
        _ => Vec::new(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct User {
    pub name: String,
    #[serde(deserialize_with = "tags")]
    pub tags: Vec<String>,
    /// Empty for a user without a password. Never leaves the server.
    #[serde(deserialize_with = "lenient")]
    pub password_hash: String,
    #[serde(deserialize_with = "lenient")]
    pub hashing_algorithm: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VhostDetail {
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub description: String,
    #[serde(deserialize_with = "tags")]
    pub tags: Vec<String>,
    /// Absent on 3.10, which has no such setting; `undefined` for none on 4.0.0 to 4.0.5.
    #[serde(deserialize_with = "lenient")]
    pub default_queue_type: String,
    #[serde(deserialize_with = "lenient")]
    pub tracing: bool,
    /// `protected_from_deletion` from RabbitMQ 4.0.6.
    #[serde(deserialize_with = "lenient")]
    pub metadata: Map<String, Value>,
}

impl VhostDetail {
    /// Protected from deletion (RabbitMQ 4.0.6 and later): the broker refuses to delete it.
    pub fn protected(&self) -> bool {
        self.metadata.get("protected_from_deletion").and_then(Value::as_bool) == Some(true)
    }
}

/// A permission, or a topic permission (which names an `exchange` and has no `configure`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Permission {
    pub user: String,
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub exchange: String,
    #[serde(deserialize_with = "lenient")]
    pub configure: String,
    #[serde(deserialize_with = "lenient")]
    pub write: String,
    #[serde(deserialize_with = "lenient")]
    pub read: String,
}

/// One vhost's or one user's limits: `{"vhost"|"user": …, "value": {"max-connections": 10}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Limits {
    #[serde(deserialize_with = "lenient")]
    pub vhost: String,
    #[serde(deserialize_with = "lenient")]
    pub user: String,
    #[serde(deserialize_with = "lenient")]
    pub value: Map<String, Value>,
}

impl Limits {
    /// The limits as (key, value), in the broker's order; values that are not integers skipped.
    pub fn pairs(&self) -> Vec<(String, i64)> {
        self.value.iter().filter_map(|(k, v)| Some((k.clone(), v.as_i64()?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_as_a_list_or_a_comma_separated_string() {
        let user: User = serde_json::from_str(r#"{"name":"a","tags":["administrator","x"]}"#).unwrap();
        assert_eq!(user.tags, ["administrator", "x"]);
        let user: User = serde_json::from_str(r#"{"name":"a","tags":"management, policymaker"}"#).unwrap();
        assert_eq!(user.tags, ["management", "policymaker"]);
        let user: User = serde_json::from_str(r#"{"name":"a","tags":null}"#).unwrap();
        assert!(user.tags.is_empty());
    }

    #[test]
    fn limits_keep_integer_values() {
        let limits: Limits =
            serde_json::from_str(r#"{"user":"u","value":{"max-connections":1,"max-channels":"x"}}"#).unwrap();
        assert_eq!(limits.pairs(), [("max-connections".to_string(), 1)]);
    }
}
