//! `GET /users/{id}/metrics` (cached by the jobs, never waiting on them) and `GET /users/{id}/comparative`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::NaiveDate;
use kairo_core::compare::{compare, Benchmark, CompareOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use kairo_core::report;

use super::auth::Principal;
use super::{plans, users, AppState, Query};
use crate::comparisons::Kept;
use crate::error::{ApiError, ApiResult};
use crate::services::analysis;

/// Query of the metrics.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MetricsParams {
    /// `full` (default: with the risk metrics, a paid plan for end users) or `basic` (P&L and trade statistics).
    pub set: Option<String>,
}

/// P&L, win rate, profit factor and risk metrics. Served from the cache the jobs fill; `stale` tells whether
/// trades arrived since (their recompute is queued or running). The first read of a user with no cached figures computes them. An end user on the free
/// plan gets the basic set (`set=basic`); the full set answers 402 naming the plan needed.
#[utoipa::path(get, path = "/users/{id}/metrics", params(("id" = String, Path), MetricsParams),
    responses((status = 200, description = "{ trades, pnl, trade_stats, risk, stale }"),
        (status = 402, description = "The full set needs a paid plan", body = crate::error_schema::ErrorBody),
        (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn metrics(
    State(s): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    Query(p): Query<MetricsParams>,
) -> ApiResult<Response> {
    let id = users::user_id(&id)?;
    let basic = match p.set.as_deref() {
        None | Some("full") => false,
        Some("basic") => true,
        Some(other) => {
            return Err(ApiError::invalid("invalid_set", "set", format!("set must be basic or full, got {other:?}")))
        }
    };
    if !basic {
        plans::require_paid(&s, principal, "The full metrics set (risk metrics)").await?;
    }
    // The hot path: the cached document and whether its user has a job queued, in one query; the full set is
    // answered with the stored text and `stale` added, without parsing it.
    let (mut body, stale) = match s.store.cached_metrics(id).await? {
        Some(cached) if !basic => return with_stale(&cached.body, cached.stale),
        Some(cached) => (parse(&cached.body)?, cached.stale),
        None => (computed(&s, id).await?, false),
    };
    if let Some(o) = body.as_object_mut() {
        if basic {
            o.remove("risk");
        }
        o.insert("stale".to_owned(), json!(stale));
    }
    Ok(axum::Json(body).into_response())
}

/// A stored metrics document (a JSON object) with `"stale"` added as its first member.
fn with_stale(body: &str, stale: bool) -> ApiResult<Response> {
    let Some(rest) = body.trim_start().strip_prefix('{').map(str::trim_start) else {
        return Err(crate::store::StoreError::Corrupt("a cached metrics document is not a JSON object".into()).into());
    };
    let mut out = String::with_capacity(body.len() + 16);
    out.push_str(if stale { "{\"stale\":true" } else { "{\"stale\":false" });
    if !rest.starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

fn parse(body: &str) -> ApiResult<Value> {
    serde_json::from_str(body).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()).into())
}

/// Computes a user's metrics (no cached document yet) and caches them.
async fn computed(s: &AppState, id: uuid::Uuid) -> ApiResult<Value> {
    let user = users::load(s, id).await?;
    let trades = s.store.trades(user.id).await?;
    let activities = s.store.activities(user.id).await?;
    let prices = analysis::prices(&s.prices, &s.store, &trades, &[]).await?;
    let body = analysis::metrics_body(&trades, &activities, &prices);
    s.store.put_metrics(user.id, trades.len() as i64, &body).await?;
    Ok(body)
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
    /// A look-back period instead of `start`: `1m`, `3m`, `6m`, `ytd`, `1y`, `3y`, `5y` or `max`, counted back from
    /// `end` (or today).
    pub period: Option<String>,
    /// `none` (the default: the figures, the monthly table, the shadow benchmark and the P&L) or `daily` (also
    /// `dates`, both daily return series and the equity curves).
    #[param(value_type = Option<String>)]
    pub series: Option<Series>,
}

/// Which series `/comparative` answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Series {
    /// The summary: no daily series.
    #[default]
    None,
    /// The daily series too.
    Daily,
}

/// kairo-core's comparison of the user's portfolio with the benchmark: alpha/beta, capture, monthly table and the
/// same-dollar shadow benchmark; with `series=daily` also both daily return series and the equity curves. `market_data` tells where the closes came
/// from and whether they are `stale` (older than the freshness window: Alpaca could not refresh them, or they were
/// imported); closes are refreshed from Alpaca first when stale.
#[utoipa::path(get, path = "/users/{id}/comparative", params(("id" = String, Path), ComparativeParams),
    responses((status = 200, description = "kairo-core's Comparison"),
        (status = 402, description = "A blended benchmark needs a paid plan", body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody),
        (status = 503, description = "No closes of the benchmark and Alpaca unavailable", body = crate::error_schema::ErrorBody)))]
