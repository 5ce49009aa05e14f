//! Screen tokens, users and the audit log for the admin pages (`app::api::Accounts`).

use app::auth::*;
use app::error::AppError;

use crate::audit::{Outcome, Target};
use crate::auth::{tokens, users, Auth};
use crate::store::StoreError;

pub(crate) fn internal(e: StoreError) -> AppError {
    tracing::error!(error = %e, "store failed");
    AppError::Internal
}

/// Runs blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| internal(StoreError::Task(e.to_string())))?.map_err(internal)
}

#[async_trait::async_trait]
impl app::api::Accounts for Auth {
    async fn screen_tokens(&self) -> Result<Vec<ScreenToken>, AppError> {
        let store = self.store.clone();
        blocking(move || tokens::list(&store)).await
    }

    async fn create_screen_token(
        &self,
        who: &dyn Access,
        label: &str,
        clusters: Option<Vec<String>>,
    ) -> Result<NewScreenToken, AppError> {
        let label = label.trim().to_string();
        let problem = if label.is_empty() || label.chars().count() > 100 {
            Some("a label of 1-100 characters is needed".to_string())
        } else if clusters.as_ref().is_some_and(Vec::is_empty) {
            Some("choose at least one cluster, or all".to_string())
        } else {
            clusters
                .iter()
                .flatten()
                .find(|c| self.clusters.feed(c).is_err())
                .map(|unknown| format!("no cluster named {unknown:?} is configured"))
        };
        if let Some(reason) = problem {
            let target = Target { object: Some(format!("screen token {label:?}")), ..Default::default() };
            self.audit.record(&who.actor(), "create_screen_token", target, Outcome::Failed, Some(reason.clone())).await;
            return Err(AppError::BadRequest(reason));
        }
        let (store, by) = (self.store.clone(), who.actor().name);
        let (info, token) = blocking(move || tokens::create(&store, &label, clusters, &by)).await?;
        let target =
            Target { object: Some(format!("screen token {} {:?}", info.id, info.label)), ..Default::default() };
        self.audit.record(&who.actor(), "create_screen_token", target, Outcome::Ok, None).await;
        Ok(NewScreenToken { info, token })
    }

    async fn revoke_screen_token(&self, who: &dyn Access, id: i64) -> Result<(), AppError> {
        let store = self.store.clone();
        let revoked = blocking(move || tokens::revoke(&store, id)).await?;
        let target = Target { object: Some(format!("screen token {id}")), ..Default::default() };
        let outcome = if revoked { Outcome::Ok } else { Outcome::Failed };
        self.audit.record(&who.actor(), "revoke_screen_token", target, outcome, None).await;
        revoked.then_some(()).ok_or_else(|| AppError::NotFound(format!("screen token {id} (or it is already revoked)")))
    }

    async fn users(&self) -> Result<Vec<UserInfo>, AppError> {
        Ok(users::list_async(&self.store).await.map_err(internal)?.iter().map(|u| u.info()).collect())
    }

    async fn audit(&self, query: &AuditQuery) -> Result<AuditPage, AppError> {
        self.audit.page(query).await.map_err(internal)
    }

    fn broker_sign_in_clusters(&self) -> Vec<String> {
        self.clusters
            .names()
            .iter()
            .filter(|c| self.clusters.feed(c).is_ok_and(|f| f.broker_sign_in()))
            .cloned()
            .collect()
    }
}
