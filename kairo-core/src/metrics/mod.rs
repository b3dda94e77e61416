//! Risk and performance metrics over a series of periodic simple returns.
//!
//! The definitions, defaults and NaN handling follow **empyrical** (the `empyrical-reloaded` package used by
//! pyfolio and zipline) so that results agree with it to 1e-12 relative, most of them bit for bit:
//!
//! * returns are simple (non-cumulative) period returns, `0.01` meaning +1 %;
//! * NaN observations are skipped by the statistics (`nanmean`, `nanstd`), except where empyrical lets them through
//!   ([`value_at_risk`], [`skew`] and [`kurtosis`] return NaN when the input holds a NaN, as numpy and scipy do) or
//!   counts them ([`annual_return`] counts every period, NaN or not, in its number of years);
//! * standard deviations are two-pass with `ddof = 1` and plain left-to-right sums, as bottleneck computes them;
//! * annualization factors are those of [`Period`], or an explicit override;
//! * degenerate input (empty, all NaN, zero variance) gives NaN where empyrical gives NaN; input that is simply wrong
//!   (two series of different lengths, a cutoff outside [0, 1]) is a [`MetricsError`](crate::error::MetricsError).
//!
//! Everything at once, in a few passes over the data: [`Metrics::compute`].

mod attribution;
mod batting;
mod capture;
mod checks;
mod cumulative;
mod drawdown;
mod fields;
mod kernels;
mod long_series;
mod period;
mod price_returns;
mod quantile;
mod ratios;
mod regression;
mod rolling;
mod sharpe_inference;
mod sliding;
mod stability;
pub(crate) mod stats;
mod summary;
mod tails;
mod var;

pub use attribution::{attributed_returns, column_means, group_exposures};
pub use batting::batting_average;
pub use capture::{capture_ratio, down_capture, up_capture, up_down_capture};
pub use cumulative::{annual_return, cum_returns, cum_returns_final, cum_returns_into, cum_returns_rows};
pub use drawdown::{drawdown_periods, drawdown_series, max_drawdown, DrawdownPeriod};
pub use period::{annualization_factor, Period};
pub use price_returns::{compound_by_group, pct_change, returns_from_changes, simple_returns};
pub use ratios::{
    annual_volatility, annual_volatility_alpha, calmar_ratio, downside_risk, excess_sharpe, omega_ratio, sharpe_ratio,
    sortino_ratio, tracking_error,
};
pub use regression::{alpha, alpha_beta, alpha_for_beta, beta, correlation};
pub use rolling::{roll, roll_pairs, rolling_beta, rolling_sharpe, rolling_volatility};
pub use sharpe_inference::{deflated_sharpe_ratio, probabilistic_sharpe_ratio};
pub use stability::stability_of_timeseries;
pub use stats::{kurtosis, nanmean, nanstd, skew};
pub use summary::{BenchmarkMetrics, Metrics, MetricsOptions};
pub use tails::{beta_fragility_heuristic, gpd_risk_estimates, nelder_mead, GpdEstimates, Minimum};
pub use var::{conditional_value_at_risk, cornish_fisher_var, parametric_var, tail_ratio, value_at_risk};
