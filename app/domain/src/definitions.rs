//! Definitions import: what a file would add or change on a broker, worked out before anything is
//! sent. The broker's import merges and never deletes, but it is not atomic: a file it refuses
//! halfway leaves the first part applied. So Warren refuses up front what the broker would refuse
//! (a queue or exchange redeclared with other properties, an unknown policy key, a bad name).
//!
//! The rules answer with a `DefinitionsProblem`, never with words: `app::i18n::problems` says it
//! in the reader's language.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ops::{check_name, FormProblem, ObjectKind};
use crate::policy::{ApplyTo, PolicyDraft, PolicyProblem, Version};

/// A definitions file to import into a cluster, or into one vhost of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Import {
    /// `None`: the whole broker (`/api/definitions`); else only this vhost.
    pub vhost: Option<String>,
    /// The file's text.
    pub definitions: String,
}

/// One kind of object in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SectionDiff {
    /// "queues", "exchanges", "policies"…
    pub section: String,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub sections: Vec<SectionDiff>,
    /// Why the broker would refuse (part of) the file; an import with any is not sent.
    pub blockers: Vec<DefinitionsProblem>,
    /// Top-level keys Warren does not compare; passed to the broker as they are.
    pub ignored: Vec<String>,
}

/// What the definitions rules find wrong with a file, as data. `diff` refuses the file with the
/// first of them, except `Redeclared`: those are the preview's blockers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefinitionsProblem {
    // The file as a whole.
    /// Not JSON; where the parser gave up (1-based, as editors count).
    NotJson { line: usize, column: usize },
    /// JSON, but not an object as an export is.
    NotAnObject,
    /// A vhost import holding a section only a whole-broker import may (users, vhosts…).
    NotForVhost { section: String },
    /// A section that is not a list.
    SectionNotList { section: String },
    /// An item of a section (`section[index]`, from 0) that is not an object.
    ItemNotObject { section: String, index: usize },

    // One item, `section[index]`, that the broker would refuse midway.
    /// An item of another vhost in a vhost import.
    OtherVhost { section: String, index: usize, vhost: String, import_vhost: String },
    /// A queue, exchange, vhost or user without a name.
    NoName { section: String, index: usize },
    /// A name RabbitMQ would refuse (the names rule of `ops`).
    Name { section: String, index: usize, problem: FormProblem },
    /// A policy (`policies[index]`) without a definition object.
    NoDefinition { index: usize },
    /// A policy (`policies[index]`) whose apply-to RabbitMQ does not know.
    UnknownApplyTo { index: usize, apply_to: String },
    /// A policy (`policies[index]`) the policy rules refuse: the first of its problems.
    Policy { index: usize, name: String, problem: PolicyProblem },

    // Blockers.
    /// A queue or exchange that exists with other fixed properties (`fields`), which RabbitMQ
    /// cannot change by declaring it again. `id` is how the section names an item (vhost, name).
    Redeclared { section: String, id: Vec<String>, fields: Vec<String> },
}

impl ImportPreview {
    pub fn changes(&self) -> usize {
        self.sections.iter().map(|s| s.added.len() + s.changed.len()).sum()
    }
}

/// Sections, how an item is named in them, and for queues and exchanges the properties that
/// cannot change once declared.
const SECTIONS: &[(&str, &[&str], &[&str])] = &[
    ("users", &["name"], &[]),
    ("vhosts", &["name"], &[]),
    ("permissions", &["user", "vhost"], &[]),
    ("topic_permissions", &["user", "vhost", "exchange"], &[]),
    ("parameters", &["component", "vhost", "name"], &[]),
    ("global_parameters", &["name"], &[]),
    ("policies", &["vhost", "name"], &[]),
    ("queues", &["vhost", "name"], &["durable", "auto_delete", "arguments"]),
    ("exchanges", &["vhost", "name"], &["type", "durable", "auto_delete", "internal", "arguments"]),
    ("bindings", &["vhost", "source", "destination_type", "destination", "routing_key", "arguments"], &[]),
];

/// Keys of an export that describe it rather than hold objects.
const INFO_KEYS: &[&str] = &["rabbit_version", "rabbitmq_version", "product_name", "product_version"];

