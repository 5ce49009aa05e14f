//! `app::api::AdvisorApi`: the advisor's findings as each viewer may see them, and mutes by
//! admins, each checked against what the admin sees and audited with its reason.

use app::auth::Access;
use app::error::AppError;
use app::model::Fresh;
use domain::advisor::{Advice, MuteProblem, MuteRequest, Subject};

use super::Operations;
use crate::service::clusters::advice_scope;
use crate::store::audit::Target;

/// Longer than any check's kind (`Check::kind`).
const MAX_KIND: usize = 64;

#[async_trait::async_trait]
impl app::api::AdvisorApi for Operations {
    async fn advice(&self, who: &dyn Access, cluster: &str, about: Option<Subject>) -> Result<Fresh<Advice>, AppError> {
        self.clusters.advice(who, cluster, about.as_ref()).await
    }

    async fn mute(&self, who: &dyn Access, cluster: &str, request: &MuteRequest) -> Result<(), AppError> {
        let unmute = request.reason.trim().is_empty();
        let action = if unmute { "advisor.unmute" } else { "advisor.mute" };
        let object = format!("{} {}", request.kind, subject_name(&request.subject));
        let target = Target {
            cluster: Some(cluster.into()),
            vhost: request.subject.vhost().map(str::to_string),
            object: Some(object),
        };
        let result = self.change_mute(who, cluster, request, unmute).await;
        let detail = match &result {
            Ok(()) if !unmute => Some(request.reason.trim().to_string()),
            Ok(()) => None,
            Err(error) => Some(error.to_string()),
        };
        self.record(who, action, target, &result, detail).await;
        result
    }
}

impl Operations {
    async fn change_mute(
        &self,
        who: &dyn Access,
        cluster: &str,
        request: &MuteRequest,
        unmute: bool,
    ) -> Result<(), AppError> {
        // Checked again here: the route is for admins, and an admin limited to some vhosts mutes
        // only what they see; the cluster's and nodes' findings are for those who see it all.
        if !who.me().is_admin() {
            return Err(AppError::Forbidden("muting advisor findings is for admins".into()));
        }
        if request.kind.len() > MAX_KIND {
            return Err(AppError::BadRequest(format!("no advisor check is named {:?}", request.kind)));
        }
        let (snapshot, _) = self.clusters.current(who, cluster).await?;
        let seen = match request.subject.vhost() {
            None => who.sees_every_vhost(cluster),
            Some(_) => advice_scope(who, cluster, &snapshot)(&request.subject),
        };
        if !seen {
            return Err(AppError::Forbidden("this finding is not among those you see".into()));
        }
        let advisor = self.clusters.advisor();
        if unmute {
            advisor.unmute(cluster, &request.subject, &request.kind).await?;
            self.clusters.feed(cluster)?.announce();
            return Ok(());
        }
        let reason = request.checked_reason()?;
        let finding = advisor.find(cluster, &request.subject, &request.kind)?.ok_or(MuteProblem::NotFound)?;
        advisor.mute(cluster, &finding, &who.actor().name, reason).await?;
        self.clusters.feed(cluster)?.announce();
        Ok(())
    }
}

/// The object a finding is about, as the audit log names it.
fn subject_name(subject: &Subject) -> String {
    match subject {
        Subject::Cluster => "cluster".into(),
        Subject::Node { name } => format!("node {name}"),
        Subject::Queue { name, .. } => format!("queue {name}"),
        Subject::Exchange { name, .. } => format!("exchange {name}"),
        Subject::Channel { name, .. } => format!("channel {name}"),
        Subject::Consumer { queue, tag, .. } => format!("consumer {tag} on queue {queue}"),
    }
}
