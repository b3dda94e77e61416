//! Summation kernels shared by every metric.
//!
//! Long series are summed in blocks of 256 elements, each block in [`LANES`] interleaved accumulators (element `i`
//! goes to lane `i mod 4`) combined pairwise, and the block totals are added with compensation (TwoSum); the tail of
//! fewer than four elements is added last. Independent lanes let the CPU keep several additions in flight and
//! vectorize them, and the error is that of a 64-term sum plus a compensated one: smaller than numpy's pairwise
//! summation and much smaller than one left-to-right sum. empyrical (through bottleneck) sums left to right, so results can differ from it in
//! the last bits; the test vectors hold every metric to 1e-12 relative of empyrical's.

/// Number of interleaved accumulators.
pub(crate) const LANES: usize = 4;

/// Series shorter than this are summed left to right, exactly as bottleneck does: bit for bit the same sums on
/// short series, where an ill-conditioned mean (a Sharpe ratio near zero over a short window) would show any
/// difference of order.
pub(crate) const SEQUENTIAL_BELOW: usize = 1024;

/// How many leading elements go through the lanes (a multiple of [`LANES`], or 0 for a short series).
#[inline]
fn lane_part(n: usize) -> usize {
    if n < SEQUENTIAL_BELOW {
        0
    } else {
        n - n % LANES
    }
}

#[inline]
fn combine(a: [f64; LANES]) -> f64 {
    (a[0] + a[1]) + (a[2] + a[3])
}

/// Elements per block: each block is summed in lanes from zero, and block totals are added with compensation.
const BLOCK: usize = 256;

/// A compensated running total (Knuth's TwoSum): the rounding error of every addition is carried along.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Compensated {
    pub(crate) sum: f64,
    pub(crate) err: f64,
}

impl Compensated {
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        let bp = t - self.sum;
        self.err += (self.sum - (t - bp)) + (x - bp);
        self.sum = t;
    }

    #[inline]
    pub(crate) fn value(self) -> f64 {
        self.sum + self.err
    }
}

/// The result of [`multi_sum`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct MultiSum<const K: usize> {
    /// `Σ f(x)[k]` over the non-NaN `x` (a NaN `f(x)[k]` is skipped).
    pub(crate) sums: [f64; K],
    /// Number of non-NaN `x`.
    pub(crate) count: usize,
    /// Minimum of the non-NaN `x` (NaN when there are none).
    pub(crate) min: f64,
    /// Maximum of the non-NaN `x` (NaN when there are none).
    pub(crate) max: f64,
}

/// Several sums in one pass: `sums[k] = Σ f(x)[k]` over the non-NaN values `x`. Each sum is accumulated as it would
/// be alone (same lanes, same order), so fused and separate passes give bit-identical results.
#[inline]
pub(crate) fn multi_sum<const K: usize>(values: &[f64], f: impl Fn(f64) -> [f64; K]) -> MultiSum<K> {
    let mut total = [Compensated::default(); K];
    let mut cnt = [0u64; LANES];
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let full = lane_part(values.len());
    for block in values[..full].chunks(BLOCK) {
        let mut acc = [[0.0f64; LANES]; K];
        for c in block.chunks_exact(LANES) {
            for i in 0..LANES {
                let x = c[i];
                let known = !x.is_nan();
                let y = f(if known { x } else { 0.0 });
                for k in 0..K {
                    acc[k][i] += if known && !y[k].is_nan() { y[k] } else { 0.0 };
                }
                cnt[i] += known as u64;
                lo[i] = if x < lo[i] { x } else { lo[i] };
                hi[i] = if x > hi[i] { x } else { hi[i] };
            }
        }
        for k in 0..K {
            total[k].add(combine(acc[k]));
        }
    }
    let mut sums = [0.0f64; K];
    for k in 0..K {
        sums[k] = total[k].value();
    }
    let mut count: u64 = cnt.iter().sum();
    let (mut l, mut h) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..LANES {
        l = if lo[i] < l { lo[i] } else { l };
        h = if hi[i] > h { hi[i] } else { h };
    }
    for &x in &values[full..] {
        if x.is_nan() {
            continue;
        }
        let y = f(x);
        for k in 0..K {
            if !y[k].is_nan() {
                sums[k] += y[k];
            }
        }
        count += 1;
        l = if x < l { x } else { l };
        h = if x > h { x } else { h };
    }
    let (min, max) = if l <= h { (l, h) } else { (f64::NAN, f64::NAN) };
    MultiSum { sums, count: count as usize, min, max }
}

