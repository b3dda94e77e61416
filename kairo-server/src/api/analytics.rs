//! `GET /users/{id}/metrics` (cached by the jobs, never waiting on them) and `GET /users/{id}/comparative`.

use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use kairo_core::compare::{compare, Benchmark, CompareOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{users, AppState};
use crate::analysis;
use crate::error::{ApiError, ApiResult};

/// P&L, win rate, profit factor and risk metrics. Served from the cache the jobs fill; `stale` tells whether
/// trades arrived since. The first read of a user with no cached figures computes them.
#[utoipa::path(get, path = "/users/{id}/metrics", params(("id" = String, Path)),
    responses((status = 200, description = "{ trades, pnl, trade_stats, risk, stale }"), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn metrics(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<Value>> {
    let id = users::user_id(&id)?;
    // A cached document exists only for a stored user: two queries on the hot path.
    if let Some((counted, mut body)) = s.store.cached_metrics(id).await? {
        let stored = s.store.trade_count(id).await?;
        body["stale"] = json!(stored != counted);
        return Ok(axum::Json(body));
    }
    let user = users::load(&s, id).await?;
    let trades = s.store.trades(user.id).await?;
    let prices = analysis::prices(&s.store, &trades, &[]).await?;
    let mut body = analysis::metrics_body(&trades, &prices);
    s.store.put_metrics(user.id, trades.len() as i64, &body).await?;
    body["stale"] = json!(false);
    Ok(axum::Json(body))
}

/// Query of the comparison.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ComparativeParams {
    /// `SPY` (default) or a blend `SPY:0.6,AGG:0.4`.
    pub benchmark: Option<String>,
    /// First date, `YYYY-MM-DD`.
    pub start: Option<NaiveDate>,
    /// Last date, `YYYY-MM-DD`.
    pub end: Option<NaiveDate>,
}

/// kairo-core's comparison of the user's portfolio with the benchmark: both return series, alpha/beta, capture,
/// monthly table, equity curves and the same-dollar shadow benchmark.
#[utoipa::path(get, path = "/users/{id}/comparative", params(("id" = String, Path), ComparativeParams),
    responses((status = 200, description = "kairo-core's Comparison"), (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn comparative(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<ComparativeParams>,
) -> ApiResult<axum::Json<Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let bench: Benchmark = p.benchmark.as_deref().unwrap_or("SPY").parse()?;
    let symbols: Vec<String> = bench.components().iter().map(|(s, _)| s.clone()).collect();
    let trades = s.store.trades(user.id).await?;
    if trades.is_empty() {
        return Err(ApiError::invalid("no_trades", "id", format!("user {} has no trades to compare", user.id)));
    }
    let prices = analysis::prices(&s.store, &trades, &symbols).await?;
    let options = CompareOptions { start: p.start, end: p.end, ..CompareOptions::default() };
    let c = compare(&trades, &prices, &bench, &options)?;
    Ok(axum::Json(serde_json::to_value(&c).unwrap_or(Value::Null)))
}
