//! One JSON error shape for every endpoint: `{ "error": { "code", "message", "details" } }`.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kairo_core::{ErrorCode, ErrorInfo};
use serde_json::json;

use crate::store::StoreError;

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`invalid_trade`, `not_found`, ...).
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Structured details (the field at fault, ...).
    pub details: serde_json::Value,
    /// Seconds after which the same request may succeed (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with no details.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: serde_json::Value::Null, retry_after: None }
    }

    /// Adds details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// Sets `Retry-After`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 503 `unavailable`: the database cannot serve now; the request may be retried after `Retry-After`.
    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message).retry_after(1)
    }

    /// 404 for a missing resource.
    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    /// 422 naming the field at fault.
    pub fn invalid(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).with_details(json!({ "field": field }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message, "details": self.details } });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.max(1).into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if let StoreError::ExternalIdTaken(id) = &e {
            return ApiError::new(StatusCode::CONFLICT, "external_id_conflict", e.to_string())
                .with_details(json!({ "field": "external_id", "external_id": id }));
        }
        if let StoreError::TradeIdTaken(id) = &e {
            return ApiError::new(StatusCode::CONFLICT, "trade_id_conflict", e.to_string())
                .with_details(json!({ "field": "id", "id": id }));
        }
        if let StoreError::Corrupt(what) = &e {
            // A row another program wrote (the seed's backend shares the tables) that kairo cannot read: the request
            // cannot be answered from it, which is not a fault of this service.
            tracing::warn!(error = %e, "stored data kairo cannot read");
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_stored_data",
                format!("the stored data cannot be used: {what}"),
            );
        }
        if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            return ApiError::unavailable("the database cannot take the request now; nothing was written, retry later");
        }
        tracing::error!(error = %e, "store error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the database could not complete the request")
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (status, code) = match &r {
            JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            JsonRejection::MissingJsonContentType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            JsonRejection::BytesRejection(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            _ => (StatusCode::BAD_REQUEST, "bad_request"),
        };
        let field = match &r {
            JsonRejection::JsonDataError(e) => body_field(e),
            _ => None,
        };
        let error = ApiError::new(status, code, r.body_text());
        match field {
            Some(field) => error.with_details(json!({ "field": field })),
            None => error,
        }
    }
}

/// A JSON value (a posted trade read as JSON first, to keep its payload) that does not deserialize: 422
/// `invalid_body` naming the field, as a body that fails to deserialize.
pub fn json_value_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        format!("Failed to deserialize the JSON body into the target type: {e}"),
    );
    match path_field(e) {
        Some(field) => error.with_details(json!({ "field": field })),
        None => error,
    }
}

/// The field a deserialization error names: where the parser stopped (an unknown field included), or, for a
/// missing field, that field's name under it.
fn path_field(p: &serde_path_to_error::Error<serde_json::Error>) -> Option<String> {
    let path = p.path().to_string();
    let message = p.inner().to_string();
    // (an unknown field is already the last step of the path; a missing one is not)
    let named = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    match (named, path.as_str()) {
        (Some(name), ".") => Some(name.to_owned()),
        (Some(name), parent) => Some(format!("{parent}.{name}")),
        (None, ".") => None,
        (None, _) => Some(path),
    }
}

/// The field of a JSON body that failed to deserialize, as a path (`email`, `[3].qty`): where the parser stopped
/// (an unknown field included), or, for a missing field, that field's name under it.
fn body_field(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(p) = err.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            return path_field(p);
        }
        current = err.source();
    }
    None
}

/// kairo-core's errors over HTTP: the one mapping of its taxonomy ([`ErrorInfo`]) to a 422 with a code and
/// `details` `{ field, kind, trade_id }`. Codes: `invalid_trade`; `invalid_compliance_input` (a context, a rule
/// configuration, an out-of-order trade); `missing_prices` (no prices, or no date in common with the benchmark);
/// `invalid_request` (an argument or a price that is wrong).
pub fn core_error<E: ErrorInfo>(e: &E) -> ApiError {
    let code = match e.code() {
        ErrorCode::InvalidTrade => "invalid_trade",
        ErrorCode::InvalidConfig | ErrorCode::OutOfOrder => "invalid_compliance_input",
        ErrorCode::MarketData if matches!(e.kind(), "no_prices" | "no_common_dates") => "missing_prices",
        ErrorCode::MarketData | ErrorCode::InvalidArgument | ErrorCode::InvalidInput => "invalid_request",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
        .with_details(json!({ "field": e.field(), "kind": e.kind(), "trade_id": e.trade_id() }))
}

macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> Self {
                core_error(&e)
            }
        }
    )*};
}

from_core!(
    kairo_core::TradeError,
    kairo_core::InvalidTrade,
    kairo_core::ComplianceError,
    kairo_core::ReturnsError,
    kairo_core::LotError
);

/// Validates every record of a batch with `validate`: all of them, or a 422 with `code` listing every bad record
/// (its `index`, `message` and the error's details), nothing stored. `noun` names the records in the message.
pub fn validate_batch<I, T>(
    records: impl IntoIterator<Item = I>,
    code: &'static str,
    noun: &str,
    mut validate: impl FnMut(usize, I) -> ApiResult<T>,
) -> ApiResult<Vec<T>> {
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for (i, record) in records.into_iter().enumerate() {
        match validate(i, record) {
            Ok(t) => ok.push(t),
            Err(e) => {
                let mut error = e.details.clone();
                error["index"] = json!(i);
                error["message"] = json!(e.message);
                errors.push(error);
            }
        }
    }
    if errors.is_empty() {
        return Ok(ok);
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        format!("{} invalid {noun}; nothing was stored", errors.len()),
    )
    .with_details(json!({ "errors": errors })))
}

/// A handler result.
pub type ApiResult<T> = Result<T, ApiError>;
