//! A user's compliance, as the service reports it: the summary beside the audit rows (PDT status, wash sales,
//! a failing recomputation, the violations of the last 12 months) and the pre-trade check of an order against
//! the stored history.

use chrono::{DateTime, Utc};
use kairo_core::compliance::{check_order, Decision};
use kairo_core::Trade;
use serde_json::{json, Value};

use super::analysis;
use crate::error::ApiError;
use crate::store::{Store, StoreError, User};

/// The checks whose fails and flags the summary counts over the last 12 months: the three cash-account
/// violations (each counts toward a broker's 90-day restriction) and pattern day trading.
pub const COUNTED_CHECKS: [&str; 4] = ["good_faith_violation", "freeriding", "cash_liquidation", "pattern_day_trading"];

/// The compliance summary of `user` at `now`.
pub async fn summary(store: &Store, user: &User, now: DateTime<Utc>) -> Result<Value, StoreError> {
    // Trades another program stored that kairo cannot read leave the summary readable and say so.
    let mut summary = match store.trades(user.id).await {
        Ok(trades) => analysis::compliance_summary(user, &trades),
        Err(StoreError::Corrupt(what)) => json!({ "error": format!("stored trades: {what}") }),
        Err(e) => return Err(e),
    };
    // A recomputation that fails on the user's stored data says so here (and in /health and /metrics) while it
    // waits out its backoff, instead of leaving the rows silently out of date.
    summary["job_error"] = match store.job_error(user.id).await? {
        Some((error, attempts)) => json!({ "error": error, "attempts": attempts }),
        None => Value::Null,
    };
    let counts = store.problem_counts(user.id, now - chrono::Duration::days(365)).await?;
    let violations: serde_json::Map<String, Value> = COUNTED_CHECKS
        .iter()
        .map(|check| {
            let n = counts.iter().find(|(c, _)| c == check).map_or(0, |(_, n)| *n);
            ((*check).to_owned(), json!(n))
        })
        .collect();
    summary["violations_last_12_months"] = Value::Object(violations);
    Ok(summary)
}

/// Would `order` break a rule, given the user's stored history? Nothing is written.
pub async fn check<'t>(store: &Store, user: &User, order: &'t Trade) -> Result<Decision<'t>, ApiError> {
    let history = store.trades(user.id).await?;
    Ok(check_order(&history, order, &analysis::rules(), &analysis::context(user))?)
}
