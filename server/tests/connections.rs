//! Client connections on real brokers (3.10 and 4.0): a real AMQP client (lapin) connects with a
//! name of its own, Warren lists it, its channels and consumers as the client set them up, and an
//! admin closes it with a reason the client receives, through the whole HTTP app; in a uniquely
//! named vhost, removed after.

mod common;

use std::time::Duration;

use app::auth::Role;
use common::{brokers, cluster, enc, eventually, unique, Admin, TestApp};
use lapin::options::{BasicConsumeOptions, BasicQosOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, Connection, ConnectionProperties};
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedReceiver;

/// Opens an AMQP connection as `user` to `vhost` of the broker whose management API is at
/// `url` (its AMQP port is the management port less 10000, as `scripts/broker.sh` runs them),
/// with one channel in confirm mode and one with a prefetch of 10 and no confirms (lapin closes a
/// channel that is dropped: they are returned). Also what the client is told when it is closed.
async fn client_as(
    (user, password): (&str, &str),
    url: &str,
    vhost: &str,
    name: &str,
) -> (Connection, [Channel; 2], UnboundedReceiver<String>) {
    let port: u16 = url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port");
    let uri = format!("amqp://{}:{}@127.0.0.1:{}/{}", enc(user), enc(password), port - 10_000, enc(vhost));
    let connection = Connection::connect(&uri, ConnectionProperties::default().with_connection_name(name.into()))
        .await
        .expect("an AMQP connection");
    let (errors, received) = tokio::sync::mpsc::unbounded_channel();
    connection.on_error(move |error| {
        let _ = errors.send(error.to_string());
    });
    let confirming = connection.create_channel().await.unwrap();
    confirming.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
    let consuming = connection.create_channel().await.unwrap();
    consuming.basic_qos(10, BasicQosOptions::default()).await.unwrap();
    (connection, [confirming, consuming], received)
}

async fn client(url: &str, vhost: &str, name: &str) -> (Connection, [Channel; 2], UnboundedReceiver<String>) {
    client_as(("guest", "guest"), url, vhost, name).await
}

fn listed(vhost: &str, filter: &str) -> Value {
    json!({"cluster": "it", "query": {"vhost": vhost, "filter": filter, "regex": false, "sort": "", "desc": false,
           "page": 1, "page_size": 50}})
}

