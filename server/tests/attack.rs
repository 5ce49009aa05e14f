//! The holes an outside review found (issue 17), each tried the way it was found: odd paths,
//! scoped admins reaching past their scope, abusive input to the audit log and the sign-in form,
//! expensive reads by read-only identities, and leaks of the network's topology. Each test
//! failed on the code before the fix.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::auth::{IdentityKind, Role, SharedAccess};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{brokers, cluster, principal, set_cookies, Session, TestApp, PASSWORD};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use warren::config::auth::AuthConfig;

async fn app_with(config: AuthConfig) -> TestApp {
    TestApp::it_and_down(config).await
}

/// A request with a bearer token (a wall screen) or a session.
fn as_bearer(token: &str, request: Request<Body>) -> Request<Body> {
    let mut request = request;
    request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    request.extensions_mut().insert(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()));
    request
}

async fn body_text(response: axum::response::Response) -> String {
    String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned()
}

#[tokio::test]
async fn dot_segments_and_encoded_paths_never_reach_the_admin_page() {
    let app = app_with(AuthConfig::default()).await;
    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let operator = app.user("otto", Role::Operator, None, None).await;
    let (_, token) = warren::store::tokens::create(&app.auth.store, "lobby", None, "admin").unwrap();
    let paths = [
        "/./admin",
        "/%2e/admin",
        "/%2E/admin",
        "/x/../admin",
        "/x/%2e%2e/admin",
        "/c/%2e%2e/admin",
        "/./admin?outcome=denied&page=2",
        "//admin",
        "/%61dmin",
        "/admin/%2e%2e/admin",
        "/c/it/..%2f..%2fadmin",
        "http://localhost/./admin",
    ];
    for path in paths {
        for (name, session) in [("viewer", Some(&viewer)), ("operator", Some(&operator)), ("admin", Some(&app.admin))] {
            let (code, _, body) = app.send_as(session, Request::get(path).body(Body::empty()).unwrap()).await;
            assert_eq!(code, StatusCode::BAD_REQUEST, "{path} as {name}");
            assert!(!body.contains("vera") && !body.contains("lobby"), "{path} as {name} shows users or tokens");
        }
        let response = app.router.clone().oneshot(as_bearer(&token, Request::get(path).body(Body::empty()).unwrap()));
        let response = response.await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} as a screen");
        assert!(!body_text(response).await.contains("lobby"));
    }
    // A path that starts with two slashes never becomes a redirect off the site.
    let (code, headers, _) =
        app.send_as(None, Request::get(format!("//evil.example/?token={token}")).body(Body::empty()).unwrap()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert!(headers.get(header::LOCATION).is_none());
}

/// A mute of the cluster's own finding: the widest there is.
fn mute_everything() -> domain::advisor::MuteRequest {
    let subject = domain::advisor::Subject::Cluster;
    domain::advisor::MuteRequest { subject, kind: "single-node".into(), reason: "one node".into() }
}

