//! The sign-in, sign-out and first-run forms. Plain HTML form posts that
//! answer with a redirect, so they work before (and without) the page's script.

use std::sync::Arc;

use app::auth::{Access, Actor, IdentityKind, Role, CSRF_COOKIE};
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::layer::{cookie, error, request_origin, set_cookie, set_session_cookies};
use super::{Auth, SESSION_COOKIE};
use crate::broker::BrokerError;
use crate::config::secret::Secret;
use crate::crypto::constant_time_eq;
use crate::service::access::{BrokerCredentials, Principal, VhostScope};
use crate::store::audit::{Outcome, Target};
use crate::store::users;

pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Auth>: FromRef<S>,
{
    Router::new()
        .route("/auth/signin", post(sign_in))
        .route("/auth/signout", post(sign_out))
        .route("/auth/setup", post(setup))
}

#[derive(Deserialize)]
struct SignInForm {
    /// "local", or "broker:<cluster>".
    source: String,
    username: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: only a path on this site, never `//elsewhere` or a full URL.
/// Browsers drop tabs and line breaks from URLs (`/\t/evil` is `//evil` to them), and a header
/// cannot hold them, so only printable ASCII passes, and the path must be canonical.
fn safe_next(next: &str) -> String {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let local =
        next.bytes().all(|b| b.is_ascii_graphic()) && !next.contains('\\') && super::canonical::is_canonical(path);
    if local {
        next.to_string()
    } else {
        "/".to_string()
    }
}

/// The request's address, browser and CSRF form check, shared by the forms.
struct FormContext {
    actor: Actor,
    address: String,
    csrf_ok: bool,
    secure: bool,
}

async fn read_form<T: serde::de::DeserializeOwned>(
    auth: &Auth,
    request: Request,
    name: &str,
) -> Result<(T, FormContext, HeaderMap), Response> {
    let (client_addr, user_agent) = request_origin(&auth.config, &request);
    let headers = request.headers().clone();
    let Form(form): Form<T> = Form::from_request(request, &()).await.map_err(IntoResponse::into_response)?;
    let actor = Actor {
        name: name.to_string(),
        source: "anonymous".into(),
        role: None,
        client_addr: client_addr.clone(),
        user_agent,
    };
    let secure = auth.cookies_secure(&headers);
    Ok((
        form,
        FormContext { actor, address: client_addr.unwrap_or_else(|| "unknown".into()), csrf_ok: false, secure },
        headers,
    ))
}

/// The sign-in and setup forms' double submit: the form's token equals the cookie, Warren
/// minted it, and the browser says the form was posted from this site's own pages.
fn csrf_matches(auth: &Auth, headers: &HeaderMap, presented: &str) -> bool {
    let secure = auth.cookies_secure(headers);
    cookie(headers, CSRF_COOKIE, secure).is_some_and(|expected| constant_time_eq(&expected, presented))
        && auth.csrf.minted(presented)
        && posted_from_this_site(headers)
}

/// False when the browser tells that another site, even a sibling subdomain, sent the form:
/// `Sec-Fetch-Site` (every current browser) or, failing that, an `Origin` naming another host.
fn posted_from_this_site(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, rest)| rest == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

async fn sign_in(State(auth): State<Arc<Auth>>, request: Request) -> Response {
    let (form, mut cx, headers) = match read_form::<SignInForm>(&auth, request, "").await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form_username = form.username.trim().to_string();
    cx.actor.name = form_username.clone();
    cx.actor.source = if form.source == "local" { "local".into() } else { form.source.clone() };
    cx.csrf_ok = csrf_matches(&auth, &headers, &form.csrf);
    let next = safe_next(&form.next);
    let back = |code: &str| {
        Redirect::to(&app::urls::with_query("/signin", &[("error", code), ("next", &next)])).into_response()
    };
    let target = Target { cluster: form.source.strip_prefix("broker:").map(str::to_string), ..Default::default() };

    // Every attempt, whatever is wrong with it, counts against the address before anything is
    // checked, so attempts made at the same moment cannot all pass the limit, and a flood of
    // forged posts ends in one "throttled" line, not an audit log full of them. A success takes
    // it back. Names and passwords past any real length are not looked at.
    let account = format!("{}:{}", form.source, form_username.to_lowercase());
    let begun = auth.throttle.begin(&account, &cx.address);
    if begun.is_ok() && !cx.csrf_ok {
        auth.audit
            .record(&cx.actor, "sign_in", target, Outcome::Denied, Some("missing or wrong CSRF token".into()))
            .await;
        return back("csrf");
    }
    if begun.is_ok() && (form_username.chars().count() > 256 || form.password.len() > 1024) {
        auth.audit
            .record(&cx.actor, "sign_in", target, Outcome::Denied, Some("user name or password too long".into()))
            .await;
        return back("credentials");
    }
    if let Err(wait) = begun {
        if auth.throttle.note_refusal(&format!("{}|{account}", cx.address)) {
            let detail =
                Some(format!("retry in {} s; later refusals in this window are not logged", wait.as_secs() + 1));
            auth.audit.record(&cx.actor, "sign_in", target, Outcome::Throttled, detail).await;
        }
        let mut response = back("throttled");
        if let Ok(value) = (wait.as_secs() + 1).to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }

    let checked = match form.source.as_str() {
        "local" => auth.check_local(&form_username, &form.password).await,
        source => match source.strip_prefix("broker:") {
            Some(cluster) => auth.check_broker(cluster, &form_username, &form.password).await,
            None => Err(SignInFailure::Credentials),
        },
    };
    let principal = match checked {
        Ok(principal) => principal,
        Err(SignInFailure::Credentials) => {
            auth.audit
                .record(&cx.actor, "sign_in", target, Outcome::Denied, Some("wrong user name or password".into()))
                .await;
            return back("credentials");
        }
        Err(SignInFailure::Broker(detail)) => {
            auth.throttle.forgive(&account, &cx.address);
            auth.audit.record(&cx.actor, "sign_in", target, Outcome::Failed, Some(detail)).await;
            return back("broker");
        }
        Err(SignInFailure::Internal(detail)) => {
            tracing::error!(%detail, "sign-in failed inside Warren");
            return error(app::error::AppError::Internal);
        }
    };
    auth.throttle.succeed(&account, &cx.address);
    cx.actor.role = Some(principal.role);
    let session = match &principal.kind {
        IdentityKind::Broker { .. } => Ok(auth.sessions.open_broker(principal.clone())),
        _ => auth.sessions.open_stored(Some(principal.name.clone()), None).await,
    };
    let session = match session {
        Ok(session) => session,
        Err(e) => {
            tracing::error!(error = %e, "could not open a session");
            return error(app::error::AppError::Internal);
        }
    };
    auth.audit.record(&cx.actor, "sign_in", target, Outcome::Ok, None).await;
    // A broker user sees their one cluster: the all-clusters page would be one card.
    let next = match (&principal.kind, next.as_str()) {
        (IdentityKind::Broker { cluster }, "/") => app::urls::cluster_home(cluster),
        _ => next,
    };
    let mut response = Redirect::to(&next).into_response();
    set_session_cookies(&mut response, &session, cx.secure);
    response
}

/// Password checks that may run at once.
static PASSWORD_CHECKS: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(4)));

