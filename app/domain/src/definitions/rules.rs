//! What RabbitMQ's import checks item by item, and so fails on halfway: the queue arguments each
//! queue type takes (`rabbit_*_queue:capabilities/0`) and their values (`rabbit_amqqueue`),
//! parameter components and the plugins that register them, user and vhost limits, binding ends.
//! Read from rabbitmq-server 3.10.8 and 4.0.5, where the two agree unless said otherwise.

use serde_json::{Map, Value};

use super::{ArgumentRule, DefinitionsProblem, Target};

/// The `x-` arguments a queue type takes (3.10 and 4.0); any other that some type takes is
/// refused ("invalid arg … of queue type …"), one no type takes is passed through.
fn type_arguments(queue_type: &str) -> &'static [&'static str] {
    const CLASSIC: &[&str] = &[
        "x-expires",
        "x-message-ttl",
        "x-dead-letter-exchange",
        "x-dead-letter-routing-key",
        "x-max-length",
        "x-max-length-bytes",
        "x-max-priority",
        "x-overflow",
        "x-queue-mode",
        "x-queue-version",
        "x-single-active-consumer",
        "x-queue-type",
        "x-queue-master-locator",
    ];
    const QUORUM: &[&str] = &[
        "x-dead-letter-exchange",
        "x-dead-letter-routing-key",
        "x-dead-letter-strategy",
        "x-expires",
        "x-max-length",
        "x-max-length-bytes",
        "x-max-in-memory-length",
        "x-max-in-memory-bytes",
        "x-overflow",
        "x-single-active-consumer",
        "x-queue-type",
        "x-quorum-initial-group-size",
        "x-delivery-limit",
        "x-message-ttl",
        "x-queue-leader-locator",
    ];
    const STREAM: &[&str] = &[
        "x-max-length-bytes",
        "x-queue-type",
        "x-max-age",
        "x-stream-max-segment-size-bytes",
        "x-initial-cluster-size",
        "x-queue-leader-locator",
    ];
    match queue_type {
        "quorum" => QUORUM,
        "stream" => STREAM,
        _ => CLASSIC,
    }
}

fn takes(queue_type: &str, key: &str, target: &Target) -> bool {
    // 4.0 adds the leader locator to classic queues (with the `rabbitmq_4.0.0` feature flag).
    let classic_4 = target.version.0 >= 4 && queue_type == "classic" && key == "x-queue-leader-locator";
    classic_4 || type_arguments(queue_type).contains(&key)
}

/// How the broker checks an argument's value (`rabbit_amqqueue:declare_args/0`); arguments not
/// listed are not checked.
fn argument_rule(key: &str) -> Option<ArgumentRule> {
    let one_of = |choices: &[&str]| ArgumentRule::OneOf(choices.iter().map(|c| c.to_string()).collect());
    Some(match key {
        "x-max-length"
        | "x-max-length-bytes"
        | "x-max-in-memory-length"
        | "x-max-in-memory-bytes"
        | "x-stream-max-segment-size-bytes"
        | "x-message-ttl" => ArgumentRule::AtLeast(0),
        "x-expires" | "x-quorum-initial-group-size" | "x-initial-cluster-size" => ArgumentRule::AtLeast(1),
        "x-max-priority" => ArgumentRule::Between(0, 255),
        "x-queue-version" => ArgumentRule::Between(1, 2),
        "x-single-active-consumer" => ArgumentRule::Boolean,
        "x-dead-letter-exchange" => ArgumentRule::Text,
        "x-dead-letter-routing-key" => ArgumentRule::WithDeadLetterExchange,
        "x-dead-letter-strategy" => one_of(&["at-most-once", "at-least-once"]),
        "x-overflow" => one_of(&["drop-head", "reject-publish", "reject-publish-dlx"]),
        "x-queue-mode" => one_of(&["default", "lazy"]),
        "x-queue-type" => one_of(&["classic", "quorum", "stream"]),
        "x-max-age" => ArgumentRule::Age,
        _ => return None,
    })
}

fn follows(rule: &ArgumentRule, value: &Value, arguments: &Map<String, Value>) -> bool {
    let whole = value.as_i64();
    match rule {
        ArgumentRule::AtLeast(min) => whole.is_some_and(|n| n >= *min),
        ArgumentRule::Between(min, max) => whole.is_some_and(|n| (*min..=*max).contains(&n)),
        ArgumentRule::Boolean => value.is_boolean(),
        ArgumentRule::Text => value.is_string(),
        ArgumentRule::WithDeadLetterExchange => value.is_string() && arguments.contains_key("x-dead-letter-exchange"),
        ArgumentRule::OneOf(choices) => value.as_str().is_some_and(|v| choices.iter().any(|c| c == v)),
        // `rabbit_amqqueue:check_max_age/1`: a positive whole number and one unit.
        ArgumentRule::Age => value.as_str().is_some_and(|v| {
            let digits = v.trim_end_matches(|c: char| !c.is_ascii_digit());
            let unit = &v[digits.len()..];
            digits.parse::<u64>().is_ok_and(|n| n > 0) && ["Y", "M", "D", "h", "m", "s"].contains(&unit)
        }),
    }
}

