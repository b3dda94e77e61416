//! Up- and down-market capture (empyrical `up_capture`, `down_capture`, `up_down_capture`).

use super::checks::check_lengths;
use super::cumulative::annual_return_from_growth;
use crate::error::MetricsError;

const LANES: usize = 4;

/// Growth factors `Π(1 + r)`, `Π(1 + f)` and counts over the paired periods where the factor is up (`> 0`) and
/// down (`< 0`). The products run in four interleaved lanes (multiplied together at the end), without branches,
/// the up and the down side in separate passes so that every accumulator stays in a register.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaptureParts {
    pub(crate) up: (f64, f64, usize),
    pub(crate) down: (f64, f64, usize),
}

impl CaptureParts {
    /// The parts of two aligned series (pairs with a NaN are skipped).
    pub(crate) fn of(returns: &[f64], factor_returns: &[f64]) -> Self {
        let n = returns.len().min(factor_returns.len());
        let full = n - n % LANES;
        let side = |wanted: fn(f64) -> bool| {
            let (mut gr, mut gf, mut c) = ([1.0f64; LANES], [1.0f64; LANES], [0.0f64; LANES]);
            for (cr, cf) in returns[..full].chunks_exact(LANES).zip(factor_returns[..full].chunks_exact(LANES)) {
                for i in 0..LANES {
                    let (r, f) = (cr[i], cf[i]);
                    let take = !r.is_nan() && wanted(f);
                    gr[i] *= if take { r + 1.0 } else { 1.0 };
                    gf[i] *= if take { f + 1.0 } else { 1.0 };
                    c[i] += if take { 1.0 } else { 0.0 };
                }
            }
            let product = |a: [f64; LANES]| (a[0] * a[1]) * (a[2] * a[3]);
            (product(gr), product(gf), ((c[0] + c[1]) + (c[2] + c[3])) as usize)
        };
        let mut p = CaptureParts { up: side(|f| f > 0.0), down: side(|f| f < 0.0) };
        for (&r, &f) in returns[full..n].iter().zip(&factor_returns[full..n]) {
            if r.is_nan() || f.is_nan() {
                continue;
            }
            if f > 0.0 {
                p.up = (p.up.0 * (r + 1.0), p.up.1 * (f + 1.0), p.up.2 + 1);
            } else if f < 0.0 {
                p.down = (p.down.0 * (r + 1.0), p.down.1 * (f + 1.0), p.down.2 + 1);
            }
        }
        p
    }

    /// No periods: growth 1, count 0.
    pub(crate) fn identity() -> Self {
        CaptureParts { up: (1.0, 1.0, 0), down: (1.0, 1.0, 0) }
    }

    /// The parts of two consecutive stretches.
    pub(crate) fn merge(&self, b: &CaptureParts) -> CaptureParts {
        CaptureParts {
            up: (self.up.0 * b.up.0, self.up.1 * b.up.1, self.up.2 + b.up.2),
            down: (self.down.0 * b.down.0, self.down.1 * b.down.1, self.down.2 + b.down.2),
        }
    }

    pub(crate) fn up_capture(&self, annualization: f64) -> f64 {
        capture(self.up, annualization)
    }

    pub(crate) fn down_capture(&self, annualization: f64) -> f64 {
        capture(self.down, annualization)
    }
}

fn capture((growth_r, growth_f, count): (f64, f64, usize), annualization: f64) -> f64 {
    annual_return_from_growth(growth_r, count, annualization)
        / annual_return_from_growth(growth_f, count, annualization)
}

fn parts(returns: &[f64], factor_returns: &[f64]) -> Result<CaptureParts, MetricsError> {
    check_lengths(returns, factor_returns)?;
    Ok(CaptureParts::of(returns, factor_returns))
}

/// Up-market capture (empyrical `up_capture`): over the periods where the factor return is positive (both known),
/// `annual_return(r) / annual_return(f)`. NaN when the factor never rises.
///
/// ```
/// use kairo_core::metrics::up_capture;
/// // on the single up day the portfolio made 2 % against the factor's 1 %
/// let c = up_capture(&[0.02, -0.01], &[0.01, -0.02], 252.0).unwrap();
/// assert!((c - (1.02f64.powf(252.0) - 1.0) / (1.01f64.powf(252.0) - 1.0)).abs() < 1e-9);
/// ```
pub fn up_capture(returns: &[f64], factor_returns: &[f64], annualization: f64) -> Result<f64, MetricsError> {
    Ok(parts(returns, factor_returns)?.up_capture(annualization))
}

/// Down-market capture (empyrical `down_capture`): as [`up_capture`] over the periods where the factor fell.
pub fn down_capture(returns: &[f64], factor_returns: &[f64], annualization: f64) -> Result<f64, MetricsError> {
    Ok(parts(returns, factor_returns)?.down_capture(annualization))
}

/// `up_capture / down_capture` (empyrical `up_down_capture`).
pub fn up_down_capture(returns: &[f64], factor_returns: &[f64], annualization: f64) -> Result<f64, MetricsError> {
    let p = parts(returns, factor_returns)?;
    Ok(p.up_capture(annualization) / p.down_capture(annualization))
}

/// empyrical `capture`: the annual return of `returns` over that of `factor_returns`, each over its own periods
/// (`annual_return(r) / annual_return(f)`; the series need not have the same length). The up and down captures
/// under empyrical's names filter each series by the factor's sign and then take this ratio.
///
/// ```
/// use kairo_core::metrics::{annual_return, capture_ratio};
/// let (r, f) = ([0.02, 0.01, -0.01], [0.01, 0.01]);
/// assert_eq!(capture_ratio(&r, &f, 252.0), annual_return(&r, 252.0) / annual_return(&f, 252.0));
/// ```
pub fn capture_ratio(returns: &[f64], factor_returns: &[f64], annualization: f64) -> f64 {
    super::cumulative::annual_return(returns, annualization)
        / super::cumulative::annual_return(factor_returns, annualization)
}
