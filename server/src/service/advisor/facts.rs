//! A snapshot turned into the advisor's facts (`domain::advisor::Facts`), with the counters that
//! only mean something as a change (unroutable messages, publishes into an exchange,
//! redeliveries) taken over the last minutes rather than since the nodes started: a queue that
//! once had a bad hour is not flagged for ever.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

use app::model::{NodeInfo, Overview};
use domain::advisor::facts::*;
use serde_json::{Map, Value};

use crate::cluster::snapshot::{QueueEntry, Snapshot};
use crate::store::timeseries::{Backlogs, Start};

/// A change is measured over the last five to ten minutes (see `Window`).
const HALF_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Growth is read over the last ten minutes of history (`Range::TenMinutes`), or since the
/// queue's first record when that is later, but never over less than this: a queue just declared
/// and filled at once is not "growing".
const GROWTH_AT_LEAST_MS: i64 = 60_000;

/// A counter of the snapshot whose change over the window the checks read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Counter {
    Dropped,
    Returned,
    /// Warren's own publishes that the broker returned (`Advisor::note_own_returns`).
    OwnReturned,
    Published(String, String),
    Redelivered(String, String),
    Delivered(String, String),
}

/// Each counter's value at the start of the window: two slots turned every `HALF_WINDOW`, so
/// the window spans five to ten minutes with two numbers per counter, whatever the refresh rate.
/// Written here because it is twenty lines; a time-series crate would keep every sample.
struct Window<K> {
    slots: HashMap<K, Slots>,
    turned: Instant,
}

struct Slots {
    base: u64,
    next: u64,
    now: u64,
    seen: bool,
}

impl<K: Eq + Hash> Window<K> {
    fn new(now: Instant) -> Self {
        Self { slots: HashMap::new(), turned: now }
    }

    /// Starts a refresh: forgets counters the last refresh did not see, turns the slots when due.
    fn begin(&mut self, now: Instant) {
        self.slots.retain(|_, s| std::mem::take(&mut s.seen));
        if now.duration_since(self.turned) >= HALF_WINDOW {
            for s in self.slots.values_mut() {
                (s.base, s.next) = (s.next, s.now);
            }
            self.turned = now;
        }
    }

    /// How much `key` went up over the window; 0 the first time it is seen, so a counter that was
    /// already high when Warren started raises nothing until it moves.
    fn increase(&mut self, key: K, value: u64) -> u64 {
        let slots = self.slots.entry(key).or_insert(Slots { base: value, next: value, now: value, seen: true });
        if value < slots.now {
            // The object was recreated, or its node restarted: its counter started again.
            (slots.base, slots.next) = (0, 0);
        }
        slots.now = value;
        slots.seen = true;
        value.saturating_sub(slots.base)
    }
}

/// What the advisor keeps from one refresh to the next.
pub struct Counters {
    window: Window<Counter>,
    /// Queues the history has no start for yet, when the advisor first saw them: a queue declared
    /// after the first refresh the history holds for the range appears in its chunks only once
    /// that window closes, and would not be judged until then.
    first_seen: HashMap<(String, String), Start>,
}

impl Counters {
    pub fn new() -> Self {
        Self { window: Window::new(Instant::now()), first_seen: HashMap::new() }
    }

