//! Which identity may reach which route: one table for the whole server, checked by `guard`
//! before any handler runs. A server function missing from the table is refused (a test checks
//! that every registered function is listed).

use app::api::*;
use app::auth::{Need, Role};
use axum::http::Method;
use leptos::server_fn::ServerFn;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Anyone: health, static files, the sign-in and setup pages and their forms (which check
    /// their own CSRF token, as there is no session yet).
    Public,
    /// Any identity, screens included; the backend limits what it sees to its clusters and vhosts.
    Read,
    /// An identity that sees every cluster and vhost: `/metrics` is about all of them.
    Everything,
    /// A signed-in person (never a screen) with at least this role, reading.
    ReadAs(Role),
    /// A signed-in person (never a screen) with at least this role, with the session's CSRF token.
    Write(Role),
}

/// Server functions and who may call them.
fn server_fn_policy(path: &str) -> Option<Policy> {
    const READ: &[&str] = &[
        Whoami::PATH,
        ListClusters::PATH,
        ListVhosts::PATH,
        ListClusterCards::PATH,
        GetOverview::PATH,
        ListQueues::PATH,
        GetQueue::PATH,
        ListExchanges::PATH,
        GetExchange::PATH,
        ListConnections::PATH,
        GetConnection::PATH,
        GetNode::PATH,
        ListChannels::PATH,
        GetChannel::PATH,
        ListConsumers::PATH,
        ListShovels::PATH,
        ListFederationLinks::PATH,
        ListBindings::PATH,
        GetTopology::PATH,
        ListPolicies::PATH,
        PreviewPolicy::PATH,
        GetHistory::PATH,
        TopGrowing::PATH,
        ListDashboards::PATH,
        GetDashboard::PATH,
        GetTiles::PATH,
        GetAdvice::PATH,
    ];
    // Publishing, reading messages, creating queues, exchanges and bindings, setting policies,
    // moving messages.
    const OPERATE: &[&str] = &[
        PublishMessage::PATH,
        GetMessages::PATH,
        PurgeQueue::PATH,
        CreateQueue::PATH,
        CreateExchange::PATH,
        AddBinding::PATH,
        RemoveBinding::PATH,
        ListTemplates::PATH,
        SaveTemplate::PATH,
        DeleteTemplate::PATH,
        // As RabbitMQ's policymaker tag allows.
        SavePolicy::PATH,
        DeletePolicy::PATH,
        MoveMessages::PATH,
    ];
    // What cannot be undone (deleting a queue loses its messages) or may change anything.
    const CONFIGURE: &[&str] = &[
        DeleteQueue::PATH,
        DeleteExchange::PATH,
        PreviewImport::PATH,
        ImportDefinitions::PATH,
        CloseConnection::PATH,
        CloseUserConnections::PATH,
        DeleteShovel::PATH,
    ];
    const ADMIN_READ: &[&str] = &[
        ListScreenTokens::PATH,
        ListUsers::PATH,
        ListAudit::PATH,
        GetAccess::PATH,
        PreviewPermissions::PATH,
        GetClusterSettings::PATH,
        GetReadiness::PATH,
    ];
    const ADMIN_WRITE: &[&str] = &[
        CreateScreenToken::PATH,
        RevokeScreenToken::PATH,
        SaveDashboard::PATH,
        DeleteDashboard::PATH,
        ImportDashboards::PATH,
        // The broker's users, vhosts, permissions and limits.
        SaveBrokerUser::PATH,
        DeleteBrokerUser::PATH,
        SaveVhost::PATH,
        DeleteVhost::PATH,
        SetPermissions::PATH,
        ClearPermissions::PATH,
        SetTopicPermissions::PATH,
        ClearTopicPermissions::PATH,
        SetLimit::PATH,
        // The cluster's name and feature flags.
        RenameCluster::PATH,
        EnableFeatureFlag::PATH,
        // Silencing a finding for everyone.
        MuteFinding::PATH,
    ];
    if path == SignInOptions::PATH {
        Some(Policy::Public)
    } else if READ.contains(&path) {
        Some(Policy::Read)
    } else if ADMIN_READ.contains(&path) {
        Some(Policy::ReadAs(Role::Admin))
    } else if ADMIN_WRITE.contains(&path) || CONFIGURE.contains(&path) {
        Some(Policy::Write(Role::Admin))
    } else if OPERATE.contains(&path) {
        Some(Policy::Write(Role::Operator))
    } else {
        None
    }
}

