//! Who may do what, through the whole HTTP app in process: every route for every kind of
//! identity, CSRF on writes, throttling, screen tokens, session expiry, the audit log, broker
//! sign-in against a real broker, and a broker redirect that must not be followed.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::auth::Role;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{brokers, cluster, enc, set_cookies, Admin, Session, TestApp, PASSWORD};
use serde_json::{json, Value};
use tower::ServiceExt;
use warren::config::auth::AuthConfig;

async fn app_with(config: AuthConfig) -> TestApp {
    TestApp::it_and_down(config).await
}

/// How a request presents itself.
#[derive(Clone)]
enum Who {
    Anonymous,
    Session(Session),
    Bearer(String),
}

impl Who {
    fn apply(&self, mut request: Request<Body>) -> Request<Body> {
        let headers = request.headers_mut();
        match self {
            Who::Anonymous => {}
            Who::Session(s) => {
                headers.insert(header::COOKIE, s.cookies.parse().unwrap());
                headers.insert("x-csrf-token", s.csrf.parse().unwrap());
            }
            Who::Bearer(token) => {
                headers.insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
            }
        }
        request
    }
}

/// Status of a request; the body is not read (live streams never end).
async fn status(app: &TestApp, who: &Who, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, String) {
    let builder = Request::builder().method(method).uri(uri);
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .unwrap();
    let response = app.router.clone().oneshot(who.apply(request)).await.unwrap();
    let location =
        response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (response.status(), location)
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    Allowed,
    /// Anonymous: pages redirect to sign-in, calls get 401.
    SignIn,
    Forbidden,
}

