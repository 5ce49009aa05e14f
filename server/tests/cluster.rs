//! A cluster as a whole through Warren, on real brokers: its name (3.10 and 4.0), its feature
//! flags and its readiness for RabbitMQ 4 (on `3.10-flags`, a 3.10 node that boots with stable
//! flags left off, reset first), and the deprecated features 4.0 reports in use. Every write is
//! audited; scoped admins and operators are refused; bad input changes nothing.

mod common;

use std::time::Duration;

use app::auth::Role;
use axum::http::StatusCode;
use common::{broker_node, brokers, cluster, enc, eventually, Admin, TestApp};
use lapin::options::BasicQosOptions;
use lapin::{Connection, ConnectionProperties};
use reqwest::Method;
use serde_json::{json, Value};

/// The `3.10-flags` node of `scripts/broker.sh`.
const FLAGS_NODE: &str = "http://127.0.0.1:15674";

/// The kinds of finding (the variants' names) a readiness answer holds, in order.
fn kinds(readiness: &Value) -> Vec<String> {
    let findings = readiness["data"]["findings"].as_array().expect("findings");
    findings.iter().filter_map(|f| f.as_object()?.keys().next().cloned()).collect()
}

/// The finding of `kind`, its fields.
fn finding<'a>(readiness: &'a Value, kind: &str) -> &'a Value {
    let findings = readiness["data"]["findings"].as_array().expect("findings");
    findings.iter().find_map(|f| f.get(kind)).unwrap_or_else(|| panic!("no {kind} in {readiness}"))
}

/// The names an `Objects` value lists.
fn names(objects: &Value) -> Vec<&str> {
    objects["named"].as_array().unwrap().iter().filter_map(|o| o["name"].as_str()).collect()
}

async fn flag_states(admin: &Admin) -> Vec<(String, String)> {
    let flags = admin.call(Method::GET, "feature-flags", None).await;
    let flags = flags.as_array().unwrap().iter();
    flags.map(|f| (f["name"].as_str().unwrap().to_string(), f["state"].as_str().unwrap().to_string())).collect()
}

