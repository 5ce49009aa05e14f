//! The requests: who sends them (`Who`, `Identity`, one per kind of sender), which routes they
//! go to, and one malformed request (`Case`) built for each identity.

use std::net::SocketAddr;

use app::auth::Role;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};

use crate::common::{Session, TestApp};
use crate::{CSRF, FORM};

/// Where every request comes from. It is not 127.0.0.1, so that throttled sign-ins stay apart.
const ADDRESS: &str = "192.0.2.7:40000";

/// How a request presents itself.
#[derive(Clone)]
enum Who {
    Anonymous,
    Session(Session),
    /// A session's cookies with a CSRF header that is not its token.
    Forged(Session),
    Bearer(String),
}

impl Who {
    fn apply(&self, request: &mut Request<Body>) {
        let headers = request.headers_mut();
        match self {
            Who::Anonymous => {}
            Who::Session(s) | Who::Forged(s) => {
                headers.insert(header::COOKIE, s.cookies.parse().unwrap());
                let token = if matches!(self, Who::Forged(_)) { "warren-fuzz-forged-token" } else { s.csrf.as_str() };
                headers.insert("x-csrf-token", token.parse().unwrap());
            }
            Who::Bearer(token) => {
                headers.insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
            }
        }
    }

    /// Its cookies for a form: the session's, if any, with the CSRF cookie that the sign-in page
    /// gives a browser (the forms take only a token Warren minted, which a session's is not).
    fn form_cookies(&self, minted: &str) -> String {
        let session: String = match self {
            Who::Session(s) | Who::Forged(s) => {
                s.cookies.split("; ").filter(|c| !c.starts_with("warren_csrf=")).map(|c| format!("{c}; ")).collect()
            }
            _ => String::new(),
        };
        format!("{session}warren_csrf={minted}")
    }
}

pub(super) struct Identity {
    pub(super) name: &'static str,
    who: Who,
    /// Admins may use the routes that take no input, so those are not sent as them.
    admin: bool,
    /// The CSRF token the sign-in page minted for its browser, which a form must repeat.
    form_token: String,
}

pub(super) async fn identities(app: &TestApp) -> Vec<Identity> {
    let viewer = app.user("fuzz-viewer", Role::Viewer, None, None).await;
    let operator = app.user("fuzz-operator", Role::Operator, None, None).await;
    let elsewhere = app.user("fuzz-elsewhere", Role::Viewer, Some(vec!["warren-fuzz-elsewhere".into()]), None).await;
    let scoped = app.user("fuzz-scoped-admin", Role::Admin, Some(vec!["it".into()]), Some("^warren-fuzz-none$")).await;
    let identity = |name, who, admin, form_token| Identity { name, who, admin, form_token };
    vec![
        identity("anonymous", Who::Anonymous, false, app.sign_in_csrf().await),
        identity("viewer", Who::Session(viewer), false, app.sign_in_csrf().await),
        identity("operator", Who::Session(operator), false, app.sign_in_csrf().await),
        identity("admin", Who::Session(app.admin.clone()), true, app.sign_in_csrf().await),
        identity("admin with a forged CSRF token", Who::Forged(app.admin.clone()), true, app.sign_in_csrf().await),
        identity("viewer of another cluster", Who::Session(elsewhere), false, app.sign_in_csrf().await),
        identity("admin of no vhost", Who::Session(scoped), true, app.sign_in_csrf().await),
        identity("screen token", Who::Bearer(screen_token(app)), false, app.sign_in_csrf().await),
    ]
}

/// A wall screen's bearer token for cluster `it`. It is made only here, because the signature of
/// `tokens::create` may gain a vhost-pattern argument.
fn screen_token(app: &TestApp) -> String {
    let (_, token) =
        warren::store::tokens::create(&app.auth.store, "warren fuzz wall", Some(vec!["it".into()]), "admin")
            .expect("a screen token");
    token
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Route {
    Api,
    Form,
    Get,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Senders {
    All,
    /// For routes that take no input: an admin's request is a valid one.
    NotAdmins,
    /// For a request that costs a password check.
    AnonymousOnly,
}

impl Senders {
    pub(super) fn include(self, identity: &Identity) -> bool {
        match self {
            Senders::All => true,
            Senders::NotAdmins => !identity.admin,
            Senders::AnonymousOnly => matches!(identity.who, Who::Anonymous),
        }
    }
}

/// One malformed request, to be sent as each identity.
pub(super) struct Case {
    /// What the per-route counts group it under: `POST /api/ops/publish`.
    pub(super) label: String,
    pub(super) route: Route,
    pub(super) method: Method,
    pub(super) uri: String,
    pub(super) content_type: Option<&'static str>,
    /// Whether it states its length, as an HTTP/1 client does. Without a stated length, the
    /// limit is enforced while the body is read.
    pub(super) content_length: bool,
    pub(super) body: Vec<u8>,
    pub(super) senders: Senders,
}

impl Case {
    pub(super) fn api(function: &str, body: Vec<u8>) -> Case {
        Case {
            label: format!("POST /api/{function}"),
            route: Route::Api,
            method: Method::POST,
            uri: format!("/api/{function}"),
            content_type: Some("application/json"),
            content_length: true,
            body,
            senders: Senders::All,
        }
    }

    pub(super) fn form(path: &str, body: Vec<u8>) -> Case {
        Case {
            label: format!("POST {path}"),
            route: Route::Form,
            method: Method::POST,
            uri: path.to_string(),
            content_type: Some(FORM),
            content_length: true,
            body,
            senders: Senders::All,
        }
    }

    pub(super) fn get(label: &str, uri: String) -> Case {
        Case {
            label: format!("GET {label}"),
            route: Route::Get,
            method: Method::GET,
            uri,
            content_type: None,
            content_length: false,
            body: Vec::new(),
            senders: Senders::All,
        }
    }

    pub(super) fn request(&self, identity: &Identity) -> Request<Body> {
        let body = match self.route {
            Route::Form => replace(&self.body, CSRF.as_bytes(), identity.form_token.as_bytes()),
            _ => self.body.clone(),
        };
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(self.uri.as_str())
            .header(header::ACCEPT, "application/json");
        if let Some(kind) = self.content_type {
            builder = builder.header(header::CONTENT_TYPE, kind);
        }
        if self.content_length {
            builder = builder.header(header::CONTENT_LENGTH, body.len());
        }
        let mut request = builder.body(Body::from(body)).expect("a request");
        identity.who.apply(&mut request);
        if self.route == Route::Form {
            let cookies = identity.who.form_cookies(&identity.form_token);
            request.headers_mut().insert(header::COOKIE, cookies.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(ADDRESS.parse::<SocketAddr>().unwrap()));
        request
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}
