//! The routing preview against real routing: a vhost with every exchange type, exchange-to-
//! exchange bindings and alternate exchanges (by argument and by policy); each message is published to the real broker and
//! the queues that received it are compared with what the preview (computed from Warren's
//! snapshot) says.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use app::api::Backend;
use common::{brokers, cluster, enc, eventually, everyone, spawn, Admin};
use serde_json::{json, Value};

#[tokio::test]
async fn previews_match_where_the_broker_routes() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = admin.vhost("warren-routing").await;
        let v = enc(&vhost);
        let exchanges = [
            ("in #1", "topic", json!({"alternate-exchange": "ae"})),
            ("direct", "direct", json!({})),
            ("fan", "fanout", json!({})),
            ("hdr", "headers", json!({})),
            ("ae", "fanout", json!({})),
            ("hop", "topic", json!({})),
            ("by-policy", "direct", json!({})),
            ("ae2", "fanout", json!({})),
        ];
        for (name, kind, arguments) in &exchanges {
            admin
                .put(
                    &format!("exchanges/{v}/{}", enc(name)),
                    json!({"type": kind, "durable": true, "arguments": arguments}),
                )
                .await;
        }
        let queues = [
            "q star",
            "q hash",
            "q empty-word",
            "q all",
            "q any",
            "q direct",
            "q fan",
            "q ae",
            "q hop",
            "订单 #%",
            "q ae2",
        ];
        for q in queues {
            admin.put(&format!("queues/{v}/{}", enc(q)), json!({"durable": true})).await;
        }
        let bind = |source: &str, kind: &str, destination: &str, key: &str, arguments: Value| {
            let path = format!("bindings/{v}/e/{}/{kind}/{}", enc(source), enc(destination));
            (path, json!({"routing_key": key, "arguments": arguments}))
        };
        for (path, body) in [
            bind("in #1", "q", "q star", "order.*", json!({})),
            bind("in #1", "q", "q hash", "order.#", json!({})),
            bind("in #1", "q", "q empty-word", "a..b", json!({})),
            bind("in #1", "e", "hop", "#.eu", json!({})),
            bind("in #1", "e", "fan", "broadcast", json!({})),
            bind("hop", "q", "q hop", "*.*", json!({})),
            bind("hop", "e", "in #1", "#", json!({})), // a cycle back: the broker visits each exchange once
            bind("fan", "q", "q fan", "ignored", json!({})),
            bind("direct", "q", "q direct", "k", json!({})),
            bind("direct", "q", "订单 #%", "订单 #%", json!({})),
            bind("hdr", "q", "q all", "", json!({"x-match": "all", "type": "order", "n": 5})),
            bind("hdr", "q", "q any", "", json!({"x-match": "any", "type": "invoice", "n": 5})),
            bind("ae", "q", "q ae", "", json!({})),
            bind("ae2", "q", "q ae2", "", json!({})),
        ] {
            admin.post(&path, body).await;
        }
        // An alternate exchange set by policy; on "in #1" its own argument must win over it.
        admin
            .put(
                &format!("policies/{v}/ae-by-policy"),
                json!({"pattern": "^(by-policy|in #1)$", "apply-to": "exchanges", "definition": {"alternate-exchange": "ae2"}}),
            )
            .await;
        eventually("the policy applied to both exchanges", || async {
            let mut applied = true;
            for name in ["by-policy", "in #1"] {
                let x = admin.call(reqwest::Method::GET, &format!("exchanges/{v}/{}", enc(name)), None).await;
                applied &= x["policy"] == "ae-by-policy";
            }
            applied
        })
        .await;
        let cases: Vec<(&str, &str, Value)> = vec![
            ("in #1", "order.created", json!({})),
            ("in #1", "order", json!({})),
            ("in #1", "order.created.eu", json!({})),
            ("in #1", "order..eu", json!({})),
            ("in #1", "a..b", json!({})),
            ("in #1", "a.b", json!({})),
            ("in #1", "", json!({})),
            ("in #1", "eu", json!({})),
            ("in #1", "x.eu", json!({})),
            ("in #1", "broadcast", json!({})),
            ("in #1", "nothing.here", json!({})),
            ("direct", "k", json!({})),
            ("direct", "K", json!({})),
            ("direct", "订单 #%", json!({})),
            ("fan", "anything", json!({})),
            ("hdr", "", json!({"type": "order", "n": 5})),
            ("hdr", "", json!({"type": "order", "n": 6})),
            ("hdr", "", json!({"type": "order", "n": "5"})),
            ("hdr", "", json!({"n": 5})),
            ("hdr", "", json!({"type": "invoice"})),
            ("hdr", "", json!({})),
            ("by-policy", "unbound", json!({})),
            ("amq.default", "q direct", json!({})),
            ("amq.default", "no such queue", json!({})),
        ];
        for (i, (exchange, key, headers)) in cases.iter().enumerate() {
            admin
                .post(
                    &format!("exchanges/{v}/{}/publish", enc(exchange)),
                    json!({"properties": {"headers": headers}, "routing_key": key, "payload": format!("case {i}"), "payload_encoding": "string"}),
                )
                .await;
        }

        // Where the broker put each case.
        let mut delivered: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        for q in queues {
            let got = admin
                .post(
                    &format!("queues/{v}/{}/get", enc(q)),
                    json!({"count": 1000, "ackmode": "ack_requeue_false", "encoding": "auto"}),
                )
                .await;
            for message in got.as_array().unwrap() {
                let case: usize = message["payload"].as_str().unwrap().trim_start_matches("case ").parse().unwrap();
                delivered.entry(case).or_default().insert(q.to_string());
            }
        }

        // Where the preview says each case goes, from Warren's snapshot of the same vhost.
        let clusters = spawn(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]);
        let who = everyone();
        eventually("the vhost's bindings in the snapshot", || async {
            clusters
                .topology(&who, "it", &vhost)
                .await
                .is_ok_and(|t| t.data.bindings.len() >= 14 && t.data.queues.len() == queues.len())
        })
        .await;
        let topology = clusters.topology(&who, "it", &vhost).await.unwrap().data;
        let mut mismatches = Vec::new();
        for (i, (exchange, key, headers)) in cases.iter().enumerate() {
            let headers: Vec<(String, Value)> = headers.as_object().unwrap().clone().into_iter().collect();
            // The management API's name for the default exchange.
            let exchange = if *exchange == "amq.default" { "" } else { exchange };
            let preview = topology.route(exchange, key, &headers).queues;
            let real = delivered.remove(&i).unwrap_or_default();
            if preview != real {
                mismatches.push(format!("{exchange:?} {key:?} {headers:?}: broker {real:?}, preview {preview:?}"));
            }
        }
        assert!(mismatches.is_empty(), "RabbitMQ {version}:\n{}", mismatches.join("\n"));
        admin.delete(&format!("vhosts/{v}")).await;
    }
}
