//! Premium gating: for end users (JWT), the full metrics and blended benchmarks need an active paid plan. The
//! service token is not gated (the Node backend applies its own rules).

use axum::http::StatusCode;
use serde_json::json;

use super::auth::Principal;
use super::AppState;
use crate::error::ApiError;

/// Subscription statuses that count as paid (Stripe's).
const PAID_STATUSES: [&str; 2] = ["active", "trialing"];

/// Ok for the service, or for a user whose plan is paid and active; else 402 naming the plan needed.
pub async fn require_paid(s: &AppState, principal: Principal, what: &str) -> Result<(), ApiError> {
    let Principal::User(id) = principal else { return Ok(()) };
    let user = s.store.user(id).await?.ok_or_else(|| ApiError::not_found(format!("user {id} not found")))?;
    if user.subscription_plan != "free" && PAID_STATUSES.contains(&user.subscription_status.as_str()) {
        return Ok(());
    }
    let needed = &s.config.premium_plan;
    Err(ApiError::new(
        StatusCode::PAYMENT_REQUIRED,
        "plan_required",
        format!(
            "{what} needs an active {needed} plan; this account's plan is {} ({})",
            user.subscription_plan, user.subscription_status
        ),
    )
    .with_details(json!({
        "required_plan": needed,
        "plan": user.subscription_plan,
        "status": user.subscription_status,
    })))
}
