//! Permissions, topic permissions and limits. A permission's regexes are compiled here first:
//! the broker refuses a bad one with its character codes (`[91]`), and a preview shows what
//! each one grants among the vhost's queues and exchanges today.

use app::auth::Access;
use app::error::AppError;
use app::model::{GrantPreview, PermissionPreview};
use domain::access::{
    AccessProblem, LimitChange, LimitTarget, PermissionDraft, PermissionField, PermissionRef, TopicPermissionDraft,
    TopicPermissionRef,
};
use domain::policy::PolicyProblem;
use domain::problem::Problem;
use std::time::Instant;

use reqwest::Method;
use serde_json::{json, Value};

use super::{lookup, Change, Operations};
use crate::broker::{api_path, json};
use crate::cluster::feed::Feed;
use crate::cluster::snapshot::Snapshot;
use crate::service::operations::ActAs;
use crate::service::preview::compile_policy_pattern;

/// Names a preview lists per regex and kind; the count says how many there are in all.
const PREVIEW_NAMES: usize = 20;

impl Operations {
    pub(super) async fn put_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &PermissionDraft,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        draft.check()?;
        for (field, regex) in draft.regexes() {
            compile(field, regex)?;
        }
        let path = api_path(&["permissions", &draft.vhost, &draft.user]);
        let before: Option<json::Permission> = lookup(feed, &login, "permission", path.clone()).await?;
        let body = json!({"configure": draft.configure, "write": draft.write, "read": draft.read});
        put(feed, &login, ("set_permissions", path), &body, (&draft.vhost, &draft.user)).await?;
        Ok(Change { before: before.as_ref().map_or(Value::Null, permission), after: body })
    }

    pub(super) async fn remove_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        target: &PermissionRef,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        target.check()?;
        let path = api_path(&["permissions", &target.vhost, &target.user]);
        let before: json::Permission = lookup(feed, &login, "permission", path.clone())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("permissions of {:?} in {:?}", target.user, target.vhost)))?;
        Self::delete(feed, &login, ("clear_permissions", path), &[]).await?;
        Ok(Change { before: permission(&before), after: Value::Null })
    }

    pub(super) async fn put_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        draft: &TopicPermissionDraft,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        draft.check()?;
        for (field, regex) in draft.regexes() {
            compile(field, regex)?;
        }
        let before = topic_permission(feed, &login, &draft.target()).await?;
        let body = json!({"exchange": draft.exchange, "write": draft.write, "read": draft.read});
        let path = api_path(&["topic-permissions", &draft.vhost, &draft.user]);
        put(feed, &login, ("set_topic_permissions", path), &body, (&draft.vhost, &draft.user)).await?;
        Ok(Change { before: before.as_ref().map_or(Value::Null, topic), after: body })
    }

    pub(super) async fn remove_topic_permissions(
        &self,
        who: &dyn Access,
        cluster: &str,
        target: &TopicPermissionRef,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        target.check()?;
        let before = topic_permission(feed, &login, target).await?.ok_or_else(|| {
            AppError::NotFound(format!("topic permissions of {:?} on exchange {:?}", target.user, target.exchange))
        })?;
        let path = api_path(&["topic-permissions", &target.vhost, &target.user, &target.exchange]);
        Self::delete(feed, &login, ("clear_topic_permissions", path), &[]).await?;
        Ok(Change { before: topic(&before), after: Value::Null })
    }

    pub(super) async fn put_limit(
        &self,
        who: &dyn Access,
        cluster: &str,
        change: &LimitChange,
    ) -> Result<Change, AppError> {
        let (feed, login) = self.broker_admin(who, cluster)?;
        change.check()?;
        let (collection, kind, name) = match &change.target {
            LimitTarget::Vhost(name) => ("vhost-limits", "vhosts", name),
            LimitTarget::User(name) => ("user-limits", "users", name),
        };
        // The broker stores a limit for a user or vhost that does not exist; say so instead.
        lookup::<Value>(feed, &login, "limit_target", api_path(&[kind, name]))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("{} {name:?}", &kind[..kind.len() - 1])))?;
        let set: Vec<json::Limits> =
            lookup(feed, &login, "limits", api_path(&[collection, name])).await?.unwrap_or_default();
        let key = change.key.as_str();
        let before = set.iter().flat_map(json::Limits::pairs).find(|(k, _)| k == key).map(|(_, v)| v);
        let path = api_path(&[collection, name, key]);
        match change.value {
            Some(value) => {
                let body = json!({ "value": value });
                Self::send::<Value>(feed, &login, (Method::PUT, "set_limit", path), &[], Some(&body)).await?;
            }
            None if before.is_none() => {}
            None => Self::delete(feed, &login, ("clear_limit", path), &[]).await?,
        }
        Ok(Change { before: json!({ key: before }), after: json!({ key: change.value }) })
    }
}