/// The type the broker declares a queue as: its `x-queue-type`; else on 4.0 the vhost's default
/// when the queue can be one (durable, not auto-delete nor exclusive), classic otherwise
/// (`rabbit_amqqueue:augment_declare_args/5`); 3.10 declares classic.
pub(super) fn declared_type<'a>(queue: &'a Map<String, Value>, vhost_default: &'a str, target: &Target) -> &'a str {
    let given = queue.get("arguments").and_then(|a| a.get("x-queue-type")).and_then(Value::as_str);
    let flag = |key: &str| queue.get(key).and_then(Value::as_bool);
    let fits = flag("durable") != Some(false) && flag("auto_delete") != Some(true) && flag("exclusive") != Some(true);
    match given {
        Some(given) => given,
        None if target.version.0 >= 4 && (fits || vhost_default == "classic") => vhost_default,
        None => "classic",
    }
}

/// A quorum queue or stream the broker's import does not create: not durable, or auto-delete.
/// Its declare answers an error (`rabbit_queue_type_util` checks) that the import ignores.
pub(super) fn not_created(queue: &Map<String, Value>, queue_type: &str, target: &Target) -> bool {
    let flag = |key: &str| queue.get(key).and_then(Value::as_bool);
    // 4.0 defaults a missing `durable` to true; 3.10 declares it undefined, which is not durable.
    let durable = flag("durable").unwrap_or(target.version.0 >= 4);
    matches!(queue_type, "quorum" | "stream") && (!durable || flag("auto_delete") == Some(true))
}

/// A new queue's arguments as `rabbit_amqqueue:declare` would refuse them: one of other queue
/// types, or a bad value.
pub(super) fn check_queue(
    index: usize,
    name: &str,
    queue: &Map<String, Value>,
    queue_type: &str,
    target: &Target,
) -> Vec<DefinitionsProblem> {
    let empty = Map::new();
    let arguments = queue.get("arguments").and_then(Value::as_object).unwrap_or(&empty);
    let any_type_takes = |key: &str| ["classic", "quorum", "stream"].iter().any(|t| takes(t, key, target));
    let mut problems = Vec::new();
    for (key, value) in arguments {
        let problem = |p| DefinitionsProblem::Argument { index, name: name.to_string(), key: key.clone(), problem: p };
        if !takes(queue_type, key, target) && any_type_takes(key) {
            problems.push(problem(super::ArgumentProblem::NotForType { queue_type: queue_type.to_string() }));
        } else if let Some(rule) = argument_rule(key).filter(|rule| !follows(rule, value, arguments)) {
            problems.push(problem(super::ArgumentProblem::Value { rule }));
        }
    }
    problems
}

/// The plugin that registers a parameter component, `Some("")` for the broker's own, `None` for
/// a component RabbitMQ (3.10, 4.0 and the plugins it ships) does not register: a community
/// plugin's component is refused as unknown (README says so).
pub(super) fn component_plugin(component: &str) -> Option<&'static str> {
    match component {
        "vhost-limits" | "policy" | "operator_policy" | "exchange-delete-in-progress" => Some(""),
        "federation" | "federation-upstream" | "federation-upstream-set" => Some("rabbitmq_federation"),
        "shovel" => Some("rabbitmq_shovel"),
        _ => None,
    }
}

/// Limits as the broker validates them (`rabbit_parameter_validation:proplist/3`): only the known
/// keys, each a whole number. The first key that is not.
pub(super) fn bad_limit(limits: &Value, known: &[&str]) -> Option<String> {
    match limits {
        Value::Object(limits) => limits
            .iter()
            .find(|(key, value)| !known.contains(&key.as_str()) || !value.is_i64())
            .map(|(key, _)| key.clone()),
        Value::Array(items) if items.is_empty() => None,
        _ => Some(String::new()),
    }
}

pub(super) const USER_LIMITS: &[&str] = &["max-connections", "max-channels"];
pub(super) const VHOST_LIMITS: &[&str] = &["max-connections", "max-queues"];

/// Exchange types every broker has; plugins add `x-…` ones.
pub(super) fn known_exchange_type(kind: &str) -> bool {
    ["direct", "fanout", "topic", "headers"].contains(&kind) || kind.starts_with("x-")
}

/// Tags the broker can read: a list of texts, or one comma-separated text.
pub(super) fn tags_readable(tags: &Value) -> bool {
    match tags {
        Value::String(_) => true,
        // The broker turns numbers, booleans and null into text.
        Value::Array(items) => items.iter().all(|t| !t.is_array() && !t.is_object()),
        _ => false,
    }
}

/// User tags as the broker reads them (`tag_list_from/1`): a list, or one comma-separated text.
pub(super) fn tags(value: Option<&Value>) -> Vec<String> {
    let mut tags: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(|t| t.trim().to_string()).collect(),
        Some(Value::String(text)) => text.split(',').map(|t| t.trim().to_string()).collect(),
        _ => Vec::new(),
    };
    tags.retain(|t| !t.is_empty());
    tags.sort();
    tags.dedup();
    tags
}