#[tokio::test]
async fn a_client_is_listed_shown_and_closed_with_its_reason() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-conn").await;
        let other = admin.vhost("warren-conn-other").await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let client_name = unique("billing 连接 #1");
        let (connection, _channels, mut errors) = client(&url, &vhost, &client_name).await;

        eventually("the connection to be listed", || async {
            let (_, body) = app.call("list_connections", listed(&vhost, &client_name)).await;
            body["data"]["filtered"] == 1
        })
        .await;
        let (_, body) = app.call("list_connections", listed(&vhost, &client_name)).await;
        let row = &body["data"]["items"][0];
        assert_eq!(
            (row["user"].as_str(), row["client_name"].as_str()),
            (Some("guest"), Some(&*client_name)),
            "{version}"
        );
        assert_eq!(
            (row["protocol"].as_str(), row["state"].as_str()),
            (Some("AMQP 0-9-1"), Some("running")),
            "{version}"
        );
        let name = row["name"].as_str().unwrap().to_string();
        let (_, sorted) = app
            .call(
                "list_connections",
                json!({"cluster": "it", "query": {"vhost": null, "filter": "", "regex": false,
                  "sort": "connected_at", "desc": true, "page": 1, "page_size": 500}}),
            )
            .await;
        assert!(sorted["data"]["items"].as_array().unwrap().iter().any(|c| c["name"] == name.as_str()), "{version}");

        // Its channels, as the broker's stats have them: a few seconds after they open, and the
        // confirm mode and prefetch a little later still on 4.0.
        let modes = || async {
            let (status, detail) =
                app.call("get_connection", json!({"cluster": "it", "vhost": vhost, "name": name})).await;
            assert!(status.is_success(), "{version}: {detail}");
            let channels = detail["data"]["channels"].as_array().cloned().unwrap_or_default();
            let modes: Vec<(bool, u64)> =
                channels.iter().map(|c| (c["confirm"].as_bool().unwrap(), c["prefetch"].as_u64().unwrap())).collect();
            (modes, detail)
        };
        eventually("channel 1 to confirm, channel 2 to have a prefetch of 10", || async {
            modes().await.0 == [(true, 0), (false, 10)]
        })
        .await;
        eventually("the connection's rates chart to have points", || async {
            modes().await.1["data"]["rates"].as_array().is_some_and(|r| !r.is_empty())
        })
        .await;
        let (_, detail) = modes().await;
        let rates = detail["data"]["rates"].as_array().unwrap();
        assert!(rates.iter().all(|r| r["sent"].as_f64() >= Some(0.0) && r["ts_ms"].as_i64() > Some(0)), "{version}");
        let properties = detail["data"]["client_properties"].to_string();
        assert!(properties.contains("lapin") && properties.contains(&client_name), "{version}: {properties}");

        // Who may not close it: a viewer, an operator; and nobody through another vhost's name.
        let viewer = app.user("viewer", Role::Viewer, None, None).await;
        let operator = app.user("operator", Role::Operator, None, None).await;
        let close = |vhost: &str, reason: &str| json!({"cluster": "it", "close": {"vhost": vhost, "name": name, "reason": reason}});
        for session in [&viewer, &operator] {
            let (status, _) = app.call_as(Some(session), "ops/close_connection", close(&vhost, "")).await;
            assert_eq!(status, 403, "{version}: closing is for admins");
        }
        let (status, _) = app.call("ops/close_connection", close(&other, "")).await;
        assert_eq!(status, 404, "{version}: a connection is closed through its own vhost only");
        let (status, body) = app.call("ops/close_connection", close(&vhost, &"x".repeat(201))).await;
        assert_eq!(status, 400, "{version}: {body}");
        assert!(connection.status().connected(), "{version}: none of these closed it");

        let (status, body) = app.call("ops/close_connection", close(&vhost, "leaking channels, 见工单 42")).await;
        assert!(status.is_success(), "{version}: {body}");
        let told = tokio::time::timeout(Duration::from_secs(10), errors.recv()).await.expect("the client is told");
        let told = told.unwrap_or_default();
        assert!(told.contains("CONNECTION_FORCED - leaking channels, ??? 42"), "{version}: the client got {told:?}");
        // Gone at once, and not listed again by a refresh while the client finishes closing.
        eventually("the connection to be gone from the list", || async {
            app.call("list_connections", listed(&vhost, &client_name)).await.1["data"]["filtered"] == 0
        })
        .await;

        let (_, audit) = app
            .call(
                "admin/list_audit",
                json!({"query": {"actor": "admin", "action": "close_connection", "cluster": "it",
                  "outcome": "", "page": 1}}),
            )
            .await;
        let entries = audit["entries"].as_array().unwrap();
        let objects: Vec<&str> = entries.iter().filter_map(|e| e["object"].as_str()).collect();
        assert!(
            objects.iter().any(|o| o.contains(&name) && o.contains("见工单 42")),
            "{version}: the audit keeps the whole reason: {objects:?}"
        );
        for v in [&vhost, &other] {
            admin.delete(&format!("vhosts/{}", enc(v))).await;
        }
    }
}

