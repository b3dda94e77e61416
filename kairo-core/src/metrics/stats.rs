//! NaN-aware moments, computed with empyrical's conventions.
//!
//! * [`nanmean`] and [`nanstd`] follow bottleneck: statistics over the non-NaN values; the standard deviation is
//!   two-pass, `sqrt(Σ(xᵢ − x̄)² / (n − ddof))`, NaN when `n ≤ ddof`. Sums use the lane kernels of `kernels.rs`.
//! * [`skew`] and [`kurtosis`] follow `scipy.stats` with its defaults (`bias=True`, Fisher's excess kurtosis,
//!   `nan_policy='propagate'`).

use super::kernels::{centred_power_sums, nan_sum_count, sum_known_by};

/// Mean of the non-NaN values; NaN when there are none (bottleneck's `nanmean`).
///
/// ```
/// use kairo_core::metrics::nanmean;
/// assert_eq!(nanmean(&[1.0, f64::NAN, 2.0]), 1.5);
/// assert!(nanmean(&[f64::NAN]).is_nan());
/// ```
pub fn nanmean(values: &[f64]) -> f64 {
    let (sum, count) = nan_sum_count(values);
    mean_of(sum, count)
}

/// `sum / count`, NaN for no values.
#[inline]
pub(crate) fn mean_of(sum: f64, count: usize) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Standard deviation of the non-NaN values with `ddof` delta degrees of freedom (bottleneck's `nanstd`):
/// `sqrt(Σ(xᵢ − x̄)² / (n − ddof))`, two passes, NaN when `n ≤ ddof`.
///
/// ```
/// use kairo_core::metrics::nanstd;
/// // deviations from the mean 2: -1, 0, 1 → Σd² = 2; 2 / (3 − 1) = 1
/// assert_eq!(nanstd(&[1.0, 2.0, f64::NAN, 3.0], 1), 1.0);
/// assert!(nanstd(&[1.0], 1).is_nan());
/// ```
pub fn nanstd(values: &[f64], ddof: usize) -> f64 {
    let (sum, count) = nan_sum_count(values);
    std_from_parts(values, sum, count, ddof)
}

/// The second pass of [`nanstd`] given the first pass's sum and count.
#[inline]
pub(crate) fn std_from_parts(values: &[f64], sum: f64, count: usize, ddof: usize) -> f64 {
    if count <= ddof {
        return f64::NAN;
    }
    let mean = sum / count as f64;
    if !mean.is_finite() {
        // An infinite value: its deviation from the mean is ∞ − ∞, undefined (numpy and bottleneck give NaN).
        return f64::NAN;
    }
    std_from_sum_sq(sum_known_by(values, |x| (x - mean) * (x - mean)), count, ddof)
}

/// `sqrt(ss / (n − ddof))`, NaN when `n ≤ ddof`.
#[inline]
pub(crate) fn std_from_sum_sq(sum_sq: f64, count: usize, ddof: usize) -> f64 {
    if count <= ddof {
        f64::NAN
    } else {
        (sum_sq / (count - ddof) as f64).sqrt()
    }
}

/// empyrical's `_zero_dispersion_std`: a series whose non-NaN values are all equal has a standard deviation of
/// exactly 0, whatever rounding left in `std`.
#[inline]
pub(crate) fn zero_dispersion(std: f64, min: f64, max: f64) -> f64 {
    if min == max && std.is_finite() {
        0.0
    } else {
        std
    }
}

/// Skewness and excess kurtosis from the count, mean and centred power sums, NaN for an empty or (numerically)
/// constant sample as scipy decides it: `m2 ≤ (ε · mean)²`.
pub(crate) fn shape_from_sums(count: usize, mean: f64, sums: (f64, f64, f64)) -> (f64, f64) {
    if count == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = count as f64;
    let m2 = sums.0 / n;
    let scaled = f64::EPSILON * mean;
    if m2 <= scaled * scaled {
        return (f64::NAN, f64::NAN);
    }
    ((sums.1 / n) / m2.powf(1.5), (sums.2 / n) / m2.powi(2) - 3.0)
}

/// Skewness and excess kurtosis of the non-NaN values.
pub(crate) fn known_shape(values: &[f64]) -> (f64, f64) {
    let (sum, count) = nan_sum_count(values);
    let mean = mean_of(sum, count);
    shape_from_sums(count, mean, centred_power_sums(values, mean))
}

/// Sample skewness, `m3 / m2^1.5` with population moments (`scipy.stats.skew`, `bias=True`).
///
/// NaN when the input is empty, holds a NaN (`nan_policy='propagate'`), or has (numerically) zero variance.
///
/// ```
/// use kairo_core::metrics::skew;
/// // mean 1, deviations −1, −1, 2: m2 = 6/3 = 2, m3 = (−1 − 1 + 8)/3 = 2 → 2 / 2^1.5 = 0.7071…
/// assert!((skew(&[0.0, 0.0, 3.0]) - 2.0 / 2f64.powf(1.5)).abs() < 1e-15);
/// ```
pub fn skew(values: &[f64]) -> f64 {
    if values.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    known_shape(values).0
}

/// Excess kurtosis, `m4 / m2² − 3` with population moments (`scipy.stats.kurtosis`, `fisher=True`, `bias=True`).
/// NaN in the same cases as [`skew`].
///
/// ```
/// use kairo_core::metrics::kurtosis;
/// // ±1 alternating: m2 = 1, m4 = 1 → 1 − 3 = −2
/// assert_eq!(kurtosis(&[1.0, -1.0, 1.0, -1.0]), -2.0);
/// ```
pub fn kurtosis(values: &[f64]) -> f64 {
    if values.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    known_shape(values).1
}

/// numpy's `_lerp(a, b, t)`: `a + (b − a) t` when `t < 0.5`, else `b − (b − a)(1 − t)`.
#[inline]
pub(crate) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The k-th smallest value (0-based); reorders `values` so that everything left of k is ≤ it.
#[inline]
pub(crate) fn select(values: &mut [f64], k: usize) -> f64 {
    let (_, v, _) = values.select_nth_unstable_by(k, f64::total_cmp);
    *v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_propagate_nan_and_constant_is_nan() {
        assert!(skew(&[1.0, f64::NAN, 2.0]).is_nan());
        assert!(kurtosis(&[0.01; 10]).is_nan());
        assert!(skew(&[]).is_nan());
    }

    #[test]
    fn lerp_follows_numpy() {
        // numpy.percentile([1, 2, 3, 4], 5): h = 0.15 → 1 + 1 · 0.15; at 95: h = 2.85 → 4 − 1 · 0.15
        assert!((lerp(1.0, 2.0, 0.15) - 1.15).abs() < 1e-15);
        assert!((lerp(3.0, 4.0, 0.85) - 3.85).abs() < 1e-15);
    }
}