/// Whether `path` is a built front-end file: under `/pkg/` (the console's bundle) or the wall
/// screen's bundle directory. They are public: the sign-in page needs them.
pub fn is_static_file(path: &str) -> bool {
    let dir = path.strip_prefix('/').and_then(|p| p.split_once('/')).map(|(dir, _)| dir);
    dir.is_some_and(|dir| dir == "pkg" || dir == app::KIOSK_PKG_DIR)
}

/// The policy of a request; `None` for an unknown server function or auth route, which is refused.
pub fn of(method: &Method, path: &str) -> Option<Policy> {
    if path.starts_with("/api/") {
        return server_fn_policy(path);
    }
    if is_static_file(path) || matches!(path, "/favicon.svg" | "/healthz" | "/signin" | "/setup") {
        return Some(Policy::Public);
    }
    match (method.as_str(), path) {
        ("POST", "/auth/signin" | "/auth/setup") => Some(Policy::Public),
        ("POST", "/auth/signout") => Some(Policy::Write(Role::Viewer)),
        (_, p) if p.starts_with("/auth/") => None,
        (_, "/metrics") => Some(Policy::Everything),
        (_, "/admin/audit/export") => Some(Policy::ReadAs(Role::Admin)),
        ("GET", p) if p.starts_with("/export/") => Some(Policy::ReadAs(Role::Admin)),
        (_, p) if p.starts_with("/export/") => None,
        (_, p) if p == "/admin" || p.starts_with("/admin/") => Some(Policy::ReadAs(Role::Admin)),
        (_, p) if p.starts_with("/c/") => Some(page(p)),
        // Pages, live streams, and the 404 page for anything else: signed-in identities only.
        _ => Some(Policy::Read),
    }
}

/// A cluster's page: as its entry in the sections table says (`app::sections`); any other path
/// below `/c/{cluster}/` is the 404 page, for signed-in identities.
fn page(path: &str) -> Policy {
    let rest = path.trim_start_matches("/c/").split_once('/').map_or("", |(_cluster, rest)| rest);
    match app::sections::at(rest).map(|section| section.need) {
        Some(Need::Role(role)) => Policy::ReadAs(role),
        Some(Need::Read) | None => Policy::Read,
    }
}

/// True for routes a browser navigates to (a redirect to sign-in helps); false for calls made
/// by scripts and tools (they get a status code and a JSON error).
pub fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/live/")
        || path.starts_with("/auth/")
        || path == "/metrics"
        || path == "/admin/audit/export"
        || path.starts_with("/export/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_function_has_a_policy() {
        let mut seen = 0;
        for (path, method) in leptos::server_fn::axum::server_fn_paths() {
            assert!(server_fn_policy(path).is_some(), "{method} {path} has no policy");
            seen += 1;
        }
        assert!(seen >= 14, "server functions are registered ({seen})");
    }

    #[test]
    fn unknown_routes_are_refused_or_need_sign_in() {
        assert_eq!(of(&Method::POST, "/api/drop_everything"), None);
        assert_eq!(of(&Method::POST, "/auth/impersonate"), None);
        assert_eq!(of(&Method::GET, "/c/local/queues"), Some(Policy::Read));
        assert_eq!(of(&Method::GET, "/whatever"), Some(Policy::Read));
        assert_eq!(of(&Method::GET, "/pkg/warren.wasm"), Some(Policy::Public));
        assert_eq!(of(&Method::GET, "/kiosk-pkg/kiosk.js"), Some(Policy::Public));
        assert_eq!(of(&Method::GET, "/kiosk-pkgs"), Some(Policy::Read));
    }

    #[test]
    fn every_section_page_has_the_access_its_entry_names() {
        for section in app::sections::SECTIONS {
            let expected = match section.need {
                Need::Read => Policy::Read,
                Need::Role(role) => Policy::ReadAs(role),
            };
            let path = format!("/c/local/{}", section.path);
            assert_eq!(of(&Method::GET, &path), Some(expected), "{path}");
        }
        assert_eq!(of(&Method::GET, "/c/local"), Some(Policy::Read), "the overview without a slash");
    }
}
