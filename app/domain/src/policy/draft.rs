//! A policy being written: checked against the connected broker's version before it is sent, and
//! the broker's PUT body for it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{policy_key, ApplyTo, KeyNote, PolicyProblem, Version};
use crate::ops::{check_name, ObjectKind};

/// A policy being created or edited.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyDraft {
    pub vhost: String,
    pub name: String,
    pub pattern: String,
    pub apply_to: ApplyTo,
    pub priority: i64,
    /// (key, value as typed).
    pub definition: Vec<(String, String)>,
    /// An operator policy (set by operators, merged over the user's).
    pub operator: bool,
}

/// A draft checked against the broker's version: the definition to send, or what is wrong,
/// and warnings either way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub definition: Map<String, Value>,
    pub errors: Vec<PolicyProblem>,
    pub warnings: Vec<PolicyProblem>,
}

impl PolicyDraft {
    /// Everything but the pattern's regex (which the server compiles): name, priority, apply-to,
    /// every key known, allowed here, well typed and given once, and keys that fit apply-to.
    pub fn check(&self, version: Version) -> Checked {
        let mut out = Checked::default();
        if let Err(e) = check_name(ObjectKind::Vhost, &self.vhost) {
            out.errors.push(PolicyProblem::Name(e));
        }
        if let Err(e) = check_name(ObjectKind::Policy, &self.name) {
            out.errors.push(PolicyProblem::Name(e));
        }
        if self.pattern.is_empty() {
            out.errors.push(PolicyProblem::PatternEmpty);
        }
        if self.operator && self.apply_to == ApplyTo::Exchanges {
            out.errors.push(PolicyProblem::OperatorOnExchanges);
        }
        if let Some(since) = self.apply_to.since().filter(|since| version < *since) {
            out.errors.push(PolicyProblem::ApplyToTooNew { apply_to: self.apply_to, since });
        }
        for (name, text) in &self.definition {
            if name.trim().is_empty() && text.trim().is_empty() {
                continue;
            }
            let Some(known) = policy_key(name.trim()) else {
                out.errors.push(PolicyProblem::UnknownKey { key: name.clone() });
                continue;
            };
            for note in known.notes(version, self.operator) {
                match note {
                    KeyNote::Error(e) => out.errors.push(e),
                    KeyNote::Warning(w) => out.warnings.push(w),
                }
            }
            let key = || known.key.to_string();
            if self.apply_to == ApplyTo::Exchanges && known.for_queues {
                out.errors.push(PolicyProblem::QueueKeyOnExchanges { key: key() });
            }
            if !known.for_queues && !matches!(self.apply_to, ApplyTo::All | ApplyTo::Exchanges) {
                out.errors.push(PolicyProblem::ExchangeKeyOnQueues { key: key() });
            }
            match known.value(text) {
                Ok(value) => {
                    if out.definition.insert(key(), value).is_some() {
                        out.errors.push(PolicyProblem::KeyTwice { key: key() });
                    }
                }
                Err(e) => out.errors.push(e),
            }
        }
        if out.definition.is_empty() && out.errors.is_empty() {
            out.errors.push(PolicyProblem::DefinitionEmpty);
        }
        out
    }