#[tokio::test]
async fn every_server_function_checks_the_role_itself() {
    use leptos::prelude::{provide_context, Owner};
    let app = app_with(AuthConfig::default()).await;
    let (keep, _) = warren::store::tokens::create(&app.auth.store, "keep", None, "admin").unwrap();
    let store = app.auth.store.clone();
    let ops: app::api::SharedOperations = Arc::new(warren::service::operations::Operations::new(
        app.clusters.clone(),
        app.auth.audit.clone(),
        store.clone(),
    ));
    let advisor: app::api::SharedAdvisor = Arc::new(warren::service::operations::Operations::new(
        app.clusters.clone(),
        app.auth.audit.clone(),
        store.clone(),
    ));
    let boards: app::api::SharedDashboards = Arc::new(warren::service::dashboards::DashboardStore::new(
        store.clone(),
        app.auth.audit.clone(),
        app.clusters.clone(),
    ));
    for who in [
        principal("vera", IdentityKind::Local, Role::Viewer),
        principal("tv", IdentityKind::Screen, Role::Admin),
        principal("otto", IdentityKind::Local, Role::Operator),
    ] {
        // Called as the pages call them, with no route table in front: only the function decides.
        let owner = Owner::new();
        owner.set();
        let (mut parts, _) = axum::http::Request::new(()).into_parts();
        parts.extensions.insert::<SharedAccess>(Arc::new(who.clone()));
        provide_context(parts);
        provide_context::<app::api::SharedAccounts>(app.auth.clone());
        provide_context::<app::api::SharedBackend>(app.clusters.clone());
        provide_context(ops.clone());
        provide_context(boards.clone());
        provide_context(advisor.clone());
        let forbidden = |r: Result<(), app::error::AppError>| matches!(r, Err(app::error::AppError::Forbidden(_)));
        let admin_only = [
            ("list_users", forbidden(app::api::list_users().await.map(drop))),
            ("list_screen_tokens", forbidden(app::api::list_screen_tokens().await.map(drop))),
            ("list_audit", forbidden(app::api::list_audit(Default::default()).await.map(drop))),
            ("create_screen_token", forbidden(app::api::create_screen_token("x".into(), None).await.map(drop))),
            ("revoke_screen_token", forbidden(app::api::revoke_screen_token(keep.id).await)),
            ("delete_dashboard", forbidden(app::api::delete_dashboard(1).await)),
            ("import_dashboards", forbidden(app::api::import_dashboards(vec![]).await.map(drop))),
            ("mute_finding", forbidden(app::api::mute_finding("it".into(), mute_everything()).await)),
        ];
        for (function, refused) in admin_only {
            assert!(refused, "{function} as {} ({:?})", who.name, who.role);
        }
        if who.role < Role::Operator || who.kind == IdentityKind::Screen {
            let purge = app::api::purge_queue("it".into(), "/".into(), "nothing".into()).await;
            assert!(forbidden(purge), "purge_queue as {}", who.name);
            assert!(forbidden(app::api::list_templates().await.map(drop)), "list_templates as {}", who.name);
        }
    }
    let tokens = warren::store::tokens::list(&store).unwrap();
    assert!(tokens.len() == 1 && tokens[0].revoked_at_ms.is_none(), "nothing created or revoked: {tokens:?}");
}

