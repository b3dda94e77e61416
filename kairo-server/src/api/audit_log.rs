//! `GET /audit-log`: the log of state-changing requests and webhooks, newest first (service token only).

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{AppState, Query};
use crate::error::{ApiError, ApiResult};
use crate::store::audit_log::AuditLogQuery;

/// Filters of the log.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditLogParams {
    /// Only this actor: `service`, `user:<id>`, `stripe` or `anonymous`.
    pub actor: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// At most this many (1–1000, default 100).
    pub limit: Option<i64>,
}

/// Who did what, when: every state-changing request (method, route, path, status, request id, the caller) and
/// every Stripe delivery (event id, type, outcome). Entries are written within a fraction of a second.
#[utoipa::path(get, path = "/audit-log", operation_id = "list_audit_log", params(AuditLogParams),
    responses((status = 200, description = "{ entries: [AuditEntry] }"),
        (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn list(State(s): State<AppState>, Query(p): Query<AuditLogParams>) -> ApiResult<axum::Json<Value>> {
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("invalid_limit", "limit", format!("limit must be 1 to 1000, got {limit}")));
    }
    let entries = s.store.audit_log(&AuditLogQuery { actor: p.actor, since: p.since, limit }).await?;
    Ok(axum::Json(json!({ "entries": entries })))
}
