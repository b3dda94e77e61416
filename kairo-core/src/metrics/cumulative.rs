//! Compounded returns: cumulative series, total return and CAGR (empyrical's `cum_returns`,
//! `cum_returns_final`, `annual_return`).

/// Cumulative returns from simple returns: `cᵢ = Π_{j≤i}(1 + rⱼ) − 1`, or `start · Π_{j≤i}(1 + rⱼ)` when
/// `starting_value` is not 0 (empyrical `cum_returns`). NaN returns count as 0 (no change). Empty in, empty out.
///
/// ```
/// use kairo_core::metrics::cum_returns;
/// // 1.1 · 0.9 = 0.99
/// let c = cum_returns(&[0.1, f64::NAN, -0.1], 0.0);
/// assert_eq!(c.len(), 3);
/// assert!((c[2] - (1.1f64 * 0.9 - 1.0)).abs() < 1e-15);
/// ```
pub fn cum_returns(returns: &[f64], starting_value: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(returns.len());
    cum_returns_into(returns, starting_value, &mut out);
    out
}

/// [`cum_returns`] appended to `out` (the columns of a table written one after another into one buffer).
pub fn cum_returns_into(returns: &[f64], starting_value: f64, out: &mut Vec<f64>) {
    let mut wealth = 1.0;
    for &r in returns {
        wealth *= if r.is_nan() { 1.0 } else { r + 1.0 };
        out.push(if starting_value == 0.0 { wealth - 1.0 } else { wealth * starting_value });
    }
}

/// [`cum_returns`] of each column of a row-major table `width` columns wide, in place of the values and row by row
/// (the columns' products advance together, which vectorizes): the same values as column by column, bit for bit.
///
/// ```
/// use kairo_core::metrics::{cum_returns, cum_returns_rows};
/// let table = [0.1, -0.2, f64::NAN, 0.05]; // rows (0.1, −0.2), (NaN, 0.05)
/// let out = cum_returns_rows(&table, 2, 0.0);
/// assert_eq!([out[0], out[2]], [cum_returns(&[0.1, f64::NAN], 0.0)[0], cum_returns(&[0.1, f64::NAN], 0.0)[1]]);
/// assert_eq!([out[1], out[3]], [cum_returns(&[-0.2, 0.05], 0.0)[0], cum_returns(&[-0.2, 0.05], 0.0)[1]]);
/// ```
pub fn cum_returns_rows(table: &[f64], width: usize, starting_value: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(table.len());
    if width == 0 {
        return out;
    }
    let mut wealth = vec![1.0; width];
    for row in table.chunks_exact(width) {
        for (w, &r) in wealth.iter_mut().zip(row) {
            *w *= if r.is_nan() { 1.0 } else { r + 1.0 };
        }
        if starting_value == 0.0 {
            out.extend(wealth.iter().map(|w| w - 1.0));
        } else {
            out.extend(wealth.iter().map(|w| w * starting_value));
        }
    }
    out
}

/// `Π(1 + rᵢ)` over the non-NaN returns (numpy's `nanprod`), left to right.
#[inline]
pub(crate) fn growth(returns: &[f64]) -> f64 {
    let mut wealth = 1.0;
    for &r in returns {
        let g = r + 1.0;
        if !g.is_nan() {
            wealth *= g;
        }
    }
    wealth
}

/// Total compounded return, `Π(1 + rᵢ) − 1`, or `start · Π(1 + rᵢ)` when `starting_value` is not 0
/// (empyrical `cum_returns_final`). NaN returns are skipped; NaN for an empty series.
///
/// ```
/// use kairo_core::metrics::cum_returns_final;
/// assert!((cum_returns_final(&[0.1, 0.1], 0.0) - 0.21).abs() < 1e-15);
/// assert_eq!(cum_returns_final(&[0.5], 100.0), 150.0);
/// ```
pub fn cum_returns_final(returns: &[f64], starting_value: f64) -> f64 {
    if returns.is_empty() {
        return f64::NAN;
    }
    finish_growth(growth(returns), starting_value)
}

#[inline]
pub(crate) fn finish_growth(growth: f64, starting_value: f64) -> f64 {
    if starting_value == 0.0 {
        growth - 1.0
    } else {
        growth * starting_value
    }
}

/// Compound annual growth rate (empyrical `annual_return`):
/// `(Π(1 + rᵢ))^(1 / years) − 1` with `years = n / annualization`, where `n` counts **every** period, NaN ones
/// included, as empyrical does. NaN for an empty series.
///
/// ```
/// use kairo_core::metrics::annual_return;
/// // two years of monthly returns of 1 %: (1.01^24)^(1/2) − 1 = 1.01^12 − 1
/// let r = vec![0.01; 24];
/// assert!((annual_return(&r, 12.0) - (1.01f64.powi(12) - 1.0)).abs() < 1e-12);
/// ```
pub fn annual_return(returns: &[f64], annualization: f64) -> f64 {
    annual_return_from_growth(growth(returns), returns.len(), annualization)
}

/// CAGR from a total growth factor over `periods` periods.
#[inline]
pub(crate) fn annual_return_from_growth(growth: f64, periods: usize, annualization: f64) -> f64 {
    if periods == 0 {
        return f64::NAN;
    }
    let years = periods as f64 / annualization;
    growth.powf(1.0 / years) - 1.0
}