enum SignInFailure {
    Credentials,
    /// The broker could not be asked (down, slow): not the person's fault, not counted against them.
    Broker(String),
    Internal(String),
}

impl Auth {
    async fn check_local(&self, name: &str, password: &str) -> Result<Principal, SignInFailure> {
        let user = users::find(&self.store, name).await.map_err(|e| SignInFailure::Internal(e.to_string()))?;
        let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| users::decoy_hash().to_string());
        let password = password.to_string();
        // Each check takes argon2's 19 MiB and a core for a moment: a few at a time.
        let permit =
            PASSWORD_CHECKS.clone().acquire_owned().await.map_err(|e| SignInFailure::Internal(e.to_string()))?;
        let valid = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            users::verify_password(&password, &hash)
        })
        .await
        .map_err(|e| SignInFailure::Internal(e.to_string()))?;
        let user = user.filter(|_| valid).ok_or(SignInFailure::Credentials)?;
        let vhosts = match &user.vhost_pattern {
            Some(pattern) => {
                VhostScope::Pattern(regex::Regex::new(pattern).map_err(|e| SignInFailure::Internal(e.to_string()))?)
            }
            None => VhostScope::All,
        };
        Ok(Principal {
            name: user.name,
            kind: IdentityKind::Local,
            role: user.role,
            clusters: user.clusters,
            vhosts,
            csrf: None,
            broker_credentials: None,
            client_addr: None,
            user_agent: None,
        })
    }

    /// Asks the cluster who this is (`/api/whoami`) with the person's own credentials, and which
    /// vhosts they may see (`/api/vhosts` lists only those).
    async fn check_broker(&self, cluster: &str, username: &str, password: &str) -> Result<Principal, SignInFailure> {
        let feed = self.clusters.feed(cluster).map_err(|_| SignInFailure::Credentials)?;
        if !feed.broker_sign_in() {
            return Err(SignInFailure::Credentials);
        }
        let password = Secret::new(password);
        let client = feed.client();
        let broker_failure = |e: BrokerError| match e {
            BrokerError::Unauthorized(..) => SignInFailure::Credentials,
            other => SignInFailure::Broker(format!("cluster {cluster}: {other}")),
        };
        let who: serde_json::Value =
            client.get_as(username, &password, "whoami", "whoami").await.map_err(broker_failure)?;
        // 3.x sends tags as a list; older brokers as one comma-separated string.
        let tags: Vec<String> = match who.get("tags") {
            Some(serde_json::Value::Array(list)) => {
                list.iter().filter_map(|t| t.as_str().map(str::to_string)).collect()
            }
            Some(serde_json::Value::String(text)) => text.split(',').map(str::to_string).collect(),
            _ => Vec::new(),
        };
        let role = Role::from_broker_tags(tags.iter().map(String::as_str)).ok_or(SignInFailure::Credentials)?;
        let vhosts: Vec<serde_json::Value> =
            client.get_as(username, &password, "vhosts", "vhosts?columns=name").await.map_err(broker_failure)?;
        let vhosts = vhosts.iter().filter_map(|v| v.get("name")?.as_str().map(str::to_string)).collect();
        Ok(Principal {
            name: username.to_string(),
            kind: IdentityKind::Broker { cluster: cluster.to_string() },
            role,
            clusters: Some(vec![cluster.to_string()]),
            vhosts: VhostScope::Listed(vhosts),
            csrf: None,
            broker_credentials: Some(BrokerCredentials {
                cluster: cluster.to_string(),
                username: username.to_string(),
                password,
            }),
            client_addr: None,
            user_agent: None,
        })
    }
}

