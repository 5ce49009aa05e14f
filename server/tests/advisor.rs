//! The reliability advisor on real brokers (every one `WARREN_TEST_BROKERS` names: 3.10 and 4.0):
//! each risk made with a real AMQP client (lapin) in a vhost of its own, found by Warren with its
//! evidence and its fix; a clean topology beside them (durable, quorum, confirms, manual ack,
//! prefetch set, a dead-letter exchange bound) raises nothing; a memory alarm raised with
//! rabbitmqctl is found and clears by itself; a mute is stored, audited and checked. The 3-node
//! cases (a node stopped, quorum members offline) are in `trio.rs`.

mod common;

use std::time::{Duration, Instant};

use app::advisor_words::EN;
use common::{brokers, cluster, enc, Admin, TestApp};
use domain::advisor::{Advice, Brief, Check, Finding, Severity, Subject};
use futures_util::StreamExt;
use lapin::options::*;
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use reqwest::StatusCode;
use serde_json::json;
use tokio::task::JoinHandle;

/// How long a finding may take: two refreshes, and the broker's statistics (every 5 s) twice.
const FOUND_WITHIN: Duration = Duration::from_secs(60);

async fn amqp(base: &str, vhost: &str, name: &str) -> Connection {
    let port: u16 = base.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/{}", port - 10_000, enc(vhost));
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    Connection::connect(&uri, properties).await.expect("AMQP connection")
}

fn args(pairs: &[(&str, AMQPValue)]) -> FieldTable {
    let mut table = FieldTable::default();
    for (key, value) in pairs {
        table.insert((*key).into(), value.clone());
    }
    table
}

fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(value.into())
}

async fn queue(channel: &Channel, name: &str, durable: bool, arguments: FieldTable) {
    let options = QueueDeclareOptions { durable, ..Default::default() };
    channel.queue_declare(name, options, arguments).await.unwrap_or_else(|e| panic!("declaring {name}: {e}"));
}

async fn exchange(channel: &Channel, name: &str, durable: bool) {
    let options = ExchangeDeclareOptions { durable, ..Default::default() };
    channel.exchange_declare(name, ExchangeKind::Direct, options, FieldTable::default()).await.unwrap();
}

async fn bind(channel: &Channel, queue: &str, exchange: &str, key: &str) {
    channel.queue_bind(queue, exchange, key, QueueBindOptions::default(), FieldTable::default()).await.unwrap();
}

async fn publish(channel: &Channel, exchange: &str, key: &str, delivery_mode: u8) {
    let properties = BasicProperties::default().with_delivery_mode(delivery_mode);
    let confirm = channel.basic_publish(exchange, key, BasicPublishOptions::default(), b"m", properties).await.unwrap();
    confirm.await.unwrap();
}

/// Publishes every 100 ms until aborted.
fn keep_publishing(channel: Channel, exchange: &'static str, key: &'static str) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            publish(&channel, exchange, key, 2).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// What a consumer does with each message.
#[derive(Clone, Copy)]
enum Then {
    Ack,
    /// Works this long on each message, then acks it.
    AckAfter(Duration),
    /// Sends it back after 10 ms, for ever.
    Requeue,
}

/// Consumes `queue` until aborted.
async fn consume(channel: Channel, queue: &str, tag: &str, prefetch: Option<u16>, then: Then) -> JoinHandle<()> {
    if let Some(prefetch) = prefetch {
        channel.basic_qos(prefetch, BasicQosOptions::default()).await.unwrap();
    }
    let mut deliveries =
        channel.basic_consume(queue, tag, BasicConsumeOptions::default(), FieldTable::default()).await.unwrap();
    tokio::spawn(async move {
        while let Some(Ok(delivery)) = deliveries.next().await {
            let work = match then {
                Then::Ack => Duration::ZERO,
                Then::AckAfter(work) => work,
                Then::Requeue => Duration::from_millis(10),
            };
            tokio::time::sleep(work).await;
            let _ = match then {
                Then::Requeue => delivery.nack(BasicNackOptions { requeue: true, ..Default::default() }).await,
                _ => delivery.ack(BasicAckOptions::default()).await,
            };
        }
        // Keeps the channel open as long as the task lives.
        drop(channel);
    })
}

async fn advice(app: &TestApp) -> Vec<Finding> {
    let (status, reply) = app.call("advisor", json!({"cluster": "it", "about": null})).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let advice: Advice = serde_json::from_value(reply["data"].clone()).expect("advice");
    advice.findings.into_iter().map(|a| a.finding).collect()
}

