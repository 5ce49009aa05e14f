//! What the broker's import does with an item that already exists: the fields it sets, with the
//! defaults it fills in for those the file leaves out (a vhost without `description` gets ""),
//! so that a preview shows resets and not keys that mean nothing.

use serde_json::{json, Map, Value};

use super::rules::tags;
use crate::policy::Version;

/// What the import does with one item.
#[derive(Debug, PartialEq)]
pub(super) enum Outcome {
    Added,
    Unchanged,
    /// These fields get the file's values.
    Changed(Vec<String>),
    /// Exists with other values in these fields, and the broker leaves it as it is: it declares
    /// queues and exchanges only when they do not exist.
    Kept(Vec<String>),
}

pub(super) fn outcome(
    section: &str,
    old: Option<&Map<String, Value>>,
    new: &Map<String, Value>,
    version: Version,
) -> Outcome {
    let Some(old) = old else { return Outcome::Added };
    let (old, new) = (set_by_import(section, old, None), set_by_import(section, new, Some(version)));
    let fields: Vec<String> =
        new.iter().filter(|(k, v)| old.get(*k).unwrap_or(&Value::Null) != *v).map(|(k, _)| k.clone()).collect();
    match (fields.is_empty(), section) {
        (true, _) => Outcome::Unchanged,
        (false, "queues" | "exchanges") => Outcome::Kept(fields),
        (false, _) => Outcome::Changed(fields),
    }
}

/// The fields the import sets on an item, as the broker stores them. Given the broker's version,
/// the item is the file's: defaults apply (the broker resets a field the file leaves out); else
/// it is an export of what is there.
fn set_by_import(section: &str, item: &Map<String, Value>, file_for: Option<Version>) -> Map<String, Value> {
    let from_file = file_for.is_some();
    let get = |key: &str| item.get(key).filter(|v| !v.is_null());
    let meta = |key: &str| item.get("metadata").and_then(|m| m.get(key)).filter(|v| !v.is_null());
    let mut set = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            set.insert(key.to_string(), value);
        }
    };
    match section {
        "users" => {
            // The legacy `administrator` flag stands for the tags when they are missing.
            let admin = get("administrator").is_some_and(|a| a == &json!(true) || a == &json!("true"));
            let given = get("tags").cloned().or_else(|| admin.then(|| json!(["administrator"])));
            put("tags", Some(json!(tags(given.as_ref()))));
            put("hashing_algorithm", get("hashing_algorithm").cloned());
            let password = get("password").or(get("password_hash"));
            match (from_file, get("password"), get("password_hash")) {
                (false, _, hash) => put("password_hash", hash.cloned()),
                // A password is hashed with a new salt: it always changes.
                (true, Some(_), _) => put("password", Some(json!("(new)"))),
                (true, None, Some(hash)) => put("password_hash", Some(hash.clone())),
                // The broker clears the password of an existing user given neither.
                (true, None, None) => put("password_hash", Some(json!(""))),
            }
            // Limits are merged key by key, and left alone when the file gives no password.
            if !from_file || password.is_some() {
                for (key, value) in get("limits").and_then(Value::as_object).into_iter().flatten() {
                    put(&format!("limits.{key}"), Some(value.clone()));
                }
            }
        }
        "vhosts" => {
            let description = get("description").or(meta("description")).cloned();
            put("description", description.or(Some(json!(""))));
            put("tags", Some(json!(tags(get("tags").or(meta("tags"))))));
            // Changed only when the file names one; the broker keeps it otherwise.
            // 3.10 keeps an existing vhost's default queue type whatever the file says.
            let queue_type = match file_for {
                Some(version) if version.0 >= 4 => meta("default_queue_type"),
                Some(_) => None,
                None => meta("default_queue_type").or(get("default_queue_type")).filter(|t| t != &"undefined"),
            };
            put("default_queue_type", queue_type.cloned());
            put("tracing", get("tracing").cloned().or((!from_file).then_some(json!(false))));
        }
        "permissions" | "topic_permissions" => {
            for key in ["configure", "write", "read"] {
                put(key, get(key).cloned());
            }
        }
        "parameters" | "global_parameters" => put("value", get("value").cloned()),
        "policies" => {
            put("pattern", get("pattern").cloned());
            put("definition", get("definition").cloned());
            put("priority", Some(get("priority").cloned().unwrap_or(json!(0))));
            put("apply-to", Some(get("apply-to").cloned().unwrap_or(json!("all"))));
        }
        "queues" => {
            put("durable", get("durable").cloned());
            put("auto_delete", get("auto_delete").cloned());
            put("arguments", get("arguments").map(without_classic_type));
        }
        "exchanges" => {
            for key in ["type", "durable", "auto_delete", "internal"] {
                put(key, get(key).cloned());
            }
            put("arguments", get("arguments").cloned());
        }
        // Bindings are named by all they hold: either there or not.
        _ => {}
    }
    if from_file {
        // Compare only what the file sets; an export may carry more.
        set.retain(|_, v| !v.is_null());
    }
    set
}

