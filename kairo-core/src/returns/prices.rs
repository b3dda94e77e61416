//! Daily closing prices per symbol.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;

/// Daily closes by symbol and date (every price > 0), and the stock splits of the symbols when the closes are the
/// exchange's raw, unadjusted ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTable {
    series: HashMap<String, BTreeMap<NaiveDate, Decimal>>,
    /// Split ratios by symbol and ex-date.
    #[serde(default)]
    splits: HashMap<String, BTreeMap<NaiveDate, Decimal>>,
}

impl PriceTable {
    /// An empty table.
    pub fn new() -> Self {
        PriceTable::default()
    }

    /// Builds a table from `(symbol, date, close)` rows.
    pub fn from_rows<S: Into<String>>(
        rows: impl IntoIterator<Item = (S, NaiveDate, Decimal)>,
    ) -> Result<PriceTable, ReturnsError> {
        let mut t = PriceTable::new();
        for (symbol, date, close) in rows {
            t.insert(symbol, date, close)?;
        }
        Ok(t)
    }

    /// Sets the close of `symbol` on `date`, replacing any earlier value. Errors when `close` is not > 0.
    pub fn insert(&mut self, symbol: impl Into<String>, date: NaiveDate, close: Decimal) -> Result<(), ReturnsError> {
        let symbol = symbol.into();
        if close <= Decimal::ZERO {
            return Err(ReturnsError::NonPositivePrice { symbol, date, price: close });
        }
        self.series.entry(symbol).or_default().insert(date, close);
        Ok(())
    }

    /// The closes of `symbol`, by date.
    pub fn series(&self, symbol: &str) -> Option<&BTreeMap<NaiveDate, Decimal>> {
        self.series.get(symbol)
    }

    /// The symbols in the table, sorted.
    pub fn symbols(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self.series.keys().map(String::as_str).collect();
        s.sort_unstable();
        s
    }

    /// The close of `symbol` on `date`, or the last close before it (carried forward).
    pub fn close_on_or_before(&self, symbol: &str, date: NaiveDate) -> Option<Decimal> {
        self.series.get(symbol)?.range(..=date).next_back().map(|(_, c)| *c)
    }

    /// Records a split of `symbol` on `ex_date` (`ratio` new shares per old share: 10 for a 10-for-1). With splits
    /// the closes are taken as the exchange's raw closes: a valuation multiplies the shares held by the ratio on the
    /// ex-date, so the value runs on across the split. Closes already split-adjusted (Alpaca's `adjustment=split`
    /// or `all`) need no splits. Errors when `ratio` is not > 0.
    pub fn insert_split(
        &mut self,
        symbol: impl Into<String>,
        ex_date: NaiveDate,
        ratio: Decimal,
    ) -> Result<(), ReturnsError> {
        let symbol = symbol.into();
        if ratio <= Decimal::ZERO {
            return Err(ReturnsError::InvalidSplit { symbol, ratio });
        }
        self.splits.entry(symbol).or_default().insert(ex_date, ratio);
        Ok(())
    }

    /// Whether the table holds any split.
    pub fn has_splits(&self) -> bool {
        !self.splits.is_empty()
    }

    /// The product of the split ratios of `symbol` with ex-dates after `after` and on or before `until` (1 without
    /// any).
    pub fn split_ratio(&self, symbol: &str, after: Option<NaiveDate>, until: NaiveDate) -> Decimal {
        let Some(splits) = self.splits.get(symbol) else { return Decimal::ONE };
        let range = match after {
            Some(a) => splits.range((std::ops::Bound::Excluded(a), std::ops::Bound::Included(until))),
            None => splits.range(..=until),
        };
        range.fold(Decimal::ONE, |r, (_, x)| r * x)
    }

    /// Every split in the table, as the lot engine takes them
    /// ([`match_lots_with_splits`](crate::lots::match_lots_with_splits)).
    pub fn splits(&self) -> Vec<crate::lots::Split> {
        let mut out: Vec<crate::lots::Split> = self
            .splits
            .iter()
            .flat_map(|(symbol, s)| {
                s.iter().map(|(d, r)| crate::lots::Split { symbol: symbol.clone(), ex_date: *d, ratio: *r })
            })
            .collect();
        out.sort_by(|a, b| (a.ex_date, &a.symbol).cmp(&(b.ex_date, &b.symbol)));
        out
    }

    /// The latest close of `symbol` and its date.
    pub fn last(&self, symbol: &str) -> Option<(NaiveDate, Decimal)> {
        self.series.get(symbol)?.iter().next_back().map(|(d, c)| (*d, *c))
    }
}
