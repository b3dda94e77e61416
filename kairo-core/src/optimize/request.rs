//! One optimization request as data ([`OptimizeSpec`]): the estimators, the objective and the constraints by name,
//! as the Node addon and the HTTP service receive them (JSON, `snake_case` keys, `camelCase` accepted), run over a
//! price table by [`OptimizeSpec::run`]. Python's `kairo.optimize` exposes the same choices with PyPortfolioOpt's
//! class and function names.

use serde::Deserialize;

use super::data::{Covariance, Returns};
use super::error::OptimizeError;
use super::expected_returns::{capm, ema_historical, mean_historical, Annualize};
use super::frontier::{EfficientFrontier, FrontierPoint, Sector};
use super::hrp::hrp;
use super::risk_models::{exp_cov, sample_cov, semicovariance};
use super::risk_parity::equal_risk_contribution;
use super::shrinkage::{ledoit_wolf, ShrinkageTarget};
use crate::report::Value;

/// What to optimize and how (every field has PyPortfolioOpt's default).
///
/// ```
/// let spec = kairo_core::optimize::OptimizeSpec::from_json(serde_json::json!({
///     "objective": "efficient_risk", "target_volatility": 0.2, "risk_model": "ledoit_wolf"
/// })).unwrap();
/// assert_eq!(spec.objective, "efficient_risk");
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptimizeSpec {
    /// `max_sharpe`, `min_volatility`, `efficient_return`, `efficient_risk`, `max_quadratic_utility`, `hrp` or
    /// `equal_risk_contribution`.
    pub objective: String,
    /// `mean_historical_return`, `ema_historical_return` or `capm_return`.
    #[serde(alias = "expectedReturns")]
    pub expected_returns: String,
    /// `sample_cov`, `exp_cov`, `semicovariance`, `ledoit_wolf` (constant variance), `ledoit_wolf_single_factor`
    /// or `ledoit_wolf_constant_correlation`.
    #[serde(alias = "riskModel")]
    pub risk_model: String,
    /// Annual risk-free rate for the Sharpe ratio.
    #[serde(alias = "riskFreeRate")]
    pub risk_free_rate: f64,
    /// For `efficient_return`.
    #[serde(alias = "targetReturn")]
    pub target_return: Option<f64>,
    /// For `efficient_risk`.
    #[serde(alias = "targetVolatility")]
    pub target_volatility: Option<f64>,
    /// For `max_quadratic_utility`.
    #[serde(alias = "riskAversion")]
    pub risk_aversion: f64,
    /// Weights sum to 0 instead of 1 (needs a negative lower bound).
    #[serde(alias = "marketNeutral")]
    pub market_neutral: bool,
    /// `[lower, upper]` for every asset.
    #[serde(alias = "weightBounds")]
    pub weight_bounds: (f64, f64),
    /// L2 regularisation `γ`.
    #[serde(alias = "l2Gamma")]
    pub l2_gamma: f64,
    /// Sector limits.
    pub sectors: Vec<SectorSpec>,
    /// Periods a year.
    pub frequency: f64,
    /// Span of the exponentially weighted estimators (`None`: 500 for returns, 180 for the covariance).
    pub span: Option<f64>,
    /// Geometric (`true`) or arithmetic annualisation of expected returns.
    pub compounding: bool,
    /// Points of the efficient frontier to add to the answer (0: none).
    #[serde(alias = "frontierPoints")]
    pub frontier_points: usize,
}

/// A sector limit by symbols.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorSpec {
    /// The sector's symbols.
    pub symbols: Vec<String>,
    /// The least total weight.
    #[serde(default)]
    pub lower: Option<f64>,
    /// The most total weight.
    #[serde(default)]
    pub upper: Option<f64>,
}

impl Default for OptimizeSpec {
    fn default() -> Self {
        OptimizeSpec {
            objective: "max_sharpe".into(),
            expected_returns: "mean_historical_return".into(),
            risk_model: "sample_cov".into(),
            risk_free_rate: 0.0,
            target_return: None,
            target_volatility: None,
            risk_aversion: 1.0,
            market_neutral: false,
            weight_bounds: (0.0, 1.0),
            l2_gamma: 0.0,
            sectors: Vec::new(),
            frequency: 252.0,
            span: None,
            compounding: true,
            frontier_points: 0,
        }
    }
}

/// The answer: weights by symbol, performance and, when asked, the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimized {
    /// `(symbol, weight)` in the input's order.
    pub weights: Vec<(String, f64)>,
    /// `μᵀw` (annual).
    pub expected_return: f64,
    /// `√(wᵀΣw)` (annual).
    pub volatility: f64,
    /// `(μᵀw − r_f) / σ`.
    pub sharpe: f64,
    /// The frontier's points, if asked.
    pub frontier: Vec<FrontierPoint>,
}

