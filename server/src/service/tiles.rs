//! Dashboard tiles' numbers from a cluster's snapshot: pure functions, so every screen showing a
//! tile gets the same numbers and tests need no broker. Tiles that need history (a backlog
//! chart, growth) combine these with the history store in `backend`.

use app::auth::Access;
use app::error::AppError;
use domain::advisor::{Advice, Advised, Severity, Subject};
use domain::backlog::Growth;
use domain::dashboard::{QueueSet, TileData, TileQueue, Warning};

use crate::cluster::snapshot::{QueueEntry, Snapshot};
use crate::store::timeseries::Backlogs;

/// Largest compiled queue-name pattern, as for the list filters.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

pub fn cluster_status(snapshot: &Snapshot) -> TileData {
    let nodes = &snapshot.overview.nodes;
    let alarms = nodes
        .iter()
        .flat_map(|n| {
            let memory = n.mem_alarm.then(|| format!("memory alarm on {}", n.name));
            let disk = n.disk_alarm.then(|| format!("disk alarm on {}", n.name));
            memory.into_iter().chain(disk)
        })
        .collect();
    TileData::ClusterStatus {
        nodes_up: nodes.iter().filter(|n| n.running).count() as u64,
        nodes: nodes.len() as u64,
        alarms,
    }
}

/// The queues of `set` that `who` may see.
pub fn queue_set<'a>(
    snapshot: &'a Snapshot,
    who: &dyn Access,
    cluster: &str,
    set: &QueueSet,
) -> Result<Vec<&'a QueueEntry>, AppError> {
    let pattern = match &set.pattern {
        None => None,
        Some(p) => Some(
            regex::RegexBuilder::new(p)
                .size_limit(PATTERN_SIZE_LIMIT)
                .build()
                .map_err(|e| AppError::BadRequest(format!("invalid queue name pattern: {e}")))?,
        ),
    };
    Ok(snapshot
        .queues_in(set.vhost.as_deref())
        .iter()
        .filter(|q| who.may_see_vhost(cluster, &q.row.vhost))
        .filter(|q| set.names.is_empty() || set.names.contains(&q.row.name))
        .filter(|q| pattern.as_ref().is_none_or(|re| re.is_match(&q.row.name)))
        .collect())
}

pub fn totals(queues: &[&QueueEntry]) -> TileData {
    let sum = |f: fn(&QueueEntry) -> u64| queues.iter().map(|q| f(q)).sum();
    TileData::Totals {
        ready: sum(|q| q.row.ready),
        unacked: sum(|q| q.row.unacked),
        consumers: sum(|q| q.row.consumers),
        publish_rate: queues.iter().map(|q| q.row.incoming_rate).sum(),
        deliver_rate: queues.iter().map(|q| q.row.deliver_rate).sum(),
    }
}

pub fn row(q: &QueueEntry, grown: Option<f64>) -> TileQueue {
    TileQueue {
        vhost: q.row.vhost.clone(),
        name: q.row.name.clone(),
        ready: q.row.ready,
        unacked: q.row.unacked,
        consumers: q.row.consumers,
        grown,
    }
}

/// The `limit` queues with the largest backlog, largest first (ties by name, so screens agree).
pub fn top_by_backlog(queues: &[&QueueEntry], limit: usize) -> TileData {
    let mut sorted: Vec<&&QueueEntry> = queues.iter().filter(|q| q.row.total > 0).collect();
    sorted.sort_by(|a, b| {
        b.row.total.cmp(&a.row.total).then_with(|| (&a.row.vhost, &a.row.name).cmp(&(&b.row.vhost, &b.row.name)))
    });
    TileData::Queues(sorted.into_iter().take(limit).map(|q| row(q, None)).collect())
}

/// The queues whose backlog grew since `start` (each queue's backlog then; absent: none), most
/// first, ties by name.
pub fn grown(queues: &[&QueueEntry], start: &Backlogs) -> Vec<Growth> {
    let mut grown: Vec<Growth> = queues
        .iter()
        .map(|q| {
            let key = (q.row.vhost.clone(), q.row.name.clone());
            let from = start.get(&key).map_or(0.0, |s| s.backlog);
            Growth { vhost: key.0, name: key.1, from, to: (q.row.ready + q.row.unacked) as f64 }
        })
        .filter(|g| g.grown() > 0.0)
        .collect();
    grown.sort_by(|a, b| b.grown().total_cmp(&a.grown()).then_with(|| (&a.vhost, &a.name).cmp(&(&b.vhost, &b.name))));
    grown
}

