//! Exact order statistics of long series without sorting or copying them.
//!
//! VaR, CVaR and the tail ratio need a few order statistics near the tails. A deterministic strided sample of the
//! data brackets each wanted rank with a wide safety margin (±5 standard deviations of the sample quantile's rank,
//! plus a constant); one pass over the data then counts the values below each bracket and keeps the few values
//! inside it, and a selection within those gives the exact order statistic. If a rank ever falls outside its
//! bracket (possible only for adversarial data), the computation falls back to a full copy and selection, so the
//! result is always exact: the same value that sorting would give.

use super::kernels::Compensated;
use super::stats::{lerp, select};

/// What is wanted of the non-NaN values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tail {
    /// numpy's linear-interpolated percentile at fraction `q` of [0, 1].
    Percentile(f64),
    /// empyrical's CVaR: the mean of the `⌊(m − 1) · cutoff⌋ + 1` smallest values.
    LowerMean(f64),
}

impl Tail {
    fn fraction(self) -> f64 {
        match self {
            Tail::Percentile(q) | Tail::LowerMean(q) => q,
        }
    }
}

/// Series shorter than this are copied and selected directly.
const DIRECT_BELOW: usize = 1 << 15;
const SAMPLE: usize = 1 << 14;

/// The answers to `tails` over the non-NaN values of `values`, and the number of NaN values.
/// Each answer is NaN when no value is known.
pub(crate) fn tail_stats(values: &[f64], tails: &[Tail]) -> (Vec<f64>, usize) {
    if values.len() >= DIRECT_BELOW {
        if let Some(result) = bracketed(values, tails) {
            return result;
        }
    }
    let mut known: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let nans = values.len() - known.len();
    (tails.iter().map(|t| direct(&mut known, values, *t)).collect(), nans)
}

/// The mean of the `count` smallest values given the `count`-th smallest, `threshold`: the values below it are
/// summed in their order in `values` (NaN skipped), with compensation, and ties at the threshold fill the rest.
/// The order of the sum never depends on how a selection permuted a buffer, so every caller gets the same bits.
fn lower_mean(values: &[f64], threshold: f64, count: usize) -> f64 {
    let mut sum = Compensated::default();
    let mut below = 0usize;
    for &x in values {
        if x < threshold {
            sum.add(x);
            below += 1;
        }
    }
    let ties = count.saturating_sub(below);
    sum.add(ties as f64 * threshold);
    sum.value() / count as f64
}

/// The exact answer by selection over all known values (`known`, reordered in place; `values` is the series in
/// its original order).
pub(crate) fn direct(known: &mut [f64], values: &[f64], tail: Tail) -> f64 {
    let m = known.len();
    if m == 0 {
        return f64::NAN;
    }
    match tail {
        Tail::Percentile(q) => {
            let (i, g) = percentile_index(m, q);
            let lo = select(known, i);
            if i + 1 >= m {
                return lo;
            }
            // numpy interpolates with the next value even when g is 0 (which matters only for infinities).
            let hi = known[i + 1..].iter().copied().fold(f64::INFINITY, f64::min);
            lerp(lo, hi, g)
        }
        Tail::LowerMean(c) => {
            let k = ((m - 1) as f64 * c) as usize;
            let threshold = select(known, k);
            lower_mean(values, threshold, k + 1)
        }
    }
}

/// numpy's virtual index `h = (m − 1) q`, as `(⌊h⌋, h − ⌊h⌋)`; the index is clamped to the last value.
fn percentile_index(m: usize, q: f64) -> (usize, f64) {
    let h = (m - 1) as f64 * q;
    if h >= (m - 1) as f64 {
        return (m - 1, 0.0);
    }
    let i = h.floor();
    (i as usize, h - i)
}

/// One bracket: values below `lo` are counted (and summed, for a CVaR), values in `[lo, hi]` kept.
struct Bracket {
    fraction: f64,
    lo: f64,
    hi: f64,
    below: usize,
    below_sum: Compensated,
    sum_below: bool,
    /// Kept values in `kept[..len]`; the vector is kept longer than `len` so that every value can be written
    /// without a branch and only the count moves.
    kept: Vec<f64>,
    len: usize,
}

