//! An account's activities besides its fills: `POST /activities`, `POST /activities/batch` (service token; all or
//! nothing), `GET /users/{id}/activities`, and the account basis that uses them, `GET /users/{id}/account`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Extension;
use kairo_core::activity::{Activity, ActivityInput};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{users, AppState};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::services::account;

/// The largest batch.
pub const MAX_BATCH: usize = 10_000;

/// One posted activity, validated by kairo-core's input path; its owner must be a UUID.
fn validate(value: Value, index: Option<usize>) -> Result<(Uuid, Activity), ApiError> {
    let at = |field: &str| index.map_or_else(|| field.to_owned(), |i| format!("[{i}].{field}"));
    let input: ActivityInput = serde_path_to_error::deserialize(value).map_err(|e| {
        let mut error = crate::error::json_value_error(&e);
        if let Some(f) = error.details["field"].as_str() {
            error.details["field"] = json!(at(f));
        }
        error
    })?;
    let activity = input.into_activity_at(index.unwrap_or(0)).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_activity", e.to_string())
            .with_details(json!({ "field": e.field(), "kind": e.kind(), "index": index }))
    })?;
    let user = activity.user_id().parse().map_err(|_| {
        ApiError::invalid(
            "invalid_activity",
            "user_id",
            format!("user_id must be a UUID, got {:?}", activity.user_id()),
        )
    })?;
    Ok((user, activity))
}

/// Stores one activity: 201 with it, or 200 when the user already has an activity of that id (stored once).
#[utoipa::path(post, path = "/activities", request_body = Value,
    responses((status = 201, body = Value, description = "The activity as stored"),
        (status = 200, body = Value, description = "Already stored (same id)"),
        (status = 422, body = crate::error_schema::ErrorBody), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn create_activity(
    State(s): State<AppState>,
    body: Result<axum::Json<Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<Value>)> {
    let (user_id, activity) = validate(body?.0, None)?;
    users::load(&s, user_id).await?;
    let created = s.store.insert_activities(user_id, std::slice::from_ref(&activity)).await?;
    s.changes.touch(user_id);
    s.live.forget(user_id);
    let detail = AuditDetail(json!({ "user_id": user_id, "activity_id": activity.id(), "created": created == 1 }));
    let status = if created == 1 { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Extension(detail), axum::Json(json!(activity))))
}

/// Stores up to 10,000 activities of one or more users in one transaction per user; any invalid record rejects
/// the whole batch (422 listing every bad index, field and kind).
#[utoipa::path(post, path = "/activities/batch", request_body = Vec<Value>,
    responses((status = 201, body = Value, description = "{ stored, created }"),
        (status = 422, body = crate::error_schema::ErrorBody), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn create_activities_batch(
    State(s): State<AppState>,
    body: Result<axum::Json<Vec<Value>>, JsonRejection>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<Value>)> {
    let list = body?.0;
    if list.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {MAX_BATCH} activities per batch, got {}", list.len()),
        ));
    }
    let valid = crate::error::validate_batch(list, "invalid_activity", "activit(ies)", |i, v| validate(v, Some(i)))?;
    let mut by_user: std::collections::BTreeMap<Uuid, Vec<Activity>> = std::collections::BTreeMap::new();
    for (user, a) in valid {
        by_user.entry(user).or_default().push(a);
    }
    for id in by_user.keys() {
        users::load(&s, *id).await?;
    }
    let (mut stored, mut created) = (0, 0);
    for (user, activities) in &by_user {
        created += s.store.insert_activities(*user, activities).await?;
        s.changes.touch(*user);
        s.live.forget(*user);
        stored += activities.len();
    }
    let detail = AuditDetail(json!({ "users": by_user.len(), "activities": stored, "created": created }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(json!({ "stored": stored, "created": created }))))
}

/// The user's activities, by date.
#[utoipa::path(get, path = "/users/{id}/activities", params(("id" = String, Path)),
    responses((status = 200, body = Value, description = "{ activities: [...] }"), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn list(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let activities = s.store.activities(user.id).await?;
    Ok(axum::Json(json!({ "activities": activities })))
}

/// Options of `GET /users/{id}/account`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AccountParams {
    /// Cash in the account before its history (default 0).
    pub opening_cash: Option<rust_decimal::Decimal>,
    /// The last day valued (default: the last close).
    pub end: Option<chrono::NaiveDate>,
    /// Add the daily valuations (`days`).
    #[serde(default)]
    pub daily: bool,
}

/// The account basis: cash and positions valued every day from the user's trades and activities, with deposits,
/// withdrawals and transfers as the external flows (kairo-core's `account`): totals, income, costs, the
/// time-weighted and the money-weighted return; `market_data` as for `/comparative`.
#[utoipa::path(get, path = "/users/{id}/account", params(("id" = String, Path), AccountParams),
    responses((status = 200, body = Value, description = "kairo-core's AccountSummary"),
        (status = 404, body = crate::error_schema::ErrorBody), (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn account(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<AccountParams>,
) -> ApiResult<axum::Json<Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let options = kairo_core::account::AccountOptions { opening_cash: p.opening_cash.unwrap_or_default(), end: p.end };
    Ok(axum::Json(account::summary(&s.store, &s.market, &s.prices, user.id, &options, p.daily).await?))
}

/// Options of `POST /users/{id}/activities/alpaca`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlpacaImportParams {
    /// Skip (and list) activity types kairo does not take instead of refusing the import.
    #[serde(default)]
    pub skip_unsupported: bool,
}

/// Imports the user's Alpaca account activities (the JSON array `GET /v2/account/activities` returns: fills and
/// non-trade activities), every record validated first: all of them, or none with every bad record listed (its
/// index, id, type, field and kind). Fills become trades (a repeated Alpaca id is stored once), the rest activities.
#[utoipa::path(post, path = "/users/{id}/activities/alpaca", params(("id" = String, Path), AlpacaImportParams),
    request_body = Vec<Value>,
    responses((status = 201, body = crate::services::import::ImportSummary),
        (status = 422, body = crate::error_schema::ErrorBody), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn import_alpaca(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<AlpacaImportParams>,
    body: Result<axum::Json<Vec<Value>>, JsonRejection>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<crate::services::import::ImportSummary>)> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let records = body?.0;
    if records.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {MAX_BATCH} activities per import, got {}", records.len()),
        ));
    }
    let imported =
        crate::broker_activities::from_alpaca(&user.id.to_string(), &records, p.skip_unsupported).map_err(|bad| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_activity",
                format!("{} record(s) cannot be imported; nothing was stored", bad.len()),
            )
            .with_details(json!({ "errors": bad }))
        })?;
    let summary = crate::services::import::store(&s.store, user.id, imported).await?;
    s.changes.touch(user.id);
    s.live.forget(user.id);
    if summary.trades_created > 0 {
        s.wake.notify_waiters();
    }
    let detail = AuditDetail(json!({
        "user_id": user.id, "trades_created": summary.trades_created,
        "activities_created": summary.activities_created, "skipped": summary.skipped.len(),
    }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(summary)))
}
