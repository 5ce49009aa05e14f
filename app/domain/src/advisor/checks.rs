//! Each check, on one refresh's facts. Thresholds follow RabbitMQ's documentation where it
//! gives one (prefetch 100–300, quorum delivery limit 20 on 4.x) and the reference table in
//! `shared/reference/reliability-checks.md` elsewhere.

use std::collections::HashSet;

use super::facts::{ChannelFacts, ExchangeFacts, QueueFacts, QueueKind};
use super::{Check, Facts, Finding, Severity, Subject};

/// A queue at this share of its length limit is about to drop or refuse messages.
const NEAR_FULL: f64 = 0.9;
/// Above this prefetch a consumer holds more than it can work on (the docs advise 100–300).
const LARGE_PREFETCH: u64 = 1_000;
/// Redeliveries above 1 in 20 deliveries, once there are enough deliveries to say.
const REDELIVERY_SHARE: u64 = 20;
const REDELIVERY_SAMPLE: u64 = 100;
/// RabbitMQ 4's delivery limit for quorum queues that set none.
const DEFAULT_DELIVERY_LIMIT_4: i64 = 20;

/// Everything found on one refresh, most serious first. `ordering` picks the queues whose
/// message order matters (off unless an admin names them).
pub fn evaluate(facts: &Facts, ordering: &dyn Fn(&QueueFacts) -> bool) -> Vec<Finding> {
    let mut out = Findings::default();
    cluster(facts, &mut out);
    let bound: HashSet<(&str, &str)> = facts.bindings.iter().map(|b| (b.vhost.as_str(), b.source.as_str())).collect();
    let exchanges: HashSet<(&str, &str)> =
        facts.exchanges.iter().map(|e| (e.vhost.as_str(), e.name.as_str())).collect();
    for e in facts.exchanges.iter().filter(|e| !built_in(&e.name)) {
        exchange(e, bound.contains(&(e.vhost.as_str(), e.name.as_str())), &mut out);
    }
    // A queue a dead-letter exchange routes to is a dead-letter queue: nobody consumes it on purpose.
    let dead_letter_exchanges: HashSet<(&str, &str)> =
        facts.queues.iter().filter_map(|q| Some((q.vhost.as_str(), q.text("dead-letter-exchange")?))).collect();
    let dead_letter_queues: HashSet<(&str, &str)> = facts
        .bindings
        .iter()
        .filter(|b| b.to_queue && dead_letter_exchanges.contains(&(b.vhost.as_str(), b.source.as_str())))
        .map(|b| (b.vhost.as_str(), b.destination.as_str()))
        .collect();
    let unconfirmed: Vec<&ChannelFacts> = facts.channels.iter().filter(|c| publishes_unconfirmed(c)).collect();
    let nodes = facts.nodes.len();
    for q in facts.queues.iter().filter(|q| !incidental(q)) {
        let place = Place {
            nodes,
            version_4: facts.version_4,
            dead_letter_queue: dead_letter_queues.contains(&(q.vhost.as_str(), q.name.as_str())),
            exchanges: &exchanges,
            bound: &bound,
            unconfirmed: unconfirmed.iter().filter(|c| c.vhost == q.vhost).count(),
        };
        queue(q, &place, &mut out);
        if ordering(q) {
            ordered(q, &mut out);
        }
    }
    for c in unconfirmed {
        let published = c.published.unwrap_or_default();
        out.push(Severity::Amber, channel(c), Check::PublishesWithoutConfirms { published });
    }
    let shared: HashSet<(&str, &str)> = facts
        .queues
        .iter()
        .filter(|q| q.durable && !incidental(q))
        .map(|q| (q.vhost.as_str(), q.name.as_str()))
        .collect();
    for c in facts.consumers.iter().filter(|c| shared.contains(&(c.vhost.as_str(), c.queue.as_str()))) {
        let subject = Subject::Consumer {
            vhost: c.vhost.clone(),
            queue: c.queue.clone(),
            channel: c.channel.clone(),
            tag: c.tag.clone(),
        };
        match (c.ack_required, c.prefetch) {
            (false, _) => out.push(Severity::Amber, subject, Check::AutoAck),
            (true, 0) => out.push(Severity::Amber, subject, Check::UnlimitedPrefetch),
            (true, prefetch) if prefetch > LARGE_PREFETCH => {
                out.push(Severity::Info, subject, Check::LargePrefetch { prefetch })
            }
            _ => {}
        }
    }
    if !facts.counters {
        for check in ["confirms", "unroutable", "redeliveries", "routes-nowhere"] {
            out.push(Severity::Info, Subject::Cluster, Check::Unknown { check: check.into() });
        }
    }
    let mut findings = out.0;
    findings.sort_by(|a, b| (a.severity, &a.subject).cmp(&(b.severity, &b.subject)));
    findings
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn push(&mut self, severity: Severity, subject: Subject, check: Check) {
        self.0.push(Finding { severity, subject, check });
    }
}