    /// The facts of `snapshot`, taken at `now_ms`; `start` is each queue's first backlog in the
    /// last ten minutes, if recorded; `own_returned`, how many of Warren's own publishes the
    /// broker returned so far.
    pub fn facts(&mut self, snapshot: &Snapshot, now_ms: i64, start: Option<&Backlogs>, own_returned: u64) -> Facts {
        self.window.begin(Instant::now());
        let counters = !snapshot.counters.none_kept;
        let overview = &snapshot.overview;
        let mut recent = |counter, value: Option<u64>| value.map(|v| self.window.increase(counter, v));
        // Warren's publish form uses `mandatory`: what it sent to nowhere comes back to it, and
        // is shown there, not counted as a publisher ignoring returns.
        let own = recent(Counter::OwnReturned, Some(own_returned)).unwrap_or(0);
        let unroutable = Unroutable {
            dropped: recent(Counter::Dropped, snapshot.counters.dropped_unroutable),
            returned: recent(Counter::Returned, snapshot.counters.returned_unroutable).map(|r| r.saturating_sub(own)),
        };
        let exchanges = snapshot
            .exchanges
            .iter()
            .map(|x| {
                let (vhost, name) = (x.row.vhost.clone(), x.row.name.clone());
                // Only exchanges that take messages are counted: most never do.
                let published = x.published.filter(|p| *p > 0);
                ExchangeFacts {
                    published: recent(Counter::Published(vhost.clone(), name.clone()), published),
                    alternate: snapshot.alternate_exchange(x),
                    durable: x.row.durable,
                    vhost,
                    name,
                }
            })
            .collect();
        let mut first_seen = std::mem::take(&mut self.first_seen);
        let queues = snapshot
            .queues
            .iter()
            .map(|q| {
                let key = (q.row.vhost.clone(), q.row.name.clone());
                // Without any history (none kept, or unreadable), growth is not judged.
                let from = start.map(|recorded| match recorded.get(&key) {
                    Some(from) => *from,
                    None => {
                        let backlog = (q.row.ready + q.row.unacked) as f64;
                        *self
                            .first_seen
                            .entry(key.clone())
                            .or_insert_with(|| first_seen.remove(&key).unwrap_or(Start { backlog, at_ms: now_ms }))
                    }
                });
                let mut facts = queue_facts(q, from.as_ref(), now_ms);
                let r = &q.reliability;
                let key = || (q.row.vhost.clone(), q.row.name.clone());
                // Only queues that redeliver are counted: the others have no ratio to speak of.
                if let Some(redelivered) = r.redelivered.filter(|r| *r > 0) {
                    let (vhost, name) = key();
                    facts.redelivered = recent(Counter::Redelivered(vhost.clone(), name.clone()), Some(redelivered));
                    facts.delivered = recent(Counter::Delivered(vhost, name), r.delivered);
                } else if counters {
                    facts.redelivered = Some(0);
                }
                facts
            })
            .collect();
        Facts {
            nodes: overview
                .nodes
                .iter()
                .map(|n| NodeFacts {
                    name: n.name.clone(),
                    running: n.running,
                    mem_alarm: n.mem_alarm,
                    disk_alarm: n.disk_alarm,
                    partitions: partitions(overview, n),
                })
                .collect(),
            unroutable,
            queues,
            exchanges,
            bindings: snapshot
                .bindings
                .iter()
                .filter(|b| !b.source.is_empty())
                .map(|b| BindingFacts {
                    vhost: b.vhost.clone(),
                    source: b.source.clone(),
                    destination: b.destination.clone(),
                    to_queue: b.destination_type == "queue",
                })
                .collect(),
            channels: snapshot
                .channels
                .iter()
                .map(|c| ChannelFacts {
                    vhost: c.vhost.clone(),
                    name: c.name.clone(),
                    confirm: c.confirm,
                    transactional: c.transactional,
                    published: counters.then_some(c.published),
                })
                .collect(),
            consumers: snapshot
                .consumers
                .iter()
                .map(|c| ConsumerFacts {
                    vhost: c.vhost.clone(),
                    queue: c.queue.clone(),
                    channel: c.channel.clone(),
                    tag: c.tag.clone(),
                    ack_required: c.ack_required,
                    prefetch: c.prefetch,
                })
                .collect(),
            version_4: major_version(&overview.rabbitmq_version) >= 4,
            counters,
        }
    }
}

fn major_version(version: &str) -> u32 {
    version.split('.').next().and_then(|major| major.parse().ok()).unwrap_or(0)
}

/// The nodes `node` reports partitioned from: in the list Warren read, or in the node's own view
/// when the list came from a node on the other side of a split (which may not see it report).
fn partitions(overview: &Overview, node: &NodeInfo) -> Vec<String> {
    let own = overview.node_views.iter().find(|v| v.node == node.name);
    let seen = own.and_then(|v| v.seen.iter().find(|s| s.name == node.name));
    let mut partitions = node.partitions.clone();
    for other in seen.into_iter().flat_map(|s| &s.partitions) {
        if !partitions.contains(other) {
            partitions.push(other.clone());
        }
    }
    partitions
}

fn queue_facts(q: &QueueEntry, start: Option<&Start>, now_ms: i64) -> QueueFacts {
    let (row, r) = (&q.row, &q.reliability);
    let backlog = (row.ready + row.unacked) as f64;
    let ready_per_minute = start
        .filter(|from| now_ms - from.at_ms >= GROWTH_AT_LEAST_MS)
        .map(|from| (backlog - from.backlog) * 60_000.0 / (now_ms - from.at_ms) as f64);
    QueueFacts {
        vhost: row.vhost.clone(),
        name: row.name.clone(),
        kind: QueueKind::parse(&row.kind),
        durable: row.durable,
        exclusive: row.exclusive,
        auto_delete: row.auto_delete,
        messages: row.total,
        ready: row.ready,
        bytes_ready: r.bytes_ready,
        persistent: r.persistent,
        consumers: row.consumers,
        arguments: arguments(&q.arguments),
        policy: r.effective_policy.clone(),
        members: r.members,
        mirrors: r.mirrors,
        redelivered: None,
        delivered: None,
        ready_per_minute,
    }
}