/// The findings about `vhost`'s objects, and the cluster's and nodes'.
fn about(findings: &[Finding], vhost: &str) -> Vec<Finding> {
    findings.iter().filter(|f| f.subject.vhost().is_none_or(|v| v == vhost)).cloned().collect()
}

fn named(subject: &Subject) -> &str {
    match subject {
        Subject::Cluster => "",
        Subject::Node { name } | Subject::Queue { name, .. } | Subject::Exchange { name, .. } => name,
        Subject::Channel { name, .. } => name,
        Subject::Consumer { tag, .. } => tag,
    }
}

/// Waits until every (kind, object) of `expected` is found; the findings then.
async fn found(app: &TestApp, vhost: &str, expected: &[(&str, &str)]) -> Vec<Finding> {
    found_within(app, vhost, expected, FOUND_WITHIN).await
}

async fn found_within(app: &TestApp, vhost: &str, expected: &[(&str, &str)], within: Duration) -> Vec<Finding> {
    let started = Instant::now();
    loop {
        let findings = about(&advice(app).await, vhost);
        let missing: Vec<_> = expected
            .iter()
            .filter(|(kind, object)| {
                !findings.iter().any(|f| f.check.kind() == *kind && (object.is_empty() || named(&f.subject) == *object))
            })
            .collect();
        if missing.is_empty() {
            return findings;
        }
        let kinds: Vec<_> = findings.iter().map(|f| (f.check.kind(), named(&f.subject).to_string())).collect();
        assert!(started.elapsed() < within, "not found: {missing:?}; found: {kinds:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn finding<'a>(findings: &'a [Finding], kind: &str, object: &str) -> &'a Finding {
    findings.iter().find(|f| f.check.kind() == kind && named(&f.subject) == object).expect("found")
}

/// The fix the page shows for `kind` on `object` says `words`.
fn fix_says(findings: &[Finding], kind: &str, object: &str, words: &str) {
    let fix = (EN.explain)(finding(findings, kind, object)).fix;
    assert!(fix.contains(words), "{kind} on {object:?}: fix {fix:?} does not say {words:?}");
}

/// RabbitMQ's default `disk_free_limit`, which `scripts/broker.sh` keeps.
const DISK_FREE_LIMIT: &str = "50MB";

/// `management.rates_mode` as the broker's management agent holds it.
fn set_rates_mode(node: &str, mode: &str) {
    let set = format!("application:set_env(rabbitmq_management_agent, rates_mode, {mode}).");
    common::broker_node_args(&["ctl", node, "eval", &set]);
}

/// Puts the broker's rates mode back even when an assertion fails.
struct RatesMode(String);

impl Drop for RatesMode {
    fn drop(&mut self) {
        set_rates_mode(&self.0, "basic");
    }
}

/// A broker that keeps no message counters (`management.rates_mode = none`, set at runtime as
/// the configuration file would): the checks that need them say "unknown", never "OK".
async fn rates_off(app: &TestApp, node: &str) {
    let _restore = RatesMode(node.to_string());
    set_rates_mode(node, "none");
    let findings = found(app, "", &[("unknown", "")]).await;
    let mut unknown: Vec<_> = findings
        .iter()
        .filter_map(|f| match &f.check {
            Check::Unknown { check } => Some(check.as_str()),
            _ => None,
        })
        .collect();
    unknown.sort();
    assert_eq!(unknown, ["confirms", "redeliveries", "routes-nowhere", "unroutable"], "{node}");
    let fix = (EN.explain)(findings.iter().find(|f| f.check.kind() == "unknown").unwrap()).fix;
    assert!(fix.contains("management.rates_mode = basic"), "{fix}");
    set_rates_mode(node, "basic");
    let back = Instant::now();
    while advice(app).await.iter().any(|f| f.check.kind() == "unknown") {
        assert!(back.elapsed() < FOUND_WITHIN, "{node}: still unknown with the counters back");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Restores the memory watermark and the disk limit even when an assertion fails.
struct Limits(String);

impl Drop for Limits {
    fn drop(&mut self) {
        common::broker_node_args(&["ctl", &self.0, "set_vm_memory_high_watermark", "0.4"]);
        common::broker_node_args(&["ctl", &self.0, "set_disk_free_limit", DISK_FREE_LIMIT]);
    }
}

#[tokio::test]
async fn each_risk_is_found_with_its_fix_and_a_clean_topology_raises_nothing() {
    for (version, base) in brokers() {
        risks_on(&version, &base).await;
    }
}

async fn risks_on(version: &str, base: &str) {
    let admin = Admin::connect(base).await;
    let vhost = admin.vhost("advisor").await;
    let mut config = cluster("it", &[base], "guest", Duration::from_secs(10));
    config.ordered_queues = Some(regex::Regex::new(r"^ordered").unwrap());
    config.broker_sign_in = true;
    let app = TestApp::new(&[config]).await;
    let version_4 = version.starts_with('4');

    // The clean topology: a durable exchange into a quorum queue whose dead letters go to a
    // bound queue; a publisher with confirms; a consumer acking with a prefetch.
    let setup = amqp(base, &vhost, "setup").await;
    let ch = setup.create_channel().await.unwrap();
    ch.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
    let quorum = || text("quorum");
    exchange(&ch, "clean.x", true).await;
    exchange(&ch, "clean.dlx", true).await;
    queue(&ch, "clean.dlq", true, args(&[("x-queue-type", quorum())])).await;
    bind(&ch, "clean.dlq", "clean.dlx", "clean").await;
    let dead_letters = args(&[("x-queue-type", quorum()), ("x-dead-letter-exchange", text("clean.dlx"))]);
    queue(&ch, "clean.q", true, dead_letters).await;
    bind(&ch, "clean.q", "clean.x", "clean").await;
    let good = amqp(base, &vhost, "good publisher").await;
    let confirming = good.create_channel().await.unwrap();
    confirming.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
    let mut tasks = vec![keep_publishing(confirming, "clean.x", "clean")];
    tasks.push(consume(good.create_channel().await.unwrap(), "clean.q", "clean-consumer", Some(50), Then::Ack).await);

    // The risks, one object each.
    exchange(&ch, "transient.x", false).await;
    exchange(&ch, "nowhere.x", true).await;
    exchange(&ch, "orphan.dlx", true).await;
    queue(&ch, "transient.q", false, FieldTable::default()).await;
    queue(&ch, "persistence.q", true, FieldTable::default()).await;
    publish(&ch, "", "persistence.q", 1).await;
    queue(&ch, "full.q", true, args(&[("x-max-length", AMQPValue::LongInt(10))])).await;
    for _ in 0..10 {
        publish(&ch, "", "full.q", 2).await;
    }
    queue(&ch, "ttl.q", true, args(&[("x-message-ttl", AMQPValue::LongInt(60_000))])).await;
    queue(&ch, "dlx-missing.q", true, args(&[("x-dead-letter-exchange", text("no.such.x"))])).await;
    queue(&ch, "dlx-nowhere.q", true, args(&[("x-dead-letter-exchange", text("orphan.dlx"))])).await;
    queue(&ch, "reject.q", true, args(&[("x-overflow", text("reject-publish"))])).await;
    queue(&ch, "auto-ack.q", true, FieldTable::default()).await;
    queue(&ch, "no-prefetch.q", true, FieldTable::default()).await;
    queue(&ch, "big-prefetch.q", true, FieldTable::default()).await;
    queue(&ch, "redelivered.q", true, FieldTable::default()).await;
    queue(&ch, "ordered.q", true, FieldTable::default()).await;
    queue(&ch, "ordered-one-at-a-time.q", true, args(&[("x-single-active-consumer", AMQPValue::Boolean(true))])).await;
    publish(&ch, "", "redelivered.q", 2).await;
    let bad = amqp(base, &vhost, "bad publisher").await;
    // No confirms: into an exchange with no binding, so each message is dropped as well.
    tasks.push(keep_publishing(bad.create_channel().await.unwrap(), "nowhere.x", "any"));
    let auto_ack = bad.create_channel().await.unwrap();
    let options = BasicConsumeOptions { no_ack: true, ..Default::default() };
    let _auto = auto_ack.basic_consume("auto-ack.q", "auto-ack", options, FieldTable::default()).await.unwrap();
    tasks.push(consume(bad.create_channel().await.unwrap(), "no-prefetch.q", "no-prefetch", None, Then::Ack).await);
    tasks.push(
        consume(bad.create_channel().await.unwrap(), "big-prefetch.q", "big-prefetch", Some(5000), Then::Ack).await,
    );
    tasks
        .push(consume(bad.create_channel().await.unwrap(), "redelivered.q", "requeuing", Some(1), Then::Requeue).await);
    // Two consumers on each queue whose order matters (`ordered_queues`): in parallel on one,
    // one at a time on the other.
    for q in ["ordered.q", "ordered-one-at-a-time.q"] {
        for tag in ["first", "second"] {
            let channel = good.create_channel().await.unwrap();
            tasks.push(consume(channel, q, &format!("{q} {tag}"), Some(10), Then::Ack).await);
        }
    }

    let expected = [
        ("single-node", ""),
        ("no-confirms", ""),
        ("unroutable-dropped", ""),
        ("routes-nowhere", "nowhere.x"),
        ("transient-exchange", "transient.x"),
        ("transient-queue", "transient.q"),
        ("transient-messages", "persistence.q"),
        ("no-consumers", "persistence.q"),
        ("near-limit", "full.q"),
        ("discards-without-dlx", "ttl.q"),
        ("dlx-missing", "dlx-missing.q"),
        ("dlx-routes-nowhere", "dlx-nowhere.q"),
        ("reject-without-confirms", "reject.q"),
        ("auto-ack", "auto-ack"),
        ("unlimited-prefetch", "no-prefetch"),
        ("large-prefetch", "big-prefetch"),
        ("redeliveries", "redelivered.q"),
        ("ordering", "ordered.q"),
    ];
    let findings = found(&app, &vhost, &expected).await;
    fix_says(&findings, "single-node", "", "quorum");
    let channel = findings.iter().find(|f| f.check.kind() == "no-confirms").unwrap();
    assert!(named(&channel.subject).contains("(1)"), "{channel:?}");
    fix_says(&findings, "no-confirms", named(&channel.subject), "confirm_delivery()");
    fix_says(&findings, "unroutable-dropped", "", "alternate-exchange");
    fix_says(&findings, "routes-nowhere", "nowhere.x", "Bind the queues");
    fix_says(&findings, "transient-exchange", "transient.x", "durable=true");
    fix_says(&findings, "transient-queue", "transient.q", "durable=true");
    fix_says(&findings, "transient-messages", "persistence.q", "delivery_mode=2");
    let Check::TransientMessages { transient, .. } = finding(&findings, "transient-messages", "persistence.q").check
    else {
        panic!()
    };
    assert_eq!(transient, 1);
    fix_says(&findings, "no-consumers", "persistence.q", "consumes this queue");
    let near = finding(&findings, "near-limit", "full.q");
    assert!(
        matches!(&near.check, Check::NearLimit { ready: 10, limit: 10, silent: true, .. }),
        "drop-head without a dead-letter exchange discards silently: {near:?}"
    );
    fix_says(&findings, "discards-without-dlx", "ttl.q", "dead-letter");
    fix_says(&findings, "dlx-missing", "dlx-missing.q", "no.such.x");
    fix_says(&findings, "dlx-routes-nowhere", "dlx-nowhere.q", "orphan.dlx");
    fix_says(&findings, "reject-without-confirms", "reject.q", "confirm");
    fix_says(&findings, "auto-ack", "auto-ack", "auto_ack=False");
    fix_says(&findings, "unlimited-prefetch", "no-prefetch", "prefetch_count=100");
    fix_says(&findings, "large-prefetch", "big-prefetch", "prefetch_count=200");
    let large = finding(&findings, "large-prefetch", "big-prefetch");
    assert!(matches!(large.check, Check::LargePrefetch { prefetch: 5000 }), "{large:?}");
    fix_says(&findings, "redeliveries", "redelivered.q", "idempotent");
    fix_says(&findings, "ordering", "ordered.q", "x-single-active-consumer");
    let one_at_a_time = findings.iter().filter(|f| named(&f.subject) == "ordered-one-at-a-time.q").collect::<Vec<_>>();
    assert!(one_at_a_time.is_empty(), "{version}: a single active consumer keeps the order: {one_at_a_time:?}");

    // Nothing about the clean objects, its publisher or its consumer; on 4.0 the quorum queues'
    // default delivery limit is covered by the dead-letter exchange (the dead-letter queue needs none).
    let clean: Vec<_> = findings
        .iter()
        .filter(|f| named(&f.subject).starts_with("clean") || named(&f.subject).contains("good publisher"))
        .collect();
    assert!(clean.is_empty(), "{version}: the clean topology raised {clean:?}");
    // The channels' subjects name the connection by address; the good publisher's has none.
    let unconfirmed = findings.iter().filter(|f| f.check.kind() == "no-confirms").count();
    assert_eq!(unconfirmed, 1, "{version}: only the bad publisher: {findings:?}");
    if version_4 {
        // Quorum queues without a dead-letter exchange drop after 20 deliveries on 4.x.
        queue(&ch, "retries.q", true, args(&[("x-queue-type", quorum())])).await;
        let findings = found(&app, &vhost, &[("discards-without-dlx", "retries.q")]).await;
        let Check::DiscardsWithoutDlx { reasons } = &finding(&findings, "discards-without-dlx", "retries.q").check
        else {
            panic!()
        };
        assert_eq!(reasons, &["delivery-limit"]);
    }

    pages_show_findings(&app, &vhost, &findings).await;
    a_broker_user_sees_only_their_own_clients_findings(&app, &admin, &vhost).await;
    mutes(&app, &vhost).await;

    // The publishers stop before the alarm: it would block them.
    tasks.iter().for_each(JoinHandle::abort);
    for connection in [&setup, &good, &bad] {
        let _ = connection.close(200, "done").await;
    }
    {
        let _alone = BROKER_WIDE.lock().await;
        alarm(&app, version).await;
        rates_off(&app, version).await;
    }
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}

/// Held while a test changes the whole broker (alarms block every publisher, `rates_mode = none`
/// stops every counter) or needs it unchanged for minutes: the tests of this file run side by side.
static BROKER_WIDE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A queue whose consumer works slower than its publisher sends: its backlog grows, and the
/// advisor says by how much a minute and when the queue is full, from Warren's own history (at
/// least a minute of it). Both brokers at once: the minute is waited for once.
#[tokio::test]
async fn a_backlog_growing_faster_than_its_consumer_drains_it_is_found() {
    let _alone = BROKER_WIDE.lock().await;
    let growing = brokers().into_iter().map(|(version, base)| async move {
        let admin = Admin::connect(&base).await;
        let vhost = admin.vhost("advisor-growing").await;
        let app = TestApp::new(&[cluster("it", &[&base], "guest", Duration::from_secs(10))]).await;
        let client = amqp(&base, &vhost, "steady").await;
        let ch = client.create_channel().await.unwrap();
        ch.confirm_select(ConfirmSelectOptions::default()).await.unwrap();
        let limit = args(&[("x-max-length", AMQPValue::LongInt(100_000)), ("x-queue-type", text("quorum"))]);
        queue(&ch, "growing.q", true, limit).await;
        // Ten a second in, two a second out.
        let publisher = keep_publishing(ch, "", "growing.q");
        let slow = Then::AckAfter(Duration::from_millis(500));
        let consumer = consume(client.create_channel().await.unwrap(), "growing.q", "slow", Some(1), slow).await;
        let started = Instant::now();
        let findings = found_within(&app, &vhost, &[("growing", "growing.q")], Duration::from_secs(150)).await;
        println!("{version}: growing backlog found after {:?}", started.elapsed());
        let grows = finding(&findings, "growing", "growing.q");
        let Check::Growing { per_minute, minutes_to_full, .. } = grows.check else { panic!() };
        // About 480 a minute; publishing, acks and the broker's statistics each add their jitter.
        assert!((200..=700).contains(&per_minute), "{version}: {per_minute} a minute");
        assert!(minutes_to_full.is_some_and(|m| m > 60), "{version}: {grows:?}");
        fix_says(&findings, "growing", "growing.q", "Add consumers");
        publisher.abort();
        consumer.abort();
        let _ = client.close(200, "done").await;
        admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
    });
    futures_util::future::join_all(growing).await;
}

/// Each row of a list with its mark: (its name, its most serious finding's severity).
async fn marks(app: &TestApp, list: &str, vhost: &str, name: &str) -> Vec<(String, Option<Severity>)> {
    let query =
        json!({"vhost": vhost, "filter": "", "regex": false, "sort": "", "desc": false, "page": 1, "page_size": 500});
    let (status, reply) = app.call(list, json!({"cluster": "it", "query": query})).await;
    assert_eq!(status, StatusCode::OK, "{list}: {reply}");
    let rows = reply["data"]["items"].as_array().unwrap_or_else(|| panic!("{list}: {reply}"));
    let mark = |row: &serde_json::Value| serde_json::from_value(row["advice"].clone()).unwrap();
    rows.iter().map(|row| (row[name].as_str().unwrap().to_string(), mark(row))).collect()
}

fn mark_of(rows: &[(String, Option<Severity>)], name: &str) -> Option<Severity> {
    rows.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no row {name}: {rows:?}")).1
}

/// The headlines an object's page lists, with the consumer tag of a consumer's.
async fn page_lists(app: &TestApp, function: &str, vhost: &str, name: &str) -> Vec<(String, String)> {
    let (status, reply) = app.call(function, json!({"cluster": "it", "vhost": vhost, "name": name})).await;
    assert_eq!(status, StatusCode::OK, "{function} {name}: {reply}");
    let listed: Vec<Brief> = serde_json::from_value(reply["data"]["advice"].clone()).unwrap();
    listed.into_iter().map(|b| (b.headline, b.consumer.map(|(tag, _channel)| tag).unwrap_or_default())).collect()
}

/// The object pages list the findings about their object (a queue's and a channel's with their
/// consumers'), and the lists mark the rows; the clean objects' pages and rows show nothing.
async fn pages_show_findings(app: &TestApp, vhost: &str, findings: &[Finding]) {
    let kinds = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect::<Vec<_>>();
    assert_eq!(page_lists(app, "get_queue", vhost, "auto-ack.q").await, kinds(&[("auto-ack", "auto-ack")]));
    assert_eq!(page_lists(app, "get_queue", vhost, "dlx-missing.q").await, kinds(&[("dlx-missing", "")]));
    assert_eq!(page_lists(app, "get_queue", vhost, "clean.q").await, kinds(&[]));
    assert_eq!(page_lists(app, "get_exchange", vhost, "transient.x").await, kinds(&[("transient-exchange", "")]));
    assert_eq!(page_lists(app, "get_exchange", vhost, "clean.x").await, kinds(&[]));
    let unconfirmed = findings.iter().find(|f| f.check.kind() == "no-confirms").unwrap();
    let bad_channel = named(&unconfirmed.subject);
    assert_eq!(page_lists(app, "get_channel", vhost, bad_channel).await, kinds(&[("no-confirms", "")]));
    let auto_ack = findings.iter().find(|f| f.check.kind() == "auto-ack").unwrap();
    let Subject::Consumer { channel, .. } = &auto_ack.subject else { panic!("{auto_ack:?}") };
    assert_eq!(page_lists(app, "get_channel", vhost, channel).await, kinds(&[("auto-ack", "auto-ack")]));
    // A tag is unique on its channel only: the queue's page says which channel.
    let (_, queue) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": "auto-ack.q"})).await;
    let listed: Vec<Brief> = serde_json::from_value(queue["data"]["advice"].clone()).unwrap();
    assert_eq!(listed[0].consumer, Some(("auto-ack".to_string(), channel.clone())), "{queue}");

    let queues = marks(app, "list_queues", vhost, "name").await;
    assert_eq!(mark_of(&queues, "dlx-missing.q"), Some(Severity::Red), "{queues:?}");
    assert_eq!(mark_of(&queues, "ttl.q"), Some(Severity::Amber), "{queues:?}");
    assert_eq!(mark_of(&queues, "clean.q"), None, "{queues:?}");
    let exchanges = marks(app, "list_exchanges", vhost, "name").await;
    assert!(mark_of(&exchanges, "nowhere.x").is_some(), "{exchanges:?}");
    assert_eq!(mark_of(&exchanges, "clean.x"), None, "{exchanges:?}");
    let channels = marks(app, "list_channels", vhost, "name").await;
    assert_eq!(mark_of(&channels, bad_channel), Some(Severity::Amber), "{channels:?}");
    let by_client = marks(app, "list_channels", vhost, "client_name").await;
    let clean_channels: Vec<_> = by_client.iter().filter(|(n, _)| n == "good publisher").collect();
    assert!(!clean_channels.is_empty() && clean_channels.iter().all(|(_, m)| m.is_none()), "{by_client:?}");
    let consumers = marks(app, "list_consumers", vhost, "tag").await;
    assert_eq!(mark_of(&consumers, "auto-ack"), Some(Severity::Amber), "{consumers:?}");
    assert_eq!(mark_of(&consumers, "big-prefetch"), Some(Severity::Info), "{consumers:?}");
    assert_eq!(mark_of(&consumers, "clean-consumer"), None, "{consumers:?}");
}

/// A broker user with read access to the vhost sees its queues, exchanges and consumers, but the
/// advisor's findings only about their own channels and consumers (`advice_scope`): here none, on
/// the pages as in the lists' marks.
async fn a_broker_user_sees_only_their_own_clients_findings(app: &TestApp, admin: &Admin, vhost: &str) {
    let user = common::unique("advisor-reader");
    let password = "reader password 1";
    admin.put(&format!("users/{}", enc(&user)), json!({"password": password, "tags": "management"})).await;
    let read_only = json!({"configure": "", "write": "", "read": ".*"});
    admin.put(&format!("permissions/{}/{}", enc(vhost), enc(&user)), read_only).await;
    let session = app.sign_in("broker:it", &user, password, "10.9.9.9").await.expect("the broker accepts them");
    let query =
        json!({"vhost": vhost, "filter": "", "regex": false, "sort": "", "desc": false, "page": 1, "page_size": 500});
    for list in ["list_queues", "list_exchanges", "list_channels", "list_consumers"] {
        let (status, reply) = app.call_as(Some(&session), list, json!({"cluster": "it", "query": query})).await;
        assert_eq!(status, StatusCode::OK, "{list}: {reply}");
        let rows = reply["data"]["items"].as_array().unwrap();
        assert!(rows.iter().all(|row| row["advice"].is_null()), "{list}: marks beyond their scope: {reply}");
        if list == "list_queues" {
            assert!(rows.iter().any(|row| row["name"] == "dlx-missing.q"), "they see the queue: {reply}");
        }
    }
    for (function, name) in
        [("get_queue", "dlx-missing.q"), ("get_queue", "auto-ack.q"), ("get_exchange", "transient.x")]
    {
        let (status, reply) =
            app.call_as(Some(&session), function, json!({"cluster": "it", "vhost": vhost, "name": name})).await;
        assert_eq!(status, StatusCode::OK, "{function} {name}: {reply}");
        assert_eq!(reply["data"]["advice"], json!([]), "{function} {name}: findings beyond their scope");
    }
    admin.delete(&format!("users/{}", enc(&user))).await;
}

/// An admin mutes a finding with a reason: stored, audited, shown as muted and out of the counts;
/// bad reasons and findings that do not exist are refused and change nothing.
async fn mutes(app: &TestApp, vhost: &str) {
    let subject = Subject::Queue { vhost: vhost.into(), name: "ttl.q".into() };
    let request = |reason: &str| json!({"cluster": "it", "request": {"subject": subject, "kind": "discards-without-dlx", "reason": reason}});
    let (status, _) = app.call("advisor/mute", request("")).await;
    assert_eq!(status, StatusCode::OK, "unmuting what is not muted changes nothing");
    for bad in ["   ", &"x".repeat(501), "line\nbreak"] {
        let body =
            json!({"cluster": "it", "request": {"subject": subject, "kind": "discards-without-dlx", "reason": bad}});
        let (status, reply) = app.call("advisor/mute", body).await;
        if bad.trim().is_empty() {
            continue; // An empty reason unmutes.
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {reply}");
    }
    let absent =
        json!({"cluster": "it", "request": {"subject": subject, "kind": "auto-ack", "reason": "nothing to mute"}});
    let (status, reply) = app.call("advisor/mute", absent).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");

    let counts = |reply: &serde_json::Value| reply["freshness"]["advice"].clone();
    let (_, before) = app.call("advisor", json!({"cluster": "it", "about": null})).await;
    let (status, reply) = app.call("advisor/mute", request("a cache: old entries may go")).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let (_, after) = app.call("advisor", json!({"cluster": "it", "about": subject})).await;
    let advice: Advice = serde_json::from_value(after["data"].clone()).unwrap();
    let muted = advice.findings.iter().find(|a| a.finding.check.kind() == "discards-without-dlx").unwrap();
    let mute = muted.muted.as_ref().expect("shown as muted");
    assert_eq!((mute.by.as_str(), mute.reason.as_str()), ("admin", "a cache: old entries may go"));
    assert_eq!(counts(&after)["amber"].as_u64().unwrap() + 1, counts(&before)["amber"].as_u64().unwrap());
    // Still listed on the queue's page, as muted; its row is no longer marked.
    let (_, page) = app.call("get_queue", json!({"cluster": "it", "vhost": vhost, "name": "ttl.q"})).await;
    let listed: Vec<Brief> = serde_json::from_value(page["data"]["advice"].clone()).unwrap();
    assert!(
        listed.iter().any(|b| b.headline == "discards-without-dlx" && b.muted_by.as_deref() == Some("admin")),
        "{page}"
    );
    assert_eq!(mark_of(&marks(app, "list_queues", vhost, "name").await, "ttl.q"), None);
    let query = json!({"query": {"actor": "", "action": "advisor.mute", "cluster": "it", "outcome": "", "page": 1}});
    let (_, audit) = app.call("admin/list_audit", query).await;
    let entries = audit["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["detail"] == "a cache: old entries may go" && e["outcome"] == "ok"), "{audit}");

    // A viewer may read, not mute.
    let viewer = app.user("viewer", app::auth::Role::Viewer, None, None).await;
    let (status, _) = app.call_as(Some(&viewer), "advisor/mute", request("mine")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An admin of another vhost sees none of this vhost's findings, only the cluster's and its
    // nodes' (as the overview shows them), and mutes or unmutes neither.
    let other = app.user("other-admin", app::auth::Role::Admin, None, Some("^elsewhere$")).await;
    let (status, reply) = app.call_as(Some(&other), "advisor", json!({"cluster": "it", "about": null})).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let theirs: Advice = serde_json::from_value(reply["data"].clone()).unwrap();
    let outside: Vec<_> = theirs.findings.iter().filter(|a| a.finding.subject.vhost().is_some()).collect();
    assert!(outside.is_empty(), "outside their scope: {outside:?}");
    let red = theirs.findings.iter().filter(|a| a.finding.severity == Severity::Red).count();
    assert_eq!(counts(&reply)["red"].as_u64(), Some(red as u64), "their counts are of what they see: {reply}");
    for reason in ["not theirs", ""] {
        let (status, reply) = app.call_as(Some(&other), "advisor/mute", request(reason)).await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST, "{reason:?}: {status} {reply}");
    }
    let cluster_wide = json!({"cluster": "it", "request": {"subject": Subject::Cluster, "kind": "single-node", "reason": "one node on purpose"}});
    let (status, reply) = app.call_as(Some(&other), "advisor/mute", cluster_wide).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST, "{status} {reply}");
    let (_, still) = app.call("advisor", json!({"cluster": "it", "about": subject})).await;
    let still: Advice = serde_json::from_value(still["data"].clone()).unwrap();
    assert_eq!(still.findings[0].muted.as_ref().map(|m| m.by.as_str()), Some("admin"), "unchanged by the other admin");
    let (_, singles) = app.call("advisor", json!({"cluster": "it", "about": Subject::Cluster})).await;
    assert!(singles["data"]["findings"].as_array().unwrap().iter().all(|f| f["muted"].is_null()), "{singles}");
    let (status, _) = app.call("advisor/mute", request("")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, unmuted) = app.call("advisor", json!({"cluster": "it", "about": subject})).await;
    assert!(unmuted["data"]["findings"][0]["muted"].is_null(), "{unmuted}");
}

/// A memory alarm, then a disk alarm, block every publisher: each found on the node, with its
/// fix, and gone once the alarm clears.
async fn alarm(app: &TestApp, node: &str) {
    let _restore = Limits(node.to_string());
    for (what, raise, clear, fix_words) in [
        (
            "memory",
            ["set_vm_memory_high_watermark", "0.0001"],
            ["set_vm_memory_high_watermark", "0.4"],
            "vm_memory_high_watermark",
        ),
        // Far more than any disk has free.
        ("disk", ["set_disk_free_limit", "100000GB"], ["set_disk_free_limit", DISK_FREE_LIMIT], "set_disk_free_limit"),
    ] {
        let started = Instant::now();
        common::broker_node_args(&["ctl", node, raise[0], raise[1]]);
        let findings = found(app, "", &[("alarm", "")]).await;
        println!("{node}: {what} alarm found after {:?}", started.elapsed());
        let alarm = findings.iter().find(|f| f.check.kind() == "alarm").unwrap();
        let expected = Check::Alarm { memory: what == "memory", disk: what == "disk" };
        assert_eq!(alarm.check, expected, "{node}");
        let fix = (EN.explain)(alarm).fix;
        assert!(fix.contains(fix_words), "{fix}");
        common::broker_node_args(&["ctl", node, clear[0], clear[1]]);
        let cleared = Instant::now();
        while advice(app).await.iter().any(|f| f.check.kind() == "alarm") {
            assert!(cleared.elapsed() < FOUND_WITHIN, "the {what} alarm finding did not clear");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
