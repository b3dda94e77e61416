//! `GET /health`, `GET /metrics` (Prometheus) and the JSON 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;
use crate::error::ApiError;

/// Liveness and a database round trip.
#[utoipa::path(get, path = "/health", security(()),
    responses((status = 200, description = "{ status: ok, database }"), (status = 503, description = "database unreachable")))]
pub async fn health(State(s): State<AppState>) -> impl IntoResponse {
    match s.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(json!({ "status": "ok", "database": s.store.backend() }))),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                json!({ "error": { "code": "database_unavailable", "message": e.to_string(), "details": null } }),
            ),
        ),
    }
}

/// Prometheus metrics.
pub async fn prometheus(State(s): State<AppState>) -> impl IntoResponse {
    if let Ok(n) = s.store.pending_jobs().await {
        metrics::gauge!("kairo_jobs_pending").set(n as f64);
    }
    ([("content-type", "text/plain; version=0.0.4")], s.prometheus.render())
}

/// Unknown paths.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}
