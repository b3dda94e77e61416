//! Up- and down-market capture (empyrical `up_capture`, `down_capture`, `up_down_capture`).

use super::check_lengths;
use super::cumulative::annual_return_from_growth;
use crate::error::MetricsError;

/// Growth factors and counts of the returns and factor over the paired periods where the factor is up (`> 0`)
/// or down (`< 0`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaptureParts {
    pub(crate) up: (f64, f64, usize),
    pub(crate) down: (f64, f64, usize),
}

impl CaptureParts {
    pub(crate) fn new() -> Self {
        CaptureParts { up: (1.0, 1.0, 0), down: (1.0, 1.0, 0) }
    }

    /// Adds one paired period (both values already known not to be NaN).
    #[inline]
    pub(crate) fn push(&mut self, r: f64, f: f64) {
        if f > 0.0 {
            self.up.0 *= r + 1.0;
            self.up.1 *= f + 1.0;
            self.up.2 += 1;
        } else if f < 0.0 {
            self.down.0 *= r + 1.0;
            self.down.1 *= f + 1.0;
            self.down.2 += 1;
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
    let mut p = CaptureParts::new();
    for (&r, &f) in returns.iter().zip(factor_returns) {
        if !r.is_nan() && !f.is_nan() {
            p.push(r, f);
        }
    }
    Ok(p)
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
