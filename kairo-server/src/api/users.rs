//! `POST /users`, `GET /users/{id}`: minimal user management for standalone use. Rows written by the Node backend
//! are only read.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use super::{AppState, Json};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::store::User;
use axum::Extension;

/// A new user.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// E-mail (unique), optional.
    pub email: Option<String>,
    /// Display name, optional.
    pub full_name: Option<String>,
    /// `cash` (default) or `margin`.
    pub account_type: Option<String>,
}

/// Creates a user.
#[utoipa::path(post, path = "/users", request_body = NewUser,
    responses((status = 201, body = User), (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    Json(u): Json<NewUser>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<User>)> {
    let account_type = u.account_type.as_deref().unwrap_or("cash");
    if account_type != "cash" && account_type != "margin" {
        return Err(ApiError::invalid(
            "invalid_user",
            "account_type",
            format!("account_type must be cash or margin, got {account_type:?}"),
        ));
    }
    let user = s.store.create_user(u.email.as_deref(), u.full_name.as_deref(), account_type).await.map_err(|e| {
        if e.to_string().contains("UNIQUE") || e.to_string().contains("duplicate key") {
            ApiError::new(StatusCode::CONFLICT, "conflict", "a user with this email exists")
        } else {
            e.into()
        }
    })?;
    let detail = AuditDetail(serde_json::json!({ "user_id": user.id }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(user)))
}

/// Parses a path id, answering 400 for a malformed UUID.
pub fn user_id(raw: &str) -> ApiResult<Uuid> {
    raw.parse().map_err(|_| ApiError::invalid("invalid_id", "id", format!("{raw:?} is not a UUID")))
}

/// The user, or 404.
pub async fn load(s: &AppState, id: Uuid) -> ApiResult<User> {
    s.store.user(id).await?.ok_or_else(|| ApiError::not_found(format!("no user {id}")))
}

/// One user.
#[utoipa::path(get, path = "/users/{id}", params(("id" = String, Path, description = "user UUID")),
    responses((status = 200, body = User), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn get_user(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(load(&s, user_id(&id)?).await?))
}
