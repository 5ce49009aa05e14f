use serde_json::{json, Map, Value};

use super::*;
use crate::advisor::facts::{BindingFacts, ConsumerFacts, NodeFacts, Unroutable};
use crate::advisor::Debounce;

fn map(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn nodes(count: usize) -> Vec<NodeFacts> {
    (1..=count).map(|n| NodeFacts { name: format!("rabbit@n{n}"), running: true, ..Default::default() }).collect()
}

/// A durable quorum queue with a bound dead-letter exchange, consumed with manual acks.
fn clean() -> Facts {
    let queue = QueueFacts {
        vhost: "/".into(),
        name: "orders".into(),
        kind: QueueKind::Quorum,
        durable: true,
        messages: 5,
        ready: 5,
        consumers: 1,
        arguments: map(json!({"dead-letter-exchange": "dlx", "delivery-limit": 5})),
        members: Some((3, 3)),
        redelivered: Some(1),
        delivered: Some(1_000),
        ..Default::default()
    };
    let parked = QueueFacts { name: "orders.dead".into(), consumers: 0, arguments: Map::new(), ..queue.clone() };
    Facts {
        nodes: nodes(3),
        unroutable: Unroutable { dropped: Some(0), returned: Some(0) },
        queues: vec![queue, parked],
        exchanges: vec![ExchangeFacts {
            vhost: "/".into(),
            name: "dlx".into(),
            durable: true,
            published: Some(0),
            alternate: None,
        }],
        bindings: vec![BindingFacts {
            vhost: "/".into(),
            source: "dlx".into(),
            destination: "orders.dead".into(),
            to_queue: true,
        }],
        channels: vec![ChannelFacts {
            vhost: "/".into(),
            name: "c1".into(),
            confirm: true,
            transactional: false,
            published: Some(10),
        }],
        consumers: vec![ConsumerFacts {
            vhost: "/".into(),
            queue: "orders".into(),
            channel: "c2".into(),
            tag: "t".into(),
            ack_required: true,
            prefetch: 50,
        }],
        version_4: true,
        counters: true,
    }
}

fn checks(facts: &Facts) -> Vec<Check> {
    evaluate(facts, &|_| false).into_iter().map(|f| f.check).collect()
}

#[test]
fn a_clean_topology_raises_nothing() {
    assert_eq!(evaluate(&clean(), &|_| false), []);
}

#[test]
fn the_temporary_and_the_brokers_own_queues_raise_nothing() {
    let mut facts = clean();
    let temporary = |name: &str, exclusive: bool, auto_delete: bool| QueueFacts {
        vhost: "/".into(),
        name: name.into(),
        exclusive,
        auto_delete,
        messages: 3,
        ready: 3,
        ..Default::default()
    };
    facts.queues.extend([
        temporary("amq.gen-abc", true, true),
        temporary("reply", false, true),
        temporary("aliveness-test", false, false),
        temporary("mqtt-subscription-dev1qos0", false, false),
        temporary("federation: up -> rabbit@n1", false, false),
        QueueFacts { kind: QueueKind::Stream, members: Some((3, 3)), ..temporary("events", false, false) },
    ]);
    facts.consumers.push(ConsumerFacts {
        vhost: "/".into(),
        queue: "amq.gen-abc".into(),
        ack_required: false,
        ..Default::default()
    });
    assert_eq!(checks(&facts), []);
}

#[test]
fn a_single_node_is_one_finding_not_one_per_queue() {
    let mut facts = clean();
    facts.nodes = nodes(1);
    facts.queues[0].kind = QueueKind::Classic;
    facts.queues[0].members = None;
    facts.queues[0].persistent = Some(5);
    assert_eq!(checks(&facts), [Check::SingleNode]);
}

#[test]
fn each_loss_risk_is_found_with_its_evidence() {
    let mut facts = clean();
    facts.unroutable.dropped = Some(4);
    facts.nodes[2].running = false;
    facts.nodes[1].mem_alarm = true;
    facts.queues[0].members = Some((3, 1));
    facts.channels[0].confirm = false;
    facts.consumers[0].ack_required = false;
    facts.queues.push(QueueFacts {
        vhost: "/".into(),
        name: "transient".into(),
        messages: 2,
        ready: 2,
        consumers: 1,
        ..Default::default()
    });
    facts.queues.push(QueueFacts {
        vhost: "/".into(),
        name: "full".into(),
        durable: true,
        messages: 95,
        ready: 95,
        persistent: Some(90),
        consumers: 1,
        arguments: map(json!({"max-length": 100})),
        ..Default::default()
    });
    facts.queues.push(QueueFacts {
        vhost: "/".into(),
        name: "to-nowhere".into(),
        kind: QueueKind::Quorum,
        durable: true,
        members: Some((3, 3)),
        consumers: 1,
        arguments: map(json!({"dead-letter-exchange": "missing"})),
        ..Default::default()
    });
    let found = checks(&facts);
    for expected in [
        Check::NodeDown,
        Check::Alarm { memory: true, disk: false },
        Check::UnroutableDropped { messages: 4 },
        Check::MembersOffline { members: 3, online: 1, minority: true },
        Check::PublishesWithoutConfirms { published: 10 },
        Check::AutoAck,
        Check::TransientQueue { messages: 2 },
        Check::TransientMessages { transient: 5, messages: 95 },
        Check::NearLimit { ready: 95, limit: 100, bytes: false, overflow: "drop-head".into(), silent: true },
        Check::DlxMissing { exchange: "missing".into() },
        Check::Unreplicated { messages: 95, mirroring_removed: true },
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let reds = evaluate(&facts, &|_| false).into_iter().take_while(|f| f.severity == Severity::Red).count();
    assert_eq!(
        reds, 7,
        "red first: node down, alarm, dropped, minority, transient with messages, silent drop, missing DLX"
    );
}

#[test]
fn limits_merge_argument_and_policy_as_the_broker_does() {
    let mut facts = clean();
    let q = &mut facts.queues[0];
    q.arguments = map(json!({"max-length": 1000, "overflow": "reject-publish", "dead-letter-exchange": "dlx"}));
    q.policy = map(json!({"max-length": 10}));
    q.ready = 9;
    facts.channels[0].confirm = false;
    let found = checks(&facts);
    assert!(
        found.contains(&Check::NearLimit {
            ready: 9,
            limit: 10,
            bytes: false,
            overflow: "reject-publish".into(),
            silent: false
        }),
        "{found:?}"
    );
    assert!(
        found.contains(&Check::RejectWithoutConfirms { overflow: "reject-publish".into(), channels: 1 }),
        "{found:?}"
    );
}

#[test]
fn discarding_without_a_dead_letter_exchange_names_why() {
    let mut facts = clean();
    facts.queues[0].arguments = map(json!({"message-ttl": 60000}));
    assert!(checks(&facts)
        .contains(&Check::DiscardsWithoutDlx { reasons: vec!["message-ttl".into(), "delivery-limit".into()] }));
    // On 3.x quorum queues have no delivery limit unless set; a dead-letter queue needs no DLX.
    facts.version_4 = false;
    facts.queues[0].arguments = Map::new();
    assert!(!checks(&facts).iter().any(|c| matches!(c, Check::DiscardsWithoutDlx { .. })));
}

#[test]
fn classic_queues_on_3_x_are_replicated_by_a_mirroring_policy() {
    let mut facts = clean();
    facts.version_4 = false;
    let q = &mut facts.queues[0];
    (q.kind, q.members, q.policy) = (QueueKind::Classic, None, map(json!({"ha-mode": "all"})));
    q.persistent = Some(5);
    assert_eq!(checks(&facts), []);
    facts.queues[0].mirrors = Some((2, 1));
    assert_eq!(checks(&facts), [Check::UnsyncedMirrors { mirrors: 2, synchronised: 1 }]);
}

#[test]
fn unknown_counters_say_unknown() {
    let mut facts = clean();
    facts.counters = false;
    let found = checks(&facts);
    assert_eq!(found.len(), 4);
    assert!(found.iter().all(|c| matches!(c, Check::Unknown { .. })));
}

#[test]
fn a_finding_is_raised_on_its_second_refresh_and_cleared_on_the_first_without_it() {
    let mut facts = clean();
    facts.consumers[0].ack_required = false;
    let mut debounce = Debounce::default();
    assert_eq!(debounce.confirm(evaluate(&facts, &|_| false)), []);
    assert_eq!(debounce.confirm(evaluate(&facts, &|_| false)).len(), 1);
    assert_eq!(debounce.confirm(evaluate(&clean(), &|_| false)), []);
    assert_eq!(debounce.confirm(evaluate(&facts, &|_| false)), []);
}

#[test]
fn ordering_is_checked_only_where_asked() {
    let mut facts = clean();
    facts.queues[0].consumers = 2;
    assert_eq!(checks(&facts), []);
    let found = evaluate(&facts, &|q| q.name == "orders");
    assert_eq!(found.iter().map(|f| f.check.clone()).collect::<Vec<_>>(), [Check::OrderingAtRisk { consumers: 2 }]);
}