/// Values per scan chunk: the lanes of the tail sum are flushed into the compensated total after each.
const SCAN_CHUNK: usize = 4096;

impl Bracket {
    /// Counts (and, with `SUM`, sums in lane `lane`) `x` when below, keeps it when inside: no data-dependent
    /// branch, so that a tail holding 5 % of the values costs no mispredictions.
    #[inline(always)]
    fn take<const SUM: bool>(&mut self, x: f64, lanes: &mut [f64; 4], lane: usize) {
        let below = x < self.lo;
        self.below += below as usize;
        if SUM {
            lanes[lane] += if below { x } else { 0.0 };
        }
        let inside = !below & (x <= self.hi);
        self.kept[self.len] = x;
        self.len += inside as usize;
    }

    /// Makes room for `more` values.
    fn reserve(&mut self, more: usize) {
        if self.kept.len() < self.len + more {
            let grown = (self.len + more).max(2 * self.kept.len());
            self.kept.resize(grown, 0.0);
        }
    }
}

fn scan_chunk<const SUM_A: bool, const SUM_B: bool>(chunk: &[f64], a: &mut Bracket, b: Option<&mut Bracket>) -> usize {
    let mut nans = 0usize;
    let (mut la, mut lb) = ([0.0f64; 4], [0.0f64; 4]);
    match b {
        None => {
            for (j, &x) in chunk.iter().enumerate() {
                nans += x.is_nan() as usize;
                a.take::<SUM_A>(x, &mut la, j & 3);
            }
        }
        Some(b) => {
            for (j, &x) in chunk.iter().enumerate() {
                nans += x.is_nan() as usize;
                a.take::<SUM_A>(x, &mut la, j & 3);
                b.take::<SUM_B>(x, &mut lb, j & 3);
            }
            if SUM_B {
                b.below_sum.add((lb[0] + lb[1]) + (lb[2] + lb[3]));
            }
        }
    }
    if SUM_A {
        a.below_sum.add((la[0] + la[1]) + (la[2] + la[3]));
    }
    nans
}

/// One pass over the values for one or two brackets; returns the number of NaN values.
#[multiversion::multiversion(targets("x86_64+avx2+fma", "x86_64+avx", "x86_64+sse4.2"))]
fn scan(values: &[f64], brackets: &mut [Bracket]) -> usize {
    let mut nans = 0usize;
    for chunk in values.chunks(SCAN_CHUNK) {
        for b in brackets.iter_mut() {
            b.reserve(chunk.len());
        }
        nans += match brackets {
            [a] if a.sum_below => scan_chunk::<true, false>(chunk, a, None),
            [a] => scan_chunk::<false, false>(chunk, a, None),
            [a, b] => match (a.sum_below, b.sum_below) {
                (true, true) => scan_chunk::<true, true>(chunk, a, Some(b)),
                (true, false) => scan_chunk::<true, false>(chunk, a, Some(b)),
                (false, true) => scan_chunk::<false, true>(chunk, a, Some(b)),
                (false, false) => scan_chunk::<false, false>(chunk, a, Some(b)),
            },
            _ => 0,
        };
    }
    for b in brackets.iter_mut() {
        b.kept.truncate(b.len);
    }
    nans
}

