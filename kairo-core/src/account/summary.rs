//! An account's totals over its history: where its money came from and went, and its returns on the account basis.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::valuation::{account_valuations, AccountOptions};
use crate::activity::{Activity, ActivityKind};
use crate::error::ReturnsError;
use crate::history::Trades;
use crate::report::Value;
use crate::returns::{xirr, PriceTable};

/// An account's totals from the start of its history to its last valuation.
///
/// `total_pnl = ending_value − opening_cash − deposits + withdrawals − transfers_in + transfers_out`, which is
/// `price_pnl + income − fees − taxes`: the price P&L of the positions (trade fees included, realized and
/// unrealized), plus dividends and interest, less the fees and taxes charged outside fills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSummary {
    /// The first day valued.
    pub start: NaiveDate,
    /// The last day valued.
    pub end: NaiveDate,
    /// Cash before the history.
    pub opening_cash: Decimal,
    /// Cash deposited.
    pub deposits: Decimal,
    /// Cash withdrawn.
    pub withdrawals: Decimal,
    /// Market value of shares transferred in, on their day.
    pub transfers_in: Decimal,
    /// Market value of shares transferred out, on their day.
    pub transfers_out: Decimal,
    /// Dividends received (net of dividends paid on shorts).
    pub dividends: Decimal,
    /// Interest received (net of interest charged).
    pub interest: Decimal,
    /// Fees charged outside fills.
    pub fees: Decimal,
    /// Fees charged on fills.
    pub trade_fees: Decimal,
    /// Taxes withheld.
    pub taxes: Decimal,
    /// Cash at the end.
    pub ending_cash: Decimal,
    /// Positions at the end, at their last closes.
    pub ending_positions_value: Decimal,
    /// Cash plus positions at the end.
    pub ending_value: Decimal,
    /// What the account gained over the money put in (see above).
    pub total_pnl: Decimal,
    /// Dividends plus interest.
    pub income: Decimal,
    /// `total_pnl − income + fees + taxes`: what the positions made.
    pub price_pnl: Decimal,
    /// Time-weighted return over the whole history, `Π(1 + rₜ) − 1` of the daily account returns.
    pub time_weighted_return: f64,
    /// The time-weighted return per year, `(1 + TWR)^(365 / days) − 1`, for a history of a year or more (GIPS does
    /// not annualize shorter periods).
    pub annualized_return: Option<f64>,
    /// The money-weighted return (XIRR of the external flows and the ending value, per year); `None` when no rate
    /// solves it.
    pub money_weighted_return: Option<f64>,
}

impl AccountSummary {
    /// The summary as a report's fields ([`report`](crate::report)).
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        let opt = |x: Option<f64>| x.map_or(Value::Null, Value::Float);
        vec![
            ("start", Value::Date(self.start)),
            ("end", Value::Date(self.end)),
            ("opening_cash", Value::Money(self.opening_cash)),
            ("deposits", Value::Money(self.deposits)),
            ("withdrawals", Value::Money(self.withdrawals)),
            ("transfers_in", Value::Money(self.transfers_in)),
            ("transfers_out", Value::Money(self.transfers_out)),
            ("dividends", Value::Money(self.dividends)),
            ("interest", Value::Money(self.interest)),
            ("fees", Value::Money(self.fees)),
            ("trade_fees", Value::Money(self.trade_fees)),
            ("taxes", Value::Money(self.taxes)),
            ("ending_cash", Value::Money(self.ending_cash)),
            ("ending_positions_value", Value::Money(self.ending_positions_value)),
            ("ending_value", Value::Money(self.ending_value)),
            ("total_pnl", Value::Money(self.total_pnl)),
            ("income", Value::Money(self.income)),
            ("price_pnl", Value::Money(self.price_pnl)),
            ("time_weighted_return", Value::Float(self.time_weighted_return)),
            ("annualized_return", opt(self.annualized_return)),
            ("money_weighted_return", opt(self.money_weighted_return)),
        ]
    }
}

/// The totals and returns of the account of `trades` and `activities` ([`AccountSummary`]); `None` for an account
/// with nothing to value.
pub fn account_summary<T: Trades + ?Sized>(
    trades: &T,
    activities: &[Activity],
    prices: &PriceTable,
    options: &AccountOptions,
) -> Result<Option<AccountSummary>, ReturnsError> {
    let days = account_valuations(trades, activities, prices, options)?;
    let (Some(first), Some(last)) = (days.first(), days.last()) else { return Ok(None) };
    let end = options.end.map_or(last.date, |e| e.min(last.date));
    let zero = Decimal::ZERO;
    let (mut deposits, mut withdrawals, mut dividends, mut interest, mut fees, mut taxes) =
        (zero, zero, zero, zero, zero, zero);
    for a in activities.iter().filter(|a| a.date() <= end) {
        match a.kind() {
            ActivityKind::Deposit { amount } => deposits += *amount,
            ActivityKind::Withdrawal { amount } => withdrawals += *amount,
            ActivityKind::Dividend { amount, .. } => dividends += *amount,
            ActivityKind::Interest { amount } => interest += *amount,
            ActivityKind::Fee { amount, .. } => fees += *amount,
            ActivityKind::Tax { amount, .. } => taxes += *amount,
            _ => {}
        }
    }
    let ordered = trades.ordered()?;
    let trade_fees: Decimal = ordered.iter().filter(|t| t.trade_date() <= end).map(|t| t.fees).sum();
    let transfers_in: Decimal = days.iter().map(|d| d.inflow).sum::<Decimal>() - deposits;
    let transfers_out: Decimal = days.iter().map(|d| d.outflow).sum::<Decimal>() - withdrawals;
    let total_pnl = last.value - options.opening_cash - deposits + withdrawals - transfers_in + transfers_out;
    let income = dividends + interest;
    let twr = days.iter().fold(1.0, |g, d| g * (1.0 + d.daily_return)) - 1.0;
    let span = (last.date - first.date).num_days();
    let annualized_return = (span >= 365).then(|| (1.0 + twr).powf(365.0 / span as f64) - 1.0);
    // The investor's flows: money in is paid (negative), money out and the ending value received.
    let mut flows: Vec<(NaiveDate, Decimal)> = Vec::with_capacity(days.len() + 2);
    if !options.opening_cash.is_zero() {
        flows.push((first.date, -options.opening_cash));
    }
    for d in &days {
        let net = d.outflow - d.inflow;
        if !net.is_zero() {
            flows.push((d.date, net));
        }
    }
    flows.push((last.date, last.value));
    let money_weighted_return = xirr(&flows).ok();
    Ok(Some(AccountSummary {
        start: first.date,
        end: last.date,
        opening_cash: options.opening_cash,
        deposits,
        withdrawals,
        transfers_in,
        transfers_out,
        dividends,
        interest,
        fees,
        trade_fees,
        taxes,
        ending_cash: last.cash,
        ending_positions_value: last.positions_value,
        ending_value: last.value,
        total_pnl,
        income,
        price_pnl: total_pnl - income + fees + taxes,
        time_weighted_return: twr,
        annualized_return,
        money_weighted_return,
    }))
}
