//! The reliability advisor on the server: after each refresh of a cluster, its snapshot turned
//! into facts (`facts`), evaluated by the domain's checks (`domain::advisor`), and a finding kept
//! once two refreshes in a row found it (the task that does it is `clusters::evaluate_refreshes`). Admins' mutes are stored and merged in on reading. The
//! advisor page, the findings on an object's page, the counts in the navigation and on the
//! cluster cards, and the kiosk's message-loss tile all read what is kept here.

mod facts;

pub(super) use facts::Counters;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use app::error::AppError;
use app::model::{ChannelRow, ConsumerRow, ExchangeRow, QueueRow};
use domain::advisor::{Advice, AdviceCounts, Advised, Finding, Mute, Severity, Subject};

use crate::store::mutes::Mutes;

/// A finding's key: its subject and its check's kind.
type Key = (Subject, String);

/// Every cluster's findings and mutes.
pub struct Advisor {
    clusters: HashMap<String, Slot>,
    store: Option<Mutes>,
}

#[derive(Default)]
struct Slot {
    found: RwLock<Found>,
    mutes: RwLock<HashMap<Key, Mute>>,
    /// The whole cluster's counts, as of `Found::version` and the mutes then.
    counts: Mutex<Option<(u64, AdviceCounts)>>,
    /// Warren's own publishes the broker returned as unroutable, since Warren started.
    own_returns: AtomicU64,
}

#[derive(Clone, Default)]
struct Found {
    findings: Arc<Vec<Finding>>,
    /// Each object's findings, by index in `findings`: the lists mark their rows.
    by_subject: Arc<HashMap<Subject, Vec<usize>>>,
    refreshes: u64,
    /// Goes up with every evaluation and every mute change.
    version: u64,
}

impl Advisor {
    /// `store`: where mutes are kept; `None` keeps them in memory only (tests).
    pub fn new(clusters: &[String], store: Option<Mutes>) -> Self {
        Self { clusters: clusters.iter().map(|name| (name.clone(), Slot::default())).collect(), store }
    }

    fn slot(&self, cluster: &str) -> Result<&Slot, AppError> {
        self.clusters.get(cluster).ok_or_else(|| AppError::UnknownCluster(cluster.to_string()))
    }

    /// Reads the stored mutes; those of clusters no longer configured are kept in the store.
    pub async fn load_mutes(&self) {
        let Some(store) = &self.store else { return };
        match store.all().await {
            Ok(all) => {
                for (cluster, subject, kind, mute) in all {
                    if let Some(slot) = self.clusters.get(&cluster) {
                        slot.mutes.write().expect("mutes lock").insert((subject, kind), mute);
                    }
                }
            }
            Err(error) => tracing::error!(%error, "advisor mutes not read; findings show unmuted"),
        }
    }

    /// Keeps a refresh's confirmed findings; whether a page would show them differently than the
    /// last ones, their numbers aside (those follow with the next refresh's pages).
    pub(super) fn publish(&self, cluster: &str, findings: Vec<Finding>) -> bool {
        let Ok(slot) = self.slot(cluster) else { return false };
        let mut by_subject: HashMap<Subject, Vec<usize>> = HashMap::new();
        for (i, finding) in findings.iter().enumerate() {
            by_subject.entry(finding.subject.clone()).or_default().push(i);
        }
        let shown = |findings: &[Finding]| findings.iter().map(|f| (key(f), f.severity)).collect::<HashSet<_>>();
        let mut found = slot.found.write().expect("findings lock");
        let changed = found.refreshes < 2 || shown(&found.findings) != shown(&findings);
        found.findings = Arc::new(findings);
        found.by_subject = Arc::new(by_subject);
        found.refreshes += 1;
        found.version += 1;
        changed
    }

    /// The findings on `cluster` that `keep` lets through, each with its mute.
    pub fn advice(&self, cluster: &str, keep: impl Fn(&Subject) -> bool) -> Result<Advice, AppError> {
        let slot = self.slot(cluster)?;
        let found = slot.found.read().expect("findings lock").clone();
        let mutes = slot.mutes.read().expect("mutes lock");
        let findings = found
            .findings
            .iter()
            .filter(|f| keep(&f.subject))
            .map(|f| Advised { finding: f.clone(), muted: mutes.get(&key(f)).cloned() })
            .collect();
        Ok(Advice { findings, refreshes: found.refreshes })
    }

    /// Red and amber findings not muted; `None` before the second refresh, when nothing can be
    /// found yet. `all`: the viewer sees the whole cluster, whose counts are kept between calls.
    pub fn counts(&self, cluster: &str, all: bool, keep: impl Fn(&Subject) -> bool) -> Option<AdviceCounts> {
        let slot = self.slot(cluster).ok()?;
        let version = {
            let found = slot.found.read().expect("findings lock");
            if found.refreshes < 2 {
                return None;
            }
            found.version
        };
        if all {
            if let Some((at, counts)) = *slot.counts.lock().expect("counts lock") {
                if at == version {
                    return Some(counts);
                }
            }
        }
        let counts = AdviceCounts::of(&self.advice(cluster, keep).ok()?.findings);
        if all {
            *slot.counts.lock().expect("counts lock") = Some((version, counts));
        }
        Some(counts)
    }

