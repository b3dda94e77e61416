//! Daily returns of a set of symbols from a [`PriceTable`]: each symbol's total-return index (splits and cash
//! dividends applied, [`PriceTable::return_index`]) on the dates every symbol has a close, the last `lookback`
//! returns. This is how the service turns its stored Alpaca closes into an optimizer's input.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::data::Returns;
use super::error::OptimizeError;
use crate::returns::PriceTable;

/// The last `lookback` daily returns of `symbols` (their order kept) over the dates all of them share, and the
/// last of those dates.
pub fn returns_from_table(
    table: &PriceTable,
    symbols: &[String],
    lookback: usize,
) -> Result<(Returns, NaiveDate), OptimizeError> {
    if symbols.is_empty() {
        return Err(OptimizeError::shape("symbols", "no symbols to optimize"));
    }
    let mut indexes: Vec<BTreeMap<NaiveDate, Decimal>> = Vec::with_capacity(symbols.len());
    for s in symbols {
        indexes.push(
            table.return_index(s).ok_or_else(|| OptimizeError::bad_value("prices", format!("no closes of {s}")))?,
        );
    }
    let shortest = indexes.iter().enumerate().min_by_key(|(_, ix)| ix.len()).map_or(0, |(i, _)| i);
    let dates: Vec<NaiveDate> =
        indexes[shortest].keys().copied().filter(|d| indexes.iter().all(|ix| ix.contains_key(d))).collect();
    let take = dates.len().min(lookback.saturating_add(1));
    if take < 3 {
        return Err(OptimizeError::shape(
            "prices",
            format!("the symbols share {} days of closes; at least 3 are needed", dates.len()),
        ));
    }
    let dates = &dates[dates.len() - take..];
    let mut prices = Vec::with_capacity(take * symbols.len());
    for ix in &indexes {
        prices.extend(dates.iter().map(|d| ix[d].to_f64().unwrap_or(f64::NAN)));
    }
    let last = dates[take - 1];
    Ok((Returns::from_prices(&prices, take, symbols.len())?, last))
}
