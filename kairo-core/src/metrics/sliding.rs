//! Rolling mean, standard deviation and beta in one pass (O(n) instead of O(n · window)), for the rolling Sharpe
//! ratio, volatility and beta over long series and many columns.
//!
//! Each window's sums are kept relative to a shift `c`, the mean of the window where the sums were last built from
//! scratch, and updated by adding the period entering and removing the period leaving. The sums are rebuilt every
//! `window` steps or when they fall to a quarter of their peak, so rounding never accumulates over more than one
//! window nor outweighs the window's own dispersion, and with the shift near the mean the
//! sum of squared deviations `Σ(x − c)² − (Σ(x − c))² / n` loses no digits to cancellation. Computed exactly by the
//! full-series function instead: a window where it would (deviations below 1e-3 of the shifted squares), a window
//! with a NaN or an infinity, windows under 32 periods and series shorter than two windows. The results agree with
//! the per-window computation to 1e-12 of the value (of 1 for values near zero).
//!
//! A window whose values are all equal has a standard deviation of exactly 0 (empyrical's zero-dispersion rule):
//! the number of places in the window where a value differs from the one before it is kept as the window slides,
//! and the window is constant when it is zero.

/// Windows shorter than this are computed exactly: the exact form costs little there.
const MIN_WINDOW: usize = 32;

/// The sums are rebuilt when the shifted squares fall below this share of their peak since the last build (the
/// window moved from wide swings to quiet periods), so that the rounding of the swings does not outweigh them.
const DROP: f64 = 0.25;

/// Below this share of the shifted squares, the deviations are recomputed exactly.
const CANCELLATION: f64 = 1e-3;

/// A window's count, mean, sum of squared deviations, and whether all its values are equal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WindowMoments {
    pub(crate) count: usize,
    pub(crate) mean: f64,
    pub(crate) squared_deviations: f64,
    pub(crate) constant: bool,
}

/// Sums relative to a shift.
#[derive(Debug, Default, Clone, Copy)]
struct Shifted {
    shift: f64,
    s1: f64,
    s2: f64,
}

impl Shifted {
    fn build(values: &[f64]) -> Self {
        let shift = values.iter().sum::<f64>() / values.len() as f64;
        let (mut s1, mut s2) = (0.0, 0.0);
        for &x in values {
            let d = x - shift;
            s1 += d;
            s2 += d * d;
        }
        Shifted { shift, s1, s2 }
    }

    fn add(&mut self, x: f64) {
        let d = x - self.shift;
        self.s1 += d;
        self.s2 += d * d;
    }

    fn remove(&mut self, x: f64) {
        let d = x - self.shift;
        self.s1 -= d;
        self.s2 -= d * d;
    }
}

/// `f(moments)` of every window of `window` periods of a finite window, `exact(slice)` of the others; `None` when
/// the series is too short for the sliding form to pay (the caller computes every window exactly).
pub(crate) fn sliding(
    values: &[f64],
    window: usize,
    exact: impl Fn(&[f64]) -> f64,
    f: impl Fn(WindowMoments) -> f64,
) -> Option<Vec<f64>> {
    if window < MIN_WINDOW || values.len() < 2 * window {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() - window + 1);
    let mut sums = Shifted::default();
    // places k in the window (after its first period) where values[k] != values[k − 1]
    let mut changes = 0usize;
    let mut not_finite = 0usize;
    let mut built_at = 0usize;
    // the largest shifted squares since the sums were built: their rounding is what the sums carry
    let mut peak = 0.0f64;
    for i in 0..values.len() {
        let x = values[i];
        if i >= window {
            let old = values[i - window];
            not_finite -= usize::from(!old.is_finite());
            sums.remove(old);
        }
        not_finite += usize::from(!x.is_finite());
        sums.add(x);
        if i > 0 {
            changes += usize::from(x != values[i - 1]);
        }
        if i >= window {
            // the pair (i − window, i − window + 1) leaves the window
            changes -= usize::from(values[i - window + 1] != values[i - window]);
        }
        if i + 1 < window {
            continue;
        }
        let first = i + 1 - window;
        let slice = &values[first..=i];
        if not_finite > 0 {
            out.push(exact(slice));
            continue;
        }
        peak = peak.max(sums.s2);
        if first == 0 || first - built_at >= window || !sums.s2.is_finite() || sums.s2 < peak * DROP {
            sums = Shifted::build(slice);
            built_at = first;
            peak = sums.s2;
        }
        let n = window as f64;
        let mean = sums.shift + sums.s1 / n;
        if changes == 0 {
            // every value is x: the mean is x itself, not x plus the rounding of the shifted sums
            out.push(f(WindowMoments { count: window, mean: x, squared_deviations: 0.0, constant: true }));
            continue;
        }
        let squared_deviations = sums.s2 - sums.s1 * sums.s1 / n;
        if !(squared_deviations > CANCELLATION * sums.s2) {
            out.push(exact(slice));
            continue;
        }
        out.push(f(WindowMoments { count: window, mean, squared_deviations, constant: false }));
    }
    Some(out)
}

