//! Mean–variance optimization (Markowitz 1952) over an expected-return vector `μ` and an annualised covariance
//! `Σ`, with PyPortfolioOpt's objectives and formulations:
//!
//! | objective | program solved |
//! |---|---|
//! | [`min_volatility`](EfficientFrontier::min_volatility) | min `wᵀΣw + γ‖w‖²`, `Σw = 1` |
//! | [`max_sharpe`](EfficientFrontier::max_sharpe) | min `yᵀΣy + γ‖y‖²`, `(μ − r_f)ᵀy = 1`, `Σy = κ ≥ 0`, bounds × κ; `w = y / κ` (Cornuéjols & Tütüncü 2006, §8.2) |
//! | [`efficient_return`](EfficientFrontier::efficient_return) | min `wᵀΣw + γ‖w‖²`, `μᵀw ≥ target`, `Σw = 1` (or 0, market neutral) |
//! | [`efficient_risk`](EfficientFrontier::efficient_risk) | max `μᵀw − γ‖w‖²`, `‖Lᵀw‖ ≤ σ` (a second-order cone, `Σ = LLᵀ`), `Σw = 1` (or 0) |
//! | [`max_quadratic_utility`](EfficientFrontier::max_quadratic_utility) | max `μᵀw − ½δ wᵀΣw − γ‖w‖²`, `Σw = 1` (or 0) |
//!
//! with, in each, the weight bounds (long-only `[0, 1]` by default), the sector caps and the L2 term `γ‖w‖²`
//! (PyPortfolioOpt's `L2_reg`, which spreads weight over more assets). Every program is convex and solved by
//! Clarabel to a duality gap of 10⁻¹⁰.

use faer::Side;

use super::data::{dot, Covariance};
use super::error::OptimizeError;
use super::solver::{Program, Row};

/// The most points [`EfficientFrontier::frontier`] computes (each is a program solved).
pub const MAX_FRONTIER_POINTS: usize = 500;

/// A sector constraint: the total weight of `assets` within `[lower, upper]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    /// The assets (column numbers) in the sector.
    pub assets: Vec<usize>,
    /// The least total weight, if any.
    pub lower: Option<f64>,
    /// The most total weight, if any.
    pub upper: Option<f64>,
}

/// An optimized portfolio: weights and the performance figures PyPortfolioOpt's `portfolio_performance` gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// One weight per asset, in the input's order.
    pub weights: Vec<f64>,
    /// `μᵀw`, when expected returns were given.
    pub expected_return: Option<f64>,
    /// `√(wᵀΣw)`.
    pub volatility: f64,
    /// `(μᵀw − r_f) / √(wᵀΣw)`, when expected returns were given.
    pub sharpe: Option<f64>,
}

/// A point of the efficient frontier, for a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    /// The portfolio's volatility.
    pub volatility: f64,
    /// Its expected return.
    pub expected_return: f64,
    /// Its Sharpe ratio at the risk-free rate given.
    pub sharpe: f64,
}

/// The mean–variance optimizer: expected returns, a covariance matrix and the constraints.
///
/// ```
/// use kairo_core::optimize::{Covariance, EfficientFrontier};
/// let cov = Covariance::new(vec![0.04, 0.0, 0.0, 0.09], 2).unwrap();
/// let p = EfficientFrontier::new(Some(vec![0.10, 0.15]), cov).unwrap().min_volatility().unwrap();
/// // two uncorrelated assets: weights ∝ 1/σ², 9/13 and 4/13
/// assert!((p.weights[0] - 9.0 / 13.0).abs() < 1e-7 && (p.weights[1] - 4.0 / 13.0).abs() < 1e-7);
/// ```
#[derive(Debug, Clone)]
pub struct EfficientFrontier {
    mu: Option<Vec<f64>>,
    cov: Covariance,
    bounds: Vec<(f64, f64)>,
    sectors: Vec<Sector>,
    gamma: f64,
}

impl EfficientFrontier {
    /// An optimizer over `cov`'s assets, long-only (`0 ≤ w ≤ 1`). `mu` (annual expected returns, one per asset)
    /// may be left out for [`min_volatility`](Self::min_volatility).
    pub fn new(mu: Option<Vec<f64>>, cov: Covariance) -> Result<Self, OptimizeError> {
        let n = cov.assets();
        if let Some(m) = &mu {
            if m.len() != n {
                return Err(OptimizeError::shape(
                    "expected_returns",
                    format!("{} expected returns for {n} assets", m.len()),
                ));
            }
            if let Some(i) = m.iter().position(|x| !x.is_finite()) {
                return Err(OptimizeError::bad_value("expected_returns", format!("asset {i} is not finite")));
            }
        }
        Ok(EfficientFrontier { mu, cov, bounds: vec![(0.0, 1.0); n], sectors: Vec::new(), gamma: 0.0 })
    }

