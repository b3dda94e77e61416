//! When a blended benchmark goes back to its weights, and the value of a blend held between rebalancings.
//!
//! A blend is a portfolio: at its start it buys each component for its weight of the start value; between
//! rebalancings it holds those units, so its value moves with the components' total-return indexes,
//! `Vₜ = Σ uᵢ · cᵢ,ₜ`; at a rebalancing it sells and buys back to the weights at that close,
//! `uᵢ = wᵢ · Vₜ / cᵢ,ₜ` (no costs, no cash). Rebalancing happens at the close of the first common trading day of
//! each period (month, quarter, year), as index providers and backtests such as bt's `RunMonthly` do on their
//! first day; daily rebalancing is the classic constant-mix index, `Vₜ = Vₜ₋₁ · Σ wᵢ cᵢ,ₜ / cᵢ,ₜ₋₁`; buy-and-hold
//! never rebalances (the weights drift with the components).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ReturnsError;

/// When a blend is brought back to its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rebalance {
    /// At every close (the constant-mix index; a blend's default).
    #[default]
    Daily,
    /// At the close of the first trading day of each month.
    Monthly,
    /// At the close of the first trading day of each calendar quarter.
    Quarterly,
    /// At the close of the first trading day of each year.
    Yearly,
    /// Never: bought at the start, held.
    BuyAndHold,
}

impl Rebalance {
    /// Every rule, in the order of [`Rebalance::as_str`]'s names.
    pub const ALL: [Rebalance; 5] =
        [Rebalance::Daily, Rebalance::Monthly, Rebalance::Quarterly, Rebalance::Yearly, Rebalance::BuyAndHold];

    /// `daily`, `monthly`, `quarterly`, `yearly` or `buy_and_hold`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rebalance::Daily => "daily",
            Rebalance::Monthly => "monthly",
            Rebalance::Quarterly => "quarterly",
            Rebalance::Yearly => "yearly",
            Rebalance::BuyAndHold => "buy_and_hold",
        }
    }

    /// Whether `date`, the trading day after `previous`, starts a new period (so the blend rebalances at its close).
    pub fn starts_period(self, previous: NaiveDate, date: NaiveDate) -> bool {
        match self {
            Rebalance::Daily => true,
            Rebalance::Monthly => (previous.year(), previous.month()) != (date.year(), date.month()),
            Rebalance::Quarterly => (previous.year(), previous.month0() / 3) != (date.year(), date.month0() / 3),
            Rebalance::Yearly => previous.year() != date.year(),
            Rebalance::BuyAndHold => false,
        }
    }
}

impl fmt::Display for Rebalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rebalance {
    type Err = ReturnsError;

    /// One of [`Rebalance::as_str`]'s names (any letter case; `buy-and-hold` too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase().replace('-', "_");
        Rebalance::ALL.into_iter().find(|r| r.as_str() == name).ok_or_else(|| ReturnsError::InvalidBenchmark {
            reason: format!("rebalancing must be daily, monthly, quarterly, yearly or buy_and_hold, got {s:?}"),
        })
    }
}

