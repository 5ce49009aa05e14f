//! The keys RabbitMQ knows in a policy: their value types and allowed values, which broker
//! versions take them, and what the editor says about one on the connected broker.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{PolicyProblem, Version};

/// The type of a policy key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// A whole number of at least this.
    Count(i64),
    /// A whole number in this range.
    Range(i64, i64),
    Text,
    Choice(&'static [&'static str]),
    /// A stream retention such as `7D`, `12h`, `30m`, `60s` (units Y M D h m s).
    Age,
    /// ha-params: a count for `exactly`, a JSON list of node names for `nodes`.
    HaParams,
}

pub struct PolicyKey {
    pub key: &'static str,
    pub kind: KeyType,
    /// True for queue keys, false for exchange keys.
    pub for_queues: bool,
    /// Allowed in operator policies too.
    pub operator: bool,
    /// First version that knows the key.
    pub since: Option<Version>,
    /// Version that rejects it.
    pub removed: Option<Version>,
    /// Version since which it is accepted but does nothing.
    pub no_op_since: Option<Version>,
    /// Version since which it is deprecated, and the key to use instead.
    pub deprecated: Option<(Version, &'static str)>,
}

const fn key(key: &'static str, kind: KeyType) -> PolicyKey {
    PolicyKey {
        key,
        kind,
        for_queues: true,
        operator: false,
        since: None,
        removed: None,
        no_op_since: None,
        deprecated: None,
    }
}

const fn operator(mut k: PolicyKey) -> PolicyKey {
    k.operator = true;
    k
}

const fn removed_in_4(mut k: PolicyKey) -> PolicyKey {
    k.removed = Some(Version(4, 0));
    k
}

/// Every key the editor knows. Federation keys need the federation plugin.
pub const POLICY_KEYS: &[PolicyKey] = &[
    operator(key("message-ttl", KeyType::Count(0))),
    operator(key("expires", KeyType::Count(1))),
    operator(key("max-length", KeyType::Count(0))),
    operator(key("max-length-bytes", KeyType::Count(0))),
    key("overflow", KeyType::Choice(&["drop-head", "reject-publish", "reject-publish-dlx"])),
    key("dead-letter-exchange", KeyType::Text),
    key("dead-letter-routing-key", KeyType::Text),
    key("dead-letter-strategy", KeyType::Choice(&["at-most-once", "at-least-once"])),
    operator(key("delivery-limit", KeyType::Count(-1))),
    key("queue-leader-locator", KeyType::Choice(&["client-local", "balanced"])),
    PolicyKey {
        deprecated: Some((Version(4, 0), "queue-leader-locator")),
        ..key("queue-master-locator", KeyType::Choice(&["min-masters", "client-local", "random"]))
    },
    key("max-age", KeyType::Age),
    key("stream-max-segment-size-bytes", KeyType::Count(1)),
    PolicyKey { since: Some(Version(3, 13)), ..key("stream-filter-size-bytes", KeyType::Range(16, 255)) },
    PolicyKey { since: Some(Version(3, 12)), ..key("consumer-timeout", KeyType::Count(0)) },
    PolicyKey { no_op_since: Some(Version(3, 12)), ..key("queue-mode", KeyType::Choice(&["default", "lazy"])) },
    PolicyKey { since: Some(Version(3, 10)), ..key("queue-version", KeyType::Range(1, 2)) },
    PolicyKey { no_op_since: Some(Version(4, 0)), ..operator(key("max-in-memory-length", KeyType::Count(0))) },
    PolicyKey { no_op_since: Some(Version(4, 0)), ..operator(key("max-in-memory-bytes", KeyType::Count(0))) },
    removed_in_4(key("ha-mode", KeyType::Choice(&["all", "exactly", "nodes"]))),
    removed_in_4(key("ha-params", KeyType::HaParams)),
    removed_in_4(key("ha-sync-mode", KeyType::Choice(&["manual", "automatic"]))),
    removed_in_4(key("ha-sync-batch-size", KeyType::Count(1))),
    removed_in_4(key("ha-promote-on-shutdown", KeyType::Choice(&["when-synced", "always"]))),
    removed_in_4(key("ha-promote-on-failure", KeyType::Choice(&["when-synced", "always"]))),
    PolicyKey { for_queues: false, ..key("alternate-exchange", KeyType::Text) },
    key("federation-upstream", KeyType::Text),
    key("federation-upstream-set", KeyType::Text),
];

pub fn policy_key(name: &str) -> Option<&'static PolicyKey> {
    POLICY_KEYS.iter().find(|k| k.key == name)
}

