//! The single-pass engine behind [`Metrics::compute`](super::Metrics::compute) on long series.
//!
//! The series is cut into chunks that fit in the CPU cache. Each chunk is read from memory once: a first loop takes
//! its sums (in lanes), a second loop over the now-cached chunk takes the moments about the chunk's own mean, and the
//! chunk's statistics are merged into the running ones with the pairwise formulas of Chan, Golub & LeVeque (1979)
//! for means, variances and co-moments and of Pébay (2008, Sandia report SAND2008-6212) for the third and fourth
//! moments. The two halves of the series run on two threads and are merged the same way. Sums that need no mean
//! (downside, omega) are accumulated with compensation. Results agree with the one-metric functions to a few ulps
//! (the test suite holds them to 1e-12 relative) and with empyrical to 1e-12.

use super::capture::CaptureParts;
use super::kernels::Compensated;
use super::ratios::downside_square;

/// Elements per chunk: 4096 values of each series, 32 KiB, stay in cache between the two loops.
pub(crate) const CHUNK: usize = 4096;
use super::kernels::LANES as L;

/// Mergeable moments of the known values of one series, up to the fourth.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Moments {
    pub(crate) n: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
    pub(crate) m3: f64,
    pub(crate) m4: f64,
}

impl Moments {
    /// The moments of the union of two disjoint samples (Pébay 2008, eqs. 2.1–2.3).
    pub(crate) fn merge(self, b: Moments) -> Moments {
        let a = self;
        if a.n == 0.0 {
            return b;
        }
        if b.n == 0.0 {
            return a;
        }
        let n = a.n + b.n;
        let d = b.mean - a.mean;
        let dn = d / n;
        let dn2 = dn * dn;
        let t = d * dn * a.n * b.n;
        Moments {
            n,
            mean: a.mean + dn * b.n,
            m2: a.m2 + b.m2 + t,
            m3: a.m3 + b.m3 + t * dn * (a.n - b.n) + 3.0 * dn * (a.n * b.m2 - b.n * a.m2),
            m4: a.m4
                + b.m4
                + t * dn2 * (a.n * a.n - a.n * b.n + b.n * b.n)
                + 6.0 * dn2 * (a.n * a.n * b.m2 + b.n * b.n * a.m2)
                + 4.0 * dn * (a.n * b.m3 - b.n * a.m3),
        }
    }
}

/// Mergeable co-moments of the pairs where both series are known.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairMoments {
    pub(crate) n: f64,
    pub(crate) mean_r: f64,
    pub(crate) mean_f: f64,
    pub(crate) mean_a: f64,
    pub(crate) m2_r: f64,
    pub(crate) m2_f: f64,
    pub(crate) m2_a: f64,
    pub(crate) c_rf: f64,
}

impl PairMoments {
    /// The co-moments of the union of two disjoint samples (Chan, Golub & LeVeque 1979).
    pub(crate) fn merge(self, b: PairMoments) -> PairMoments {
        let a = self;
        if a.n == 0.0 {
            return b;
        }
        if b.n == 0.0 {
            return a;
        }
        let n = a.n + b.n;
        let w = a.n * b.n / n;
        let (dr, df, da) = (b.mean_r - a.mean_r, b.mean_f - a.mean_f, b.mean_a - a.mean_a);
        PairMoments {
            n,
            mean_r: a.mean_r + dr * b.n / n,
            mean_f: a.mean_f + df * b.n / n,
            mean_a: a.mean_a + da * b.n / n,
            m2_r: a.m2_r + b.m2_r + dr * dr * w,
            m2_f: a.m2_f + b.m2_f + df * df * w,
            m2_a: a.m2_a + b.m2_a + da * da * w,
            c_rf: a.c_rf + b.c_rf + dr * df * w,
        }
    }
}

/// Everything one pass over (part of) a series gathers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeriesStats {
    pub(crate) moments: Moments,
    pub(crate) min: f64,
    pub(crate) max: f64,
    /// `Σ (r − r_f)`
    pub(crate) sum_adj: Compensated,
    /// `Σ (r − r_req)`
    pub(crate) sum_req: Compensated,
    /// `Σ min(r − r_req, 0)²`
    pub(crate) downside_sq: Compensated,
    /// `Σ max(r − r_f − τ, 0)` and `Σ min(r − r_f − τ, 0)`
    pub(crate) gains: Compensated,
    pub(crate) losses: Compensated,
}

