//! Stock splits, as the lot and wash-sale engines apply them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A stock split (or reverse split) of `symbol`: on `ex_date` every share held becomes `ratio` shares (10 for NVDA's
/// 10-for-1 of 2024-06-10, 0.1 for a 1-for-10 reverse split). Cash in lieu of a fractional share after a reverse
/// split is a sale of that fraction, which the broker reports as a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The symbol.
    pub symbol: String,
    /// The first trading day the shares trade split.
    pub ex_date: NaiveDate,
    /// New shares per old share (greater than zero).
    pub ratio: Decimal,
}

/// `splits` in ex-date order, each checked (a ratio greater than zero), as the engines apply them.
pub(crate) fn in_order(splits: &[Split]) -> Result<Vec<&Split>, crate::error::LotError> {
    if let Some(bad) = splits.iter().find(|s| s.ratio <= Decimal::ZERO) {
        return Err(crate::error::LotError::InvalidSplit { symbol: bad.symbol.clone(), ratio: bad.ratio });
    }
    let mut ordered: Vec<&Split> = splits.iter().collect();
    ordered.sort_by_key(|s| s.ex_date);
    Ok(ordered)
}
