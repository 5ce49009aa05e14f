//! Downloads outside the server functions: definitions, dashboards and `/metrics`. Each checks
//! its identity again here, as the route table must not be the only gate.

use std::collections::HashMap;
use std::sync::Arc;

use app::auth::{Need, Role};
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::auth::{error_response, refuse_unless};
use crate::service::access::Principal;
use crate::service::clusters::Clusters;
use crate::service::dashboards::DashboardStore;
use crate::service::operations::Operations;

/// `GET /export/{cluster}/definitions?vhost=…`: the broker's definitions as a download (admins;
/// a whole-broker export holds the users' password hashes).
pub async fn definitions(
    State(ops): State<Arc<Operations>>,
    Extension(who): Extension<Arc<Principal>>,
    Path(cluster): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = refuse_unless(&*who, Need::Role(Role::Admin)) {
        return refused;
    }
    let vhost = query.get("vhost").filter(|v| !v.is_empty()).map(String::as_str);
    match ops.export_definitions(&*who, &cluster, vhost).await {
        Ok(definitions) => {
            let safe = |s: &str| {
                s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>()
            };
            let file = format!("{}-{}-definitions.json", safe(&cluster), vhost.map_or("all".into(), safe));
            json_attachment(&definitions, &file)
        }
        Err(error) => error_response(error),
    }
}

/// `GET /export/dashboards`: every dashboard the admin may see.
pub async fn dashboards(
    State(dashboards): State<Arc<DashboardStore>>,
    Extension(who): Extension<Arc<Principal>>,
) -> Response {
    if let Some(refused) = refuse_unless(&*who, Need::Role(Role::Admin)) {
        return refused;
    }
    match dashboards.export_visible(&*who).await {
        Ok(specs) => json_attachment(&specs, "warren-dashboards.json"),
        Err(error) => error_response(error),
    }
}

/// `GET /metrics`: about every cluster and vhost, so only for those who see them all (checked
/// here too, not only by the route table).
pub async fn metrics(State(clusters): State<Arc<Clusters>>, Extension(who): Extension<Arc<Principal>>) -> Response {
    match who.sees_everything() {
        true => crate::metrics::exposition(clusters.encode_metrics()).into_response(),
        false => error_response(AppError::Forbidden("this needs access to every cluster and vhost".into())),
    }
}

fn json_attachment(value: &impl serde::Serialize, file: &str) -> Response {
    let body = serde_json::to_string_pretty(value).unwrap_or_default();
    let disposition = format!("attachment; filename=\"{file}\"");
    ([(header::CONTENT_TYPE, "application/json".to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}
