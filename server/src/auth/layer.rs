//! The sign-in layer every request passes through.

use std::net::SocketAddr;
use std::sync::Arc;

use app::auth::{Access, Actor, CsrfToken, IdentityKind, Need, Role, SharedAccess, CSRF_COOKIE, CSRF_HEADER};
use app::error::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::policy::{self, Policy};
use super::sessions::NewSession;
use super::{Auth, SESSION_COOKIE};
use crate::crypto::constant_time_eq;
use crate::service::access::{Principal, VhostScope};
use crate::store::audit::{Outcome, Target};
use crate::store::tokens;

pub async fn guard(State(auth): State<Arc<Auth>>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let secure = auth.cookies_secure(request.headers());
    // Every browser gets a CSRF cookie on its first visit; forms and scripts echo it back. The
    // sign-in and setup pages make sure it is one Warren minted, as their forms require.
    let sign_in_page = method == Method::GET && matches!(path.as_str(), "/signin" | "/setup");
    let (csrf, minted) = match cookie(request.headers(), CSRF_COOKIE, secure) {
        Some(value) if value.len() >= 16 && value.len() <= 64 && (!sign_in_page || auth.csrf.minted(&value)) => {
            (value, false)
        }
        _ => (auth.csrf.mint(), true),
    };
    request.extensions_mut().insert(CsrfToken(csrf.clone()));
    let with_csrf_cookie = |mut response: Response| {
        if minted {
            set_cookie(&mut response, CSRF_COOKIE, &csrf, false, secure);
        }
        response
    };

    let Some(policy) = policy::of(&method, &path) else {
        return with_csrf_cookie(error(AppError::NotFound(format!("no route {method} {path}"))));
    };
    if policy == Policy::Public {
        return with_csrf_cookie(next.run(request).await);
    }

    let (client_addr, user_agent) = request_origin(&auth.config, &request);
    let anonymous = Actor {
        name: "anonymous".into(),
        source: "anonymous".into(),
        role: None,
        client_addr: client_addr.clone(),
        user_agent: user_agent.clone(),
    };

    // A screen token in a page's URL opens a screen session, then the same page loads without
    // the token, so it stays out of history, bookmarks and Referer headers. A link never turns a
    // signed-in person into a screen: for them the token is dropped and the page opens as theirs.
    if method == Method::GET && policy::is_page(&path) {
        if let Some(token) = query_param(request.uri().query(), "token") {
            let person = matches!(
                auth.identify(request.headers(), false).await,
                Ok(Some(Principal { kind: IdentityKind::Local | IdentityKind::Broker { .. }, .. }))
            );
            if person {
                return with_csrf_cookie(Redirect::to(&without_token(request.uri())).into_response());
            }
            return with_csrf_cookie(auth.open_screen_session(&token, request.uri(), &anonymous, secure).await);
        }
    }

    let principal = match auth.identify(request.headers(), true).await {
        Ok(principal) => principal,
        Err(e) => {
            tracing::error!(error = %e, "could not read sessions");
            return with_csrf_cookie(error(AppError::Internal));
        }
    };
    let Some(mut principal) = principal else {
        if policy::is_page(&path) {
            let next_url = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            let to = app::urls::with_query("/signin", &[("next", next_url)]);
            return with_csrf_cookie(Redirect::to(&to).into_response());
        }
        return with_csrf_cookie(error(AppError::SignInRequired));
    };
    principal.client_addr = client_addr;
    principal.user_agent = user_agent;
    // The cookie must carry the session's token (a browser may have lost it); pages render it too.
    let session_csrf = principal.csrf.clone().filter(|token| *token != csrf);
    if let Some(token) = &session_csrf {
        request.extensions_mut().insert(CsrfToken(token.clone()));
    }
    let with_csrf_cookie = |response: Response| match &session_csrf {
        Some(token) => {
            let mut response = response;
            set_cookie(&mut response, CSRF_COOKIE, token, false, secure);
            response
        }
        None => with_csrf_cookie(response),
    };

    let allowed = match policy {
        Policy::Public | Policy::Read => true,
        Policy::Everything => principal.sees_everything(),
        // The same check the server functions make again (`Me::may`).
        Policy::ReadAs(role) => principal.me().may(Need::Role(role)),
        Policy::Write(role) => principal.me().may(Need::Role(role)),
    };
    let action = action_name(&path);
    if !allowed {
        if matches!(policy, Policy::Write(_)) {
            auth.audit
                .record(&principal.actor(), &action, Target::default(), Outcome::Denied, Some("role may not".into()))
                .await;
        }
        let reason = match policy {
            Policy::Everything => "this needs access to every cluster and vhost",
            Policy::ReadAs(Role::Admin) => "admins only",
            _ if principal.kind == IdentityKind::Screen => "screen tokens are read-only",
            _ => "your role may not do this",
        };
        return with_csrf_cookie(forbidden(&path, reason));
    }
    if matches!(policy, Policy::Write(_)) {
        let (presented, rebuilt) = presented_csrf(request, auth.config.body_limit).await;
        request = rebuilt;
        let valid = matches!((&presented, &principal.csrf), (Some(p), Some(s)) if constant_time_eq(p, s));
        if !valid {
            auth.audit
                .record(
                    &principal.actor(),
                    &action,
                    Target::default(),
                    Outcome::Denied,
                    Some("missing or wrong CSRF token".into()),
                )
                .await;
            return with_csrf_cookie(error(AppError::CsrfRejected));
        }
    }
    let principal = Arc::new(principal);
    request.extensions_mut().insert(principal.clone());
    request.extensions_mut().insert::<SharedAccess>(principal);
    with_csrf_cookie(next.run(request).await)
}

