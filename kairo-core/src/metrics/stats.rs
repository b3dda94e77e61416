//! NaN-aware moments and order statistics, computed the way empyrical's dependencies compute them.
//!
//! * [`nanmean`] and [`nanstd`] follow bottleneck: left-to-right sums over the non-NaN values; the standard
//!   deviation is two-pass, `sqrt(Σ(xᵢ − x̄)² / (n − ddof))`, NaN when `n ≤ ddof`.
//! * [`skew`] and [`kurtosis`] follow `scipy.stats` with its defaults (`bias=True`, Fisher's excess kurtosis,
//!   `nan_policy='propagate'`).
//! * [`percentile`] follows `numpy.percentile` with its default `linear` method (Hyndman & Fan type 7).

/// Left-to-right sum and count of the non-NaN values.
#[inline]
pub(crate) fn nan_sum_count(values: &[f64]) -> (f64, usize) {
    let mut sum = 0.0;
    let mut count = 0usize;
    for &x in values {
        if !x.is_nan() {
            sum += x;
            count += 1;
        }
    }
    (sum, count)
}

/// Mean of the non-NaN values; NaN when there are none (bottleneck's `nanmean`).
///
/// ```
/// use kairo_core::metrics::nanmean;
/// assert_eq!(nanmean(&[1.0, f64::NAN, 2.0]), 1.5);
/// assert!(nanmean(&[f64::NAN]).is_nan());
/// ```
pub fn nanmean(values: &[f64]) -> f64 {
    let (sum, count) = nan_sum_count(values);
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Sum of squared deviations from `mean` over the non-NaN values, left to right.
#[inline]
pub(crate) fn nan_sum_sq_dev(values: &[f64], mean: f64) -> f64 {
    let mut acc = 0.0;
    for &x in values {
        if !x.is_nan() {
            let d = x - mean;
            acc += d * d;
        }
    }
    acc
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
    (nan_sum_sq_dev(values, mean) / (count - ddof) as f64).sqrt()
}

/// NaN-skipping minimum and maximum; `(NaN, NaN)` when every value is NaN.
#[inline]
pub(crate) fn nan_min_max(values: &[f64]) -> (f64, f64) {
    let mut lo = f64::NAN;
    let mut hi = f64::NAN;
    for &x in values {
        if !x.is_nan() {
            if !(x >= lo) {
                lo = x;
            }
            if !(x <= hi) {
                hi = x;
            }
        }
    }
    (lo, hi)
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

/// Central moments m2, m3, m4 (population, divided by n) and the mean, or `None` for empty input.
/// Every value must be finite or at least not NaN (the callers propagate NaN before calling).
fn central_moments(values: &[f64]) -> Option<(f64, f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let (mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0);
    for &x in values {
        let d = x - mean;
        let d2 = d * d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    Some((mean, s2 / n, s3 / n, s4 / n))
}

/// Sample skewness, `m3 / m2^1.5` with population moments (`scipy.stats.skew`, `bias=True`).
///
/// NaN when the input is empty, holds a NaN (`nan_policy='propagate'`), or has (numerically) zero variance:
/// `m2 ≤ (ε · mean)²` as scipy tests it.
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
    match central_moments(values) {
        Some((mean, m2, m3, _)) if !is_zero_variance(m2, mean) => m3 / m2.powf(1.5),
        _ => f64::NAN,
    }
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
    match central_moments(values) {
        Some((mean, m2, _, m4)) if !is_zero_variance(m2, mean) => m4 / m2.powi(2) - 3.0,
        _ => f64::NAN,
    }
}

/// scipy's test for a numerically constant sample: `m2 ≤ (ε · mean)²`.
#[inline]
fn is_zero_variance(m2: f64, mean: f64) -> bool {
    let scaled = f64::EPSILON * mean;
    m2 <= scaled * scaled
}

/// `numpy.percentile(values, q)` with the default linear interpolation, where `q` is a fraction in [0, 1]
/// (numpy's `q / 100`). `values` must hold no NaN; they are reordered in place (a selection, not a full sort).
/// NaN for empty input.
///
/// With the values sorted as v₀ ≤ … ≤ vₙ₋₁, the virtual index is `h = (n − 1) q`, `i = ⌊h⌋`, `g = h − i`, and the
/// result is `vᵢ + (vᵢ₊₁ − vᵢ) g` when `g < 0.5`, else `vᵢ₊₁ − (vᵢ₊₁ − vᵢ)(1 − g)` (numpy's `_lerp`).
pub(crate) fn percentile_in_place(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    if h >= (n - 1) as f64 {
        return select(values, n - 1);
    }
    if h < 0.0 {
        return select(values, 0);
    }
    let i = h.floor();
    let g = h - i;
    let i = i as usize;
    let lo = select(values, i);
    // After selecting i, the (i+1)-th smallest is the minimum of the right part.
    let hi = values[i + 1..].iter().copied().fold(f64::INFINITY, f64::min);
    lerp(lo, hi, g)
}

/// numpy's `_lerp(a, b, t)`.
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

/// The non-NaN values, copied.
pub(crate) fn finite_copy(values: &[f64]) -> Vec<f64> {
    values.iter().copied().filter(|x| !x.is_nan()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_by_hand() {
        // numpy.percentile([1, 2, 3, 4], 5) = 1 + (2 − 1) · 0.15 = 1.15
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        assert!((percentile_in_place(&mut v, 0.05) - 1.15).abs() < 1e-15);
        // q = 0.95: h = 2.85, g ≥ 0.5 → 4 − (4 − 3) · 0.15 = 3.85
        assert!((percentile_in_place(&mut v, 0.95) - 3.85).abs() < 1e-15);
        assert_eq!(percentile_in_place(&mut v, 1.0), 4.0);
        assert_eq!(percentile_in_place(&mut v, 0.0), 1.0);
        assert!(percentile_in_place(&mut [], 0.5).is_nan());
    }

    #[test]
    fn moments_propagate_nan_and_constant_is_nan() {
        assert!(skew(&[1.0, f64::NAN, 2.0]).is_nan());
        assert!(kurtosis(&[0.01; 10]).is_nan());
        assert!(skew(&[]).is_nan());
    }

    #[test]
    fn min_max_skip_nan() {
        assert_eq!(nan_min_max(&[f64::NAN, 2.0, -1.0, f64::NAN]), (-1.0, 2.0));
        let (lo, hi) = nan_min_max(&[f64::NAN]);
        assert!(lo.is_nan() && hi.is_nan());
    }
}
