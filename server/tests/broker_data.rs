//! Every page's data, read from real brokers (3.10 and 4.0, see `common::brokers`), through the
//! same `Backend` the pages use. Each test works in its own uniquely named vhost and deletes it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::api::Backend;
use app::error::AppError;
use app::model::ListQuery;
use common::{brokers, cluster, enc, eventually, spawn, Admin};
use serde_json::json;
use warren::service::clusters::Clusters;

const CLUSTER: &str = "it";
const ODD_QUEUE: &str = "订单 created/#1%";
const ODD_EXCHANGE: &str = "orders#x ?/%";

fn backend(url: &str) -> Arc<Clusters> {
    spawn(&[cluster(CLUSTER, &[url], "guest", Duration::from_secs(10))])
}

fn list(vhost: &str) -> ListQuery {
    ListQuery { vhost: Some(vhost.into()), page: 1, page_size: 50, ..Default::default() }
}

/// A vhost with three queues holding 1, 5 and 3 messages, a topic exchange bound to the odd
/// queue, and an exchange-to-exchange binding.
async fn arrange(admin: &Admin) -> String {
    let vhost = admin.vhost("warren-it").await;
    let v = enc(&vhost);
    admin
        .put(&format!("queues/{v}/{}", enc(ODD_QUEUE)), json!({"durable": true, "arguments": {"x-max-length": 1000}}))
        .await;
    admin.put(&format!("queues/{v}/q-large"), json!({"durable": true})).await;
    admin.put(&format!("queues/{v}/q-medium"), json!({"durable": false, "auto_delete": true})).await;
    admin.put(&format!("exchanges/{v}/{}", enc(ODD_EXCHANGE)), json!({"type": "topic", "durable": true})).await;
    admin.put(&format!("exchanges/{v}/upstream"), json!({"type": "fanout", "durable": true})).await;
    admin
        .post(&format!("bindings/{v}/e/{}/q/{}", enc(ODD_EXCHANGE), enc(ODD_QUEUE)), json!({"routing_key": "order.#"}))
        .await;
    admin.post(&format!("bindings/{v}/e/upstream/e/{}", enc(ODD_EXCHANGE)), json!({"routing_key": ""})).await;
    admin
        .put(
            &format!("policies/{v}/it-ttl"),
            json!({"pattern": "^订单", "definition": {"message-ttl": 60000}, "apply-to": "queues"}),
        )
        .await;
    admin.publish(&vhost, ODD_EXCHANGE, "order.created", 1).await;
    admin.publish(&vhost, "", "q-large", 5).await;
    admin.publish(&vhost, "", "q-medium", 3).await;
    vhost
}

async fn cleanup(admin: &Admin, vhost: &str) {
    admin.delete(&format!("vhosts/{}", enc(vhost))).await;
}

#[tokio::test]
async fn overview_totals_and_nodes() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = arrange(&admin).await;
        let b = backend(&url);
        eventually("overview totals to count the new messages", || async {
            let o = b.overview(&common::everyone(), CLUSTER).await.unwrap().data;
            o.messages.ready >= 9 && o.messages.total >= o.messages.ready && o.objects.queues >= 3
        })
        .await;
        let o = b.overview(&common::everyone(), CLUSTER).await.unwrap().data;
        assert!(o.rabbitmq_version.starts_with(&version), "{version}: broker reports {}", o.rabbitmq_version);
        assert!(!o.nodes.is_empty() && o.nodes.iter().all(|n| n.running), "{version}: {:?}", o.nodes);
        let node = &o.nodes[0];
        assert!(
            node.mem_used > 0 && node.mem_limit > 0 && node.fd_total > 0 && node.uptime_ms > 0,
            "{version}: {node:?}"
        );
        assert!(o.objects.exchanges >= 2 && o.objects.connections == o.objects.connections);
        assert_eq!(node.kind, "disc", "{version}");
        assert!(o.rabbitmq_version.starts_with(&node.version) && !node.version.is_empty(), "{version}: {node:?}");
        assert!(node.partitions.is_empty(), "{version}");

        // The node's own page: what only it shows.
        let d = b.node(&common::everyone(), CLUSTER, &node.name).await.unwrap().data;
        assert_eq!(d.info.name, node.name);
        assert!(d.memory.len() > 5 && d.memory.windows(2).all(|w| w[0].1 >= w[1].1), "{version}: {:?}", d.memory);
        assert!(d.proc_used > 0 && d.proc_total > d.proc_used && d.processors > 0, "{version}: {d:?}");
        let amqp = if version == "3.10" { 5672 } else { 5673 };
        assert!(d.listeners.iter().any(|l| l.protocol == "amqp" && l.port == amqp), "{version}: {:?}", d.listeners);
        assert!(d.enabled_plugins.contains(&"rabbitmq_management".to_string()), "{version}");
        assert!(d.feature_flags.iter().any(|f| f.state == "enabled" && !f.description.is_empty()), "{version}");
        let missing = b.node(&common::everyone(), CLUSTER, "rabbit@nowhere").await;
        assert!(matches!(missing, Err(AppError::NotFound(_))), "{version}");
        cleanup(&admin, &vhost).await;
    }
}