    /// Mutes a finding found on the cluster now, for `by`, with the reason already checked.
    pub async fn mute(&self, cluster: &str, finding: &Finding, by: &str, reason: &str) -> Result<Mute, AppError> {
        let slot = self.slot(cluster)?;
        let kind = finding.check.kind();
        let mute = match &self.store {
            Some(store) => store.save(cluster, &finding.subject, kind, by, reason).await?.ok_or_else(|| {
                AppError::BadRequest(format!("{} mutes on this cluster already", crate::store::mutes::MAX_PER_CLUSTER))
            })?,
            None => Mute { by: by.into(), reason: reason.into(), at_ms: crate::store::now_ms() },
        };
        slot.mutes.write().expect("mutes lock").insert(key(finding), mute.clone());
        slot.found.write().expect("findings lock").version += 1;
        Ok(mute)
    }

    /// Whether there was a mute to remove.
    pub async fn unmute(&self, cluster: &str, subject: &Subject, kind: &str) -> Result<bool, AppError> {
        let slot = self.slot(cluster)?;
        if let Some(store) = &self.store {
            store.delete(cluster, subject, kind).await?;
        }
        let removed = slot.mutes.write().expect("mutes lock").remove(&(subject.clone(), kind.to_string())).is_some();
        slot.found.write().expect("findings lock").version += 1;
        Ok(removed)
    }

    /// Marks each row with the most serious finding about it that is not muted, if `keep` lets
    /// its subject through.
    pub fn mark<R: Marked>(&self, cluster: &str, rows: &mut [R], keep: impl Fn(&Subject) -> bool) {
        let Ok(slot) = self.slot(cluster) else { return };
        let found = slot.found.read().expect("findings lock").clone();
        let mutes = slot.mutes.read().expect("mutes lock");
        for row in rows {
            let subject = row.subject();
            *row.advice() = found.by_subject.get(&subject).filter(|_| keep(&subject)).and_then(|indices| {
                let open = indices.iter().map(|i| &found.findings[*i]).filter(|f| !mutes.contains_key(&key(f)));
                open.map(|f| f.severity).min()
            });
        }
    }

    /// Counts publishes of Warren's own that the broker returned: they are not a publisher
    /// ignoring returns.
    pub fn note_own_returns(&self, cluster: &str, returned: u64) {
        if let Ok(slot) = self.slot(cluster) {
            slot.own_returns.fetch_add(returned, Ordering::Relaxed);
        }
    }

    pub(super) fn own_returns(&self, cluster: &str) -> u64 {
        self.slot(cluster).map_or(0, |slot| slot.own_returns.load(Ordering::Relaxed))
    }

    /// The finding on `cluster` with this subject and kind, as of the last evaluation.
    pub fn find(&self, cluster: &str, subject: &Subject, kind: &str) -> Result<Option<Finding>, AppError> {
        let found = self.slot(cluster)?.found.read().expect("findings lock").findings.clone();
        Ok(found.iter().find(|f| &f.subject == subject && f.check.kind() == kind).cloned())
    }
}

fn key(finding: &Finding) -> Key {
    (finding.subject.clone(), finding.check.kind().to_string())
}

/// A list row the advisor marks: what it is about, and where its mark goes.
pub trait Marked {
    fn subject(&self) -> Subject;
    fn advice(&mut self) -> &mut Option<Severity>;
}

impl Marked for QueueRow {
    fn subject(&self) -> Subject {
        Subject::Queue { vhost: self.vhost.clone(), name: self.name.clone() }
    }
    fn advice(&mut self) -> &mut Option<Severity> {
        &mut self.advice
    }
}

impl Marked for ExchangeRow {
    fn subject(&self) -> Subject {
        Subject::Exchange { vhost: self.vhost.clone(), name: self.name.clone() }
    }
    fn advice(&mut self) -> &mut Option<Severity> {
        &mut self.advice
    }
}

impl Marked for ChannelRow {
    fn subject(&self) -> Subject {
        Subject::Channel { vhost: self.vhost.clone(), name: self.name.clone() }
    }
    fn advice(&mut self) -> &mut Option<Severity> {
        &mut self.advice
    }
}

impl Marked for ConsumerRow {
    fn subject(&self) -> Subject {
        Subject::Consumer {
            vhost: self.vhost.clone(),
            queue: self.queue.clone(),
            channel: self.channel.clone(),
            tag: self.tag.clone(),
        }
    }
    fn advice(&mut self) -> &mut Option<Severity> {
        &mut self.advice
    }
}
