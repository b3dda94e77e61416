//! The same-dollar shadow benchmark: what the user's cash flows would have earned in the benchmark.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;
use crate::trade::Trade;

/// The shadow account at the end of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowBenchmark {
    /// Dollars that went in: the cost of every buy, fees included.
    pub contributions: Decimal,
    /// Dollars that came out: the net proceeds of every sell.
    pub withdrawals: Decimal,
    /// Benchmark units held at the end (index units for a blend). Negative when the user withdrew more than the
    /// shadow was worth: the shadow then owes the benchmark's performance on the difference.
    pub units: Decimal,
    /// `units × level` at the last date.
    pub final_value: Decimal,
    /// `final_value + withdrawals − contributions`: the shadow's profit, comparable with the user's
    /// realized + unrealized P&L.
    pub pnl: Decimal,
}

/// Replays `trades` (already validated and in chronological order) into the benchmark: each buy's cost buys
/// benchmark units at that day's level (the close, or the last close before it), each sell's net proceeds sells
/// units at that day's level. Returns the units held after each trade date, keyed by date, and the totals.
pub(crate) fn replay(
    trades: &[&Trade],
    levels: &BTreeMap<NaiveDate, Decimal>,
    label: &str,
) -> Result<(BTreeMap<NaiveDate, Decimal>, Decimal, Decimal, Decimal), ReturnsError> {
    let mut units = Decimal::ZERO;
    let (mut contributions, mut withdrawals) = (Decimal::ZERO, Decimal::ZERO);
    let mut units_after = BTreeMap::new();
    // The trades come in execution order, so the level on or before each one's date is found by walking the
    // levels once, and the units are recorded once per date (the last trade of the date's).
    let mut next_levels = levels.iter().peekable();
    let mut level_now: Option<Decimal> = None;
    let mut day: Option<NaiveDate> = None;
    for t in trades {
        let date = t.trade_date();
        if let Some(d) = day.filter(|d| *d != date) {
            units_after.insert(d, units);
        }
        day = Some(date);
        while let Some((_, l)) = next_levels.next_if(|(d, _)| **d <= date) {
            level_now = Some(*l);
        }
        let level =
            level_now.ok_or_else(|| ReturnsError::NoPrices { symbol: format!("{label} on or before {date}") })?;
        let overflow = || ReturnsError::Overflow { quantity: "the shadow benchmark position" };
        let flow = t.cash_flow();
        if flow >= Decimal::ZERO {
            contributions = contributions.checked_add(flow).ok_or_else(overflow)?;
        } else {
            withdrawals = withdrawals.checked_sub(flow).ok_or_else(overflow)?;
        }
        units = flow.checked_div(level).and_then(|u| units.checked_add(u)).ok_or_else(overflow)?;
    }
    if let Some(d) = day {
        units_after.insert(d, units);
    }
    Ok((units_after, units, contributions, withdrawals))
}