/// Queues holding messages that nobody consumes, largest backlog first.
pub fn no_consumers(queues: &[&QueueEntry], limit: usize) -> TileData {
    let idle: Vec<&QueueEntry> = queues.iter().copied().filter(|q| q.row.consumers == 0).collect();
    top_by_backlog(&idle, limit)
}

/// The advisor's red and amber findings not muted, most serious first, as the message-loss tile
/// lists them: the same findings the advisor page shows.
pub fn warnings(advice: Advice) -> Vec<Warning> {
    advice
        .findings
        .into_iter()
        .filter(|a| a.muted.is_none() && a.finding.severity != Severity::Info)
        .map(|Advised { finding, .. }| {
            let (vhost, object) = match finding.subject {
                Subject::Cluster => (String::new(), String::new()),
                Subject::Node { name } => (String::new(), name),
                Subject::Queue { vhost, name }
                | Subject::Exchange { vhost, name }
                | Subject::Channel { vhost, name } => (vhost, name),
                Subject::Consumer { vhost, queue, tag, .. } => (vhost, format!("{queue} · {tag}")),
            };
            Warning { severity: finding.severity, headline: finding.check.headline().to_string(), vhost, object }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::access::{Principal, VhostScope};
    use app::auth::{IdentityKind, Role};
    use app::model::{NodeInfo, QueueRow};

    fn queue(vhost: &str, name: &str, ready: u64, consumers: u64, durable: bool) -> QueueEntry {
        let row = QueueRow {
            vhost: vhost.into(),
            name: name.into(),
            kind: "classic".into(),
            durable,
            ready,
            total: ready,
            consumers,
            ..Default::default()
        };
        QueueEntry { row, ..Default::default() }
    }

    fn viewer() -> Principal {
        Principal {
            name: "wall".into(),
            kind: IdentityKind::Screen,
            role: Role::Viewer,
            clusters: None,
            vhosts: VhostScope::All,
            csrf: None,
            broker_credentials: None,
            client_addr: None,
            user_agent: None,
        }
    }

    fn snapshot(nodes: usize) -> Snapshot {
        let mut s = Snapshot::default();
        s.overview.nodes = (0..nodes)
            .map(|i| NodeInfo {
                name: format!("rabbit@n{i}"),
                running: i != 1,
                disk_alarm: i == 2,
                ..Default::default()
            })
            .collect();
        s.queues = vec![
            queue("/", "orders.eu", 500, 2, true),
            queue("/", "orders.us", 70, 0, true),
            queue("/", "tmp", 3, 0, false),
            queue("team", "orders.x", 9_000, 0, true),
        ];
        s.queues[3].arguments.push(("x-max-length".into(), "10000".into()));
        s
    }

    #[test]
    fn tiles_count_what_they_are_asked_for() {
        let s = snapshot(3);
        let who = viewer();
        assert_eq!(
            cluster_status(&s),
            TileData::ClusterStatus { nodes_up: 2, nodes: 3, alarms: vec!["disk alarm on rabbit@n2".into()] }
        );
        let orders = QueueSet { pattern: Some("^orders\\.".into()), ..Default::default() };
        let set = queue_set(&s, &who, "c", &orders).unwrap();
        assert_eq!(set.len(), 3);
        assert!(matches!(totals(&set), TileData::Totals { ready: 9_570, consumers: 2, .. }));
        let TileData::Queues(top) = top_by_backlog(&set, 2) else { panic!() };
        assert_eq!(top.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(), ["orders.x", "orders.eu"]);
        let TileData::Queues(idle) = no_consumers(&set, 10) else { panic!() };
        assert_eq!(idle.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(), ["orders.x", "orders.us"]);
        let bad = QueueSet { pattern: Some("(".into()), ..Default::default() };
        assert!(matches!(queue_set(&s, &who, "c", &bad), Err(AppError::BadRequest(_))));
    }
}
