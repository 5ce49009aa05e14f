//! The server functions attacked: each one of `app/src/api.rs` with well-typed base arguments
//! and the faults the server refuses whatever else is wrong.

use serde_json::{json, Value};

use crate::function::Function;
use crate::UNKNOWN_CLUSTER;

/// Every server function of `app/src/api.rs`. Names and vhosts are ones that do not exist.
pub(super) fn functions(tag: &str) -> Vec<Function> {
    let (vhost, name) = (format!("{tag}-vhost"), format!("{tag}-object"));
    let list =
        json!({"vhost": null, "filter": "", "regex": true, "sort": "", "desc": false, "page": 1, "page_size": 10});
    let entry = json!([{"key": "x-max-length", "kind": "Number", "value": "10"}]);
    let bad_entry = json!([{"key": "x-max-length", "kind": "Number", "value": "warren-fuzz-nan"}]);
    let message = json!({
        "vhost": vhost, "exchange": name, "routing_key": "warren.fuzz", "payload": "fuzz", "encoding": "Text",
        "properties": {
            "persistent": false, "content_type": "", "content_encoding": "", "priority": "", "correlation_id": "",
            "reply_to": "", "expiration": "", "message_id": "", "timestamp": "", "kind": "", "user_id": "", "app_id": ""
        },
        "headers": [{"key": "h", "kind": "Text", "value": "v"}],
        "copies": 1
    });
    let draft = json!({
        "vhost": vhost, "name": name, "pattern": "^warren-fuzz-nothing$", "apply_to": "Queues", "priority": 0,
        "definition": [["max-length", "10"]], "operator": false
    });
    let spec = json!({"version": 1, "name": name, "tiles": [{
        "title": "fuzz", "cluster": "it", "kind": "top_queues",
        "queues": {"vhost": null, "names": ["q"], "pattern": "^warren-fuzz"},
        "by": "backlog", "limit": 5,
        "thresholds": [{"metric": "ready", "amber": 1.0, "red": 2.0, "below": false}],
        "width": 2
    }]});
    let kinds = json!([
        {"kind": "totals", "vhost": null},
        {"kind": "top_queues", "queues": {"vhost": null, "names": ["q"], "pattern": "^warren-fuzz"}, "by": "backlog", "limit": 5},
        {"kind": "backlog", "queues": {"vhost": vhost, "names": [], "pattern": null}, "range": "Hour"},
        {"kind": "cluster_status"}
    ]);
    let too_many_tiles = Value::Array(vec![json!({"kind": "warnings"}); 25]);
    let nan = json!("warren-fuzz-nan");
    let dots = json!("..");
    let reserved = json!("amq.warren-fuzz");
    let missing_id = json!(987_654_321);

    let mut all: Vec<Function> = [
        "sign_in_options",
        "whoami",
        "list_clusters",
        "admin/list_screen_tokens",
        "admin/list_users",
        "ops/list_templates",
        "list_dashboards",
    ]
    .into_iter()
    .map(|function| Function::new(function, json!({})))
    .collect();
    all.push(Function::new("list_vhosts", json!({"cluster": "it"})));
    all.push(Function::new("get_overview", json!({"cluster": "it"})));
    for function in ["list_queues", "list_exchanges", "list_bindings", "list_connections"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "query": list}))
                .killer("query.sort", json!("warren-fuzz-no-such-column"))
                .regexes(&["query.filter"]),
        );
    }
    for function in ["get_queue", "get_exchange", "get_connection"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "vhost": vhost, "name": name}))
                .killer("vhost", json!(vhost))
                .killer("name", json!(name)),
        );
    }
    all.extend([
        Function::new("get_topology", json!({"cluster": "it", "vhost": vhost})),
        Function::new(
            "get_history",
            json!({"cluster": "it", "series": {"Queue": {"vhost": vhost, "name": name}}, "range": "Hour"}),
        ),
        Function::new("top_growing", json!({"cluster": "it", "vhost": null, "range": "Hour"})),
        Function::new(
            "admin/list_audit",
            json!({"query": {"actor": "", "action": "", "cluster": "", "outcome": "", "page": 1}}),
        ),
        Function::new("list_policies", json!({"cluster": "it", "vhost": null})),
        Function::new("preview_policy", json!({"cluster": "it", "draft": draft})).patterns(&["draft.pattern"]),
        Function::new("get_dashboard", json!({"id": missing_id})).refused(&["id"]),
        Function::new("get_tiles", json!({"cluster": "it", "kinds": kinds}))
            .killer("kinds", too_many_tiles)
            .patterns(&["kinds.1.queues.pattern"]),
        Function::new("admin/create_screen_token", json!({"label": "warren fuzz", "clusters": null}))
            .killer("clusters", json!([UNKNOWN_CLUSTER]))
            .killer("label", json!(""))
            .names(&["label"]),
        Function::new("admin/revoke_screen_token", json!({"id": missing_id})).refused(&["id"]),
        Function::new("ops/publish", json!({"cluster": "it", "message": message}))
            .killer("message.properties.priority", nan.clone())
            .killer("message.copies", json!(0))
            .names(&["message.vhost", "message.exchange"]),
        Function::new(
            "ops/get_messages",
            json!({"cluster": "it", "get": {"vhost": vhost, "queue": name, "count": 1, "ack": "Requeue", "base64": false, "truncate": null}}),
        )
        .killer("get.count", json!(0))
        .names(&["get.vhost", "get.queue"]),
        Function::new("ops/purge_queue", json!({"cluster": "it", "vhost": vhost, "name": name}))
            .killer("name", dots.clone())
            .names(&["name"]),
        Function::new(
            "ops/create_queue",
            json!({"cluster": "it", "queue": {"vhost": vhost, "name": name, "kind": "Classic", "durable": true, "auto_delete": false, "arguments": entry}}),
        )
        .killer("queue.arguments", bad_entry.clone())
        .killer("queue.name", reserved.clone())
        .names(&["queue.vhost", "queue.name"]),
        Function::new(
            "ops/delete_queue",
            json!({"cluster": "it", "delete": {"vhost": vhost, "name": name, "if_empty": true, "if_unused": true}}),
        )
        .killer("delete.name", dots.clone())
        .names(&["delete.name"]),
        Function::new(
            "ops/create_exchange",
            json!({"cluster": "it", "exchange": {
                "vhost": vhost, "name": name, "kind": "direct", "durable": true, "auto_delete": false,
                "internal": false, "alternate_exchange": "", "arguments": entry
            }}),
        )
        .killer("exchange.arguments", bad_entry.clone())
        .killer("exchange.kind", json!(" "))
        .killer("exchange.name", reserved)
        .names(&["exchange.vhost", "exchange.name", "exchange.alternate_exchange"]),
        Function::new(
            "ops/close_connection",
            json!({"cluster": "it", "close": {"vhost": vhost, "name": name, "reason": "warren fuzz"}}),
        )
        .killer("close.reason", json!("x".repeat(201)))
        .killer("close.name", dots.clone())
        .names(&["close.name"]),
        Function::new(
            "ops/delete_exchange",
            json!({"cluster": "it", "delete": {"vhost": vhost, "name": name, "if_unused": true}}),
        )
        .killer("delete.name", dots.clone())
        .names(&["delete.name"]),
        Function::new(
            "ops/add_binding",
            json!({"cluster": "it", "binding": {
                "vhost": vhost, "source": name, "to_queue": true, "destination": name,
                "routing_key": "warren.fuzz", "arguments": entry
            }}),
        )
        .killer("binding.arguments", bad_entry)
        .killer("binding.routing_key", json!("k".repeat(300)))
        .names(&["binding.vhost", "binding.source", "binding.destination"]),
        Function::new(
            "ops/remove_binding",
            json!({"cluster": "it", "binding": {
                "vhost": vhost, "source": name, "to_queue": true, "destination": name, "properties_key": "warren.fuzz"
            }}),
        )
        .killer("binding.destination", dots.clone())
        .killer("binding.source", dots.clone())
        .names(&["binding.source", "binding.destination"]),
        Function::new("ops/save_policy", json!({"cluster": "it", "draft": draft}))
            .killer("draft.pattern", json!("("))
            .killer("draft.definition", json!([["warren-fuzz-no-such-key", "1"]]))
            .names(&["draft.vhost", "draft.name"])
            .regexes(&["draft.pattern"]),
        Function::new(
            "ops/delete_policy",
            json!({"cluster": "it", "policy": {"vhost": vhost, "name": name, "operator": false}}),
        )
        .killer("policy.name", dots)
        .names(&["policy.name"]),
    ]);
    // The definitions are never JSON, so nothing can be imported.
    for function in ["ops/preview_import", "ops/import_definitions"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "import": {"vhost": null, "definitions": "{"}}))
                .killer("import.definitions", json!("{"))
                .refused(&["import.definitions"]),
        );
    }
    all.extend([
        Function::new("ops/save_template", json!({"name": "warren fuzz", "message": message}))
            .killer("message.copies", json!(0))
            .killer("message.properties.priority", nan)
            .killer("name", json!(""))
            .names(&["message.vhost", "message.exchange"]),
        // No template is ever saved, so any name is one that does not exist.
        Function::new("ops/delete_template", json!({"name": name})).refused(&["name"]),
        Function::new("admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec}))
            .killer("spec.version", json!(999))
            .killer("spec.tiles.0.cluster", json!(UNKNOWN_CLUSTER))
            .killer("spec.tiles", json!([]))
            .patterns(&["spec.tiles.0.queues.pattern"]),
        Function::new("admin/delete_dashboard", json!({"id": missing_id})).refused(&["id"]),
        Function::new("admin/import_dashboards", json!({"specs": [spec]}))
            .killer("specs.0.version", json!(999))
            .killer("specs.0.tiles.0.cluster", json!(UNKNOWN_CLUSTER))
            .killer("specs", json!([]))
            .patterns(&["specs.0.tiles.0.queues.pattern"]),
    ]);
    all
}