    /// The broker's PUT body, for a definition that passed `check`.
    pub fn body(&self, definition: &Map<String, Value>) -> Value {
        // Operator policies cover queues only; "all" means all queues for them.
        let apply_to = if self.operator && self.apply_to == ApplyTo::All { ApplyTo::Queues } else { self.apply_to };
        serde_json::json!({
            "pattern": self.pattern, "definition": definition, "priority": self.priority,
            "apply-to": apply_to.as_str(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::FormProblem;
    use serde_json::json;

    fn draft(definition: &[(&str, &str)]) -> PolicyDraft {
        PolicyDraft {
            vhost: "/".into(),
            name: "p".into(),
            pattern: "^orders".into(),
            definition: definition.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    fn key(k: &str) -> String {
        k.to_string()
    }

    #[test]
    fn values_are_typed_and_ranged() {
        let v310 = Version(3, 10);
        let ok = draft(&[("message-ttl", "60000"), ("overflow", "reject-publish"), ("max-age", "7D")]).check(v310);
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(
            Value::Object(ok.definition),
            json!({"message-ttl": 60000, "overflow": "reject-publish", "max-age": "7D"})
        );
        let errors = |d: &[(&str, &str)]| draft(d).check(v310).errors;
        assert_eq!(
            errors(&[("message-ttl", "-1")]),
            [PolicyProblem::TooSmall { key: key("message-ttl"), min: 0, got: -1 }]
        );
        assert_eq!(errors(&[("message-ttl", "ten")]), [PolicyProblem::NotWholeNumber { key: key("message-ttl") }]);
        assert_eq!(errors(&[("expires", "0")]), [PolicyProblem::TooSmall { key: key("expires"), min: 1, got: 0 }]);
        assert!(matches!(&errors(&[("overflow", "drop-tail")])[..], [PolicyProblem::NotAChoice { .. }]));
        assert_eq!(errors(&[("max-age", "7 days")]), [PolicyProblem::NotAnAge { key: key("max-age") }]);
        assert_eq!(errors(&[("colour", "blue")]), [PolicyProblem::UnknownKey { key: key("colour") }]);
        assert_eq!(errors(&[]), [PolicyProblem::DefinitionEmpty]);
        assert_eq!(errors(&[("", " "), ("", "")]), [PolicyProblem::DefinitionEmpty], "blank rows are skipped");
        assert_eq!(errors(&[("ha-params", "[1]")]), [PolicyProblem::BadHaParams { key: key("ha-params") }]);
        assert!(draft(&[("ha-mode", "exactly"), ("ha-params", "2")]).check(v310).errors.is_empty());
        assert_eq!(draft(&[(" message-ttl ", "1")]).check(v310).definition.keys().collect::<Vec<_>>(), ["message-ttl"]);
    }

    #[test]
    fn the_draft_needs_names_and_a_pattern() {
        let v310 = Version(3, 10);
        let mut nameless = draft(&[("message-ttl", "1")]);
        nameless.name.clear();
        nameless.vhost.clear();
        assert_eq!(
            nameless.check(v310).errors,
            [
                PolicyProblem::Name(FormProblem::NameEmpty { kind: ObjectKind::Vhost }),
                PolicyProblem::Name(FormProblem::NameEmpty { kind: ObjectKind::Policy }),
            ]
        );
        let mut dot = draft(&[("message-ttl", "1")]);
        dot.name = "..".into();
        assert_eq!(
            dot.check(v310).errors,
            [PolicyProblem::Name(FormProblem::NameUnaddressable { kind: ObjectKind::Policy, name: "..".into() })]
        );
        let mut no_pattern = draft(&[("message-ttl", "1")]);
        no_pattern.pattern.clear();
        assert_eq!(no_pattern.check(v310).errors, [PolicyProblem::PatternEmpty]);
    }

    #[test]
    fn keys_follow_the_broker_version() {
        let (v310, v312, v4) = (Version(3, 10), Version(3, 12), Version(4, 0));
        let ha = draft(&[("ha-mode", "all")]);
        assert!(ha.check(v310).errors.is_empty());
        assert_eq!(
            ha.check(v4).errors,
            [PolicyProblem::MirroringRemoved { key: key("ha-mode"), removed: v4, running: v4 }]
        );
        let lazy = draft(&[("queue-mode", "lazy")]);
        assert!(lazy.check(v310).warnings.is_empty());
        let at_312 = lazy.check(v312);
        assert_eq!(at_312.warnings, [PolicyProblem::KeyNoEffect { key: key("queue-mode"), since: v312 }]);
        assert!(at_312.errors.is_empty(), "a warning does not refuse the draft");
        assert_eq!(
            draft(&[("stream-filter-size-bytes", "32")]).check(v310).errors,
            [PolicyProblem::KeyTooNew { key: key("stream-filter-size-bytes"), since: Version(3, 13), running: v310 }]
        );
        let mut streams = draft(&[("max-age", "1D")]);
        streams.apply_to = ApplyTo::Streams;
        assert_eq!(
            streams.check(v310).errors,
            [PolicyProblem::ApplyToTooNew { apply_to: ApplyTo::Streams, since: v312 }]
        );
        assert!(streams.check(v4).errors.is_empty());
    }

    #[test]
    fn keys_fit_apply_to_and_policy_kind() {
        let v310 = Version(3, 10);
        let mut exchanges_only = draft(&[("message-ttl", "1")]);
        exchanges_only.apply_to = ApplyTo::Exchanges;
        assert_eq!(exchanges_only.check(v310).errors, [PolicyProblem::QueueKeyOnExchanges { key: key("message-ttl") }]);
        let mut queues_only = draft(&[("alternate-exchange", "ae")]);
        queues_only.apply_to = ApplyTo::Queues;
        assert_eq!(
            queues_only.check(v310).errors,
            [PolicyProblem::ExchangeKeyOnQueues { key: key("alternate-exchange") }]
        );
        queues_only.apply_to = ApplyTo::All;
        assert!(queues_only.check(v310).errors.is_empty());
        let mut operator = draft(&[("dead-letter-exchange", "dlx")]);
        operator.operator = true;
        assert_eq!(operator.check(v310).errors, [PolicyProblem::NotForOperator { key: key("dead-letter-exchange") }]);
        let mut operator_on_exchanges = draft(&[("message-ttl", "1")]);
        (operator_on_exchanges.operator, operator_on_exchanges.apply_to) = (true, ApplyTo::Exchanges);
        assert!(operator_on_exchanges.check(v310).errors.contains(&PolicyProblem::OperatorOnExchanges));
        let twice = draft(&[("max-length", "1"), ("max-length", "2")]);
        assert_eq!(twice.check(v310).errors, [PolicyProblem::KeyTwice { key: key("max-length") }]);
    }

    #[test]
    fn warnings_come_with_the_definition() {
        let checked = draft(&[("federation-upstream", "up"), ("queue-master-locator", "random")]).check(Version(4, 0));
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!(checked.definition.len(), 2);
        assert_eq!(
            checked.warnings,
            [
                PolicyProblem::NeedsFederation { key: key("federation-upstream") },
                PolicyProblem::KeyDeprecated {
                    key: key("queue-master-locator"),
                    since: Version(4, 0),
                    instead: key("queue-leader-locator"),
                },
            ]
        );
    }

    #[test]
    fn operator_policies_for_all_cover_queues() {
        let mut d = draft(&[("max-length", "5")]);
        let checked = d.check(Version(3, 10));
        assert_eq!(d.body(&checked.definition)["apply-to"], "all");
        d.operator = true;
        let body = d.body(&checked.definition);
        assert_eq!(
            body,
            json!({"pattern": "^orders", "definition": {"max-length": 5}, "priority": 0, "apply-to": "queues"})
        );
    }
}
