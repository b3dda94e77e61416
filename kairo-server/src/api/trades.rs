//! `POST /trades` and `POST /trades/batch`: validate, store, and queue the recomputation in the same transaction.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kairo_core::input::TradeInput;
use kairo_core::Trade;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

// Trades are read with axum's JSON extractor, not the API's NUL-checking one: every text field of a trade is
// validated by kairo-core's input path (a NUL in `external_id` is its `invalid_text`, at the trade's index in a batch).
use axum::extract::rejection::JsonRejection;

use super::{users, AppState};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::store::NewTrade;
use axum::Extension;

/// The largest batch.
pub const MAX_BATCH: usize = 10_000;

/// The documented shape of a posted trade: kairo-core's [`TradeInput`], the one input path of every surface (its
/// module documentation states the policy of each field). `id` is the trade's UUID when the caller stored the trade
/// first (the Node backend's flow: store, then send); without one the service assigns a new UUID.
pub struct TradeIn;

impl utoipa::PartialSchema for TradeIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let field = |ty: Type, description: &str| ObjectBuilder::new().schema_type(ty).description(Some(description));
        let decimal = "A decimal string (exact) or a number (read from its shortest round-trip text)";
        ObjectBuilder::new()
            .description(Some("A trade as posted (the seed's JSON names); unknown fields are refused."))
            .property(
                "id",
                field(
                    Type::String,
                    "The trade's id in `trades`, when the caller stored it first; a repeat returns the stored trade",
                )
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            )
            .property(
                "user_id",
                field(Type::String, "The owner's id").format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            )
            .required("user_id")
            .property("symbol", field(Type::String, "Ticker, any letter case (stored upper case)"))
            .required("symbol")
            .property("side", field(Type::String, "BUY or SELL, any letter case"))
            .required("side")
            .property("qty", field(Type::String, &format!("Quantity, 1e-9 to 1e12. {decimal}")))
            .required("qty")
            .property("price", field(Type::String, &format!("Price, 1e-9 to 1e9. {decimal}")))
            .required("price")
            .property(
                "executed_at",
                field(Type::String, "RFC 3339, or ISO 8601 without an offset (UTC); 1900-01-01 to 2200-12-31")
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .required("executed_at")
            .property(
                "external_id",
                field(Type::String, "The broker's id (at most 256 bytes); a repeat returns the stored trade"),
            )
            .property("fees", field(Type::String, &format!("Fees, 0 to 1e12 (default 0). {decimal}")))
            .into()
    }
}

impl utoipa::ToSchema for TradeIn {}

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

/// A validated trade of `input` (with a new UUID when it has no id) and its owner: kairo-core's input path, then
/// the two things the store adds (trade ids and owners are UUIDs).
pub fn validate(mut input: TradeInput) -> ApiResult<(Uuid, Trade)> {
    match input.id.as_deref() {
        Some(id) => {
            let parsed: Uuid = id
                .parse()
                .map_err(|_| ApiError::invalid("invalid_trade", "id", format!("id must be a UUID, got {id:?}")))?;
            input.id = Some(parsed.to_string());
        }
        None => input.id = Some(Uuid::new_v4().to_string()),
    }
    let trade = input.into_trade()?;
    let user = trade.user_id.parse().map_err(|_| {
        ApiError::invalid("invalid_trade", "user_id", format!("user_id must be a UUID, got {:?}", trade.user_id))
    })?;
    Ok((user, trade))
}

/// A posted trade: its payload as sent (kept in `trades.raw`) and the input read from it.
/// Starts the live check of the trades just stored for `user` on a task of its own (the request is answered
/// meanwhile); a failure is logged and counted, and the recomputation reports the trades.
fn observe(s: &AppState, user: Uuid) {
    if s.config.live_accounts == 0 {
        return;
    }
    let (store, events, live) = (s.store.clone(), s.events.clone(), s.live.clone());
    tokio::spawn(async move {
        if let Err(e) = live.observe(&store, &events, user).await {
            tracing::warn!(user = %user, error = %e, "live check failed; the recomputation reports the trades");
            metrics::counter!("kairo_live_checks_total", "outcome" => "failed").increment(1);
        }
    });
}

fn read(value: serde_json::Value) -> ApiResult<(TradeInput, String)> {
    let raw = value.to_string();
    let input: TradeInput = serde_path_to_error::deserialize(value).map_err(|e| crate::error::json_value_error(&e))?;
    Ok((input, raw))
}

