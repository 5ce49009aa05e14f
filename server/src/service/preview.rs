//! What a policy draft would do: the queues and exchanges its pattern matches and the policy
//! that would apply to each, computed within a time budget and a backtracking limit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::error::AppError;
use domain::policy::{ApplyTo, PolicyDraft, PolicyInfo, PolicyPreview, PolicyProblem, PreviewRow, Version};

use super::listing::REGEX_SIZE_LIMIT;
use crate::cluster::snapshot::Snapshot;

/// Backtracking steps one name may cost a pattern before it counts as not matching.
const BACKTRACK_LIMIT: usize = 20_000;
/// How long one policy preview may run.
pub(super) const PREVIEW_BUDGET: Duration = Duration::from_secs(2);
/// Reads that may cost a lot of CPU (policy previews) run this many at a time.
pub(super) static EXPENSIVE_READS: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(2)));

/// The largest preview: enough rows to see what a pattern catches, the counts cover the rest.
const PREVIEW_ROWS: usize = 200;

/// Compiles a policy pattern as RabbitMQ applies it: an unanchored, case-sensitive PCRE-style
/// regex (fancy-regex: look-around and back-references, as RabbitMQ's `re` allows).
pub(crate) fn compile_policy_pattern(pattern: &str) -> Result<fancy_regex::Regex, PolicyProblem> {
    fancy_regex::RegexBuilder::new(pattern)
        .delegate_size_limit(REGEX_SIZE_LIMIT)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| PolicyProblem::PatternNotRegex { detail: e.to_string() })
}

/// A pattern that gives up (too much backtracking) matches nothing: the preview stays bounded.
fn pattern_matches(pattern: &fancy_regex::Regex, name: &str) -> bool {
    pattern.is_match(name).unwrap_or(false)
}

/// What a draft would do to its vhost: each queue and exchange its pattern matches, which user
/// and operator policy then applies, and the definition that results.
pub(super) fn policy_preview(
    snapshot: &Snapshot,
    draft: &PolicyDraft,
    deadline: Instant,
) -> Result<PolicyPreview, AppError> {
    let version = Version::parse(&snapshot.overview.rabbitmq_version);
    let mut checked = draft.check(version);
    let pattern = match compile_policy_pattern(&draft.pattern) {
        Ok(pattern) => Some(pattern),
        Err(e) => {
            checked.errors.push(e);
            None
        }
    };
    let mut preview =
        PolicyPreview { broker_version: snapshot.overview.rabbitmq_version.clone(), ..Default::default() };
    if let Some(pattern) = pattern {
        let body = draft.body(&checked.definition);
        let mine = PolicyInfo {
            vhost: draft.vhost.clone(),
            name: draft.name.clone(),
            pattern: draft.pattern.clone(),
            apply_to: body["apply-to"].as_str().unwrap_or("all").to_string(),
            priority: draft.priority,
            definition: checked.definition.clone(),
        };
        // The draft takes the place of the policy it edits.
        let with_draft = |list: &[PolicyInfo], draft_kind: bool| -> Vec<PolicyInfo> {
            let mut in_vhost: Vec<PolicyInfo> = list
                .iter()
                .filter(|p| p.vhost == draft.vhost && !(draft_kind && p.name == draft.name))
                .cloned()
                .collect();
            if draft_kind {
                in_vhost.push(mine.clone());
            }
            in_vhost
        };
        let user = Matching::new(with_draft(&snapshot.policies, !draft.operator), version);
        let operator = Matching::new(with_draft(&snapshot.operator_policies, draft.operator), version);
        let mine_covers = ApplyTo::parse(&mine.apply_to).unwrap_or_default();
        let queues = snapshot.queues_in(Some(&draft.vhost)).iter().map(|q| (Some(q.row.kind.as_str()), &q.row.name));
        let exchanges = snapshot
            .exchanges_in(Some(&draft.vhost))
            .iter()
            .filter(|x| !x.row.name.is_empty())
            .map(|x| (None, &x.row.name));
        for (checked_so_far, (queue_type, name)) in queues.chain(exchanges).enumerate() {
            if Instant::now() > deadline {
                return Err(AppError::BadRequest(format!(
                    "this pattern takes too long to check ({checked_so_far} names in {} s); simplify it",
                    PREVIEW_BUDGET.as_secs()
                )));
            }
            if !mine_covers.covers(queue_type) || !pattern_matches(&pattern, name) {
                continue;
            }
            preview.matched += 1;
            let user_winner = user.winner(queue_type, name);
            let operator_winner = if queue_type.is_some() { operator.winner(queue_type, name) } else { None };
            let deciding = if draft.operator { &operator_winner } else { &user_winner };
            let draft_applies = deciding.as_ref().is_some_and(|(p, _)| p.name == draft.name);
            preview.applies_to += u64::from(draft_applies);
            if preview.rows.len() < PREVIEW_ROWS {
                let empty = serde_json::Map::new();
                let user_def = user_winner.as_ref().map_or(&empty, |(p, _)| &p.definition);
                let operator_def = operator_winner.as_ref().map_or(&empty, |(p, _)| &p.definition);
                let effective = domain::policy::merge(user_def, operator_def);
                preview.rows.push(PreviewRow {
                    queue_type: queue_type.unwrap_or_default().to_string(),
                    name: name.clone(),
                    policy: user_winner.as_ref().map(|(p, _)| p.name.clone()).unwrap_or_default(),
                    operator_policy: operator_winner.as_ref().map(|(p, _)| p.name.clone()).unwrap_or_default(),
                    tie: user_winner.as_ref().is_some_and(|(_, tie)| *tie)
                        || operator_winner.as_ref().is_some_and(|(_, tie)| *tie),
                    draft_applies,
                    keys_not_taken: queue_type
                        .map(|t| domain::policy::keys_not_taken(t, &checked.definition, version))
                        .unwrap_or_default(),
                    effective: domain::policy::definition_rows(&effective),
                });
            }
        }
    }
    preview.checked = checked;
    Ok(preview)
}

