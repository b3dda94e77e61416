//! Count, mean, spread and extremes of one series in one pass over memory.

use crate::metrics::kernels::LANES as L;

use super::lanes::{fold, lane_sums, CHUNK};
use super::moments::Moments;

/// Series at least this long take the single-pass chunked algorithms (and `Metrics::compute` its two threads);
/// shorter ones the two-pass kernels, bit for bit as empyrical on series under 1,024.
pub(crate) const LONG_SERIES: usize = 1 << 16;

/// Count, mean, sum of squared deviations, minimum and maximum of the known values, in one pass over memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread {
    pub(crate) count: usize,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

/// [`Spread`] chunk by chunk: the chunk's sum from memory, its squared deviations from cache, merged by Chan's
/// update.
#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+avx", "x86_64+sse4.2"))]
pub(crate) fn spread(values: &[f64]) -> Spread {
    let mut total = Moments::default();
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for chunk in values.chunks(CHUNK) {
        let full = chunk.len() - chunk.len() % L;
        let (lanes, rest) = chunk.split_at(full);
        let (mut cnt, mut acc) = ([0.0f64; L], [0.0f64; L]);
        let (mut lo, mut hi) = ([f64::INFINITY; L], [f64::NEG_INFINITY; L]);
        for c in lanes.chunks_exact(L) {
            for i in 0..L {
                let x = c[i];
                let known = !x.is_nan();
                cnt[i] += if known { 1.0 } else { 0.0 };
                acc[i] += if known { x } else { 0.0 };
                lo[i] = if x < lo[i] { x } else { lo[i] };
                hi[i] = if x > hi[i] { x } else { hi[i] };
            }
        }
        let (mut n, mut sum) = (fold(cnt), fold(acc));
        for i in 0..L {
            min = if lo[i] < min { lo[i] } else { min };
            max = if hi[i] > max { hi[i] } else { max };
        }
        for &x in rest {
            if !x.is_nan() {
                n += 1.0;
                sum += x;
                min = if x < min { x } else { min };
                max = if x > max { x } else { max };
            }
        }
        if n == 0.0 {
            continue;
        }
        let mean = sum / n;
        let [m2] = lane_sums(lanes, rest, |x| [(x - mean) * (x - mean)]);
        total = total.merge(Moments { n, mean, m2, m3: 0.0, m4: 0.0 });
    }
    let (min, max) = if min <= max { (min, max) } else { (f64::NAN, f64::NAN) };
    Spread { count: total.n as usize, mean: if total.n > 0.0 { total.mean } else { f64::NAN }, m2: total.m2, min, max }
}
