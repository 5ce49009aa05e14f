//! Definitions import (issue 24): each situation RabbitMQ's import handles its own way, imported
//! whole-broker through Warren into real 3.10 and 4.0 nodes (with the federation plugin) and the
//! 3-node clusters (without it, nor the shovel plugin). After each, the broker holds exactly what the preview said it
//! would add and change, or nothing new when the preview refused the file; and a file the
//! broker fails halfway is reported with what it left applied. Names are unique and removed.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{brokers, cluster, enc, unique, Admin, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// What a situation's import should do.
enum Expect {
    /// Refused before anything is sent, with a blocker of this kind.
    Refused(&'static str),
    /// Applied as previewed.
    Applied,
}

struct Situation {
    name: &'static str,
    /// Objects made on the broker first.
    before: Vec<(Method, String, Value)>,
    file: Value,
    expect: Expect,
}

/// The objects whose names hold `marker` that an import added (`+`) or changed (`~`), labelled as
/// the preview labels them.
fn applied(before: &Value, after: &Value, marker: &str) -> BTreeSet<String> {
    domain::definitions::applied(before, after, None).into_iter().filter(|l| l.contains(marker)).collect()
}

/// What the preview says the import adds and changes (and the permissions it grants).
fn previewed(preview: &Value, marker: &str) -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    for section in preview["sections"].as_array().unwrap() {
        labels.extend(section["added"].as_array().unwrap().iter().map(|l| format!("+ {}", l.as_str().unwrap())));
        labels.extend(
            section["changed"].as_array().unwrap().iter().map(|c| format!("~ {}", c["item"].as_str().unwrap())),
        );
    }
    for effect in preview["effects"].as_array().unwrap() {
        if let Some(granted) = effect.get("FullPermissions") {
            let (user, vhost) = (granted["user"].as_str().unwrap(), granted["vhost"].as_str().unwrap());
            labels.insert(format!("+ permission {user:?} / {vhost:?}"));
        }
    }
    labels.into_iter().filter(|l| l.contains(marker)).collect()
}

