//! Who may do what. Every request passes `guard` (see `layer.rs`): it finds the identity (a
//! session cookie, a wall-screen token, or nobody), checks the route's policy (`policy.rs`) and,
//! for writes, the CSRF token; the backend then limits what that identity sees to its clusters
//! and vhosts.

mod audit_export;
mod canonical;
mod csrf;
mod handlers;
mod layer;
pub mod policy;
pub mod sessions;
mod throttle;
pub mod tokens;
pub mod users;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use app::auth::{Access, Actor, IdentityKind, Me, Role};
use regex::Regex;

pub use audit_export::audit_scope;
pub use canonical::require_canonical_path;
pub use handlers::routes;
pub use layer::{action_name, error as error_response, guard, refuse_unless};

use crate::audit::Audit;
use crate::backend::Clusters;
use crate::config::{AuditConfig, AuthConfig, Secret};
use crate::store::{Store, StoreError};

/// The session cookie: HttpOnly, SameSite=Strict, Secure over TLS.
pub const SESSION_COOKIE: &str = "warren_session";

/// Which vhosts of its clusters an identity may see.
#[derive(Clone, Debug)]
pub enum VhostScope {
    All,
    /// A local user limited by an admin-set pattern (anchored by whoever wrote it).
    Pattern(Regex),
    /// A broker user: the vhosts the broker listed for them at sign-in.
    Listed(BTreeSet<String>),
}

impl VhostScope {
    /// The scope an admin-set pattern stands for: `None` every vhost. A pattern that no longer
    /// compiles (they are checked when set) shows nothing rather than everything.
    pub fn from_pattern(pattern: Option<&str>) -> Self {
        match pattern {
            None => VhostScope::All,
            Some(p) => VhostScope::Pattern(Regex::new(p).unwrap_or_else(|_| Regex::new("$^").expect("valid"))),
        }
    }

    /// The pattern that stands for this scope, for what its holder hands out; `None`: every vhost.
    pub fn as_pattern(&self) -> Option<String> {
        match self {
            VhostScope::All => None,
            VhostScope::Pattern(pattern) => Some(pattern.as_str().to_string()),
            VhostScope::Listed(vhosts) if vhosts.is_empty() => Some("$^".into()),
            VhostScope::Listed(vhosts) => {
                let names: Vec<String> = vhosts.iter().map(|v| regex::escape(v)).collect();
                Some(format!("^(?:{})$", names.join("|")))
            }
        }
    }
}

/// A broker user's own credentials, for writes made in their name; in memory only, for the life
/// of the sign-in.
#[derive(Clone, Debug)]
pub struct BrokerCredentials {
    pub cluster: String,
    pub username: String,
    pub password: Secret,
}

/// The identity behind one request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub name: String,
    pub kind: IdentityKind,
    pub role: Role,
    /// `None`: every cluster.
    pub clusters: Option<Vec<String>>,
    pub vhosts: VhostScope,
    /// The CSRF token of the session; `None` for bearer tokens, which never write.
    pub csrf: Option<String>,
    pub broker_credentials: Option<BrokerCredentials>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

impl Principal {
    pub fn source(&self) -> String {
        match &self.kind {
            IdentityKind::Local => "local".into(),
            IdentityKind::Broker { cluster } => format!("broker:{cluster}"),
            IdentityKind::Screen => "screen".into(),
        }
    }

    /// May see every cluster and every vhost: what `/metrics` (about all of them) needs.
    pub fn sees_everything(&self) -> bool {
        self.clusters.is_none() && matches!(self.vhosts, VhostScope::All)
    }

    /// Whether something limited to `clusters` (`None`: all) and `vhost_pattern` (`None`: all)
    /// lies within this identity's own scope: what an admin with limits may see, hand out and
    /// revoke. Patterns are compared as written: a limited admin's tokens and users carry
    /// exactly the admin's own pattern.
    pub fn covers(&self, clusters: Option<&[String]>, vhost_pattern: Option<&str>) -> bool {
        let clusters_within = match (&self.clusters, clusters) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(mine), Some(theirs)) => theirs.iter().all(|c| mine.contains(c)),
        };
        clusters_within && self.vhosts.as_pattern().is_none_or(|mine| vhost_pattern == Some(mine.as_str()))
    }
}

impl Access for Principal {
    fn me(&self) -> Me {
        Me { name: self.name.clone(), kind: self.kind.clone(), role: self.role, clusters: self.clusters.clone() }
    }

    fn may_see_cluster(&self, cluster: &str) -> bool {
        self.clusters.as_ref().is_none_or(|list| list.iter().any(|c| c == cluster))
    }

    fn may_see_vhost(&self, cluster: &str, vhost: &str) -> bool {
        self.may_see_cluster(cluster)
            && match &self.vhosts {
                VhostScope::All => true,
                VhostScope::Pattern(pattern) => pattern.is_match(vhost),
                VhostScope::Listed(vhosts) => vhosts.contains(vhost),
            }
    }

    fn sees_every_vhost(&self, cluster: &str) -> bool {
        self.may_see_cluster(cluster) && matches!(self.vhosts, VhostScope::All)
    }

    fn scope_key(&self, _cluster: &str) -> String {
        // Admins see a fault's details, others do not: they never share a rendering.
        let audience = if self.me().is_admin() { "admin" } else { "others" };
        match &self.vhosts {
            VhostScope::All => format!("{audience}|all"),
            VhostScope::Pattern(pattern) => format!("{audience}|pattern:{}", pattern.as_str()),
            VhostScope::Listed(vhosts) => format!("{audience}|listed:{vhosts:?}"),
        }
    }

    fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            source: self.source(),
            role: Some(self.role),
            client_addr: self.client_addr.clone(),
            user_agent: self.user_agent.clone(),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

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

/// `bytes` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256, for storing tokens and session ids: a stolen database holds no usable secret.
pub fn digest(secret: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes()).to_vec()
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
