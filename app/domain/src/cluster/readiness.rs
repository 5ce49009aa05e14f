//! What stands between a cluster and RabbitMQ 4.0, from what it runs now: each blocker and risk
//! with the objects it concerns. The fixes are words of the UI, one per kind of finding.
//!
//! RabbitMQ 4.0 removed classic queue mirroring (`ha-*` policies are refused, mirrored queues
//! lose their mirrors), CQv1 (queues are converted to v2 as 4.0 starts them), and deprecated
//! global QoS, transient non-exclusive queues, RAM nodes and `queue-master-locator`; a cluster
//! upgrades one minor version at a time, each with every stable feature flag enabled first.

use serde::{Deserialize, Serialize};

use super::FeatureFlag;
use crate::policy::{PolicyInfo, Version};

/// The version this check prepares for.
pub const TARGET: Version = Version(4, 0);
/// Objects named per finding; the rest are counted.
pub const NAMED: usize = 20;

/// What the check reads: the cluster as its snapshot and the broker's lists show it.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub version: Version,
    pub nodes: Vec<NodeFacts>,
    pub flags: Vec<FeatureFlag>,
    /// Deprecated features the broker says are in use (3.13 and later say it).
    pub deprecated_used: Vec<String>,
    pub policies: Vec<PolicyInfo>,
    /// Operator policies: they may hold `ha-mode` too.
    pub operator_policies: Vec<PolicyInfo>,
    pub queues: Vec<QueueFacts>,
    pub channels: Vec<ChannelFacts>,
}

#[derive(Clone, Debug, Default)]
pub struct NodeFacts {
    pub name: String,
    /// A RAM node (`type: ram`), deprecated in 4.0.
    pub ram: bool,
    pub disk_free: u64,
    pub disk_free_limit: u64,
}

#[derive(Clone, Debug, Default)]
pub struct QueueFacts {
    pub vhost: String,
    pub name: String,
    /// `classic`, `quorum` or `stream`.
    pub kind: String,
    pub durable: bool,
    pub exclusive: bool,
    /// The user policy that applies, by name; empty: none.
    pub policy: String,
    /// The operator policy that applies, by name; empty: none.
    pub operator_policy: String,
    /// Its `x-` arguments, values as text.
    pub arguments: Vec<(String, String)>,
    pub messages: u64,
}

#[derive(Clone, Debug, Default)]
pub struct ChannelFacts {
    pub vhost: String,
    pub name: String,
    pub global_prefetch: u64,
}

/// A vhost's object, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub vhost: String,
    pub name: String,
}

/// The first `NAMED` objects a finding concerns, and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objects {
    pub named: Vec<ObjectRef>,
    pub total: usize,
}

impl Objects {
    fn of<'a>(all: impl IntoIterator<Item = (&'a str, &'a str)>) -> Objects {
        let mut objects = Objects::default();
        for (vhost, name) in all {
            if objects.named.len() < NAMED {
                objects.named.push(ObjectRef { vhost: vhost.into(), name: name.into() });
            }
            objects.total += 1;
        }
        objects
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    /// The upgrade fails, or breaks what the cluster does, until it is fixed.
    Blocker,
    /// The upgrade goes through, but something changes or will be refused later.
    Risk,
}

/// One thing found, with what it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Finding {
    /// Stable feature flags not enabled: a node of the next version refuses to join.
    FlagsDisabled {
        flags: Vec<String>,
    },
    /// `ha-*` policies and the classic queues they mirror: 4.0 refuses the keys and drops mirrors.
    Mirroring {
        policies: Objects,
        queues: Objects,
        messages: u64,
    },
    /// Lazy mode by policy or argument: no effect since 3.12.
    LazyMode {
        policies: Objects,
        queues: Objects,
    },
    /// Classic queues on storage version 1: converted when 4.0 starts them.
    ClassicV1 {
        queues: Objects,
    },
    /// Channels with a global prefetch (global QoS): deprecated in 4.0.
    GlobalQos {
        channels: Objects,
    },
    /// Transient (non-durable) queues that are not exclusive: deprecated in 4.0.
    TransientQueues {
        queues: Objects,
    },
    /// `queue-master-locator` by policy or argument: deprecated in 4.0.
    MasterLocator {
        policies: Objects,
        queues: Objects,
    },
    RamNodes {
        nodes: Vec<String>,
    },
    /// What the broker itself reports in use (3.13 and later).
    DeprecatedInUse {
        features: Vec<String>,
    },
    /// What quorum queues, the replacement for mirrored ones, would need: an odd number of
    /// nodes, three at least, and free disk well above each node's limit (below twice the limit
    /// is flagged). A risk, not a blocker: a single node upgrades, it just has no replicas.
    QuorumNeeds {
        nodes: usize,
        low_disk: Vec<String>,
    },
}