pub async fn comparative(
    State(s): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    Query(p): Query<ComparativeParams>,
) -> ApiResult<Response> {
    let user_id = users::user_id(&id)?;
    let start = period_start(p.start, p.end, p.period.as_deref())?;
    let bench = requested_benchmark(&s, principal, user_id, p.benchmark.as_deref()).await?;
    // The comparison kept in memory, while the trades, activities and closes it was computed from are unchanged
    // and the closes it priced are fresh: no query (PostgreSQL) or one (SQLite).
    let series = p.series.unwrap_or_default();
    let key = format!("{user_id}|{bench:?}|{start:?}|{:?}|{series:?}", p.end);
    let version = s.changes.version(&s.store, user_id).await?;
    if let Some(kept) = s.comparisons.get(&key).filter(|k| Some(k.version) == version) {
        let now = chrono::Utc::now();
        if kept.freshness.iter().all(|f| s.market.still_fresh(f, now)) {
            metrics::counter!("kairo_comparison_cache_total", "result" => "hit").increment(1);
            return Ok(with_market_data(&kept.body, &kept.freshness));
        }
        // Closes past the freshness window: refreshed first (when Alpaca is configured); the kept body still holds
        // when no symbol's closes were loaded again.
        let freshness = s.market.ensure(&kept.symbols).await?;
        let same = |a: &crate::market::Freshness, b: &crate::market::Freshness| a.refreshed_at == b.refreshed_at;
        if freshness.len() == kept.freshness.len() && freshness.iter().zip(&kept.freshness).all(|(a, b)| same(a, b)) {
            metrics::counter!("kairo_comparison_cache_total", "result" => "hit").increment(1);
            return Ok(with_market_data(&kept.body, &freshness));
        }
    }
    metrics::counter!("kairo_comparison_cache_total", "result" => "miss").increment(1);
    let user = users::load(&s, user_id).await?;
    // The trades of the user's kept tracker when they are the stored ones (read at the current version; the tracker
    // is taken out meanwhile and given back), else the stored trades.
    let kept = version.and_then(|v| s.trackers.take_at(user.id, v));
    let source = if kept.is_some() { "tracker" } else { "database" };
    metrics::counter!("kairo_comparison_trades_total", "source" => source).increment(1);
    let request = Request { user: user.id, benchmark: &bench, start, end: p.end, series };
    let outcome = match &kept {
        Some(tracker) => computed_comparison(&s, tracker.history(), tracker.symbols().clone(), &request).await,
        None => match s.store.trades(user.id).await {
            Ok(trades) => {
                let traded = analysis::traded_symbols(&trades).into_iter().map(str::to_owned).collect();
                computed_comparison(&s, &trades, traded, &request).await
            }
            Err(e) => Err(e.into()),
        },
    };
    if let Some(tracker) = kept {
        s.trackers.put(user.id, tracker, version);
    }
    let (body, wanted, freshness) = outcome?;
    let response = with_market_data(&body, &freshness);
    // Kept only when the version was known before the trades were read: a change since then moved it on.
    if let Some(version) = version {
        s.comparisons.put(key, Kept { body, symbols: wanted, freshness, version });
    }
    Ok(response)
}

/// What a comparison is asked for.
struct Request<'a> {
    user: uuid::Uuid,
    benchmark: &'a Benchmark,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    series: Series,
}

/// The comparison of `trades` (trading the symbols `traded`) as asked: its body serialized (without
/// `market_data`), the symbols it priced and their freshness.
async fn computed_comparison(
    s: &AppState,
    trades: &kairo_core::History,
    traded: std::collections::BTreeSet<String>,
    request: &Request<'_>,
) -> ApiResult<(axum::body::Bytes, Vec<String>, Vec<crate::market::Freshness>)> {
    if trades.is_empty() {
        return Err(ApiError::invalid("no_trades", "id", format!("user {} has no trades to compare", request.user)));
    }
    let (prices, wanted, freshness) = benchmark_prices(s, traded, request.benchmark).await?;
    let options = CompareOptions { start: request.start, end: request.end, ..CompareOptions::default() };
    let c = compare(trades, &prices, request.benchmark, &options)?;
    // Money at cents (report::MONEY_SCALE); returns and statistics as computed.
    let mut body = report::to_json(&c.fields(), Some(report::MONEY_SCALE));
    if request.series == Series::None {
        if let Some(o) = body.as_object_mut() {
            for k in analysis::DAILY_FIELDS {
                o.remove(k);
            }
        }
    }
    Ok((axum::body::Bytes::from(body.to_string()), wanted, freshness))
}

