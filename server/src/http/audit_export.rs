//! `GET /admin/audit/export`: the audit log as a download, within the admin's own clusters and
//! vhosts, written while it is read (see `Audit::export_stream`); the export is itself audited.

use std::collections::HashMap;
use std::sync::Arc;

use app::auth::{Access, AuditQuery};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::{StreamExt, TryStreamExt};

use crate::auth::{error_response as error, refuse_unless, Auth};
use crate::service::access::Principal;
use crate::store::audit::export::ExportFormat;
use crate::store::audit::{Outcome, Target};
use crate::store::StoreError;

/// `GET /admin/audit/export?format=csv|json&actor=…&action=…&cluster=…&outcome=…`: a download of
/// the matching entries the admin may see, newest first, at most `audit::EXPORT_LIMIT`.
pub async fn export_audit(
    State(auth): State<Arc<Auth>>,
    Extension(principal): Extension<Arc<Principal>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = refuse_unless(&*principal, app::auth::Need::Role(app::auth::Role::Admin)) {
        return refused;
    }
    let query = AuditQuery::from_pairs(|key| params.get(key).cloned());
    let format = ExportFormat::from_param(params.get("format").map(String::as_str));
    let scope = principal.audit_scope();
    let target = Target {
        cluster: (!query.cluster.is_empty()).then(|| query.cluster.clone()),
        object: Some("audit log".into()),
        ..Default::default()
    };
    let detail = describe(&query, format);

    let mut stream = Box::pin(auth.audit.export_stream(&query, &scope, format));
    // The first chunk (the header and the first batch) is read before answering: a store that
    // fails at once gets an error status, not a download that looks complete.
    let first = match stream.next().await {
        Some(Ok(chunk)) => chunk,
        Some(Err(e)) => {
            tracing::error!(error = %e, "audit export failed");
            auth.audit.record(&principal.actor(), "export_audit", target, Outcome::Failed, Some(detail)).await;
            return error(app::error::AppError::Internal);
        }
        None => Bytes::new(),
    };
    auth.audit.record(&principal.actor(), "export_audit", target, Outcome::Ok, Some(detail)).await;

    let rest = stream.inspect_err(|e| tracing::error!(error = %e, "audit export broke off"));
    let body = Body::from_stream(futures_util::stream::once(async move { Ok::<_, StoreError>(first) }).chain(rest));
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string().replace(':', "");
    let disposition = format!("attachment; filename=\"warren-audit-{stamp}.{}\"", format.extension());
    ([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

/// What an export asked for, for its audit entry: `csv; actor "ana", outcome "denied"`.
fn describe(query: &AuditQuery, format: ExportFormat) -> String {
    let filters: Vec<String> =
        [("actor", &query.actor), ("action", &query.action), ("cluster", &query.cluster), ("outcome", &query.outcome)]
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key} {value:?}"))
            .collect();
    if filters.is_empty() {
        format!("{}; every entry", format.extension())
    } else {
        format!("{}; {}", format.extension(), filters.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_export_names_its_filters() {
        assert_eq!(describe(&AuditQuery::default(), ExportFormat::Csv), "csv; every entry");
        let query = AuditQuery { actor: "ana".into(), outcome: "denied".into(), ..Default::default() };
        assert_eq!(describe(&query, ExportFormat::Json), "json; actor \"ana\", outcome \"denied\"");
    }
}