fn cluster(facts: &Facts, out: &mut Findings) {
    for n in &facts.nodes {
        let node = || Subject::Node { name: n.name.clone() };
        if !n.running {
            out.push(Severity::Red, node(), Check::NodeDown);
        }
        if n.mem_alarm || n.disk_alarm {
            out.push(Severity::Red, node(), Check::Alarm { memory: n.mem_alarm, disk: n.disk_alarm });
        }
        if !n.partitions.is_empty() {
            out.push(Severity::Red, node(), Check::Partition { unreachable: n.partitions.clone() });
        }
    }
    match facts.nodes.len() {
        1 => out.push(Severity::Info, Subject::Cluster, Check::SingleNode),
        n if n % 2 == 0 => out.push(Severity::Amber, Subject::Cluster, Check::EvenNodes { nodes: n }),
        _ => {}
    }
    match facts.unroutable {
        u if u.dropped.unwrap_or(0) > 0 => {
            let messages = u.dropped.unwrap_or(0);
            out.push(Severity::Red, Subject::Cluster, Check::UnroutableDropped { messages });
        }
        u if u.returned.unwrap_or(0) > 0 => {
            let messages = u.returned.unwrap_or(0);
            out.push(Severity::Amber, Subject::Cluster, Check::UnroutableReturned { messages });
        }
        _ => {}
    }
}

/// The default exchange and the `amq.*` ones: the broker's own, always there.
fn built_in(name: &str) -> bool {
    name.is_empty() || name.starts_with("amq.")
}

fn exchange(e: &ExchangeFacts, bound: bool, out: &mut Findings) {
    let subject = || Subject::Exchange { vhost: e.vhost.clone(), name: e.name.clone() };
    if !e.durable {
        out.push(Severity::Amber, subject(), Check::TransientExchange);
    }
    if let Some(published) = e.published.filter(|p| *p > 0) {
        if !bound && e.alternate.is_none() {
            out.push(Severity::Red, subject(), Check::RoutesNowhere { published });
        }
    }
}

/// Queues that are temporary or belong to the broker or a plugin by design: exclusive and
/// server-named queues, auto-delete reply queues, direct reply-to, 3.10's aliveness test, MQTT
/// QoS 0 and STOMP subscriptions, federation's queues, plugin queue types.
fn incidental(q: &QueueFacts) -> bool {
    const PREFIXES: [&str; 5] =
        ["amq.gen-", "amq.rabbitmq.", "mqtt-subscription-", "stomp-subscription-", "federation:"];
    q.exclusive
        || (q.auto_delete && !q.durable)
        || q.kind == QueueKind::Other
        || q.name == "aliveness-test"
        || PREFIXES.iter().any(|p| q.name.starts_with(p))
}

fn publishes_unconfirmed(c: &ChannelFacts) -> bool {
    !c.confirm && !c.transactional && c.published.is_some_and(|p| p > 0)
}

fn channel(c: &ChannelFacts) -> Subject {
    Subject::Channel { vhost: c.vhost.clone(), name: c.name.clone() }
}

/// What a queue's checks need to know about the rest of the cluster.
struct Place<'a> {
    nodes: usize,
    version_4: bool,
    dead_letter_queue: bool,
    exchanges: &'a HashSet<(&'a str, &'a str)>,
    bound: &'a HashSet<(&'a str, &'a str)>,
    /// Channels of the queue's vhost that publish without confirms.
    unconfirmed: usize,
}

fn queue(q: &QueueFacts, place: &Place, out: &mut Findings) {
    let subject = || Subject::Queue { vhost: q.vhost.clone(), name: q.name.clone() };
    replication(q, place, out);
    if q.kind == QueueKind::Stream {
        // A stream's messages are its retained log, not a backlog.
        return;
    }
    if q.kind == QueueKind::Classic {
        if !q.durable {
            let severity = if q.messages > 0 { Severity::Red } else { Severity::Amber };
            out.push(severity, subject(), Check::TransientQueue { messages: q.messages });
        } else if let Some(persistent) = q.persistent.filter(|p| *p < q.messages) {
            let transient = q.messages - persistent;
            out.push(Severity::Amber, subject(), Check::TransientMessages { transient, messages: q.messages });
        }
    }
    backlog(q, place, out);
    limits(q, place, out);
    if let (Some(redelivered), Some(delivered)) = (q.redelivered, q.delivered) {
        if delivered >= REDELIVERY_SAMPLE && redelivered * REDELIVERY_SHARE > delivered {
            out.push(Severity::Amber, subject(), Check::Redeliveries { redelivered, delivered });
        }
    }
}

