//! Who may do what. Every request passes `guard` (see `layer.rs`): it finds the identity (a
//! session cookie, a wall-screen token, or nobody), checks the route's policy (`policy.rs`) and,
//! for writes, the CSRF token; the backend then limits what that identity sees to its clusters
//! and vhosts.

mod accounts;
mod canonical;
mod csrf;
mod handlers;
mod layer;
pub mod policy;
pub mod sessions;
mod throttle;

use std::sync::Arc;
use std::time::Duration;

pub use canonical::require_canonical_path;
pub use handlers::routes;
pub use layer::{action_name, error as error_response, guard, refuse_unless};

use crate::config::auth::{AuditConfig, AuthConfig};
use crate::crypto::{constant_time_eq, random_token};
use crate::service::clusters::Clusters;
use crate::store::audit::Audit;
use crate::store::users;
use crate::store::{Store, StoreError};

/// The session cookie: HttpOnly, SameSite=Strict, Secure over TLS.
pub const SESSION_COOKIE: &str = "warren_session";

/// Everything the sign-in layer and its routes need.
pub struct Auth {
    pub store: Store,
    pub audit: Audit,
    pub config: AuthConfig,
    pub clusters: Arc<Clusters>,
    pub sessions: sessions::Sessions,
    throttle: throttle::Throttle,
    /// The one-time first-run link's code, while no user exists (see `first_run_code`).
    setup_code: std::sync::Mutex<Option<String>>,
    pub csrf: csrf::CsrfKey,
}

impl Auth {
    pub fn new(store: Store, config: AuthConfig, clusters: Arc<Clusters>) -> Result<Arc<Self>, StoreError> {
        let csrf = csrf::CsrfKey::load(&store)?;
        Ok(Arc::new(Self {
            audit: Audit::new(store.clone()),
            sessions: sessions::Sessions::new(store.clone(), config.session_idle, config.session_max, csrf.clone()),
            throttle: throttle::Throttle::new(
                config.failure_window,
                config.failures_per_account,
                config.failures_per_address,
            ),
            store,
            config,
            clusters,
            setup_code: std::sync::Mutex::new(None),
            csrf,
        }))
    }

    /// With no user yet, a one-time code for the first admin's setup link; `None` once a user exists.
    pub async fn first_run_code(&self) -> anyhow::Result<Option<String>> {
        if users::count(&self.store).await? > 0 {
            return Ok(None);
        }
        let code = random_token(24);
        *self.setup_code.lock().expect("setup code lock") = Some(code.clone());
        Ok(Some(code))
    }

    /// Takes the setup code if `offered` is it: it works once.
    fn take_setup_code(&self, offered: &str) -> bool {
        let mut code = self.setup_code.lock().expect("setup code lock");
        let matches = code.as_deref().is_some_and(|c| constant_time_eq(c, offered));
        if matches {
            *code = None;
        }
        matches
    }

    /// Drops expired sessions and audit entries past their retention now and then; runs until
    /// the server stops.
    pub async fn prune(self: Arc<Self>, audit_retention: AuditConfig) {
        let stop = self.clusters.shutdown_token().clone();
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tick.tick() => {
                    if let Err(e) = self.sessions.prune().await {
                        tracing::warn!(error = %e, "could not prune expired sessions");
                    }
                    match self.audit.prune(&audit_retention).await {
                        Ok(0) => {}
                        Ok(removed) => tracing::info!(removed, "audit entries past their retention removed"),
                        Err(e) => tracing::warn!(error = %e, "could not prune the audit log"),
                    }
                }
            }
        }
    }
}