impl Finding {
    /// A short name for the kind of finding: the pages' and tests' handle on it.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::FlagsDisabled { .. } => "flags",
            Finding::Mirroring { .. } => "mirroring",
            Finding::LazyMode { .. } => "lazy",
            Finding::ClassicV1 { .. } => "cqv1",
            Finding::GlobalQos { .. } => "global-qos",
            Finding::TransientQueues { .. } => "transient",
            Finding::MasterLocator { .. } => "master-locator",
            Finding::RamNodes { .. } => "ram-nodes",
            Finding::DeprecatedInUse { .. } => "deprecated",
            Finding::QuorumNeeds { .. } => "quorum",
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Finding::FlagsDisabled { .. } | Finding::Mirroring { .. } => Severity::Blocker,
            _ => Severity::Risk,
        }
    }
}

/// The check's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub version: Version,
    /// The minor versions to go through, in order, ending with `TARGET`; empty when already there.
    pub steps: Vec<Version>,
    /// Blockers first.
    pub findings: Vec<Finding>,
}

/// The minor releases a rolling upgrade goes through from `from` to 4.0: each step needs every
/// stable feature flag of the version it leaves enabled.
pub fn steps(from: Version) -> Vec<Version> {
    const PATH: [Version; 6] = [Version(3, 9), Version(3, 10), Version(3, 11), Version(3, 12), Version(3, 13), TARGET];
    PATH.into_iter().filter(|v| *v > from).collect()
}

/// A policy's or a queue's value for `key` (an argument as `x-{key}`): the queue's argument
/// wins, as RabbitMQ applies it for these keys.
fn setting<'a>(queue: &'a QueueFacts, policy: Option<&'a PolicyInfo>, key: &str) -> Option<String> {
    let argument = format!("x-{key}");
    if let Some((_, value)) = queue.arguments.iter().find(|(k, _)| *k == argument) {
        return Some(value.clone());
    }
    let value = policy?.definition.get(key)?;
    Some(value.as_str().map_or_else(|| value.to_string(), str::to_string))
}

