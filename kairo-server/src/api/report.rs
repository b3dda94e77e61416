//! `GET /users/{id}/report`: the user's tear sheet against a benchmark as an HTML page (kairo-core's
//! [`TearSheet`]), with the account's P&L and its compliance flags and failures on a timeline. Same
//! authorization and plan gating as `/comparative` (a blend needs a paid plan); kept in memory like it, while the
//! user's trades, activities and the closes it priced are unchanged.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::NaiveDate;
use kairo_core::compare::{compare, CompareOptions};
use kairo_core::compliance::Status;
use kairo_core::tear_sheet::{TearSheet, TimelineEvent};
use serde::Deserialize;

use super::analytics::{benchmark_prices, period_start, requested_benchmark};
use super::auth::Principal;
use super::{users, AppState, Query};
use crate::comparisons::Kept;
use crate::error::{ApiError, ApiResult};
use crate::services::analysis;
use crate::store::AuditQuery;

/// Query of `/users/{id}/report`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `SPY` (default) or a blend `SPY:0.6,AGG:0.4`.
    pub benchmark: Option<String>,
    /// First date, `YYYY-MM-DD`.
    pub start: Option<NaiveDate>,
    /// Last date, `YYYY-MM-DD`.
    pub end: Option<NaiveDate>,
    /// A look-back period instead of `start`: `1m`, `3m`, `6m`, `ytd`, `1y`, `3y`, `5y` or `max`, counted back from
    /// `end` (or today).
    pub period: Option<String>,
}

/// Compliance flags and failures read into the timeline at most.
const TIMELINE_ROWS: i64 = 10_000;

fn html(body: &[u8]) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.to_vec()).into_response()
}

/// The tear sheet of the user's portfolio against the benchmark (a self-contained HTML page: inline SVG charts, no
/// script, no external request): key metrics beside the benchmark's, cumulative and log returns, underwater curve,
/// yearly and monthly returns, rolling Sharpe/Sortino/volatility/beta, the return distribution, the P&L and the
/// compliance timeline.
#[utoipa::path(get, path = "/users/{id}/report", params(("id" = String, Path), ReportParams),
    responses((status = 200, description = "The tear sheet, an HTML page", content_type = "text/html", body = String),
        (status = 402, description = "A blended benchmark needs a paid plan", body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody),
        (status = 503, description = "No closes of the benchmark and Alpaca unavailable", body = crate::error_schema::ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    Query(p): Query<ReportParams>,
) -> ApiResult<Response> {
    let user_id = users::user_id(&id)?;
    let start = period_start(p.start, p.end, p.period.as_deref())?;
    let bench = requested_benchmark(&s, principal, user_id, p.benchmark.as_deref()).await?;
    let key = format!("report|{user_id}|{bench:?}|{start:?}|{:?}", p.end);
    let version = s.changes.version(&s.store, user_id).await?;
    if let Some(kept) = s.comparisons.get(&key).filter(|k| Some(k.version) == version) {
        let now = chrono::Utc::now();
        if kept.freshness.iter().all(|f| s.market.still_fresh(f, now)) {
            metrics::counter!("kairo_report_cache_total", "result" => "hit").increment(1);
            return Ok(html(&kept.body));
        }
    }
    metrics::counter!("kairo_report_cache_total", "result" => "miss").increment(1);
    let user = users::load(&s, user_id).await?;
    let trades = s.store.trades(user.id).await?;
    if trades.is_empty() {
        return Err(ApiError::invalid("no_trades", "id", format!("user {} has no trades to report on", user.id)));
    }
    let traded = analysis::traded_symbols(&trades).into_iter().map(str::to_owned).collect();
    let (prices, wanted, freshness) = benchmark_prices(&s, traded, &bench).await?;
    let options = CompareOptions { start, end: p.end, ..CompareOptions::default() };
    let c = compare(&trades, &prices, &bench, &options)?;
    let mut events = Vec::new();
    for status in ["flag", "fail"] {
        let q = AuditQuery { status: Some(status.to_owned()), limit: TIMELINE_ROWS, ..AuditQuery::default() };
        let (rows, _) = s.store.audit(user.id, &q).await?;
        let status = if status == "flag" { Status::Flag } else { Status::Fail };
        events.extend(rows.into_iter().map(|r| TimelineEvent {
            date: r.executed_at.date_naive(),
            check: r.check_name,
            status,
        }));
    }
    events.sort_by_key(|e| e.date);
    // the PDT window's count after each checked trade (every pattern_day_trading row carries it)
    let q = AuditQuery {
        check_name: Some("pattern_day_trading".to_owned()),
        limit: TIMELINE_ROWS,
        ..AuditQuery::default()
    };
    let (rows, _) = s.store.audit(user.id, &q).await?;
    let mut day_trades: Vec<(chrono::DateTime<chrono::Utc>, u32)> = rows
        .iter()
        .filter_map(|r| {
            let n = r.metadata.get("day_trades_in_window")?.as_u64()?;
            Some((r.executed_at, u32::try_from(n).ok()?))
        })
        .collect();
    day_trades.sort_by_key(|d| d.0);
    let day_trades: Vec<(NaiveDate, u32)> = day_trades.into_iter().map(|(t, n)| (t.date_naive(), n)).collect();
    let money = |d: rust_decimal::Decimal| {
        let cents = d.round_dp(2);
        if cents.is_sign_negative() && !cents.is_zero() {
            format!("−${:.2}", -cents)
        } else {
            format!("${cents:.2}")
        }
    };
    let summary = vec![
        ("Realized P&L".to_owned(), money(c.portfolio_pnl.realized)),
        ("Unrealized P&L".to_owned(), money(c.portfolio_pnl.unrealized)),
        ("Total P&L".to_owned(), money(c.portfolio_pnl.total)),
        (format!("Same dollars in {} (P&L)", c.benchmark), money(c.shadow.pnl)),
    ];
    let who = user.email.clone().unwrap_or_else(|| user.id.to_string());
    let title = format!("Portfolio of {who} against {}", c.benchmark);
    let page = TearSheet::new(&title, &c.dates, &c.portfolio_returns)
        .with_benchmark(&c.benchmark, &c.benchmark_returns)
        .with_compliance(&events)
        .with_day_trades(&day_trades)
        .with_summary(&summary)
        .render()
        .map_err(|e| ApiError::invalid("invalid_request", "benchmark", e.to_string()))?;
    let body = axum::body::Bytes::from(page);
    if let Some(version) = version {
        s.comparisons.put(key, Kept { body: body.clone(), symbols: wanted, freshness, version });
    }
    Ok(html(&body))
}
