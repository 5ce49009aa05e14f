//! One canonical path decides access. The route policy (`policy.rs`) judges the path as sent,
//! while the routers behind it normalise it: leptos renders `/x/%2e%2e/admin` as `/admin`, so a
//! path that any of them would read differently is refused before anything else runs.
//!
//! Warren's own URLs never need more than unreserved characters in their path (cluster names,
//! sections, dashboard ids and asset names are `A-Z a-z 0-9 - . _ ~`; object names travel in the
//! query string), so the rule is strict: those characters and `/` only, no empty, `.` or `..`
//! segment. Anything else is a client's or an attacker's own making and gets 400.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// True when every router reads `path` the way it is written.
pub fn is_canonical(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let Some(rest) = path.strip_prefix('/') else { return false };
    // A trailing slash names the same page; an empty segment anywhere else (`//host`) does not.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    !rest.is_empty()
        && rest.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        })
}

/// Refuses a request whose path is not canonical, naming the rule; runs before the sign-in layer.
pub async fn require_canonical_path(request: Request, next: Next) -> Response {
    if is_canonical(request.uri().path()) {
        return next.run(request).await;
    }
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(app::error::AppError::BadRequest(
            "the path is not canonical: use letters, digits, - . _ ~ and single slashes, without . or .. segments"
                .into(),
        )),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::is_canonical;

    #[test]
    fn dot_segments_encodings_and_empty_segments_are_not_canonical() {
        for good in ["/", "/admin", "/admin/", "/c/prod-eu.1/queues", "/pkg/warren.wasm", "/kiosk/12", "/c/a..b"] {
            assert!(is_canonical(good), "{good}");
        }
        for bad in [
            "",
            "admin",
            "/./admin",
            "/%2e/admin",
            "/%2E/admin",
            "/x/../admin",
            "/x/%2e%2e/admin",
            "/c/%2e%2e/admin",
            "//evil.example/",
            "/c//queues",
            "/%61dmin",
            "/admin%2F",
            "/a\\b",
            "/c/a b",
            "/c/订单",
            "/..",
            "/.",
            "/admin;x",
        ] {
            assert!(!is_canonical(bad), "{bad}");
        }
    }
}