/// A vhost's policies with their patterns compiled once; a pattern Warren cannot compile
/// matches nothing here.
pub(crate) struct Matching {
    policies: Vec<(PolicyInfo, ApplyTo, Option<fancy_regex::Regex>)>,
    version: Version,
}

impl Matching {
    pub(crate) fn new(policies: Vec<PolicyInfo>, version: Version) -> Self {
        Self {
            version,
            policies: policies
                .into_iter()
                .map(|p| {
                    let apply_to = ApplyTo::parse(&p.apply_to).unwrap_or_default();
                    let pattern = compile_policy_pattern(&p.pattern).ok();
                    (p, apply_to, pattern)
                })
                .collect(),
        }
    }

    pub(crate) fn winner(&self, queue_type: Option<&str>, name: &str) -> Option<(PolicyInfo, bool)> {
        let matching = self.policies.iter().filter(|(policy, apply_to, pattern)| {
            apply_to.covers(queue_type)
                && pattern.as_ref().is_some_and(|p| pattern_matches(p, name))
                && queue_type
                    .is_none_or(|t| domain::policy::keys_not_taken(t, &policy.definition, self.version).is_empty())
        });
        domain::policy::winner(matching.map(|(p, _, _)| p)).map(|(p, tie)| (p.clone(), tie))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::QueueRow;

    fn row(vhost: &str, name: &str, ready: u64) -> QueueRow {
        QueueRow { vhost: vhost.into(), name: name.into(), ready, ..Default::default() }
    }

    #[test]
    fn a_policy_preview_stops_at_its_budget_and_a_runaway_pattern_matches_nothing() {
        let queues = (0..3)
            .map(|i| crate::cluster::snapshot::QueueEntry {
                row: row("/", &format!("{}{i}", "a".repeat(60)), 0),
                ..Default::default()
            })
            .collect();
        let snapshot = Snapshot { queues, ..Default::default() };
        // Backtracks exponentially on a run of `a` without a `Q` (about 9 ms a name unbounded).
        let draft = PolicyDraft {
            vhost: "/".into(),
            name: "p".into(),
            pattern: "(?:(?=a)a|a)*Q".into(),
            apply_to: ApplyTo::All,
            priority: 0,
            definition: vec![("max-length".into(), "1".into())],
            operator: false,
        };
        let spent = Instant::now().checked_sub(Duration::from_secs(1)).unwrap_or_else(Instant::now);
        assert!(matches!(policy_preview(&snapshot, &draft, spent), Err(AppError::BadRequest(_))));
        let preview = policy_preview(&snapshot, &draft, Instant::now() + PREVIEW_BUDGET).unwrap();
        assert_eq!(preview.matched, 0);
    }
}