impl Auth {
    /// The identity a request carries: a bearer screen token or a session cookie. `activity`:
    /// whether this counts as the person doing something (see `Sessions::resolve`).
    pub async fn identify(
        &self,
        headers: &HeaderMap,
        activity: bool,
    ) -> Result<Option<Principal>, crate::store::StoreError> {
        let bearer =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            return Ok(tokens::find_live(&self.store, token.trim()).await?.map(|t| screen_principal(t, None)));
        }
        let secure = self.cookies_secure(headers);
        match cookie(headers, SESSION_COOKIE, secure) {
            Some(session) => self.sessions.resolve(&session, activity).await,
            // A wall screen signed in before cookies took the `__Host-` prefix keeps its session:
            // no one stands by to open its token link again. A person's such cookie is not taken
            // (it could have been planted), so people sign in once more.
            None if secure => match cookie(headers, SESSION_COOKIE, false) {
                Some(session) => {
                    Ok(self.sessions.resolve(&session, activity).await?.filter(|p| p.kind == IdentityKind::Screen))
                }
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    async fn open_screen_session(&self, token: &str, uri: &axum::http::Uri, who: &Actor, secure: bool) -> Response {
        let found = match tokens::find_live(&self.store, token).await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "could not read screen tokens");
                return error(AppError::Internal);
            }
        };
        let Some(found) = found else {
            self.audit
                .record(
                    who,
                    "sign_in",
                    Target::default(),
                    Outcome::Denied,
                    Some("unknown or revoked screen token".into()),
                )
                .await;
            return Redirect::to("/signin?error=screen_token").into_response();
        };
        let session = match self.sessions.open_stored(None, Some(found.id)).await {
            Ok(session) => session,
            Err(e) => {
                tracing::error!(error = %e, "could not open a screen session");
                return error(AppError::Internal);
            }
        };
        let actor =
            Actor { name: found.label.clone(), source: "screen".into(), role: Some(Role::Viewer), ..who.clone() };
        self.audit
            .record(
                &actor,
                "sign_in",
                Target { object: Some(format!("screen token {}", found.id)), ..Default::default() },
                Outcome::Ok,
                None,
            )
            .await;
        let mut response = Redirect::to(&without_token(uri)).into_response();
        set_session_cookies(&mut response, &session, secure);
        response
    }

    /// Secure cookies when configured so, or when a TLS-terminating proxy says the browser used https.
    pub fn cookies_secure(&self, headers: &HeaderMap) -> bool {
        self.config.secure_cookies.unwrap_or_else(|| {
            headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        })
    }
}

pub fn screen_principal(token: app::auth::ScreenToken, csrf: Option<String>) -> Principal {
    Principal {
        name: token.label,
        kind: IdentityKind::Screen,
        role: Role::Viewer,
        clusters: token.clusters,
        vhosts: VhostScope::from_pattern(token.vhost_pattern.as_deref()),
        csrf,
        broker_credentials: None,
        client_addr: None,
        user_agent: None,
    }
}

/// A route's name in the audit log, as its handler names it when it runs: `create_screen_token`
/// for `/api/admin/create_screen_token`, `sign_out` for `/auth/signout`.
pub fn action_name(path: &str) -> String {
    match path.rsplit('/').next().unwrap_or(path) {
        "signout" => "sign_out".into(),
        last => last.to_string(),
    }
}