fn bracketed(values: &[f64], tails: &[Tail]) -> Option<(Vec<f64>, usize)> {
    let n = values.len();
    let stride = n / SAMPLE;
    let mut sample: Vec<f64> = values.iter().step_by(stride.max(1)).copied().filter(|x| !x.is_nan()).collect();
    if sample.len() < 64 {
        return None;
    }
    sample.sort_unstable_by(f64::total_cmp);
    let s = sample.len();
    let mut brackets: Vec<Bracket> = Vec::new();
    for t in tails {
        let q = t.fraction();
        if brackets.iter().any(|b| b.fraction == q) {
            continue;
        }
        let pos = q * (s - 1) as f64;
        let margin = 5.0 * (s as f64 * q * (1.0 - q)).sqrt() + 8.0;
        let lo_pos = pos - margin;
        let hi_pos = pos + margin;
        let lo = if lo_pos < 0.0 { f64::NEG_INFINITY } else { sample[lo_pos as usize] };
        let hi = if hi_pos >= (s - 1) as f64 { f64::INFINITY } else { sample[hi_pos.ceil() as usize] };
        let expected = ((hi_pos - lo_pos) / s as f64 * n as f64) as usize;
        brackets.push(Bracket {
            fraction: q,
            lo,
            hi,
            below: 0,
            below_sum: Compensated::default(),
            sum_below: tails.iter().any(|u| matches!(u, Tail::LowerMean(c) if *c == q)),
            kept: vec![0.0; expected + expected / 4 + SCAN_CHUNK],
            len: 0,
        });
    }
    let mut nans = 0;
    for (i, group) in brackets.chunks_mut(2).enumerate() {
        let found = scan(values, group);
        if i == 0 {
            nans = found;
        }
    }
    let m = n - nans;
    if m == 0 {
        return Some((vec![f64::NAN; tails.len()], nans));
    }
    let mut out = Vec::with_capacity(tails.len());
    for t in tails {
        let b = brackets.iter_mut().find(|b| b.fraction == t.fraction())?;
        let inside = |rank: usize| rank >= b.below && rank < b.below + b.kept.len();
        match *t {
            Tail::Percentile(q) => {
                let (i, g) = percentile_index(m, q);
                let j = (i + 1).min(m - 1);
                if !inside(i) || !inside(j) {
                    return None;
                }
                let lo = select(&mut b.kept, i - b.below);
                if j == i {
                    out.push(lo);
                    continue;
                }
                let hi = b.kept[i - b.below + 1..].iter().copied().fold(f64::INFINITY, f64::min);
                out.push(lerp(lo, hi, g));
            }
            Tail::LowerMean(c) => {
                let k = ((m - 1) as f64 * c) as usize;
                if !inside(k) {
                    return None;
                }
                // The kept values in their original order, before any selection permutes them.
                let in_order = b.kept.clone();
                let threshold = select(&mut b.kept, k - b.below);
                let mut sum = b.below_sum;
                let mut below = b.below;
                for &x in &in_order {
                    if x < threshold {
                        sum.add(x);
                        below += 1;
                    }
                }
                sum.add((k + 1 - below) as f64 * threshold);
                out.push(sum.value() / (k + 1) as f64);
            }
        }
    }
    Some((out, nans))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(n: usize) -> Vec<f64> {
        let mut s = 88172645463325252u64;
        (0..n)
            .map(|i| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                if i % 97 == 0 {
                    f64::NAN
                } else {
                    ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5).powi(3)
                }
            })
            .collect()
    }

    #[test]
    fn bracketed_equals_direct_selection() {
        let v = noisy(200_000);
        let tails = [Tail::Percentile(0.05), Tail::Percentile(0.95), Tail::LowerMean(0.05), Tail::Percentile(1.0)];
        let (fast, nans) = bracketed(&v, &tails).expect("brackets hold");
        let mut known: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
        assert_eq!(nans, v.len() - known.len());
        for (t, got) in tails.iter().zip(&fast) {
            let want = direct(&mut known, &v, *t);
            if let Tail::LowerMean(_) = t {
                assert!((got - want).abs() <= 1e-13 * want.abs(), "{t:?}: {got} vs {want}");
            } else {
                assert_eq!(got.to_bits(), want.to_bits(), "{t:?}");
            }
        }
    }

    #[test]
    fn adversarial_data_falls_back() {
        // Sorted data defeats nothing (the sample is strided), but a constant run with a spike still works.
        let mut v = vec![0.0; 100_000];
        v[500] = -1.0;
        let (got, _) = tail_stats(&v, &[Tail::Percentile(0.0), Tail::LowerMean(0.00001)]);
        assert_eq!(got[0], -1.0);
        assert!((got[1] - (-1.0 / 1.0)).abs() < 1e-15);
    }
}