/// A client that leaks connections: every connection of its user is closed at once, each client
/// told why; another user's connection in the same vhost stays.
#[tokio::test]
async fn every_connection_of_a_user_is_closed_at_once() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-conn-leak").await;
        let user = unique("leaky app");
        let password = "leaky password";
        admin.put(&format!("users/{}", enc(&user)), json!({"password": password, "tags": ""})).await;
        admin
            .put(
                &format!("permissions/{}/{}", enc(&vhost), enc(&user)),
                json!({"configure": ".*", "write": ".*", "read": ".*"}),
            )
            .await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let tag = unique("leak");
        let (_a, _, mut told_a) = client_as((&user, password), &url, &vhost, &format!("{tag} a")).await;
        let (_b, _, mut told_b) = client_as((&user, password), &url, &vhost, &format!("{tag} b")).await;
        let (guest, _, _) = client(&url, &vhost, &format!("{tag} guest")).await;
        eventually("the three connections to be listed", || async {
            app.call("list_connections", listed(&vhost, &tag)).await.1["data"]["filtered"] == 3
        })
        .await;

        let close_all = |user: &str| json!({"cluster": "it", "close": {"user": user, "reason": "leak 42"}});
        let (status, body) = app.call("ops/close_user_connections", close_all("")).await;
        assert_eq!(status, 400, "{version}: {body}");
        let (status, body) = app.call("ops/close_user_connections", close_all(&user)).await;
        assert!(status.is_success(), "{version}: {body}");
        assert_eq!(body, json!(2), "{version}: how many were closed");
        for told in [&mut told_a, &mut told_b] {
            let told =
                tokio::time::timeout(Duration::from_secs(10), told.recv()).await.expect("told").unwrap_or_default();
            assert!(told.contains("CONNECTION_FORCED - leak 42"), "{version}: {told:?}");
        }
        let (_, left) = app.call("list_connections", listed(&vhost, &tag)).await;
        assert_eq!(left["data"]["filtered"], 1, "{version}: {left}");
        assert!(guest.status().connected(), "{version}: another user's connection stays");
        let (status, _) = app.call("ops/close_user_connections", close_all(&user)).await;
        assert_eq!(status, 404, "{version}: none left to close");

        let (_, audit) = app
            .call(
                "admin/list_audit",
                json!({"query": {"actor": "admin", "action": "close_user_connections", "cluster": "it",
                  "outcome": "", "page": 1}}),
            )
            .await;
        let objects = audit["entries"].to_string();
        assert!(objects.contains(&user) && objects.contains("leak 42"), "{version}: {objects}");
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
        admin.delete(&format!("users/{}", enc(&user))).await;
    }
}

