//! `POST /users`, `GET /users/{id}`: minimal user management for standalone use. Rows written by the Node backend
//! are only read.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use super::{AppState, Json};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::store::{placeholder_identity, NewUserRow, User};
use axum::Extension;

/// A new user.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The user's id, when the caller has one (the Node backend's own); a new UUID otherwise.
    pub id: Option<String>,
    /// E-mail (unique); `user-<id>@kairo.invalid` when absent (a domain reserved never to resolve, RFC 2606).
    pub email: Option<String>,
    /// User name (unique), 1 to 200 characters; `user-<id>` when absent.
    pub username: Option<String>,
    /// `cash` (default) or `margin`.
    pub account_type: Option<String>,
}

/// A change to a user's account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    /// `cash` or `margin`.
    pub account_type: String,
}

/// `cash` or `margin`, or a 422 naming `account_type`.
fn account_type(value: &str) -> ApiResult<&str> {
    if value != "cash" && value != "margin" {
        return Err(ApiError::invalid(
            "invalid_user",
            "account_type",
            format!("account_type must be cash or margin, got {value:?}"),
        ));
    }
    Ok(value)
}

/// Creates a user (standalone use: with the Node backend, users are the backend's rows and are only read).
#[utoipa::path(post, path = "/users", request_body = NewUser,
    responses((status = 201, body = User),
        (status = 409, description = "A user with this id, email or username exists", body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    Json(u): Json<NewUser>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<User>)> {
    let account_type = account_type(u.account_type.as_deref().unwrap_or("cash"))?;
    let id = match u.id.as_deref() {
        Some(raw) => raw
            .parse()
            .map_err(|_| ApiError::invalid("invalid_user", "id", format!("id must be a UUID, got {raw:?}")))?,
        None => Uuid::new_v4(),
    };
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
    if let Some(name) = u.username.as_deref() {
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(ApiError::invalid("invalid_user", "username", "username must be 1 to 200 characters"));
        }
    }
    let (default_email, default_name) = placeholder_identity(id);
    let row = NewUserRow {
        id,
        email: u.email.as_deref().unwrap_or(&default_email),
        username: u.username.as_deref().unwrap_or(&default_name),
        account_type,
    };
    let user = s.store.create_user(&row).await.map_err(|e| {
        if e.is_unique_violation() {
            ApiError::new(StatusCode::CONFLICT, "conflict", "a user with this id, email or username exists")
        } else {
            e.into()
        }
    })?;
    let detail = AuditDetail(serde_json::json!({ "user_id": user.id }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(user)))
}

/// Sets a user's account type (the cash-account rules apply to `cash`; a user kairo has no account type for, such
/// as one the Node backend created, is a cash account).
#[utoipa::path(patch, path = "/users/{id}", request_body = AccountUpdate,
    params(("id" = String, Path, description = "user UUID")),
    responses((status = 200, body = User), (status = 404, body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn update_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(u): Json<AccountUpdate>,
) -> ApiResult<axum::Json<User>> {
    let id = user_id(&id)?;
    let account_type = account_type(&u.account_type)?;
    load(&s, id).await?;
    s.store.set_account_type(id, account_type).await?;
    s.live.forget(id);
    Ok(axum::Json(load(&s, id).await?))
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
