//! A user's custom benchmarks: a posted definition checked by kairo-core (weights that sum to 1, a known
//! rebalancing rule, a positive start value) and stored as kairo-core reads it back; a stored one as a
//! [`Benchmark`] wherever a benchmark is named (`custom:<name>`).

use chrono::NaiveDate;
use kairo_core::compare::{Benchmark, Rebalance};
use kairo_core::input::{Amount, BenchmarkInput};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::ApiError;
use crate::store::custom_benchmarks::CustomBenchmark;

/// The prefix that names a stored benchmark where a benchmark is asked for (`?benchmark=custom:balanced`).
pub const PREFIX: &str = "custom:";

/// A component of a posted benchmark.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentIn {
    /// The symbol.
    pub symbol: String,
    /// Its weight, > 0 (a decimal string, or a number read from its shortest text); the weights sum to 1 within
    /// 1e-9.
    #[schema(value_type = String)]
    pub weight: Amount,
}

/// A benchmark as posted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkIn {
    /// 1 to 64 letters, digits, `-`, `_` or `.`; unique per user.
    pub name: String,
    /// The symbols and their weights.
    pub components: Vec<ComponentIn>,
    /// `daily` (default), `monthly`, `quarterly`, `yearly` or `buy_and_hold`.
    pub rebalance: Option<String>,
    /// Held from this date (its first trading day with every close on or after it); default: from the first
    /// common close.
    pub start_date: Option<NaiveDate>,
    /// The value at the start (default 1; a decimal string or a number), > 0.
    #[schema(value_type = Option<String>)]
    pub start_value: Option<Amount>,
}

/// The benchmark `input` defines, checked by kairo-core, and its stored form.
pub fn define(input: BenchmarkIn) -> Result<(Benchmark, CustomBenchmark), ApiError> {
    let invalid = |field: &str, why: String| ApiError::invalid("invalid_benchmark", field, why);
    let name = input.name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(invalid("name", format!("name must be 1 to 64 letters, digits, '-', '_' or '.', got {name:?}")));
    }
    let weights = input.components.into_iter().map(|c| (c.symbol.trim().to_ascii_uppercase(), c.weight)).collect();
    let mut bench =
        BenchmarkInput::Weights(weights).into_benchmark().map_err(|e| invalid("components", e.to_string()))?;
    let rule: Rebalance = match input.rebalance.as_deref() {
        Some(r) => r.parse().map_err(|e: kairo_core::ReturnsError| invalid("rebalance", e.to_string()))?,
        None => Rebalance::Daily,
    };
    bench = bench.rebalanced(rule);
    let value = match input.start_value {
        Some(v) => v.decimal("start_value").map_err(|e| invalid("start_value", e.to_string()))?,
        None => Decimal::ONE,
    };
    if value <= Decimal::ZERO {
        return Err(invalid("start_value", format!("start_value must be > 0, got {value}")));
    }
    if let Some(date) = input.start_date {
        bench = bench.starting(date, value).map_err(|e| invalid("start_value", e.to_string()))?;
    }
    let components = Benchmark::blend(bench.components().iter().map(|(s, w)| (s.as_str(), *w)))
        .map(|b| b.to_string())
        .map_err(|e| invalid("components", e.to_string()))?;
    let stored = CustomBenchmark {
        name: name.to_owned(),
        components,
        rebalance: rule.as_str().to_owned(),
        start_date: input.start_date,
        start_value: value,
        created_at: None,
    };
    Ok((bench, stored))
}

/// The benchmark a stored definition describes.
pub fn benchmark(b: &CustomBenchmark) -> Result<Benchmark, kairo_core::ReturnsError> {
    let bench = b.components.parse::<Benchmark>()?.rebalanced(b.rebalance.parse()?);
    match b.start_date {
        Some(date) => bench.starting(date, b.start_value),
        None => Ok(bench),
    }
}

/// A component of a stored benchmark.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ComponentOut {
    /// The symbol.
    pub symbol: String,
    /// Its weight, a decimal string.
    pub weight: String,
}

/// A stored benchmark as the API answers it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BenchmarkOut {
    /// Its name.
    pub name: String,
    /// How to name it where a benchmark is asked for: `custom:<name>`.
    pub benchmark: String,
    /// The symbols and their weights.
    pub components: Vec<ComponentOut>,
    /// `daily`, `monthly`, `quarterly`, `yearly` or `buy_and_hold`.
    pub rebalance: String,
    /// The start date, when it has one.
    pub start_date: Option<NaiveDate>,
    /// The value at the start, a decimal string.
    pub start_value: String,
    /// When it was created.
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A user's benchmarks.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BenchmarkList {
    /// By name.
    pub benchmarks: Vec<BenchmarkOut>,
}

impl From<&CustomBenchmark> for BenchmarkOut {
    fn from(b: &CustomBenchmark) -> Self {
        let components = b
            .components
            .parse::<Benchmark>()
            .map(|bench| {
                bench
                    .components()
                    .iter()
                    .map(|(s, w)| ComponentOut { symbol: s.clone(), weight: w.normalize().to_string() })
                    .collect()
            })
            .unwrap_or_default();
        BenchmarkOut {
            name: b.name.clone(),
            benchmark: format!("{PREFIX}{}", b.name),
            components,
            rebalance: b.rebalance.clone(),
            start_date: b.start_date,
            start_value: b.start_value.normalize().to_string(),
            created_at: b.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> BenchmarkIn {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn definitions_are_checked_and_read_back() {
        let (bench, stored) = define(input(json!({
            "name": "balanced", "components": [{ "symbol": "spy", "weight": "0.6" }, { "symbol": "AGG", "weight": 0.4 }],
            "rebalance": "Monthly", "start_date": "2024-01-02", "start_value": "10000",
        })))
        .unwrap();
        assert_eq!(bench.to_string(), "SPY:0.6,AGG:0.4@monthly");
        assert_eq!((stored.components.as_str(), stored.rebalance.as_str()), ("SPY:0.6,AGG:0.4", "monthly"));
        assert_eq!(benchmark(&stored).unwrap(), bench);
        let out = BenchmarkOut::from(&stored);
        assert_eq!(out.components[1], ComponentOut { symbol: "AGG".into(), weight: "0.4".into() });
        assert_eq!(out.benchmark, "custom:balanced");
        let field = |v: serde_json::Value| define(input(v)).unwrap_err().details["field"].clone();
        let one = json!([{ "symbol": "SPY", "weight": "1" }]);
        assert_eq!(field(json!({ "name": "a b", "components": one })), "name");
        assert_eq!(field(json!({ "name": "x", "components": [{ "symbol": "SPY", "weight": "0.5" }] })), "components");
        assert_eq!(field(json!({ "name": "x", "components": one, "rebalance": "weekly" })), "rebalance");
        assert_eq!(field(json!({ "name": "x", "components": one, "start_value": "0" })), "start_value");
    }
}
