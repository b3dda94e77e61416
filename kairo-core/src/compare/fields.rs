//! The comparison as lists of named values ([`Value`]): what Python's dict and Node's object are built from (a
//! test holds each list to the report's JSON).

use crate::report::Value;

use super::shadow::ShadowBenchmark;
use super::{Comparison, EquityPoint, MonthlyRow, PortfolioPnl};

impl MonthlyRow {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("year", Value::Int(i64::from(self.year))),
            ("month", Value::Int(i64::from(self.month))),
            ("portfolio", Value::Float(self.portfolio)),
            ("benchmark", Value::Float(self.benchmark)),
            ("excess", Value::Float(self.excess)),
        ]
    }
}

impl EquityPoint {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("date", Value::Date(self.date)),
            ("portfolio_value", Value::Money(self.portfolio_value)),
            ("shadow_value", Value::Money(self.shadow_value)),
            ("portfolio_growth", Value::Float(self.portfolio_growth)),
            ("benchmark_growth", Value::Float(self.benchmark_growth)),
        ]
    }
}

impl ShadowBenchmark {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("contributions", Value::Money(self.contributions)),
            ("withdrawals", Value::Money(self.withdrawals)),
            ("units", Value::Decimal(self.units)),
            ("final_value", Value::Money(self.final_value)),
            ("pnl", Value::Money(self.pnl)),
        ]
    }
}

impl PortfolioPnl {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("realized", Value::Money(self.realized)),
            ("unrealized", Value::Money(self.unrealized)),
            ("total", Value::Money(self.total)),
        ]
    }
}

impl Comparison {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        let floats = |v: &[f64]| Value::List(v.iter().map(|x| Value::Float(*x)).collect());
        vec![
            ("benchmark", Value::text(&self.benchmark)),
            ("dates", Value::List(self.dates.iter().map(|d| Value::Date(*d)).collect())),
            ("portfolio_returns", floats(&self.portfolio_returns)),
            ("benchmark_returns", floats(&self.benchmark_returns)),
            ("portfolio_total_return", Value::Float(self.portfolio_total_return)),
            ("benchmark_total_return", Value::Float(self.benchmark_total_return)),
            ("portfolio_annual_return", Value::Float(self.portfolio_annual_return)),
            ("benchmark_annual_return", Value::Float(self.benchmark_annual_return)),
            ("excess_return", Value::Float(self.excess_return)),
            ("excess_annual_return", Value::Float(self.excess_annual_return)),
            ("alpha", Value::Float(self.alpha)),
            ("beta", Value::Float(self.beta)),
            ("correlation", Value::Float(self.correlation)),
            ("tracking_error", Value::Float(self.tracking_error)),
            ("information_ratio", Value::Float(self.information_ratio)),
            ("up_capture", Value::Float(self.up_capture)),
            ("down_capture", Value::Float(self.down_capture)),
            ("monthly", Value::List(self.monthly.iter().map(|m| Value::Record(m.fields())).collect())),
            ("equity_curve", Value::List(self.equity_curve.iter().map(|p| Value::Record(p.fields())).collect())),
            ("shadow", Value::Record(self.shadow.fields())),
            ("portfolio_pnl", Value::Record(self.portfolio_pnl.fields())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    use crate::compare::{compare, Benchmark, CompareOptions};
    use crate::report::tests::same_as_json;
    use crate::returns::PriceTable;
    use crate::{Side, Trade};

    #[test]
    fn the_list_is_the_json() {
        let d = |day| NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
        let prices = PriceTable::from_rows([
            ("X", d(2), dec!(100)),
            ("X", d(3), dec!(110)),
            ("X", d(4), dec!(105)),
            ("SPY", d(2), dec!(400)),
            ("SPY", d(3), dec!(404)),
            ("SPY", d(4), dec!(402)),
        ])
        .unwrap();
        let buy =
            Trade::new("b", "u", "X", Side::Buy, dec!(10), dec!(100), "2024-01-02T15:00:00Z".parse().unwrap()).unwrap();
        let c = compare(&[buy], &prices, &Benchmark::default(), &CompareOptions::default()).unwrap();
        same_as_json(&c, &c.fields());
    }
}