/// Channel 1 confirms, channel 2 consumes with manual acks and a prefetch of 10, channel 3 with
/// auto-ack, both from one single-active-consumer queue: Warren reports each as the broker does.
#[tokio::test]
async fn channels_and_consumers_are_reported_as_the_client_set_them_up() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-chan").await;
        let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
        let client_name = unique("orders worker");
        let (connection, [_confirming, manual], _) = client(&url, &vhost, &client_name).await;
        let queue = "orders (SAC) #1";
        let mut arguments = FieldTable::default();
        arguments.insert("x-single-active-consumer".into(), AMQPValue::Boolean(true));
        let durable = QueueDeclareOptions { durable: true, ..Default::default() };
        manual.queue_declare(queue, durable, arguments).await.unwrap();
        let priority = {
            let mut arguments = FieldTable::default();
            arguments.insert("x-priority".into(), AMQPValue::LongInt(5));
            arguments
        };
        let _first = manual.basic_consume(queue, "manual", BasicConsumeOptions::default(), priority).await.unwrap();
        let auto = connection.create_channel().await.unwrap();
        let no_ack = BasicConsumeOptions { no_ack: true, ..Default::default() };
        let _second = auto.basic_consume(queue, "auto", no_ack, FieldTable::default()).await.unwrap();

        let consumers = || async {
            let (status, body) = app.call("list_consumers", listed(&vhost, "")).await;
            assert!(status.is_success(), "{version}: {body}");
            body["data"]["items"].as_array().cloned().unwrap_or_default()
        };
        eventually("both consumers to be listed", || async { consumers().await.len() == 2 }).await;
        let listed_consumers = consumers().await;
        let field = |tag: &str, key: &str| {
            listed_consumers.iter().find(|c| c["tag"] == tag).map(|c| c[key].clone()).unwrap_or(Value::Null)
        };
        assert_eq!((field("manual", "ack_required"), field("auto", "ack_required")), (json!(true), json!(false)));
        assert_eq!(field("manual", "prefetch"), json!(10), "{version}");
        assert_eq!((field("manual", "active"), field("auto", "active")), (json!(true), json!(false)), "{version}");
        assert_eq!(field("manual", "queue"), json!(queue), "{version}");
        assert_eq!(field("manual", "client_name"), json!(client_name), "{version}");
        assert!(field("manual", "arguments").to_string().contains("x-priority"), "{version}");

        // The channels, as the broker's stats have them a few seconds after they change.
        let channels = || async {
            let (_, body) = app.call("list_channels", listed(&vhost, &client_name)).await;
            let items = body["data"]["items"].as_array().cloned().unwrap_or_default();
            items
                .iter()
                .map(|c| {
                    (c["number"].as_u64().unwrap(), c["confirm"].as_bool().unwrap(), c["prefetch"].as_u64().unwrap())
                })
                .collect::<Vec<_>>()
        };
        eventually("three channels, as the client set them up", || async {
            channels().await == [(1, true, 0), (2, false, 10), (3, false, 0)]
        })
        .await;
        let channel = field("manual", "channel");
        let (status, detail) = app.call("get_channel", json!({"cluster": "it", "vhost": vhost, "name": channel})).await;
        assert!(status.is_success(), "{version}: {detail}");
        let tags: Vec<&str> =
            detail["data"]["consumers"].as_array().unwrap().iter().filter_map(|c| c["tag"].as_str()).collect();
        assert_eq!(tags, ["manual"], "{version}: the channel's own consumers");
        let (status, _) = app.call("get_channel", json!({"cluster": "it", "vhost": "/", "name": channel})).await;
        assert_eq!(status, 404, "{version}: a channel is found in its own vhost only");
        let (_, queue_page) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": queue})).await;
        assert_eq!(queue_page["data"]["consumers"].as_array().map(Vec::len), Some(2), "{version}: {queue_page}");

        drop(connection);
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
    }
}

