//! Stability of a return series (empyrical `stability_of_timeseries`): the R² of a straight line fitted to the
//! cumulative log returns.
//!
//! The fit streams over the series in blocks that stay in cache: each block's logarithms are computed eight at a
//! time into a small buffer, its sums are taken in one pass, and blocks (and the halves of a long series, fitted on
//! two threads) are merged with the pairwise update of Chan, Golub & LeVeque (1979). One pass over memory, no
//! allocation proportional to the input.

/// Block length of the streaming fit.
const BLOCK: usize = 1024;

/// Coefficients of the minimax polynomial of fdlibm's `log1p` (`Lp1`–`Lp7`, Sun Microsystems, 1993), which
/// approximates `R(s) = ln((1 + s)/(1 − s)) − 2s` on `s² ∈ [0, 0.0294]`.
#[allow(clippy::excessive_precision)] // the coefficients as published
const LP: [f64; 7] = [
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
];

/// Where [`ln_1p_core`] holds: `1 + x` in `[√2/2, √2)`, daily returns from −29 % to +41 %.
const CORE_RANGE: (f64, f64) = (-0.292_893_218_813_452_4, 0.414_213_562_373_095_1);

/// fdlibm's `log1p` for `1 + x` in `[√2/2, √2)`, without its table or branches so that the compiler can vectorize
/// it: `s = x / (2 + x)`, `ln(1 + x) = x − (x²/2 − s (x²/2 + R(s)))`. Within an ulp of the C library there.
#[inline(always)]
fn ln_1p_core(x: f64) -> f64 {
    let hfsq = 0.5 * x * x;
    let s = x / (2.0 + x);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LP[1] + w * (LP[3] + w * LP[5]));
    let t2 = z * (LP[0] + w * (LP[2] + w * (LP[4] + w * LP[6])));
    x - (hfsq - s * (hfsq + t2 + t1))
}

#[inline(always)]
fn in_core_range(x: f64) -> bool {
    x >= CORE_RANGE.0 && x < CORE_RANGE.1
}

/// `ln(1 + x)` of one value, to within an ulp.
#[inline]
pub(crate) fn ln_1p(x: f64) -> f64 {
    if in_core_range(x) {
        ln_1p_core(x)
    } else {
        x.ln_1p()
    }
}

/// `out[i] = ln(1 + x[i])`, eight at a time through [`ln_1p_core`]; a group of eight with any value outside its
/// range (or NaN) goes through the C library instead.
fn ln_1p_into(x: &[f64], out: &mut [f64]) {
    let mut groups = out.chunks_exact_mut(8);
    let mut inputs = x.chunks_exact(8);
    for (o, c) in (&mut groups).zip(&mut inputs) {
        let mut all_core = true;
        for i in 0..8 {
            o[i] = ln_1p_core(c[i]);
            all_core &= in_core_range(c[i]);
        }
        if !all_core {
            for i in 0..8 {
                o[i] = c[i].ln_1p();
            }
        }
    }
    for (o, &c) in groups.into_remainder().iter_mut().zip(inputs.remainder()) {
        *o = ln_1p(c);
    }
}

/// Centred sums of the fit of `yᵢ` on `xᵢ = i` over one stretch of known returns.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fit {
    count: f64,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    /// `Σ ln(1 + r)` over the stretch: where the next stretch's levels start.
    level: f64,
}

impl Fit {
    /// Appends `next`, a stretch that follows this one (its x and y restart at 0).
    pub(crate) fn then(self, next: Fit) -> Fit {
        if next.count == 0.0 {
            return self;
        }
        if self.count == 0.0 {
            return next;
        }
        let total = self.count + next.count;
        let dx = (next.mean_x + self.count) - self.mean_x;
        let dy = (next.mean_y + self.level) - self.mean_y;
        let w = self.count * next.count / total;
        Fit {
            count: total,
            mean_x: self.mean_x + dx * next.count / total,
            mean_y: self.mean_y + dy * next.count / total,
            sxx: self.sxx + next.sxx + dx * dx * w,
            syy: self.syy + next.syy + dy * dy * w,
            sxy: self.sxy + next.sxy + dx * dy * w,
            level: self.level + next.level,
        }
    }

    /// `scipy.stats.linregress(x, y).rvalue ** 2`: NaN for fewer than two points or a constant `y`.
    pub(crate) fn r_squared(&self) -> f64 {
        if self.count < 2.0 {
            return f64::NAN;
        }
        if !(self.sxx.is_finite() && self.syy.is_finite() && self.sxy.is_finite()) {
            // A return of −100 % or worse: the log wealth is −∞ or undefined, and so is the fit (as numpy's).
            return f64::NAN;
        }
        if self.sxx == 0.0 || self.syy == 0.0 {
            return if self.sxy == 0.0 { f64::NAN } else { 0.0 };
        }
        let r = (self.sxy / (self.sxx * self.syy).sqrt()).clamp(-1.0, 1.0);
        r * r
    }
}