/// Compares a file with the broker's current definitions (an export of the same scope).
pub fn diff(
    current: &Value,
    incoming_text: &str,
    vhost: Option<&str>,
    version: Version,
) -> Result<ImportPreview, DefinitionsProblem> {
    let incoming: Value = serde_json::from_str(incoming_text)
        .map_err(|e| DefinitionsProblem::NotJson { line: e.line(), column: e.column() })?;
    let incoming = incoming.as_object().ok_or(DefinitionsProblem::NotAnObject)?;
    let mut preview = ImportPreview::default();
    for key in incoming.keys() {
        if !INFO_KEYS.contains(&key.as_str()) && !SECTIONS.iter().any(|(s, _, _)| s == key) {
            preview.ignored.push(key.clone());
        }
    }
    if vhost.is_some() {
        for section in ["users", "vhosts", "permissions", "topic_permissions", "global_parameters"] {
            if incoming.get(section).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                return Err(DefinitionsProblem::NotForVhost { section: section.into() });
            }
        }
    }
    for (section, identity, fixed) in SECTIONS {
        let Some(items) = incoming.get(*section) else { continue };
        let items =
            items.as_array().ok_or_else(|| DefinitionsProblem::SectionNotList { section: section.to_string() })?;
        let existing = current.get(*section).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let mut out = SectionDiff { section: section.to_string(), ..Default::default() };
        for (index, item) in items.iter().enumerate() {
            let item = item
                .as_object()
                .ok_or_else(|| DefinitionsProblem::ItemNotObject { section: section.to_string(), index })?;
            check_item(section, index, item, vhost, version)?;
            let item = &normalized(item);
            let id = identity_of(item, identity, vhost);
            let label = label(section, &id);
            let found = existing.iter().filter_map(Value::as_object).find(|e| identity_of(e, identity, vhost) == id);
            match found.map(normalized).as_ref() {
                None => out.added.push(label),
                Some(old) if same(old, item) => out.unchanged += 1,
                Some(old) => {
                    let differing: Vec<&str> = fixed
                        .iter()
                        .copied()
                        .filter(|f| item.contains_key(*f) && old.get(*f) != item.get(*f))
                        .collect();
                    if !differing.is_empty() {
                        preview.blockers.push(DefinitionsProblem::Redeclared {
                            section: section.to_string(),
                            id: id.clone(),
                            fields: differing.iter().map(|f| f.to_string()).collect(),
                        });
                    }
                    out.changed.push(label);
                }
            }
        }
        preview.sections.push(out);
    }
    Ok(preview)
}

/// An item's identity: its naming fields, with the import's vhost where a vhost export omits it.
fn identity_of(item: &Map<String, Value>, fields: &[&str], vhost: Option<&str>) -> Vec<String> {
    fields
        .iter()
        .map(|f| match (item.get(*f), *f, vhost) {
            (None, "vhost", Some(v)) => v.to_string(),
            (Some(Value::String(s)), _, _) => s.clone(),
            (Some(other), _, _) => other.to_string(),
            (None, _, _) => String::new(),
        })
        .collect()
}

fn label(section: &str, id: &[String]) -> String {
    let singular = if section == "policies" { "policy" } else { section.trim_end_matches('s') };
    format!("{singular} {}", id.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(" / "))
}

/// RabbitMQ 4.x exports every classic queue with `x-queue-type: classic`, 3.x leaves it out:
/// the same queue either way.
fn normalized(item: &Map<String, Value>) -> Map<String, Value> {
    let mut item = item.clone();
    if let Some(arguments) = item.get_mut("arguments").and_then(Value::as_object_mut) {
        if arguments.get("x-queue-type").and_then(Value::as_str) == Some("classic") {
            arguments.remove("x-queue-type");
        }
    }
    item
}

/// Equal apart from fields the broker adds on export and an import may leave out.
fn same(old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
    new.iter().all(|(k, v)| old.get(k) == Some(v) || (k == "vhost" && old.get(k).is_none()))
}

