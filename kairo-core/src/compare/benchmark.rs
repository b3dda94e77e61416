//! What the portfolio is compared with: one symbol, or a blend of symbols rebalanced daily, monthly, quarterly,
//! yearly or bought and held ([`Rebalance`]).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rebalance::{held_levels, Rebalance};
use crate::error::ReturnsError;
use crate::returns::{PriceTable, ReturnSeries};
use crate::trade::{parse_decimal, validate_symbol};

/// A benchmark: `SPY`, or a weighted blend such as 60 % SPY + 40 % AGG, rebalanced to its weights every day (by
/// default), month, quarter or year, or bought and held; from the prices' first date, or from a start date with a
/// start value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    components: Vec<(String, Decimal)>,
    #[serde(default, skip_serializing_if = "is_daily")]
    rebalance: Rebalance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<NaiveDate>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    start_value: Decimal,
}

fn one() -> Decimal {
    Decimal::ONE
}

fn is_one(d: &Decimal) -> bool {
    *d == Decimal::ONE
}

fn is_daily(r: &Rebalance) -> bool {
    *r == Rebalance::Daily
}

/// The benchmark a comparison uses when none is named: SPY (the S&P 500 ETF), the seed's and most retail apps'
/// yardstick. Every surface that lets the benchmark be left out (Python's `compare`, Node's `compare`, HTTP's
/// `/comparative`) takes this one.
pub const DEFAULT_BENCHMARK: &str = "SPY";

impl Default for Benchmark {
    /// [`DEFAULT_BENCHMARK`].
    fn default() -> Self {
        Benchmark {
            components: vec![(DEFAULT_BENCHMARK.to_owned(), Decimal::ONE)],
            rebalance: Rebalance::Daily,
            start: None,
            start_value: Decimal::ONE,
        }
    }
}

impl Benchmark {
    /// A single-symbol benchmark.
    pub fn symbol(symbol: &str) -> Result<Benchmark, ReturnsError> {
        Benchmark::blend([(symbol, Decimal::ONE)])
    }

    /// A blend of symbols with weights > 0 that sum to 1 (within 1e-9). A symbol may appear once.
    ///
    /// ```
    /// use kairo_core::compare::Benchmark;
    /// use rust_decimal_macros::dec;
    /// assert!(Benchmark::blend([("SPY", dec!(0.6)), ("AGG", dec!(0.4))]).is_ok());
    /// assert!(Benchmark::blend([("SPY", dec!(0.6)), ("AGG", dec!(0.3))]).is_err());
    /// assert_eq!("SPY:0.6,AGG:0.4".parse::<Benchmark>().unwrap().to_string(), "SPY:0.6,AGG:0.4");
    /// ```
    pub fn blend<S: AsRef<str>>(components: impl IntoIterator<Item = (S, Decimal)>) -> Result<Benchmark, ReturnsError> {
        let invalid = |reason: String| ReturnsError::InvalidBenchmark { reason };
        let mut out: Vec<(String, Decimal)> = Vec::new();
        for (symbol, weight) in components {
            let symbol = symbol.as_ref().trim().to_owned();
            validate_symbol(&symbol).map_err(|e| invalid(e.to_string()))?;
            if weight <= Decimal::ZERO {
                return Err(invalid(format!("the weight of {symbol} must be greater than zero, got {weight}")));
            }
            if out.iter().any(|(s, _)| *s == symbol) {
                return Err(invalid(format!("{symbol} appears more than once")));
            }
            out.push((symbol, weight));
        }
        if out.is_empty() {
            return Err(invalid("no symbols".into()));
        }
        let total: Decimal = out.iter().map(|(_, w)| *w).sum();
        if (total - Decimal::ONE).abs() > Decimal::new(1, 9) {
            return Err(invalid(format!("weights must sum to 1, got {total}")));
        }
        Ok(Benchmark { components: out, rebalance: Rebalance::Daily, start: None, start_value: Decimal::ONE })
    }

    /// The blend rebalanced by `rule` instead of daily.
    ///
    /// ```
    /// use kairo_core::compare::{Benchmark, Rebalance};
    /// let b: Benchmark = "SPY:0.6,AGG:0.4@monthly".parse().unwrap();
    /// assert_eq!(b.rebalance(), Rebalance::Monthly);
    /// assert_eq!(b, Benchmark::blend([("SPY", rust_decimal_macros::dec!(0.6)), ("AGG", rust_decimal_macros::dec!(0.4))])
    ///     .unwrap().rebalanced(Rebalance::Monthly));
    /// ```
    pub fn rebalanced(mut self, rule: Rebalance) -> Benchmark {
        self.rebalance = rule;
        self
    }

    /// The benchmark held from `start` (its first common trading day on or after it), worth `value` there (> 0).
    pub fn starting(mut self, start: NaiveDate, value: Decimal) -> Result<Benchmark, ReturnsError> {
        if value <= Decimal::ZERO {
            return Err(ReturnsError::InvalidBenchmark { reason: format!("the start value must be > 0, got {value}") });
        }
        self.start = Some(start);
        self.start_value = value;
        Ok(self)
    }