    /// The same bounds `[lower, upper]` for every asset (`(-1, 1)` allows shorting).
    pub fn bounds(self, lower: f64, upper: f64) -> Result<Self, OptimizeError> {
        let n = self.cov.assets();
        self.bounds_per_asset(vec![(lower, upper); n])
    }

    /// Bounds per asset.
    pub fn bounds_per_asset(mut self, bounds: Vec<(f64, f64)>) -> Result<Self, OptimizeError> {
        if bounds.len() != self.cov.assets() {
            return Err(OptimizeError::shape(
                "bounds",
                format!("{} bounds for {} assets", bounds.len(), self.cov.assets()),
            ));
        }
        if let Some((i, (lo, hi))) = bounds.iter().enumerate().find(|(_, (lo, hi))| !(lo <= hi) || lo.is_nan()) {
            return Err(OptimizeError::out_of_range("bounds", format!("asset {i}: lower {lo} is above upper {hi}")));
        }
        self.bounds = bounds;
        Ok(self)
    }

    /// Adds a sector constraint.
    pub fn sector(mut self, sector: Sector) -> Result<Self, OptimizeError> {
        if let Some(&i) = sector.assets.iter().find(|&&i| i >= self.cov.assets()) {
            return Err(OptimizeError::out_of_range(
                "sectors",
                format!("asset {i} is not among the {} assets", self.cov.assets()),
            ));
        }
        if let (Some(lo), Some(hi)) = (sector.lower, sector.upper) {
            if lo > hi {
                return Err(OptimizeError::out_of_range("sectors", format!("lower {lo} is above upper {hi}")));
            }
        }
        self.sectors.push(sector);
        Ok(self)
    }

    /// Adds L2 regularisation `γ‖w‖²` to the objective (PyPortfolioOpt `L2_reg`; `γ = 0` turns it off).
    pub fn l2(mut self, gamma: f64) -> Result<Self, OptimizeError> {
        if !(gamma >= 0.0) || !gamma.is_finite() {
            return Err(OptimizeError::out_of_range("gamma", format!("must be finite and ≥ 0, got {gamma}")));
        }
        self.gamma = gamma;
        Ok(self)
    }

    fn n(&self) -> usize {
        self.cov.assets()
    }

    /// The number of assets.
    pub fn assets(&self) -> usize {
        self.cov.assets()
    }

    fn mu(&self) -> Result<&[f64], OptimizeError> {
        self.mu
            .as_deref()
            .ok_or_else(|| OptimizeError::shape("expected_returns", "this objective needs expected returns"))
    }

    /// The program over `n` weights with the quadratic `scale · wᵀΣw + γ‖w‖²`, the bounds and the sectors.
    fn weights_program(&self, scale: f64, extra_vars: usize) -> Program {
        let n = self.n();
        let mut p = Program::new(n + extra_vars);
        if scale != 0.0 {
            p.quadratic(self.cov.as_slice(), n, 0, 2.0 * scale);
        }
        if self.gamma > 0.0 {
            (0..n).for_each(|i| p.diagonal(i, 2.0 * self.gamma));
        }
        p
    }

    /// The bound and sector rows, each side scaled by variable `k` when given (max Sharpe's `κ`).
    fn add_limits(&self, p: &mut Program, k: Option<usize>) {
        let row = |coeffs: Vec<(usize, f64)>, bound: f64| match k {
            Some(k) => {
                let mut c = coeffs;
                c.push((k, -bound));
                Row::new(c, 0.0)
            }
            None => Row::new(coeffs, bound),
        };
        for (i, &(lo, hi)) in self.bounds.iter().enumerate() {
            if hi.is_finite() {
                p.bound(i, row(vec![(i, 1.0)], hi));
            }
            if lo.is_finite() {
                p.bound(i, row(vec![(i, -1.0)], -lo));
                // a long-only bound (and, for max Sharpe's scaled weights, a bound at 0) lets a working set fix
                // the asset there
                if (k.is_none() && lo >= 0.0 && lo < hi) || (k.is_some() && lo == 0.0 && hi > 0.0) {
                    p.fixable(i, lo);
                }
            }
        }
        for s in &self.sectors {
            if let Some(hi) = s.upper {
                p.at_most(row(s.assets.iter().map(|&i| (i, 1.0)).collect(), hi));
            }
            if let Some(lo) = s.lower {
                p.at_most(row(s.assets.iter().map(|&i| (i, -1.0)).collect(), -lo));
            }
        }
    }

