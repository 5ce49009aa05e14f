//! The sign-in, sign-out and first-run forms, and the audit export. Plain HTML form posts that
//! answer with a redirect, so they work before (and without) the page's script.

use std::collections::HashMap;
use std::sync::Arc;

use app::auth::{Access, Actor, AuditQuery, IdentityKind, Role, CSRF_COOKIE};
use axum::extract::{FromRef, FromRequest, Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::layer::{cookie, error, request_origin, set_cookie, set_session_cookies};
use super::{constant_time_eq, users, Auth, BrokerCredentials, Principal, VhostScope, SESSION_COOKIE};
use crate::audit::{self, Outcome, Target};
use crate::broker::BrokerError;
use crate::config::Secret;

pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Auth>: FromRef<S>,
{
    Router::new()
        .route("/auth/signin", post(sign_in))
        .route("/auth/signout", post(sign_out))
        .route("/auth/setup", post(setup))
        .route("/admin/audit/export", get(export_audit))
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
fn safe_next(next: &str) -> String {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
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
    let (client_addr, user_agent) = request_origin(&request);
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

fn csrf_matches(headers: &HeaderMap, presented: &str) -> bool {
    cookie(headers, CSRF_COOKIE).is_some_and(|expected| constant_time_eq(&expected, presented))
}

async fn sign_in(State(auth): State<Arc<Auth>>, request: Request) -> Response {
    let (form, mut cx, headers) = match read_form::<SignInForm>(&auth, request, "").await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form_username = form.username.trim().to_string();
    cx.actor.name = form_username.clone();
    cx.actor.source = if form.source == "local" { "local".into() } else { form.source.clone() };
    cx.csrf_ok = csrf_matches(&headers, &form.csrf);
    let next = safe_next(&form.next);
    let back = |code: &str| {
        Redirect::to(&app::urls::with_query("/signin", &[("error", code), ("next", &next)])).into_response()
    };
    let target = Target { cluster: form.source.strip_prefix("broker:").map(str::to_string), ..Default::default() };

    if !cx.csrf_ok {
        auth.audit
            .record(&cx.actor, "sign_in", target, Outcome::Denied, Some("missing or wrong CSRF token".into()))
            .await;
        return back("csrf");
    }
    let account = format!("{}:{}", form.source, form_username.to_lowercase());
    if let Some(wait) = auth.throttle.wait(&account, &cx.address) {
        auth.audit
            .record(
                &cx.actor,
                "sign_in",
                target,
                Outcome::Throttled,
                Some(format!("retry in {} s", wait.as_secs() + 1)),
            )
            .await;
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
            auth.throttle.fail(&account, &cx.address);
            auth.audit
                .record(&cx.actor, "sign_in", target, Outcome::Denied, Some("wrong user name or password".into()))
                .await;
            return back("credentials");
        }
        Err(SignInFailure::Broker(detail)) => {
            auth.audit.record(&cx.actor, "sign_in", target, Outcome::Failed, Some(detail)).await;
            return back("broker");
        }
        Err(SignInFailure::Internal(detail)) => {
            tracing::error!(%detail, "sign-in failed inside Warren");
            return error(app::error::AppError::Internal);
        }
    };
    auth.throttle.succeed(&account);
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
    let mut response = Redirect::to(&next).into_response();
    set_session_cookies(&mut response, &session, cx.secure);
    response
}

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
        let valid = tokio::task::spawn_blocking(move || users::verify_password(&password, &hash))
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
    if let Some(session) = cookie(&headers, SESSION_COOKIE) {
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
    if !csrf_matches(&headers, &form.csrf) {
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
    let added =
        tokio::task::spawn_blocking(move || users::add(&store, &name, &password, Role::Admin, None, None, true)).await;
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

/// `GET /admin/audit/export?format=csv|json&actor=…&action=…&cluster=…&outcome=…`: a download.
async fn export_audit(State(auth): State<Arc<Auth>>, Query(params): Query<HashMap<String, String>>) -> Response {
    let query = AuditQuery::from_pairs(|key| params.get(key).cloned());
    let entries = match auth.audit.export(&query).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!(error = %e, "audit export failed");
            return error(app::error::AppError::Internal);
        }
    };
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string().replace(':', "");
    let (body, kind, extension) = match params.get("format").map(String::as_str) {
        Some("json") => (serde_json::to_string_pretty(&entries).unwrap_or_default(), "application/json", "json"),
        _ => (audit::to_csv(&entries), "text/csv; charset=utf-8", "csv"),
    };
    let disposition = format!("attachment; filename=\"warren-audit-{stamp}.{extension}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/c/local/queues?vhost=%2F"), "/c/local/queues?vhost=%2F");
        for bad in ["//evil.example/", "https://evil.example/", "/\\evil.example", "", "javascript:alert(1)"] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
