//! `POST /webhooks/stripe`: subscription events from Stripe, verified by their signature (no bearer token).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::audit::AuditDetail;
use crate::error::ApiError;
use crate::services::billing::{self, Outcome};
use crate::stripe::{self, Event};

/// The answer to Stripe.
#[derive(Serialize, ToSchema)]
pub struct Received {
    /// Always true.
    pub received: bool,
    /// `applied`, `duplicate` (seen before), `stale` (older than the state applied), `ignored`, `parked` (the
    /// customer is not linked to a user yet: kept, and applied when its checkout arrives), or `conflict` (the
    /// customer or subscription is linked to another user: recorded in the audit log, not applied).
    pub outcome: &'static str,
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

/// Applies a Stripe event: `checkout.session.completed`, `customer.subscription.created|updated|deleted`,
/// `invoice.paid`, `invoice.payment_failed` (others are acknowledged and ignored). Idempotent by event id.
#[utoipa::path(post, path = "/webhooks/stripe", tag = "webhooks", security(()),
    request_body(content = String, description = "The event, exactly as Stripe sent it", content_type = "application/json"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix s>,v1=<hex HMAC-SHA256>")),
    responses(
        (status = 200, body = Received),
        (status = 400, description = "Bad or stale signature, or not an event", body = crate::error_schema::ErrorBody),
        (status = 503, description = "STRIPE_WEBHOOK_SECRET is not set", body = crate::error_schema::ErrorBody)))]
pub async fn stripe(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let mut detail = serde_json::json!({});
    let result = receive(&state, &headers, &body, &mut detail).await;
    let mut response = result.into_response();
    response.extensions_mut().insert(AuditDetail(detail));
    response
}

/// Verifies and applies one delivery; `detail` gets the event's id, type and outcome for the audit log.
async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    detail: &mut serde_json::Value,
) -> Result<axum::Json<Received>, ApiError> {
    let Some(secret) = state.config.stripe_webhook_secret.as_deref() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "Stripe webhooks need STRIPE_WEBHOOK_SECRET",
        ));
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| bad("invalid_signature", "the Stripe-Signature header is required"))?;
    let now = chrono::Utc::now().timestamp();
    stripe::verify(secret, header, body, now, state.config.stripe_tolerance_seconds)
        .map_err(|e| bad("invalid_signature", e.to_string()))?;
    if let Some(field) = super::nul_in_json(body) {
        return Err(bad("invalid_event", format!("{field} holds a NUL character, which no Stripe event contains")));
    }
    let event: Event =
        serde_json::from_slice(body).map_err(|e| bad("invalid_event", format!("not a Stripe event: {e}")))?;
    *detail = serde_json::json!({ "event_id": event.id, "type": event.kind });
    let change = stripe::change(&event).map_err(|e| bad("invalid_event", e.to_string()))?;
    let text = std::str::from_utf8(body).map_err(|_| bad("invalid_event", "the event is not UTF-8"))?;
    let applied = billing::apply(&state.store, &event, text, &change, &state.config.stripe_price_tiers).await?;
    if let Some(price) = &applied.unmapped_price {
        // A price with no tier grants nothing: the delivery's audit row and a counter say which price was not
        // mapped.
        tracing::warn!(price, "a Stripe price with no tier in STRIPE_PRICE_TIERS: the plan is free");
        metrics::counter!("kairo_stripe_unmapped_prices_total").increment(1);
        detail["unmapped_price"] = serde_json::json!(price);
    }
    if let Some(user) = applied.written {
        // The plan and status as they now stand, for the event log (the webhooks and the streams).
        if let Some(u) = state.store.user(user).await? {
            let e = crate::services::events::subscription_changed(&u, &event.id, &event.kind);
            state.events.append(vec![e]).await?;
        }
    }
    let outcome = applied.outcome;
    if outcome == Outcome::Conflict {
        tracing::warn!(event = %event.id, "Stripe event conflicts with another user's subscription");
    }
    metrics::counter!("kairo_stripe_events_total", "type" => event.kind.clone(), "outcome" => format!("{outcome:?}"))
        .increment(1);
    detail["outcome"] = serde_json::json!(outcome.as_str());
    if applied.unparked > 0 {
        detail["unparked"] = serde_json::json!(applied.unparked);
    }
    let outcome = outcome.as_str();
    Ok(axum::Json(Received { received: true, outcome }))
}