impl Optimized {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        let point = |p: &FrontierPoint| {
            Value::Record(vec![
                ("volatility", Value::Float(p.volatility)),
                ("expected_return", Value::Float(p.expected_return)),
                ("sharpe", Value::Float(p.sharpe)),
            ])
        };
        vec![
            ("weights", Value::Map(self.weights.iter().map(|(s, w)| (s.as_str().into(), Value::Float(*w))).collect())),
            ("expected_return", Value::Float(self.expected_return)),
            ("volatility", Value::Float(self.volatility)),
            ("sharpe", Value::Float(self.sharpe)),
            ("frontier", Value::List(self.frontier.iter().map(point).collect())),
        ]
    }
}

fn bad(field: &'static str, value: &str) -> OptimizeError {
    OptimizeError::out_of_range(field, format!("unknown choice {value:?}"))
}

impl OptimizeSpec {
    /// The spec from JSON, every field optional; an unknown key or a value of the wrong type is an error naming it.
    pub fn from_json(value: serde_json::Value) -> Result<Self, OptimizeError> {
        serde_json::from_value(value).map_err(|e| OptimizeError::shape("spec", e.to_string()))
    }

    /// Runs the spec over `returns`, whose columns are `symbols`.
    pub fn run(&self, symbols: &[String], returns: &Returns) -> Result<Optimized, OptimizeError> {
        if symbols.len() != returns.assets() {
            return Err(OptimizeError::shape(
                "symbols",
                format!("{} symbols for {} assets", symbols.len(), returns.assets()),
            ));
        }
        let how = if self.compounding { Annualize::Compound } else { Annualize::Simple };
        let f = self.frequency;
        let mu = match self.expected_returns.as_str() {
            "mean_historical_return" => mean_historical(returns, how, f)?,
            "ema_historical_return" => ema_historical(returns, self.span.unwrap_or(500.0), how, f)?,
            "capm_return" => capm(returns, None, self.risk_free_rate, how, f)?,
            other => return Err(bad("expected_returns", other)),
        };
        let cov = self.covariance(returns)?;
        let (ef, mean_variance) = self.frontier(symbols, mu, cov.clone())?;
        let weights = match self.objective.as_str() {
            "hrp" => hrp(returns)?,
            "equal_risk_contribution" => equal_risk_contribution(&cov)?,
            _ => mean_variance,
        };
        let p = ef.performance(weights, self.risk_free_rate);
        let frontier =
            if self.frontier_points > 0 { ef.frontier(self.frontier_points, self.risk_free_rate)? } else { Vec::new() };
        Ok(Optimized {
            weights: symbols.iter().cloned().zip(p.weights).collect(),
            expected_return: p.expected_return.unwrap_or(f64::NAN),
            volatility: p.volatility,
            sharpe: p.sharpe.unwrap_or(f64::NAN),
            frontier,
        })
    }

    fn covariance(&self, returns: &Returns) -> Result<Covariance, OptimizeError> {
        let f = self.frequency;
        let lw = |t| ledoit_wolf(returns, t, f).map(|s| s.covariance);
        match self.risk_model.as_str() {
            "sample_cov" => sample_cov(returns, f),
            "exp_cov" => exp_cov(returns, self.span.unwrap_or(180.0), f),
            "semicovariance" => semicovariance(returns, 0.000079, f),
            "ledoit_wolf" | "ledoit_wolf_constant_variance" => lw(ShrinkageTarget::ConstantVariance),
            "ledoit_wolf_single_factor" => lw(ShrinkageTarget::SingleFactor),
            "ledoit_wolf_constant_correlation" => lw(ShrinkageTarget::ConstantCorrelation),
            other => Err(bad("risk_model", other)),
        }
    }

    /// The optimizer with the spec's constraints and, unless the objective is not a mean–variance one, its weights.
    fn frontier(
        &self,
        symbols: &[String],
        mu: Vec<f64>,
        cov: Covariance,
    ) -> Result<(EfficientFrontier, Vec<f64>), OptimizeError> {
        let (lo, hi) = self.weight_bounds;
        let mut ef = EfficientFrontier::new(Some(mu), cov)?.bounds(lo, hi)?.l2(self.l2_gamma)?;
        for s in &self.sectors {
            let assets =
                s.symbols
                    .iter()
                    .map(|x| {
                        symbols.iter().position(|y| y == x).ok_or_else(|| {
                            OptimizeError::out_of_range("sectors", format!("{x} is not among the symbols"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            ef = ef.sector(Sector { assets, lower: s.lower, upper: s.upper })?;
        }
        let need =
            |v: Option<f64>, field| v.ok_or_else(|| OptimizeError::out_of_range(field, "this objective needs it"));
        let p = match self.objective.as_str() {
            "max_sharpe" => ef.max_sharpe(self.risk_free_rate)?,
            "min_volatility" => ef.min_volatility()?,
            "efficient_return" => {
                ef.efficient_return(need(self.target_return, "target_return")?, self.market_neutral)?
            }
            "efficient_risk" => {
                ef.efficient_risk(need(self.target_volatility, "target_volatility")?, self.market_neutral)?
            }
            "max_quadratic_utility" => ef.max_quadratic_utility(self.risk_aversion, self.market_neutral)?,
            "hrp" | "equal_risk_contribution" => return Ok((ef, Vec::new())),
            other => return Err(bad("objective", other)),
        };
        Ok((ef, p.weights))
    }
}
