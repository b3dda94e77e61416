//! The account's value at every close and its daily returns (the formula is in the [module documentation](super)).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::activity::{in_order, Activity, ActivityKind};
use crate::error::ReturnsError;
use crate::history::Trades;
use crate::returns::{mark_at, to_f64, PriceTable, ReturnSeries};
use crate::trade::Trade;

/// Options of the account basis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountOptions {
    /// Cash in the account before its first trade or activity (0 by default).
    pub opening_cash: Decimal,
    /// The last day valued (default: the later of the last trade or activity and the last close of a held symbol).
    pub end: Option<NaiveDate>,
}

/// The account at the close of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountDay {
    /// The day.
    pub date: NaiveDate,
    /// Cash at the close.
    pub cash: Decimal,
    /// Market value of the positions (short positions negative).
    pub positions_value: Decimal,
    /// `Vₜ`: cash plus positions.
    pub value: Decimal,
    /// `Iₜ`: deposits and the market value of shares transferred in.
    pub inflow: Decimal,
    /// `Oₜ`: withdrawals and the market value of shares transferred out.
    pub outflow: Decimal,
    /// Dividends and interest received (negative when paid).
    pub income: Decimal,
    /// Fees and taxes outside fills.
    pub costs: Decimal,
    /// `PnLₜ = Vₜ − Vₜ₋₁ − Iₜ + Oₜ`.
    pub pnl: Decimal,
    /// `Vₜ₋₁ + Iₜ`.
    pub base: Decimal,
    /// `rₜ = PnLₜ / base` (0 when the base is not above zero).
    pub daily_return: f64,
}

impl AccountDay {
    /// The day as a report's fields ([`report`](crate::report)).
    pub fn fields(&self) -> Vec<(&'static str, crate::report::Value<'static>)> {
        use crate::report::Value;
        vec![
            ("date", Value::Date(self.date)),
            ("cash", Value::Money(self.cash)),
            ("positions_value", Value::Money(self.positions_value)),
            ("value", Value::Money(self.value)),
            ("inflow", Value::Money(self.inflow)),
            ("outflow", Value::Money(self.outflow)),
            ("income", Value::Money(self.income)),
            ("costs", Value::Money(self.costs)),
            ("pnl", Value::Money(self.pnl)),
            ("base", Value::Money(self.base)),
            ("daily_return", Value::Float(self.daily_return)),
        ]
    }
}

/// Values the account of `trades` and `activities` at every close (see the module documentation).
///
/// ```
/// use kairo_core::account::{account_valuations, AccountOptions};
/// use kairo_core::activity::{Activity, ActivityKind};
/// use kairo_core::returns::PriceTable;
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let d = |s: &str| s.parse().unwrap();
/// let prices = PriceTable::from_rows([("SPY", d("2024-01-02"), dec!(100)), ("SPY", d("2024-01-03"), dec!(110))]).unwrap();
/// let deposit = Activity::new("d1", "u", d("2024-01-02"), ActivityKind::Deposit { amount: dec!(2000) }).unwrap();
/// let buy = Trade::new("b1", "u", "SPY", Side::Buy, dec!(10), dec!(100), "2024-01-02T15:00:00Z".parse().unwrap()).unwrap();
/// let days = account_valuations(&[buy], &[deposit], &prices, &AccountOptions::default()).unwrap();
/// // 1,000 in SPY and 1,000 in cash; SPY +10 % makes the account +5 %
/// assert_eq!(days[1].value, dec!(2100));
/// assert!((days[1].daily_return - 0.05).abs() < 1e-15);
/// ```
pub fn account_valuations<T: Trades + ?Sized>(
    trades: &T,
    activities: &[Activity],
    prices: &PriceTable,
    options: &AccountOptions,
) -> Result<Vec<AccountDay>, ReturnsError> {
    let ordered = trades.ordered()?;
    let trades: Vec<&Trade> = ordered.iter().collect();
    let activities = in_order(activities);
    let splits = splits(prices, &activities)?;
    let dates = dates(&trades, &activities, prices, options.end);

    let mut positions: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut last_trade: HashMap<String, (NaiveDate, Decimal)> = HashMap::new();
    let mut cash = options.opening_cash;
    let mut prev_value = options.opening_cash;
    let (mut next_trade, mut next_activity) = (0, 0);
    let mut prev_date: Option<NaiveDate> = None;
    let mut out = Vec::with_capacity(dates.len());
    for date in dates {
        // Splits with ex-dates since the last valuation (raw closes): the shares held multiply, the last fill's
        // price divides.
        let after = prev_date.and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MIN);
        for ((_, symbol), ratio) in splits.range((after, String::new())..).take_while(|((d, _), _)| *d <= date) {
            if let Some(q) = positions.get_mut(symbol) {
                *q *= *ratio;
            }
            if let Some((_, p)) = last_trade.get_mut(symbol) {
                *p /= *ratio;
            }
        }
        prev_date = Some(date);
        let (mut inflow, mut outflow, mut income, mut costs) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        while let Some(a) = activities.get(next_activity).filter(|a| a.date() <= date) {
            next_activity += 1;
            cash += a.cash();
            match a.kind() {
                ActivityKind::Deposit { amount } => inflow += *amount,
                ActivityKind::Withdrawal { amount } => outflow += *amount,
                ActivityKind::Dividend { amount, .. } | ActivityKind::Interest { amount } => income += *amount,
                ActivityKind::Fee { amount, .. } | ActivityKind::Tax { amount, .. } => costs += *amount,
                ActivityKind::Split { symbol, cash_in_lieu, .. } => {
                    if !cash_in_lieu.is_zero() {
                        if let Some(q) = positions.get_mut(symbol) {
                            *q = q.trunc();
                        }
                    }
                }
                ActivityKind::SymbolChange { symbol, new_symbol } => {
                    if let Some(q) = positions.remove(symbol) {
                        *positions.entry(new_symbol.clone()).or_default() += q;
                    }
                    if let Some(p) = last_trade.remove(symbol) {
                        last_trade.entry(new_symbol.clone()).or_insert(p);
                    }
                }
                ActivityKind::TransferIn { symbol, qty, cost_basis, .. } => {
                    if !last_trade.contains_key(symbol) && *cost_basis > Decimal::ZERO {
                        last_trade.insert(symbol.clone(), (date, *cost_basis / *qty));
                    }
                    inflow += *qty * mark(prices, symbol, date, &last_trade)?;
                    *positions.entry(symbol.clone()).or_default() += *qty;
                }
                ActivityKind::TransferOut { symbol, qty } => {
                    outflow += *qty * mark(prices, symbol, date, &last_trade)?;
                    *positions.entry(symbol.clone()).or_default() -= *qty;
                }
            }
        }
        while let Some(t) = trades.get(next_trade).filter(|t| t.trade_date() <= date) {
            next_trade += 1;
            cash -= t.cash_flow();
            *positions.entry(t.symbol.clone()).or_default() += t.signed_qty();
            last_trade.insert(t.symbol.clone(), (t.trade_date(), t.price));
        }
        positions.retain(|_, q| !q.is_zero());
        let mut positions_value = Decimal::ZERO;
        for (symbol, qty) in &positions {
            positions_value += *qty * mark(prices, symbol, date, &last_trade)?;
        }
        let value = cash + positions_value;
        let pnl = value - prev_value - inflow + outflow;
        let base = prev_value + inflow;
        let daily_return = if base > Decimal::ZERO {
            pnl.checked_div(base).map_or_else(|| to_f64(pnl) / to_f64(base), to_f64)
        } else {
            0.0
        };
        out.push(AccountDay {
            date,
            cash,
            positions_value,
            value,
            inflow,
            outflow,
            income,
            costs,
            pnl,
            base,
            daily_return,
        });
        prev_value = value;
    }
    Ok(out)
}

