//! Definitions import: what a file would add or change on a broker, worked out before anything is
//! sent. The broker's import merges and never deletes, but it is not atomic: a file it refuses
//! halfway leaves the first part applied. So Warren refuses up front what the broker would refuse
//! (a queue or exchange redeclared with other properties, an unknown policy key, a bad name).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::policy::{PolicyDraft, Version};

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
    pub blockers: Vec<String>,
    /// Top-level keys Warren does not compare; passed to the broker as they are.
    pub ignored: Vec<String>,
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
) -> Result<ImportPreview, String> {
    let incoming: Value =
        serde_json::from_str(incoming_text).map_err(|e| format!("the file is not valid JSON: {e}"))?;
    let incoming = incoming.as_object().ok_or("the file must hold a JSON object, as a definitions export does")?;
    let mut preview = ImportPreview::default();
    for key in incoming.keys() {
        if !INFO_KEYS.contains(&key.as_str()) && !SECTIONS.iter().any(|(s, _, _)| s == key) {
            preview.ignored.push(key.clone());
        }
    }
    if vhost.is_some() {
        for section in ["users", "vhosts", "permissions", "topic_permissions", "global_parameters"] {
            if incoming.get(section).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                return Err(format!("a vhost import cannot hold {section}; import the whole broker instead"));
            }
        }
    }
    for (section, identity, fixed) in SECTIONS {
        let Some(items) = incoming.get(*section) else { continue };
        let items = items.as_array().ok_or_else(|| format!("{section} must be a list"))?;
        let existing = current.get(*section).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let mut out = SectionDiff { section: section.to_string(), ..Default::default() };
        for (index, item) in items.iter().enumerate() {
            let item = item.as_object().ok_or_else(|| format!("{section}[{index}] must be an object"))?;
            check_item(section, item, vhost, version).map_err(|e| format!("{section}[{index}]: {e}"))?;
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
                        preview.blockers.push(format!(
                            "{label} exists with other {}: RabbitMQ cannot redeclare it; delete it first or change the file",
                            differing.join(", ")
                        ));
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

/// What the broker would refuse midway, checked before anything is sent.
fn check_item(section: &str, item: &Map<String, Value>, vhost: Option<&str>, version: Version) -> Result<(), String> {
    let text = |field: &str| item.get(field).and_then(Value::as_str);
    if let (Some(only), Some(other)) = (vhost, text("vhost")) {
        if only != other {
            return Err(format!("belongs to vhost {other:?}, but this import is for vhost {only:?}"));
        }
    }
    match section {
        "queues" | "exchanges" | "vhosts" | "users" => {
            let name = text("name").ok_or("has no name")?;
            crate::ops::check_name(section.trim_end_matches('s'), name)?;
        }
        "policies" => {
            let definition = item.get("definition").and_then(Value::as_object).ok_or("has no definition object")?;
            let draft = PolicyDraft {
                vhost: text("vhost").or(vhost).unwrap_or("/").to_string(),
                name: text("name").unwrap_or_default().to_string(),
                pattern: text("pattern").unwrap_or_default().to_string(),
                apply_to: crate::policy::ApplyTo::parse(text("apply-to").unwrap_or("all"))
                    .ok_or("apply-to is not one RabbitMQ knows")?,
                priority: item.get("priority").and_then(Value::as_i64).unwrap_or(0),
                definition: crate::policy::definition_rows(definition),
                operator: false,
            };
            let checked = draft.check(version);
            if let Some(error) = checked.errors.first() {
                return Err(format!("policy {:?}: {error}", draft.name));
            }
        }
        _ => {}
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
        let redeclare = json!({"queues": [{"name": "orders", "vhost": "/", "durable": false, "auto_delete": false, "arguments": {}}]});
        let preview = diff(&current(), &redeclare.to_string(), None, Version(3, 10)).unwrap();
        assert!(preview.blockers[0].contains("durable"), "{:?}", preview.blockers);
        let bad_policy =
            json!({"policies": [{"vhost": "/", "name": "p", "pattern": ".*", "definition": {"colour": "red"}}]});
        assert!(diff(&current(), &bad_policy.to_string(), None, Version(3, 10))
            .unwrap_err()
            .contains("unknown policy key"));
        assert!(diff(&current(), "{not json", None, Version(3, 10)).unwrap_err().contains("not valid JSON"));
        assert!(diff(&current(), "[1]", None, Version(3, 10)).unwrap_err().contains("object"));
        let users_in_vhost = json!({"users": [{"name": "u"}]});
        assert!(diff(&current(), &users_in_vhost.to_string(), Some("/"), Version(3, 10)).is_err());
        let other_vhost = json!({"queues": [{"name": "q", "vhost": "other"}]});
        assert!(diff(&current(), &other_vhost.to_string(), Some("/"), Version(3, 10)).unwrap_err().contains("other"));
        let dot = json!({"queues": [{"name": "..", "vhost": "/"}]});
        assert!(diff(&current(), &dot.to_string(), None, Version(3, 10)).is_err());
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