pub fn check(facts: &Facts) -> Readiness {
    let policy_of = |q: &QueueFacts| facts.policies.iter().find(|p| p.vhost == q.vhost && p.name == q.policy);
    let operator_policy_of =
        |q: &QueueFacts| facts.operator_policies.iter().find(|p| p.vhost == q.vhost && p.name == q.operator_policy);
    let policies_with = |key: &str, value: Option<&str>| {
        Objects::of(
            facts
                .policies
                .iter()
                .chain(&facts.operator_policies)
                .filter(|p| p.definition.get(key).is_some_and(|v| value.is_none_or(|want| v.as_str() == Some(want))))
                .map(|p| (p.vhost.as_str(), p.name.as_str())),
        )
    };
    let queues_where = |keep: &dyn Fn(&QueueFacts, Option<&PolicyInfo>) -> bool| {
        Objects::of(facts.queues.iter().filter(|q| keep(q, policy_of(q))).map(|q| (q.vhost.as_str(), q.name.as_str())))
    };
    let classic = |q: &QueueFacts| q.kind == "classic";
    // Exclusive queues are never mirrored, whatever the policy says.
    let has_ha = |p: Option<&PolicyInfo>| p.is_some_and(|p| p.definition.contains_key("ha-mode"));
    let mirrored = |q: &QueueFacts, p: Option<&PolicyInfo>| {
        classic(q) && !q.exclusive && (has_ha(p) || has_ha(operator_policy_of(q)))
    };
    // CQv1 is the default until 3.13, where v2 became it.
    let default_version = if facts.version >= Version(3, 13) { "2" } else { "1" };

    let mut findings = Vec::new();
    let pending = super::pending_flags(&facts.flags);
    if !pending.is_empty() {
        findings.push(Finding::FlagsDisabled { flags: pending });
    }
    let ha_policies = policies_with("ha-mode", None);
    let ha_queues = queues_where(&mirrored);
    if !ha_policies.is_empty() || !ha_queues.is_empty() {
        let messages = facts.queues.iter().filter(|q| mirrored(q, policy_of(q))).map(|q| q.messages).sum();
        findings.push(Finding::Mirroring { policies: ha_policies, queues: ha_queues, messages });
    }
    let (lazy_policies, lazy_queues) = (
        policies_with("queue-mode", Some("lazy")),
        queues_where(&|q, p| classic(q) && setting(q, p, "queue-mode").as_deref() == Some("lazy")),
    );
    if !lazy_policies.is_empty() || !lazy_queues.is_empty() {
        findings.push(Finding::LazyMode { policies: lazy_policies, queues: lazy_queues });
    }
    let v1 =
        queues_where(&|q, p| classic(q) && setting(q, p, "queue-version").as_deref().unwrap_or(default_version) == "1");
    if !v1.is_empty() {
        findings.push(Finding::ClassicV1 { queues: v1 });
    }
    let global = Objects::of(
        facts.channels.iter().filter(|c| c.global_prefetch > 0).map(|c| (c.vhost.as_str(), c.name.as_str())),
    );
    if !global.is_empty() {
        findings.push(Finding::GlobalQos { channels: global });
    }
    let transient = queues_where(&|q, _| classic(q) && !q.durable && !q.exclusive);
    if !transient.is_empty() {
        findings.push(Finding::TransientQueues { queues: transient });
    }
    let (locator_policies, locator_queues) = (
        policies_with("queue-master-locator", None),
        queues_where(&|q, p| setting(q, p, "queue-master-locator").is_some()),
    );
    if !locator_policies.is_empty() || !locator_queues.is_empty() {
        findings.push(Finding::MasterLocator { policies: locator_policies, queues: locator_queues });
    }
    let ram: Vec<String> = facts.nodes.iter().filter(|n| n.ram).map(|n| n.name.clone()).collect();
    if !ram.is_empty() {
        findings.push(Finding::RamNodes { nodes: ram });
    }
    if !facts.deprecated_used.is_empty() {
        findings.push(Finding::DeprecatedInUse { features: facts.deprecated_used.clone() });
    }
    // Below twice the free-disk limit, a node has no room for the copies quorum queues keep.
    let low_disk = facts
        .nodes
        .iter()
        .filter(|n| n.disk_free_limit > 0 && n.disk_free < n.disk_free_limit.saturating_mul(2))
        .map(|n| n.name.clone())
        .collect::<Vec<_>>();
    let (count, odd) = (facts.nodes.len(), facts.nodes.len() % 2 == 1);
    if count < 3 || !odd || !low_disk.is_empty() {
        findings.push(Finding::QuorumNeeds { nodes: count, low_disk });
    }
    findings.sort_by_key(|f| f.severity() != Severity::Blocker);
    Readiness { version: facts.version, steps: steps(facts.version), findings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn policy(name: &str, definition: Value) -> PolicyInfo {
        let definition: Map<String, Value> = definition.as_object().cloned().unwrap_or_default();
        PolicyInfo { vhost: "/".into(), name: name.into(), pattern: ".*".into(), definition, ..Default::default() }
    }

    fn queue(name: &str, policy: &str, arguments: &[(&str, &str)]) -> QueueFacts {
        QueueFacts {
            vhost: "/".into(),
            name: name.into(),
            kind: "classic".into(),
            durable: true,
            policy: policy.into(),
            arguments: arguments.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            messages: 10,
            ..Default::default()
        }
    }

    fn nodes(count: usize) -> Vec<NodeFacts> {
        (1..=count)
            .map(|n| NodeFacts {
                name: format!("rabbit@n{n}"),
                disk_free: 100,
                disk_free_limit: 10,
                ..Default::default()
            })
            .collect()
    }

    fn kinds(readiness: &Readiness) -> Vec<&'static str> {
        readiness.findings.iter().map(Finding::kind).collect()
    }

    #[test]
    fn a_clean_three_node_cluster_on_3_13_has_nothing_but_its_steps() {
        let facts = Facts { version: Version(3, 13), nodes: nodes(3), ..Default::default() };
        let readiness = check(&facts);
        assert_eq!(readiness.steps, [Version(4, 0)]);
        assert!(readiness.findings.is_empty(), "{readiness:?}");
        assert_eq!(steps(Version(3, 10)).len(), 4);
        assert_eq!(steps(Version(3, 8)).len(), 6, "3.9 first");
        assert!(steps(Version(4, 0)).is_empty());
    }

    #[test]
    fn each_blocker_and_risk_names_what_it_concerns() {
        let facts = Facts {
            version: Version(3, 10),
            nodes: vec![NodeFacts { name: "rabbit@ram".into(), ram: true, disk_free: 5, disk_free_limit: 10 }],
            flags: vec![FeatureFlag {
                name: "stream_queue".into(),
                state: "disabled".into(),
                stability: "stable".into(),
                ..Default::default()
            }],
            deprecated_used: vec![],
            policies: vec![
                policy("ha", json!({"ha-mode": "all"})),
                policy(
                    "lazy",
                    json!({"queue-mode": "lazy", "queue-master-locator": "min-masters", "queue-version": 2}),
                ),
            ],
            operator_policies: vec![policy("op-ha", json!({"ha-mode": "exactly", "ha-params": 2}))],
            queues: vec![
                queue("mirrored", "ha", &[]),
                QueueFacts { operator_policy: "op-ha".into(), ..queue("op-mirrored", "", &[("x-queue-version", "2")]) },
                QueueFacts { exclusive: true, ..queue("exclusive-ha", "ha", &[("x-queue-version", "2")]) },
                queue("lazy-by-policy", "lazy", &[]),
                queue("lazy-by-argument", "", &[("x-queue-mode", "lazy"), ("x-queue-version", "2")]),
                QueueFacts { durable: false, ..queue("transient", "", &[("x-queue-version", "2")]) },
                QueueFacts { durable: false, exclusive: true, ..queue("exclusive", "", &[("x-queue-version", "2")]) },
                QueueFacts { kind: "quorum".into(), ..queue("qq", "ha", &[]) },
            ],
            channels: vec![
                ChannelFacts { vhost: "/".into(), name: "c1".into(), global_prefetch: 10 },
                ChannelFacts { vhost: "/".into(), name: "c2".into(), global_prefetch: 0 },
            ],
        };
        let readiness = check(&facts);
        assert_eq!(
            kinds(&readiness),
            ["flags", "mirroring", "lazy", "cqv1", "global-qos", "transient", "master-locator", "ram-nodes", "quorum"]
        );
        let names = |o: &Objects| o.named.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        for finding in &readiness.findings {
            match finding {
                Finding::FlagsDisabled { flags } => assert_eq!(flags, &["stream_queue"]),
                // Mirrored by a user or an operator policy; not the quorum or the exclusive queue
                // the same policy matches.
                Finding::Mirroring { policies, queues, messages } => {
                    assert_eq!(
                        (names(policies), names(queues), *messages),
                        (vec!["ha".into(), "op-ha".into()], vec!["mirrored".into(), "op-mirrored".into()], 20)
                    );
                }
                Finding::LazyMode { policies, queues } => {
                    assert_eq!(
                        (names(policies), names(queues)),
                        (vec!["lazy".into()], vec!["lazy-by-policy".into(), "lazy-by-argument".into()])
                    );
                }
                // The default on 3.10 is v1; the `lazy` policy and the arguments set v2.
                Finding::ClassicV1 { queues } => assert_eq!(names(queues), ["mirrored"]),
                Finding::GlobalQos { channels } => assert_eq!(names(channels), ["c1"]),
                Finding::TransientQueues { queues } => assert_eq!(names(queues), ["transient"]),
                Finding::MasterLocator { policies, queues } => {
                    assert_eq!((names(policies), names(queues)), (vec!["lazy".into()], vec!["lazy-by-policy".into()]));
                }
                Finding::RamNodes { nodes } => assert_eq!(nodes, &["rabbit@ram"]),
                Finding::QuorumNeeds { nodes, low_disk } => {
                    assert_eq!((*nodes, low_disk.clone()), (1, vec!["rabbit@ram".into()]))
                }
                Finding::DeprecatedInUse { .. } => unreachable!(),
            }
        }
    }

    #[test]
    fn objects_beyond_the_named_ones_are_counted() {
        let queues: Vec<QueueFacts> = (0..25).map(|i| queue(&format!("q{i}"), "", &[])).collect();
        let facts = Facts { version: Version(3, 12), nodes: nodes(3), queues, ..Default::default() };
        match &check(&facts).findings[..] {
            [Finding::ClassicV1 { queues }] => assert_eq!((queues.named.len(), queues.total), (NAMED, 25)),
            other => panic!("{other:?}"),
        }
    }
}
