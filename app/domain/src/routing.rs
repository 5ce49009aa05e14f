//! Where a message would go: RabbitMQ's routing rules for direct, fanout, topic and headers
//! exchanges, the default exchange, exchange-to-exchange bindings and alternate exchanges. Pure
//! code shared by the server and the browser, so a preview needs no round trip; the integration
//! tests check it against what a real broker does with the same message.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An exchange as routing sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub name: String,
    /// "direct", "fanout", "topic", "headers" (others are not previewed).
    pub kind: String,
    /// From the `alternate-exchange` argument, else from the effective policy.
    pub alternate: Option<String>,
}

/// A binding as routing sees it; arguments as JSON values, as the management API gives them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    pub source: String,
    pub destination: String,
    pub to_queue: bool,
    pub routing_key: String,
    pub arguments: Vec<(String, Value)>,
}

/// One vhost's exchanges, bindings and queue names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Topology {
    pub exchanges: Vec<Exchange>,
    pub bindings: Vec<Binding>,
    pub queues: Vec<String>,
}

/// Why a message went where it went, step by step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// `exchange` sent it on to `destination` through a binding (or the default exchange's rule).
    Bound { exchange: String, destination: String, to_queue: bool, binding_key: String },
    /// `exchange` matched nothing and handed it to its alternate exchange.
    Alternate { exchange: String, alternate: String },
    /// `exchange` matched nothing and has no alternate exchange.
    NoMatch { exchange: String },
    /// A binding or alternate exchange names an exchange that does not exist.
    Missing { exchange: String },
    /// The exchange's type is not one Warren can preview (a plugin's, such as x-consistent-hash).
    UnknownType { exchange: String, kind: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    pub queues: BTreeSet<String>,
    pub steps: Vec<Step>,
}

impl Routing {
    pub fn routed(&self) -> bool {
        !self.queues.is_empty()
    }
}

impl Topology {
    /// The queues a message published to `exchange` with `routing_key` and `headers` reaches.
    /// Each exchange is visited once, as in RabbitMQ, so binding cycles end.
    pub fn route(&self, exchange: &str, routing_key: &str, headers: &[(String, Value)]) -> Routing {
        let mut routing = Routing::default();
        let mut seen = BTreeSet::new();
        let mut work = vec![exchange.to_string()];
        while let Some(name) = work.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if name.is_empty() {
                // The default exchange: an implicit binding to every queue by its name.
                if self.queues.iter().any(|q| q == routing_key) {
                    routing.queues.insert(routing_key.to_string());
                    routing.steps.push(Step::Bound {
                        exchange: String::new(),
                        destination: routing_key.to_string(),
                        to_queue: true,
                        binding_key: routing_key.to_string(),
                    });
                } else {
                    routing.steps.push(Step::NoMatch { exchange: String::new() });
                }
                continue;
            }
            let Some(x) = self.exchanges.iter().find(|x| x.name == name) else {
                routing.steps.push(Step::Missing { exchange: name });
                continue;
            };
            if !matches!(x.kind.as_str(), "direct" | "fanout" | "topic" | "headers") {
                routing.steps.push(Step::UnknownType { exchange: name, kind: x.kind.clone() });
                continue;
            }
            let matched: Vec<&Binding> = self
                .bindings
                .iter()
                .filter(|b| b.source == name && binding_matches(&x.kind, b, routing_key, headers))
                .collect();
            if matched.is_empty() {
                match &x.alternate {
                    Some(alternate) => {
                        routing.steps.push(Step::Alternate { exchange: name, alternate: alternate.clone() });
                        work.push(alternate.clone());
                    }
                    None => routing.steps.push(Step::NoMatch { exchange: name }),
                }
                continue;
            }
            for b in matched {
                routing.steps.push(Step::Bound {
                    exchange: name.clone(),
                    destination: b.destination.clone(),
                    to_queue: b.to_queue,
                    binding_key: b.routing_key.clone(),
                });
                if b.to_queue {
                    // A binding to a queue that is gone delivers nowhere.
                    if self.queues.contains(&b.destination) {
                        routing.queues.insert(b.destination.clone());
                    }
                } else {
                    work.push(b.destination.clone());
                }
            }
        }
        routing
    }
}

fn binding_matches(kind: &str, binding: &Binding, routing_key: &str, headers: &[(String, Value)]) -> bool {
    match kind {
        "direct" => binding.routing_key == routing_key,
        "fanout" => true,
        "topic" => topic_matches(&binding.routing_key, routing_key),
        "headers" => headers_match(&binding.arguments, headers),
        _ => false,
    }
}

/// Words of a topic key: "" has none, "a..b" has an empty middle one.
fn words(key: &str) -> Vec<&str> {
    if key.is_empty() {
        Vec::new()
    } else {
        key.split('.').collect()
    }
}

