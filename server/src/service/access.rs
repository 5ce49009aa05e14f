//! Who is asking, and the one check of what they may reach: a cluster, a vhost within it, and
//! what their role allows. Reads, writes, live streams and downloads all ask here.

use std::collections::BTreeSet;
use std::sync::Arc;

use app::auth::{Access, Actor, IdentityKind, Me, Role};
use app::error::AppError;
use regex::Regex;

use crate::config::secret::Secret;
use crate::store::audit::query::{AuditScope, VhostCheck};

/// Refuses a vhost outside the identity's scope.
pub(super) fn check_vhost(who: &dyn Access, cluster: &str, vhost: &str) -> Result<(), AppError> {
    if who.may_see_vhost(cluster, vhost) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("vhost {vhost:?} is not among yours")))
    }
}

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
    /// The audit entries `principal` may read: those about its clusters and vhosts, and its own.
    pub fn audit_scope(&self) -> AuditScope {
        let vhost_visible = match &self.vhosts {
            VhostScope::All => None,
            VhostScope::Pattern(pattern) => {
                let pattern = pattern.clone();
                let check: VhostCheck = Arc::new(move |vhost: &str| pattern.is_match(vhost));
                Some(check)
            }
            VhostScope::Listed(vhosts) => {
                let vhosts = vhosts.clone();
                let check: VhostCheck = Arc::new(move |vhost: &str| vhosts.contains(vhost));
                Some(check)
            }
        };
        AuditScope { clusters: self.clusters.clone(), vhost_visible, own: (self.name.clone(), self.source()) }
    }

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
        // Admins see a fault's details, others do not: they never share a rendering. Nor do two
        // broker users who see only their own connections, channels and consumers.
        let audience = match super::listing::only_own_rows(self) {
            Some(me) => format!("own:{me:?}"),
            None if self.me().is_admin() => "admin".into(),
            None => "others".into(),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(clusters: Option<Vec<String>>, vhosts: VhostScope, kind: IdentityKind) -> Principal {
        Principal {
            name: "ana".into(),
            kind,
            role: Role::Admin,
            clusters,
            vhosts,
            csrf: None,
            broker_credentials: None,
            client_addr: None,
            user_agent: None,
        }
    }

    #[test]
    fn scope_follows_the_principal() {
        let all = principal(None, VhostScope::All, IdentityKind::Local).audit_scope();
        assert!(all.is_unrestricted());
        assert_eq!(all.own, ("ana".to_string(), "local".to_string()));

        let pattern = regex::Regex::new("^team-").unwrap();
        let limited =
            principal(Some(vec!["c1".into()]), VhostScope::Pattern(pattern), IdentityKind::Local).audit_scope();
        assert_eq!(limited.clusters.as_deref(), Some(&["c1".to_string()][..]));
        let check = limited.vhost_visible.as_ref().unwrap();
        assert!(check("team-a") && !check("/"));

        let listed: BTreeSet<String> = ["/".to_string()].into();
        let broker = principal(
            Some(vec!["c2".into()]),
            VhostScope::Listed(listed),
            IdentityKind::Broker { cluster: "c2".into() },
        )
        .audit_scope();
        let check = broker.vhost_visible.as_ref().unwrap();
        assert!(check("/") && !check("other"));
        assert_eq!(broker.own, ("ana".to_string(), "broker:c2".to_string()));
    }

    #[test]
    fn broker_users_who_see_only_their_own_rows_never_share_a_rendering() {
        let listed = || VhostScope::Listed(["/".to_string()].into());
        let broker = || IdentityKind::Broker { cluster: "c".into() };
        let mut ana = principal(None, listed(), broker());
        let mut bob = principal(None, listed(), broker());
        bob.name = "bob".into();
        assert_eq!(ana.scope_key("c"), bob.scope_key("c"), "as admins, they see the same rows");
        (ana.role, bob.role) = (Role::Operator, Role::Operator);
        assert_ne!(ana.scope_key("c"), bob.scope_key("c"));
        let mut local = principal(None, listed(), IdentityKind::Local);
        local.role = Role::Operator;
        assert_ne!(ana.scope_key("c"), local.scope_key("c"));
    }
}
