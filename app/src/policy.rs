//! Policies and operator policies: the keys RabbitMQ knows, their value types and allowed values,
//! which broker versions take them, and how a user policy and an operator policy merge into what
//! a queue actually gets. Shared by the editor in the browser (it explains a mistake as it is
//! typed) and the server (it checks again before asking the broker).

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

    /// The apply-to values a broker version accepts: the per-type ones came with 3.12.
    pub fn supported(self, version: Version) -> bool {
        matches!(self, ApplyTo::All | ApplyTo::Queues | ApplyTo::Exchanges) || version >= Version(3, 12)
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
    /// Version since which it is deprecated, and what to use instead.
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

const HA: &str = "classic mirrored queues (ha-*) were removed in RabbitMQ 4.0; use quorum queues";

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
        deprecated: Some((Version(4, 0), "use queue-leader-locator")),
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
    Error(String),
    /// Accepted, but worth knowing (deprecated, no effect).
    Warning(String),
}

impl PolicyKey {
    pub fn notes(&self, version: Version, operator_policy: bool) -> Vec<KeyNote> {
        let mut notes = Vec::new();
        if operator_policy && !self.operator {
            notes.push(KeyNote::Error(format!("{} cannot be set by an operator policy", self.key)));
        }
        if let Some(removed) = self.removed.filter(|v| version >= *v) {
            let why =
                if self.key.starts_with("ha-") { HA.to_string() } else { format!("removed in RabbitMQ {removed}") };
            notes.push(KeyNote::Error(format!("{}: {why} (this broker runs {version})", self.key)));
        }
        if let Some(since) = self.since.filter(|v| version < *v) {
            notes.push(KeyNote::Error(format!(
                "{} needs RabbitMQ {since} or later (this broker runs {version})",
                self.key
            )));
        }
        if let Some(since) = self.no_op_since.filter(|v| version >= *v) {
            notes.push(KeyNote::Warning(format!("{} has had no effect since RabbitMQ {since}", self.key)));
        }
        if let Some((since, instead)) = self.deprecated.filter(|(v, _)| version >= *v) {
            notes.push(KeyNote::Warning(format!("{} is deprecated since RabbitMQ {since}: {instead}", self.key)));
        }
        if self.key.starts_with("federation-") {
            notes.push(KeyNote::Warning(format!("{} needs the federation plugin", self.key)));
        }
        notes
    }

