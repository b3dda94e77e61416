//! The statistics of two aligned series in one pass over memory.

use crate::metrics::capture::CaptureParts;
use crate::metrics::kernels::LANES as L;

use super::lanes::{fold, CHUNK};
use super::moments::PairMoments;

/// Everything one pass over (part of) two aligned series gathers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairStats {
    pub(crate) moments: PairMoments,
    /// Extremes of r, f and r − f over the pairs.
    pub(crate) min: [f64; 3],
    pub(crate) max: [f64; 3],
    pub(crate) capture: CaptureParts,
}

impl PairStats {
    fn empty() -> Self {
        PairStats {
            moments: PairMoments::default(),
            min: [f64::INFINITY; 3],
            max: [f64::NEG_INFINITY; 3],
            capture: CaptureParts::identity(),
        }
    }

    pub(crate) fn merge(mut self, b: PairStats) -> PairStats {
        self.moments = self.moments.merge(b.moments);
        for k in 0..3 {
            self.min[k] = if b.min[k] < self.min[k] { b.min[k] } else { self.min[k] };
            self.max[k] = if b.max[k] > self.max[k] { b.max[k] } else { self.max[k] };
        }
        self.capture = self.capture.merge(&b.capture);
        self
    }
}

/// The pair statistics of `returns` against `factor` (same length), chunk by chunk.
pub(crate) fn pair_stats(returns: &[f64], factor: &[f64]) -> PairStats {
    let mut total = PairStats::empty();
    for (r, f) in returns.chunks(CHUNK).zip(factor.chunks(CHUNK)) {
        total = total.merge(pair_chunk(r, f));
    }
    total
}

/// Lane sums of `K` terms over the pairs of a cached chunk where both values are known, plus the remainder.
#[inline(always)]
fn pair_lane_sums<const K: usize>(
    rs: &[f64],
    fs: &[f64],
    full: usize,
    terms: impl Fn(f64, f64) -> [f64; K],
) -> [f64; K] {
    let mut acc = [[0.0f64; L]; K];
    for (cr, cf) in rs[..full].chunks_exact(L).zip(fs[..full].chunks_exact(L)) {
        for i in 0..L {
            let both = !cr[i].is_nan() && !cf[i].is_nan();
            let t = terms(if both { cr[i] } else { 0.0 }, if both { cf[i] } else { 0.0 });
            for k in 0..K {
                acc[k][i] += if both { t[k] } else { 0.0 };
            }
        }
    }
    let mut sums = [0.0f64; K];
    for k in 0..K {
        sums[k] = fold(acc[k]);
    }
    for (&r, &f) in rs[full..].iter().zip(&fs[full..]) {
        if !r.is_nan() && !f.is_nan() {
            let t = terms(r, f);
            for k in 0..K {
                sums[k] += t[k];
            }
        }
    }
    sums
}

#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+avx", "x86_64+sse4.2"))]
fn pair_chunk(rs: &[f64], fs: &[f64]) -> PairStats {
    let len = rs.len().min(fs.len());
    let (rs, fs) = (&rs[..len], &fs[..len]);
    let full = len - len % L;
    let mut out = PairStats::empty();
    // Loop 1 (from memory): sums and count.
    let [sr, sf, sa, n] = pair_lane_sums(rs, fs, full, |r, f| [r, f, r - f, 1.0]);
    // Loop 2 (from cache): extremes of r, f and r − f over the pairs.
    let (mut lo, mut hi) = ([[f64::INFINITY; L]; 3], [[f64::NEG_INFINITY; L]; 3]);
    for (cr, cf) in rs[..full].chunks_exact(L).zip(fs[..full].chunks_exact(L)) {
        for i in 0..L {
            let both = !cr[i].is_nan() && !cf[i].is_nan();
            let v = [cr[i], cf[i], cr[i] - cf[i]];
            for k in 0..3 {
                let t = if both { v[k] } else { f64::NAN };
                lo[k][i] = if t < lo[k][i] { t } else { lo[k][i] };
                hi[k][i] = if t > hi[k][i] { t } else { hi[k][i] };
            }
        }
    }
    for (&r, &f) in rs[full..].iter().zip(&fs[full..]) {
        if !r.is_nan() && !f.is_nan() {
            lo[0][0] = lo[0][0].min(r);
            hi[0][0] = hi[0][0].max(r);
            lo[1][0] = lo[1][0].min(f);
            hi[1][0] = hi[1][0].max(f);
            lo[2][0] = lo[2][0].min(r - f);
            hi[2][0] = hi[2][0].max(r - f);
        }
    }
    for k in 0..3 {
        for i in 0..L {
            out.min[k] = if lo[k][i] < out.min[k] { lo[k][i] } else { out.min[k] };
            out.max[k] = if hi[k][i] > out.max[k] { hi[k][i] } else { out.max[k] };
        }
    }
    // Loop 3 (from cache): capture products.
    out.capture = CaptureParts::of(rs, fs);
    if n == 0.0 {
        return out;
    }
    // Loop 4 (from cache): co-moments about the chunk's means.
    let (mr, mf, ma) = (sr / n, sf / n, sa / n);
    let [m2_r, m2_f, m2_a, c_rf] = pair_lane_sums(rs, fs, full, |r, f| {
        let (dr, df, da) = (r - mr, f - mf, (r - f) - ma);
        [dr * dr, df * df, da * da, dr * df]
    });
    out.moments = PairMoments { n, mean_r: mr, mean_f: mf, mean_a: ma, m2_r, m2_f, m2_a, c_rf };
    out
}
