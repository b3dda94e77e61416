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
    responses((status = 201, body = User), (status = 409, description = "A user with this email exists", body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody)))]
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
    if let Some(email) = u.email.as_deref() {
        let well_formed = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@') && domain.contains('.')
            });
        if !well_formed {
            return Err(ApiError::invalid(
                "invalid_user",
                "email",
                format!("email must be an e-mail address, got {email:?}"),
            ));
        }
    }
    if let Some(name) = u.full_name.as_deref() {
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(ApiError::invalid("invalid_user", "full_name", "full_name must be 1 to 200 characters"));
        }
    }
    let user = s.store.create_user(u.email.as_deref(), u.full_name.as_deref(), account_type).await.map_err(|e| {
        if e.is_unique_violation() {
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