/// The broker's definitions, with each vhost's description, tags and metadata (RabbitMQ 3.10
/// exports a vhost as its name alone).
async fn export(admin: &Admin) -> Value {
    let mut whole = admin.call(Method::GET, "definitions", None).await;
    let listed = admin.call(Method::GET, "vhosts?columns=name,description,tags,metadata,tracing", None).await;
    for vhost in whole["vhosts"].as_array_mut().unwrap() {
        let details = listed.as_array().unwrap().iter().find(|l| l["name"] == vhost["name"]).unwrap();
        for (key, value) in details.as_object().unwrap() {
            vhost.as_object_mut().unwrap().entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    whole
}

async fn clean(admin: &Admin, marker: &str) {
    let whole = admin.call(Method::GET, "definitions", None).await;
    for (section, path) in [("vhosts", "vhosts"), ("users", "users")] {
        for item in whole[section].as_array().unwrap() {
            let name = item["name"].as_str().unwrap();
            if name.contains(marker) {
                admin.delete(&format!("{path}/{}", enc(name))).await;
            }
        }
    }
}

async fn import(app: &TestApp, file: &Value) -> (Value, (axum::http::StatusCode, Value)) {
    let import = json!({"cluster": "it", "import": {"vhost": null, "definitions": file.to_string()}});
    let (status, preview) = app.call("ops/preview_import", import.clone()).await;
    assert!(status.is_success(), "preview: {status} {preview}");
    (preview, app.call("ops/import_definitions", import).await)
}

fn situations(m: &str, federation: bool, four: bool) -> Vec<Situation> {
    let v = format!("{m} 虚拟 #%/?");
    let user = format!("{m}-user");
    let vhost_path = format!("vhosts/{}", enc(&v));
    let make_vhost = (Method::PUT, vhost_path.clone(), json!({"description": "kept by nobody"}));
    vec![
        Situation {
            name: "a federation upstream",
            before: vec![],
            file: json!({
                "users": [{"name": user, "password_hash": "", "tags": []}],
                "vhosts": [{"name": v}],
                "permissions": [{"user": user, "vhost": v, "configure": ".*", "write": ".*", "read": ".*"}],
                "exchanges": [{"name": "x", "vhost": v, "type": "topic", "durable": true, "auto_delete": false,
                               "internal": false, "arguments": {}}],
                "parameters": [{"component": "federation-upstream", "vhost": v, "name": "up",
                                "value": {"uri": "amqp://127.0.0.1:1"}}],
            }),
            expect: if federation { Expect::Applied } else { Expect::Refused("Component") },
        },
        Situation {
            name: "a stream with x-max-length",
            before: vec![],
            file: json!({"vhosts": [{"name": v}],
                         "queues": [{"name": "s", "vhost": v, "durable": true, "auto_delete": false,
                                     "arguments": {"x-queue-type": "stream", "x-max-length": 10}}]}),
            expect: Expect::Refused("Argument"),
        },
        Situation {
            name: "a user limit that is not a number",
            before: vec![],
            file: json!({"vhosts": [{"name": v}],
                         "users": [{"name": user, "password_hash": "", "tags": [],
                                    "limits": {"max-connections": "twomincepies"}}]}),
            expect: Expect::Refused("Limit"),
        },
        Situation {
            name: "queues and exchanges without a vhost",
            before: vec![],
            file: json!({"vhosts": [{"name": v}],
                         "queues": [{"name": format!("{m}-q"), "durable": true, "auto_delete": false, "arguments": {}}],
                         "exchanges": [{"name": format!("{m}-x"), "type": "direct", "durable": true,
                                        "auto_delete": false, "internal": false, "arguments": {}}]}),
            expect: Expect::Refused("NoVhost"),
        },
        Situation {
            name: "a binding to a topic",
            before: vec![],
            file: json!({"vhosts": [{"name": v}],
                         "exchanges": [{"name": "x", "vhost": v, "type": "topic", "durable": true,
                                        "auto_delete": false, "internal": false, "arguments": {}}],
                         "queues": [{"name": "q", "vhost": v, "durable": true, "auto_delete": false, "arguments": {}}],
                         "bindings": [{"source": "x", "vhost": v, "destination": "q", "destination_type": "topic",
                                       "routing_key": "", "arguments": {}}]}),
            expect: Expect::Refused("DestinationType"),
        },
        Situation {
            name: "a vhost protected from deletion",
            before: vec![],
            file: json!({"vhosts": [{"name": v, "description": "", "tags": [],
                                     "metadata": {"protected_from_deletion": true}}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a queue that exists with other properties",
            before: vec![make_vhost.clone(), (Method::PUT, format!("queues/{}/q", enc(&v)), json!({"durable": true}))],
            file: json!({"vhosts": [{"name": v, "description": "kept by nobody"}],
                         "queues": [{"name": "q", "vhost": v, "durable": false, "auto_delete": false, "arguments": {}},
                                    {"name": "new", "vhost": v, "durable": true, "auto_delete": false, "arguments": {}}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a vhost without a description",
            before: vec![make_vhost.clone()],
            file: json!({"vhosts": [{"name": v}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a vhost with keys an export does not carry",
            before: vec![make_vhost.clone()],
            file: json!({"vhosts": [{"name": v, "limits": [],
                                     "metadata": {"description": "kept by nobody", "tags": []}}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a user whose tags are empty text",
            before: vec![(Method::PUT, format!("users/{}", enc(&user)), json!({"password_hash": "", "tags": ""}))],
            file: json!({"users": [{"name": user, "password_hash": "", "tags": ""}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a quorum queue that is not durable",
            before: vec![make_vhost.clone()],
            file: json!({"queues": [{"name": "transient", "vhost": v, "durable": false, "auto_delete": false,
                                     "arguments": {"x-queue-type": "quorum"}}]}),
            expect: Expect::Applied,
        },
        Situation {
            name: "a binding to a queue that is nowhere",
            before: vec![make_vhost.clone()],
            file: json!({"exchanges": [{"name": "x", "vhost": v, "type": "direct", "durable": true,
                                        "auto_delete": false, "internal": false, "arguments": {}}],
                         "bindings": [{"source": "x", "vhost": v, "destination": "gone", "destination_type": "queue",
                                       "routing_key": "", "arguments": {}}]}),
            expect: if four { Expect::Refused("Missing") } else { Expect::Applied },
        },
        Situation {
            name: "a server-named queue",
            before: vec![make_vhost],
            file: json!({"queues": [{"name": "amq.gen-JzTY20BRgKO-HjmUJj0wLg", "vhost": v, "durable": true,
                                     "auto_delete": false, "arguments": {}}]}),
            expect: Expect::Applied,
        },
    ]
}

/// Each situation through Warren into the broker at `url`; `plugins`: whether it runs the
/// federation and shovel plugins.
async fn situations_on(label: &str, url: &str, plugins: bool) {
    let admin = Admin::connect(url).await;
    let app = TestApp::new(&[cluster("it", &[url], "guest", Duration::from_secs(30))]).await;
    let marker = unique("defs");
    for situation in situations(&marker, plugins, label.starts_with('4') || label == "trio4") {
        let what = format!("{label}, {}", situation.name);
        for (method, path, body) in &situation.before {
            admin.call(method.clone(), path, Some(body.clone())).await;
        }
        let before = export(&admin).await;
        let (preview, (status, reply)) = import(&app, &situation.file).await;
        let after = export(&admin).await;
        let blockers = preview["blockers"].as_array().unwrap();
        match situation.expect {
            Expect::Refused(kind) => {
                assert!(blockers.iter().any(|b| b.get(kind).is_some()), "{what}: {kind} in {preview}");
                assert!(status.is_client_error(), "{what}: {status} {reply}");
                assert_eq!(applied(&before, &after, &marker), BTreeSet::new(), "{what}: nothing applied");
                // The refusal is the broker's own: sent to it directly, the file fails.
                let direct = reqwest::Client::new()
                    .post(format!("{url}/api/definitions"))
                    .basic_auth("guest", Some("guest"))
                    .json(&situation.file)
                    .send()
                    .await
                    .unwrap();
                let (code, text) = (direct.status(), direct.text().await.unwrap());
                assert!(!code.is_success(), "{what}: the broker took the file Warren refused: {code} {text}");
                eprintln!("{what}: the broker itself answers {code} {text:.200}");
            }
            Expect::Applied => {
                assert_eq!(blockers, &Vec::<Value>::new(), "{what}: {preview}");
                assert!(status.is_success(), "{what}: {status} {reply}");
                assert_eq!(applied(&before, &after, &marker), previewed(&preview, &marker), "{what}: {preview}");
                also(&what, &admin, &marker, &preview, &after).await;
            }
        }
        clean(&admin, &marker).await;
    }
    if plugins {
        the_broker_failing_halfway_is_reported(label, &admin, &app, &marker).await;
        clean(&admin, &marker).await;
    }
}

/// What a situation's preview says beyond adds and changes, checked on the broker.
async fn also(what: &str, admin: &Admin, marker: &str, preview: &Value, after: &Value) {
    let section = |name: &str| {
        preview["sections"].as_array().unwrap().iter().find(|s| s["section"] == name).cloned().unwrap_or_default()
    };
    let ours = |section: &str| -> Vec<Value> {
        let items = after[section].as_array().unwrap().iter();
        items
            .filter(|i| i["vhost"].as_str().or(i["name"].as_str()).unwrap_or_default().contains(marker))
            .cloned()
            .collect()
    };
    if what.ends_with("protected from deletion") {
        let dropped = preview["effects"].as_array().unwrap().iter().any(|e| e.get("ProtectionDropped").is_some());
        assert!(dropped, "{what}: both brokers predate 4.1: {preview}");
        let vhost = ours("vhosts")[0]["name"].as_str().unwrap().to_string();
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
        let left = admin.call(Method::GET, "vhosts?columns=name", None).await;
        assert!(!left.to_string().contains(&vhost), "{what}: the vhost could be deleted");
    } else if what.ends_with("other properties") {
        assert_eq!(section("queues")["kept"][0]["fields"], json!(["durable"]), "{what}: {preview}");
        let queue = ours("queues").into_iter().find(|q| q["name"] == "q").unwrap();
        assert_eq!(queue["durable"], true, "{what}: kept as it was");
    } else if what.ends_with("without a description") {
        assert_eq!(section("vhosts")["changed"][0]["fields"], json!(["description"]), "{what}: {preview}");
        assert_eq!(ours("vhosts")[0]["description"], "", "{what}: reset");
    } else if what.ends_with("does not carry") || what.ends_with("empty text") {
        assert_eq!(preview["sections"][0]["unchanged"], 1, "{what}: {preview}");
    } else if what.ends_with("not durable") {
        assert_eq!(section("queues")["skipped"][0]["reason"], "NotDurable", "{what}: {preview}");
        assert!(ours("queues").is_empty(), "{what}: not declared");
    } else if what.ends_with("is nowhere") {
        assert_eq!(section("bindings")["skipped"][0]["reason"], "MissingEnd", "{what}: {preview}");
        assert!(ours("bindings").is_empty(), "{what}: not bound");
    } else if what.ends_with("server-named queue") {
        assert_eq!(section("queues")["skipped"][0]["reason"], "Reserved", "{what}: {preview}");
        assert!(ours("queues").is_empty(), "{what}: not declared");
    }
}

/// A file the preview passes and the broker still fails (a shovel whose source is not a URI:
/// Warren does not check shovel values): the error says what the broker applied before it
/// failed, as the exports before and after show, and the audit has it.
async fn the_broker_failing_halfway_is_reported(label: &str, admin: &Admin, app: &TestApp, marker: &str) {
    let v = format!("{marker} 虚拟 half");
    let file = json!({
        "users": [{"name": format!("{marker}-half"), "password_hash": "", "tags": []}],
        "vhosts": [{"name": v}],
        "parameters": [{"component": "shovel", "vhost": v, "name": "s",
                        "value": {"src-uri": 5, "src-queue": "a", "dest-uri": "amqp://", "dest-queue": "b"}}],
    });
    let before = export(admin).await;
    let (preview, (status, reply)) = import(app, &file).await;
    let after = export(admin).await;
    assert_eq!(preview["blockers"], json!([]), "{label}: {preview}");
    assert!(status.is_client_error(), "{label}: the broker refuses the shovel: {status} {reply}");
    let left = applied(&before, &after, marker);
    assert!(!left.is_empty(), "{label}: the user and vhost were applied before the shovel");
    let reported = reply.to_string();
    for label in &left {
        assert!(reported.contains(&label.replace('"', "\\\"")), "{label} in {reported}");
    }
    let query =
        json!({"query": {"actor": "", "action": "import_definitions", "cluster": "it", "outcome": "", "page": 1}});
    let (_, audit) = app.call("admin/list_audit", query).await;
    assert!(audit.to_string().contains("failed after applying"), "{label}: audited: {audit}");
}

#[tokio::test]
async fn each_situation_ends_as_the_preview_said_on_single_nodes() {
    for (version, url) in brokers() {
        situations_on(&version, &url, true).await;
    }
}

#[tokio::test]
async fn each_situation_ends_as_the_preview_said_on_the_3_node_clusters() {
    for (label, url) in [("trio", "http://127.0.0.1:15681"), ("trio4", "http://127.0.0.1:15701")] {
        situations_on(label, url, false).await;
    }
}
