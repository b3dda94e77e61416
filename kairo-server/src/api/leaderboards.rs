//! `GET /leaderboards` (service token): a board's page; `GET`, `PUT` and `DELETE /users/{id}/leaderboards`: a
//! user's standing, opting in under a display name, opting out. Users are off the boards until they opt in, and
//! only their display name is ever shown. Scores are computed by the jobs (and at opt-in) and read from a table.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{users, AppState, Json, Query};
use crate::audit::AuditDetail;
use crate::error::{ApiError, ApiResult};
use crate::services::{analysis, leaderboards};

/// Which board, and which page of it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BoardParams {
    /// `return`, `sharpe`, `sortino`, `max_drawdown` or `calmar`.
    pub metric: String,
    /// `1M`, `3M`, `YTD`, `1Y` or `ALL` (any letter case; default `ALL`).
    pub period: Option<String>,
    /// Entries (1 to 500, default 50).
    pub limit: Option<i64>,
    /// Entries skipped (default 0).
    pub offset: Option<i64>,
}

/// An entry of a board's page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardEntry {
    /// 1 + the members with a better score (equal scores share a rank).
    pub rank: i64,
    /// The member's display name.
    pub display_name: String,
    /// The score (a fraction for `return` and `max_drawdown`, a ratio for the others).
    pub value: f64,
}

/// A page of a board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardPage {
    /// The metric.
    pub metric: String,
    /// The period.
    pub period: String,
    /// Entries skipped.
    pub offset: i64,
    /// Entries asked for.
    pub limit: i64,
    /// Whether entries follow this page.
    pub has_more: bool,
    /// Best first; within a tie by display name, then by user.
    pub entries: Vec<BoardEntry>,
}

/// A member's place on one board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardStanding {
    /// The period.
    pub period: String,
    /// The metric.
    pub metric: String,
    /// The score.
    pub value: f64,
    /// The rank (`null` until the ranking pass, a fraction of a second after the score changed, has placed it).
    pub rank: Option<i64>,
    /// Members ranked on the board (`null` before its first pass).
    pub entrants: Option<i64>,
}

/// A user's standing on the leaderboards.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Standing {
    /// Whether the user opted in.
    pub opted_in: bool,
    /// The name the boards show, when opted in.
    pub display_name: Option<String>,
    /// Ranked at the last computation.
    pub eligible: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// When the scores were last computed.
    pub computed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Every board the user is ranked on.
    pub standings: Vec<BoardStanding>,
}

/// 400 `invalid_query` naming the parameter.
fn bad(field: &str, why: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", why).with_details(json!({ "field": field }))
}

/// The board's canonical names, or 400 naming the parameter.
fn board(metric: &str, period: Option<&str>) -> ApiResult<(&'static str, &'static str)> {
    let m = leaderboards::METRICS.into_iter().find(|m| *m == metric).ok_or_else(|| {
        bad("metric", format!("metric must be one of {}, got {metric:?}", leaderboards::METRICS.join(", ")))
    })?;
    let period = period.unwrap_or("ALL");
    let p = leaderboards::PERIODS.into_iter().find(|p| p.eq_ignore_ascii_case(period)).ok_or_else(|| {
        bad("period", format!("period must be one of {}, got {period:?}", leaderboards::PERIODS.join(", ")))
    })?;
    Ok((m, p))
}

/// A page of a board, best first: `{ metric, period, offset, limit, entries: [{ rank, display_name, value }], has_more }`.
#[utoipa::path(get, path = "/leaderboards", operation_id = "leaderboard_page", params(BoardParams),
    responses((status = 200, body = BoardPage,
        description = "Equal scores share a rank and the next rank counts them all (1224); a tie is listed by display name")))]