/// Stores one trade: 201 with the stored trade, or 200 with the existing one for a repeated `external_id`.
#[utoipa::path(post, path = "/trades", request_body = TradeIn,
    responses((status = 201, body = TradeOut), (status = 200, body = TradeOut, description = "already stored (same external_id)"),
        (status = 422, body = crate::error_schema::ErrorBody), (status = 404, body = crate::error_schema::ErrorBody),
        (status = 409, description = "The external_id belongs to another user's trade", body = crate::error_schema::ErrorBody)))]
pub async fn create_trade(
    State(s): State<AppState>,
    body: Result<axum::Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<TradeOut>)> {
    let (input, raw) = read(body?.0)?;
    let (user_id, trade) = validate(input)?;
    // No lookup of the user first: the foreign key rejects an unknown one (one query less on the hot path).
    let new = NewTrade { trade, raw: Some(raw) };
    let stored = s.store.insert_trades(user_id, std::slice::from_ref(&new)).await.map_err(|e| {
        if e.is_foreign_key_violation() {
            ApiError::not_found(format!("no user {user_id}"))
        } else {
            e.into()
        }
    })?;
    s.changes.touch(user_id);
    let first = stored
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "no trade stored"))?;
    if first.created {
        s.wake.notify_waiters();
        metrics::counter!("kairo_trades_stored_total").increment(1);
        observe(&s, user_id);
    }
    let status = if first.created { StatusCode::CREATED } else { StatusCode::OK };
    let detail = AuditDetail(json!({ "user_id": user_id, "trade_id": first.trade.id, "created": first.created }));
    Ok((status, Extension(detail), axum::Json(TradeOut::from(&first.trade))))
}

/// Stores up to 10,000 trades of one or more users in one transaction; any invalid trade rejects the whole batch
/// (422 listing every bad index).
#[utoipa::path(post, path = "/trades/batch", request_body = Vec<TradeIn>,
    responses((status = 201, body = Vec<TradeOut>), (status = 422, body = crate::error_schema::ErrorBody),
        (status = 409, description = "An external_id belongs to another user's trade; nothing stored", body = crate::error_schema::ErrorBody)))]
pub async fn create_trades_batch(
    State(s): State<AppState>,
    body: Result<axum::Json<Vec<serde_json::Value>>, JsonRejection>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>, axum::Json<Vec<TradeOut>>)> {
    let list = body?.0;
    if list.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("at most {MAX_BATCH} trades per batch, got {}", list.len()),
        ));
    }
    // A record that is not a trade's shape fails the body, as a body that does not deserialize (`[i].field`).
    let mut inputs = Vec::with_capacity(list.len());
    for (i, value) in list.into_iter().enumerate() {
        let (input, raw) = read(value).map_err(|mut e| {
            let field = e.details["field"].as_str().map_or_else(|| format!("[{i}]"), |f| format!("[{i}].{f}"));
            e.details = json!({ "field": field });
            e
        })?;
        inputs.push((input, raw));
    }
    let trades = crate::error::validate_batch(inputs, "invalid_trade", "trade(s)", |_, (input, raw)| {
        validate(input).map(|(user, trade)| (user, NewTrade { trade, raw: Some(raw) }))
    })?;
    let mut by_user: std::collections::BTreeMap<Uuid, Vec<NewTrade>> = std::collections::BTreeMap::new();
    for (user_id, t) in trades {
        by_user.entry(user_id).or_default().push(t);
    }
    for id in by_user.keys() {
        users::load(&s, *id).await?;
    }
    let batches: Vec<(Uuid, &[NewTrade])> = by_user.iter().map(|(id, ts)| (*id, ts.as_slice())).collect();
    let stored = s.store.insert_many(&batches).await?;
    by_user.keys().for_each(|id| s.changes.touch(*id));
    let created = stored.iter().filter(|st| st.created).count();
    let out: Vec<TradeOut> = stored.iter().map(|st| TradeOut::from(&st.trade)).collect();
    s.wake.notify_waiters();
    for id in by_user.keys() {
        observe(&s, *id);
    }
    let detail = AuditDetail(json!({ "users": by_user.len(), "trades": out.len(), "created": created }));
    Ok((StatusCode::CREATED, Extension(detail), axum::Json(out)))
}
