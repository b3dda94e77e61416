//! `POST /users/{id}/optimize`: optimal weights over the user's positions (or symbols listed) from the stored
//! Alpaca closes, and the tax-aware rebalance to them. An end user needs a paid plan.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;

use super::auth::Principal;
use super::{plans, users, AppState, Json};
use crate::error::{ApiError, ApiResult};
use crate::services::optimize::{self, OptimizeIn};

/// Portfolio optimization (PyPortfolioOpt's estimators and objectives, HRP, equal risk contribution) and the
/// rebalance from the user's lots that sells the least tax first and opens no wash sale.
#[utoipa::path(post, path = "/users/{id}/optimize", operation_id = "optimize_portfolio", params(("id" = String, Path, description = "user UUID")),
    request_body = OptimizeIn,
    responses((status = 200, description = "{ symbols, days, prices_as_of, optimized: { weights, expected_return, volatility, sharpe, frontier }, rebalance: { orders, realized, turnover, value, cash_after, skipped } | null }"),
        (status = 402, description = "An end user needs a paid plan", body = crate::error_schema::ErrorBody),
        (status = 404, body = crate::error_schema::ErrorBody),
        (status = 422, body = crate::error_schema::ErrorBody),
        (status = 503, description = "Closes are missing and Alpaca is unavailable", body = crate::error_schema::ErrorBody)))]
pub async fn optimize(
    State(s): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    Json(input): Json<OptimizeIn>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let user = users::load(&s, users::user_id(&id)?).await?;
    plans::require_paid(&s, principal, "Portfolio optimization").await?;
    let checked = optimize::check(input)?;
    let trades = s.store.trades(user.id).await?;
    let (symbols, wanted) = checked.symbols(&trades)?;
    s.market.ensure(&wanted.iter().cloned().collect::<Vec<_>>()).await?;
    let prices = s.prices.table(&s.store, wanted.clone()).await?;
    let body = tokio::task::spawn_blocking(move || checked.run(&trades, &symbols, &wanted, &prices)).await.map_err(
        |e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("the optimization stopped: {e}")),
    )??;
    Ok(axum::Json(body))
}
