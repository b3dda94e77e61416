//! `POST /trades` and `POST /trades/batch`: validate, store, and queue the recomputation in the same transaction.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kairo_core::trade::{decimal_from_f64, parse_decimal};
use kairo_core::{Side, Trade};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{users, AppState, Json};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use axum::Extension;

/// The largest batch.
pub const MAX_BATCH: usize = 10_000;

/// A trade as posted (the seed's JSON names); `qty`, `price` and `fees` are decimal strings or numbers.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeIn {
    /// The owner.
    pub user_id: Uuid,
    /// Ticker.
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: String,
    /// Quantity, > 0.
    #[schema(value_type = String)]
    pub qty: serde_json::Value,
    /// Price, > 0.
    #[schema(value_type = String)]
    pub price: serde_json::Value,
    /// RFC 3339 execution time.
    pub executed_at: DateTime<Utc>,
    /// The broker's id; a repeat returns the stored trade.
    pub external_id: Option<String>,
    /// Fees, ≥ 0.
    #[schema(value_type = Option<String>)]
    pub fees: Option<serde_json::Value>,
}

/// A stored trade.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TradeOut {
    /// The trade's UUID.
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// Ticker.
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: String,
    /// Quantity (decimal string).
    pub qty: String,
    /// Price (decimal string).
    pub price: String,
    /// Fees (decimal string).
    pub fees: String,
    /// Execution time.
    pub executed_at: DateTime<Utc>,
    /// The broker's id.
    pub external_id: Option<String>,
}

impl From<&Trade> for TradeOut {
    fn from(t: &Trade) -> Self {
        TradeOut {
            id: t.id.clone(),
            user_id: t.user_id.clone(),
            symbol: t.symbol.clone(),
            side: t.side.as_str().into(),
            qty: t.qty.to_string(),
            price: t.price.to_string(),
            fees: t.fees.to_string(),
            executed_at: t.executed_at,
            external_id: t.external_id.clone(),
        }
    }
}

fn decimal(field: &'static str, v: &serde_json::Value) -> Result<rust_decimal::Decimal, kairo_core::TradeError> {
    match v {
        serde_json::Value::String(s) => parse_decimal(field, s),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => decimal_from_f64(field, f),
            _ => parse_decimal(field, &n.to_string()),
        },
        other => Err(kairo_core::TradeError::NotANumber { field, value: other.to_string() }),
    }
}

/// A validated trade with a new UUID.
pub fn validate(t: &TradeIn) -> Result<Trade, kairo_core::TradeError> {
    let side: Side = t.side.parse()?;
    let mut trade = Trade::new(
        Uuid::new_v4().to_string(),
        t.user_id.to_string(),
        t.symbol.clone(),
        side,
        decimal("qty", &t.qty)?,
        decimal("price", &t.price)?,
        t.executed_at,
    )?;
    if let Some(f) = &t.fees {
        trade = trade.with_fees(decimal("fees", f)?)?;
    }
    if let Some(e) = &t.external_id {
        kairo_core::trade::validate_text("external_id", e, kairo_core::trade::MAX_ID_BYTES)?;
        trade = trade.with_external_id(e.clone());
    }
    Ok(trade)
}

/// Stores one trade: 201 with the stored trade, or 200 with the existing one for a repeated `external_id`.
#[utoipa::path(post, path = "/trades", request_body = TradeIn,
    responses((status = 201, body = TradeOut), (status = 200, body = TradeOut, description = "already stored (same external_id)"),
        (status = 422, body = crate::error_schema::ErrorBody), (status = 404, body = crate::error_schema::ErrorBody),
        (status = 409, description = "The external_id belongs to another user's trade", body = crate::error_schema::ErrorBody)))]
pub async fn create_trade(
    State(s): State<AppState>,
    Json(t): Json<TradeIn>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<TradeOut>)> {
    let trade = validate(&t)?;
    // No lookup of the user first: the foreign key rejects an unknown one (one query less on the hot path).
    let stored = s.store.insert_trades(t.user_id, std::slice::from_ref(&trade)).await.map_err(|e| {
        if e.is_foreign_key_violation() {
            ApiError::not_found(format!("no user {}", t.user_id))
        } else {
            e.into()
        }
    })?;
    let first = stored
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no trade stored"))?;
    if first.created {
        s.wake.notify_waiters();
        metrics::counter!("kairo_trades_stored_total").increment(1);
    }
    let status = if first.created { StatusCode::CREATED } else { StatusCode::OK };
    let detail = AuditDetail(json!({ "user_id": t.user_id, "trade_id": first.trade.id, "created": first.created }));
    Ok((status, Extension(detail), axum::Json(TradeOut::from(&first.trade))))
}

/// Stores up to 10,000 trades of one or more users in one transaction; any invalid trade rejects the whole batch
/// (422 listing every bad index).
#[utoipa::path(post, path = "/trades/batch", request_body = Vec<TradeIn>,
    responses((status = 201, body = Vec<TradeOut>), (status = 422, body = crate::error_schema::ErrorBody),
        (status = 409, description = "An external_id belongs to another user's trade; nothing stored", body = crate::error_schema::ErrorBody)))]
pub async fn create_trades_batch(
    State(s): State<AppState>,
    Json(list): Json<Vec<TradeIn>>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<Vec<TradeOut>>)> {
    if list.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {MAX_BATCH} trades per batch, got {}", list.len()),
        ));
    }
    let mut errors = Vec::new();
    let mut trades = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        match validate(t) {
            Ok(v) => trades.push(v),
            Err(e) => errors.push(json!({ "index": i, "field": e.field(), "message": e.to_string() })),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_trade",
            format!("{} invalid trade(s); nothing was stored", errors.len()),
        )
        .with_details(json!({ "errors": errors })));
    }
    let mut by_user: std::collections::BTreeMap<Uuid, Vec<Trade>> = std::collections::BTreeMap::new();
    for (t, input) in trades.into_iter().zip(&list) {
        by_user.entry(input.user_id).or_default().push(t);
    }
    for id in by_user.keys() {
        users::load(&s, *id).await?;
    }
    let batches: Vec<(Uuid, &[Trade])> = by_user.iter().map(|(id, ts)| (*id, ts.as_slice())).collect();
    let stored = s.store.insert_many(&batches).await?;
    let created = stored.iter().filter(|st| st.created).count();
    let out: Vec<TradeOut> = stored.iter().map(|st| TradeOut::from(&st.trade)).collect();
    s.wake.notify_waiters();
    let detail = AuditDetail(json!({ "users": by_user.len(), "trades": out.len(), "created": created }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(out)))
}