    fn budget(&self, p: &mut Program, market_neutral: bool) -> Result<(), OptimizeError> {
        if market_neutral && !self.bounds.iter().any(|&(lo, _)| lo < 0.0) {
            return Err(OptimizeError::out_of_range("market_neutral", "needs a negative lower bound (shorting)"));
        }
        let n = self.n();
        p.equal(Row::new((0..n).map(|i| (i, 1.0)).collect(), if market_neutral { 0.0 } else { 1.0 }));
        Ok(())
    }

    /// The weights' expected return, volatility and Sharpe ratio at `risk_free_rate`.
    pub fn performance(&self, weights: Vec<f64>, risk_free_rate: f64) -> Portfolio {
        let volatility = self.cov.variance(&weights).max(0.0).sqrt();
        let expected_return = self.mu.as_deref().map(|m| dot(m, &weights));
        let sharpe = expected_return.map(|r| (r - risk_free_rate) / volatility);
        Portfolio { weights, expected_return, volatility, sharpe }
    }

    /// The minimum-volatility portfolio.
    pub fn min_volatility(&self) -> Result<Portfolio, OptimizeError> {
        let mut p = self.weights_program(1.0, 0);
        self.budget(&mut p, false)?;
        self.add_limits(&mut p, None);
        let x = p.solve("bounds")?;
        Ok(self.performance(x, 0.0))
    }

    /// The maximum-Sharpe (tangency) portfolio at `risk_free_rate` (annual, like `μ`).
    pub fn max_sharpe(&self, risk_free_rate: f64) -> Result<Portfolio, OptimizeError> {
        let mu = self.mu()?;
        if !mu.iter().any(|&m| m > risk_free_rate) {
            return Err(OptimizeError::infeasible(
                "risk_free_rate",
                "at least one asset's expected return must exceed the risk-free rate",
            ));
        }
        let n = self.n();
        let mut p = self.weights_program(1.0, 1);
        p.equal(Row::new(mu.iter().enumerate().map(|(i, m)| (i, m - risk_free_rate)).collect(), 1.0));
        let mut sum: Vec<(usize, f64)> = (0..n).map(|i| (i, 1.0)).collect();
        sum.push((n, -1.0));
        p.equal(Row::new(sum, 0.0));
        p.at_most(Row::new(vec![(n, -1.0)], 0.0));
        self.add_limits(&mut p, Some(n));
        let x = p.solve("bounds")?;
        let k = x[n];
        if !(k > 0.0) {
            return Err(OptimizeError::NotSolved { status: "the scale of the tangency portfolio is zero".into() });
        }
        Ok(self.performance(x[..n].iter().map(|y| y / k).collect(), risk_free_rate))
    }

    /// The minimum-volatility portfolio whose expected return is at least `target_return`.
    pub fn efficient_return(&self, target_return: f64, market_neutral: bool) -> Result<Portfolio, OptimizeError> {
        let mu = self.mu()?;
        if !target_return.is_finite() {
            return Err(OptimizeError::bad_value("target_return", "must be finite"));
        }
        let mut p = self.weights_program(1.0, 0);
        p.at_most(Row::new(mu.iter().enumerate().map(|(i, m)| (i, -m)).collect(), -target_return));
        self.budget(&mut p, market_neutral)?;
        self.add_limits(&mut p, None);
        let x = p.solve("target_return")?;
        Ok(self.performance(x, 0.0))
    }

