//! Which policies a queue type skips: RabbitMQ skips, for a queue, every policy that holds a key
//! its type does not take, so a lower one applies instead.

use serde_json::{Map, Value};

use super::Version;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