pub async fn page(State(s): State<AppState>, Query(q): Query<BoardParams>) -> ApiResult<axum::Json<BoardPage>> {
    let (metric, period) = board(&q.metric, q.period.as_deref())?;
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=500).contains(&limit) {
        return Err(bad("limit", format!("limit must be 1 to 500, got {limit}")));
    }
    if !(0..=1_000_000_000).contains(&offset) {
        return Err(bad("offset", format!("offset must be 0 to 1,000,000,000, got {offset}")));
    }
    let mut entries = s.store.leaderboard_page(period, metric, limit + 1, offset).await?;
    let has_more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let out = entries
        .into_iter()
        .map(|e| BoardEntry { rank: e.rank, display_name: e.display_name, value: e.value })
        .collect();
    Ok(axum::Json(BoardPage { metric: metric.into(), period: period.into(), offset, limit, has_more, entries: out }))
}

/// A user's standing: opted in or not, eligible or why not, and their rank on every board they are on.
async fn standing(s: &AppState, user: uuid::Uuid) -> ApiResult<Standing> {
    let Some(member) = s.store.leaderboard_member(user).await? else {
        return Ok(Standing {
            opted_in: false,
            display_name: None,
            eligible: false,
            reason: Some("not opted in".into()),
            computed_at: None,
            standings: Vec::new(),
        });
    };
    let standings = s
        .store
        .leaderboard_standings(user)
        .await?
        .into_iter()
        .map(|st| BoardStanding {
            period: st.period,
            metric: st.metric,
            value: st.value,
            rank: st.rank,
            entrants: st.entrants,
        })
        .collect();
    Ok(Standing {
        opted_in: true,
        display_name: Some(member.display_name),
        eligible: member.eligible,
        reason: member.reason,
        computed_at: member.computed_at,
        standings,
    })
}

/// The user's standing on the leaderboards.
#[utoipa::path(get, path = "/users/{id}/leaderboards", operation_id = "leaderboard_standing", params(("id" = String, Path, description = "user UUID")),
    responses((status = 200, body = Standing), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<axum::Json<Standing>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    Ok(axum::Json(standing(&s, user.id).await?))
}

/// Opting in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptIn {
    /// The only thing the boards show of the user: 1 to 40 characters, no control characters.
    pub display_name: String,
}

/// Opts the user in under a display name (or renames them); their scores are computed at once.
#[utoipa::path(put, path = "/users/{id}/leaderboards", operation_id = "join_leaderboards", params(("id" = String, Path, description = "user UUID")),
    request_body = OptIn,
    responses((status = 200, body = Standing, description = "The user's standing, as GET answers it"),
        (status = 404, body = crate::error_schema::ErrorBody), (status = 422, body = crate::error_schema::ErrorBody)))]
pub async fn opt_in(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(input): Json<OptIn>,
) -> ApiResult<(Extension<AuditDetail>, axum::Json<Standing>)> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    let name = input.display_name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "invalid_display_name",
            "display_name",
            format!("display_name must be 1 to 40 characters without control characters, got {name:?}"),
        ));
    }
    s.store.join_leaderboards(user.id, name).await?;
    s.ranker.changed();
    let trades = s.store.trades(user.id).await?;
    let activities = s.store.activities(user.id).await?;
    let prices = analysis::prices(&s.prices, &s.store, &trades, &[]).await?;
    let body = analysis::metrics_body(&trades, &activities, &prices);
    let equity = body["pnl"]["market_value"].as_str().and_then(|v| v.parse().ok());
    let series = kairo_core::returns::twr(&trades, &prices, None).ok();
    leaderboards::refresh(&s.store, &s.ranker, &s.config, user.id, trades.len(), equity, series.as_ref()).await?;
    let detail = AuditDetail(json!({ "user_id": user.id, "display_name": name }));
    Ok((Extension(detail), axum::Json(standing(&s, user.id).await?)))
}

/// Opts the user out: their name and scores leave the boards.
#[utoipa::path(delete, path = "/users/{id}/leaderboards", operation_id = "leave_leaderboards", params(("id" = String, Path, description = "user UUID")),
    responses((status = 204, description = "Opted out"), (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn opt_out(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Extension<AuditDetail>)> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    if !s.store.leave_leaderboards(user.id).await? {
        return Err(ApiError::not_found(format!("user {} has not opted in", user.id)));
    }
    s.ranker.changed();
    Ok((StatusCode::NO_CONTENT, Extension(AuditDetail(json!({ "user_id": user.id })))))
}
