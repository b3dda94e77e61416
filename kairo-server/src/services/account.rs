//! The account basis of a stored user: trades, activities and the held symbols' closes and corporate actions,
//! valued by kairo-core's `account`.

use std::collections::BTreeSet;

use kairo_core::account::{account_summary, account_valuations, AccountOptions};
use kairo_core::activity::ActivityKind;
use kairo_core::report::{self, MONEY_SCALE};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::market::MarketData;
use crate::price_cache::PriceCache;
use crate::store::Store;

/// The account summary of `user` (money at cents), its daily valuations when `daily`, and the freshness of the
/// closes used (refreshed from Alpaca first when stale).
pub async fn summary(
    store: &Store,
    market: &MarketData,
    cache: &PriceCache,
    user: Uuid,
    options: &AccountOptions,
    daily: bool,
) -> ApiResult<Value> {
    let trades = store.trades(user).await?;
    let activities = store.activities(user).await?;
    let mut symbols: BTreeSet<String> = trades.iter().map(|t| t.symbol.clone()).collect();
    for a in &activities {
        symbols.extend(a.symbol().map(str::to_owned));
        if let ActivityKind::SymbolChange { new_symbol, .. } = a.kind() {
            symbols.insert(new_symbol.clone());
        }
    }
    let symbols: Vec<String> = symbols.into_iter().collect();
    let freshness = market.ensure(&symbols).await?;
    let prices = super::analysis::prices(cache, store, &trades, &symbols).await?;
    let summary = account_summary(&trades, &activities, &prices, options)?;
    let mut body = match &summary {
        Some(s) => report::to_json(&s.fields(), Some(MONEY_SCALE)),
        None => json!({}),
    };
    body["trades"] = json!(trades.len());
    body["activities"] = json!(activities.len());
    if daily {
        let days = account_valuations(&trades, &activities, &prices, options)?;
        body["days"] = days.iter().map(|d| report::to_json(&d.fields(), Some(MONEY_SCALE))).collect();
    }
    body["market_data"] = json!({ "stale": freshness.iter().any(|f| f.stale), "symbols": freshness });
    Ok(body)
}
