//! `GET /benchmarks` (the market-data cache's state) and `POST /benchmarks/update` (refresh from Alpaca). Both
//! are for the service token: a user token reaches `/users/{id}/...` only.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::AppState;
use crate::error::{ApiError, ApiResult};

/// Every symbol with closes (or a failed load), with its source, last load and freshness.
#[utoipa::path(get, path = "/benchmarks", operation_id = "list_benchmarks",
    responses((status = 200, description = "{ alpaca, symbols: [Freshness] }")))]
pub async fn list(State(s): State<AppState>) -> ApiResult<axum::Json<Value>> {
    let mut symbols: Vec<String> = s.store.price_states(None).await?.into_iter().map(|st| st.symbol).collect();
    symbols.extend(s.market.benchmark_symbols().iter().cloned());
    symbols.sort();
    symbols.dedup();
    let states = s.store.price_states(Some(&symbols)).await?;
    let freshness: Vec<_> =
        symbols.iter().map(|sym| s.market.freshness_of(sym, states.iter().find(|st| &st.symbol == sym))).collect();
    Ok(axum::Json(json!({
        "alpaca": if s.market.configured() { "configured" } else { "not_configured" },
        "symbols": freshness,
    })))
}

/// What to refresh.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UpdateIn {
    /// The symbols (default: the configured benchmarks and every traded symbol).
    pub symbols: Option<Vec<String>>,
    /// Reload even the fresh ones.
    pub force: bool,
}

/// Refreshes the configured benchmark symbols and the traded symbols (or `symbols`) from Alpaca, the stale ones
/// unless `force`; retries 429 and 5xx with backoff. 200 when every symbol is fresh or refreshed, 502 with the
/// outcomes when some failed (their stored closes stay and are served as stale), 503 without Alpaca keys.
#[utoipa::path(post, path = "/benchmarks/update", operation_id = "update_benchmarks", request_body(content = Option<UpdateIn>),
    responses((status = 200, description = "{ outcomes: [Outcome] }"),
        (status = 502, description = "Alpaca failed for some symbols", body = crate::error_schema::ErrorBody),
        (status = 503, description = "Alpaca is not configured", body = crate::error_schema::ErrorBody)))]
pub async fn update(State(s): State<AppState>, body: axum::body::Bytes) -> ApiResult<axum::Json<Value>> {
    let input: UpdateIn = if body.iter().all(u8::is_ascii_whitespace) {
        UpdateIn::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            let code = if e.is_data() { "invalid_body" } else { "malformed_json" };
            let status = if e.is_data() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::BAD_REQUEST };
            ApiError::new(status, code, e.to_string())
        })?
    };
    if !s.market.configured() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "market_data_not_configured",
            "Alpaca is not configured: set ALPACA_API_KEY and ALPACA_SECRET_KEY, or load closes with \
             `kairo-server import-prices`",
        ));
    }
    let symbols = match input.symbols {
        Some(list) => {
            let mut out = Vec::with_capacity(list.len());
            for (i, sym) in list.into_iter().enumerate() {
                kairo_core::trade::validate_symbol(&sym)
                    .map_err(|e| ApiError::invalid("invalid_symbol", &format!("symbols[{i}]"), e.to_string()))?;
                out.push(sym);
            }
            if out.is_empty() {
                return Err(ApiError::invalid("invalid_symbol", "symbols", "symbols must not be empty"));
            }
            Some(out)
        }
        None => None,
    };
    let outcomes = s.market.update(symbols, input.force).await?;
    tracing::info!(symbols = outcomes.len(), force = input.force, "benchmarks update");
    let failed = outcomes.iter().filter(|o| o.result == "failed").count();
    let body = json!({ "outcomes": outcomes });
    if failed > 0 {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "market_data_unavailable",
            format!("{failed} symbol(s) could not be refreshed from Alpaca; their stored closes stay"),
        )
        .with_details(body));
    }
    Ok(axum::Json(body))
}