#[tokio::test]
async fn a_scoped_admin_stays_within_their_scope() {
    let (_, url) = brokers().remove(0);
    let app = TestApp::new(&[
        cluster("it", &[&url], "guest", Duration::from_secs(10)),
        cluster("other", &[&url], "guest", Duration::from_secs(10)),
    ])
    .await;
    let scoped = app.user("sam", Role::Admin, Some(vec!["it".into()]), Some("^prod/eu$")).await;
    app.user("olga", Role::Viewer, Some(vec!["other".into()]), None).await;
    let (global, _) = warren::store::tokens::create(&app.auth.store, "global wall", None, "admin").unwrap();

    // Tokens: never more than their own clusters and vhosts.
    for clusters in [json!(null), json!(["other"]), json!(["it", "other"])] {
        let (code, _) = app
            .call_as(Some(&scoped), "admin/create_screen_token", json!({"label": "wall", "clusters": clusters}))
            .await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "clusters {clusters}");
    }
    let (code, made) =
        app.call_as(Some(&scoped), "admin/create_screen_token", json!({"label": "eu wall", "clusters": ["it"]})).await;
    assert_eq!(code, StatusCode::OK, "{made}");
    assert_eq!(made["info"]["vhost_pattern"], "^prod/eu$", "the token carries the admin's vhost limit");
    let token = made["token"].as_str().unwrap();
    let metrics = app.router.clone().oneshot(as_bearer(token, Request::get("/metrics").body(Body::empty()).unwrap()));
    assert_eq!(metrics.await.unwrap().status(), StatusCode::FORBIDDEN, "the token does not see everything");
    let overview = Request::post("/api/get_exchange")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"cluster": "it", "vhost": "/", "name": "amq.direct"}).to_string()));
    let response = app.router.clone().oneshot(as_bearer(token, overview.unwrap())).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the token sees only the admin's vhosts");

    // Others' tokens: not listed, not revocable.
    let (_, listed) = app.call_as(Some(&scoped), "admin/list_screen_tokens", json!({})).await;
    let labels: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["eu wall"]);
    let (code, _) = app.call_as(Some(&scoped), "admin/revoke_screen_token", json!({"id": global.id})).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert!(warren::store::tokens::list(&app.auth.store).unwrap().iter().all(|t| t.revoked_at_ms.is_none()));

    // Users and the audit log: only within their scope (and their own doings).
    let (_, users) = app.call_as(Some(&scoped), "admin/list_users", json!({})).await;
    let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["sam"], "{users}");
    let query = json!({"query": {"actor": "", "action": "", "cluster": "", "outcome": "", "page": 1}});
    let (_, audit) = app.call_as(Some(&scoped), "admin/list_audit", query).await;
    let actors: Vec<&str> = audit["entries"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap()).collect();
    assert!(!actors.is_empty() && actors.iter().all(|a| *a == "sam"), "{actors:?}");
    let (code, _, csv) =
        app.send_as(Some(&scoped), Request::get("/admin/audit/export?format=csv").body(Body::empty()).unwrap()).await;
    assert_eq!(code, StatusCode::OK);
    let csv_actors: Vec<&str> = csv.lines().skip(1).map(|line| line.split(',').nth(2).unwrap_or_default()).collect();
    assert!(!csv_actors.is_empty() && csv_actors.iter().all(|a| *a == "sam"), "{csv}");

    // Dashboards on clusters they cannot see: not saved, not deleted, not exported.
    let spec = |name: &str, cluster: &str| json!({"version": 1, "name": name, "tiles": [{"cluster": cluster, "kind": "cluster_status"}]});
    let (code, theirs) =
        app.call("admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec("other's", "other")})).await;
    assert_eq!(code, StatusCode::OK, "{theirs}");
    let (code, _) = app
        .call_as(Some(&scoped), "admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec("mine", "other")}))
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = app
        .call_as(
            Some(&scoped),
            "admin/save_dashboard",
            json!({"id": theirs["id"], "rev": theirs["rev"], "spec": spec("other's", "it")}),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "taking over another cluster's dashboard");
    let (code, _) =
        app.call_as(Some(&scoped), "admin/import_dashboards", json!({"specs": [spec("other's", "it")]})).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "replacing it by name in an import");
    let (code, _) = app.call_as(Some(&scoped), "admin/delete_dashboard", json!({"id": theirs["id"]})).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _, exported) =
        app.send_as(Some(&scoped), Request::get("/export/dashboards").body(Body::empty()).unwrap()).await;
    assert_eq!((code, exported.contains("other's")), (StatusCode::OK, false), "{exported}");

    // The whole broker's definitions carry every vhost and the users' password hashes.
    let (code, _, _) =
        app.send_as(Some(&scoped), Request::get("/export/it/definitions").body(Body::empty()).unwrap()).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let import = json!({"cluster": "it", "import": {"vhost": null, "definitions": "{\"users\": []}"}});
    assert_eq!(app.call_as(Some(&scoped), "ops/preview_import", import.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call_as(Some(&scoped), "ops/import_definitions", import).await.0, StatusCode::FORBIDDEN);
    let limited_to_a_cluster = app.user("cara", Role::Admin, Some(vec!["it".into()]), None).await;
    let (code, _, _) = app
        .send_as(Some(&limited_to_a_cluster), Request::get("/export/it/definitions").body(Body::empty()).unwrap())
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "a cluster limit is a scope limit too");
    let (code, _, _) =
        app.send_as(Some(&app.admin), Request::get("/export/it/definitions").body(Body::empty()).unwrap()).await;
    assert_eq!(code, StatusCode::OK, "an admin without limits exports the whole broker");
}