async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    let query = json!({"query": {"actor": "", "action": action, "cluster": "it", "outcome": "", "page": 1}});
    let (_, audit) = app.call("admin/list_audit", query).await;
    audit["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn readiness_lists_each_blocker_on_3_10_and_flags_enable_on_the_broker() {
    broker_node("reset", "3.10-flags");
    let admin = Admin::connect(FLAGS_NODE).await;
    let app = TestApp::new(&[cluster("it", &[FLAGS_NODE], "guest", Duration::from_secs(10))]).await;

    // A clean node: what concerns the whole cluster (its flags, its single node), no object.
    let (status, clean) = app.call("cluster/readiness", json!({"cluster": "it"})).await;
    assert_eq!(status, StatusCode::OK, "{clean}");
    assert_eq!(kinds(&clean), ["FlagsDisabled", "QuorumNeeds"], "{clean}");
    let pending = finding(&clean, "FlagsDisabled")["flags"].clone();
    assert_eq!(pending, json!(["drop_unroutable_metric", "empty_basic_get_metric", "stream_queue", "user_limits"]));
    assert_eq!(finding(&clean, "QuorumNeeds")["nodes"], 1);
    assert_eq!(clean["data"]["steps"].as_array().unwrap().len(), 4, "3.11, 3.12, 3.13, 4.0: {clean}");

    // Each blocker and risk, in a vhost whose name needs encoding.
    let vhost = admin.vhost("warren-upgrade").await;
    let v = enc(&vhost);
    admin.put(&format!("policies/{v}/ha"), json!({"pattern": "^mirrored", "definition": {"ha-mode": "all"}})).await;
    admin.put(&format!("policies/{v}/lazy"), json!({"pattern": "^lazy", "definition": {"queue-mode": "lazy"}})).await;
    admin.put(&format!("queues/{v}/mirrored"), json!({"durable": true})).await;
    admin.publish(&vhost, "", "mirrored", 3).await;
    admin.put(&format!("queues/{v}/lazy%20q"), json!({"durable": true})).await;
    admin.put(&format!("queues/{v}/transient"), json!({"durable": false})).await;
    let located =
        json!({"durable": true, "arguments": {"x-queue-master-locator": "min-masters", "x-queue-version": 2}});
    admin.put(&format!("queues/{v}/located"), located).await;
    admin.put(&format!("queues/{v}/quorum"), json!({"durable": true, "arguments": {"x-queue-type": "quorum"}})).await;
    // Global QoS is a channel's: a real client sets it and stays connected.
    let uri = format!("amqp://guest:guest@127.0.0.1:5674/{}", enc(&vhost));
    let connection = Connection::connect(&uri, ConnectionProperties::default()).await.expect("AMQP to 3.10-flags");
    let channel = connection.create_channel().await.unwrap();
    channel.basic_qos(10, BasicQosOptions { global: true }).await.unwrap();

    eventually("every blocker in the readiness check", || async {
        kinds(&app.call("cluster/readiness", json!({"cluster": "it"})).await.1).len() == 8
    })
    .await;
    let (_, seen) = app.call("cluster/readiness", json!({"cluster": "it"})).await;
    let expected = [
        "FlagsDisabled",
        "Mirroring",
        "LazyMode",
        "ClassicV1",
        "GlobalQos",
        "TransientQueues",
        "MasterLocator",
        "QuorumNeeds",
    ];
    assert_eq!(kinds(&seen), expected, "blockers first: {seen}");
    let mirroring = finding(&seen, "Mirroring");
    assert_eq!((names(&mirroring["policies"]), names(&mirroring["queues"])), (vec!["ha"], vec!["mirrored"]));
    assert_eq!(mirroring["messages"], 3);
    assert_eq!(mirroring["queues"]["named"][0]["vhost"], vhost.as_str());
    let lazy = finding(&seen, "LazyMode");
    assert_eq!((names(&lazy["policies"]), names(&lazy["queues"])), (vec!["lazy"], vec!["lazy q"]));
    // 3.10 makes classic queues v1 unless told otherwise; the quorum queue is no classic queue.
    let mut v1 = names(&finding(&seen, "ClassicV1")["queues"]);
    v1.sort();
    assert_eq!(v1, ["lazy q", "mirrored", "transient"]);
    assert_eq!(names(&finding(&seen, "GlobalQos")["channels"]).len(), 1);
    assert_eq!(names(&finding(&seen, "TransientQueues")["queues"]), ["transient"]);
    assert_eq!(names(&finding(&seen, "MasterLocator")["queues"]), ["located"]);

    // Feature flags: an unknown one is refused; one is enabled, then the rest, on the broker.
    let enable = |name: &str| json!({"cluster": "it", "name": name, "experimental_confirmed": false});
    let (status, body) = app.call("cluster/enable_flag", enable("no_such_flag")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("no_such_flag"), "{body}");
    let (status, body) = app.call("cluster/enable_flag", enable(&"f".repeat(100_000))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().len() < 1_000, "the name is not echoed whole: {} bytes", body.to_string().len());
    assert_eq!(app.call("cluster/enable_flag", enable("user_limits")).await.0, StatusCode::OK);
    let states = flag_states(&admin).await;
    assert!(states.contains(&("user_limits".into(), "enabled".into())), "{states:?}");
    assert!(states.contains(&("stream_queue".into(), "disabled".into())), "one at a time: {states:?}");
    for name in ["drop_unroutable_metric", "empty_basic_get_metric", "stream_queue"] {
        assert_eq!(app.call("cluster/enable_flag", enable(name)).await.0, StatusCode::OK, "{name}");
    }
    assert!(flag_states(&admin).await.iter().all(|(_, state)| state == "enabled"));
    // Enabling one already enabled changes nothing and is no error.
    assert_eq!(app.call("cluster/enable_flag", enable("user_limits")).await.0, StatusCode::OK);
    let (_, settings) = app.call("cluster/settings", json!({"cluster": "it"})).await;
    assert!(settings["data"]["flags"].as_array().unwrap().iter().all(|f| f["state"] == "enabled"), "{settings}");
    assert_eq!(settings["data"]["deprecated"], Value::Null, "3.10 has no list of deprecated features");
    let (_, after) = app.call("cluster/readiness", json!({"cluster": "it"})).await;
    assert!(!kinds(&after).contains(&"FlagsDisabled".to_string()), "{after}");
    let entries = audited(&app, "enable_feature_flag").await;
    // Newest first: the first enabling is the last entry.
    let first =
        entries.iter().rev().find(|e| e["outcome"] == "ok" && e["object"].as_str().unwrap().contains("user_limits"));
    let detail: Value = serde_json::from_str(first.expect("audited")["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail, json!({"before": "disabled", "after": "enabled"}));
    assert!(entries.iter().any(|e| e["outcome"] != "ok" && e["object"].as_str().unwrap().contains("no_such_flag")));

    // Removing the vhost takes its objects; the channel's findings go with the connection.
    connection.close(200, "done").await.unwrap();
    admin.delete(&format!("vhosts/{v}")).await;
    eventually("a clean node again", || async {
        let (_, now) = app.call("cluster/readiness", json!({"cluster": "it"})).await;
        kinds(&now) == ["QuorumNeeds"]
    })
    .await;
}

#[tokio::test]
async fn the_cluster_name_changes_and_bad_names_change_nothing() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let original = admin.call(Method::GET, "cluster-name", None).await["name"].as_str().unwrap().to_string();
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let rename = |name: &str| json!({"cluster": "it", "name": name});
        let name_now = || async { admin.call(Method::GET, "cluster-name", None).await["name"].clone() };

        for bad in ["", "  ", "tab\there", "prod\u{202E}ue", &"n".repeat(256)] {
            let (status, body) = app.call("cluster/rename", rename(bad)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{version} {bad:?}: {body}");
            assert_eq!(name_now().await, original.as_str(), "{version}: nothing changed");
        }
        let operator = app.user("operator", Role::Operator, None, None).await;
        let scoped = app.user("scoped", Role::Admin, None, Some("^team$")).await;
        for session in [&operator, &scoped] {
            for (function, args) in [
                ("cluster/rename", rename("taken over")),
                ("cluster/settings", json!({"cluster": "it"})),
                ("cluster/readiness", json!({"cluster": "it"})),
                (
                    "cluster/enable_flag",
                    json!({"cluster": "it", "name": "stream_queue", "experimental_confirmed": true}),
                ),
            ] {
                let (status, _) = app.call_as(Some(session), function, args).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{version}: {function}");
            }
        }
        assert_eq!(app.call_as(None, "cluster/rename", rename("taken over")).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(name_now().await, original.as_str(), "{version}: nothing changed");

        let tricky = "warren 集群/#%?.. test";
        let (status, body) = app.call("cluster/rename", rename(tricky)).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert_eq!(name_now().await, tricky, "{version}");
        let (_, settings) = app.call("cluster/settings", json!({"cluster": "it"})).await;
        assert_eq!(settings["data"]["name"], tricky, "{version}: the next read asks the broker");
        assert_eq!(app.call("cluster/rename", rename(&original)).await.0, StatusCode::OK, "{version}");
        assert_eq!(name_now().await, original.as_str(), "{version}: restored");

        let entries = audited(&app, "rename_cluster").await;
        let ok: Vec<Value> = entries
            .iter()
            .filter(|e| e["outcome"] == "ok")
            .map(|e| serde_json::from_str(e["detail"].as_str().unwrap()).unwrap())
            .collect();
        assert!(ok.contains(&json!({"before": original, "after": tricky})), "{version}: {ok:?}");
        assert_eq!(ok.len(), 2, "{version}: refused renames are audited as failures");
    }
}

/// On 4.0: the broker lists its deprecated features and says which are in use; Warren shows
/// that on the cluster (the banner's data) until the use is gone; 4.0 refuses `ha-*` keys, and
/// an experimental flag is enabled only when confirmed.
#[tokio::test]
async fn deprecated_features_in_use_on_4_0() {
    let Some((_, url)) = brokers().into_iter().find(|(version, _)| version.starts_with('4')) else {
        panic!("WARREN_TEST_BROKERS names no 4.x broker");
    };
    let admin = Admin::connect(&url).await;
    let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
    let vhost = admin.vhost("warren-deprecated").await;
    let v = enc(&vhost);

    let (status, settings) = app.call("cluster/settings", json!({"cluster": "it"})).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let listed = settings["data"]["deprecated"].as_array().expect("4.0 lists its deprecated features");
    let phase = |name: &str| listed.iter().find(|f| f["name"] == name).map(|f| f["phase"].clone());
    assert_eq!(phase("classic_queue_mirroring"), Some(json!("removed")), "{settings}");
    assert!(phase("transient_nonexcl_queues").is_some(), "{settings}");

    // What 4.0 refuses outright: a policy with `ha-mode`.
    let refused = reqwest::Client::new()
        .put(format!("{url}/api/policies/{v}/ha"))
        .basic_auth("guest", Some("guest"))
        .json(&json!({"pattern": ".*", "definition": {"ha-mode": "all"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);

    // An experimental flag is refused unless confirmed (not enabled here: it is one-way).
    let flags = settings["data"]["flags"].as_array().unwrap();
    if let Some(experimental) = flags.iter().find(|f| f["stability"] == "experimental" && f["state"] == "disabled") {
        let name = experimental["name"].as_str().unwrap();
        let args = json!({"cluster": "it", "name": name, "experimental_confirmed": false});
        let (status, body) = app.call("cluster/enable_flag", args).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let states = flag_states(&admin).await;
        assert!(states.contains(&(name.to_string(), "disabled".into())), "{states:?}");
    }

    // A transient queue that is not exclusive: in use, on the cluster's list and its settings.
    admin.put(&format!("queues/{v}/transient"), json!({"durable": false})).await;
    let used_now = || async {
        let (_, clusters) = app.call("list_clusters", json!({})).await;
        clusters[0]["deprecated_used"].clone()
    };
    eventually("the deprecated feature in use on the cluster", || async {
        used_now().await.as_array().is_some_and(|used| used.contains(&json!("transient_nonexcl_queues")))
    })
    .await;
    let (_, settings) = app.call("cluster/settings", json!({"cluster": "it"})).await;
    let transient =
        settings["data"]["deprecated"].as_array().unwrap().iter().find(|f| f["name"] == "transient_nonexcl_queues");
    assert_eq!(transient.unwrap()["used"], true, "{settings}");
    let (_, readiness) = app.call("cluster/readiness", json!({"cluster": "it"})).await;
    assert_eq!(readiness["data"]["steps"], json!([]), "already on 4.0");
    assert!(kinds(&readiness).contains(&"DeprecatedInUse".to_string()), "{readiness}");

    // Gone with the queue, unless another test's transient queue is about.
    admin.delete(&format!("vhosts/{v}")).await;
    let queues = admin.call(Method::GET, "queues?columns=durable,exclusive,type", None).await;
    let others = queues.as_array().unwrap().iter().any(|q| q["durable"] == false && q["exclusive"] == false);
    if !others {
        eventually("no deprecated feature in use", || async { used_now().await == json!([]) }).await;
    }
}
