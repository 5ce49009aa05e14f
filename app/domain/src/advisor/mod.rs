//! The reliability advisor: what on a live cluster loses messages, duplicates them or lets them
//! pile up unseen, each with the object it concerns and the numbers that show it. The UI words
//! each finding (why it matters, how to fix it) in English and Chinese; this module only decides.
//!
//! `evaluate` looks at one refresh; `Debounce` raises a finding only once two refreshes in a row
//! found it, so a restart or a connection that comes and goes does not alarm anyone.

mod checks;
pub mod facts;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

pub use checks::evaluate;
pub use facts::Facts;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Messages are being lost, or will be at the next failure.
    Red,
    /// A risk: loss, duplicates or backlog under conditions that happen.
    Amber,
    Info,
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Subject {
    Cluster,
    Node { name: String },
    Queue { vhost: String, name: String },
    Exchange { vhost: String, name: String },
    Channel { vhost: String, name: String },
    Consumer { vhost: String, queue: String, channel: String, tag: String },
}

/// One thing found, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Check {
    NodeDown,
    /// Publishers on the whole cluster are blocked.
    Alarm {
        memory: bool,
        disk: bool,
    },
    Partition {
        unreachable: Vec<String>,
    },
    /// A single node: nothing survives its loss.
    SingleNode,
    /// Two nodes, or an even count: a split leaves no majority.
    EvenNodes {
        nodes: usize,
    },
    /// Unroutable messages dropped since the nodes started.
    UnroutableDropped {
        messages: u64,
    },
    /// Unroutable messages returned to publishers (mandatory): handled only if they listen.
    UnroutableReturned {
        messages: u64,
    },
    /// Messages published into an exchange with no binding and no alternate exchange.
    RoutesNowhere {
        published: u64,
    },
    TransientExchange,
    /// A non-durable queue that is not exclusive: gone, with its messages, on a restart.
    TransientQueue {
        messages: u64,
    },
    /// Transient messages in a durable classic queue: lost on a restart.
    TransientMessages {
        transient: u64,
        messages: u64,
    },
    /// A classic queue on a cluster of several nodes with no mirroring: one copy only.
    Unreplicated {
        messages: u64,
        mirroring_removed: bool,
    },
    UnsyncedMirrors {
        mirrors: usize,
        synchronised: usize,
    },
    /// Quorum queue or stream members offline; `minority`: it cannot accept or deliver.
    MembersOffline {
        members: usize,
        online: usize,
        minority: bool,
    },
    /// Fewer members than the cluster's nodes allow.
    FewMembers {
        members: usize,
        nodes: usize,
    },
    PublishesWithoutConfirms {
        published: u64,
    },
    /// A queue that refuses messages when full, fed by channels that do not confirm: the refusal
    /// never reaches them.
    RejectWithoutConfirms {
        overflow: String,
        channels: usize,
    },
    AutoAck,
    UnlimitedPrefetch,
    LargePrefetch {
        prefetch: u64,
    },
    /// Redeliveries out of deliveries, in percent: duplicates reach consumers.
    Redeliveries {
        redelivered: u64,
        delivered: u64,
    },
    NoConsumers {
        ready: u64,
    },
    /// Ready messages grow while consumers drain; minutes until the length limit, if any.
    Growing {
        ready: u64,
        per_minute: u64,
        minutes_to_full: Option<u64>,
    },
    /// At or above 90 % of a length limit; `silent`: drop-head with no dead-letter exchange.
    NearLimit {
        ready: u64,
        limit: u64,
        bytes: bool,
        overflow: String,
        silent: bool,
    },
    /// Messages the queue discards (TTL, length limit, delivery limit) with nowhere to go.
    DiscardsWithoutDlx {
        reasons: Vec<String>,
    },
    DlxMissing {
        exchange: String,
    },
    /// A dead-letter exchange with no binding and no alternate exchange.
    DlxRoutesNowhere {
        exchange: String,
    },
    /// Several consumers and no single active consumer: order is not kept.
    OrderingAtRisk {
        consumers: u64,
    },
    /// A counter this check needs is not kept by the broker (`rates_mode = none`).
    Unknown {
        check: String,
    },
}