    /// The JSON value for the text typed in the editor.
    pub fn value(&self, text: &str) -> Result<Value, String> {
        let text = text.trim();
        let whole = || text.parse::<i64>().map_err(|_| format!("{} must be a whole number", self.key));
        match self.kind {
            KeyType::Count(min) => {
                let n = whole()?;
                if n < min {
                    return Err(format!("{} must be at least {min} (got {n})", self.key));
                }
                Ok(Value::from(n))
            }
            KeyType::Range(lo, hi) => {
                let n = whole()?;
                if !(lo..=hi).contains(&n) {
                    return Err(format!("{} must be from {lo} to {hi} (got {n})", self.key));
                }
                Ok(Value::from(n))
            }
            KeyType::Text if text.is_empty() => Err(format!("{} needs a value", self.key)),
            KeyType::Text => Ok(Value::String(text.into())),
            KeyType::Choice(choices) if choices.contains(&text) => Ok(Value::String(text.into())),
            KeyType::Choice(choices) => Err(format!("{} must be one of: {}", self.key, choices.join(", "))),
            KeyType::Age => {
                let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
                if digits.is_empty() || !["Y", "M", "D", "h", "m", "s"].contains(&unit) {
                    return Err(format!("{} is a number and a unit: Y, M, D, h, m or s (for example 7D)", self.key));
                }
                Ok(Value::String(text.into()))
            }
            KeyType::HaParams => match serde_json::from_str::<Value>(text) {
                Ok(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => Ok(Value::Number(n)),
                Ok(Value::Array(nodes)) if !nodes.is_empty() && nodes.iter().all(Value::is_string) => {
                    Ok(Value::Array(nodes))
                }
                _ => Err(format!("{} is a count (for ha-mode exactly) or a JSON list of node names", self.key)),
            },
        }
    }
}

const HA_KEYS: [&str; 5] = ["ha-mode", "ha-params", "ha-sync-mode", "ha-promote-on-shutdown", "ha-promote-on-failure"];

/// Whether a queue of `queue_type` takes `key`. RabbitMQ skips, for a queue, every policy that
/// holds a key its type does not take (`rabbit_queue_type:is_policy_applicable`), so a lower one
/// applies instead. The lists are `unsupported_policies` of each queue type's `capabilities()`
/// as RabbitMQ 3.10 and 4.0 report them; versions in between are taken as 3.10.
pub fn queue_type_takes(queue_type: &str, key: &str, version: Version) -> bool {
    let v4 = version >= Version(4, 0);
    let refused = match queue_type {
        "classic" => {
            matches!(
                key,
                "max-age"
                    | "stream-max-segment-size-bytes"
                    | "initial-cluster-size"
                    | "delivery-limit"
                    | "dead-letter-strategy"
            ) || (!v4 && key == "queue-leader-locator")
                || (v4 && matches!(key, "max-in-memory-length" | "max-in-memory-bytes" | "target-group-size"))
        }
        "quorum" => {
            HA_KEYS.contains(&key)
                || matches!(
                    key,
                    "max-priority"
                        | "queue-mode"
                        | "single-active-consumer"
                        | "queue-master-locator"
                        | "max-age"
                        | "stream-max-segment-size-bytes"
                        | "initial-cluster-size"
                )
        }
        "stream" => {
            HA_KEYS.contains(&key)
                || matches!(
                    key,
                    "expires"
                        | "message-ttl"
                        | "dead-letter-exchange"
                        | "dead-letter-routing-key"
                        | "max-length"
                        | "max-in-memory-length"
                        | "max-in-memory-bytes"
                        | "max-priority"
                        | "overflow"
                        | "queue-mode"
                        | "single-active-consumer"
                        | "delivery-limit"
                        | "queue-master-locator"
                        | "dead-letter-strategy"
                )
                || (v4 && key == "target-group-size")
        }
        _ => false,
    };
    !refused
}

/// The keys of `definition` a queue of `queue_type` does not take: if any, the policy skips it.
pub fn keys_not_taken(queue_type: &str, definition: &Map<String, Value>, version: Version) -> Vec<String> {
    definition.keys().filter(|key| !queue_type_takes(queue_type, key, version)).cloned().collect()
}

/// A definition as the editor shows it: each value as text (strings unquoted).
pub fn definition_rows(definition: &Map<String, Value>) -> Vec<(String, String)> {
    definition.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect()
}

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
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

impl PolicyDraft {
    /// Everything but the pattern's regex (which the server compiles): name, priority, apply-to,
    /// every key known, allowed here, well typed and given once, and keys that fit apply-to.
    pub fn check(&self, version: Version) -> Checked {
        let mut out = Checked::default();
        if let Err(e) = crate::ops::check_name("vhost", &self.vhost) {
            out.errors.push(e);
        }
        if let Err(e) = crate::ops::check_name("policy", &self.name) {
            out.errors.push(e);
        }
        if self.pattern.is_empty() {
            out.errors.push("the pattern is empty; use .* to match everything".into());
        }
        if self.operator && self.apply_to == ApplyTo::Exchanges {
            out.errors.push("operator policies apply to queues only".into());
        }
        if !self.apply_to.supported(version) {
            out.errors.push(format!("apply-to {} needs RabbitMQ 3.12 or later", self.apply_to.as_str()));
        }
        for (name, text) in &self.definition {
            if name.trim().is_empty() && text.trim().is_empty() {
                continue;
            }
            let Some(known) = policy_key(name.trim()) else {
                out.errors.push(format!("unknown policy key {name:?}"));
                continue;
            };
            for note in known.notes(version, self.operator) {
                match note {
                    KeyNote::Error(e) => out.errors.push(e),
                    KeyNote::Warning(w) => out.warnings.push(w),
                }
            }
            if self.apply_to == ApplyTo::Exchanges && known.for_queues {
                out.errors.push(format!("{} applies to queues, but this policy applies to exchanges only", known.key));
            }
            if !known.for_queues && !matches!(self.apply_to, ApplyTo::All | ApplyTo::Exchanges) {
                out.errors.push(format!("{} applies to exchanges, but this policy applies to queues only", known.key));
            }
            match known.value(text) {
                Ok(value) => {
                    if out.definition.insert(known.key.to_string(), value).is_some() {
                        out.errors.push(format!("{} is given twice", known.key));
                    }
                }
                Err(e) => out.errors.push(e),
            }
        }
        if out.definition.is_empty() && out.errors.is_empty() {
            out.errors.push("the definition is empty: add at least one key".into());
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

    fn draft(definition: &[(&str, &str)]) -> PolicyDraft {
        PolicyDraft {
            vhost: "/".into(),
            name: "p".into(),
            pattern: "^orders".into(),
            definition: definition.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
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
        let errors = |d: &[(&str, &str)]| draft(d).check(v310).errors.join("; ");
        assert!(errors(&[("message-ttl", "-1")]).contains("at least 0"));
        assert!(errors(&[("message-ttl", "ten")]).contains("whole number"));
        assert!(errors(&[("expires", "0")]).contains("at least 1"));
        assert!(errors(&[("overflow", "drop-tail")]).contains("one of"));
        assert!(errors(&[("max-age", "7 days")]).contains("unit"));
        assert!(errors(&[("colour", "blue")]).contains("unknown policy key"));
        assert!(errors(&[]).contains("empty"));
        assert!(errors(&[("ha-params", "[1]")]).contains("ha-params"));
        assert!(draft(&[("ha-mode", "exactly"), ("ha-params", "2")]).check(v310).errors.is_empty());
    }

    #[test]
    fn keys_follow_the_broker_version() {
        let ha = draft(&[("ha-mode", "all")]);
        assert!(ha.check(Version(3, 10)).errors.is_empty());
        assert!(ha.check(Version(4, 0)).errors[0].contains("removed in RabbitMQ 4.0"));
        let lazy = draft(&[("queue-mode", "lazy")]);
        assert!(lazy.check(Version(3, 10)).warnings.is_empty());
        assert!(lazy.check(Version(3, 12)).warnings[0].contains("no effect"));
        assert!(draft(&[("stream-filter-size-bytes", "32")]).check(Version(3, 10)).errors[0].contains("3.13"));
        let mut streams = draft(&[("max-age", "1D")]);
        streams.apply_to = ApplyTo::Streams;
        assert!(streams.check(Version(3, 10)).errors[0].contains("3.12"));
        assert!(streams.check(Version(4, 0)).errors.is_empty());
        assert_eq!(Version::parse("4.0.5+1.g1234"), Version(4, 0));
        assert_eq!(Version::parse("3.10.8"), Version(3, 10));
    }

    #[test]
    fn keys_fit_apply_to_and_policy_kind() {
        let mut exchanges_only = draft(&[("message-ttl", "1")]);
        exchanges_only.apply_to = ApplyTo::Exchanges;
        assert!(exchanges_only.check(Version(3, 10)).errors[0].contains("applies to queues"));
        let mut operator = draft(&[("dead-letter-exchange", "dlx")]);
        operator.operator = true;
        assert!(operator.check(Version(3, 10)).errors[0].contains("operator policy"));
        let twice = draft(&[("max-length", "1"), ("max-length", "2")]);
        assert!(twice.check(Version(3, 10)).errors[0].contains("twice"));
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
    fn queue_types_skip_policies_with_keys_they_do_not_take() {
        let (v3, v4) = (Version(3, 10), Version(4, 0));
        let definition = |keys: &[&str]| keys.iter().map(|k| (k.to_string(), json!(1))).collect::<Map<_, _>>();
        assert_eq!(keys_not_taken("quorum", &definition(&["max-priority", "message-ttl"]), v4), ["max-priority"]);
        assert_eq!(keys_not_taken("stream", &definition(&["max-age", "message-ttl"]), v3), ["message-ttl"]);
        assert!(!queue_type_takes("classic", "queue-leader-locator", v3));
        assert!(queue_type_takes("classic", "queue-leader-locator", v4));
        assert!(queue_type_takes("classic", "message-ttl", v4));
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
