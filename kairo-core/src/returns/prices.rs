//! Daily closing prices per symbol.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;

/// Daily closes by symbol and date. Every price is > 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTable {
    series: HashMap<String, BTreeMap<NaiveDate, Decimal>>,
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

    /// The latest close of `symbol` and its date.
    pub fn last(&self, symbol: &str) -> Option<(NaiveDate, Decimal)> {
        self.series.get(symbol)?.iter().next_back().map(|(d, c)| (*d, *c))
    }
}
