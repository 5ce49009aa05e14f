//! Who is asking, as both sides see it: roles, the signed-in identity the pages show, and the
//! admin views of screen tokens, users and the audit log. The server decides; the browser only
//! hides controls a person may not use.

use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Ordered: each role may do everything the one before may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Also publishes, gets, purges, binds and sets policies.
    Operator,
    /// Everything, including deletes, definitions import, screen tokens, users and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// RabbitMQ user tags to a role, for broker sign-in: the strongest tag wins, and a user with
    /// none of these tags may not use the management API at all.
    pub fn from_broker_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Option<Role> {
        tags.into_iter()
            .filter_map(|tag| match tag.trim() {
                "administrator" => Some(Role::Admin),
                "policymaker" => Some(Role::Operator),
                "monitoring" | "management" => Some(Role::Viewer),
                _ => None,
            })
            .max()
    }
}

/// Where an identity comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityKind {
    /// A Warren user from the embedded store.
    Local,
    /// A RabbitMQ user of one cluster, checked against that broker.
    Broker { cluster: String },
    /// A read-only wall-screen token.
    Screen,
}

/// The signed-in identity, as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub kind: IdentityKind,
    pub role: Role,
    /// `None`: every cluster.
    pub clusters: Option<Vec<String>>,
}

impl Me {
    /// Operators and admins write; screens never do, whatever their role.
    pub fn may_write(&self) -> bool {
        self.role >= Role::Operator && self.kind != IdentityKind::Screen
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin && self.kind != IdentityKind::Screen
    }

    pub fn may(&self, need: Need) -> bool {
        match need {
            Need::Read => true,
            Need::Role(role) => self.kind != IdentityKind::Screen && self.role >= role,
        }
    }
}

/// What a server function needs of its caller. The sign-in layer's route table checks it before
/// the function runs, and the function checks it again: one table must not be the only gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any identity, screens included; what it sees is limited to its clusters and vhosts.
    Read,
    /// A signed-in person (never a screen) with at least this role.
    Role(Role),
}

/// The cookie holding the CSRF token: readable by the page's script (not HttpOnly), which echoes it
/// in the `x-csrf-token` header of every call; another site can neither read it nor set it.
pub const CSRF_COOKIE: &str = "warren_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A wall-screen token as admins see it; the token itself is shown once, when created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenToken {
    pub id: i64,
    pub label: String,
    /// `None`: every cluster.
    pub clusters: Option<Vec<String>>,
    /// The regex a vhost must match to be seen through this token; `None`: every vhost.
    #[serde(default)]
    pub vhost_pattern: Option<String>,
    pub created_by: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

/// A token just created: the only time its secret leaves the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewScreenToken {
    pub info: ScreenToken,
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub clusters: Option<Vec<String>>,
    pub vhost_pattern: Option<String>,
    pub created_at_ms: i64,
}

/// One audited event: a sign-in (either way) or a write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub actor: String,
    /// "local", "broker:<cluster>", "screen" or "cli".
    pub source: String,
    pub role: Option<String>,
    pub cluster: Option<String>,
    pub vhost: Option<String>,
    pub action: String,
    pub object: Option<String>,
    /// "ok", "denied", "failed" or "throttled".
    pub outcome: String,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

/// Which audit entries to show; empty fields match everything. Also the query string of the
/// audit page and of its export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Substring of the actor.
    pub actor: String,
    /// Exact action, e.g. "sign_in".
    pub action: String,
    pub cluster: String,
    pub outcome: String,
    /// 1-based.
    pub page: u32,
}

impl AuditQuery {
    pub const PAGE_SIZE: u32 = 100;

    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key| get(key).unwrap_or_default();
        AuditQuery {
            actor: get("actor"),
            action: get("action"),
            cluster: get("cluster"),
            outcome: get("outcome"),
            page: get("page").parse().ok().filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    pub fn to_pairs(&self) -> [(&'static str, String); 5] {
        [
            ("actor", self.actor.clone()),
            ("action", self.action.clone()),
            ("cluster", self.cluster.clone()),
            ("outcome", self.outcome.clone()),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
        ]
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub matching: u64,
    pub page: u32,
    pub page_count: u32,
}

/// What the server knows about the request, for code shared by pages and server functions.
#[cfg(feature = "ssr")]
pub trait Access: Send + Sync + 'static {
    fn me(&self) -> Me;
    fn may_see_cluster(&self, cluster: &str) -> bool;
    fn may_see_vhost(&self, cluster: &str, vhost: &str) -> bool;
    /// True when no vhost of `cluster` is hidden: lists need no filtering.
    fn sees_every_vhost(&self, cluster: &str) -> bool;
    /// Identities with equal keys see the same data of `cluster`, so live streams may share a rendering.
    fn scope_key(&self, cluster: &str) -> String;
    /// Who to name in the audit log for what this request does.
    fn actor(&self) -> Actor;
    /// The server's own identity type, which carries what the app crate never sees (a broker
    /// user's password, for writes made in their name).
    fn as_any(&self) -> &dyn std::any::Any;
}

/// The audit log's view of who did something, and from where.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    /// "local", "broker:<cluster>", "screen", "cli" or "anonymous".
    pub source: String,
    pub role: Option<Role>,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

#[cfg(feature = "ssr")]
pub type SharedAccess = std::sync::Arc<dyn Access>;

/// The identity the server's sign-in layer attached to this request.
#[cfg(feature = "ssr")]
pub fn current_access() -> Result<SharedAccess, crate::error::AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SharedAccess>().cloned())
        .ok_or(crate::error::AppError::SignInRequired)
}

/// The CSRF token this page must echo: from the request on the server (the sign-in layer puts
/// one there when the browser has none yet), from the cookie in the browser.
pub fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        csrf_from_cookie().unwrap_or_default()
    }
}

/// The request's CSRF token, as the server's sign-in layer saw or minted it.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

#[cfg(not(feature = "ssr"))]
pub(crate) fn csrf_from_cookie() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>().ok()?;
        // Over TLS the server names it with the `__Host-` prefix; a cookie from before that
        // may linger under the plain name, so the prefixed one wins.
        let cookies = doc.cookie().ok()?;
        let find = |name: &str| {
            cookies.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == name).then(|| value.to_string())
            })
        };
        find(&format!("__Host-{CSRF_COOKIE}")).or_else(|| find(CSRF_COOKIE))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_tags_map_to_the_strongest_role() {
        assert_eq!(Role::from_broker_tags(["management", "policymaker"]), Some(Role::Operator));
        assert_eq!(Role::from_broker_tags(["administrator"]), Some(Role::Admin));
        assert_eq!(Role::from_broker_tags(["monitoring"]), Some(Role::Viewer));
        assert_eq!(Role::from_broker_tags(["impersonator", ""]), None);
    }

    #[test]
    fn screens_never_write() {
        let screen = Me { name: "tv".into(), kind: IdentityKind::Screen, role: Role::Admin, clusters: None };
        assert!(!screen.may_write() && !screen.is_admin());
    }
}