/// Posts the sign-in form with these fields (the page's own CSRF token unless given).
async fn post_sign_in(
    app: &TestApp,
    fields: &[(&str, &str)],
    extra: &[(&str, &str)],
    peer: &str,
) -> (StatusCode, String) {
    let token = app.sign_in_csrf().await;
    let mut pairs: Vec<(&str, &str)> = vec![("source", "local"), ("csrf", &token)];
    pairs.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
    pairs.extend_from_slice(fields);
    let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let mut request = Request::post("/auth/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("warren_csrf={token}"));
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(form)).unwrap();
    request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    let response = app.router.clone().oneshot(request).await.unwrap();
    let location =
        response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (response.status(), location)
}

#[tokio::test]
async fn the_audit_log_is_bounded_and_its_export_cannot_run_formulas() {
    let app = app_with(AuthConfig::default()).await;
    let huge = "u".repeat(200_000);
    let hyperlink = "\t=HYPERLINK(\"http://evil.example\",\"x\")";
    let (code, _) = post_sign_in(
        &app,
        &[("username", &huge), ("password", "x"), ("csrf", "planted-0123456789abcdef"), ("source", hyperlink)],
        &[],
        "10.3.3.3:1000",
    )
    .await;
    assert_eq!(code, StatusCode::SEE_OTHER);
    let longest: i64 = app
        .auth
        .store
        .call(|c| {
            c.query_row(
                "SELECT max(length(actor) + length(source) + length(coalesce(detail, ''))) FROM audit",
                [],
                |r| r.get(0),
            )
        })
        .await
        .unwrap();
    assert!(longest < 4_000, "an audit row holds {longest} characters");
    let (code, _, csv) = app
        .send_as(Some(&app.admin), Request::get("/admin/audit/export?format=csv").body(Body::empty()).unwrap())
        .await;
    assert_eq!(code, StatusCode::OK);
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches(['"', ' ']);
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula lead in {line:?}");
        }
    }
    assert!(csv.contains("\"' =HYPERLINK"), "{csv}");
    // The export itself is audited.
    let query = json!({"query": {"actor": "", "action": "export_audit", "cluster": "", "outcome": "", "page": 1}});
    assert_eq!(app.call("admin/list_audit", query).await.1["matching"], 1);
}

#[tokio::test]
async fn after_sign_in_the_browser_stays_on_this_site() {
    let app = app_with(AuthConfig::default()).await;
    for next in ["/\t/evil.example", "/\n/evil.example", "/x\r\nSet-Cookie: a=b", "//evil.example", "/\\evil.example"] {
        let (code, location) =
            post_sign_in(&app, &[("username", "admin"), ("password", PASSWORD), ("next", next)], &[], "10.4.4.4:1")
                .await;
        assert_eq!((code, location.as_str()), (StatusCode::SEE_OTHER, "/"), "next = {next:?}");
    }
}