/// The queue's `x-` arguments without the prefix, typed again: the snapshot keeps them as text
/// (`json_pairs`), and the checks compare limits as numbers.
fn arguments(pairs: &[(String, String)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter_map(|(key, text)| {
            let key = key.strip_prefix("x-")?;
            let value = match key {
                "message-ttl" | "max-length" | "max-length-bytes" | "expires" | "delivery-limit" => {
                    Value::from(text.parse::<i64>().ok()?)
                }
                "single-active-consumer" => Value::Bool(text == "true"),
                _ => Value::String(text.clone()),
            };
            Some((key.to_string(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_what_moved_since_it_began_and_starts_again_with_the_counter() {
        let t0 = Instant::now();
        let mut w = Window::new(t0);
        w.begin(t0);
        assert_eq!(w.increase("x", 500), 0, "already high when first seen: nothing yet");
        w.begin(t0 + Duration::from_secs(5));
        assert_eq!(w.increase("x", 520), 20);
        w.begin(t0 + HALF_WINDOW);
        assert_eq!(w.increase("x", 530), 30, "turned: the base is the first slot's");
        w.begin(t0 + HALF_WINDOW * 2);
        assert_eq!(w.increase("x", 530), 10, "the first 500→520 left the window");
        w.begin(t0 + HALF_WINDOW * 3);
        assert_eq!(w.increase("x", 530), 0);
        w.begin(t0 + HALF_WINDOW * 3 + Duration::from_secs(5));
        assert_eq!(w.increase("x", 7), 7, "recreated: counted from zero");
        w.begin(t0 + HALF_WINDOW * 4);
        w.begin(t0 + HALF_WINDOW * 4 + Duration::from_secs(5));
        assert!(w.slots.is_empty(), "not seen on a refresh: forgotten");
    }

    #[test]
    fn growth_is_per_minute_since_the_first_record_and_not_judged_on_less_than_a_minute() {
        let mut q = QueueEntry::default();
        (q.row.ready, q.row.unacked) = (150, 50);
        let now = 1_800_000_000_000;
        let rate =
            |backlog, ago_ms| queue_facts(&q, Some(&Start { backlog, at_ms: now - ago_ms }), now).ready_per_minute;
        assert_eq!(rate(0.0, 10 * 60_000), Some(20.0), "over the ten minutes");
        assert_eq!(rate(0.0, 2 * 60_000), Some(100.0), "a history two minutes old: over those two");
        assert_eq!(rate(260.0, 60_000), Some(-60.0), "draining");
        assert_eq!(rate(0.0, 30_000), None, "half a minute says nothing yet");
        assert_eq!(queue_facts(&q, None, now).ready_per_minute, None, "no record");
    }

    #[test]
    fn a_queue_the_history_has_no_start_for_grows_from_when_it_was_first_seen() {
        let mut snapshot = Snapshot::default();
        let mut q = QueueEntry::default();
        (q.row.vhost, q.row.name, q.row.ready) = ("/".into(), "young".into(), 100);
        snapshot.queues.push(q);
        let now = 1_800_000_000_000;
        let recorded = Backlogs::new();
        let mut counters = Counters::new();
        let rate = |counters: &mut Counters, snapshot: &Snapshot, at, start| {
            counters.facts(snapshot, at, start, 0).queues[0].ready_per_minute
        };
        assert_eq!(rate(&mut counters, &snapshot, now, Some(&recorded)), None, "first seen now");
        snapshot.queues[0].row.ready = 700;
        assert_eq!(rate(&mut counters, &snapshot, now + 120_000, Some(&recorded)), Some(300.0));
        assert_eq!(rate(&mut counters, &snapshot, now + 120_000, None), None, "no history, no growth");
        // Gone, then back: seen anew.
        let empty = Snapshot::default();
        counters.facts(&empty, now + 130_000, Some(&recorded), 0);
        assert_eq!(rate(&mut counters, &snapshot, now + 180_000, Some(&recorded)), None);
    }

    #[test]
    fn a_partition_counts_from_the_node_s_own_view_when_the_list_is_from_the_other_side() {
        use app::model::{NodeSeen, NodeView};
        let node = |name: &str, partitions: &[&str]| NodeInfo {
            name: name.into(),
            partitions: partitions.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        };
        let seen = |name: &str, partitions: &[&str]| NodeSeen {
            name: name.into(),
            running: true,
            partitions: partitions.iter().map(|p| p.to_string()).collect(),
        };
        let overview = Overview {
            // Read from a: c reports nothing there.
            nodes: vec![node("a", &["c"]), node("c", &[])],
            node_views: vec![
                NodeView { node: "a".into(), seen: vec![seen("a", &["c"]), seen("c", &[])] },
                NodeView { node: "c".into(), seen: vec![seen("a", &[]), seen("c", &["a", "b"])] },
            ],
            ..Default::default()
        };
        assert_eq!(partitions(&overview, &overview.nodes[0]), ["c"]);
        assert_eq!(partitions(&overview, &overview.nodes[1]), ["a", "b"], "c's own word");
    }

    #[test]
    fn arguments_are_typed_as_the_checks_compare_them() {
        let pairs = [
            ("x-max-length".to_string(), "1000".to_string()),
            ("x-dead-letter-exchange".to_string(), "123".to_string()),
            ("x-single-active-consumer".to_string(), "true".to_string()),
            ("other".to_string(), "1".to_string()),
        ];
        let map = arguments(&pairs);
        assert_eq!(map.get("max-length"), Some(&Value::from(1000)));
        assert_eq!(map.get("dead-letter-exchange"), Some(&Value::from("123")), "a name stays a name");
        assert_eq!(map.get("single-active-consumer"), Some(&Value::Bool(true)));
        assert_eq!(map.len(), 3);
    }
}
