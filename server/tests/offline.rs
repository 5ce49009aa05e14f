//! Reads, writes, policy previews and dashboard tiles on replies recorded from real 3.10 and 4.0
//! brokers (`recorded`): no broker runs. The real-broker tests (`broker_data.rs`,
//! `operations.rs`…) check the same paths against live ones.

mod recorded;

use app::api::{Backend, Operations as _};
use app::error::AppError;
use app::i18n::Lang;
use app::model::ListQuery;
use domain::dashboard::{QueueSet, TileData, TileKind};
use domain::ops::queue::QueueType;
use domain::ops::{NewQueue, ObjectKind};
use domain::policy::{ApplyTo, PolicyDraft, PolicyProblem};
use reqwest::Method;
use warren::service::access::Principal;
use warren::service::operations::Operations;
use warren::store::audit::Audit;
use warren::store::Store;

const VHOST: &str = "prod/eu";
const ODD: &str = "订单 created/#1%";

fn admin() -> Principal {
    Principal {
        name: "offline".into(),
        kind: app::auth::IdentityKind::Local,
        role: app::auth::Role::Admin,
        clusters: None,
        vhosts: warren::service::access::VhostScope::All,
        csrf: None,
        broker_credentials: None,
        client_addr: None,
        user_agent: None,
    }
}

fn in_vhost() -> ListQuery {
    ListQuery { vhost: Some(VHOST.into()), page: 1, page_size: 50, ..Default::default() }
}

#[tokio::test]
async fn queue_lists_filter_sort_and_find_odd_names() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let page = clusters.queues(&admin(), version, &in_vhost()).await.unwrap().data;
        let names: Vec<&str> = page.items.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["orders", "transient", ODD], "{version}: sorted by name");
        let orders = &page.items[0];
        assert_eq!(
            (orders.kind.as_str(), orders.total, orders.policy.as_str()),
            ("quorum", 3, "limit-orders"),
            "{version}"
        );

        let sorted = ListQuery { sort: "total".into(), desc: true, ..in_vhost() };
        let page = clusters.queues(&admin(), version, &sorted).await.unwrap().data;
        assert_eq!(page.items[0].name, "orders", "{version}: most messages first");

        let filtered = ListQuery { filter: "订单".into(), ..in_vhost() };
        let page = clusters.queues(&admin(), version, &filtered).await.unwrap().data;
        assert_eq!((page.filtered, page.items[0].name.as_str()), (1, ODD), "{version}");

        let detail = clusters.queue(&admin(), version, VHOST, ODD).await.unwrap().data;
        assert_eq!(detail.row.total, 2, "{version}");
        assert!(detail.arguments.iter().any(|(k, v)| k == "x-max-length" && v == "1000"), "{version}");
        assert_eq!(detail.operator_policy, "cap", "{version}");
    }
}

#[tokio::test]
async fn recorded_connections_are_listed_with_their_client_and_channels() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let all = ListQuery { page: 1, page_size: 50, ..Default::default() };
        let page = clusters.connections(&admin(), version, &all).await.unwrap().data;
        assert_eq!(page.items.len(), 1, "{version}");
        let c = &page.items[0];
        assert_eq!(
            (c.vhost.as_str(), c.user.as_str(), c.client_name.as_str(), c.client.as_str()),
            ("/", "guest", "warren-probe 连接 #1", "warren-probe 1.3.2"),
            "{version}: the client's own name from user_provided_name, its library from client_properties"
        );
        assert_eq!((c.protocol.as_str(), c.state.as_str(), c.tls), ("AMQP 0-9-1", "running", false), "{version}");
        assert!(c.name.ends_with(if version == "3.10" { ":5672" } else { ":5673" }), "{version}: {}", c.name);

        let by_client_name = ListQuery { filter: "连接 #1".into(), ..all.clone() };
        assert_eq!(clusters.connections(&admin(), version, &by_client_name).await.unwrap().data.filtered, 1);
        let bad_sort = ListQuery { sort: "password".into(), ..all.clone() };
        assert!(matches!(clusters.connections(&admin(), version, &bad_sort).await, Err(AppError::BadRequest(_))));

        let detail = clusters.connection(&admin(), version, "/", &c.name).await.unwrap().data;
        assert_eq!(detail.channels.len(), 1, "{version}");
        let channel = &detail.channels[0];
        assert_eq!((channel.number, channel.confirm, channel.prefetch), (1, false, 5), "{version}");
        assert_eq!(channel.client_name, "warren-probe 连接 #1", "{version}: the channel knows its client's name");
        assert!(detail.client_properties.iter().any(|(k, v)| k == "capabilities" && v.contains("publisher_confirms")));
        let elsewhere = clusters.connection(&admin(), version, VHOST, &c.name).await;
        assert!(
            matches!(elsewhere, Err(AppError::NotFound(_))),
            "{version}: a connection is found in its own vhost only"
        );
    }
}