/// Sum and count of the non-NaN values of `f(x)` over `values`.
#[inline]
pub(crate) fn sum_count_by(values: &[f64], f: impl Fn(f64) -> f64) -> (f64, usize) {
    let s = multi_sum(values, |x| [f(x)]);
    (s.sums[0], s.count)
}

/// Sum and count of the non-NaN values.
#[inline]
pub(crate) fn nan_sum_count(values: &[f64]) -> (f64, usize) {
    sum_count_by(values, |x| x)
}

/// Sum of `f(x)` over the values `x` that are not NaN.
#[inline]
pub(crate) fn sum_known_by(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    sum_count_by(values, f).0
}

/// Minimum and maximum of the non-NaN values; `(NaN, NaN)` when there are none.
#[inline]
pub(crate) fn nan_min_max(values: &[f64]) -> (f64, f64) {
    let s = multi_sum(values, |_| []);
    (s.min, s.max)
}

/// The result of [`paired_multi_sum`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairSum<const K: usize> {
    /// `Σ f(x, y)[k]` over the pairs where both are known.
    pub(crate) sums: [f64; K],
    /// Number of such pairs.
    pub(crate) count: usize,
    /// Minimum of each `f(x, y)[k]` over those pairs, when tracked (NaN when there are none).
    pub(crate) min: [f64; K],
    /// Maximum of each `f(x, y)[k]`, when tracked.
    pub(crate) max: [f64; K],
}

/// Several sums over the pairs `(x, y)` where both values are known, in one pass: `sums[k] = Σ f(x, y)[k]`, each
/// accumulated as it would be alone. With `TRACK`, also the minimum and maximum of every `f(x, y)[k]`.
#[inline]
pub(crate) fn paired_multi_sum<const K: usize, const TRACK: bool>(
    xs: &[f64],
    ys: &[f64],
    f: impl Fn(f64, f64) -> [f64; K],
) -> PairSum<K> {
    let mut total = [Compensated::default(); K];
    let mut cnt = [0u64; LANES];
    let mut lo = [[f64::INFINITY; LANES]; K];
    let mut hi = [[f64::NEG_INFINITY; LANES]; K];
    let n = xs.len().min(ys.len());
    let full = lane_part(n);
    for (bx, by) in xs[..full].chunks(BLOCK).zip(ys[..full].chunks(BLOCK)) {
        let mut acc = [[0.0f64; LANES]; K];
        for (cx, cy) in bx.chunks_exact(LANES).zip(by.chunks_exact(LANES)) {
            for i in 0..LANES {
                let both = !cx[i].is_nan() && !cy[i].is_nan();
                let v = f(if both { cx[i] } else { 0.0 }, if both { cy[i] } else { 0.0 });
                for k in 0..K {
                    acc[k][i] += if both { v[k] } else { 0.0 };
                    if TRACK {
                        let t = if both { v[k] } else { f64::NAN };
                        lo[k][i] = if t < lo[k][i] { t } else { lo[k][i] };
                        hi[k][i] = if t > hi[k][i] { t } else { hi[k][i] };
                    }
                }
                cnt[i] += both as u64;
            }
        }
        for k in 0..K {
            total[k].add(combine(acc[k]));
        }
    }
    let mut out = PairSum { sums: [0.0; K], count: 0, min: [f64::NAN; K], max: [f64::NAN; K] };
    let (mut l, mut h) = ([f64::INFINITY; K], [f64::NEG_INFINITY; K]);
    for k in 0..K {
        out.sums[k] = total[k].value();
        for i in 0..LANES {
            l[k] = if lo[k][i] < l[k] { lo[k][i] } else { l[k] };
            h[k] = if hi[k][i] > h[k] { hi[k][i] } else { h[k] };
        }
    }
    let mut count: u64 = cnt.iter().sum();
    for (&x, &y) in xs[full..n].iter().zip(&ys[full..n]) {
        if x.is_nan() || y.is_nan() {
            continue;
        }
        let v = f(x, y);
        for k in 0..K {
            out.sums[k] += v[k];
            l[k] = if v[k] < l[k] { v[k] } else { l[k] };
            h[k] = if v[k] > h[k] { v[k] } else { h[k] };
        }
        count += 1;
    }
    out.count = count as usize;
    if TRACK {
        for k in 0..K {
            if l[k] <= h[k] {
                out.min[k] = l[k];
                out.max[k] = h[k];
            }
        }
    }
    out
}