async fn sign_out(
    State(auth): State<Arc<Auth>>,
    Extension(principal): Extension<Arc<Principal>>,
    headers: HeaderMap,
) -> Response {
    if let Some(session) = cookie(&headers, SESSION_COOKIE, auth.cookies_secure(&headers)) {
        if let Err(e) = auth.sessions.close(&session).await {
            tracing::error!(error = %e, "could not close a session");
        }
    }
    auth.audit.record(&principal.actor(), "sign_out", Target::default(), Outcome::Ok, None).await;
    let secure = auth.cookies_secure(&headers);
    let mut response = Redirect::to("/signin").into_response();
    set_cookie(&mut response, SESSION_COOKIE, "", true, secure);
    response
}

#[derive(Deserialize)]
struct SetupForm {
    code: String,
    username: String,
    password: String,
    confirm: String,
    csrf: String,
}

/// The first admin, from the one-time link printed at first start.
async fn setup(State(auth): State<Arc<Auth>>, request: Request) -> Response {
    let (form, mut cx, headers) = match read_form::<SetupForm>(&auth, request, "").await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let username = form.username.trim().to_string();
    cx.actor.name = username.clone();
    cx.actor.source = "local".into();
    let back = |code: &str| {
        Redirect::to(&app::urls::with_query("/setup", &[("code", &form.code), ("error", code)])).into_response()
    };
    if !csrf_matches(&auth, &headers, &form.csrf) {
        return back("csrf");
    }
    if form.password != form.confirm {
        return back("mismatch");
    }
    if users::check_name(&username).is_err() {
        return back("name");
    }
    if form.password.chars().count() < users::MIN_PASSWORD_LEN {
        return back("weak");
    }
    if !auth.take_setup_code(&form.code) {
        auth.audit
            .record(&cx.actor, "setup", Target::default(), Outcome::Denied, Some("wrong or used setup code".into()))
            .await;
        return back("code");
    }
    let store = auth.store.clone();
    let (name, password) = (username.clone(), form.password.clone());
    let own = store.clone();
    let added = store.blocking(move || users::add(&own, &name, &password, Role::Admin, None, None, true)).await;
    match added {
        Ok(Ok(())) => {}
        Ok(Err(users::UserError::Exists(_))) => return back("done"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "first-run setup failed");
            return back("internal");
        }
        Err(e) => {
            tracing::error!(error = %e, "first-run setup failed");
            return back("internal");
        }
    }
    cx.actor.role = Some(Role::Admin);
    auth.audit
        .record(
            &cx.actor,
            "setup",
            Target { object: Some(format!("user {username}")), ..Default::default() },
            Outcome::Ok,
            None,
        )
        .await;
    let session = match auth.sessions.open_stored(Some(username), None).await {
        Ok(session) => session,
        Err(e) => {
            tracing::error!(error = %e, "could not open a session");
            return Redirect::to("/signin").into_response();
        }
    };
    auth.audit.record(&cx.actor, "sign_in", Target::default(), Outcome::Ok, None).await;
    let mut response = Redirect::to("/").into_response();
    set_session_cookies(&mut response, &session, cx.secure);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/c/local/queues?vhost=%2F"), "/c/local/queues?vhost=%2F");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/./admin",
            "/ /evil",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
