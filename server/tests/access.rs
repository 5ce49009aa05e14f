//! The broker's users, vhosts, permissions and limits through Warren, on real brokers (3.10 and
//! 4.0), proven with a real AMQP client (lapin): a user may do what it was granted and nothing
//! else, the broker enforces the limits Warren set, bad input changes nothing, every write is
//! audited, and deleting leaves nothing behind. Names need encoding; all removed after.

mod common;

use std::time::Duration;

use app::auth::Role;
use axum::http::StatusCode;
use common::{brokers, cluster, enc, unique, Admin, TestApp};
use lapin::options::{BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use reqwest::Method;
use serde_json::{json, Value};

const PASSWORD: &str = "p@ss word/#1 密";

async fn connect(url: &str, user: &str, vhost: &str) -> Result<Connection, lapin::Error> {
    let port: u16 = url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port");
    let uri = format!("amqp://{}:{}@127.0.0.1:{}/{}", enc(user), enc(PASSWORD), port - 10_000, enc(vhost));
    Connection::connect(&uri, ConnectionProperties::default()).await
}

/// Publishes on a confirming channel: whether the broker took it (a refusal closes the channel).
async fn published(channel: &Channel, exchange: &str, key: &str) -> bool {
    let Ok(confirm) =
        channel.basic_publish(exchange, key, BasicPublishOptions::default(), b"m", BasicProperties::default()).await
    else {
        return false;
    };
    matches!(confirm.await, Ok(c) if c.is_ack())
}

fn call(function: &str, args: Value) -> (String, Value) {
    let mut body = json!({"cluster": "it"});
    body.as_object_mut().unwrap().extend(args.as_object().unwrap().clone());
    (format!("access/{function}"), body)
}

/// Vhosts this test left behind in an earlier, failed run.
async fn remove_leftovers(admin: &Admin, stem: &str) {
    let existing = admin.call(Method::GET, "vhosts?columns=name", None).await;
    for name in existing.as_array().into_iter().flatten().filter_map(|v| v["name"].as_str()) {
        if name.starts_with(stem) {
            admin.delete(&format!("vhosts/{}", enc(name))).await;
        }
    }
    let users = admin.call(Method::GET, "users", None).await;
    for name in users.as_array().into_iter().flatten().filter_map(|u| u["name"].as_str()) {
        if name.starts_with("warren-access app") {
            admin.delete(&format!("users/{}", enc(name))).await;
        }
    }
}

#[tokio::test]
async fn users_vhosts_permissions_and_limits_are_what_the_broker_enforces() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let stem = "warren-access/虚拟 #%?";
        remove_leftovers(&admin, stem).await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let (vhost, user) = (unique(stem), unique("warren-access app 用户/#"));
        let is_3 = version.starts_with('3');
        let send = |function: &str, args: Value| {
            let (path, body) = call(function, args);
            let app = &app;
            async move { app.call(&path, body).await }
        };

        // A vhost with a name that needs encoding; a second create is refused.
        let draft = json!({"name": vhost, "description": "orders team", "tags": ["team-a"], "default_queue_type": null,
                           "tracing": false, "new": true});
        let (status, body) = send("save_vhost", json!({"draft": draft})).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert_eq!(send("save_vhost", json!({"draft": draft})).await.0, StatusCode::CONFLICT, "{version}");
        // A default queue type: 3.10 would answer 204 and drop it, so Warren refuses it there.
        let typed = json!({"name": vhost, "description": "orders team", "tags": ["team-a"],
                           "default_queue_type": "Quorum", "tracing": false, "new": false});
        let (status, body) = send("save_vhost", json!({"draft": typed})).await;
        let stored = admin.call(Method::GET, &format!("vhosts/{}", enc(&vhost)), None).await;
        if is_3 {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: {body}");
            assert!(body.to_string().contains("3.11"), "{version}: {body}");
        } else {
            assert_eq!(status, StatusCode::OK, "{version}: {body}");
            assert_eq!(stored["default_queue_type"], "quorum", "{version}: {stored}");
        }
        assert_eq!((stored["description"].as_str(), &stored["tags"]), (Some("orders team"), &json!(["team-a"])));

        // A user: an empty password, a tag with a space, an unaddressable name change nothing.
        let new_user = |name: &str, login: Value, tags: Value| json!({"draft": {"name": name, "login": login, "tags": tags, "new": true}});
        for bad in [
            new_user(&user, json!({"Password": ""}), json!(["management"])),
            new_user(&user, json!({"Password": PASSWORD}), json!(["b c"])),
            new_user("..", json!({"Password": PASSWORD}), json!([])),
            new_user(&"u".repeat(300), json!({"Password": PASSWORD}), json!([])),
            new_user(&user, json!({"Password": "p".repeat(5_000)}), json!([])),
        ] {
            let (status, body) = send("save_user", bad).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: {body}");
        }
        let (status, _) = app
            .call_as(
                None,
                "access/save_user",
                call("save_user", new_user(&user, json!({"Password": PASSWORD}), json!([]))).1,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{version}: signed out");
        assert!(!admin.call(Method::GET, "users", None).await.to_string().contains(&user), "{version}");
        let (status, body) =
            send("save_user", new_user(&user, json!({"Password": PASSWORD}), json!(["management"]))).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");

        // Permissions: a bad regex is refused with its reason before the broker sees it.
        let grant = |configure: &str, write: &str, read: &str| json!({"draft": {"vhost": vhost, "user": user, "configure": configure, "write": write, "read": read}});
        let (status, body) = send("set_permissions", grant("[", "", "")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: {body}");
        assert!(body.to_string().contains("RegexInvalid"), "{version}: {body}");
        let (status, _) = send("set_permissions", grant(&"a".repeat(2_000), "", "")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: a regex over 1,024 bytes");
        let permission_path = format!("permissions/{}/{}", enc(&vhost), enc(&user));
        let none = reqwest::Client::new()
            .get(format!("{url}/api/{permission_path}"))
            .basic_auth("guest", Some("guest"))
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 404, "{version}: nothing was granted");
        admin
            .put(&format!("permissions/{}/guest", enc(&vhost)), json!({"configure": ".*", "write": ".*", "read": ".*"}))
            .await;
        admin.put(&format!("exchanges/{}/warren.out", enc(&vhost)), json!({"type": "fanout"})).await;
        admin.put(&format!("queues/{}/warren.in", enc(&vhost)), json!({"durable": true})).await;
        admin.post(&format!("bindings/{}/e/warren.out/q/warren.in", enc(&vhost)), json!({})).await;
        let granted = grant("^warren\\.", "^(warren\\.out|amq\\.topic)$", "^warren\\.in$");
        // The preview names what each regex grants today (once the snapshot holds the queue).
        common::eventually("the preview to see the queue", || async {
            let (_, preview) = send("preview_permissions", granted.clone()).await;
            preview["fields"][2]["queues"] == json!(["warren.in"])
        })
        .await;
        let (_, preview) = send("preview_permissions", granted.clone()).await;
        assert_eq!(preview["fields"][1]["exchanges"], json!(["amq.topic", "warren.out"]), "{version}: {preview}");
        let (status, body) = send("set_permissions", granted.clone()).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        let topic = json!({"draft": {"vhost": vhost, "user": user, "exchange": "amq.topic", "write": "^allowed\\.", "read": ".*"}});
        let (status, body) = send("set_topic_permissions", topic).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");

        // The user may do what it was granted, and is refused the rest.
        let connection = connect(&url, &user, &vhost).await.expect("the user connects to its vhost");
        let channel = connection.create_channel().await.unwrap();
        channel.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
        assert!(published(&channel, "warren.out", "").await, "{version}: write granted");
        assert!(published(&channel, "amq.topic", "allowed.1").await, "{version}: topic key granted");
        let got = channel.basic_get("warren.in", BasicGetOptions::default()).await.unwrap();
        assert!(got.is_some(), "{version}: read granted");
        let declare = |name: &'static str| {
            let channel = connection.create_channel();
            async move {
                let channel = channel.await.unwrap();
                channel.queue_declare(name, QueueDeclareOptions::default(), FieldTable::default()).await
            }
        };
        assert!(declare("warren.mine").await.is_ok(), "{version}: configure granted");
        assert!(declare("other.q").await.is_err(), "{version}: configure refused outside ^warren\\.");
        let refused = connection.create_channel().await.unwrap();
        refused.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
        assert!(!published(&refused, "amq.topic", "denied.1").await, "{version}: topic key refused");
        let other = connection.create_channel().await.unwrap();
        other.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
        assert!(!published(&other, "amq.direct", "x").await, "{version}: write refused on amq.direct");
        assert!(connect(&url, &user, "/").await.is_err(), "{version}: no permissions in /");

        // Limits: the broker refuses the next connection, the next queue; cleared, it allows them.
        let limit =
            |target: Value, key: &str, value: Value| json!({"change": {"target": target, "key": key, "value": value}});
        let (status, body) = send("set_limit", limit(json!({"User": user}), "MaxConnections", json!(1))).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert!(connect(&url, &user, &vhost).await.is_err(), "{version}: a second connection over the user's limit");
        send("set_limit", limit(json!({"User": user}), "MaxConnections", Value::Null)).await;
        let second = connect(&url, &user, &vhost).await.expect("the limit cleared");
        let (status, _) = send("set_limit", limit(json!({"Vhost": vhost}), "MaxChannels", json!(1))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: vhosts have no channel limit");
        let (status, _) = send("set_limit", limit(json!({"Vhost": vhost}), "MaxQueues", json!(-1))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{version}");
        send("set_limit", limit(json!({"Vhost": vhost}), "MaxQueues", json!(0))).await;
        assert!(declare("warren.more").await.is_err(), "{version}: max-queues 0");
        let (_, access) = app.call("access/get", json!({"cluster": "it"})).await;
        let listed = access["data"]["vhosts"].as_array().unwrap().iter().find(|v| v["name"] == vhost).cloned().unwrap();
        assert_eq!(listed["limits"], json!([["max-queues", 0]]), "{version}: {listed}");
        assert!(listed["queues"].as_u64() >= Some(1), "{version}: {listed}");
        let listed_user =
            access["data"]["users"].as_array().unwrap().iter().find(|u| u["name"] == user).cloned().unwrap();
        assert_eq!((&listed_user["tags"], &listed_user["has_password"]), (&json!(["management"]), &json!(true)));
        assert!(!access.to_string().contains("password_hash"), "{version}: hashes never leave the server");
        drop(second);
        connection.close(200, "done").await.ok();

        // Changing the tags keeps the password; the broker still lets the user in.
        let keep = json!({"draft": {"name": user, "login": "Keep", "tags": ["monitoring"], "new": false}});
        assert_eq!(send("save_user", keep).await.0, StatusCode::OK, "{version}");
        let stored = admin.call(Method::GET, &format!("users/{}", enc(&user)), None).await;
        assert_eq!(stored["tags"], json!(["monitoring"]), "{version}");
        connect(&url, &user, &vhost).await.expect("the password kept").close(200, "").await.ok();

        // Warren's own account is not deleted; the audit has each write with before and after.
        assert_eq!(send("delete_user", json!({"name": "guest"})).await.0, StatusCode::BAD_REQUEST, "{version}");
        let query = json!({"query": {"actor": "", "action": "", "cluster": "it", "outcome": "", "page": 1}});
        let (_, audit) = app.call("admin/list_audit", query.clone()).await;
        let entries = audit["entries"].as_array().unwrap();
        let find = |action: &str| entries.iter().find(|e| e["action"] == action && e["outcome"] == "ok").cloned();
        let update = find("update_user").expect("the tag change is audited");
        let detail: Value = serde_json::from_str(update["detail"].as_str().unwrap()).unwrap();
        assert_eq!(
            (&detail["before"]["tags"], &detail["after"]["tags"]),
            (&json!(["management"]), &json!(["monitoring"]))
        );
        assert!(find("set_permissions").is_some() && find("set_limit").is_some() && find("create_vhost").is_some());
        assert!(
            !audit.to_string().contains(PASSWORD)
                && !audit.to_string().contains(stored["password_hash"].as_str().unwrap())
        );

        // Who may not: an operator, an admin limited to some vhosts.
        let operator = app.user("operator", Role::Operator, None, None).await;
        let scoped = app.user("scoped", Role::Admin, None, Some("^nothing$")).await;
        // The broker's users belong to no vhost: an admin limited to some vhosts reads none of it.
        let (_, seen) = app.call_as(Some(&scoped), "admin/list_audit", query).await;
        assert!(!seen.to_string().contains(&user), "{version}: {seen}");
        for session in [&operator, &scoped] {
            let (status, _) = app.call_as(Some(session), "access/get", json!({"cluster": "it"})).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{version}");
            let (path, body) = call("delete_user", json!({"name": user}));
            assert_eq!(app.call_as(Some(session), &path, body).await.0, StatusCode::FORBIDDEN, "{version}");
        }

        // Deleting: the vhost only with its name typed out; then nothing is left.
        let deletion = |typed: &str| json!({"deletion": {"name": vhost, "typed": typed}});
        assert_eq!(send("delete_vhost", deletion("orders")).await.0, StatusCode::BAD_REQUEST, "{version}");
        assert_eq!(send("delete_user", json!({"name": user})).await.0, StatusCode::OK, "{version}");
        assert_eq!(send("delete_vhost", deletion(&vhost)).await.0, StatusCode::OK, "{version}");
        let left = admin.call(Method::GET, "permissions", None).await.to_string();
        assert!(!left.contains(&vhost) && !left.contains(&user), "{version}: {left}");
        let left = format!(
            "{}{}",
            admin.call(Method::GET, "vhosts", None).await,
            admin.call(Method::GET, "users", None).await
        );
        assert!(!left.contains(&vhost) && !left.contains(&user), "{version}");
        assert!(admin
            .call(Method::GET, "topic-permissions", None)
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["user"] != user));
    }
}