/// The client's address and browser, for the audit log and throttling. Behind a reverse proxy
/// listed in `trusted_proxies`, the address is the one the proxy saw (`X-Forwarded-For`).
pub fn request_origin(config: &crate::config::auth::AuthConfig, request: &Request) -> (Option<String>, Option<String>) {
    // Every X-Forwarded-For line, in order: a proxy may add its own line after the client's.
    let lines: Vec<&str> =
        request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    let forwarded = (!lines.is_empty()).then(|| lines.join(","));
    let addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| config.client_address(addr.ip(), forwarded.as_deref()).to_string());
    let agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    (addr, agent)
}

/// The URL without its `token` parameter.
fn without_token(uri: &axum::http::Uri) -> String {
    let rest: Vec<(String, String)> = uri
        .query()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().filter(|(k, _)| k != "token").collect())
        .unwrap_or_default();
    let pairs: Vec<(&str, &str)> = rest.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app::urls::with_query(uri.path(), &pairs)
}

/// The CSRF token a write presents: the header scripts send, or a form's `csrf` field (the
/// sign-out button works without scripts). Reads a form body, so it returns the request rebuilt.
async fn presented_csrf(request: Request, limit: usize) -> (Option<String>, Request) {
    if let Some(value) = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let value = value.to_string();
        return (Some(value), request);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (None, request);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return (None, Request::from_parts(parts, Body::empty()));
    };
    let token = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    (token, Request::from_parts(parts, Body::from(bytes)))
}

/// A cookie's name on the wire: over TLS with the `__Host-` prefix, which browsers accept only
/// from this very host, Secure and for the whole site, so no sibling subdomain can plant it.
fn cookie_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// One cookie's value from the request. Hand-written: two lines, where a cookie crate would add a
/// dependency for parsing only.
pub fn cookie(headers: &HeaderMap, name: &str, secure: bool) -> Option<String> {
    let name = cookie_name(name, secure);
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then(|| value.to_string())
    })
}

/// Sets a cookie for the whole site; `http_only` hides it from the page's scripts.
pub fn set_cookie(response: &mut Response, name: &str, value: &str, http_only: bool, secure: bool) {
    let name = cookie_name(name, secure);
    let mut text = format!("{name}={value}; Path=/; SameSite=Strict");
    if http_only {
        text.push_str("; HttpOnly");
    }
    if secure {
        text.push_str("; Secure");
    }
    if value.is_empty() {
        text.push_str("; Max-Age=0");
    }
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

pub fn set_session_cookies(response: &mut Response, session: &NewSession, secure: bool) {
    set_cookie(response, SESSION_COOKIE, &session.cookie, true, secure);
    set_cookie(response, CSRF_COOKIE, &session.csrf, false, secure);
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// For handlers outside the server functions (downloads, `/metrics`): refuses `who` unless
/// they meet `need`, checked again here, as the route table must not be the only gate.
pub fn refuse_unless(who: &dyn Access, need: app::auth::Need) -> Option<Response> {
    (!who.me().may(need)).then(|| error(AppError::Forbidden("your role may not do this".into())))
}

/// An error as the server-function client decodes it: the status and `AppError` as JSON.
pub fn error(error: AppError) -> Response {
    let status = error.status();
    (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(error)).into_response()
}

/// The stylesheet's URL for this page, which is rendered outside leptos: content-hashed when
/// cargo-leptos hashed it (read from hash.txt beside the binary, as leptos_meta does for pages).
fn stylesheet_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let hashing = std::env::var("LEPTOS_HASH_FILES").is_ok_and(|v| v == "true");
        let hashes = std::env::current_exe().and_then(|exe| std::fs::read_to_string(exe.with_file_name("hash.txt")));
        let hash = hashes.ok().filter(|_| hashing).and_then(|hashes| {
            hashes.lines().find_map(|line| line.trim().strip_prefix("css:").map(|h| h.trim().to_string()))
        });
        hash.map_or_else(|| "/pkg/warren.css".to_string(), |hash| format!("/pkg/warren.{hash}.css"))
    })
}

fn forbidden(path: &str, reason: &str) -> Response {
    if policy::is_page(path) {
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not allowed · Warren</title>\
             <link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"not-found\">\
             <h1>Not allowed</h1><p>{reason}.</p><p><a href=\"/\">Warren</a></p></main></body></html>",
            stylesheet_href()
        );
        return (StatusCode::FORBIDDEN, axum::response::Html(body)).into_response();
    }
    error(AppError::Forbidden(reason.to_string()))
}