/// What the broker would refuse midway, checked before anything is sent: item `index` of `section`.
fn check_item(
    section: &str,
    index: usize,
    item: &Map<String, Value>,
    vhost: Option<&str>,
    version: Version,
) -> Result<(), DefinitionsProblem> {
    let text = |field: &str| item.get(field).and_then(Value::as_str);
    if let (Some(only), Some(other)) = (vhost, text("vhost")) {
        if only != other {
            return Err(DefinitionsProblem::OtherVhost {
                section: section.into(),
                index,
                vhost: other.into(),
                import_vhost: only.into(),
            });
        }
    }
    let kind = match section {
        "queues" => Some(ObjectKind::Queue),
        "exchanges" => Some(ObjectKind::Exchange),
        "vhosts" => Some(ObjectKind::Vhost),
        "users" => Some(ObjectKind::User),
        _ => None,
    };
    if let Some(kind) = kind {
        let section = section.to_string();
        let Some(name) = text("name") else {
            return Err(DefinitionsProblem::NoName { section, index });
        };
        check_name(kind, name).map_err(|problem| DefinitionsProblem::Name { section, index, problem })?;
    }
    if section == "policies" {
        let definition =
            item.get("definition").and_then(Value::as_object).ok_or(DefinitionsProblem::NoDefinition { index })?;
        let apply_to = text("apply-to").unwrap_or("all");
        let draft = PolicyDraft {
            vhost: text("vhost").or(vhost).unwrap_or("/").to_string(),
            name: text("name").unwrap_or_default().to_string(),
            pattern: text("pattern").unwrap_or_default().to_string(),
            apply_to: ApplyTo::parse(apply_to)
                .ok_or_else(|| DefinitionsProblem::UnknownApplyTo { index, apply_to: apply_to.into() })?,
            priority: item.get("priority").and_then(Value::as_i64).unwrap_or(0),
            definition: crate::policy::definition_rows(definition),
            operator: false,
        };
        if let Some(problem) = draft.check(version).errors.into_iter().next() {
            return Err(DefinitionsProblem::Policy { index, name: draft.name, problem });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn current() -> Value {
        json!({
            "rabbit_version": "3.10.8",
            "queues": [{"name": "orders", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}],
            "exchanges": [{"name": "events", "vhost": "/", "type": "topic", "durable": true, "auto_delete": false,
                           "internal": false, "arguments": {}}],
            "policies": [{"vhost": "/", "name": "ttl", "pattern": "^orders", "apply-to": "queues",
                          "definition": {"message-ttl": 1000}, "priority": 0}],
        })
    }

    #[test]
    fn added_changed_and_unchanged() {
        let file = json!({
            "queues": [{"name": "orders", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}},
                       {"name": "订单 #1", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}],
            "policies": [{"vhost": "/", "name": "ttl", "pattern": "^orders", "apply-to": "queues",
                          "definition": {"message-ttl": 5000}, "priority": 0}],
            "something_new": [],
        });
        let preview = diff(&current(), &file.to_string(), None, Version(3, 10)).unwrap();
        let queues = &preview.sections.iter().find(|s| s.section == "queues").unwrap();
        assert_eq!((queues.added.clone(), queues.unchanged), (vec![r#"queue "/" / "订单 #1""#.to_string()], 1));
        let policies = &preview.sections.iter().find(|s| s.section == "policies").unwrap();
        assert_eq!(policies.changed.len(), 1);
        assert!(preview.blockers.is_empty());
        assert_eq!(preview.ignored, vec!["something_new"]);
        assert_eq!(preview.changes(), 2);
    }

    #[test]
    fn what_the_broker_would_refuse_midway_is_refused_first() {
        let v310 = Version(3, 10);
        let redeclare = json!({"queues": [{"name": "orders", "vhost": "/", "durable": false, "auto_delete": false, "arguments": {}}]});
        let preview = diff(&current(), &redeclare.to_string(), None, v310).unwrap();
        assert_eq!(
            preview.blockers,
            [DefinitionsProblem::Redeclared {
                section: "queues".into(),
                id: vec!["/".into(), "orders".into()],
                fields: vec!["durable".into()],
            }]
        );
        let bad_policy =
            json!({"policies": [{"vhost": "/", "name": "p", "pattern": ".*", "definition": {"colour": "red"}}]});
        assert_eq!(
            diff(&current(), &bad_policy.to_string(), None, v310),
            Err(DefinitionsProblem::Policy {
                index: 0,
                name: "p".into(),
                problem: PolicyProblem::UnknownKey { key: "colour".into() },
            })
        );
        assert_eq!(diff(&current(), "{not json", None, v310), Err(DefinitionsProblem::NotJson { line: 1, column: 2 }));
        assert_eq!(diff(&current(), "[1]", None, v310), Err(DefinitionsProblem::NotAnObject));
        let users_in_vhost = json!({"users": [{"name": "u"}]});
        assert_eq!(
            diff(&current(), &users_in_vhost.to_string(), Some("/"), v310),
            Err(DefinitionsProblem::NotForVhost { section: "users".into() })
        );
        let other_vhost = json!({"queues": [{"name": "q", "vhost": "other"}]});
        assert_eq!(
            diff(&current(), &other_vhost.to_string(), Some("/"), v310),
            Err(DefinitionsProblem::OtherVhost {
                section: "queues".into(),
                index: 0,
                vhost: "other".into(),
                import_vhost: "/".into(),
            })
        );
        let dot = json!({"queues": [{"name": "ok", "vhost": "/"}, {"name": "..", "vhost": "/"}]});
        assert_eq!(
            diff(&current(), &dot.to_string(), None, v310),
            Err(DefinitionsProblem::Name {
                section: "queues".into(),
                index: 1,
                problem: FormProblem::NameUnaddressable { kind: ObjectKind::Queue, name: "..".into() },
            })
        );
    }

    #[test]
    fn malformed_sections_and_items_are_refused() {
        let v310 = Version(3, 10);
        let refused = |file: Value| diff(&current(), &file.to_string(), None, v310).unwrap_err();
        assert_eq!(refused(json!({"queues": {}})), DefinitionsProblem::SectionNotList { section: "queues".into() });
        assert_eq!(
            refused(json!({"exchanges": [1]})),
            DefinitionsProblem::ItemNotObject { section: "exchanges".into(), index: 0 }
        );
        assert_eq!(
            refused(json!({"users": [{"password_hash": "x"}]})),
            DefinitionsProblem::NoName { section: "users".into(), index: 0 }
        );
        assert_eq!(
            refused(json!({"vhosts": [{"name": ""}]})),
            DefinitionsProblem::Name {
                section: "vhosts".into(),
                index: 0,
                problem: FormProblem::NameEmpty { kind: ObjectKind::Vhost },
            }
        );
        assert_eq!(
            refused(json!({"policies": [{"vhost": "/", "name": "p", "pattern": ".*"}]})),
            DefinitionsProblem::NoDefinition { index: 0 }
        );
        let apply_to = json!({"policies": [{"vhost": "/", "name": "p", "pattern": ".*", "apply-to": "topics",
                                            "definition": {"max-length": 1}}]});
        assert_eq!(refused(apply_to), DefinitionsProblem::UnknownApplyTo { index: 0, apply_to: "topics".into() });
        let nameless = json!({"policies": [{"vhost": "/", "pattern": ".*", "definition": {"max-length": 1}}]});
        assert_eq!(
            refused(nameless),
            DefinitionsProblem::Policy {
                index: 0,
                name: String::new(),
                problem: PolicyProblem::Name(FormProblem::NameEmpty { kind: ObjectKind::Policy }),
            }
        );
        // Sections Warren does not name-check pass through.
        let bindings = json!({"bindings": [{"source": "x", "destination": "q", "destination_type": "queue"}]});
        assert!(diff(&current(), &bindings.to_string(), None, v310).is_ok());
    }

    #[test]
    fn an_exchange_of_another_type_is_a_blocker_not_a_refusal() {
        let file = json!({"exchanges": [{"name": "events", "vhost": "/", "type": "fanout", "durable": true,
                                         "auto_delete": false, "internal": false, "arguments": {}}]});
        let preview = diff(&current(), &file.to_string(), None, Version(4, 0)).unwrap();
        assert_eq!(
            preview.blockers,
            [DefinitionsProblem::Redeclared {
                section: "exchanges".into(),
                id: vec!["/".into(), "events".into()],
                fields: vec!["type".into()],
            }]
        );
        assert_eq!(preview.changes(), 1);
    }

    #[test]
    fn problems_cross_the_wire_unchanged() {
        let problems = [
            DefinitionsProblem::NotJson { line: 3, column: 7 },
            DefinitionsProblem::Policy {
                index: 2,
                name: "p".into(),
                problem: PolicyProblem::Name(FormProblem::NameEmpty { kind: ObjectKind::Policy }),
            },
            DefinitionsProblem::Redeclared {
                section: "queues".into(),
                id: vec!["/".into(), "q".into()],
                fields: vec![],
            },
        ];
        for problem in problems {
            let json = serde_json::to_string(&problem).unwrap();
            assert_eq!(serde_json::from_str::<DefinitionsProblem>(&json).unwrap(), problem, "{json}");
        }
    }

    #[test]
    fn classic_queues_match_across_versions() {
        let current =
            json!({"queues": [{"name": "q", "vhost": "/", "durable": true, "arguments": {"x-queue-type": "classic"}}]});
        let file = json!({"queues": [{"name": "q", "vhost": "/", "durable": true, "arguments": {}}]});
        let preview = diff(&current, &file.to_string(), None, Version(4, 0)).unwrap();
        assert_eq!((preview.sections[0].unchanged, preview.blockers.len()), (1, 0));
    }

    #[test]
    fn vhost_exports_omit_the_vhost() {
        let current = json!({"queues": [{"name": "orders", "durable": true, "auto_delete": false, "arguments": {}}]});
        let file = json!({"queues": [{"name": "orders", "durable": true, "auto_delete": false, "arguments": {}}]});
        let preview = diff(&current, &file.to_string(), Some("prod/eu"), Version(3, 10)).unwrap();
        assert_eq!(preview.sections[0].unchanged, 1);
    }
}
