//! What the service computes, all by kairo-core: a user's compliance rows, metrics and summaries.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use kairo_core::activity::{Activity, ActivityKind};
use kairo_core::compliance::{
    check_history, check_history_from, check_history_with_activities_from, pdt_status, AccountContext, AccountType,
    CheckResult, RuleSet,
};
use kairo_core::lots::{
    match_lots_with_activities, wash_sales, wash_sales_with_activities, IdenticalSecurities, LotMethod,
};
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::report::MONEY_SCALE;
use kairo_core::returns::{twr, PriceTable};
use kairo_core::tracker::{AccountTracker, TrackedFigures};
use kairo_core::{History, Trade};
use serde_json::{json, Value};

use crate::price_cache::PriceCache;
use crate::store::{Store, StoreResult, User};

/// The compliance context of a stored user: the account type from the users table, kairo's default limits.
pub fn context(user: &User) -> AccountContext {
    AccountContext {
        account_type: if user.account_type == "margin" { AccountType::Margin } else { AccountType::Cash },
        ..AccountContext::default()
    }
}

/// The fields of a comparison that are daily series, left out of `/comparative`'s summary.
pub const DAILY_FIELDS: [&str; 4] = ["dates", "portfolio_returns", "benchmark_returns", "equity_curve"];

/// The rules the service checks: every built-in one (the context is validated by the engine that uses it).
pub fn rules() -> RuleSet {
    kairo_core::compliance::default_rules()
}

/// The stored closes of the symbols `trades` hold, plus `extra` symbols (benchmarks), with their splits and cash
/// dividends (the closes are raw), through the in-memory cache.
pub async fn prices(cache: &PriceCache, store: &Store, trades: &[Trade], extra: &[String]) -> StoreResult<PriceTable> {
    let mut symbols: BTreeSet<String> = traded_symbols(trades).into_iter().map(str::to_owned).collect();
    symbols.extend(extra.iter().cloned());
    cache.table(store, symbols).await
}

/// The symbols of `trades`, once each (borrowed: a long history repeats a few symbols many times).
pub fn traded_symbols(trades: &[Trade]) -> BTreeSet<&str> {
    trades.iter().map(|t| t.symbol.as_str()).collect()
}

/// A tracker of the user's whole history (FIFO lots and wash sales following `splits`), and the audit rows of the
/// trades executed at or after `since` (all when `None`), the account's activities applied at the start of their
/// dates: what a job computes when it cannot extend a kept tracker.
pub fn rebuild(
    user: &User,
    trades: &History,
    activities: &[Activity],
    since: Option<DateTime<Utc>>,
    splits: Vec<kairo_core::lots::Split>,
) -> Result<(Vec<CheckResult<'static>>, AccountTracker), kairo_core::error::TrackerError> {
    let mut tracker = AccountTracker::new(&rules(), account_context(user, activities), splits)?;
    let mut next = kairo_core::activity::in_order(activities).into_iter().peekable();
    let mut rows = Vec::new();
    for t in trades.iter() {
        while let Some(a) = next.next_if(|a| a.date() <= t.trade_date()) {
            tracker.push_activity(a)?;
        }
        if since.is_some_and(|s| t.executed_at < s) {
            tracker.record(t.clone())?;
        } else {
            rows.extend(tracker.push(t.clone())?);
        }
    }
    for a in next {
        tracker.push_activity(a)?;
    }
    Ok((rows, tracker))
}

/// The compliance context of a stored user with its activities: with its deposits or withdrawals known, a cash
/// account's settlement checks run on its cash ledger from zero (every dollar is one of its deposits, dividends or
/// sale proceeds).
pub fn account_context(user: &User, activities: &[Activity]) -> AccountContext {
    let mut ctx = context(user);
    let funded =
        activities.iter().any(|a| matches!(a.kind(), ActivityKind::Deposit { .. } | ActivityKind::Withdrawal { .. }));
    if funded && ctx.settled_cash.is_none() {
        ctx.settled_cash = Some(rust_decimal::Decimal::ZERO);
    }
    ctx
}