impl Check {
    /// A stable name for the kind of check: what mutes are stored under, and the pages' handle.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::NodeDown => "node-down",
            Check::Alarm { .. } => "alarm",
            Check::Partition { .. } => "partition",
            Check::SingleNode => "single-node",
            Check::EvenNodes { .. } => "even-nodes",
            Check::UnroutableDropped { .. } => "unroutable-dropped",
            Check::UnroutableReturned { .. } => "unroutable-returned",
            Check::RoutesNowhere { .. } => "routes-nowhere",
            Check::TransientExchange => "transient-exchange",
            Check::TransientQueue { .. } => "transient-queue",
            Check::TransientMessages { .. } => "transient-messages",
            Check::Unreplicated { .. } => "unreplicated",
            Check::UnsyncedMirrors { .. } => "unsynced-mirrors",
            Check::MembersOffline { .. } => "members-offline",
            Check::FewMembers { .. } => "few-members",
            Check::PublishesWithoutConfirms { .. } => "no-confirms",
            Check::RejectWithoutConfirms { .. } => "reject-without-confirms",
            Check::AutoAck => "auto-ack",
            Check::UnlimitedPrefetch => "unlimited-prefetch",
            Check::LargePrefetch { .. } => "large-prefetch",
            Check::Redeliveries { .. } => "redeliveries",
            Check::NoConsumers { .. } => "no-consumers",
            Check::Growing { .. } => "growing",
            Check::NearLimit { .. } => "near-limit",
            Check::DiscardsWithoutDlx { .. } => "discards-without-dlx",
            Check::DlxMissing { .. } => "dlx-missing",
            Check::DlxRoutesNowhere { .. } => "dlx-routes-nowhere",
            Check::OrderingAtRisk { .. } => "ordering",
            Check::Unknown { .. } => "unknown",
        }
    }

    /// What its title says, as a key of the pages' word tables: its kind, told apart further where
    /// the title differs (which alarm, a lost majority, which counters are missing). Light pages
    /// (an object's, the kiosk's) carry only this, not the whole check.
    pub fn headline(&self) -> &'static str {
        match self {
            Check::Alarm { memory: true, disk: true } => "memory-disk-alarm",
            Check::Alarm { memory: true, disk: false } => "memory-alarm",
            Check::Alarm { memory: false, .. } => "disk-alarm",
            Check::MembersOffline { minority: true, .. } => "majority-lost",
            Check::Unknown { check } => match check.as_str() {
                "confirms" => "unknown-confirms",
                "unroutable" => "unknown-unroutable",
                "redeliveries" => "unknown-redeliveries",
                "routes-nowhere" => "unknown-routes-nowhere",
                _ => "unknown",
            },
            other => other.kind(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub subject: Subject,
    pub check: Check,
}

impl Finding {
    /// The finding without its evidence: what mutes and the two-refresh rule key on.
    pub fn key(&self) -> (Subject, &'static str) {
        (self.subject.clone(), self.check.kind())
    }
}

/// Raises a finding once two consecutive refreshes found it; forgets it the first refresh that
/// does not.
#[derive(Debug, Default)]
pub struct Debounce {
    seen: HashSet<(Subject, &'static str)>,
}

impl Debounce {
    pub fn confirm(&mut self, found: Vec<Finding>) -> Vec<Finding> {
        let now: HashSet<_> = found.iter().map(Finding::key).collect();
        let confirmed = found.into_iter().filter(|f| self.seen.contains(&f.key())).collect();
        self.seen = now;
        confirmed
    }
}

/// Why an admin silenced a finding about one object: it is intended (a dead-letter queue with no
/// consumer, a cache queue with a TTL). Still listed, as muted, and left out of the counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub by: String,
    pub reason: String,
    pub at_ms: i64,
}

impl Mute {
    /// Longer reasons are refused: a note for the next admin, not a document.
    pub const MAX_REASON: usize = 500;
}

/// What an admin asks to mute or unmute: one finding's subject and kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteRequest {
    pub subject: Subject,
    pub kind: String,
    /// Empty to unmute.
    pub reason: String,
}