#[tokio::test]
async fn the_sign_in_form_takes_only_tokens_warren_minted_from_its_own_pages() {
    let app = app_with(AuthConfig::default()).await;
    // A token another site planted as a cookie, echoed in its own form.
    let planted = "planted-0123456789abcdef";
    let form = format!("source=local&username=admin&password={}&csrf={planted}", PASSWORD.replace(' ', "+"));
    let request = Request::post("/auth/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("warren_csrf={planted}"))
        .body(Body::from(form))
        .unwrap();
    let (_, headers, _) = app.send_as(None, request).await;
    assert!(headers[header::LOCATION].to_str().unwrap().contains("error=csrf"));
    // A minted token, but the form was posted from another site.
    for (name, value) in [("sec-fetch-site", "same-site"), ("origin", "https://evil.example")] {
        let (_, location) =
            post_sign_in(&app, &[("username", "admin"), ("password", PASSWORD)], &[(name, value)], "10.5.5.5:1").await;
        assert!(location.contains("error=csrf"), "{name}: {location}");
    }
    let (_, location) = post_sign_in(
        &app,
        &[("username", "admin"), ("password", PASSWORD)],
        &[("sec-fetch-site", "same-origin")],
        "10.5.5.5:1",
    )
    .await;
    assert_eq!(location, "/");
}

#[tokio::test]
async fn racing_sign_ins_are_throttled_and_proxies_are_believed_only_when_trusted() {
    let config = AuthConfig {
        failures_per_account: 3,
        failures_per_address: 1_000,
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..AuthConfig::default()
    };
    let app = Arc::new(app_with(config).await);
    let attempts = (0..12).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            post_sign_in(&app, &[("username", "admin"), ("password", "wrong password!")], &[], "10.6.6.6:1").await.1
        })
    });
    let mut checked = 0;
    for attempt in attempts {
        let location = attempt.await.unwrap();
        checked += usize::from(location.contains("error=credentials"));
    }
    assert_eq!(checked, 3, "only the limit's worth of passwords were checked");

    // Behind a trusted proxy, the address it forwards is the client's; from anyone else it is ignored.
    for (peer, expected) in [("127.0.0.1:1", "10.7.7.7"), ("10.8.8.8:1", "10.8.8.8")] {
        post_sign_in(
            &app,
            &[("username", "nobody"), ("password", "x")],
            &[("x-forwarded-for", "6.6.6.6, 10.7.7.7")],
            peer,
        )
        .await;
        let query = json!({"query": {"actor": "nobody", "action": "", "cluster": "", "outcome": "", "page": 1}});
        let (_, page) = app.call("admin/list_audit", query).await;
        assert_eq!(page["entries"][0]["client_addr"], expected, "from {peer}");
    }
}