impl SeriesStats {
    fn empty() -> Self {
        SeriesStats {
            moments: Moments::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum_adj: Compensated::default(),
            sum_req: Compensated::default(),
            downside_sq: Compensated::default(),
            gains: Compensated::default(),
            losses: Compensated::default(),
        }
    }

    pub(crate) fn merge(mut self, b: SeriesStats) -> SeriesStats {
        self.moments = self.moments.merge(b.moments);
        self.min = if b.min < self.min { b.min } else { self.min };
        self.max = if b.max > self.max { b.max } else { self.max };
        for (x, y) in [
            (&mut self.sum_adj, b.sum_adj),
            (&mut self.sum_req, b.sum_req),
            (&mut self.downside_sq, b.downside_sq),
            (&mut self.gains, b.gains),
            (&mut self.losses, b.losses),
        ] {
            x.add(y.sum);
            x.add(y.err);
        }
        self
    }

    /// Minimum and maximum of the known values, NaN when there are none.
    pub(crate) fn min_max(&self) -> (f64, f64) {
        if self.min <= self.max {
            (self.min, self.max)
        } else {
            (f64::NAN, f64::NAN)
        }
    }
}

/// The per-period rates the series pass subtracts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rates {
    pub(crate) risk_free: f64,
    pub(crate) required: f64,
    pub(crate) omega_threshold: f64,
}

#[inline]
fn fold(a: [f64; L]) -> f64 {
    (a[0] + a[1]) + (a[2] + a[3])
}

/// The statistics of `returns`, chunk by chunk.
pub(crate) fn series_stats(returns: &[f64], rates: Rates) -> SeriesStats {
    let mut total = SeriesStats::empty();
    for chunk in returns.chunks(CHUNK) {
        total = total.merge(series_chunk(chunk, rates));
    }
    total
}

/// Lane sums of `K` terms over the known values of a cached chunk (NaN skipped), plus the sequential remainder.
#[inline(always)]
fn lane_sums<const K: usize>(lanes: &[f64], rest: &[f64], terms: impl Fn(f64) -> [f64; K]) -> [f64; K] {
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

#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+avx", "x86_64+sse4.2"))]
fn series_chunk(chunk: &[f64], rates: Rates) -> SeriesStats {
    let Rates { risk_free: rf, required: req, omega_threshold: thr } = rates;
    let full = chunk.len() - chunk.len() % L;
    let (lanes, rest) = chunk.split_at(full);
    // Loop 1 (from memory): sum, count, extremes.
    let (mut cnt, mut lo, mut hi) = ([0.0f64; L], [f64::INFINITY; L], [f64::NEG_INFINITY; L]);
    for c in lanes.chunks_exact(L) {
        for i in 0..L {
            let x = c[i];
            cnt[i] += if x.is_nan() { 0.0 } else { 1.0 };
            lo[i] = if x < lo[i] { x } else { lo[i] };
            hi[i] = if x > hi[i] { x } else { hi[i] };
        }
    }
    let mut out = SeriesStats::empty();
    let mut n = fold(cnt);
    out.min = lo.iter().copied().fold(f64::INFINITY, |a, b| if b < a { b } else { a });
    out.max = hi.iter().copied().fold(f64::NEG_INFINITY, |a, b| if b > a { b } else { a });
    for &x in rest {
        if !x.is_nan() {
            n += 1.0;
            out.min = if x < out.min { x } else { out.min };
            out.max = if x > out.max { x } else { out.max };
        }
    }
    // Loops 2 and 3 (from cache): the sums that need no mean.
    let [sum, sum_adj, sum_req] = lane_sums(lanes, rest, |x| [x, x - rf, x - req]);
    let [downside, gains, losses] = lane_sums(lanes, rest, |x| {
        let o = x - rf - thr;
        [downside_square(x - req), o.max(0.0), o.min(0.0)]
    });
    out.sum_adj.add(sum_adj);
    out.sum_req.add(sum_req);
    out.downside_sq.add(downside);
    out.gains.add(gains);
    out.losses.add(losses);
    if n == 0.0 {
        return out;
    }
    // Loop 4 (from cache): moments about the chunk's mean.
    let mean = sum / n;
    let [m2, m3, m4] = lane_sums(lanes, rest, |x| {
        let d = x - mean;
        let d2 = d * d;
        [d2, d2 * d, d2 * d2]
    });
    out.moments = Moments { n, mean, m2, m3, m4 };
    out
}

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