/// RabbitMQ 4.x exports every classic queue with `x-queue-type: classic`, 3.x leaves it out:
/// the same queue either way.
fn without_classic_type(arguments: &Value) -> Value {
    let mut arguments = arguments.clone();
    if let Some(map) = arguments.as_object_mut() {
        if map.get("x-queue-type").and_then(Value::as_str) == Some("classic") {
            map.remove("x-queue-type");
        }
    }
    arguments
}

#[cfg(test)]
mod tests {
    use super::*;

    const V40: Version = Version(4, 0);

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_vhost_without_a_description_resets_it() {
        let old = map(
            json!({"name": "/", "description": "Default virtual host", "tags": [], "metadata": {"description": "Default virtual host", "tags": []}}),
        );
        let new = map(json!({"name": "/"}));
        assert_eq!(outcome("vhosts", Some(&old), &new, V40), Outcome::Changed(vec!["description".into()]));
    }

    #[test]
    fn keys_an_export_does_not_carry_change_nothing() {
        let old = map(json!({"name": "v", "description": "d", "tags": ["a"], "tracing": false,
                             "metadata": {"description": "d", "tags": ["a"]}}));
        let new = map(json!({"name": "v", "limits": [], "metadata": {"description": "d", "tags": ["a"]}}));
        assert_eq!(outcome("vhosts", Some(&old), &new, V40), Outcome::Unchanged);
    }

    #[test]
    fn user_tags_as_text_or_list_are_the_same() {
        let old = map(
            json!({"name": "u", "password_hash": "h", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": [], "limits": {}}),
        );
        let new = map(
            json!({"name": "u", "password_hash": "h", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""}),
        );
        assert_eq!(outcome("users", Some(&old), &new, V40), Outcome::Unchanged);
        let admin = map(json!({"name": "u", "password_hash": "h", "tags": "administrator, monitoring"}));
        let listed = map(json!({"name": "u", "password_hash": "h", "tags": ["monitoring", "administrator"]}));
        assert_eq!(outcome("users", Some(&listed), &admin, V40), Outcome::Unchanged);
    }

    #[test]
    fn a_user_given_no_password_loses_it() {
        let old = map(json!({"name": "u", "password_hash": "h", "tags": []}));
        let new = map(json!({"name": "u", "tags": []}));
        assert_eq!(outcome("users", Some(&old), &new, V40), Outcome::Changed(vec!["password_hash".into()]));
    }

    #[test]
    fn an_existing_queue_with_other_properties_is_kept() {
        let old = map(json!({"name": "q", "durable": true, "auto_delete": false, "arguments": {}}));
        let new = map(json!({"name": "q", "durable": false, "auto_delete": false, "arguments": {"x-max-length": 1}}));
        assert_eq!(outcome("queues", Some(&old), &new, V40), Outcome::Kept(vec!["arguments".into(), "durable".into()]));
    }

    #[test]
    fn classic_queues_match_across_versions() {
        let old = map(json!({"name": "q", "durable": true, "arguments": {"x-queue-type": "classic"}}));
        let new = map(json!({"name": "q", "durable": true, "arguments": {}}));
        assert_eq!(outcome("queues", Some(&old), &new, V40), Outcome::Unchanged);
    }
}