    /// When the blend goes back to its weights.
    pub fn rebalance(&self) -> Rebalance {
        self.rebalance
    }

    /// The start date and value, when the benchmark has them.
    pub fn start(&self) -> Option<(NaiveDate, Decimal)> {
        self.start.map(|d| (d, self.start_value))
    }

    /// The (symbol, weight) pairs.
    pub fn components(&self) -> &[(String, Decimal)] {
        &self.components
    }

    /// The daily index level of the benchmark on the dates where every component has a close.
    ///
    /// A single symbol's level is its total-return index ([`PriceTable::return_index`]: its close, unless the table
    /// holds splits or dividends of it). A blend rebalanced daily starts at 1 on the first common date and moves by
    /// the weighted sum of its components' close-to-close returns, `Iₜ = Iₜ₋₁ · Σ wᵢ cᵢ,ₜ / cᵢ,ₜ₋₁`: the value of a
    /// portfolio rebalanced to the weights at every close. Another rule holds units between its rebalancings
    /// ([`Rebalance`]). With a start, the level is the benchmark's value from its first common date on or after the
    /// start, worth the start value there.
    pub fn levels(&self, prices: &PriceTable) -> Result<BTreeMap<NaiveDate, Decimal>, ReturnsError> {
        let mut indexes = Vec::with_capacity(self.components.len());
        for (symbol, weight) in &self.components {
            let s = prices.return_index(symbol).ok_or_else(|| ReturnsError::NoPrices { symbol: symbol.clone() })?;
            indexes.push((s, *weight));
        }
        let series: Vec<(&BTreeMap<NaiveDate, Decimal>, Decimal)> = indexes.iter().map(|(s, w)| (s, *w)).collect();
        if self.start.is_some() || (self.rebalance != Rebalance::Daily && series.len() > 1) {
            let out = held_levels(&series, self.rebalance, self.start, self.start_value);
            if out.is_empty() {
                return Err(ReturnsError::NoPrices { symbol: self.to_string() });
            }
            return Ok(out);
        }
        if indexes.len() == 1 {
            return Ok(indexes.swap_remove(0).0);
        }
        let mut out = BTreeMap::new();
        let mut previous: Option<Vec<Decimal>> = None;
        let mut level = Decimal::ONE;
        'dates: for &date in series[0].0.keys() {
            let mut closes = Vec::with_capacity(series.len());
            for (s, _) in &series {
                match s.get(&date) {
                    Some(c) => closes.push(*c),
                    None => continue 'dates,
                }
            }
            if let Some(prev) = &previous {
                let growth: Decimal =
                    series.iter().zip(closes.iter().zip(prev)).map(|((_, w), (c, p))| *w * *c / *p).sum();
                level *= growth;
            }
            out.insert(date, level);
            previous = Some(closes);
        }
        if out.is_empty() {
            return Err(ReturnsError::NoPrices { symbol: self.to_string() });
        }
        Ok(out)
    }

    /// The benchmark's daily return series (close to close of [`Benchmark::levels`]).
    pub fn returns(&self, prices: &PriceTable) -> Result<ReturnSeries, ReturnsError> {
        Ok(ReturnSeries::from_closes(&self.levels(prices)?))
    }
}

impl fmt::Display for Benchmark {
    /// `SPY` for a single symbol, `SPY:0.6,AGG:0.4` for a blend rebalanced daily, `SPY:0.6,AGG:0.4@monthly` for
    /// another rule (the start, a property of a stored benchmark, is not in the text).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [(symbol, _)] = self.components.as_slice() {
            return f.write_str(symbol);
        }
        let parts: Vec<String> = self.components.iter().map(|(s, w)| format!("{s}:{}", w.normalize())).collect();
        f.write_str(&parts.join(","))?;
        match self.rebalance {
            Rebalance::Daily => Ok(()),
            rule => write!(f, "@{rule}"),
        }
    }
}

impl FromStr for Benchmark {
    type Err = ReturnsError;

    /// Reads `SPY`, `SPY:0.6,AGG:0.4`, or a blend with its rebalancing rule, `SPY:0.6,AGG:0.4@quarterly`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((blend, rule)) = s.rsplit_once('@') {
            return Ok(blend.parse::<Benchmark>()?.rebalanced(rule.parse()?));
        }
        if !s.contains(':') {
            return Benchmark::symbol(s);
        }
        let mut parts = Vec::new();
        for part in s.split(',') {
            let (symbol, weight) = part.split_once(':').ok_or_else(|| ReturnsError::InvalidBenchmark {
                reason: format!("expected SYMBOL:WEIGHT, got {part:?}"),
            })?;
            let weight = parse_decimal("weight", weight)
                .map_err(|e| ReturnsError::InvalidBenchmark { reason: format!("{symbol}: {e}") })?;
            parts.push((symbol.to_owned(), weight));
        }
        Benchmark::blend(parts)
    }
}
