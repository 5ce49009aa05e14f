//! Judging the answers: each request sent in process with a time limit, what counts as a clean
//! refusal, and the broker's definitions compared before and after.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{self, TestApp};
use crate::requests::{Case, Route};

const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) struct Answer {
    status: StatusCode,
    location: String,
    json: bool,
    /// Set a session cookie: someone was signed in.
    signed_in: bool,
    pub(super) body: String,
}

/// Sends one request in process. The answer is an error if the handler panicked, the answer broke
/// off or it never came.
pub(super) async fn send(app: &TestApp, request: Request<Body>) -> Result<Answer, String> {
    let router = app.router.clone();
    let stream = request.uri().path().starts_with("/live/");
    let mut task = tokio::spawn(async move {
        let response = router.oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        // A live stream that started never ends: only its status counts.
        let text = if stream && parts.status.is_success() {
            String::new()
        } else {
            let bytes = body.collect().await.map_err(|e| format!("the answer broke off: {e}"))?.to_bytes();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Ok::<_, String>((parts, text))
    });
    let (parts, body) = match tokio::time::timeout(ANSWER_TIMEOUT, &mut task).await {
        Err(_) => {
            task.abort();
            return Err(format!("no answer within {ANSWER_TIMEOUT:?}"));
        }
        Ok(Err(e)) if e.is_panic() => return Err("the server panicked".into()),
        Ok(Err(e)) => return Err(format!("the request was dropped: {e}")),
        Ok(Ok(answer)) => answer?,
    };
    let value_of = |name: header::HeaderName| {
        parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    Ok(Answer {
        status: parts.status,
        location: value_of(header::LOCATION),
        json: value_of(header::CONTENT_TYPE).contains("json"),
        // `__Host-warren_session` over TLS.
        signed_in: common::set_cookies(&parts.headers)
            .iter()
            .any(|(k, v)| k.ends_with("warren_session") && !v.is_empty()),
        body,
    })
}

/// Why an answer is not a clean refusal, if it is not one.
pub(super) fn problem(case: &Case, answer: &Answer) -> Option<String> {
    if answer.signed_in {
        return Some(format!("answered {} and signed someone in", answer.status));
    }
    // A form answers a browser: back to itself, with an error code the page explains.
    if case.route == Route::Form && answer.status == StatusCode::SEE_OTHER {
        let back = answer.location.starts_with("/signin?error=")
            || (answer.location.starts_with("/setup?") && answer.location.contains("error="));
        return (!back).then(|| format!("redirected to {:?}", answer.location));
    }
    if !answer.status.is_client_error() {
        return Some(format!("answered {}", answer.status));
    }
    if answer.body.trim().is_empty() {
        return Some(format!("answered {} without a message", answer.status));
    }
    if answer.json && !serde_json::from_str::<Value>(&answer.body).is_ok_and(|v| !v.is_null()) {
        return Some(format!("answered {} with JSON that is not a message", answer.status));
    }
    None
}

pub(super) fn clip(text: &str, chars: usize) -> String {
    format!("{:?}", text.chars().take(chars).collect::<String>())
}

/// The broker's definitions as it sends them, byte for byte.
pub(super) async fn definitions(base: &str) -> String {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/definitions"))
        .basic_auth("guest", Some("guest"))
        .send()
        .await
        .expect("the broker answers");
    assert!(response.status().is_success(), "GET /api/definitions: {}", response.status());
    response.text().await.expect("the definitions")
}

/// Which top-level sections of two definitions differ.
pub(super) fn changed_sections(before: &str, after: &str) -> String {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::from_str::<Value>(before), serde_json::from_str::<Value>(after))
    else {
        return "not JSON".into();
    };
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let changed: Vec<&str> = keys.into_iter().filter(|k| b.get(*k) != a.get(*k)).map(String::as_str).collect();
    if changed.is_empty() {
        "the same objects, in another order or layout".into()
    } else {
        changed.join(", ")
    }
}