/// The closes a comparison with `benchmark` needs: the benchmark's and the `traded` symbols', refreshed from
/// Alpaca when stale (an outage serves the stored ones marked stale); the symbols and their freshness.
pub(crate) async fn benchmark_prices(
    s: &AppState,
    traded: std::collections::BTreeSet<String>,
    benchmark: &Benchmark,
) -> ApiResult<(kairo_core::returns::PriceTable, Vec<String>, Vec<crate::market::Freshness>)> {
    let symbols: Vec<String> = benchmark.components().iter().map(|(s, _)| s.clone()).collect();
    // The benchmark's closes and the held symbols', refreshed from Alpaca when stale; an outage serves the stored
    // ones marked stale.
    let mut wanted: std::collections::BTreeSet<String> = traded;
    wanted.extend(symbols.iter().cloned());
    let wanted: Vec<String> = wanted.into_iter().collect();
    let freshness = s.market.ensure(&wanted).await?;
    let prices = s.prices.table(&s.store, wanted.iter().cloned().collect()).await?;
    for sym in &symbols {
        if prices.last(sym).is_none() {
            let why = freshness.iter().find(|f| &f.symbol == sym).and_then(|f| f.last_error.clone());
            return Err(match why {
                Some(e) => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "market_data_unavailable",
                    format!("no closes of {sym} are stored and Alpaca could not provide them: {e}"),
                ),
                None => ApiError::invalid(
                    "missing_prices",
                    "benchmark",
                    format!(
                        "no closes of {sym} are stored: configure Alpaca or load them with `kairo-server import-prices`"
                    ),
                ),
            });
        }
    }
    Ok((prices, wanted, freshness))
}

/// The benchmark asked for (`SPY` when none), after the plan check a blend needs.
pub(crate) async fn requested_benchmark(
    s: &AppState,
    principal: Principal,
    user: uuid::Uuid,
    text: Option<&str>,
) -> ApiResult<Benchmark> {
    if let Some(name) = text.and_then(|t| t.strip_prefix(crate::services::benchmarks::PREFIX)) {
        plans::require_paid(s, principal, "A custom benchmark").await?;
        let stored = s.store.custom_benchmark(user, name).await?.ok_or_else(|| {
            ApiError::invalid("unknown_benchmark", "benchmark", format!("user {user} has no benchmark named {name:?}"))
        })?;
        return crate::services::benchmarks::benchmark(&stored)
            .map_err(|e| ApiError::from(crate::store::StoreError::Corrupt(format!("custom benchmark {name:?}: {e}"))));
    }
    let bench: Benchmark = text.map(str::parse).transpose()?.unwrap_or_default();
    if bench.components().len() > 1 {
        plans::require_paid(s, principal, "A custom blended benchmark").await?;
    }
    Ok(bench)
}

/// `start` as given, or the first date of the look-back `period` counted back from `end` (or today).
pub(crate) fn period_start(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    period: Option<&str>,
) -> ApiResult<Option<NaiveDate>> {
    match (start, period) {
        (None, Some(period)) => {
            let end = end.unwrap_or_else(|| chrono::Utc::now().date_naive());
            crate::services::periods::start(period, end)
                .map_err(|why| ApiError::invalid("invalid_query", "period", why))
        }
        _ => Ok(start),
    }
}

/// A kept body (a serialized JSON object) with `market_data` added: `{..., "market_data": {stale, symbols}}`.
fn with_market_data(body: &[u8], freshness: &[crate::market::Freshness]) -> Response {
    let market = json!({ "stale": freshness.iter().any(|f| f.stale), "symbols": freshness });
    let mut out = Vec::with_capacity(body.len() + 64 + 160 * freshness.len());
    match body.strip_suffix(b"}") {
        Some(open) => {
            out.extend_from_slice(open);
            if open.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(b"\"market_data\":");
            out.extend_from_slice(market.to_string().as_bytes());
            out.push(b'}');
        }
        None => out.extend_from_slice(body),
    }
    ([(header::CONTENT_TYPE, "application/json")], out).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn text(r: Response) -> String {
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn stale_is_added_to_the_stored_document() {
        // SQLite stores serde_json's text; PostgreSQL's jsonb comes back as `{"a": 1, ...}`.
        for (body, stale) in
            [(r#"{"trades":3,"pnl":{"realized":"1.5"}}"#, false), (r#" { "trades": 3 }"#, true), ("{}", true)]
        {
            let out = text(with_stale(body, stale).unwrap()).await;
            let mut expected: Value = serde_json::from_str(body).unwrap();
            expected["stale"] = json!(stale);
            assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), expected, "{out}");
        }
        assert!(with_stale("[1, 2]", false).is_err());
        assert!(with_stale("", false).is_err());
    }
}