/// The account's daily time-weighted return series ([`account_valuations`]).
pub fn account_twr<T: Trades + ?Sized>(
    trades: &T,
    activities: &[Activity],
    prices: &PriceTable,
    options: &AccountOptions,
) -> Result<ReturnSeries, ReturnsError> {
    let days = account_valuations(trades, activities, prices, options)?;
    Ok(ReturnSeries {
        dates: days.iter().map(|d| d.date).collect(),
        returns: days.iter().map(|d| d.daily_return).collect(),
    })
}

fn mark(
    prices: &PriceTable,
    symbol: &str,
    date: NaiveDate,
    last_trade: &HashMap<String, (NaiveDate, Decimal)>,
) -> Result<Decimal, ReturnsError> {
    mark_at(prices, symbol, date, last_trade.get(symbol))
}

/// The splits of the price table and of the activities, by (ex-date, symbol); a conflict is an error.
fn splits(
    prices: &PriceTable,
    activities: &[&Activity],
) -> Result<BTreeMap<(NaiveDate, String), Decimal>, ReturnsError> {
    let mut out: BTreeMap<(NaiveDate, String), Decimal> =
        prices.splits().into_iter().map(|s| ((s.ex_date, s.symbol), s.ratio)).collect();
    for a in activities {
        if let ActivityKind::Split { symbol, ratio, .. } = a.kind() {
            match out.get(&(a.date(), symbol.clone())) {
                Some(known) if known != ratio => {
                    return Err(ReturnsError::ConflictingSplit {
                        symbol: symbol.clone(),
                        ex_date: a.date(),
                        activity: *ratio,
                        prices: *known,
                    })
                }
                _ => {
                    out.insert((a.date(), symbol.clone()), *ratio);
                }
            }
        }
    }
    Ok(out)
}

/// Every date with a trade or an activity, and every close of a symbol the account ever held, from the first event
/// to `end`.
fn dates(trades: &[&Trade], activities: &[&Activity], prices: &PriceTable, end: Option<NaiveDate>) -> Vec<NaiveDate> {
    let mut events: BTreeSet<NaiveDate> = trades.iter().map(|t| t.trade_date()).collect();
    events.extend(activities.iter().map(|a| a.date()));
    let Some(&first) = events.first() else { return Vec::new() };
    let mut symbols: BTreeSet<&str> = trades.iter().map(|t| t.symbol.as_str()).collect();
    for a in activities {
        symbols.extend(a.symbol());
        if let ActivityKind::SymbolChange { new_symbol, .. } = a.kind() {
            symbols.insert(new_symbol);
        }
    }
    let last_close = symbols.iter().filter_map(|s| prices.last(s).map(|(d, _)| d)).max();
    let end = end.unwrap_or_else(|| events.last().copied().max(last_close).unwrap_or(first));
    let mut out: BTreeSet<NaiveDate> = events.into_iter().filter(|d| *d <= end).collect();
    for s in symbols {
        if let Some(series) = prices.series(s) {
            out.extend(series.range(first..=end).map(|(d, _)| *d));
        }
    }
    out.into_iter().collect()
}