#[tokio::test]
async fn recorded_channels_and_consumers_are_listed_with_their_client() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let all = ListQuery { page: 1, page_size: 50, ..Default::default() };
        let channels = clusters.channels(&admin(), version, &all).await.unwrap().data;
        assert_eq!(channels.items.len(), 1, "{version}");
        let c = &channels.items[0];
        assert_eq!((c.vhost.as_str(), c.user.as_str(), c.consumers, c.unacked), ("/", "guest", 1, 0), "{version}");
        assert!(c.publishes_unconfirmed(), "{version}");

        let consumers = clusters.consumers(&admin(), version, &all).await.unwrap().data;
        assert_eq!(consumers.items.len(), 1, "{version}");
        let consumer = &consumers.items[0];
        assert_eq!(
            (consumer.tag.as_str(), consumer.channel.as_str(), consumer.client_name.as_str()),
            ("warren-probe consumer", c.name.as_str(), "warren-probe 连接 #1"),
            "{version}"
        );
        assert_eq!((consumer.ack_required, consumer.prefetch, consumer.active), (true, 5, true), "{version}");
        assert!(consumer.queue.starts_with("amq.gen-"), "{version}: {}", consumer.queue);

        let detail = clusters.channel(&admin(), version, "/", &c.name).await.unwrap().data;
        assert_eq!(detail.consumers, consumers.items, "{version}: the channel's page lists its consumer");
        let elsewhere = clusters.channel(&admin(), version, VHOST, &c.name).await;
        assert!(matches!(elsewhere, Err(AppError::NotFound(_))), "{version}: found in its own vhost only");
        let bad_sort = ListQuery { sort: "password".into(), ..all.clone() };
        assert!(matches!(clusters.consumers(&admin(), version, &bad_sort).await, Err(AppError::BadRequest(_))));
    }
}

#[tokio::test]
async fn topology_routes_a_message_like_the_broker_did() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let topology = clusters.topology(&admin(), version, VHOST).await.unwrap().data;
        // The recording published order.created twice: both queues bound by it hold copies.
        let routing = topology.route("events", "order.created", &[]);
        let queues: Vec<&str> = routing.queues.iter().map(String::as_str).collect();
        assert_eq!(queues, ["orders", ODD], "{version}");
        assert!(topology.route("events", "invoice.sent", &[]).queues.is_empty(), "{version}");
    }
}