#[tokio::test]
async fn expensive_reads_are_bounded() {
    let config = AuthConfig { live_streams_per_identity: 2, ..AuthConfig::default() };
    let app = app_with(config).await;
    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let tiles: Vec<Value> = (0..25).map(|_| json!({"kind": "cluster_status"})).collect();
    let (code, _) = app.call_as(Some(&viewer), "get_tiles", json!({"cluster": "it", "kinds": tiles})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "more tiles than a dashboard holds");

    let open = |session: &Session| {
        let mut request = Request::get("/live/it/overview").body(Body::empty()).unwrap();
        request.headers_mut().insert(header::COOKIE, session.cookies.parse().unwrap());
        request.extensions_mut().insert(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()));
        app.router.clone().oneshot(request)
    };
    let first = open(&viewer).await.unwrap();
    let second = open(&viewer).await.unwrap();
    assert_eq!((first.status(), second.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(open(&viewer).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "a third stream");
    assert_eq!(open(&app.admin).await.unwrap().status(), StatusCode::OK, "another identity has its own");
    drop(first);
    assert_eq!(open(&viewer).await.unwrap().status(), StatusCode::OK, "a closed stream gives its place back");
    drop(second);
}

#[tokio::test]
async fn operator_policies_are_for_admins() {
    let app = app_with(AuthConfig::default()).await;
    let operator = app.user("otto", Role::Operator, None, None).await;
    let draft = json!({"vhost": "/", "name": "warren-op-policy", "pattern": "^nothing-matches-this$",
        "apply_to": "Queues", "priority": 0, "definition": [["max-length", "10"]], "operator": true});
    let (code, body) = app.call_as(Some(&operator), "ops/save_policy", json!({"cluster": "it", "draft": draft})).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    let (code, _) = app
        .call_as(
            Some(&operator),
            "ops/delete_policy",
            json!({"cluster": "it", "policy": {"vhost": "/", "name": "warren-op-policy", "operator": true}}),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
}

/// The data of the next server-sent event on `body`.
async fn next_event(body: &mut Body) -> String {
    loop {
        let frame =
            tokio::time::timeout(Duration::from_secs(20), body.frame()).await.expect("an event").unwrap().unwrap();
        if let Ok(data) = frame.into_data() {
            let text = String::from_utf8_lossy(&data).into_owned();
            if text.contains("data:") {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn a_live_stream_ends_when_its_identity_changes() {
    let app = app_with(AuthConfig::default()).await;
    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let mut request = Request::get("/live/it/overview").body(Body::empty()).unwrap();
    request.headers_mut().insert(header::COOKIE, viewer.cookies.parse().unwrap());
    request.extensions_mut().insert(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()));
    let mut body = app.router.clone().oneshot(request).await.unwrap().into_body();
    next_event(&mut body).await;
    warren::store::users::set_role(&app.auth.store, "vera", Role::Viewer, Some(vec!["down".into()]), None).unwrap();
    let mut last = String::new();
    for _ in 0..5 {
        last = next_event(&mut body).await;
        if last.contains("Forbidden") {
            break;
        }
    }
    assert!(last.contains("your access changed"), "{last}");
}

#[tokio::test]
async fn a_token_link_never_replaces_a_signed_in_person() {
    let app = app_with(AuthConfig::default()).await;
    let (_, token) = warren::store::tokens::create(&app.auth.store, "lobby", None, "admin").unwrap();
    let (code, headers, _) =
        app.send_as(Some(&app.admin), Request::get(format!("/c/it?token={token}")).body(Body::empty()).unwrap()).await;
    assert_eq!((code, headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/c/it"));
    assert!(set_cookies(&headers).iter().all(|(k, _)| k != "warren_session"), "no screen session");
    // Whatever else the link's query holds, the redirect is a valid header, never a panic.
    let (code, headers, _) = app
        .send_as(Some(&app.admin), Request::get("/c/it?token=x&%0D%0A=1&a=%0D%0Ab").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (code, headers[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/c/it?%0D%0A=1&a=%0D%0Ab")
    );
    let (_, me) = app.call("whoami", json!({})).await;
    assert_eq!((me["name"].clone(), me["role"].clone()), (json!("admin"), json!("Admin")));
}

#[tokio::test]
async fn viewers_see_the_fault_not_the_topology() {
    let app = app_with(AuthConfig::default()).await;
    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let limited = app.user("lin", Role::Viewer, Some(vec!["it".into()]), None).await;
    let (_, token) = warren::store::tokens::create(&app.auth.store, "lobby", None, "admin").unwrap();
    let clusters = app.router.clone().oneshot(as_bearer(
        &token,
        Request::post("/api/list_clusters")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    ));
    let listed = body_text(clusters.await.unwrap()).await;
    assert!(!listed.contains("127.0.0.1"), "a screen sees node addresses: {listed}");
    let (_, admin_view) = app.call("list_clusters", json!({})).await;
    assert!(admin_view.to_string().contains("127.0.0.1:1"), "admins do: {admin_view}");

    common::eventually("the down cluster's fault", || async {
        app.call("get_overview", json!({"cluster": "down"})).await.0 == StatusCode::BAD_GATEWAY
    })
    .await;
    let (_, admin_fault) = app.call("get_overview", json!({"cluster": "down"})).await;
    let (_, viewer_fault) = app.call_as(Some(&viewer), "get_overview", json!({"cluster": "down"})).await;
    assert!(admin_fault.to_string().contains("127.0.0.1"), "{admin_fault}");
    assert!(
        viewer_fault["Unreachable"].is_object() && !viewer_fault.to_string().contains("127.0.0.1"),
        "{viewer_fault}"
    );

    // Someone limited to some clusters cannot tell a hidden cluster from a missing one.
    let hidden = app.call_as(Some(&limited), "get_overview", json!({"cluster": "down"})).await;
    let missing = app.call_as(Some(&limited), "get_overview", json!({"cluster": "nowhere"})).await;
    assert_eq!(hidden.0, missing.0);
    assert_eq!(
        hidden.1.to_string().replace("down", "NAME"),
        missing.1.to_string().replace("nowhere", "NAME"),
        "the same answer"
    );
}

#[tokio::test]
async fn templates_exports_and_unreadable_writes_are_audited_and_screen_sessions_pruned() {
    let app = app_with(AuthConfig::default()).await;
    let operator = app.user("otto", Role::Operator, None, None).await;
    let properties = json!({"persistent": false, "content_type": "", "content_encoding": "", "priority": "",
        "correlation_id": "", "reply_to": "", "expiration": "", "message_id": "", "timestamp": "", "kind": "",
        "user_id": "", "app_id": ""});
    let message = json!({"vhost": "/", "exchange": "", "routing_key": "q", "payload": "hi", "encoding": "Text",
        "properties": properties, "headers": [], "copies": 1});
    let (code, body) =
        app.call_as(Some(&operator), "ops/save_template", json!({"name": "greeting", "message": message})).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    app.call_as(Some(&operator), "ops/delete_template", json!({"name": "greeting"})).await;
    let (code, _) = app.call_as(Some(&operator), "ops/create_queue", json!({"cluster": 5})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let query = json!({"query": {"actor": "otto", "action": "", "cluster": "", "outcome": "", "page": 1}});
    let (_, page) = app.call("admin/list_audit", query).await;
    let actions: Vec<&str> =
        page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["save_template", "delete_template", "create_queue"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }

    // A screen's session that nobody has used for a long while, and one of a revoked token, end.
    let (info, token) = warren::store::tokens::create(&app.auth.store, "old wall", None, "admin").unwrap();
    let (revoked, revoked_token) =
        warren::store::tokens::create(&app.auth.store, "revoked wall", None, "admin").unwrap();
    for token in [&token, &revoked_token] {
        app.send_as(None, Request::get(format!("/c/it?token={token}")).body(Body::empty()).unwrap()).await;
    }
    let month_ago = warren::store::now_ms() - 31 * 24 * 3600 * 1000;
    app.auth
        .store
        .call(move |c| {
            c.execute(
                "UPDATE sessions SET last_seen_at_ms = ?2 WHERE token_id = ?1",
                rusqlite::params![info.id, month_ago],
            )?;
            c.execute("UPDATE screen_tokens SET revoked_at_ms = 1 WHERE id = ?1", [revoked.id])
        })
        .await
        .unwrap();
    app.auth.sessions.prune().await.unwrap();
    let left: i64 = app
        .auth
        .store
        .call(|c| c.query_row("SELECT count(*) FROM sessions WHERE token_id IS NOT NULL", [], |r| r.get(0)))
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn over_tls_only_prefixed_cookies_count_but_a_screen_keeps_its_session() {
    let app = app_with(AuthConfig::default()).await;
    let over_tls = |cookies: String| {
        Request::post("/api/whoami")
            .header("x-forwarded-proto", "https")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookies)
            .body(Body::from("{}"))
            .unwrap()
    };
    // A person's session under the plain name could have been planted by a sibling subdomain.
    let plain = app.admin.cookies.split(';').next().unwrap().to_string();
    assert!(plain.starts_with("warren_session="));
    assert_eq!(app.send_as(None, over_tls(plain.clone())).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.send_as(None, over_tls(format!("__Host-{plain}"))).await.0, StatusCode::OK);
    // A wall screen signed in before the prefix keeps working.
    let (_, token) = warren::store::tokens::create(&app.auth.store, "lobby", None, "admin").unwrap();
    let (_, headers, _) =
        app.send_as(None, Request::get(format!("/c/it?token={token}")).body(Body::empty()).unwrap()).await;
    let screen = set_cookies(&headers).into_iter().find(|(k, _)| k == "warren_session").unwrap().1;
    let (code, _, me) = app.send_as(None, over_tls(format!("warren_session={screen}"))).await;
    assert_eq!(code, StatusCode::OK);
    assert!(me.contains("Screen"), "{me}");
}