/// What the editor says about a key on the connected broker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyNote {
    /// Refused: the broker would reject it, or does not know it.
    Error(PolicyProblem),
    /// Accepted, but worth knowing (deprecated, no effect).
    Warning(PolicyProblem),
}

impl PolicyKey {
    pub fn notes(&self, version: Version, operator_policy: bool) -> Vec<KeyNote> {
        let key = || self.key.to_string();
        let mut notes = Vec::new();
        if operator_policy && !self.operator {
            notes.push(KeyNote::Error(PolicyProblem::NotForOperator { key: key() }));
        }
        if let Some(removed) = self.removed.filter(|v| version >= *v) {
            notes.push(KeyNote::Error(if self.key.starts_with("ha-") {
                PolicyProblem::MirroringRemoved { key: key(), removed, running: version }
            } else {
                PolicyProblem::KeyRemoved { key: key(), removed, running: version }
            }));
        }
        if let Some(since) = self.since.filter(|v| version < *v) {
            notes.push(KeyNote::Error(PolicyProblem::KeyTooNew { key: key(), since, running: version }));
        }
        if let Some(since) = self.no_op_since.filter(|v| version >= *v) {
            notes.push(KeyNote::Warning(PolicyProblem::KeyNoEffect { key: key(), since }));
        }
        if let Some((since, instead)) = self.deprecated.filter(|(v, _)| version >= *v) {
            notes.push(KeyNote::Warning(PolicyProblem::KeyDeprecated { key: key(), since, instead: instead.into() }));
        }
        if self.key.starts_with("federation-") {
            notes.push(KeyNote::Warning(PolicyProblem::NeedsFederation { key: key() }));
        }
        notes
    }

