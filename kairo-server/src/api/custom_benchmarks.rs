//! `POST /users/{id}/benchmarks`, `GET /users/{id}/benchmarks`, `DELETE /users/{id}/benchmarks/{name}`: a user's
//! named benchmarks (a blend with a rebalancing rule, a start date and value), usable wherever a benchmark is named
//! as `custom:<name>` (`/comparative`, `/report`). An end user needs a paid plan to create or use one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use serde_json::json;

use super::auth::Principal;
use super::{plans, users, AppState, Json};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::services::benchmarks::{self, BenchmarkIn, BenchmarkList, BenchmarkOut};

/// Creates a custom benchmark: validated by kairo-core, its symbols' closes stored or loadable from Alpaca.
#[utoipa::path(post, path = "/users/{id}/benchmarks", operation_id = "create_custom_benchmark", params(("id" = String, Path, description = "user UUID")),
    request_body = BenchmarkIn,
    responses((status = 201, body = BenchmarkOut),
        (status = 402, description = "An end user needs a paid plan", body = crate::error_schema::ErrorBody),
        (status = 404, body = crate::error_schema::ErrorBody),
        (status = 409, description = "The user has a benchmark of that name", body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    Json(input): Json<BenchmarkIn>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<BenchmarkOut>)> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    plans::require_paid(&s, principal, "A custom benchmark").await?;
    let (bench, stored) = benchmarks::define(input)?;
    // Its symbols' closes: stored, or loaded now from Alpaca (an unknown symbol is refused here, not at its first use).
    super::analytics::benchmark_prices(&s, Default::default(), &bench).await?;
    s.store.create_custom_benchmark(user.id, &stored).await.map_err(|e| {
        if e.is_unique_violation() {
            ApiError::new(
                StatusCode::CONFLICT,
                "benchmark_exists",
                format!("a benchmark named {:?} exists", stored.name),
            )
            .with_details(json!({ "field": "name" }))
        } else {
            e.into()
        }
    })?;
    let created = s.store.custom_benchmark(user.id, &stored.name).await?.unwrap_or(stored);
    let detail = AuditDetail(json!({ "user_id": user.id, "benchmark": created.name }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(BenchmarkOut::from(&created))))
}

/// The user's custom benchmarks, by name.
#[utoipa::path(get, path = "/users/{id}/benchmarks", operation_id = "list_custom_benchmarks", params(("id" = String, Path, description = "user UUID")),
    responses((status = 200, body = BenchmarkList),
        (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn list(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<BenchmarkList>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let all = s.store.custom_benchmarks(user.id).await?;
    Ok(axum::Json(BenchmarkList { benchmarks: all.iter().map(BenchmarkOut::from).collect() }))
}

/// Deletes a custom benchmark.
#[utoipa::path(delete, path = "/users/{id}/benchmarks/{name}", operation_id = "delete_custom_benchmark",
    params(("id" = String, Path, description = "user UUID"), ("name" = String, Path, description = "the benchmark's name")),
    responses((status = 204, description = "Deleted"), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn delete(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>)> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    if !s.store.delete_custom_benchmark(user.id, &name).await? {
        return Err(ApiError::not_found(format!("user {} has no benchmark named {name:?}", user.id)));
    }
    Ok((StatusCode::NO_CONTENT, Extension(AuditDetail(json!({ "user_id": user.id, "benchmark": name })))))
}
