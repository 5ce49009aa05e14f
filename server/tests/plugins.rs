//! The shovel and federation plugins on real brokers (3.10 and 4.0, which `scripts/broker.sh`
//! runs with both): their status as Warren lists it, deleting a shovel, and moving a queue's
//! messages into another queue with nothing lost. In uniquely named vhosts, removed after.

mod common;

use std::time::Duration;

use app::auth::Role;
use axum::http::StatusCode;
use common::{brokers, cluster, enc, eventually, unique, Admin, TestApp};
use serde_json::{json, Value};

/// The AMQP port of the broker whose management API is at `url` (as `scripts/broker.sh` runs them).
fn amqp_port(url: &str) -> u16 {
    let port: u16 = url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port");
    port - 10_000
}

fn in_vhost(vhost: &str) -> Value {
    json!({"cluster": "it", "vhost": vhost})
}

/// Messages in a queue as the broker itself counts them now, ready and unacked.
async fn messages(admin: &Admin, vhost: &str, queue: &str) -> Option<u64> {
    let path = format!("queues/{}/{}?columns=messages", enc(vhost), enc(queue));
    admin.call(reqwest::Method::GET, &path, None).await["messages"].as_u64()
}

#[tokio::test]
async fn shovels_and_federation_links_show_their_state() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-plugins").await;
        let other = admin.vhost("warren-plugins-other").await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let here = format!("amqp:///{}", enc(&vhost));
        let (source, destination) = ("from q/#1", "to 队列 ?");
        for queue in [source, destination] {
            admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": true})).await;
        }
        let working = unique("shovel 1/#");
        let shovel =
            json!({"value": {"src-uri": here, "src-queue": source, "dest-uri": here, "dest-queue": destination}});
        admin.put(&format!("parameters/shovel/{}/{}", enc(&vhost), enc(&working)), shovel).await;
        // Nothing listens on port 1: this one never starts.
        let broken = json!({"value": {"src-uri": "amqp://nobody:secret@127.0.0.1:1", "src-queue": "x",
                                      "dest-uri": here, "dest-queue": destination}});
        admin.put(&format!("parameters/shovel/{}/broken", enc(&vhost)), broken).await;
        // Federated in vhosts of their own: RabbitMQ 4.0.5's federation crashes on a vhost name
        // beyond Latin-1 (`rabbit_federation_upstream:print`, `iolist_to_binary` badarg).
        let (downstream, upstream_vhost) = (unique("warren-fed/down #%"), unique("warren-fed/up #%"));
        for v in [&downstream, &upstream_vhost] {
            admin.put(&format!("vhosts/{}", enc(v)), json!({})).await;
            admin
                .put(&format!("permissions/{}/guest", enc(v)), json!({"configure": ".*", "write": ".*", "read": ".*"}))
                .await;
            admin.put(&format!("exchanges/{}/fed.x", enc(v)), json!({"type": "topic", "durable": true})).await;
        }
        let upstream = format!("amqp://guest:guest@127.0.0.1:{}/{}", amqp_port(&url), enc(&upstream_vhost));
        let upstreams = format!("parameters/federation-upstream/{}", enc(&downstream));
        admin.put(&format!("{upstreams}/up"), json!({"value": {"uri": upstream}})).await;
        admin.put(&format!("{upstreams}/down"), json!({"value": {"uri": "amqp://127.0.0.1:1"}})).await;
        let policy =
            json!({"pattern": "^fed\\.", "definition": {"federation-upstream-set": "all"}, "apply-to": "exchanges"});
        admin.put(&format!("policies/{}/federate", enc(&downstream)), policy).await;
        admin.publish(&vhost, "", source, 5).await;

        // The working shovel moved the five messages; the broken one is listed first, not running.
        eventually("the shovels to be listed with what they moved", || async {
            let (_, body) = app.call("list_shovels", in_vhost(&vhost)).await;
            let rows = body["data"]["items"].as_array().cloned().unwrap_or_default();
            rows.len() == 2 && rows[1]["moved"] == 5
        })
        .await;
        let (_, body) = app.call("list_shovels", in_vhost(&vhost)).await;
        assert_eq!(body["data"]["enabled"], true, "{version}");
        let (down, up) = (&body["data"]["items"][0], &body["data"]["items"][1]);
        assert_eq!((down["name"].as_str(), down["kind"].as_str()), (Some("broken"), Some("dynamic")), "{version}");
        // 3.10 reports it starting; 4.0 reports nothing, and Warren lists it from its definition.
        assert_ne!(down["state"], "running", "{version}: {down}");
        assert_eq!(down["destination"]["queue"], destination, "{version}: {down}");
        assert!(!body.to_string().contains("secret"), "{version}: credentials shown: {body}");
        assert_eq!((up["name"].as_str(), up["state"].as_str()), (Some(&*working), Some("running")), "{version}");
        assert_eq!(
            (up["source"]["queue"].as_str(), up["destination"]["queue"].as_str()),
            (Some(source), Some(destination))
        );
        eventually("the broker to count them in the destination", || async {
            messages(&admin, &vhost, destination).await == Some(5)
        })
        .await;

        eventually("both federation links to be listed", || async {
            let (_, body) = app.call("list_federation_links", in_vhost(&downstream)).await;
            let rows = body["data"]["items"].as_array().cloned().unwrap_or_default();
            rows.len() == 2 && rows[1]["status"] == "running" && rows[0]["status"] == "error"
        })
        .await;
        let (_, body) = app.call("list_federation_links", in_vhost(&downstream)).await;
        let (failing, running) = (&body["data"]["items"][0], &body["data"]["items"][1]);
        assert_eq!(
            (failing["upstream"].as_str(), failing["local"].as_str()),
            (Some("down"), Some("fed.x")),
            "{version}"
        );
        assert!(!failing["error"].as_str().unwrap_or_default().is_empty(), "{version}: {failing}");
        assert_eq!((running["upstream"].as_str(), running["kind"].as_str()), (Some("up"), Some("exchange")));
        assert!(!running["uri"].as_str().unwrap().contains("guest"), "{version}: credentials shown: {running}");

        // Someone limited to the other vhost sees none of it, and may not ask for this vhost's.
        let scoped = app.user("scoped", Role::Admin, None, Some(&format!("^{}$", regex::escape(&other)))).await;
        let (_, seen) = app.call_as(Some(&scoped), "list_shovels", json!({"cluster": "it", "vhost": null})).await;
        let names: Vec<&str> =
            seen["data"]["items"].as_array().unwrap().iter().filter_map(|s| s["vhost"].as_str()).collect();
        assert!(!names.contains(&vhost.as_str()), "{version}: {names:?}");
        let (status, _) = app.call_as(Some(&scoped), "list_federation_links", in_vhost(&downstream)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{version}");
        let shovel_ref = |name: &str| json!({"cluster": "it", "shovel": {"vhost": vhost, "name": name}});
        let (status, _) = app.call_as(Some(&scoped), "ops/delete_shovel", shovel_ref("broken")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{version}");

        // Deleting a shovel is for admins; an operator is refused before the broker is asked.
        let operator = app.user("operator", Role::Operator, None, None).await;
        let (status, _) = app.call_as(Some(&operator), "ops/delete_shovel", shovel_ref("broken")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{version}");
        let (status, body) = app.call("ops/delete_shovel", shovel_ref("broken")).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        let left = admin.call(reqwest::Method::GET, &format!("parameters/shovel/{}", enc(&vhost)), None).await;
        let left: Vec<&str> = left.as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(left, [working.as_str()], "{version}");

        for v in [&vhost, &other, &downstream, &upstream_vhost] {
            admin.delete(&format!("vhosts/{}", enc(v))).await;
        }
    }
}

#[tokio::test]
async fn moving_messages_moves_them_all() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-move").await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let (dead, origin) = ("orders.dlq #1", "orders 订单/?");
        for queue in [dead, origin] {
            admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": true})).await;
        }
        admin.publish(&vhost, "", dead, 100).await;
        admin.publish(&vhost, "", origin, 3).await;
        // The broker's counts lag its queues by up to its stats interval.
        eventually("the broker to count the messages", || async {
            messages(&admin, &vhost, dead).await == Some(100) && messages(&admin, &vhost, origin).await == Some(3)
        })
        .await;
        let moving =
            |from: &str, to: &str| json!({"cluster": "it", "request": {"vhost": vhost, "from": from, "to": to}});

        // Refused, with nothing started: viewers, the queue itself, a queue that does not exist.
        let viewer = app.user("viewer", Role::Viewer, None, None).await;
        let (status, _) = app.call_as(Some(&viewer), "ops/move_messages", moving(dead, origin)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{version}");
        let (status, body) = app.call("ops/move_messages", moving(dead, dead)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{version}: {body}");
        eventually("Warren to list both queues", || async {
            let (status, _) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": origin})).await;
            status == StatusCode::OK
        })
        .await;
        let (status, body) = app.call("ops/move_messages", moving(dead, "no such queue")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{version}: {body}");
        let shovels = format!("parameters/shovel/{}", enc(&vhost));
        assert_eq!(admin.call(reqwest::Method::GET, &shovels, None).await, json!([]), "{version}");

        // A move under way out of the same queue is not restarted by a second one.
        let blocking = format!("{shovels}/{}", enc(&format!("Move from {origin}")));
        let idle = json!({"value": {"src-uri": "amqp://127.0.0.1:1", "src-queue": "x", "dest-uri": "amqp://", "dest-queue": "y"}});
        admin.put(&blocking, idle).await;
        let (status, body) = app.call("ops/move_messages", moving(origin, dead)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{version}: {body}");
        admin.delete(&blocking).await;

        let operator = app.user("operator", Role::Operator, None, None).await;
        let (status, body) = app.call_as(Some(&operator), "ops/move_messages", moving(dead, origin)).await;
        assert_eq!(status, StatusCode::OK, "{version}: {body}");
        assert_eq!(body["shovel"], format!("Move from {dead}"), "{version}");
        // Count before = count after, across both queues: all 100 are in the origin queue now.
        eventually("every message to move and the shovel to go", || async {
            let gone = admin.call(reqwest::Method::GET, &shovels, None).await == json!([]);
            gone && messages(&admin, &vhost, dead).await == Some(0)
                && messages(&admin, &vhost, origin).await == Some(103)
        })
        .await;

        let query = json!({"query": {"actor": "operator", "action": "move_messages", "cluster": "it", "outcome": "ok", "page": 1}});
        let (_, audit) = app.call("admin/list_audit", query).await;
        assert_eq!(audit["matching"], 1, "{version}: {audit}");

        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
    }
}
