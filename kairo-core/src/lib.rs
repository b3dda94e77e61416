//! # kairo-core
//!
//! The engine behind kairo: exact trading analytics and compliance, with no I/O. The Python (`kairo`), Node
//! (`kairo`) and HTTP (`kairo-server`) surfaces are thin conversions over this crate, so they all give the same
//! answers.
//!
//! A tour:
//!
//! * [`Trade`] is one fill, validated on construction and on deserialization. Money and quantities are
//!   [`rust_decimal::Decimal`]; `f64` appears only where a statistic is computed.
//! * [`lots`] matches sells to buys (FIFO, LIFO, highest cost, average cost; long and short) and reports open
//!   lots, closed lots with realized P&L and holding periods, and unrealized P&L at given prices.
//! * [`returns`] values a portfolio every day from trades and closing prices and builds its time-weighted return
//!   (GIPS daily valuation), aligns two series by date and compounds them into weeks, months or years.
//! * [`metrics`] computes the risk metrics of empyrical (Sharpe, Sortino, drawdown, alpha/beta, VaR, capture, ...)
//!   to its definitions, and more (drawdown periods, Cornish–Fisher VaR, probabilistic and deflated Sharpe);
//!   [`metrics::Metrics::compute`] does all of them in a few passes.
//! * `frame` (feature `polars`) runs the same analyses per user over polars DataFrames.
//! * [`calendar`] knows the NYSE's trading days, early closes, hours (with daylight saving) and settlement dates.
//! * [`compliance`] checks trades against rules (streaming, batch and pre-trade) and says pass, fail or flag.
//! * [`optimize`] builds portfolios (PyPortfolioOpt's estimators and objectives, HRP, risk parity) and plans a
//!   tax-aware rebalance from the user's lots that never opens a wash sale.
//! * [`compare`] sets a user's trades against a benchmark (one symbol or a weighted blend): both return series,
//!   alpha, beta, capture, a monthly table, the equity curves and the same-dollar shadow benchmark.
//!
//! ```
//! use kairo_core::metrics::{max_drawdown, sharpe_ratio, Metrics, MetricsOptions};
//!
//! let daily = [0.01, -0.004, 0.007, -0.012, 0.009, 0.003];
//! let all = Metrics::compute(&daily, None, &MetricsOptions::default()).unwrap();
//! assert_eq!(all.sharpe_ratio, sharpe_ratio(&daily, 0.0, 252.0));
//! assert_eq!(all.max_drawdown, max_drawdown(&daily));
//! ```

#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod account;
pub mod activity;
pub mod calendar;
pub mod compare;
pub mod compliance;
mod decimal_cmp;
pub mod error;
mod error_code;
#[cfg(feature = "polars")]
pub mod frame;
pub mod history;
pub mod input;
pub mod lots;
pub mod metrics;
pub mod optimize;
pub mod report;
pub mod returns;
pub mod tear_sheet;
pub mod tracker;
pub mod trade;

#[cfg(feature = "polars")]
pub use error::FrameError;
pub use error::{ComplianceError, InvalidTrade, LotError, MetricsError, ReturnsError, TradeError};
pub use error_code::{ErrorCode, ErrorInfo};
pub use history::{History, Trades};
pub use trade::{Side, Trade};