impl MuteRequest {
    /// The reason, trimmed, if it may be stored.
    pub fn checked_reason(&self) -> Result<&str, MuteProblem> {
        let reason = self.reason.trim();
        match reason.chars().count() {
            0 => Err(MuteProblem::NoReason),
            n if n > Mute::MAX_REASON => Err(MuteProblem::ReasonTooLong { max: Mute::MAX_REASON }),
            _ if reason.chars().any(char::is_control) => Err(MuteProblem::ControlCharacters),
            _ => Ok(reason),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MuteProblem {
    NoReason,
    ReasonTooLong {
        max: usize,
    },
    ControlCharacters,
    /// No such finding on the cluster now: only what is found can be muted.
    NotFound,
}

/// A finding as the pages show it: with its mute, if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advised {
    pub finding: Finding,
    pub muted: Option<Mute>,
}

impl Advised {
    /// What an object's page lists of it: its title's key, its consumer, who muted it.
    pub fn brief(&self) -> Brief {
        let consumer = match &self.finding.subject {
            Subject::Consumer { tag, channel, .. } => Some((tag.clone(), channel.clone())),
            _ => None,
        };
        Brief {
            severity: self.finding.severity,
            headline: self.finding.check.headline().to_string(),
            consumer,
            muted_by: self.muted.as_ref().map(|m| m.by.clone()),
        }
    }
}

/// A finding as an object's page lists it: its title and who muted it, no evidence. Light, as
/// every page kept open carries its type's code (the advisor page's `Advised` is fetched with it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    pub severity: Severity,
    /// `Check::headline`.
    pub headline: String,
    /// The consumer's tag and channel, for a finding about one of the object's consumers (a tag
    /// is unique on its channel only: client libraries reuse `ctag-1`).
    pub consumer: Option<(String, String)>,
    pub muted_by: Option<String>,
}

/// The advisor's findings on a cluster as one viewer may see them, most serious first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    pub findings: Vec<Advised>,
    /// Refreshes evaluated so far; a finding needs two in a row, so nothing shows before the second.
    pub refreshes: u64,
}

/// Red and amber findings not muted: what the navigation and the cluster cards show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviceCounts {
    pub red: u32,
    pub amber: u32,
}

impl AdviceCounts {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Advised>) -> AdviceCounts {
        Self::of_open(findings.into_iter().filter(|a| a.muted.is_none()).map(|a| a.finding.severity))
    }

    /// The counts of the findings not muted, given their severities.
    pub fn of_open(severities: impl IntoIterator<Item = Severity>) -> AdviceCounts {
        let mut counts = AdviceCounts::default();
        for severity in severities {
            match severity {
                Severity::Red => counts.red += 1,
                Severity::Amber => counts.amber += 1,
                Severity::Info => {}
            }
        }
        counts
    }
}

impl Subject {
    /// The vhost it belongs to; `None` for the cluster and its nodes.
    pub fn vhost(&self) -> Option<&str> {
        match self {
            Subject::Cluster | Subject::Node { .. } => None,
            Subject::Queue { vhost, .. }
            | Subject::Exchange { vhost, .. }
            | Subject::Channel { vhost, .. }
            | Subject::Consumer { vhost, .. } => Some(vhost),
        }
    }

    /// Whether a finding about `self` belongs on `about`'s page: its own, and a consumer's on its
    /// queue's and its channel's.
    pub fn concerns(&self, about: &Subject) -> bool {
        match (self, about) {
            (Subject::Consumer { vhost, queue, .. }, Subject::Queue { vhost: v, name }) => vhost == v && queue == name,
            (Subject::Consumer { vhost, channel, .. }, Subject::Channel { vhost: v, name }) => {
                vhost == v && channel == name
            }
            _ => self == about,
        }
    }
}
