//! Chunks and lanes: the loop shapes the single-pass algorithms share.

use crate::metrics::kernels::LANES as L;

/// Elements per chunk: 4096 values of each series, 32 KiB, stay in cache between the two loops.
pub(crate) const CHUNK: usize = 4096;

/// Sums the lanes of an accumulator.
#[inline]
pub(super) fn fold(a: [f64; L]) -> f64 {
    (a[0] + a[1]) + (a[2] + a[3])
}

/// Lane sums of `K` terms over the known values of a cached chunk (NaN skipped), plus the sequential remainder.
#[inline(always)]
pub(super) fn lane_sums<const K: usize>(lanes: &[f64], rest: &[f64], terms: impl Fn(f64) -> [f64; K]) -> [f64; K] {
    let mut acc = [[0.0f64; L]; K];
    for c in lanes.chunks_exact(L) {
        for i in 0..L {
            let x = c[i];
            let known = !x.is_nan();
            let t = terms(if known { x } else { 0.0 });
            for k in 0..K {
                acc[k][i] += if known { t[k] } else { 0.0 };
            }
        }
    }
    let mut sums = [0.0f64; K];
    for k in 0..K {
        sums[k] = fold(acc[k]);
    }
    for &x in rest {
        if !x.is_nan() {
            let t = terms(x);
            for k in 0..K {
                sums[k] += t[k];
            }
        }
    }
    sums
}