/// Beta of every window of two aligned series (`Σ(f − f̄) r / Σ(f − f̄)²` over the window), sliding as
/// [`sliding`]; windows with a NaN or an infinity in either series are computed by `exact`.
pub(crate) fn sliding_beta(
    returns: &[f64],
    factor: &[f64],
    window: usize,
    exact: impl Fn(&[f64], &[f64]) -> f64,
) -> Option<Vec<f64>> {
    if window < MIN_WINDOW || returns.len() < 2 * window || returns.len() != factor.len() {
        return None;
    }
    let mut out = Vec::with_capacity(returns.len() - window + 1);
    let (mut cr, mut cf) = (0.0, 0.0);
    let (mut sr, mut sf, mut sff, mut sfr) = (0.0, 0.0, 0.0, 0.0);
    let mut not_finite = 0usize;
    let mut built_at = 0usize;
    let mut peak = 0.0f64;
    for i in 0..returns.len() {
        if i >= window {
            let (r, f) = (returns[i - window], factor[i - window]);
            not_finite -= usize::from(!(r.is_finite() && f.is_finite()));
            let (dr, df) = (r - cr, f - cf);
            sr -= dr;
            sf -= df;
            sff -= df * df;
            sfr -= df * dr;
        }
        let (r, f) = (returns[i], factor[i]);
        not_finite += usize::from(!(r.is_finite() && f.is_finite()));
        let (dr, df) = (r - cr, f - cf);
        sr += dr;
        sf += df;
        sff += df * df;
        sfr += df * dr;
        if i + 1 < window {
            continue;
        }
        let first = i + 1 - window;
        let (rs, fs) = (&returns[first..=i], &factor[first..=i]);
        if not_finite > 0 {
            out.push(exact(rs, fs));
            continue;
        }
        peak = peak.max(sff);
        if first == 0 || first - built_at >= window || !(sff.is_finite() && sfr.is_finite()) || sff < peak * DROP {
            cr = rs.iter().sum::<f64>() / window as f64;
            cf = fs.iter().sum::<f64>() / window as f64;
            (sr, sf, sff, sfr) = (0.0, 0.0, 0.0, 0.0);
            for (&r, &f) in rs.iter().zip(fs) {
                let (dr, df) = (r - cr, f - cf);
                sr += dr;
                sf += df;
                sff += df * df;
                sfr += df * dr;
            }
            built_at = first;
            peak = sff;
        }
        let n = window as f64;
        let var_sum = sff - sf * sf / n;
        if !(var_sum > CANCELLATION * sff) {
            out.push(exact(rs, fs));
            continue;
        }
        // Σ(f − f̄)·r = Σ(f − f̄)(r − c_r) since Σ(f − f̄) = 0
        let cov_sum = sfr - sf * sr / n;
        let variance = var_sum / n;
        out.push(if variance >= 1e-30 { (cov_sum / n) / variance } else { f64::NAN });
    }
    Some(out)
}
