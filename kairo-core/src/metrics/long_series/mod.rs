//! The long-series path: the single-pass engine behind [`Metrics::compute`](super::super::Metrics::compute) on long series.
//!
//! The series is cut into chunks that fit in the CPU cache. Each chunk is read from memory once: a first loop takes
//! its sums (in lanes), a second loop over the now-cached chunk takes the moments about the chunk's own mean, and the
//! chunk's statistics are merged into the running ones with the pairwise formulas of Chan, Golub & LeVeque (1979)
//! for means, variances and co-moments and of Pébay (2008, Sandia report SAND2008-6212) for the third and fourth
//! moments. The two halves of the series run on two threads and are merged the same way. Sums that need no mean
//! (downside, omega) are accumulated with compensation. Results agree with the one-metric functions to a few ulps
//! (the test suite holds them to 1e-12 relative) and with empyrical to 1e-12.
//!
//! These files are the speed path. The empyrical-exact definitions are the one-metric functions of the parent module
//! (`ratios.rs`, `stats.rs`, `drawdown.rs`, ...), which series shorter than [`LONG_SERIES`] always take.

mod lanes;
mod moments;
mod pair;
mod series;
mod spread;

pub(crate) use pair::{pair_stats, PairStats};
pub(crate) use series::{series_stats, Rates, SeriesStats};
pub(crate) use spread::{spread, LONG_SERIES};