/// Sums over the pairs where both values are known: `(Σ x, Σ y, count)`.
#[inline]
pub(crate) fn paired_sums(xs: &[f64], ys: &[f64]) -> (f64, f64, usize) {
    let s = paired_multi_sum::<2, false>(xs, ys, |x, y| [x, y]);
    (s.sums[0], s.sums[1], s.count)
}

/// Sum of `f(x, y)` over the pairs where both values are known.
#[inline]
pub(crate) fn paired_sum_by(xs: &[f64], ys: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    paired_multi_sum::<1, false>(xs, ys, |x, y| [f(x, y)]).sums[0]
}

/// Centred power sums `(Σd², Σd³, Σd⁴)` with `d = x − mean` over the non-NaN values; `Σd²` is bit-identical to
/// the second pass of a standard deviation.
#[inline]
pub(crate) fn centred_power_sums(values: &[f64], mean: f64) -> (f64, f64, f64) {
    let s = multi_sum(values, |x| {
        let d = x - mean;
        let d2 = d * d;
        [d2, d2 * d, d2 * d2]
    });
    (s.sums[0], s.sums[1], s.sums[2])
}

/// `min(x, 0)²`, NaN for NaN.
#[inline]
pub(crate) fn downside_square(x: f64) -> f64 {
    let d = if x < 0.0 { x } else { x * 0.0 };
    d * d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_and_tails_agree_with_plain_sums() {
        let v: Vec<f64> = (0..2101).map(|i| if i % 5 == 0 { f64::NAN } else { (i % 21) as f64 * 0.5 }).collect();
        let plain: f64 = v.iter().filter(|x| !x.is_nan()).sum();
        let count = v.iter().filter(|x| !x.is_nan()).count();
        assert_eq!(nan_sum_count(&v), (plain, count));
        assert_eq!(nan_min_max(&v), (0.0, 10.0));
        assert!(nan_min_max(&[f64::NAN; 9]).0.is_nan());
        assert_eq!(nan_min_max(&[f64::NAN, f64::NAN, 3.0]), (3.0, 3.0));
        let w: Vec<f64> = (0..2101).map(|i| (i % 13) as f64).collect();
        let (sx, sy, c) = paired_sums(&v, &w);
        assert_eq!((sx, c), (plain, count));
        assert_eq!(sy, w.iter().enumerate().filter(|(i, _)| i % 5 != 0).map(|(_, x)| x).sum::<f64>());
        // Short series are summed left to right, bit for bit.
        let short = [0.1, 0.2, 0.3, f64::NAN, 0.4];
        assert_eq!(nan_sum_count(&short).0, ((0.1 + 0.2) + 0.3) + 0.4);
    }
}
