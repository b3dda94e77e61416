//! Checks of the arguments that are wrong rather than degenerate (a [`MetricsError`], not a NaN).

use crate::error::MetricsError;

/// Checks that two series are aligned element by element.
pub(crate) fn check_lengths(returns: &[f64], factor_returns: &[f64]) -> Result<(), MetricsError> {
    if returns.len() == factor_returns.len() {
        Ok(())
    } else {
        Err(MetricsError::LengthMismatch { returns: returns.len(), factor_returns: factor_returns.len() })
    }
}

/// Checks that a tail cutoff lies in [0, 1] (numpy's percentile domain, divided by 100).
pub(crate) fn check_cutoff(cutoff: f64) -> Result<(), MetricsError> {
    if (0.0..=1.0).contains(&cutoff) {
        Ok(())
    } else {
        Err(MetricsError::InvalidParameter { name: "cutoff", reason: format!("must lie in [0, 1], got {cutoff}") })
    }
}

/// Checks that a scalar input is a finite number.
pub(crate) fn check_open_probability_inputs(name: &'static str, value: f64) -> Result<(), MetricsError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(MetricsError::InvalidParameter { name, reason: format!("must be a finite number, got {value}") })
    }
}
