//! Response headers that keep browsers strict: a Content-Security-Policy whose per-response nonce
//! lets only Warren's own hydration scripts run, plus the static headers set in `router` with
//! tower-http.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::*;

/// Sets the CSP with a fresh nonce, which `provide_request_nonce` hands to leptos for its scripts.
/// `'wasm-unsafe-eval'` lets the page compile its WASM; nothing else inline runs without the nonce.
pub async fn content_security_policy(mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let static_file = crate::auth::policy::is_static_file(request.uri().path());
    let hashed = static_file && is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let found = response.status().is_success();
    // cargo-leptos's live reload (development only) talks over a WebSocket.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws: wss:" } else { "" };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    // Pages and API answers are about one person's session: never kept by caches.
    if !static_file && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A content-hashed file never changes under its name: a second visit asks for none of them.
    if hashed && found {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    }
    response
}

/// Whether a file name carries cargo-leptos' content hash (`warren.<22 base64url chars>.wasm`).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (_extension, hash) = (parts.next(), parts.next().unwrap_or_default());
    parts.next().is_some()
        && hash.len() == 22
        && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Makes leptos use this request's nonce (it provides one of its own before this runs).
pub fn provide_request_nonce() {
    if let Some(nonce) = use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(is_hashed("/pkg/warren.Yk2cJ0ZsVqQ8x1m_A-b3Cw.wasm"));
        assert!(!is_hashed("/pkg/warren.wasm"));
        assert!(!is_hashed("/pkg/warren_bg.wasm"));
        assert!(!is_hashed("/pkg/Yk2cJ0ZsVqQ8x1m_A-b3Cw.wasm"));
    }
}
