//! The write path against real brokers, through the whole HTTP app (sign-in, CSRF, roles, server
//! functions): publish, get, purge, create and delete, bindings, policies with their preview,
//! definitions import, templates; and bad inputs, each refused with a clear 4xx while the vhost's
//! definitions stay exactly as they were.

mod common;

use std::time::Duration;

use app::auth::Role;
use common::{brokers, cluster, enc, eventually, Admin, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A vhost on the broker and a Warren watching it; the vhost is removed at the end.
async fn setup(url: &str) -> (Admin, String, TestApp) {
    let admin = Admin::connect(url).await;
    let vhost = admin.vhost("warren-ops").await;
    let app = TestApp::new(&[cluster("it", &[url], "guest", Duration::from_secs(10))]).await;
    (admin, vhost, app)
}

/// Calls a server function as the admin and expects success.
async fn ok(app: &TestApp, function: &str, args: Value) -> Value {
    let (status, body) = app.call(function, args).await;
    assert!(status.is_success(), "{function}: {status} {body}");
    body
}

fn queue(vhost: &str, name: &str, kind: &str, args: Value) -> Value {
    json!({"cluster": "it", "queue": {"vhost": vhost, "name": name, "kind": kind, "durable": true,
           "auto_delete": false, "arguments": args}})
}

fn message(vhost: &str, exchange: &str, key: &str, payload: &str, copies: u32) -> Value {
    json!({"cluster": "it", "message": {
        "vhost": vhost, "exchange": exchange, "routing_key": key, "payload": payload, "encoding": "Text",
        "properties": {"persistent": true, "content_type": "application/json", "content_encoding": "", "priority": "3",
                       "correlation_id": "c-1", "reply_to": "", "expiration": "", "message_id": "m-1",
                       "timestamp": "1700000000", "kind": "order", "user_id": "", "app_id": "warren-tests"},
        "headers": [{"key": "attempt", "kind": "Number", "value": "2"}, {"key": "urgent", "kind": "Boolean", "value": "true"},
                    {"key": "region", "kind": "Text", "value": "eu / 北"}],
        "copies": copies,
    }})
}

async fn queue_on_broker(admin: &Admin, vhost: &str, name: &str) -> Value {
    admin.call(Method::GET, &format!("queues/{}/{}", enc(vhost), enc(name)), None).await
}

#[tokio::test]
async fn publish_get_purge_create_bind_delete() {
    for (version, url) in brokers() {
        let (admin, vhost, app) = setup(&url).await;
        let (orders, events) = ("订单 #1% /x", "events #/%");
        ok(
            &app,
            "ops/create_queue",
            queue(
                &vhost,
                orders,
                "Classic",
                json!([
                    {"key": "x-message-ttl", "kind": "Number", "value": "600000"},
                    {"key": "x-max-length", "kind": "Number", "value": "1000"},
                ]),
            ),
        )
        .await;
        ok(
            &app,
            "ops/create_queue",
            queue(
                &vhost,
                "quorum q",
                "Quorum",
                json!([
                    {"key": "x-delivery-limit", "kind": "Number", "value": "5"},
                ]),
            ),
        )
        .await;
        let q = queue_on_broker(&admin, &vhost, orders).await;
        assert_eq!(
            q["arguments"],
            json!({"x-message-ttl": 600000, "x-max-length": 1000, "x-queue-type": "classic"}),
            "{version}"
        );
        assert_eq!(queue_on_broker(&admin, &vhost, "quorum q").await["type"], "quorum", "{version}");

        ok(
            &app,
            "ops/create_exchange",
            json!({"cluster": "it", "exchange": {"vhost": vhost, "name": events, "kind": "topic",
            "durable": true, "auto_delete": false, "internal": false, "alternate_exchange": "", "arguments": []}}),
        )
        .await;
        ok(
            &app,
            "ops/add_binding",
            json!({"cluster": "it", "binding": {"vhost": vhost, "source": events, "to_queue": true,
            "destination": orders, "routing_key": "order.*", "arguments": []}}),
        )
        .await;
        let bindings =
            admin.call(Method::GET, &format!("exchanges/{}/{}/bindings/source", enc(&vhost), enc(events)), None).await;
        assert_eq!(bindings.as_array().unwrap().len(), 1, "{version}: {bindings}");

        // Routed through the topic exchange, and explained when it is not.
        let published = ok(&app, "ops/publish", message(&vhost, events, "order.created", r#"{"id": 1}"#, 1)).await;
        assert_eq!((published["copies"].as_u64(), published["routed"].as_u64()), (Some(1), Some(1)), "{version}");
        assert!(published["routing"].is_null());
        let lost = ok(&app, "ops/publish", message(&vhost, events, "invoice.created", "x", 1)).await;
        assert_eq!(lost["routed"], 0, "{version}");
        assert_eq!(lost["routing"]["steps"][0]["NoMatch"]["exchange"], events, "{version}: {lost}");
        // N copies through the default exchange, as the queue page sends them.
        let copies = ok(&app, "ops/publish", message(&vhost, "", orders, "copy", 4)).await;
        assert_eq!(copies["routed"], 4, "{version}");

        // Get requeues by default: the same message comes back, then marked redelivered.
        let get = |ack: &str, count: u32| {
            json!({"cluster": "it", "get": {"vhost": vhost, "queue": orders, "count": count,
            "ack": ack, "base64": false, "truncate": 50000}})
        };
        let got = ok(&app, "ops/get_messages", get("Requeue", 10)).await;
        let got = got.as_array().unwrap();
        assert_eq!(got.len(), 5, "{version}: {got:?}");
        let first = &got[0];
        assert_eq!((first["payload"].as_str(), first["redelivered"].as_bool()), (Some(r#"{"id": 1}"#), Some(false)));
        assert_eq!(first["routing_key"], "order.created");
        let headers: Vec<(String, String)> = serde_json::from_value(first["headers"].clone()).unwrap();
        assert!(
            headers.contains(&("attempt".into(), "2".into())) && headers.contains(&("urgent".into(), "true".into()))
        );
        assert!(headers.contains(&("region".into(), "eu / 北".into())), "{headers:?}");
        let properties: Vec<(String, String)> = serde_json::from_value(first["properties"].clone()).unwrap();
        for expected in [("delivery_mode", "2"), ("priority", "3"), ("type", "order"), ("timestamp", "1700000000")] {
            assert!(
                properties.contains(&(expected.0.into(), expected.1.into())),
                "{version}: {expected:?} in {properties:?}"
            );
        }
        let again = ok(&app, "ops/get_messages", get("Requeue", 1)).await;
        assert_eq!(again[0]["redelivered"], true, "{version}");
        // Acknowledged ones leave the queue.
        ok(&app, "ops/get_messages", get("Ack", 1)).await;
        eventually("4 messages left", || async { queue_on_broker(&admin, &vhost, orders).await["messages"] == 4 })
            .await;

        // Delete only-if-empty is refused by the broker while messages remain; its words are kept.
        let delete = |if_empty| json!({"cluster": "it", "delete": {"vhost": vhost, "name": orders, "if_empty": if_empty, "if_unused": false}});
        let (status, body) = app.call("ops/delete_queue", delete(true)).await;
        assert_eq!(status, 400, "{version}: {body}");
        assert!(body["Rejected"]["reason"].as_str().is_some_and(|r| !r.is_empty()), "{version}: {body}");
        ok(&app, "ops/purge_queue", json!({"cluster": "it", "vhost": vhost, "name": orders})).await;
        eventually("the queue purged", || async { queue_on_broker(&admin, &vhost, orders).await["messages"] == 0 })
            .await;

        // Unbind with the key the snapshot lists.
        let (_, listed) = app.call("get_exchange", json!({"cluster": "it", "vhost": vhost, "name": events})).await;
        let binding = &listed["data"]["bindings_out"][0];
        ok(
            &app,
            "ops/remove_binding",
            json!({"cluster": "it", "binding": {"vhost": vhost, "source": events, "to_queue": true,
            "destination": orders, "properties_key": binding["properties_key"]}}),
        )
        .await;
        let bindings =
            admin.call(Method::GET, &format!("exchanges/{}/{}/bindings/source", enc(&vhost), enc(events)), None).await;
        assert_eq!(bindings, json!([]), "{version}");
        // The page shows the change at once, not at the next refresh.
        let (_, listed) = app.call("get_exchange", json!({"cluster": "it", "vhost": vhost, "name": events})).await;
        assert_eq!(listed["data"]["bindings_out"], json!([]), "{version}");

        // Exchange to exchange, and back off again.
        ok(
            &app,
            "ops/create_exchange",
            json!({"cluster": "it", "exchange": {"vhost": vhost, "name": "hop", "kind": "fanout",
            "durable": true, "auto_delete": false, "internal": false, "alternate_exchange": "", "arguments": []}}),
        )
        .await;
        ok(&app, "ops/add_binding", json!({"cluster": "it", "binding": {"vhost": vhost, "source": events, "to_queue": false,
            "destination": "hop", "routing_key": "#", "arguments": [{"key": "x-note", "kind": "Text", "value": "e2e"}]}})).await;
        let into_hop =
            admin.call(Method::GET, &format!("exchanges/{}/hop/bindings/destination", enc(&vhost)), None).await;
        assert_eq!(into_hop[0]["source"], events, "{version}: {into_hop}");
        let (_, listed) = app.call("get_exchange", json!({"cluster": "it", "vhost": vhost, "name": "hop"})).await;
        let binding = &listed["data"]["bindings_in"][0];
        assert_eq!(binding["arguments"], r#"{"x-note":"e2e"}"#, "{version}: {listed}");
        ok(
            &app,
            "ops/remove_binding",
            json!({"cluster": "it", "binding": {"vhost": vhost, "source": events, "to_queue": false,
            "destination": "hop", "properties_key": binding["properties_key"]}}),
        )
        .await;
        let into_hop =
            admin.call(Method::GET, &format!("exchanges/{}/hop/bindings/destination", enc(&vhost)), None).await;
        assert_eq!(into_hop, json!([]), "{version}");

        ok(&app, "ops/delete_queue", delete(true)).await;
        ok(
            &app,
            "ops/delete_exchange",
            json!({"cluster": "it", "delete": {"vhost": vhost, "name": events, "if_unused": true}}),
        )
        .await;
        let (status, _) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": orders})).await;
        assert_eq!(status, 404, "{version}: the deleted queue is gone from the snapshot at once");

        // Every write is in the audit log.
        let (_, audit) = app
            .call(
                "admin/list_audit",
                json!({"query": {"actor": "admin", "action": "", "cluster": "it",
            "outcome": "", "page": 1}}),
            )
            .await;
        let actions: Vec<&str> =
            audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        for action in [
            "create_queue",
            "create_exchange",
            "add_binding",
            "publish",
            "get_messages",
            "purge_queue",
            "remove_binding",
            "delete_queue",
            "delete_exchange",
        ] {
            assert!(actions.contains(&action), "{version}: {action} in {actions:?}");
        }
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
    }
}

#[tokio::test]
async fn roles_decide_who_writes() {
    let (version, url) = brokers().remove(0);
    let (admin, vhost, app) = setup(&url).await;
    let viewer = app.user("viewer", Role::Viewer, None, None).await;
    let operator = app.user("operator", Role::Operator, None, None).await;
    let (status, _) = app.call_as(Some(&viewer), "ops/publish", message(&vhost, "", "q", "x", 1)).await;
    assert_eq!(status, 403, "{version}: viewers do not publish");
    let (status, body) =
        app.call_as(Some(&operator), "ops/create_queue", queue(&vhost, "by operator", "Classic", json!([]))).await;
    assert!(status.is_success(), "{version}: operators create queues: {body}");
    let delete = json!({"cluster": "it", "delete": {"vhost": vhost, "name": "by operator", "if_empty": false, "if_unused": false}});
    let (status, _) = app.call_as(Some(&operator), "ops/delete_queue", delete.clone()).await;
    assert_eq!(status, 403, "{version}: deleting a queue is for admins");
    assert_eq!(queue_on_broker(&admin, &vhost, "by operator").await["name"], "by operator");
    let (status, _) = app
        .call_as(
            Some(&operator),
            "ops/preview_import",
            json!({"cluster": "it", "import": {"vhost": vhost, "definitions": "{}"}}),
        )
        .await;
    assert_eq!(status, 403, "{version}: imports are for admins");
    ok(&app, "ops/delete_queue", delete).await;
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

fn policy(vhost: &str, name: &str, pattern: &str, priority: i64, definition: &[(&str, &str)], operator: bool) -> Value {
    let definition: Vec<(String, String)> = definition.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    json!({"cluster": "it", "draft": {"vhost": vhost, "name": name, "pattern": pattern, "apply_to": "Queues",
           "priority": priority, "definition": definition, "operator": operator}})
}

#[tokio::test]
async fn policy_previews_match_what_the_broker_applies() {
    for (version, url) in brokers() {
        let (admin, vhost, app) = setup(&url).await;
        let v = enc(&vhost);
        for q in ["orders.eu", "orders.us", "payments"] {
            admin.put(&format!("queues/{v}/{}", enc(q)), json!({"durable": true})).await;
        }
        // Queue types that do not take some of the keys below: RabbitMQ skips such a policy.
        for (q, kind) in [("orders.quorum", "quorum"), ("orders.stream", "stream")] {
            admin.put(&format!("queues/{v}/{q}"), json!({"durable": true, "arguments": {"x-queue-type": kind}})).await;
        }
        admin
            .put(
                &format!("policies/{v}/broad"),
                json!({"pattern": ".*", "definition": {"max-length": 100}, "priority": 1, "apply-to": "queues"}),
            )
            .await;
        ok(
            &app,
            "ops/save_policy",
            policy(&vhost, "cap", ".*", 0, &[("max-length", "50"), ("message-ttl", "1000")], true),
        )
        .await;
        eventually("the snapshot has the queues", || async {
            let (_, p) = app
                .call(
                    "list_queues",
                    json!({"cluster": "it", "query": {"vhost": vhost, "filter": "", "regex": false,
                "sort": "", "desc": false, "page": 1, "page_size": 50}}),
                )
                .await;
            p["data"]["total"] == 5
        })
        .await;

        // The preview, before saving: "orders" wins over "broad" on the orders queues only, and
        // the stream skips both (streams take neither message-ttl nor max-length).
        let draft =
            policy(&vhost, "orders ttl", "^orders\\.", 5, &[("message-ttl", "60000"), ("max-length", "10")], false);
        let preview = ok(&app, "preview_policy", json!({"cluster": "it", "draft": draft["draft"]})).await;
        assert_eq!(
            (preview["matched"].as_u64(), preview["applies_to"].as_u64()),
            (Some(4), Some(3)),
            "{version}: {preview}"
        );
        let stream = preview["rows"].as_array().unwrap().iter().find(|r| r["name"] == "orders.stream").unwrap();
        assert_eq!(
            (&stream["policy"], &stream["keys_not_taken"]),
            (&json!(""), &json!(["max-length", "message-ttl"])),
            "{version}"
        );
        assert_eq!(preview["checked"]["errors"], json!([]));
        // PCRE look-ahead, as RabbitMQ's patterns allow.
        let lookahead = policy(&vhost, "not us", "^orders\\.(?!us)", 5, &[("max-length", "10")], false);
        let not_us = ok(&app, "preview_policy", json!({"cluster": "it", "draft": lookahead["draft"]})).await;
        assert_eq!((not_us["matched"].as_u64(), &not_us["checked"]["errors"]), (Some(3), &json!([])), "{not_us}");
        ok(&app, "ops/save_policy", draft.clone()).await;

        // The broker agrees on each queue: which policy, which operator policy, and the merge
        // (the lower TTL and length of the two).
        for row in preview["rows"].as_array().unwrap() {
            let name = row["name"].as_str().unwrap();
            let expected: Value = row["effective"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    (
                        pair[0].as_str().unwrap().to_string(),
                        serde_json::from_str::<Value>(pair[1].as_str().unwrap()).unwrap(),
                    )
                })
                .collect::<serde_json::Map<String, Value>>()
                .into();
            eventually(&format!("{name} under its policies"), || {
                let (admin, vhost, expected, row) = (&admin, &vhost, expected.clone(), row.clone());
                async move {
                    let q = queue_on_broker(admin, vhost, name).await;
                    // No policy reads as null, and an empty definition as [] (an empty Erlang list).
                    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
                    let definition = match &q["effective_policy_definition"] {
                        Value::Array(a) if a.is_empty() => json!({}),
                        d => d.clone(),
                    };
                    text(&q["policy"]) == text(&row["policy"])
                        && text(&q["operator_policy"]) == text(&row["operator_policy"])
                        && definition == expected
                }
            })
            .await;
        }
        assert_eq!(
            preview["rows"][0]["effective"],
            json!([["max-length", "10"], ["message-ttl", "1000"]]),
            "{version}"
        );
        let payments = queue_on_broker(&admin, &vhost, "payments").await;
        assert_eq!(payments["policy"], "broad", "{version}: the pattern did not match payments");

        // Edit: the policy list shows the new definition at once.
        ok(&app, "ops/save_policy", policy(&vhost, "orders ttl", "^orders\\.", 5, &[("message-ttl", "30000")], false))
            .await;
        let (_, listed) = app.call("list_policies", json!({"cluster": "it", "vhost": vhost})).await;
        let mine =
            listed["data"]["user"].as_array().unwrap().iter().find(|p| p["name"] == "orders ttl").cloned().unwrap();
        assert_eq!(mine["definition"], json!({"message-ttl": 30000}), "{version}");
        ok(
            &app,
            "ops/delete_policy",
            json!({"cluster": "it", "policy": {"vhost": vhost, "name": "orders ttl", "operator": false}}),
        )
        .await;
        let policies = admin.call(Method::GET, &format!("policies/{v}"), None).await;
        assert_eq!(policies.as_array().unwrap().len(), 1, "{version}: only 'broad' is left: {policies}");
        ok(
            &app,
            "ops/delete_policy",
            json!({"cluster": "it", "policy": {"vhost": vhost, "name": "cap", "operator": true}}),
        )
        .await;
        admin.delete(&format!("vhosts/{v}")).await;
    }
}

#[tokio::test]
async fn definitions_import_previews_then_applies() {
    for (version, url) in brokers() {
        let (admin, vhost, app) = setup(&url).await;
        let v = enc(&vhost);
        admin.put(&format!("queues/{v}/existing"), json!({"durable": true})).await;
        let file = json!({
            "queues": [{"name": "existing", "durable": true, "auto_delete": false, "arguments": {}},
                       {"name": "new #1 /%", "durable": true, "auto_delete": false, "arguments": {"x-max-length": 5}}],
            "exchanges": [{"name": "new-x", "type": "fanout", "durable": true, "auto_delete": false, "internal": false, "arguments": {}}],
            "bindings": [{"source": "new-x", "destination": "new #1 /%", "destination_type": "queue", "routing_key": "", "arguments": {}}],
            "policies": [{"name": "p", "pattern": "^new", "apply-to": "queues", "definition": {"max-length": 3}, "priority": 0}],
        })
        .to_string();
        let import = json!({"cluster": "it", "import": {"vhost": vhost, "definitions": file}});
        let preview = ok(&app, "ops/preview_import", import.clone()).await;
        let section = |name: &str| {
            preview["sections"].as_array().unwrap().iter().find(|s| s["section"] == name).cloned().unwrap()
        };
        assert_eq!(section("queues")["added"].as_array().unwrap().len(), 1, "{version}: {preview}");
        assert_eq!(section("queues")["unchanged"], 1);
        assert_eq!(preview["blockers"], json!([]));
        let in_vhost = |whole: Value, section: &str| {
            whole[section].as_array().unwrap().iter().filter(|i| i["vhost"] == vhost.as_str()).count()
        };
        let before = admin.call(Method::GET, "definitions", None).await;
        assert_eq!(in_vhost(before, "queues"), 1, "a preview changes nothing");
        ok(&app, "ops/import_definitions", import).await;
        let after = admin.call(Method::GET, "definitions", None).await;
        assert_eq!(in_vhost(after.clone(), "queues"), 2, "{version}");
        assert_eq!(in_vhost(after, "policies"), 1);

        // Exported by Warren as a download: the same definitions.
        let (status, body) = app.get(&format!("/export/it/definitions?vhost={v}")).await;
        assert_eq!(status, 200, "{version}: {body}");
        let exported: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(exported["queues"].as_array().unwrap().len(), 2);
        admin.delete(&format!("vhosts/{v}")).await;
    }
}

#[tokio::test]
async fn bad_inputs_are_refused_and_change_nothing() {
    for (version, url) in brokers() {
        let (admin, vhost, app) = setup(&url).await;
        let v = enc(&vhost);
        admin.put(&format!("queues/{v}/{}", enc("a/b #%")), json!({"durable": true})).await;
        admin.put(&format!("policies/{v}/keep"), json!({"pattern": "^a", "definition": {"max-length": 9}})).await;
        // The whole broker's export, this vhost's part (RabbitMQ 4.0 cannot export a vhost whose
        // name is not ASCII on its own).
        let export = || async {
            let whole = admin.call(Method::GET, "definitions", None).await;
            ["queues", "exchanges", "bindings", "policies", "parameters"].map(|section| {
                whole[section]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| i["vhost"] == vhost.as_str())
                    .cloned()
                    .collect::<Vec<_>>()
            })
        };
        let before = export().await;
        eventually("the snapshot lists the queue", || async {
            let (_, q) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": "a/b #%"})).await;
            q.get("data").is_some()
        })
        .await;
        let (status, body) =
            app.call("ops/create_queue", queue("no such vhost 不存在", "q", "Classic", json!([]))).await;
        assert_eq!(status, 404, "{version}: unknown vhost: {body}");
        let send_raw = |function: &str, raw: &str| {
            let request = axum::http::Request::post(format!("/api/{function}"))
                .header("content-type", "application/json")
                .header("content-length", raw.len())
                .body(axum::body::Body::from(raw.to_string()))
                .unwrap();
            app.send_as(Some(&app.admin), request)
        };
        let cases: Vec<(&str, Value, &str)> = vec![
            ("ops/save_policy", policy(&vhost, "p", "^a", 0, &[("colour", "blue")], false), "unknown policy key"),
            ("ops/save_policy", policy(&vhost, "p", "^a", 0, &[("message-ttl", "-1")], false), "at least 0"),
            ("ops/save_policy", policy(&vhost, "p", "[", 0, &[("message-ttl", "1")], false), "regular expression"),
            (
                "ops/save_policy",
                policy(&vhost, "keep", "^a", 0, &[("ha-mode", "all")], false),
                if version.starts_with('4') { "removed" } else { "" },
            ),
            (
                "ops/create_queue",
                queue(&vhost, "ttl", "Classic", json!([{"key": "x-message-ttl", "kind": "Number", "value": "-5"}])),
                "at least 0",
            ),
            ("ops/create_queue", queue(&vhost, "a/b #%", "Classic", json!([])), "already exists"),
            ("ops/create_queue", queue(&vhost, "..", "Classic", json!([])), "cannot be named"),
            ("ops/create_queue", queue(&vhost, "amq.mine", "Classic", json!([])), "reserved"),
            (
                "ops/create_exchange",
                json!({"cluster": "it", "exchange": {"vhost": vhost, "name": "bad type", "kind": "no-such-type",
                "durable": true, "auto_delete": false, "internal": false, "alternate_exchange": "", "arguments": []}}),
                "Rejected",
            ),
            (
                "ops/publish",
                message(&vhost, "", "a/b #%", &"x".repeat(domain::ops::MAX_PAYLOAD_BYTES + 1), 1),
                "at most",
            ),
            ("ops/publish", message(&vhost, "", "a/b #%", "x", domain::ops::MAX_COPIES + 1), "copies"),
            (
                "ops/add_binding",
                json!({"cluster": "it", "binding": {"vhost": vhost, "source": "amq.direct", "to_queue": true,
                "destination": "no such queue", "routing_key": "", "arguments": []}}),
                "no such",
            ),
            (
                "ops/import_definitions",
                json!({"cluster": "it", "import": {"vhost": vhost, "definitions": "{\"queues\": [{\"name\": \"s\", \"durable\": true, \"arguments\": {\"x-queue-type\": \"stream\", \"x-max-priority\": 5}}]}"}}),
                "stream queues do not take it",
            ),
            (
                "ops/import_definitions",
                json!({"cluster": "it", "import": {"vhost": vhost, "definitions": "{not json"}}),
                "not valid JSON",
            ),
        ];
        for (function, args, expected) in cases {
            if expected.is_empty() {
                continue; // ha-* keys are still allowed on 3.x
            }
            let (status, body) = app.call(function, args).await;
            assert!(status.is_client_error(), "{version} {function}: {status} {body}");
            assert!(body.to_string().contains(expected), "{version} {function}: {expected:?} in {body}");
        }
        // Malformed JSON and a body over the limit never reach a server function.
        let (status, _, body) = send_raw("ops/create_queue", "{\"cluster\": ").await;
        assert_eq!(status, 400, "{version}: malformed JSON: {body}");
        let huge = json!({"cluster": "it", "message": {"payload": "x".repeat(2 << 20)}}).to_string();
        let (status, _, _) = send_raw("ops/publish", &huge).await;
        assert_eq!(status, 413, "{version}: a body over the limit");
        assert_eq!(export().await, before, "{version}: nothing changed");
        admin.delete(&format!("vhosts/{v}")).await;
    }
}

#[tokio::test]
async fn templates_are_per_user() {
    let (_, url) = brokers().remove(0);
    let (admin, vhost, app) = setup(&url).await;
    let operator = app.user("operator", Role::Operator, None, None).await;
    let saved = message(&vhost, "amq.topic", "a.b", "hello", 1);
    ok(&app, "ops/save_template", json!({"name": "hello", "message": saved["message"]})).await;
    let (_, mine) = app.call("ops/list_templates", json!({})).await;
    assert_eq!(mine[0]["name"], "hello");
    assert_eq!(mine[0]["message"]["payload"], "hello");
    let (_, theirs) = app.call_as(Some(&operator), "ops/list_templates", json!({})).await;
    assert_eq!(theirs, json!([]), "another user's templates are theirs");
    ok(&app, "ops/delete_template", json!({"name": "hello"})).await;
    let (status, _) = app.call("ops/delete_template", json!({"name": "hello"})).await;
    assert_eq!(status, 404);
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

#[tokio::test]
async fn broker_users_write_with_their_own_permissions() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-ops-user").await;
        let user = common::unique("warren-policymaker");
        let password = "their own password 42";
        admin.put(&format!("users/{}", enc(&user)), json!({"password": password, "tags": "policymaker"})).await;
        // They may configure only queues named mine-*.
        admin
            .put(
                &format!("permissions/{}/{}", enc(&vhost), enc(&user)),
                json!({"configure": "^mine-", "write": ".*", "read": ".*"}),
            )
            .await;
        let mut config = cluster("it", &[&url], "guest", Duration::from_secs(10));
        config.broker_sign_in = true;
        let app = TestApp::new(&[config]).await;
        let session = app.sign_in("broker:it", &user, password, "10.1.1.1").await.expect("the broker accepts them");
        let (status, body) =
            app.call_as(Some(&session), "ops/create_queue", queue(&vhost, "mine-1", "Classic", json!([]))).await;
        assert!(status.is_success(), "{version}: {body}");
        // Warren's own account (guest, an administrator) could; the broker refuses them.
        let (status, body) =
            app.call_as(Some(&session), "ops/create_queue", queue(&vhost, "theirs", "Classic", json!([]))).await;
        assert!(status.is_client_error(), "{version}: {status} {body}");
        assert!(body.to_string().contains(&user), "{version}: says whose permission: {body}");
        let queues = admin.call(Method::GET, &format!("queues/{}?columns=name", enc(&vhost)), None).await;
        assert_eq!(queues, json!([{"name": "mine-1"}]), "{version}");
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
        admin.delete(&format!("users/{}", enc(&user))).await;
    }
}
