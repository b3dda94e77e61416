//! The statistics of one series in one pass over memory.

use crate::metrics::kernels::{downside_square, Compensated, LANES as L};

use super::lanes::{fold, lane_sums, CHUNK};
use super::moments::Moments;

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

/// The statistics of `returns`, chunk by chunk.
pub(crate) fn series_stats(returns: &[f64], rates: Rates) -> SeriesStats {
    let mut total = SeriesStats::empty();
    for chunk in returns.chunks(CHUNK) {
        total = total.merge(series_chunk(chunk, rates));
    }
    total
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
