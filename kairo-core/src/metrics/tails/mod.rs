//! Tail-risk estimates beyond the historical quantiles: the generalized Pareto fit of the losses (empyrical
//! `gpd_risk_estimates`) and the beta fragility heuristic (empyrical `beta_fragility_heuristic`).

mod fragility;
mod gpd;
mod nelder_mead;

pub use fragility::beta_fragility_heuristic;
pub use gpd::{gpd_risk_estimates, GpdEstimates};
pub use nelder_mead::{nelder_mead, Minimum};
