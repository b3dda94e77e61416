//! Portfolio optimization: expected returns, risk models, mean–variance objectives, hierarchical risk parity,
//! equal risk contribution, discrete allocation and tax-aware rebalancing.
//!
//! The estimators and objectives follow PyPortfolioOpt's definitions and defaults (252 periods a year, compounding
//! expected returns, long-only bounds), so that a user moving from it gets the same weights; the convex programs
//! are solved by Clarabel. What PyPortfolioOpt does not know, kairo adds: [`rebalance`] plans the trades from a
//! user's actual tax lots to a target allocation, selling the lots that cost the least tax first and never
//! opening a wash sale.
//!
//! Statistics are `f64`; money and share quantities (allocation, rebalancing) are `Decimal`.
//!
//! Where kairo's conventions differ from PyPortfolioOpt's (each checked by kairo-py/tests/test_optimize_pypfopt.py
//! against PyPortfolioOpt itself):
//!
//! * Gaps: price and return matrices are dense, and a NaN is an error naming its asset and day. PyPortfolioOpt
//!   computes each pair's statistics over the days both assets have and warns; drop or fill gaps first
//!   ([`returns_from_table`] keeps the dates every symbol shares).
//! * Accuracy: programs are solved to a duality gap of 10⁻¹² (cvxpy's default for Clarabel is 10⁻⁸); with
//!   PyPortfolioOpt's defaults the weights differ by up to about 10⁻⁶, by 10⁻⁹ or less at equal tolerances. On
//!   `efficient_risk` PyPortfolioOpt's Clarabel run stops short of the optimum ("optimal_inaccurate") about 4·10⁻⁷
//!   away, with a lower return than kairo's; SCS at 10⁻¹² agrees with kairo to 5·10⁻⁸.
//! * Large long-only problems are solved by working sets of assets (each by Clarabel, the result checked against
//!   the whole problem's optimality conditions), so the answer is the same optimum, reached on smaller programs.
//! * Infeasible targets (a return above the best asset's, a volatility below the minimum) are errors naming the
//!   argument ([`OptimizeError::Infeasible`]), where PyPortfolioOpt raises a `ValueError` or a solver error.
//! * Equal risk contribution is kairo's own (Riskfolio-Lib has it, PyPortfolioOpt does not); its exponential-cone
//!   program is solved to about 10⁻⁷ in the risk shares.
//!
//! ```
//! use kairo_core::optimize::{expected_returns, risk_models, Annualize, EfficientFrontier, Returns};
//!
//! // 3 assets × 6 days of prices, asset by asset
//! let prices = [
//!     100.0, 101.0, 102.5, 101.8, 103.0, 104.1,
//!     50.0, 50.4, 50.1, 50.9, 51.3, 51.0,
//!     20.0, 20.5, 20.2, 20.9, 21.4, 21.1,
//! ];
//! let r = Returns::from_prices(&prices, 6, 3).unwrap();
//! let mu = expected_returns::mean_historical(&r, Annualize::Compound, 252.0).unwrap();
//! let cov = risk_models::sample_cov(&r, 252.0).unwrap();
//! let p = EfficientFrontier::new(Some(mu), cov).unwrap().max_sharpe(0.0).unwrap();
//! assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! assert!(p.sharpe.unwrap() > 0.0);
//! ```

mod allocation;
mod data;
mod error;
pub mod expected_returns;
mod frontier;
mod hrp;
mod rebalance;
mod request;
pub mod risk_models;
mod risk_parity;
mod shrinkage;
mod solver;
mod table;
mod working_set;

pub use allocation::{allocate, allocate_named, clean_weights, Allocation, Shares};
pub use data::{Covariance, Returns};
pub use error::OptimizeError;
pub use expected_returns::Annualize;
pub use frontier::{EfficientFrontier, FrontierPoint, Portfolio, Sector, MAX_FRONTIER_POINTS};
pub use hrp::{hrp, hrp_from_covariance};
pub use rebalance::{rebalance, LotSale, Realized, RebalanceOptions, RebalanceOrder, RebalancePlan, Skipped};
pub use request::{OptimizeSpec, Optimized, SectorSpec};
pub use risk_parity::{equal_risk_contribution, risk_budget, risk_contributions};
pub use shrinkage::{ledoit_wolf, shrunk_covariance, ShrinkageTarget, Shrunk};
pub use table::returns_from_table;