/// What an identity limited to some vhosts, and a broker user signed in with their own name, may
/// see and close: RabbitMQ shows a user without the monitoring tag only their own connections.
#[tokio::test]
async fn scoped_identities_see_and_close_only_what_is_theirs() {
    let (version, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let (mine, other) = (admin.vhost("warren-conn-mine").await, admin.vhost("warren-conn-theirs").await);
    let user = unique("warren-conn-user");
    let password = "broker password 2";
    admin.put(&format!("users/{}", enc(&user)), json!({"password": password, "tags": "management"})).await;
    admin
        .put(&format!("permissions/{}/{}", enc(&mine), enc(&user)), json!({"configure": "", "write": "", "read": ".*"}))
        .await;
    let mut config = cluster("it", &[&url], "guest", Duration::from_secs(10));
    config.broker_sign_in = true;
    let app = TestApp::new(&[config]).await;
    let tag = unique("scoped");
    let (_guest_in_mine, _a, _) = client(&url, &mine, &format!("{tag} guest in mine")).await;
    let (_user_in_mine, _b, _) = client_as((&user, password), &url, &mine, &format!("{tag} user in mine")).await;
    let (_guest_in_other, _c, _) = client(&url, &other, &format!("{tag} guest in other")).await;
    let everywhere = |filter: &str| {
        json!({"cluster": "it", "query": {"vhost": null, "filter": filter, "regex": false, "sort": "", "desc": false,
               "page": 1, "page_size": 50}})
    };
    let names = |body: &Value| -> Vec<String> {
        let items = body["data"]["items"].as_array().cloned().unwrap_or_default();
        let mut names: Vec<String> = items.iter().filter_map(|c| c["client_name"].as_str().map(String::from)).collect();
        names.sort();
        names
    };
    eventually("all three connections to be listed", || async {
        names(&app.call("list_connections", everywhere(&tag)).await.1).len() == 3
    })
    .await;
    let (_, all) = app.call("list_connections", everywhere(&tag)).await;
    let name_of = |client_name: &str| -> String {
        let items = all["data"]["items"].as_array().unwrap();
        let row = items.iter().find(|c| c["client_name"] == client_name).expect("listed");
        row["name"].as_str().unwrap().to_string()
    };
    let guest_in_mine = name_of(&format!("{tag} guest in mine"));

    // An admin limited to the other vhost: sees that vhost's connection only, and closes nothing
    // of mine, whatever vhost it names.
    let scoped = app.user("scoped-admin", Role::Admin, None, Some(&format!("^{}$", regex::escape(&other)))).await;
    let (_, seen) = app.call_as(Some(&scoped), "list_connections", everywhere(&tag)).await;
    assert_eq!(names(&seen), [format!("{tag} guest in other")], "{version}");
    let get = json!({"cluster": "it", "vhost": mine, "name": guest_in_mine});
    let (status, _) = app.call_as(Some(&scoped), "get_connection", get.clone()).await;
    assert_eq!(status, 403, "{version}: not their vhost");
    for vhost in [&other, &mine] {
        let close = json!({"cluster": "it", "close": {"vhost": vhost, "name": guest_in_mine, "reason": ""}});
        let (status, body) = app.call_as(Some(&scoped), "ops/close_connection", close).await;
        assert!(status == 403 || status == 404, "{version}: closing through {vhost:?}: {status} {body}");
    }

    // A broker user signed in with their own name sees their own connection in their vhost.
    let broker_user = app.sign_in("broker:it", &user, password, "10.9.9.9").await.expect("the broker accepts them");
    let (_, seen) = app.call_as(Some(&broker_user), "list_connections", everywhere(&tag)).await;
    assert_eq!(names(&seen), [format!("{tag} user in mine")], "{version}: not guest's, though in their vhost");
    let (status, _) = app.call_as(Some(&broker_user), "get_connection", get).await;
    assert_eq!(status, 404, "{version}: guest's connection is not theirs to see");
    let channel_clients = |body: &Value| -> Vec<String> {
        let items = body["data"]["items"].as_array().cloned().unwrap_or_default();
        items.iter().filter_map(|c| c["client_name"].as_str().map(String::from)).collect()
    };
    eventually("the channels to be listed", || async {
        channel_clients(&app.call("list_channels", everywhere(&tag)).await.1).len() == 6
    })
    .await;
    let (_, seen) = app.call_as(Some(&broker_user), "list_channels", everywhere(&tag)).await;
    let seen = channel_clients(&seen);
    assert!(seen.len() == 2 && seen.iter().all(|c| *c == format!("{tag} user in mine")), "{version}: {seen:?}");

    let close_all = json!({"cluster": "it", "close": {"user": user, "reason": ""}});
    let (status, body) = app.call_as(Some(&scoped), "ops/close_user_connections", close_all.clone()).await;
    assert_eq!(status, 404, "{version}: the user's connections are in a vhost the scoped admin cannot see: {body}");
    let (status, _) = app.call_as(Some(&broker_user), "ops/close_user_connections", close_all).await;
    assert_eq!(status, 403, "{version}: closing is for admins");

    let (_, left) = app.call("list_connections", everywhere(&tag)).await;
    assert_eq!(names(&left).len(), 3, "{version}: nothing was closed");
    for vhost in [&mine, &other] {
        admin.delete(&format!("vhosts/{}", enc(vhost))).await;
    }
    admin.delete(&format!("users/{}", enc(&user))).await;
}
