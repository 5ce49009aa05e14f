//! Creating and deleting queues, and the `x-` arguments the form knows for each queue type.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::names::{check_name, check_new_name};
use super::problem::{FormProblem, ObjectKind, Table};
pub use super::queue_type::QueueType;
use super::typed::{typed_map, TypedEntry, ValueKind};

/// A queue argument the form offers with its own field: `x-` name, value type, and which queue
/// types take it.
pub struct KnownArgument {
    pub key: &'static str,
    pub kind: ValueKind,
    /// Allowed text values, when it is a choice.
    pub choices: &'static [&'static str],
    /// Smallest allowed number.
    pub min: i64,
    pub types: &'static [QueueType],
}

const ALL_TYPES: &[QueueType] = &[QueueType::Classic, QueueType::Quorum, QueueType::Stream];
const CLASSIC_QUORUM: &[QueueType] = &[QueueType::Classic, QueueType::Quorum];
/// The highest `x-max-priority`: AMQP priorities are one byte.
const MAX_PRIORITY: i64 = 255;

pub const QUEUE_ARGUMENTS: &[KnownArgument] = &[
    KnownArgument { key: "x-message-ttl", kind: ValueKind::Number, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-expires", kind: ValueKind::Number, choices: &[], min: 1, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-max-length", kind: ValueKind::Number, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument { key: "x-max-length-bytes", kind: ValueKind::Number, choices: &[], min: 0, types: ALL_TYPES },
    KnownArgument {
        key: "x-overflow",
        kind: ValueKind::Text,
        choices: &["drop-head", "reject-publish", "reject-publish-dlx"],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument { key: "x-dead-letter-exchange", kind: ValueKind::Text, choices: &[], min: 0, types: CLASSIC_QUORUM },
    KnownArgument {
        key: "x-dead-letter-routing-key",
        kind: ValueKind::Text,
        choices: &[],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument {
        key: "x-max-priority",
        kind: ValueKind::Number,
        choices: &[],
        min: 1,
        types: &[QueueType::Classic],
    },
    KnownArgument {
        key: "x-single-active-consumer",
        kind: ValueKind::Boolean,
        choices: &[],
        min: 0,
        types: CLASSIC_QUORUM,
    },
    KnownArgument {
        key: "x-delivery-limit",
        kind: ValueKind::Number,
        choices: &[],
        min: -1,
        types: &[QueueType::Quorum],
    },
    KnownArgument { key: "x-max-age", kind: ValueKind::Text, choices: &[], min: 0, types: &[QueueType::Stream] },
];

pub fn known_argument(key: &str) -> Option<&'static KnownArgument> {
    QUEUE_ARGUMENTS.iter().find(|a| a.key == key)
}

/// Checks a queue's arguments against the known ones: type, range, choices, queue type.
/// Unknown `x-` arguments pass (plugins add their own); the broker has the last word.
pub fn check_queue_arguments(kind: QueueType, args: &Map<String, Value>) -> Result<(), FormProblem> {
    for (key, value) in args {
        if key == "x-queue-type" {
            return Err(FormProblem::QueueTypeArgument);
        }
        let Some(known) = known_argument(key) else { continue };
        let key = || key.clone();
        if !known.types.contains(&kind) {
            return Err(FormProblem::ArgumentNotForType { key: key(), queue_type: kind });
        }
        match known.kind {
            ValueKind::Number => {
                let n = value.as_i64().ok_or_else(|| FormProblem::ArgumentNotWholeNumber { key: key() })?;
                if n < known.min {
                    return Err(FormProblem::ArgumentTooSmall { key: key(), min: known.min, got: n });
                }
                if known.key == "x-max-priority" && n > MAX_PRIORITY {
                    return Err(FormProblem::ArgumentTooLarge { key: key(), max: MAX_PRIORITY });
                }
            }
            ValueKind::Boolean if !value.is_boolean() => return Err(FormProblem::ArgumentNotBoolean { key: key() }),
            ValueKind::Text => {
                let text = value.as_str().ok_or_else(|| FormProblem::ArgumentNotText { key: key() })?;
                if !known.choices.is_empty() && !known.choices.contains(&text) {
                    let choices = known.choices.iter().map(|c| c.to_string()).collect();
                    return Err(FormProblem::ArgumentNotAChoice { key: key(), choices });
                }
            }
            ValueKind::Boolean => {}
        }
    }
    Ok(())
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewQueue {
    pub vhost: String,
    pub name: String,
    pub kind: QueueType,
    pub durable: bool,
    pub auto_delete: bool,
    pub arguments: Vec<TypedEntry>,
}

impl NewQueue {
    /// The broker's PUT body, checked.
    pub fn body(&self) -> Result<Value, FormProblem> {
        check_name(ObjectKind::Vhost, &self.vhost)?;
        check_new_name(ObjectKind::Queue, &self.name)?;
        let mut arguments = typed_map(&self.arguments, Table::Arguments)?;
        check_queue_arguments(self.kind, &arguments)?;
        if self.kind != QueueType::Classic && (!self.durable || self.auto_delete) {
            return Err(FormProblem::AlwaysDurable { queue_type: self.kind });
        }
        arguments.insert("x-queue-type".into(), Value::String(self.kind.as_str().into()));
        Ok(serde_json::json!({ "durable": self.durable, "auto_delete": self.auto_delete, "arguments": arguments }))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueDeletion {
    pub vhost: String,
    pub name: String,
    /// Only if it holds no messages.
    pub if_empty: bool,
    /// Only if it has no consumers.
    pub if_unused: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(kind: QueueType, args: Vec<TypedEntry>) -> NewQueue {
        NewQueue { vhost: "/".into(), name: "q".into(), kind, durable: true, auto_delete: false, arguments: args }
    }

    fn one(key: &str, kind: ValueKind, value: &str) -> Vec<TypedEntry> {
        vec![TypedEntry::new(key, kind, value)]
    }

    #[test]
    fn queue_arguments_are_typed_and_checked() {
        let ttl = |v| one("x-message-ttl", ValueKind::Number, v);
        let body = queue(QueueType::Quorum, ttl("1000")).body().unwrap();
        assert_eq!(body["arguments"], serde_json::json!({"x-message-ttl": 1000, "x-queue-type": "quorum"}));
        assert_eq!(
            queue(QueueType::Classic, ttl("-5")).body(),
            Err(FormProblem::ArgumentTooSmall { key: "x-message-ttl".into(), min: 0, got: -5 })
        );
        assert_eq!(
            queue(QueueType::Classic, ttl("1.5")).body(),
            Err(FormProblem::ArgumentNotWholeNumber { key: "x-message-ttl".into() })
        );
        assert_eq!(
            queue(QueueType::Classic, one("x-overflow", ValueKind::Text, "drop-tail")).body(),
            Err(FormProblem::ArgumentNotAChoice {
                key: "x-overflow".into(),
                choices: vec!["drop-head".into(), "reject-publish".into(), "reject-publish-dlx".into()],
            })
        );
        assert_eq!(
            queue(QueueType::Classic, one("x-overflow", ValueKind::Number, "1")).body(),
            Err(FormProblem::ArgumentNotText { key: "x-overflow".into() })
        );
        assert_eq!(
            queue(QueueType::Classic, one("x-delivery-limit", ValueKind::Number, "5")).body(),
            Err(FormProblem::ArgumentNotForType { key: "x-delivery-limit".into(), queue_type: QueueType::Classic })
        );
        assert_eq!(
            queue(QueueType::Classic, one("x-max-priority", ValueKind::Number, "256")).body(),
            Err(FormProblem::ArgumentTooLarge { key: "x-max-priority".into(), max: 255 })
        );
        assert!(queue(QueueType::Classic, one("x-max-priority", ValueKind::Number, "255")).body().is_ok());
        assert_eq!(
            queue(QueueType::Quorum, one("x-single-active-consumer", ValueKind::Text, "yes")).body(),
            Err(FormProblem::ArgumentNotBoolean { key: "x-single-active-consumer".into() })
        );
        assert_eq!(
            queue(QueueType::Classic, one("x-queue-type", ValueKind::Text, "quorum")).body(),
            Err(FormProblem::QueueTypeArgument)
        );
        let custom = one("x-plugin-thing", ValueKind::Text, "anything");
        assert!(queue(QueueType::Classic, custom).body().is_ok());
    }

    #[test]
    fn new_queues_are_named_and_replicated_ones_durable() {
        let mut transient_quorum = queue(QueueType::Quorum, vec![]);
        transient_quorum.durable = false;
        assert_eq!(transient_quorum.body(), Err(FormProblem::AlwaysDurable { queue_type: QueueType::Quorum }));
        let mut auto_stream = queue(QueueType::Stream, vec![]);
        auto_stream.auto_delete = true;
        assert_eq!(auto_stream.body(), Err(FormProblem::AlwaysDurable { queue_type: QueueType::Stream }));
        let mut transient_classic = queue(QueueType::Classic, vec![]);
        transient_classic.durable = false;
        assert!(transient_classic.body().is_ok());
        let mut reserved = queue(QueueType::Classic, vec![]);
        reserved.name = "amq.gen-1".into();
        assert_eq!(reserved.body(), Err(FormProblem::NameReserved { kind: ObjectKind::Queue }));
        let orphan = one("", ValueKind::Text, "value");
        assert_eq!(
            queue(QueueType::Classic, orphan).body(),
            Err(FormProblem::ValueWithoutKey { table: Table::Arguments, value: "value".into() })
        );
        for kind in QueueType::ALL {
            assert_eq!(QueueType::parse(kind.as_str()), kind);
        }
    }
}
