//! `GET /users/{id}/compliance` (audit rows, filtered and paginated, with a summary) and
//! `POST /users/{id}/compliance/check` (pre-trade check against the stored history; writes nothing).

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{users, AppState, Json, Query};
use crate::error::{ApiError, ApiResult};
use crate::services;
use crate::store::AuditQuery;
use kairo_core::input::{Amount, Timestamp, TradeInput};

/// Filters of the audit listing.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// `pass`, `fail` or `flag`.
    pub status: Option<String>,
    /// A check name.
    pub check: Option<String>,
    /// Trades executed at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Trades executed before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// The audit rows of a user (newest trades first) and the compliance summary.
#[utoipa::path(get, path = "/users/{id}/compliance", operation_id = "list_compliance", params(("id" = String, Path), AuditParams),
    responses((status = 200, description = "{ rows, total, limit, offset, summary }"), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<AuditParams>,
) -> ApiResult<axum::Json<Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    if let Some(st) = &p.status {
        if !["pass", "fail", "flag"].contains(&st.as_str()) {
            return Err(ApiError::invalid(
                "invalid_query",
                "status",
                format!("status must be pass, fail or flag, got {st:?}"),
            ));
        }
    }
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("invalid_query", "limit", format!("limit must be 1 to 1000, got {limit}")));
    }
    let offset = p.offset.unwrap_or(0).max(0);
    let q = AuditQuery { status: p.status, check_name: p.check, from: p.from, to: p.to, limit, offset };
    let (rows, total) = s.store.audit(user.id, &q).await?;
    let summary = services::compliance::summary(&s.store, &user, Utc::now()).await?;
    Ok(axum::Json(json!({ "rows": rows, "total": total, "limit": limit, "offset": offset, "summary": summary })))
}

/// A proposed order.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    /// Ticker.
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: String,
    /// Quantity (as a trade's `qty`).
    #[schema(value_type = String)]
    pub qty: Amount,
    /// Expected price (as a trade's `price`).
    #[schema(value_type = String)]
    pub price: Amount,
    /// When it would execute (default now; as a trade's `executed_at`).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub executed_at: Option<Timestamp>,
}

/// Would the order break a rule, given the stored history? `{ allowed, results }`; nothing is written.
#[utoipa::path(post, path = "/users/{id}/compliance/check", operation_id = "check_order", params(("id" = String, Path)), request_body = OrderIn,
    responses((status = 200, description = "{ allowed, results }"), (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn check(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(o): Json<OrderIn>,
) -> ApiResult<axum::Json<Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let (_, order) = super::trades::validate(TradeInput {
        user_id: Some(user.id.to_string()),
        symbol: Some(o.symbol),
        side: Some(o.side),
        qty: Some(o.qty),
        price: Some(o.price),
        executed_at: Some(o.executed_at.unwrap_or_else(|| Timestamp::Utc(Utc::now()))),
        ..TradeInput::default()
    })?;
    let decision = services::compliance::check(&s.store, &user, &order).await?;
    Ok(axum::Json(serde_json::to_value(&decision).unwrap_or(Value::Null)))
}
