//! Screen tokens, users and the audit log for the admin pages (`app::api::Accounts`).

use app::auth::*;
use app::error::AppError;

use super::Auth;
use crate::service::access::Principal;
use crate::store::audit::{Outcome, Target};
use crate::store::{tokens, users};
use crate::store::{Store, StoreError};

/// Runs blocking store work off the async threads, in the store's turn.
async fn blocking<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, AppError> {
    Ok(store.blocking(f).await??)
}

/// The server's identity behind `who`: what its scope is made of.
fn principal(who: &dyn Access) -> Result<&Principal, AppError> {
    who.as_any().downcast_ref::<Principal>().ok_or_else(|| {
        tracing::error!("an admin call without the server's identity");
        AppError::Internal
    })
}

#[async_trait::async_trait]
impl app::api::Accounts for Auth {
    async fn screen_tokens(&self, who: &dyn Access) -> Result<Vec<ScreenToken>, AppError> {
        let me = principal(who)?.clone();
        let store = self.store.clone();
        let all = blocking(&self.store, move || tokens::list(&store)).await?;
        Ok(all.into_iter().filter(|t| me.covers(t.clusters.as_deref(), t.vhost_pattern.as_deref())).collect())
    }

    async fn create_screen_token(
        &self,
        who: &dyn Access,
        label: &str,
        clusters: Option<Vec<String>>,
    ) -> Result<NewScreenToken, AppError> {
        let me = principal(who)?;
        let label = label.trim().to_string();
        // A token never sees more than the admin who makes it: it gets their vhost limit too.
        let vhost_pattern = me.vhosts.as_pattern();
        let problem = if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
            Some("a label of 1-100 characters, without control characters, is needed".to_string())
        } else if clusters.as_ref().is_some_and(|c| c.is_empty() || c.len() > 100) {
            Some("choose 1-100 clusters, or all".to_string())
        } else if let Some(unknown) = clusters.iter().flatten().find(|c| self.clusters.visible_feed(who, c).is_err()) {
            Some(format!("no cluster of yours is named {unknown:?}"))
        } else if !me.covers(clusters.as_deref(), vhost_pattern.as_deref()) {
            Some(format!(
                "you may hand out only the clusters you see: {}",
                me.clusters.as_deref().unwrap_or_default().join(", ")
            ))
        } else {
            None
        };
        if let Some(reason) = problem {
            let target = Target { object: Some(format!("screen token {label:?}")), ..Default::default() };
            self.audit.record(&who.actor(), "create_screen_token", target, Outcome::Failed, Some(reason.clone())).await;
            return Err(AppError::BadRequest(reason));
        }
        let (store, by) = (self.store.clone(), who.actor().name);
        let (info, token) =
            blocking(&self.store, move || tokens::create_scoped(&store, &label, clusters, vhost_pattern, &by)).await?;
        let target =
            Target { object: Some(format!("screen token {} {:?}", info.id, info.label)), ..Default::default() };
        self.audit.record(&who.actor(), "create_screen_token", target, Outcome::Ok, None).await;
        Ok(NewScreenToken { info, token })
    }

    async fn revoke_screen_token(&self, who: &dyn Access, id: i64) -> Result<(), AppError> {
        // A token outside the admin's scope is as good as absent to them.
        let mine = self.screen_tokens(who).await?.iter().any(|t| t.id == id && t.revoked_at_ms.is_none());
        let store = self.store.clone();
        let revoked = mine && blocking(&self.store, move || tokens::revoke(&store, id)).await?;
        let target = Target { object: Some(format!("screen token {id}")), ..Default::default() };
        let outcome = if revoked { Outcome::Ok } else { Outcome::Failed };
        self.audit.record(&who.actor(), "revoke_screen_token", target, outcome, None).await;
        revoked.then_some(()).ok_or_else(|| AppError::NotFound(format!("screen token {id} (or it is already revoked)")))
    }

    async fn users(&self, who: &dyn Access) -> Result<Vec<UserInfo>, AppError> {
        let me = principal(who)?;
        let all = users::list_async(&self.store).await?;
        Ok(all
            .iter()
            .map(|u| u.info())
            .filter(|u| me.covers(u.clusters.as_deref(), u.vhost_pattern.as_deref()))
            .collect())
    }

    async fn audit(&self, who: &dyn Access, query: &AuditQuery) -> Result<AuditPage, AppError> {
        let scope = principal(who)?.audit_scope();
        Ok(self.audit.page(query, &scope).await?)
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