#[tokio::test]
async fn queue_list_filters_sorts_and_pages() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = arrange(&admin).await;
        let b = backend(&url);
        let names = |page: &app::model::Page<app::model::QueueRow>| {
            page.items.iter().map(|q| q.name.clone()).collect::<Vec<_>>()
        };
        eventually("queue counters and policy", || async {
            let page = b
                .queues(&common::everyone(), CLUSTER, &ListQuery { sort: "ready".into(), desc: true, ..list(&vhost) })
                .await
                .unwrap()
                .data;
            names(&page) == ["q-large", "q-medium", ODD_QUEUE]
                && page.items.iter().map(|q| q.ready).collect::<Vec<_>>() == [5, 3, 1]
                && page.items[2].policy == "it-ttl"
        })
        .await;

        let page = b
            .queues(&common::everyone(), CLUSTER, &ListQuery { sort: "ready".into(), desc: true, ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert_eq!((page.total, page.filtered, page.page, page.page_count), (3, 3, 1, 1), "{version}");
        let odd = page.items.iter().find(|q| q.name == ODD_QUEUE).unwrap();
        assert_eq!(
            (odd.vhost.as_str(), odd.ready, odd.total, odd.policy.as_str()),
            (vhost.as_str(), 1, 1, "it-ttl"),
            "{version}"
        );
        assert!(odd.durable && odd.has_arguments && !odd.exclusive, "{version}: {odd:?}");
        assert_eq!(odd.kind, "classic");
        let medium = page.items.iter().find(|q| q.name == "q-medium").unwrap();
        assert!(!medium.durable && medium.auto_delete);

        let ascending = b
            .queues(&common::everyone(), CLUSTER, &ListQuery { sort: "name".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert_eq!(names(&ascending), ["q-large", "q-medium", ODD_QUEUE], "{version}");

        let substring = b
            .queues(&common::everyone(), CLUSTER, &ListQuery { filter: "Q-".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert_eq!((substring.filtered, substring.total), (2, 3), "{version}: substring filter is case-insensitive");

        let regex = b
            .queues(
                &common::everyone(),
                CLUSTER,
                &ListQuery { filter: "^订单.*%$".into(), regex: true, ..list(&vhost) },
            )
            .await
            .unwrap()
            .data;
        assert_eq!(names(&regex), [ODD_QUEUE], "{version}");

        // (page asked, page size, page shown, page count): in range, well past the end (the broker refuses
        // it), and just past the end (the broker answers an empty page): the last page both times.
        for (page, page_size, shown, count) in [(2, 2, 2, 2), (9, 2, 2, 2), (4, 1, 3, 3)] {
            let q = ListQuery { sort: "name".into(), page, page_size, ..list(&vhost) };
            let result = b.queues(&common::everyone(), CLUSTER, &q).await.unwrap().data;
            let got = (result.page, result.page_count, names(&result));
            assert_eq!(got, (shown, count, vec![ODD_QUEUE.to_string()]), "{version}: page {page}");
        }

        let bad = b
            .queues(&common::everyone(), CLUSTER, &ListQuery { filter: "[".into(), regex: true, ..list(&vhost) })
            .await;
        assert!(
            matches!(bad, Err(AppError::BadRequest(ref m)) if m.contains("regular expression")),
            "{version}: {bad:?}"
        );
        let bad_sort =
            b.queues(&common::everyone(), CLUSTER, &ListQuery { sort: "password".into(), ..list(&vhost) }).await;
        assert!(matches!(bad_sort, Err(AppError::BadRequest(_))), "{version}");

        let all = b
            .queues(
                &common::everyone(),
                CLUSTER,
                &ListQuery { filter: "q-large".into(), page: 1, page_size: 500, ..Default::default() },
            )
            .await
            .unwrap()
            .data;
        assert!(all.items.iter().any(|q| q.vhost == vhost), "{version}: the all-vhosts list includes the test vhost");
        cleanup(&admin, &vhost).await;
    }
}

#[tokio::test]
async fn queue_detail_with_an_odd_name() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = arrange(&admin).await;
        let b = backend(&url);
        eventually("the queue's policy and counters", || async {
            let d = b.queue(&common::everyone(), CLUSTER, &vhost, ODD_QUEUE).await.unwrap().data;
            d.row.ready == 1 && d.row.policy == "it-ttl"
        })
        .await;
        let d = b.queue(&common::everyone(), CLUSTER, &vhost, ODD_QUEUE).await.unwrap().data;
        assert_eq!(d.row.name, ODD_QUEUE);
        // 4.x also reports the `x-queue-type` it filled in.
        assert!(
            d.arguments.contains(&("x-max-length".to_string(), "1000".to_string())),
            "{version}: {:?}",
            d.arguments
        );
        assert_eq!(d.effective_policy, vec![("message-ttl".to_string(), "60000".to_string())], "{version}");
        assert!(d.consumers.is_empty());
        assert!(d.node.starts_with("warren"), "{version}: node {:?}", d.node);
        let sources: Vec<&str> = d.bindings.iter().map(|b| b.source.as_str()).collect();
        assert!(
            sources.contains(&"") && sources.contains(&ODD_EXCHANGE),
            "{version}: default and topic bindings, got {sources:?}"
        );
        let topic = d.bindings.iter().find(|b| b.source == ODD_EXCHANGE).unwrap();
        assert_eq!((topic.routing_key.as_str(), topic.destination_type.as_str()), ("order.#", "queue"));

        let missing = b.queue(&common::everyone(), CLUSTER, &vhost, "no such queue").await;
        assert!(matches!(missing, Err(AppError::NotFound(_))), "{version}: {missing:?}");
        for dots in [".", ".."] {
            let escape = b.feed(CLUSTER).unwrap().refresh_exchange(dots, "whoami").await;
            assert!(
                matches!(escape, Err(AppError::BadRequest(_))),
                "{version}: {dots:?} must not leave the path: {escape:?}"
            );
        }
        let no_vhost = b.queue(&common::everyone(), CLUSTER, "no such vhost/", ODD_QUEUE).await;
        assert!(matches!(no_vhost, Err(AppError::NotFound(_))), "{version}: {no_vhost:?}");
        cleanup(&admin, &vhost).await;
    }
}

#[tokio::test]
async fn exchanges_and_bindings() {
    for (version, url) in brokers() {
        let admin = Admin::connect(&url).await;
        let vhost = arrange(&admin).await;
        let b = backend(&url);

        let page = b
            .exchanges(&common::everyone(), CLUSTER, &ListQuery { sort: "name".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        let names: Vec<&str> = page.items.iter().map(|x| x.name.as_str()).collect();
        assert!(
            names.contains(&"") && names.contains(&"amq.topic") && names.contains(&ODD_EXCHANGE),
            "{version}: {names:?}"
        );
        let odd = page.items.iter().find(|x| x.name == ODD_EXCHANGE).unwrap();
        assert_eq!((odd.kind.as_str(), odd.durable, odd.internal), ("topic", true, false));
        let filtered = b
            .exchanges(&common::everyone(), CLUSTER, &ListQuery { filter: "#x ?".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert_eq!(filtered.filtered, 1, "{version}");

        let d = b.exchange(&common::everyone(), CLUSTER, &vhost, ODD_EXCHANGE).await.unwrap().data;
        assert_eq!(d.row.name, ODD_EXCHANGE);
        assert_eq!(d.bindings_out.len(), 1, "{version}");
        assert_eq!(
            (d.bindings_out[0].destination.as_str(), d.bindings_out[0].routing_key.as_str()),
            (ODD_QUEUE, "order.#")
        );
        assert_eq!(d.bindings_in.len(), 1, "{version}: exchange-to-exchange binding");
        assert_eq!(
            (d.bindings_in[0].source.as_str(), d.bindings_in[0].destination_type.as_str()),
            ("upstream", "exchange")
        );

        let default = b.exchange(&common::everyone(), CLUSTER, &vhost, "").await.unwrap().data;
        assert_eq!((default.row.name.as_str(), default.row.kind.as_str()), ("", "direct"), "{version}");

        let bindings = b
            .bindings(&common::everyone(), CLUSTER, &ListQuery { sort: "routing_key".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert!(bindings.total >= 5, "{version}: 3 default bindings, 1 topic, 1 e2e; got {}", bindings.total);
        let topic = b
            .bindings(&common::everyone(), CLUSTER, &ListQuery { filter: "order.".into(), ..list(&vhost) })
            .await
            .unwrap()
            .data;
        assert_eq!(topic.filtered, 1, "{version}");
        assert_eq!(topic.items[0].destination, ODD_QUEUE);

        let vhosts = b.vhosts(&common::everyone(), CLUSTER).await.unwrap();
        assert!(vhosts.contains(&vhost) && vhosts.contains(&"/".to_string()), "{version}");
        cleanup(&admin, &vhost).await;
    }
}
