//! Who is calling: the Node backend with the service token (full access), or an end user with an HS256 JWT signed
//! with `KAIRO_JWT_SECRET` (as the Node backend issues them: `sub` is the user id, `exp` is required), who may
//! read only `/users/{their id}/...`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use crate::error::ApiError;

/// The caller of a request, in its extensions for the handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// The service token: every endpoint.
    Service,
    /// An end user's JWT: their own `/users/{id}/...` only.
    User(Uuid),
}

/// Verifies end-user JWTs.
#[derive(Clone)]
pub struct JwtVerifier {
    key: Arc<DecodingKey>,
    validation: Arc<Validation>,
    claim: Arc<str>,
}

#[derive(Deserialize)]
struct Claims(serde_json::Map<String, serde_json::Value>);

impl JwtVerifier {
    /// A verifier for HS256 tokens signed with `secret` whose claim `claim` holds the user id; `exp` is required
    /// and checked (no leeway).
    pub fn new(secret: &str, claim: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        // A token is refused before its `nbf` (not before) time, when it carries one.
        validation.validate_nbf = true;
        JwtVerifier {
            key: Arc::new(DecodingKey::from_secret(secret.as_bytes())),
            validation: Arc::new(validation),
            claim: claim.into(),
        }
    }

    /// The user a token speaks for, or why it is refused.
    pub fn user(&self, token: &str) -> Result<Uuid, TokenError> {
        let data = decode::<Claims>(token, &self.key, &self.validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            jsonwebtoken::errors::ErrorKind::ImmatureSignature => TokenError::NotYetValid,
            jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::Signature,
            _ => TokenError::Invalid(e),
        })?;
        let claims = data.claims.0;
        match claims.get(&*self.claim) {
            Some(serde_json::Value::String(id)) => {
                id.parse().map_err(|_| TokenError::Subject(self.claim.to_string(), id.clone()))
            }
            Some(other) => Err(TokenError::Subject(self.claim.to_string(), other.to_string())),
            None => Err(TokenError::MissingClaim(self.claim.to_string())),
        }
    }
}

/// Why a user token is refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Past its `exp`.
    #[error("the token has expired")]
    Expired,
    /// Before its `nbf`.
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    /// Not signed with the server's secret.
    #[error("the token's signature is not valid")]
    Signature,
    /// Malformed, or without a required claim.
    #[error("the token is not valid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    /// Its user claim is not a user id.
    #[error("the token's {0} must be a user id (UUID), got {1}")]
    Subject(String, String),
    /// It has no user claim.
    #[error("the token has no {0} claim (the user id; the claim is set by jwt_user_claim)")]
    MissingClaim(String),
}

fn unauthorized(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

/// Requires `Authorization: Bearer <service token | user JWT>`; a user may reach only their own `/users/{id}/...`.
pub async fn require(State(state): State<AppState>, req: Request, next: Next) -> Result<Response, ApiError> {
    let address = crate::serve::peer(req.extensions()).map(|a| a.ip());
    // (a request without a token was counted already, by the router's anonymous limit)
    let presented = req.headers().contains_key(header::AUTHORIZATION);
    match authorize(&state, req, next).await {
        // A refused token counts against its address's anonymous allowance: past it, 429 instead of 401/403.
        Err(e) if presented && (e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::FORBIDDEN) => {
            Ok(state.limits.check_address(address).unwrap_or_else(|| e.into_response()))
        }
        other => other,
    }
}

async fn authorize(state: &AppState, mut req: Request, next: Next) -> Result<Response, ApiError> {
    let presented = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer_token);
    let Some(token) = presented else {
        return Err(unauthorized("an Authorization: Bearer token is required"));
    };
    let principal = if constant_time_eq(token.as_bytes(), state.token.as_bytes()) {
        Principal::Service
    } else if let Some(jwt) = &state.jwt {
        Principal::User(jwt.user(token).map_err(|e| unauthorized(e.to_string()))?)
    } else {
        return Err(unauthorized("the bearer token is not valid"));
    };
    if let Principal::User(user) = principal {
        if req.method() == axum::http::Method::PATCH {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "a user token cannot change an account; the service token can",
            ));
        }
        if path_user(req.uri().path()) != Some(user) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("a user token gives access to /users/{user}/... only"),
            ));
        }
    }
    if let Some(refused) = state.limits.check(&state.store, principal).await? {
        return Ok(refused);
    }
    req.extensions_mut().insert(principal);
    let mut response = next.run(req).await;
    // for the audit log, which runs outside this layer
    response.extensions_mut().insert(principal);
    Ok(response)
}

/// The token of an `Authorization` value with the `Bearer` scheme in any letter case (one or more spaces between
/// scheme and token).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim_start_matches(' ');
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The user id of a `/users/{id}` or `/users/{id}/...` path.
fn path_user(path: &str) -> Option<Uuid> {
    let rest = path.strip_prefix("/users/")?;
    rest.split('/').next()?.parse().ok()
}

/// Equality whose time does not depend on where the inputs differ (secrets, signatures).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_paths() {
        let id: Uuid = "6f1c2a52-3e3b-4c53-9a55-0e5f0a4c2b11".parse().unwrap_or_default();
        assert_eq!(path_user("/users/6f1c2a52-3e3b-4c53-9a55-0e5f0a4c2b11"), Some(id));
        assert_eq!(path_user("/users/6f1c2a52-3e3b-4c53-9a55-0e5f0a4c2b11/metrics"), Some(id));
        assert_eq!(path_user("/users/6F1C2A52-3E3B-4C53-9A55-0E5F0A4C2B11/compliance"), Some(id));
        assert_eq!(path_user("/users"), None);
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
        assert_eq!(path_user("/trades"), None);
        assert_eq!(path_user("/users/not-a-uuid/metrics"), None);
        assert_eq!(path_user("/users/6f1c2a52-3e3b-4c53-9a55-0e5f0a4c2b11x/metrics"), None);
    }
}