fn replication(q: &QueueFacts, place: &Place, out: &mut Findings) {
    let subject = || Subject::Queue { vhost: q.vhost.clone(), name: q.name.clone() };
    match (q.kind, q.members, q.mirrors) {
        (QueueKind::Quorum | QueueKind::Stream, Some((members, online)), _) => {
            if online < members {
                let minority = online * 2 <= members;
                let severity = if minority { Severity::Red } else { Severity::Amber };
                out.push(severity, subject(), Check::MembersOffline { members, online, minority });
            }
            if members < place.nodes.min(3) {
                out.push(Severity::Amber, subject(), Check::FewMembers { members, nodes: place.nodes });
            }
        }
        // One node: the cluster's single finding says it; durable ones only (transient ones have theirs).
        (QueueKind::Classic, _, _) if place.nodes < 2 || !q.durable => {}
        (QueueKind::Classic, _, Some((mirrors, synchronised))) if synchronised < mirrors => {
            out.push(Severity::Amber, subject(), Check::UnsyncedMirrors { mirrors, synchronised });
        }
        (QueueKind::Classic, _, _) if place.version_4 || q.setting("ha-mode").is_none() => {
            let check = Check::Unreplicated { messages: q.messages, mirroring_removed: place.version_4 };
            out.push(Severity::Amber, subject(), check);
        }
        _ => {}
    }
}

fn backlog(q: &QueueFacts, place: &Place, out: &mut Findings) {
    let subject = || Subject::Queue { vhost: q.vhost.clone(), name: q.name.clone() };
    if q.consumers == 0 && q.ready > 0 && !place.dead_letter_queue {
        out.push(Severity::Amber, subject(), Check::NoConsumers { ready: q.ready });
    }
    if let Some(rate) = q.ready_per_minute.filter(|r| *r >= 1.0 && q.consumers > 0) {
        let minutes_to_full = q
            .number("max-length")
            .and_then(|limit| u64::try_from(limit).ok())
            .map(|limit| (limit.saturating_sub(q.ready) as f64 / rate).ceil() as u64);
        let check = Check::Growing { ready: q.ready, per_minute: rate.round() as u64, minutes_to_full };
        out.push(Severity::Amber, subject(), check);
    }
}

/// Length limits, discarding without a dead-letter exchange, a dead-letter exchange that leads
/// nowhere, and refusals publishers never hear of.
fn limits(q: &QueueFacts, place: &Place, out: &mut Findings) {
    let subject = || Subject::Queue { vhost: q.vhost.clone(), name: q.name.clone() };
    let dlx = q.text("dead-letter-exchange");
    let overflow = q.text("overflow").unwrap_or("drop-head").to_string();
    let limit = |key: &str| q.number(key).and_then(|l| u64::try_from(l).ok());
    let near =
        [(limit("max-length"), q.ready, false), (limit("max-length-bytes"), q.bytes_ready, true)].into_iter().find_map(
            |(limit, used, bytes)| limit.filter(|l| used as f64 >= NEAR_FULL * *l as f64).map(|l| (l, used, bytes)),
        );
    if let Some((limit, ready, bytes)) = near {
        let silent = overflow == "drop-head" && dlx.is_none();
        let severity = if silent { Severity::Red } else { Severity::Amber };
        out.push(severity, subject(), Check::NearLimit { ready, limit, bytes, overflow: overflow.clone(), silent });
    }
    if overflow.starts_with("reject-publish") && place.unconfirmed > 0 {
        out.push(Severity::Red, subject(), Check::RejectWithoutConfirms { overflow, channels: place.unconfirmed });
    }
    match dlx {
        // The default exchange routes by the queue name in the routing key: it needs no binding.
        Some("") => {}
        Some(exchange) if !place.exchanges.contains(&(q.vhost.as_str(), exchange)) => {
            out.push(Severity::Red, subject(), Check::DlxMissing { exchange: exchange.into() });
        }
        Some(exchange) if !place.bound.contains(&(q.vhost.as_str(), exchange)) => {
            out.push(Severity::Red, subject(), Check::DlxRoutesNowhere { exchange: exchange.into() });
        }
        Some(_) => {}
        None if !place.dead_letter_queue => {
            let reasons = discard_reasons(q, place.version_4);
            if !reasons.is_empty() {
                out.push(Severity::Amber, subject(), Check::DiscardsWithoutDlx { reasons });
            }
        }
        None => {}
    }
}

/// Why a queue can discard messages: the keys that make it (`delivery-limit` includes 4.x's default).
fn discard_reasons(q: &QueueFacts, version_4: bool) -> Vec<String> {
    let mut reasons: Vec<String> = ["message-ttl", "max-length", "max-length-bytes"]
        .iter()
        .filter(|k| q.setting(k).is_some())
        .map(|k| k.to_string())
        .collect();
    let overflow_drops = q.text("overflow").is_none_or(|o| o == "drop-head");
    if !overflow_drops {
        reasons.retain(|r| r == "message-ttl");
    }
    let delivery_limit = match q.number("delivery-limit") {
        Some(limit) => limit >= 0,
        None => version_4 && DEFAULT_DELIVERY_LIMIT_4 > 0,
    };
    if q.kind == QueueKind::Quorum && delivery_limit {
        reasons.push("delivery-limit".into());
    }
    reasons
}

fn ordered(q: &QueueFacts, out: &mut Findings) {
    let single_active = q.setting("single-active-consumer").and_then(|v| v.as_bool()).unwrap_or(false);
    if q.consumers > 1 && !single_active {
        let subject = Subject::Queue { vhost: q.vhost.clone(), name: q.name.clone() };
        out.push(Severity::Info, subject, Check::OrderingAtRisk { consumers: q.consumers });
    }
}

#[cfg(test)]
mod tests;