    /// The highest-return portfolio whose volatility is at most `target_volatility`.
    pub fn efficient_risk(&self, target_volatility: f64, market_neutral: bool) -> Result<Portfolio, OptimizeError> {
        let mu = self.mu()?;
        if !(target_volatility > 0.0) || !target_volatility.is_finite() {
            return Err(OptimizeError::out_of_range(
                "target_volatility",
                format!("must be positive, got {target_volatility}"),
            ));
        }
        let n = self.n();
        let mut p = self.weights_program(0.0, 0);
        mu.iter().enumerate().for_each(|(i, m)| p.linear(i, -m));
        let mut cone = vec![Row::new(Vec::new(), target_volatility)];
        cone.extend(
            self.factor()?.into_iter().map(|coeffs| Row::new(coeffs.into_iter().map(|(i, v)| (i, -v)).collect(), 0.0)),
        );
        p.second_order(cone);
        self.budget(&mut p, market_neutral)?;
        self.add_limits(&mut p, None);
        let x = p.solve("target_volatility")?;
        debug_assert_eq!(x.len(), n);
        Ok(self.performance(x, 0.0))
    }

    /// The portfolio maximising `μᵀw − ½ δ wᵀΣw` (`δ` = `risk_aversion` > 0).
    pub fn max_quadratic_utility(&self, risk_aversion: f64, market_neutral: bool) -> Result<Portfolio, OptimizeError> {
        let mu = self.mu()?;
        if !(risk_aversion > 0.0) || !risk_aversion.is_finite() {
            return Err(OptimizeError::out_of_range("risk_aversion", format!("must be positive, got {risk_aversion}")));
        }
        let mut p = self.weights_program(0.5 * risk_aversion, 0);
        mu.iter().enumerate().for_each(|(i, m)| p.linear(i, -m));
        self.budget(&mut p, market_neutral)?;
        self.add_limits(&mut p, None);
        let x = p.solve("bounds")?;
        Ok(self.performance(x, 0.0))
    }

    /// The highest expected return the constraints allow (a linear program).
    pub fn max_return(&self) -> Result<Portfolio, OptimizeError> {
        let mu = self.mu()?;
        let mut p = self.weights_program(0.0, 0);
        mu.iter().enumerate().for_each(|(i, m)| p.linear(i, -m));
        self.budget(&mut p, false)?;
        self.add_limits(&mut p, None);
        let x = p.solve("bounds")?;
        Ok(self.performance(x, 0.0))
    }

    /// `points` portfolios of the efficient frontier, from the minimum-volatility portfolio's return to the highest
    /// return the constraints allow, evenly spaced in return (the curve PyPortfolioOpt's `plot_efficient_frontier`
    /// draws).
    pub fn frontier(&self, points: usize, risk_free_rate: f64) -> Result<Vec<FrontierPoint>, OptimizeError> {
        if !(2..=MAX_FRONTIER_POINTS).contains(&points) {
            return Err(OptimizeError::out_of_range(
                "points",
                format!("between 2 and {MAX_FRONTIER_POINTS} points, got {points}"),
            ));
        }
        let low = self.min_volatility()?.expected_return.unwrap_or(0.0);
        let high = self.max_return()?.expected_return.unwrap_or(0.0);
        (0..points)
            .map(|k| {
                // stop a hair below the top: the highest return has a single portfolio, at the edge of the feasible set
                let target = low + (high - low) * k as f64 / (points - 1) as f64 * (1.0 - 1e-9);
                let p = self.efficient_return(target, false)?;
                let r = p.expected_return.unwrap_or(target);
                Ok(FrontierPoint {
                    volatility: p.volatility,
                    expected_return: r,
                    sharpe: (r - risk_free_rate) / p.volatility,
                })
            })
            .collect()
    }

    /// Rows of `Lᵀ` with `Σ = LLᵀ` (Cholesky; the eigen-decomposition `Σ = V Λ Vᵀ`, `L = V Λ^½`, when `Σ` is only
    /// semidefinite), as sparse coefficient lists.
    fn factor(&self) -> Result<Vec<Vec<(usize, f64)>>, OptimizeError> {
        let n = self.n();
        let cov = self.cov.view().to_owned();
        if let Ok(llt) = cov.llt(Side::Lower) {
            let l = llt.L();
            return Ok((0..n).map(|k| (k..n).map(|i| (i, l[(i, k)])).collect()).collect());
        }
        match cov.self_adjoint_eigen(Side::Lower) {
            Ok(eig) => {
                let (u, s) = (eig.U(), eig.S());
                Ok((0..n)
                    .filter(|&k| s[k] > 0.0)
                    .map(|k| (0..n).map(|i| (i, u[(i, k)] * s[k].sqrt())).collect())
                    .collect())
            }
            Err(e) => Err(OptimizeError::NotSolved { status: format!("no factor of the covariance matrix: {e:?}") }),
        }
    }
}
