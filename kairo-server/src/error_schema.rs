//! The error shape, for the OpenAPI document.

use serde::Serialize;

/// `{ "error": { "code", "message", "details" } }`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error's fields.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `invalid_trade`, `not_found`, `unauthorized`, `malformed_json`, ...
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Structured details, e.g. `{ "field": "qty" }` (null when there are none).
    #[schema(value_type = Option<Object>)]
    pub details: serde_json::Value,
}