#[tokio::test]
async fn policy_preview_names_what_a_draft_would_change() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let draft = PolicyDraft {
            vhost: VHOST.into(),
            name: "ttl".into(),
            pattern: "^(orders|transient)$".into(),
            apply_to: ApplyTo::Queues,
            priority: 5,
            definition: vec![("message-ttl".into(), "60000".into())],
            operator: false,
        };
        let preview = clusters.preview_policy(&admin(), version, &draft).await.unwrap();
        assert!(preview.checked.errors.is_empty(), "{version}: {:?}", preview.checked.errors);
        assert_eq!((preview.matched, preview.applies_to), (2, 2), "{version}: priority 5 wins over limit-orders");

        let broken =
            PolicyDraft { pattern: "(".into(), definition: vec![("message-ttl".into(), "-1".into())], ..draft };
        let preview = clusters.preview_policy(&admin(), version, &broken).await.unwrap();
        assert!(
            preview.checked.errors.iter().any(|e| matches!(e, PolicyProblem::PatternNotRegex { .. }))
                && preview.checked.errors.iter().any(|e| matches!(e, PolicyProblem::TooSmall { .. })),
            "{version}: {:?}",
            preview.checked.errors
        );
        assert_eq!(preview.matched, 0, "{version}");
    }
}

#[tokio::test]
async fn tiles_sum_and_list_the_recorded_queues() {
    for version in recorded::VERSIONS {
        let (clusters, _) = recorded::clusters(version).await;
        let vhost = QueueSet { vhost: Some(VHOST.into()), ..Default::default() };
        let kinds = [
            TileKind::ClusterStatus {},
            TileKind::Totals { vhost: Some(VHOST.into()) },
            TileKind::NoConsumers { queues: vhost, limit: 5 },
        ];
        let tiles = clusters.tiles(&admin(), version, &kinds).await.unwrap().data;
        match &tiles[0] {
            Ok(TileData::ClusterStatus { nodes_up, nodes, .. }) => assert_eq!((nodes_up, nodes), (&1, &1), "{version}"),
            other => panic!("{version}: {other:?}"),
        }
        match &tiles[1] {
            Ok(TileData::Totals { ready, .. }) => assert_eq!(*ready, 5, "{version}: 3 + 2 messages"),
            other => panic!("{version}: {other:?}"),
        }
        match &tiles[2] {
            Ok(TileData::Queues(queues)) => {
                let names: Vec<&str> = queues.iter().map(|q| q.name.as_str()).collect();
                assert_eq!(names.len(), 2, "{version}: two queues hold messages, nobody consumes: {names:?}");
            }
            other => panic!("{version}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn writes_send_the_broker_what_the_form_says_and_refuse_bad_ones_unsent() {
    for version in recorded::VERSIONS {
        let (clusters, broker) = recorded::clusters(version).await;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let ops = Operations::new(clusters, Audit::new(store.clone()), store);
        let queue = NewQueue {
            vhost: VHOST.into(),
            name: "new 队列/#?".into(),
            kind: QueueType::Quorum,
            durable: true,
            auto_delete: false,
            arguments: Vec::new(),
        };
        ops.create_queue(&admin(), version, &queue).await.unwrap();
        let sent = broker.writes();
        assert_eq!(sent.len(), 1, "{version}: {sent:?}");
        assert_eq!(sent[0].method, Method::PUT);
        assert_eq!(sent[0].path, "queues/prod%2Feu/new%20%E9%98%9F%E5%88%97%2F%23%3F");
        let body = sent[0].body.as_ref().unwrap();
        assert_eq!(body["arguments"]["x-queue-type"], "quorum", "{version}: {body}");

        let unnamed = NewQueue { name: String::new(), ..queue.clone() };
        let refused = ops.create_queue(&admin(), version, &unnamed).await.unwrap_err();
        match refused {
            AppError::Invalid { problems, message, message_zh } => {
                assert_eq!(problems, [domain::ops::FormProblem::NameEmpty { kind: ObjectKind::Queue }.into()]);
                assert_eq!(message, "the queue name is empty", "API clients read English");
                assert_eq!(message_zh, Lang::Zh.problem(&problems[0]), "pages show one of the two");
            }
            other => panic!("{version}: {other:?}"),
        }
        let taken = NewQueue { name: "orders".into(), ..queue };
        assert!(matches!(ops.create_queue(&admin(), version, &taken).await, Err(AppError::BadRequest(_))), "{version}");
        assert_eq!(broker.writes().len(), 1, "{version}: nothing more was sent");
    }
}