/// The audit rows of the trades executed at or after `since` (all of them when `None`; the history before is
/// replayed without rows, so that the rules' windows see it). With the account's cash activities known (deposits or
/// withdrawals stored), a cash account's settlement checks run on its cash ledger from zero: every dollar is one of
/// its deposits, dividends or sale proceeds.
pub fn audit_rows<'t>(
    user: &User,
    trades: &'t History,
    activities: &[Activity],
    since: Option<DateTime<Utc>>,
) -> Result<Vec<CheckResult<'t>>, kairo_core::ComplianceError> {
    if activities.is_empty() {
        let (ctx, rules) = (context(user), rules());
        return match since {
            None => check_history(trades, &rules, &ctx),
            Some(since) => check_history_from(trades, &rules, &ctx, since),
        };
    }
    let (ctx, rules) = (account_context(user, activities), rules());
    check_history_with_activities_from(trades, activities, &rules, &ctx, since)
}

/// An amount of money as the service answers it: at cents, half to even (kairo-core's
/// [`round_money`](kairo_core::report::round_money) at [`MONEY_SCALE`]); stored values and quantities stay exact.
fn money(amount: rust_decimal::Decimal) -> rust_decimal::Decimal {
    kairo_core::report::round_money(amount, MONEY_SCALE)
}

/// The metrics document of a user: P&L (realized, unrealized at the last stored closes, wash-sale adjusted),
/// win rate and profit factor, the risk metrics of the daily time-weighted return, and the money-weighted return
/// (XIRR of the trades and the open positions' value), from the whole history; the lots and wash sales through the
/// account's activities (transfers of shares, symbol changes, splits).
pub fn metrics_body(trades: &History, activities: &[Activity], prices: &PriceTable) -> Value {
    let splits = prices.splits();
    let lots = match match_lots_with_activities(trades, LotMethod::Fifo, activities, &splits) {
        Ok(r) => r,
        Err(e) => return json!({ "trades": trades.len(), "error": e.to_string() }),
    };
    let wash_sales = match wash_sales_with_activities(trades, &IdenticalSecurities::default(), activities, &splits) {
        Ok(w) => w,
        Err(e) => return json!({ "trades": trades.len(), "error": e.to_string() }),
    };
    let figures = TrackedFigures {
        lots,
        wash_sales,
        twr: twr(trades, prices, None),
        money_weighted_return: kairo_core::returns::money_weighted_return(trades, prices),
    };
    figures_body(trades.len(), &figures, prices)
}

/// The metrics document of `count` trades from their figures (a kept tracker's, or the whole history's).
pub fn figures_body(count: usize, figures: &TrackedFigures, prices: &PriceTable) -> Value {
    let report = &figures.lots;
    let marks: HashMap<String, rust_decimal::Decimal> =
        prices.symbols().into_iter().filter_map(|s| prices.last(s).map(|(_, c)| (s.to_owned(), c))).collect();
    let unrealized = report.unrealized(&marks).ok();
    let wash = &figures.wash_sales;
    let risk =
        figures.twr.as_ref().ok().and_then(|s| Metrics::compute(&s.returns, None, &MetricsOptions::default()).ok());
    let by_symbol: serde_json::Map<String, Value> =
        report.realized_by_symbol().into_iter().map(|(s, d)| (s, json!(money(d)))).collect();
    json!({
        "trades": count,
        "pnl": {
            "realized": money(report.realized_pnl),
            "unrealized": unrealized.as_ref().map(|u| money(u.total)),
            "market_value": unrealized.as_ref().map(|u| money(u.market_value)),
            "realized_by_symbol": by_symbol,
            "wash_sale_adjusted_realized": money(wash.realized_pnl()),
            "wash_sale_disallowed_loss": money(wash.disallowed_loss()),
        },
        "trade_stats": kairo_core::report::to_json(&report.trade_stats().fields(), Some(MONEY_SCALE)),
        "risk": risk,
        // the annual internal rate of return of the trades' cash flows and the open positions' value (XIRR)
        "money_weighted_return": figures.money_weighted_return.as_ref().ok().filter(|r| r.is_finite()),
    })
}

/// The compliance summary of a user: PDT status for the window ending on the last trade date, wash-sale totals.
pub fn compliance_summary(user: &User, trades: &History) -> Value {
    let ctx = context(user);
    let pdt = trades.last().and_then(|t| pdt_status(trades, &ctx.limits.pattern_day_trading, t.trade_date()).ok());
    let wash = wash_sales(trades).ok();
    json!({
        "pattern_day_trading": pdt,
        "wash_sales": wash.as_ref().map(|w| json!({
            "loss_sales": w.losses.len(),
            "disallowed_loss": money(w.disallowed_loss()),
            "deferred_by_symbol": w.deferred_by_symbol.iter().map(|(s, d)| (s.clone(), json!(money(*d))))
                .collect::<serde_json::Map<_, _>>(),
        })),
    })
}
