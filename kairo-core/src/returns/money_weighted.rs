//! Money-weighted returns: the internal rate of return of dated cash flows ([`xirr`], as Excel's `XIRR` and
//! `pyxirr` define it), and the modified Dietz return of one period ([`modified_dietz`], the approximation GIPS
//! allows for sub-periods between valuations).
//!
//! A time-weighted return measures the investments, whatever the timing of the money put in; a money-weighted
//! return measures the investor's experience, timing included. Retail apps show both.
//!
//! Amounts are money (`Decimal`); the rates are statistics (`f64`), solved in floating point.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use std::collections::BTreeMap;

use crate::error::ReturnsError;
use crate::history::Trades;
use crate::returns::PriceTable;
use crate::trade::Side;

/// Days in Excel's XIRR year.
const YEAR_DAYS: f64 = 365.0;

/// Largest absolute rate searched (a 10⁹ × return a year): a rate beyond it is reported as none.
const MAX_RATE: f64 = 1e9;

fn invalid(reason: impl Into<String>) -> ReturnsError {
    ReturnsError::InvalidFlows { reason: reason.into() }
}

/// The annual internal rate of return of dated cash flows: the rate `r` with
/// `Σ amount_i / (1 + r)^((date_i − date_0) / 365) = 0`, `date_0` the earliest date (Microsoft Excel's `XIRR`;
/// `pyxirr.xirr` gives the same). Amounts use Excel's signs: money paid into the investment is negative, money
/// received (withdrawals, the final value) positive. Dates may come in any order.
///
/// The rate is found by Newton's method from 10 % (Excel's default guess), and, when that does not settle, by
/// bisection over a bracket where the sum changes sign; it is exact to about 1e-12. Errors: fewer than two flows,
/// no negative or no positive amount ([`ReturnsError::InvalidFlows`]), or no rate above −100 % that zeroes the sum
/// ([`ReturnsError::NoRate`]).
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::returns::xirr;
/// use rust_decimal_macros::dec;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// // Microsoft's XIRR documentation example: 0.373362535 (pyxirr: 0.3733625335).
/// let flows = [
///     (d(2008, 1, 1), dec!(-10000)),
///     (d(2008, 3, 1), dec!(2750)),
///     (d(2008, 10, 30), dec!(4250)),
///     (d(2009, 2, 15), dec!(3250)),
///     (d(2009, 4, 1), dec!(2750)),
/// ];
/// assert!((xirr(&flows).unwrap() - 0.3733625335).abs() < 1e-9);
/// ```
pub fn xirr(flows: &[(NaiveDate, Decimal)]) -> Result<f64, ReturnsError> {
    if flows.len() < 2 {
        return Err(invalid("an internal rate of return needs at least two cash flows"));
    }
    if !flows.iter().any(|(_, a)| a.is_sign_negative() && !a.is_zero())
        || !flows.iter().any(|(_, a)| *a > Decimal::ZERO)
    {
        return Err(invalid("the cash flows need at least one payment (negative) and one receipt (positive)"));
    }
    let first = flows.iter().map(|(d, _)| *d).min().unwrap_or_default();
    // Flows of one date discount alike: summed first, the solver's work is one term per date (an active trader's
    // 100,000 fills are a few thousand dates).
    let mut by_date: std::collections::BTreeMap<NaiveDate, f64> = std::collections::BTreeMap::new();
    for (d, a) in flows {
        *by_date.entry(*d).or_default() += a.to_f64().unwrap_or(f64::NAN);
    }
    let points: Vec<(f64, f64)> =
        by_date.into_iter().map(|(d, a)| ((d - first).num_days() as f64 / YEAR_DAYS, a)).collect();
    if points.iter().any(|(_, a)| !a.is_finite()) {
        return Err(invalid("an amount is beyond the range of a floating-point rate computation"));
    }
    // f(r) = Σ a (1+r)^-t and its derivative, with x = ln(1+r) for accuracy near −100 %.
    let f = |r: f64| -> (f64, f64) {
        let x = (1.0 + r).ln();
        points.iter().fold((0.0, 0.0), |(v, dv), &(t, a)| {
            let disc = (-t * x).exp();
            (v + a * disc, dv - t * a * disc / (1.0 + r))
        })
    };
    let scale: f64 = points.iter().map(|(_, a)| a.abs()).sum::<f64>().max(f64::MIN_POSITIVE);
    let settled = |r: f64| r.is_finite() && r > -1.0 && f(r).0.abs() <= 1e-10 * scale;
    let mut r = 0.1;
    for _ in 0..100 {
        let (v, dv) = f(r);
        if !v.is_finite() || !dv.is_finite() || dv == 0.0 {
            break;
        }
        let next = r - v / dv;
        if !next.is_finite() || next <= -1.0 {
            break;
        }
        if (next - r).abs() <= 1e-13 * r.abs().max(1.0) {
            if settled(next) {
                return Ok(next);
            }
            break;
        }
        r = next;
    }
    // Bisection over the first bracket, searched outwards from the guess.
    let grid = [
        0.1,
        0.0,
        0.5,
        -0.5,
        1.0,
        -0.9,
        2.0,
        -0.99,
        5.0,
        -0.999,
        10.0,
        -0.9999,
        100.0,
        -0.999999,
        1e4,
        -1.0 + 1e-9,
        1e6,
        MAX_RATE,
    ];
    let mut brackets: Vec<(f64, f64)> = Vec::new();
    let mut sorted = grid.to_vec();
    sorted.sort_by(f64::total_cmp);
    for w in sorted.windows(2) {
        let (a, b) = (w[0], w[1]);
        if f(a).0.signum() != f(b).0.signum() {
            brackets.push((a, b));
        }
    }
    // the bracket nearest the guess of 10 %
    brackets.sort_by(|x, y| {
        let dist =
            |(a, b): &(f64, f64)| if (*a..=*b).contains(&0.1) { 0.0 } else { (a - 0.1).abs().min((b - 0.1).abs()) };
        dist(x).total_cmp(&dist(y))
    });
    let Some(&(mut lo, mut hi)) = brackets.first() else {
        return Err(ReturnsError::NoRate {
            reason: "the cash flows' present value does not change sign for any rate above -100 %",
        });
    };
    let sign_lo = f(lo).0.signum();
    for _ in 0..400 {
        let mid = 0.5 * (lo + hi);
        if f(mid).0.signum() == sign_lo {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * mid.abs().max(1.0) {
            break;
        }
    }
    let root = 0.5 * (lo + hi);
    if settled(root) || (hi - lo) <= 1e-12 * root.abs().max(1.0) {
        Ok(root)
    } else {
        Err(ReturnsError::NoRate { reason: "no rate zeroes the cash flows' present value" })
    }
}

/// The modified Dietz return of a period (GIPS; Dietz 1968):
/// `(end_value − start_value − Σ flow_i) / (start_value + Σ w_i × flow_i)`, `w_i = (days − day_i) / days`, where
/// `days` is the period's length in calendar days and `day_i` the days from its start to flow `i`. Flows use the
/// portfolio's signs: money put in (a deposit, a transfer in) positive, money taken out negative; a flow on the
/// start date weighs 1, one on the end date 0.
///
/// Errors ([`ReturnsError::InvalidFlows`]): an end not after the start, a flow outside the period, or an average
/// capital (the denominator) of zero or less.
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::returns::modified_dietz;
/// use rust_decimal_macros::dec;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// // $1,000 at the start of a 30-day month, $500 put in on day 10 (weight 20/30), $1,600 at the end:
/// // (1600 − 1000 − 500) / (1000 + 500 × 20/30) = 100 / 1333.33 = 7.5 %.
/// let r = modified_dietz(dec!(1000), dec!(1600), &[(d(2024, 6, 11), dec!(500))], d(2024, 6, 1), d(2024, 7, 1)).unwrap();
/// assert!((r - 0.075).abs() < 1e-12);
/// ```
pub fn modified_dietz(
    start_value: Decimal,
    end_value: Decimal,
    flows: &[(NaiveDate, Decimal)],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<f64, ReturnsError> {
    let days = (end - start).num_days();
    if days <= 0 {
        return Err(invalid("the period's end must be after its start"));
    }
    let mut net = Decimal::ZERO;
    let mut weighted = Decimal::ZERO;
    for (date, amount) in flows {
        if *date < start || *date > end {
            return Err(invalid(format!("the flow of {date} is outside the period {start} to {end}")));
        }
        net = net.checked_add(*amount).ok_or_else(|| invalid("the flows' sum is beyond exact decimal range"))?;
        let w = Decimal::from(days - (*date - start).num_days()) / Decimal::from(days);
        weighted = amount
            .checked_mul(w)
            .and_then(|x| weighted.checked_add(x))
            .ok_or_else(|| invalid("the weighted flows are beyond exact decimal range"))?;
    }
    let gain = end_value - start_value - net;
    let capital = start_value + weighted;
    if capital <= Decimal::ZERO {
        return Err(invalid("the average capital invested over the period is zero or negative"));
    }
    let rate = gain.checked_div(capital).ok_or_else(|| invalid("the return is beyond exact decimal range"))?;
    Ok(rate.to_f64().unwrap_or(f64::NAN))
}

/// The cash flows of trading `trades`, seen from the investor: each purchase a payment (its cost with fees,
/// negative), each sale a receipt (its proceeds net of fees), and the positions still open a receipt of their value
/// at their last close in `prices`, on the latest of those closes and the last trade date (a short position's value
/// is a payment). With raw closes and corporate actions in `prices`, the shares held are multiplied on each split's
/// ex-date and each dividend on the shares held is a receipt on its ex-date. Their [`xirr`] is the money-weighted return of the trading, on the positions-only basis (cash
/// that was not invested is not seen).
pub fn position_flows<T: Trades + ?Sized>(
    trades: &T,
    prices: &PriceTable,
) -> Result<Vec<(NaiveDate, Decimal)>, ReturnsError> {
    let ordered = trades.ordered()?;
    let mut flows = Vec::with_capacity(ordered.len() + 1);
    // Shares held by symbol, in the shares of the date they were last brought up to.
    let mut held: BTreeMap<&str, (Decimal, NaiveDate)> = BTreeMap::new();
    let mut last_date = None;
    for t in ordered.iter() {
        let date = t.trade_date();
        let amount = match t.side {
            Side::Buy => -(t.notional() + t.fees),
            Side::Sell => t.notional() - t.fees,
        };
        let (q, since) = held.entry(t.symbol.as_str()).or_insert((Decimal::ZERO, date));
        *q = carry(prices, t.symbol.as_str(), *q, *since, date, &mut flows);
        *since = date;
        flows.push((date, amount));
        *q = match t.side {
            Side::Buy => *q + t.qty,
            Side::Sell => *q - t.qty,
        };
        last_date = Some(date);
    }
    let mut value = Decimal::ZERO;
    let mut value_date = last_date;
    for (symbol, (qty, since)) in held.into_iter().filter(|(_, (q, _))| !q.is_zero()) {
        let (date, close) = prices.last(symbol).ok_or_else(|| ReturnsError::NoPrices { symbol: symbol.to_owned() })?;
        let qty = carry(prices, symbol, qty, since, date.max(since), &mut flows);
        value += qty * close;
        value_date = value_date.max(Some(date));
    }
    if let Some(date) = value_date.filter(|_| !value.is_zero()) {
        flows.push((date, value));
    }
    Ok(flows)
}

/// `qty` shares of `symbol` held from `since` to `until`, in shares of `until` (splits with ex-dates in
/// `(since, until]` applied), the dividends paid on them in that span pushed as receipts on their ex-dates.
fn carry(
    prices: &PriceTable,
    symbol: &str,
    qty: Decimal,
    since: NaiveDate,
    until: NaiveDate,
    flows: &mut Vec<(NaiveDate, Decimal)>,
) -> Decimal {
    if qty.is_zero() || since >= until {
        return qty;
    }
    for (ex_date, per_share) in prices.dividends_between(symbol, since, until) {
        flows.push((ex_date, qty * prices.split_ratio(symbol, Some(since), ex_date) * per_share));
    }
    qty * prices.split_ratio(symbol, Some(since), until)
}

/// The money-weighted return (the [`xirr`] of [`position_flows`]) of trading `trades`, valued at `prices`.
///
/// ```
/// use kairo_core::returns::{money_weighted_return, PriceTable};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// // Bought 10 at $100 a year before a close of $110: 10 % a year.
/// let trades = [Trade::new("b", "u", "X", Side::Buy, dec!(10), dec!(100), at("2023-01-03")).unwrap()];
/// let mut prices = PriceTable::new();
/// prices.insert("X".to_owned(), "2024-01-03".parse().unwrap(), dec!(110)).unwrap();
/// assert!((money_weighted_return(&trades, &prices).unwrap() - 0.1).abs() < 1e-9);
/// ```
pub fn money_weighted_return<T: Trades + ?Sized>(trades: &T, prices: &PriceTable) -> Result<f64, ReturnsError> {
    xirr(&position_flows(trades, prices)?)
}
