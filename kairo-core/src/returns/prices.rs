//! Daily closing prices per symbol.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;

/// Daily closes by symbol and date (every price > 0), and, when the closes are the exchange's raw, unadjusted ones,
/// the symbols' stock splits and cash dividends.
///
/// kairo's prices are raw closes plus corporate actions: a user's fills are at the prices of their day, so a
/// position is valued at raw closes with its shares multiplied on a split's ex-date, and a dividend is income on
/// its ex-date. A benchmark's level ([`PriceTable::return_index`]) is the total-return index of its closes, splits
/// and dividends (dividends reinvested at the ex-date close), the same index that split- and dividend-adjusted
/// closes describe.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Closes by symbol, each shared (a service keeps a symbol's closes decoded once for every request).
    series: HashMap<String, Arc<BTreeMap<NaiveDate, Decimal>>>,
    /// Split ratios by symbol and ex-date.
    #[serde(default)]
    splits: HashMap<String, BTreeMap<NaiveDate, Decimal>>,
    /// Cash dividends per share by symbol and ex-date.
    #[serde(default)]
    dividends: HashMap<String, BTreeMap<NaiveDate, Decimal>>,
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
        Arc::make_mut(self.series.entry(symbol).or_default()).insert(date, close);
        Ok(())
    }

    /// The closes of `symbol`, by date.
    pub fn series(&self, symbol: &str) -> Option<&BTreeMap<NaiveDate, Decimal>> {
        self.series.get(symbol).map(|s| &**s)
    }

    /// Sets every close of `symbol` at once from closes shared with their owner (not copied), replacing any
    /// before. Errors, inserting nothing, when a close is not > 0.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use std::sync::Arc;
    /// use kairo_core::returns::PriceTable;
    /// use rust_decimal_macros::dec;
    /// let closes = Arc::new(BTreeMap::from([("2024-01-02".parse().unwrap(), dec!(472.65))]));
    /// let mut table = PriceTable::new();
    /// table.insert_closes("SPY", closes.clone()).unwrap();
    /// assert_eq!(table.last("SPY").unwrap().1, dec!(472.65));
    /// assert_eq!(Arc::strong_count(&closes), 2); // shared, not copied
    /// ```
    pub fn insert_closes(
        &mut self,
        symbol: impl Into<String>,
        closes: Arc<BTreeMap<NaiveDate, Decimal>>,
    ) -> Result<(), ReturnsError> {
        let symbol = symbol.into();
        if let Some((date, price)) = closes.iter().find(|(_, c)| **c <= Decimal::ZERO) {
            return Err(ReturnsError::NonPositivePrice { symbol, date: *date, price: *price });
        }
        self.series.insert(symbol, closes);
        Ok(())
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
        let Some(splits) = self.splits.get(symbol).filter(|_| after.is_none_or(|a| a < until)) else {
            return Decimal::ONE;
        };
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

    /// Records a cash dividend of `per_share` on `symbol` with ex-date `ex_date` (several on one date add up).
    /// A holder of the shares at the close before the ex-date is paid it; with a split on the same ex-date it is per
    /// share after the split. Errors when `per_share` is not > 0.
    pub fn insert_dividend(
        &mut self,
        symbol: impl Into<String>,
        ex_date: NaiveDate,
        per_share: Decimal,
    ) -> Result<(), ReturnsError> {
        let symbol = symbol.into();
        if per_share <= Decimal::ZERO {
            return Err(ReturnsError::InvalidDividend { symbol, per_share });
        }
        *self.dividends.entry(symbol).or_default().entry(ex_date).or_default() += per_share;
        Ok(())
    }

    /// Whether the table holds any dividend.
    pub fn has_dividends(&self) -> bool {
        !self.dividends.is_empty()
    }

    /// The dividends per share of `symbol` with ex-dates after `after` and on or before `until`, each in shares of
    /// `until` (a dividend before a split is divided by the ratio of the splits after it).
    pub fn dividend_per_share(&self, symbol: &str, after: Option<NaiveDate>, until: NaiveDate) -> Decimal {
        let Some(dividends) = self.dividends.get(symbol).filter(|_| after.is_none_or(|a| a < until)) else {
            return Decimal::ZERO;
        };
        let range = match after {
            Some(a) => dividends.range((std::ops::Bound::Excluded(a), std::ops::Bound::Included(until))),
            None => dividends.range(..=until),
        };
        range.map(|(d, x)| x / self.split_ratio(symbol, Some(*d), until)).sum()
    }

    /// The dividends per share of `symbol` with ex-dates in `(after, until]`, each in the shares of its ex-date.
    pub fn dividends_between(
        &self,
        symbol: &str,
        after: NaiveDate,
        until: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, Decimal)> + '_ {
        self.dividends.get(symbol).filter(|_| after < until).into_iter().flat_map(move |d| {
            d.range((std::ops::Bound::Excluded(after), std::ops::Bound::Included(until))).map(|(d, x)| (*d, *x))
        })
    }

    /// The total-return index of `symbol` on each date it has a close: its first close, then
    ///
    /// ```text
    /// Iₜ = Iₜ₋₁ · sₜ · (cₜ + dₜ) / cₜ₋₁
    /// ```
    ///
    /// with `sₜ` the product of the split ratios and `dₜ` the dividends per (post-split) share with ex-dates in
    /// `(t−1, t]`: one share held at the close of `t−1` is `sₜ` shares worth `cₜ` each and paid `dₜ` each
    /// (CRSP's holding-period return; the return that Alpaca's `adjustment=all` closes give, and empyrical's
    /// convention for total-return prices). Without splits or dividends it is the closes themselves.
    pub fn return_index(&self, symbol: &str) -> Option<BTreeMap<NaiveDate, Decimal>> {
        let closes = self.series.get(symbol)?;
        if !self.splits.contains_key(symbol) && !self.dividends.contains_key(symbol) {
            return Some((**closes).clone());
        }
        let mut out = BTreeMap::new();
        let mut previous: Option<(NaiveDate, Decimal, Decimal)> = None;
        for (&date, &close) in closes.iter() {
            let level = match previous {
                None => close,
                Some((prev_date, prev_close, prev_level)) => {
                    let ratio = self.split_ratio(symbol, Some(prev_date), date);
                    let income = self.dividend_per_share(symbol, Some(prev_date), date);
                    prev_level * ratio * (close + income) / prev_close
                }
            };
            out.insert(date, level);
            previous = Some((date, close, level));
        }
        Some(out)
    }

    /// The latest close of `symbol` and its date.
    pub fn last(&self, symbol: &str) -> Option<(NaiveDate, Decimal)> {
        self.series.get(symbol)?.iter().next_back().map(|(d, c)| (*d, *c))
    }
}
