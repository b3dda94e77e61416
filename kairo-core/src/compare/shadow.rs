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
    for t in trades {
        let date = t.trade_date();
        let level = levels
            .range(..=date)
            .next_back()
            .map(|(_, l)| *l)
            .ok_or_else(|| ReturnsError::NoPrices { symbol: format!("{label} on or before {date}") })?;
        let overflow = || ReturnsError::Overflow { quantity: "the shadow benchmark position" };
        let flow = t.cash_flow();
        if flow >= Decimal::ZERO {
            contributions = contributions.checked_add(flow).ok_or_else(overflow)?;
        } else {
            withdrawals = withdrawals.checked_sub(flow).ok_or_else(overflow)?;
        }
        units = flow.checked_div(level).and_then(|u| units.checked_add(u)).ok_or_else(overflow)?;
        units_after.insert(date, units);
    }
    Ok((units_after, units, contributions, withdrawals))
}