    /// The JSON value for the text typed in the editor.
    pub fn value(&self, text: &str) -> Result<Value, PolicyProblem> {
        let text = text.trim();
        let key = || self.key.to_string();
        let whole = || text.parse::<i64>().map_err(|_| PolicyProblem::NotWholeNumber { key: key() });
        match self.kind {
            KeyType::Count(min) => {
                let n = whole()?;
                if n < min {
                    return Err(PolicyProblem::TooSmall { key: key(), min, got: n });
                }
                Ok(Value::from(n))
            }
            KeyType::Range(min, max) => {
                let n = whole()?;
                if !(min..=max).contains(&n) {
                    return Err(PolicyProblem::OutOfRange { key: key(), min, max, got: n });
                }
                Ok(Value::from(n))
            }
            KeyType::Text if text.is_empty() => Err(PolicyProblem::NeedsValue { key: key() }),
            KeyType::Text => Ok(Value::String(text.into())),
            KeyType::Choice(choices) if choices.contains(&text) => Ok(Value::String(text.into())),
            KeyType::Choice(choices) => {
                Err(PolicyProblem::NotAChoice { key: key(), choices: choices.iter().map(|c| c.to_string()).collect() })
            }
            KeyType::Age => {
                let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
                if digits.is_empty() || !["Y", "M", "D", "h", "m", "s"].contains(&unit) {
                    return Err(PolicyProblem::NotAnAge { key: key() });
                }
                Ok(Value::String(text.into()))
            }
            KeyType::HaParams => match serde_json::from_str::<Value>(text) {
                Ok(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => Ok(Value::Number(n)),
                Ok(Value::Array(nodes)) if !nodes.is_empty() && nodes.iter().all(Value::is_string) => {
                    Ok(Value::Array(nodes))
                }
                _ => Err(PolicyProblem::BadHaParams { key: key() }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(key: &str, text: &str) -> Result<Value, PolicyProblem> {
        policy_key(key).expect("a known key").value(text)
    }

    fn notes(key: &str, version: Version, operator_policy: bool) -> Vec<KeyNote> {
        policy_key(key).expect("a known key").notes(version, operator_policy)
    }

    #[test]
    fn every_key_is_listed_once() {
        for (i, k) in POLICY_KEYS.iter().enumerate() {
            assert!(POLICY_KEYS[i + 1..].iter().all(|other| other.key != k.key), "{} twice", k.key);
        }
        assert!(policy_key("colour").is_none());
    }

    #[test]
    fn numbers_are_whole_and_in_range() {
        let key = |k: &str| k.to_string();
        assert_eq!(value("message-ttl", " 60000 "), Ok(json!(60000)));
        assert_eq!(value("message-ttl", "ten"), Err(PolicyProblem::NotWholeNumber { key: key("message-ttl") }));
        assert_eq!(value("message-ttl", "1.5"), Err(PolicyProblem::NotWholeNumber { key: key("message-ttl") }));
        assert_eq!(
            value("message-ttl", "-1"),
            Err(PolicyProblem::TooSmall { key: key("message-ttl"), min: 0, got: -1 })
        );
        assert_eq!(value("expires", "0"), Err(PolicyProblem::TooSmall { key: key("expires"), min: 1, got: 0 }));
        assert_eq!(value("delivery-limit", "-1"), Ok(json!(-1)));
        assert_eq!(value("queue-version", "2"), Ok(json!(2)));
        assert_eq!(
            value("queue-version", "3"),
            Err(PolicyProblem::OutOfRange { key: key("queue-version"), min: 1, max: 2, got: 3 })
        );
        assert_eq!(
            value("stream-filter-size-bytes", "15"),
            Err(PolicyProblem::OutOfRange { key: key("stream-filter-size-bytes"), min: 16, max: 255, got: 15 })
        );
    }

    #[test]
    fn texts_choices_ages_and_ha_params() {
        assert_eq!(value("dead-letter-exchange", " dlx "), Ok(json!("dlx")));
        assert_eq!(
            value("dead-letter-exchange", "  "),
            Err(PolicyProblem::NeedsValue { key: "dead-letter-exchange".into() })
        );
        assert_eq!(value("overflow", "reject-publish"), Ok(json!("reject-publish")));
        assert_eq!(
            value("overflow", "drop-tail"),
            Err(PolicyProblem::NotAChoice {
                key: "overflow".into(),
                choices: vec!["drop-head".into(), "reject-publish".into(), "reject-publish-dlx".into()],
            })
        );
        assert_eq!(value("max-age", "7D"), Ok(json!("7D")));
        assert_eq!(value("max-age", "12h"), Ok(json!("12h")));
        for bad in ["7 days", "D", "7", "7d"] {
            assert_eq!(value("max-age", bad), Err(PolicyProblem::NotAnAge { key: "max-age".into() }), "{bad}");
        }
        assert_eq!(value("ha-params", "2"), Ok(json!(2)));
        assert_eq!(value("ha-params", r#"["rabbit@a"]"#), Ok(json!(["rabbit@a"])));
        for bad in ["0", "[1]", "[]", "all"] {
            assert_eq!(value("ha-params", bad), Err(PolicyProblem::BadHaParams { key: "ha-params".into() }), "{bad}");
        }
    }

    #[test]
    fn notes_follow_the_broker_version_and_policy_kind() {
        let (v310, v312, v4) = (Version(3, 10), Version(3, 12), Version(4, 0));
        assert!(notes("message-ttl", v4, true).is_empty());
        assert_eq!(
            notes("dead-letter-exchange", v310, true),
            [KeyNote::Error(PolicyProblem::NotForOperator { key: "dead-letter-exchange".into() })]
        );
        assert!(notes("ha-mode", v310, false).is_empty());
        assert_eq!(
            notes("ha-mode", v4, false),
            [KeyNote::Error(PolicyProblem::MirroringRemoved { key: "ha-mode".into(), removed: v4, running: v4 })]
        );
        assert_eq!(
            notes("consumer-timeout", v310, false),
            [KeyNote::Error(PolicyProblem::KeyTooNew { key: "consumer-timeout".into(), since: v312, running: v310 })]
        );
        assert!(notes("consumer-timeout", v312, false).is_empty());
        assert_eq!(
            notes("queue-mode", v312, false),
            [KeyNote::Warning(PolicyProblem::KeyNoEffect { key: "queue-mode".into(), since: v312 })]
        );
        assert_eq!(
            notes("queue-master-locator", v4, false),
            [KeyNote::Warning(PolicyProblem::KeyDeprecated {
                key: "queue-master-locator".into(),
                since: v4,
                instead: "queue-leader-locator".into(),
            })]
        );
        assert!(notes("queue-master-locator", v312, false).is_empty());
        assert_eq!(
            notes("federation-upstream", v310, false),
            [KeyNote::Warning(PolicyProblem::NeedsFederation { key: "federation-upstream".into() })]
        );
    }

    #[test]
    fn a_removed_key_that_is_not_mirroring_says_so_plainly() {
        let gone = PolicyKey { removed: Some(Version(4, 0)), ..key("some-key", KeyType::Text) };
        assert_eq!(
            gone.notes(Version(4, 1), false),
            [KeyNote::Error(PolicyProblem::KeyRemoved {
                key: "some-key".into(),
                removed: Version(4, 0),
                running: Version(4, 1),
            })]
        );
        assert!(gone.notes(Version(3, 13), false).is_empty());
    }
}