/// The value of `series` (total-return indexes with their weights) held by `rule`, from the first date on or after
/// `start` on which every component has a close, worth `value` there; only dates where every component has a
/// close. Units and values are exact decimals (28 significant digits).
pub(super) fn held_levels(
    series: &[(&BTreeMap<NaiveDate, Decimal>, Decimal)],
    rule: Rebalance,
    start: Option<NaiveDate>,
    value: Decimal,
) -> BTreeMap<NaiveDate, Decimal> {
    let mut out = BTreeMap::new();
    let Some((first, _)) = series.first() else { return out };
    let mut units: Vec<Decimal> = Vec::with_capacity(series.len());
    let mut closes: Vec<Decimal> = Vec::with_capacity(series.len());
    let mut previous: Option<NaiveDate> = None;
    let from = start.unwrap_or(NaiveDate::MIN);
    'dates: for (&date, _) in first.range(from..) {
        closes.clear();
        for (s, _) in series {
            match s.get(&date) {
                Some(c) if !c.is_zero() => closes.push(*c),
                _ => continue 'dates,
            }
        }
        let level = match previous {
            None => value,
            Some(_) => units.iter().zip(&closes).map(|(u, c)| *u * *c).sum(),
        };
        if previous.is_none_or(|p| rule.starts_period(p, date)) {
            units.clear();
            units.extend(series.iter().zip(&closes).map(|((_, w), c)| *w * level / *c));
        }
        out.insert(date, level);
        previous = Some(date);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_start_on_their_first_trading_day() {
        let (jan31, feb1, mar29, apr1) = (d("2024-01-31"), d("2024-02-01"), d("2024-03-29"), d("2024-04-01"));
        assert!(Rebalance::Monthly.starts_period(jan31, feb1));
        assert!(!Rebalance::Monthly.starts_period(feb1, d("2024-02-02")));
        assert!(!Rebalance::Quarterly.starts_period(jan31, feb1));
        assert!(Rebalance::Quarterly.starts_period(mar29, apr1));
        assert!(Rebalance::Yearly.starts_period(d("2023-12-29"), d("2024-01-02")));
        assert!(!Rebalance::BuyAndHold.starts_period(mar29, apr1));
        assert!(Rebalance::Daily.starts_period(feb1, d("2024-02-02")));
        assert_eq!("Buy-And-Hold".parse::<Rebalance>().unwrap(), Rebalance::BuyAndHold);
        assert!("weekly".parse::<Rebalance>().is_err());
    }

    #[test]
    fn buy_and_hold_and_monthly_by_hand() {
        // A: 100 → 110 → 121 (month end) → 121; B: 50 → 50 → 40 → 44. 60/40, start value 1,000.
        let a: BTreeMap<NaiveDate, Decimal> = [
            ("2024-01-30", dec!(100)),
            ("2024-01-31", dec!(110)),
            ("2024-02-01", dec!(121)),
            ("2024-02-02", dec!(121)),
        ]
        .map(|(k, v)| (d(k), v))
        .into();
        let b: BTreeMap<NaiveDate, Decimal> =
            [("2024-01-30", dec!(50)), ("2024-01-31", dec!(50)), ("2024-02-01", dec!(40)), ("2024-02-02", dec!(44))]
                .map(|(k, v)| (d(k), v))
                .into();
        let series = [(&a, dec!(0.6)), (&b, dec!(0.4))];
        // Buy and hold: 6 units of A (600 / 100) and 8 of B (400 / 50), held.
        //   01-31: 6·110 + 8·50 = 1,060; 02-01: 6·121 + 8·40 = 1,046; 02-02: 6·121 + 8·44 = 1,078.
        let held = held_levels(&series, Rebalance::BuyAndHold, None, dec!(1000));
        assert_eq!(held.values().copied().collect::<Vec<_>>(), [dec!(1000), dec!(1060), dec!(1046), dec!(1078)]);
        // Monthly: as held until 02-01, the first day of February, whose close (1,046) is rebalanced to 60/40:
        //   A: 627.6 / 121 = 5.186776859504132231404958678 units, B: 418.4 / 40 = 10.46 units;
        //   02-02: 5.1867768595041322314049586780 · 121 + 10.46 · 44 = 627.6 + 460.24 = 1,087.84.
        let monthly = held_levels(&series, Rebalance::Monthly, None, dec!(1000));
        let values: Vec<Decimal> = monthly.values().map(|v| v.round_dp(10)).collect();
        assert_eq!(values, [dec!(1000), dec!(1060), dec!(1046), dec!(1087.84)]);
        // From a later start, worth 100 there.
        let late = held_levels(&series, Rebalance::BuyAndHold, Some(d("2024-02-01")), dec!(100));
        assert_eq!(late.keys().next(), Some(&d("2024-02-01")));
        // 100 at 02-01: 60/121 units of A and 1 of B; 02-02: 60 + 44 = 104.
        assert_eq!(late.values().last().map(|v| v.round_dp(10)), Some(dec!(104)));
    }
}