/// `*` matches exactly one word, `#` zero or more.
pub fn topic_matches(pattern: &str, routing_key: &str) -> bool {
    fn matches(pattern: &[&str], key: &[&str]) -> bool {
        match pattern.split_first() {
            None => key.is_empty(),
            Some((&"#", rest)) => (0..=key.len()).any(|skip| matches(rest, &key[skip..])),
            Some((&"*", rest)) => !key.is_empty() && matches(rest, &key[1..]),
            Some((word, rest)) => key.first() == Some(word) && matches(rest, &key[1..]),
        }
    }
    matches(&words(pattern), &words(routing_key))
}

/// `x-match` all (default) or any; the `-with-x` forms also compare `x-` arguments, which are
/// otherwise ignored. Values compare with their types: 1, 1.0 and "1" differ.
pub fn headers_match(arguments: &[(String, Value)], headers: &[(String, Value)]) -> bool {
    let mode = arguments.iter().find(|(k, _)| k == "x-match").and_then(|(_, v)| v.as_str()).unwrap_or("all");
    let with_x = mode.ends_with("-with-x");
    let wanted = arguments.iter().filter(|(k, _)| k != "x-match" && (with_x || !k.starts_with("x-")));
    let present = |(key, value): &(String, Value)| headers.iter().any(|(k, v)| k == key && v == value);
    match mode {
        "any" | "any-with-x" => wanted.clone().any(present),
        _ => wanted.clone().all(present),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn topic_words_and_wildcards() {
        let cases = [
            ("a.b.c", "a.b.c", true),
            ("a.*.c", "a.b.c", true),
            ("a.*.c", "a.c", false),
            ("a.#", "a", true),
            ("a.#", "a.b.c", true),
            ("#", "", true),
            ("*", "", false),
            ("", "", true),
            ("#.c", "c", true),
            ("a.#.c", "a.c", true),
            ("a.#.c", "a.x.y.c", true),
            ("*.*", "a..", false),
            ("*.*.*", "a..", true),
            ("a..b", "a..b", true),
            ("a.*.b", "a..b", true),
            ("#.#", "a", true),
            ("a.*", "a", false),
        ];
        for (pattern, key, expected) in cases {
            assert_eq!(topic_matches(pattern, key), expected, "{pattern:?} vs {key:?}");
        }
    }

    #[test]
    fn headers_all_any_and_types() {
        let h = |pairs: &[(&str, Value)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Vec<_>>();
        let headers = h(&[("a", json!("1")), ("b", json!(2)), ("x-c", json!(true))]);
        assert!(headers_match(&h(&[("a", json!("1")), ("b", json!(2))]), &headers));
        assert!(!headers_match(&h(&[("a", json!(1))]), &headers), "types differ");
        assert!(headers_match(&h(&[("x-match", json!("any")), ("a", json!("no")), ("b", json!(2))]), &headers));
        assert!(headers_match(&h(&[("x-c", json!(false))]), &headers), "x- arguments are ignored");
        assert!(!headers_match(&h(&[("x-match", json!("all-with-x")), ("x-c", json!(false))]), &headers));
        assert!(headers_match(&h(&[]), &headers), "all of nothing");
        assert!(!headers_match(&h(&[("x-match", json!("any"))]), &headers), "any of nothing");
    }

    #[test]
    fn exchange_to_exchange_alternates_and_cycles() {
        let x = |name: &str, kind: &str, alternate: Option<&str>| Exchange {
            name: name.into(),
            kind: kind.into(),
            alternate: alternate.map(str::to_string),
        };
        let b = |source: &str, destination: &str, to_queue: bool, key: &str| Binding {
            source: source.into(),
            destination: destination.into(),
            to_queue,
            routing_key: key.into(),
            arguments: vec![],
        };
        let topology = Topology {
            exchanges: vec![
                x("in", "topic", Some("ae")),
                x("fan", "fanout", None),
                x("ae", "fanout", None),
                x("loop", "fanout", None),
            ],
            bindings: vec![
                b("in", "fan", false, "order.#"),
                b("fan", "q1", true, ""),
                b("fan", "loop", false, ""),
                b("loop", "fan", false, ""),
                b("ae", "unrouted", true, ""),
                b("in", "gone", true, "order.#"),
            ],
            queues: vec!["q1".into(), "unrouted".into()],
        };
        let routed = topology.route("in", "order.created", &[]);
        assert_eq!(routed.queues, BTreeSet::from(["q1".to_string()]));
        let unrouted = topology.route("in", "invoice", &[]);
        assert_eq!(unrouted.queues, BTreeSet::from(["unrouted".to_string()]));
        assert!(unrouted.steps.contains(&Step::Alternate { exchange: "in".into(), alternate: "ae".into() }));
        assert_eq!(topology.route("", "q1", &[]).queues, BTreeSet::from(["q1".to_string()]));
        assert!(!topology.route("", "nope", &[]).routed());
        assert_eq!(topology.route("missing", "k", &[]).steps, vec![Step::Missing { exchange: "missing".into() }]);
    }
}