/// Sends a permission; the broker's "vhost_or_user_not_found" said plainly.
async fn put(
    feed: &Feed,
    login: &ActAs,
    (endpoint, path): (&'static str, String),
    body: &Value,
    (vhost, user): (&str, &str),
) -> Result<(), AppError> {
    match Operations::send::<Value>(feed, login, (Method::PUT, endpoint, path), &[], Some(body)).await {
        Err(AppError::Rejected { reason, .. }) if reason.contains("not_found") => {
            Err(AppError::NotFound(format!("no user {user:?} or no vhost {vhost:?}")))
        }
        other => other.map(drop),
    }
}

async fn topic_permission(
    feed: &Feed,
    login: &ActAs,
    target: &TopicPermissionRef,
) -> Result<Option<json::Permission>, AppError> {
    let path = api_path(&["topic-permissions", &target.vhost, &target.user]);
    let all: Vec<json::Permission> = lookup(feed, login, "topic_permission", path).await?.unwrap_or_default();
    Ok(all.into_iter().find(|p| p.exchange == target.exchange))
}

/// A permission as the audit keeps it.
fn permission(p: &json::Permission) -> Value {
    json!({"configure": p.configure, "write": p.write, "read": p.read})
}

/// A topic permission as the audit keeps it.
fn topic(p: &json::Permission) -> Value {
    json!({"exchange": p.exchange, "write": p.write, "read": p.read})
}

/// A permission regex as the broker applies it: unanchored, and an empty one matches only the
/// empty name (`^$`, in `rabbit_auth_backend_internal`).
fn compile(field: PermissionField, regex: &str) -> Result<fancy_regex::Regex, AccessProblem> {
    compile_policy_pattern(if regex.is_empty() { "^$" } else { regex }).map_err(|problem| match problem {
        PolicyProblem::PatternNotRegex { detail } => AccessProblem::RegexInvalid { field, detail },
        other => AccessProblem::RegexInvalid { field, detail: format!("{other:?}") },
    })
}

/// What each regex of `draft` grants in its vhost today: the queues and exchanges it matches,
/// within `deadline` (a regex may backtrack). The default exchange is `amq.default` to the
/// permission checks.
pub(super) fn preview(
    snapshot: &Snapshot,
    draft: &PermissionDraft,
    deadline: Instant,
) -> Result<PermissionPreview, AppError> {
    let vhost = Some(draft.vhost.as_str());
    let queues: Vec<&str> = snapshot.queues_in(vhost).iter().map(|q| q.row.name.as_str()).collect();
    let exchanges: Vec<&str> = snapshot
        .exchanges_in(vhost)
        .iter()
        .map(|e| if e.row.name.is_empty() { "amq.default" } else { e.row.name.as_str() })
        .collect();
    let mut fields = Vec::new();
    for (field, regex) in draft.regexes() {
        let pattern = match compile(field, regex) {
            Ok(pattern) => pattern,
            Err(problem) => {
                fields.push(GrantPreview { problem: Some(Problem::Access(problem)), ..GrantPreview::new(field) });
                continue;
            }
        };
        let matched = |names: &[&str]| -> Result<(Vec<String>, usize), AppError> {
            let mut count = 0;
            let mut first = Vec::new();
            for name in names {
                if Instant::now() > deadline {
                    return Err(AppError::BadRequest(format!(
                        "the regex {regex:?} takes too long to check; simplify it"
                    )));
                }
                if pattern.is_match(name).unwrap_or(false) {
                    count += 1;
                    if first.len() < PREVIEW_NAMES {
                        first.push(name.to_string());
                    }
                }
            }
            Ok((first, count))
        };
        let (queues, queue_count) = matched(&queues)?;
        let (exchanges, exchange_count) = matched(&exchanges)?;
        fields.push(GrantPreview { queues, queue_count, exchanges, exchange_count, ..GrantPreview::new(field) });
    }
    Ok(PermissionPreview { fields })
}