#[tokio::test]
async fn every_route_checks_every_kind_of_identity() {
    let app = app_with(AuthConfig::default()).await;
    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let operator = app.user("otto", Role::Operator, None, None).await;
    let elsewhere = app.user("elsa", Role::Viewer, Some(vec!["down".into()]), None).await;
    let (_, token) = warren::store::tokens::create(&app.auth.store, "lobby", Some(vec!["it".into()]), "admin").unwrap();
    let (_, everything_token) = warren::store::tokens::create(&app.auth.store, "prometheus", None, "admin").unwrap();

    let identities: Vec<(&str, Who)> = vec![
        ("anonymous", Who::Anonymous),
        ("viewer", Who::Session(viewer)),
        ("operator", Who::Session(operator)),
        ("admin", Who::Session(app.admin.clone())),
        ("viewer of another cluster", Who::Session(elsewhere)),
        ("screen token", Who::Bearer(token)),
        ("screen token, every cluster", Who::Bearer(everything_token)),
    ];
    let list = json!({"cluster": "it", "query": {"vhost": null, "filter": "", "regex": false, "sort": "", "desc": false, "page": 1, "page_size": 10}});
    let object = json!({"cluster": "it", "vhost": "/", "name": "amq.direct"});
    // (method, route, body, expectations in the order of `identities`)
    use Expect::*;
    let routes: Vec<(Method, &str, Option<Value>, [Expect; 7])> = vec![
        (Method::GET, "/healthz", None, [Allowed; 7]),
        (Method::GET, "/signin", None, [Allowed; 7]),
        (Method::GET, "/pkg/warren.css", None, [Allowed; 7]),
        (Method::GET, "/kiosk-pkg/kiosk.css", None, [Allowed; 7]),
        (Method::GET, "/kiosk/1", None, [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed]),
        (Method::GET, "/", None, [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed]),
        // A page about a cluster someone may not see says so, with 403.
        (Method::GET, "/c/it", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed]),
        (Method::GET, "/c/it/queues", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed]),
        (Method::GET, "/c/down/queues", None, [SignIn, Allowed, Allowed, Allowed, Allowed, Forbidden, Allowed]),
        (Method::GET, "/c/it/connections", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed]),
        (Method::GET, "/live/it/overview", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed]),
        (Method::GET, "/live/down/overview", None, [SignIn, Allowed, Allowed, Allowed, Allowed, Forbidden, Allowed]),
        (Method::GET, "/metrics", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Forbidden, Allowed]),
        (Method::GET, "/admin", None, [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden]),
        (
            Method::GET,
            "/admin/audit/export",
            None,
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (Method::POST, "/api/sign_in_options", Some(json!({})), [Allowed; 7]),
        (Method::POST, "/api/whoami", Some(json!({})), [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed]),
        (
            Method::POST,
            "/api/list_clusters",
            Some(json!({})),
            [SignIn, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_vhosts",
            Some(json!({"cluster": "it"})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/get_overview",
            Some(json!({"cluster": "it"})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_queues",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_exchanges",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_bindings",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_connections",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_channels",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_consumers",
            Some(list.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/get_channel",
            Some(json!({"cluster": "it", "vhost": "/", "name": "127.0.0.1:1 -> 127.0.0.1:5672 (1)"})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/get_node",
            Some(json!({"cluster": "it", "vhost": "", "name": "rabbit@nowhere"})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_shovels",
            Some(json!({"cluster": "it", "vhost": null})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/list_federation_links",
            Some(json!({"cluster": "it", "vhost": null})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (Method::GET, "/live/it/shovels", None, [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed]),
        // Writes that find nothing to act on (no such queue, shovel or user's connection): who
        // may ask is all this checks.
        (
            Method::POST,
            "/api/ops/move_messages",
            Some(json!({"cluster": "it", "request": {"vhost": "/", "from": "warren-no-such-queue", "to": "another"}})),
            [SignIn, Forbidden, Allowed, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/ops/delete_shovel",
            Some(json!({"cluster": "it", "shovel": {"vhost": "/", "name": "warren-no-such-shovel"}})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/ops/close_user_connections",
            Some(json!({"cluster": "it", "close": {"user": "warren-no-such-user", "reason": ""}})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        // The broker's users, vhosts and permissions: admins only, pages and calls.
        (Method::GET, "/c/it/users", None, [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden]),
        (Method::GET, "/c/it/vhosts", None, [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden]),
        (
            Method::POST,
            "/api/access/get",
            Some(json!({"cluster": "it"})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/access/preview_permissions",
            Some(
                json!({"cluster": "it", "draft": {"vhost": "/", "user": "guest", "configure": ".*", "write": "", "read": ""}}),
            ),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/access/delete_user",
            Some(json!({"cluster": "it", "name": "warren-no-such-user"})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/access/clear_permissions",
            Some(json!({"cluster": "it", "target": {"vhost": "warren-no-such-vhost", "user": "nobody"}})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        // The cluster's name, flags and readiness: admins only. The writes carry input that is
        // refused (an empty name, an unknown flag), so nothing changes whoever may send them.
        (Method::GET, "/c/it/settings", None, [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden]),
        (Method::GET, "/c/it/upgrade", None, [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden]),
        (
            Method::POST,
            "/api/cluster/settings",
            Some(json!({"cluster": "it"})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/cluster/readiness",
            Some(json!({"cluster": "it"})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/cluster/rename",
            Some(json!({"cluster": "it", "name": ""})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/cluster/enable_flag",
            Some(json!({"cluster": "it", "name": "warren_no_such_flag", "experimental_confirmed": true})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/ops/close_connection",
            Some(
                json!({"cluster": "it", "close": {"vhost": "/", "name": "127.0.0.1:1 -> 127.0.0.1:5672", "reason": ""}}),
            ),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/get_exchange",
            Some(object.clone()),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (
            Method::POST,
            "/api/get_queue",
            Some(json!({"cluster": "down", "vhost": "/", "name": "q"})),
            [SignIn, Allowed, Allowed, Allowed, Allowed, Forbidden, Allowed],
        ),
        (
            Method::POST,
            "/api/get_topology",
            Some(json!({"cluster": "it", "vhost": "/"})),
            [SignIn, Allowed, Allowed, Allowed, Forbidden, Allowed, Allowed],
        ),
        (Method::GET, "/setup", None, [Allowed; 7]),
        // The forms check their own CSRF token (there is no session yet): refused, but not for who is asking.
        (Method::POST, "/auth/signin", Some(json!({})), [Allowed; 7]),
        (Method::POST, "/auth/setup", Some(json!({})), [Allowed; 7]),
        (Method::POST, "/auth/impersonate", Some(json!({})), [Forbidden; 7]),
        (
            Method::POST,
            "/api/admin/list_screen_tokens",
            Some(json!({})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/admin/list_users",
            Some(json!({})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/admin/list_audit",
            Some(json!({"query": {"actor": "", "action": "", "cluster": "", "outcome": "", "page": 1}})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/admin/create_screen_token",
            Some(json!({"label": "matrix", "clusters": null})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            Method::POST,
            "/api/admin/revoke_screen_token",
            Some(json!({"id": 999_999})),
            [SignIn, Forbidden, Forbidden, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (Method::POST, "/api/no_such_function", Some(json!({})), [Forbidden; 7]),
    ];
    let mut failures = Vec::new();
    for (method, route, body, expected) in &routes {
        for ((name, who), expect) in identities.iter().zip(expected) {
            let (code, location) = status(&app, who, method.clone(), route, body.clone()).await;
            let got = match code {
                StatusCode::UNAUTHORIZED => SignIn,
                StatusCode::SEE_OTHER | StatusCode::TEMPORARY_REDIRECT if location.starts_with("/signin") => SignIn,
                StatusCode::FORBIDDEN => Forbidden,
                // An unknown server function is refused before anything runs.
                StatusCode::NOT_FOUND if route.contains("no_such") || route.contains("impersonate") => Forbidden,
                _ => Allowed,
            };
            if got != *expect {
                failures.push(format!("{method} {route} as {name}: expected {expect:?}, got {code} {location}"));
            }
            // The same route spelled so that a router would normalise it: refused before any
            // policy is judged, whoever asks, so no spelling reaches more than the canonical one.
            for variant in non_canonical(route) {
                let (code, _) = status(&app, who, method.clone(), &variant, body.clone()).await;
                if code != StatusCode::BAD_REQUEST {
                    failures.push(format!("{method} {variant} as {name}: expected 400, got {code}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Dot-segment, double-slash and percent-encoded spellings of `route`.
fn non_canonical(route: &str) -> Vec<String> {
    let Some(rest) = route.strip_prefix('/').filter(|rest| !rest.is_empty()) else { return Vec::new() };
    let first = rest.chars().next().unwrap();
    vec![
        format!("/./{rest}"),
        format!("/x/../{rest}"),
        format!("/%2e/{rest}"),
        format!("/%2E/{rest}"),
        format!("/x/%2e%2e/{rest}"),
        format!("//{rest}"),
        format!("/{rest}/."),
        format!("/%{:02X}{}", first as u32, &rest[first.len_utf8()..]),
    ]
}

#[tokio::test]
async fn writes_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = app_with(AuthConfig::default()).await;
    let (info, _) = warren::store::tokens::create(&app.auth.store, "keep me", None, "admin").unwrap();
    let writes = [
        ("/api/admin/create_screen_token", json!({"label": "forged", "clusters": null})),
        ("/api/admin/revoke_screen_token", json!({"id": info.id})),
    ];
    for forged in [None, Some("not-the-token")] {
        for (route, body) in &writes {
            let mut request = Request::post(*route)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, app.admin.cookies.clone());
            if let Some(token) = forged {
                request = request.header("x-csrf-token", token);
            }
            let (code, _, body) = app.send_as(None, request.body(Body::from(body.to_string())).unwrap()).await;
            assert_eq!(code, StatusCode::FORBIDDEN, "{route} with {forged:?}");
            assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!("CsrfRejected"));
        }
    }
    let tokens = warren::store::tokens::list(&app.auth.store).unwrap();
    assert_eq!(tokens.len(), 1, "nothing created");
    assert!(tokens[0].revoked_at_ms.is_none(), "nothing revoked");

    // Sign-out is a write too: a form post without the token leaves the session alone.
    let request = Request::post("/auth/signout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, app.admin.cookies.clone())
        .body(Body::from("csrf=wrong"))
        .unwrap();
    assert_eq!(app.send_as(None, request).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call("whoami", json!({})).await.0, StatusCode::OK, "still signed in");

    // With the token, the same form signs out.
    let request = Request::post("/auth/signout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, app.admin.cookies.clone())
        .body(Body::from(format!("csrf={}", app.admin.csrf)))
        .unwrap();
    let (code, headers, _) = app.send_as(None, request).await;
    assert_eq!(
        (code, &headers[header::LOCATION]),
        (StatusCode::SEE_OTHER, &"/signin".parse::<axum::http::HeaderValue>().unwrap())
    );
    assert_eq!(app.call("whoami", json!({})).await.0, StatusCode::UNAUTHORIZED, "signed out");
}

#[tokio::test]
async fn sign_in_is_throttled_per_account_and_per_address() {
    let config = AuthConfig { failures_per_account: 3, failures_per_address: 5, ..AuthConfig::default() };
    let app = app_with(config).await;
    warren::store::users::add(&app.auth.store, "ana", PASSWORD, Role::Viewer, None, None, false).unwrap();
    for _ in 0..3 {
        assert_eq!(
            app.sign_in("local", "ana", "wrong password!", "10.0.0.1").await.unwrap_err(),
            "/signin?error=credentials&next=%2Fc%2Fit"
        );
    }
    let refused = app.sign_in("local", "ana", PASSWORD, "10.0.0.2").await.unwrap_err();
    assert!(refused.contains("error=throttled"), "the right password is refused while throttled: {refused}");

    // Another account from the same address still works, until the address is over its limit.
    app.sign_in("local", "admin", PASSWORD, "10.0.0.1").await.expect("another account");
    for name in ["x1", "x2"] {
        app.sign_in("local", name, "wrong password!", "10.0.0.1").await.unwrap_err();
    }
    let refused = app.sign_in("local", "admin", PASSWORD, "10.0.0.1").await.unwrap_err();
    assert!(refused.contains("error=throttled"), "address limit: {refused}");
    app.sign_in("local", "admin", PASSWORD, "10.0.0.3").await.expect("from another address");

    let audit = app
        .auth
        .audit
        .page(
            &app::auth::AuditQuery { outcome: "throttled".into(), ..Default::default() },
            &warren::store::audit::query::AuditScope::unrestricted(("admin".into(), "local".into())),
        )
        .await
        .unwrap();
    assert_eq!(audit.matching, 2, "throttled attempts are audited");
}

#[tokio::test]
async fn screen_tokens_are_scoped_read_only_and_revocable() {
    let app = app_with(AuthConfig::default()).await;
    let (_, created) = app.call("admin/create_screen_token", json!({"label": "wall 1", "clusters": ["it"]})).await;
    let token = created["token"].as_str().unwrap().to_string();
    let id = created["info"]["id"].as_i64().unwrap();
    assert!(token.starts_with("wrn_") && token.len() > 40);

    // Opening a page with the token in its URL opens a screen session and drops the token from the URL.
    let (code, headers, _) = app
        .send_as(None, Request::get(format!("/c/it/queues?vhost=%2F&token={token}")).body(Body::empty()).unwrap())
        .await;
    assert_eq!(code, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/c/it/queues?vhost=%2F");
    let cookies = set_cookies(&headers);
    let session = cookies.iter().find(|(k, _)| k == "warren_session").expect("a session cookie").1.clone();
    let screen = Session { cookies: format!("warren_session={session}"), csrf: String::new() };
    let (code, me) = app.call_as(Some(&screen), "whoami", json!({})).await;
    assert_eq!((code, me["kind"].clone(), me["role"].clone()), (StatusCode::OK, json!("Screen"), json!("Viewer")));
    assert_eq!(app.call_as(Some(&screen), "get_overview", json!({"cluster": "it"})).await.0, StatusCode::OK);
    assert_eq!(app.call_as(Some(&screen), "get_overview", json!({"cluster": "down"})).await.0, StatusCode::FORBIDDEN);
    let (code, clusters) = app.call_as(Some(&screen), "list_clusters", json!({})).await;
    assert_eq!((code, clusters.as_array().unwrap().len()), (StatusCode::OK, 1), "only its clusters are listed");
    // Even with the session's CSRF token, a screen never writes.
    let csrf = cookies.iter().find(|(k, _)| k == "warren_csrf").unwrap().1.clone();
    let screen_with_csrf = Session { cookies: format!("warren_session={session}; warren_csrf={csrf}"), csrf };
    let (code, _) = app
        .call_as(Some(&screen_with_csrf), "admin/create_screen_token", json!({"label": "x", "clusters": null}))
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);

    let (code, _) = app.call("admin/revoke_screen_token", json!({"id": id})).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(app.call_as(Some(&screen), "whoami", json!({})).await.0, StatusCode::UNAUTHORIZED, "revoked at once");
    let bearer = Who::Bearer(token.clone());
    assert_eq!(status(&app, &bearer, Method::POST, "/api/whoami", Some(json!({}))).await.0, StatusCode::UNAUTHORIZED);
    let (code, location) = status(&app, &Who::Anonymous, Method::GET, &format!("/c/it?token={token}"), None).await;
    assert_eq!((code, location.as_str()), (StatusCode::SEE_OTHER, "/signin?error=screen_token"));
    let (code, tokens) = app.call("admin/list_screen_tokens", json!({})).await;
    assert_eq!(code, StatusCode::OK);
    assert!(tokens[0]["revoked_at_ms"].is_i64() && !tokens.to_string().contains(&token), "listed without the secret");
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_age_limit() {
    let idle = AuthConfig { session_idle: Duration::from_millis(1500), ..AuthConfig::default() };
    let app = app_with(idle).await;
    assert_eq!(app.call("whoami", json!({})).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(app.call("whoami", json!({})).await.0, StatusCode::UNAUTHORIZED, "idle too long");

    let max = AuthConfig { session_max: Duration::from_millis(2500), ..AuthConfig::default() };
    let app = app_with(max).await;
    for _ in 0..5 {
        assert_eq!(app.call("whoami", json!({})).await.0, StatusCode::OK, "in use, within the limit");
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        app.call("whoami", json!({})).await.0,
        StatusCode::UNAUTHORIZED,
        "past the absolute limit, however busy"
    );
}

#[tokio::test]
async fn every_write_and_sign_in_is_audited() {
    let app = app_with(AuthConfig::default()).await;
    app.sign_in("local", "admin", "wrong password!", "10.1.2.3").await.unwrap_err();
    let (_, created) = app.call("admin/create_screen_token", json!({"label": "audited", "clusters": null})).await;
    app.call("admin/create_screen_token", json!({"label": "", "clusters": null})).await;
    app.call("admin/revoke_screen_token", json!({"id": created["info"]["id"]})).await;
    let viewer = app.user("vic", Role::Viewer, None, None).await;
    app.call_as(Some(&viewer), "admin/create_screen_token", json!({"label": "sneaky", "clusters": null})).await;
    let signout = Request::post("/auth/signout")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", viewer.csrf)))
        .unwrap();
    app.send_as(Some(&viewer), signout).await;

    let (code, page) = app
        .call(
            "admin/list_audit",
            json!({"query": {"actor": "", "action": "", "cluster": "", "outcome": "", "page": 1}}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let seen: Vec<(String, String, String)> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().into(),
                e["action"].as_str().unwrap().into(),
                e["outcome"].as_str().unwrap().into(),
            )
        })
        .collect();
    for expected in [
        ("admin", "sign_in", "denied"),
        ("admin", "sign_in", "ok"),
        ("admin", "create_screen_token", "ok"),
        ("admin", "create_screen_token", "failed"),
        ("admin", "revoke_screen_token", "ok"),
        ("vic", "sign_in", "ok"),
        ("vic", "create_screen_token", "denied"),
        ("vic", "sign_out", "ok"),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string(), expected.2.to_string());
        assert!(seen.contains(&expected), "{expected:?} missing from {seen:?}");
    }
    let denied = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["outcome"] == "denied" && e["action"] == "sign_in")
        .unwrap();
    assert_eq!(denied["client_addr"], "10.1.2.3");

    let (code, headers, csv) = app
        .send_as(
            Some(&app.admin),
            Request::get("/admin/audit/export?format=csv&action=sign_in").body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"warren-audit-"));
    assert!(
        csv.starts_with("id,time,actor") && csv.contains(",sign_in,") && !csv.contains("create_screen_token"),
        "{csv}"
    );
}

#[tokio::test]
async fn broker_users_sign_in_with_their_own_credentials_and_see_their_vhosts() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let mine = admin.vhost("warren-auth-mine").await;
    let theirs = admin.vhost("warren-auth-theirs").await;
    let user = common::unique("warren-monitor");
    let password = "broker password 1";
    admin.put(&format!("users/{}", enc(&user)), json!({"password": password, "tags": "management"})).await;
    admin
        .put(&format!("permissions/{}/{}", enc(&mine), enc(&user)), json!({"configure": "", "write": "", "read": ".*"}))
        .await;
    for vhost in [&mine, &theirs] {
        admin.put(&format!("queues/{}/q", enc(vhost)), json!({"durable": true})).await;
    }
    let mut config = cluster("it", &[&url], "guest", Duration::from_secs(10));
    config.broker_sign_in = true;
    let app = TestApp::new(&[config, cluster("down", &["http://127.0.0.1:1"], "guest", Duration::from_secs(2))]).await;

    let (_, options) = app.call_as(None, "sign_in_options", json!({})).await;
    assert_eq!(options, json!(["it"]));
    assert!(app.sign_in("broker:it", &user, "wrong", "10.9.9.9").await.is_err());
    assert!(app.sign_in("broker:down", &user, password, "10.9.9.9").await.is_err(), "sign-in is per cluster");
    let session = app.sign_in("broker:it", &user, password, "10.9.9.9").await.expect("the broker accepts them");
    let (_, me) = app.call_as(Some(&session), "whoami", json!({})).await;
    assert_eq!((me["role"].clone(), me["kind"]["Broker"]["cluster"].clone()), (json!("Viewer"), json!("it")));

    let (_, vhosts) = app.call_as(Some(&session), "list_vhosts", json!({"cluster": "it"})).await;
    assert_eq!(vhosts, json!([mine]), "only the vhosts the broker lets them see");
    let all = json!({"cluster": "it", "query": {"vhost": null, "filter": "", "regex": false, "sort": "", "desc": false, "page": 1, "page_size": 500}});
    common::eventually("the queues in the snapshot", || {
        let (app, all, session, mine) = (&app, all.clone(), session.clone(), mine.clone());
        async move {
            let (_, page) = app.call_as(Some(&session), "list_queues", all).await;
            let items = page["data"]["items"].as_array().cloned().unwrap_or_default();
            !items.is_empty() && items.iter().all(|q| q["vhost"] == json!(mine))
        }
    })
    .await;
    let (code, _) =
        app.call_as(Some(&session), "get_queue", json!({"cluster": "it", "vhost": theirs, "name": "q"})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (_, overview) = app.call_as(Some(&session), "get_overview", json!({"cluster": "it"})).await;
    assert_eq!(overview["data"]["limited_to_vhosts"], true);
    assert_eq!(app.call_as(Some(&session), "get_overview", json!({"cluster": "down"})).await.0, StatusCode::FORBIDDEN);

    admin.delete(&format!("users/{}", enc(&user))).await;
    for vhost in [&mine, &theirs] {
        admin.delete(&format!("vhosts/{}", enc(vhost))).await;
    }
}

#[tokio::test]
async fn local_users_limited_to_a_vhost_pattern_see_only_those() {
    let (_, url) = brokers().remove(0);
    let admin = Admin::connect(&url).await;
    let team = admin.vhost("warren-team-a").await;
    let app = TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(10))]).await;
    let limited = app.user("tess", Role::Viewer, None, Some("^warren-team-a/")).await;
    common::eventually("the vhost in the snapshot", || async {
        app.call("list_vhosts", json!({"cluster": "it"})).await.1.as_array().is_some_and(|v| v.contains(&json!(team)))
    })
    .await;
    let (_, vhosts) = app.call_as(Some(&limited), "list_vhosts", json!({"cluster": "it"})).await;
    assert!(vhosts.as_array().unwrap().iter().all(|v| v.as_str().unwrap().starts_with("warren-team-a/")), "{vhosts}");
    assert!(vhosts.as_array().unwrap().contains(&json!(team)));
    let (code, _) =
        app.call_as(Some(&limited), "get_exchange", json!({"cluster": "it", "vhost": "/", "name": "amq.direct"})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    admin.delete(&format!("vhosts/{}", enc(&team))).await;
}

#[tokio::test]
async fn a_broker_redirect_is_never_followed() {
    // A "broker" that redirects every request to another server, which counts what reaches it.
    let hits = Arc::new(AtomicUsize::new(0));
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target_addr = target.local_addr().unwrap();
    let counted = hits.clone();
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { "[]" }
        });
        axum::serve(target, app).await.unwrap();
    });
    let redirector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirector_addr = redirector.local_addr().unwrap();
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| async move {
            axum::response::Redirect::temporary(&format!("http://{target_addr}{uri}"))
        });
        axum::serve(redirector, app).await.unwrap();
    });
    let mut config = cluster("redirecting", &[&format!("http://{redirector_addr}")], "guest", Duration::from_secs(2));
    config.broker_sign_in = true;
    let app = TestApp::new(&[config]).await;
    common::eventually("a failed refresh", || async {
        app.call("get_overview", json!({"cluster": "redirecting"})).await.0 != StatusCode::SERVICE_UNAVAILABLE
    })
    .await;
    let (code, error) = app.call("get_overview", json!({"cluster": "redirecting"})).await;
    assert!(code.is_server_error(), "{code} {error}");
    assert!(app.sign_in("broker:redirecting", "guest", "guest", "10.0.0.7").await.is_err());
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the redirect's target");
}

#[tokio::test]
async fn responses_carry_security_headers_and_bodies_are_limited() {
    let app = app_with(AuthConfig { body_limit: 4096, ..AuthConfig::default() }).await;
    let (code, headers, html) = app.send_as(Some(&app.admin), Request::get("/c/it").body(Body::empty()).unwrap()).await;
    assert_eq!(code, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the CSP");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry the CSP nonce");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");

    let (_, signin_headers, _) = app.send_as(None, Request::get("/signin").body(Body::empty()).unwrap()).await;
    let csrf = signin_headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("warren_csrf="))
        .unwrap();
    assert!(csrf.contains("SameSite=Strict") && !csrf.contains("HttpOnly"), "{csrf}");
    // Over TLS the cookies carry the `__Host-` prefix, so no sibling subdomain can plant them.
    let (_, https_headers, _) = app
        .send_as(None, Request::get("/signin").header("x-forwarded-proto", "https").body(Body::empty()).unwrap())
        .await;
    let token = https_headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find_map(|v| v.strip_prefix("__Host-warren_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("a __Host- CSRF cookie over TLS")
        .to_string();
    let request = Request::post("/auth/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .header(header::COOKIE, format!("__Host-warren_csrf={token}"))
        .body(Body::from(format!("source=local&username=admin&password={}&csrf={token}", PASSWORD.replace(' ', "+"))))
        .unwrap();
    let (_, headers, _) = app.send_as(None, request).await;
    let session = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("__Host-warren_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Secure"),
        "{session}"
    );

    let big = json!({"label": "x".repeat(10_000), "clusters": null}).to_string();
    let request = Request::post("/api/admin/create_screen_token")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let (code, _, _) = app.send_as(Some(&app.admin), request).await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(warren::store::tokens::list(&app.auth.store).unwrap().is_empty(), "nothing created");
}