/// The fit of the cumulative log returns of `returns` (NaN returns dropped), x and y starting at 0.
#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+avx", "x86_64+sse4.2"))]
pub(crate) fn fit(returns: &[f64]) -> Fit {
    let mut total = Fit::default();
    let mut logs = [0.0f64; BLOCK];
    for chunk in returns.chunks(BLOCK) {
        ln_1p_into(chunk, &mut logs[..chunk.len()]);
        total = total.then(block_fit(chunk, &logs[..chunk.len()]));
    }
    total
}

/// The fit of one block. Levels `dₖ` restart at 0 in the block, so the plain sums `Σd`, `Σd²`, `Σk·d` that one
/// pass accumulates are centred afterwards with little cancellation (`d` starts at 0 and moves by one return at a
/// time, so its mean is of the order of its spread).
fn block_fit(returns: &[f64], logs: &[f64]) -> Fit {
    let (mut level, mut k) = (0.0f64, 0.0f64);
    let (mut sd, mut sdd, mut skd) = (0.0f64, 0.0f64, 0.0f64);
    for (&r, &l) in returns.iter().zip(logs) {
        if r.is_nan() {
            continue;
        }
        level += l;
        sd += level;
        sdd += level * level;
        skd += k * level;
        k += 1.0;
    }
    let m = k;
    if m == 0.0 {
        return Fit::default();
    }
    let mean_x = (m - 1.0) / 2.0;
    let mean_y = sd / m;
    Fit {
        count: m,
        mean_x,
        mean_y,
        sxx: m * (m * m - 1.0) / 12.0,
        syy: (sdd - sd * mean_y).max(0.0),
        sxy: skd - mean_x * sd,
        level,
    }
}

/// Stability of a return series (empyrical `stability_of_timeseries`): the R² of an ordinary least-squares fit of
/// the cumulative log returns `yᵢ = Σ_{j≤i} ln(1 + rⱼ)` on time `xᵢ = i`, NaN returns dropped first.
/// NaN for fewer than two periods (counting NaN ones) or fewer than two known returns, or when the cumulative
/// log return is constant.
///
/// ```
/// use kairo_core::metrics::stability_of_timeseries;
/// // constant growth: log wealth is exactly linear in time
/// assert!((stability_of_timeseries(&[0.01; 50]) - 1.0).abs() < 1e-12);
/// ```
pub fn stability_of_timeseries(returns: &[f64]) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let (first, second) = halves(returns);
    fit(first).then(fit(second)).r_squared()
}

/// The two halves a series is fitted in (split at a whole number of blocks), so that
/// [`Metrics::compute`](super::Metrics::compute) can fit them on two threads and still give the same bits.
pub(crate) fn halves(returns: &[f64]) -> (&[f64], &[f64]) {
    returns.split_at(returns.len() / 2 / BLOCK * BLOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_1p_is_within_an_ulp_of_the_c_library() {
        let mut worst = 0u64;
        for i in -300_000..=420_000 {
            let x = i as f64 * 1e-6 + 1e-9 * (i % 7) as f64;
            let (a, b) = (ln_1p(x), x.ln_1p());
            worst = worst.max((a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs());
        }
        let xs: Vec<f64> = (0..1003).map(|i| (i as f64 - 500.0) * 7e-4).collect();
        let mut out = vec![0.0; xs.len()];
        ln_1p_into(&xs, &mut out);
        for (x, y) in xs.iter().zip(&out) {
            worst = worst.max((y.to_bits() as i64 - x.ln_1p().to_bits() as i64).unsigned_abs());
        }
        for x in [0.0, 1e-300, -1e-20, 3e-9, -0.29, 0.41, 5.0, -0.99, 1e10] {
            let (a, b) = (ln_1p(x), x.ln_1p());
            worst = worst.max((a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs());
        }
        assert!(worst <= 1, "worst difference {worst} ulp");
        assert!(ln_1p(f64::NAN).is_nan());
        assert_eq!(ln_1p(-1.0), f64::NEG_INFINITY);
    }

    #[test]
    fn halves_merge_into_the_whole() {
        let r: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 1000) as f64 / 1e5 - 0.004).collect();
        let whole = fit(&r);
        let merged = fit(&r[..1777]).then(fit(&r[1777..]));
        assert!((whole.r_squared() - merged.r_squared()).abs() < 1e-13);
    }
}
