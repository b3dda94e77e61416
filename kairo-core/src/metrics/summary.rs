//! Every metric at once: [`Metrics::compute`].

use serde::{Deserialize, Serialize};

use super::capture::CaptureParts;
use super::cumulative::{annual_return_from_growth, finish_growth};
use super::drawdown::DrawdownTracker;
use super::ratios::{calmar_from_parts, downside_from_parts, omega_from_parts, omega_threshold, sharpe_from_parts};
use super::regression::{annualize_alpha, beta_from_parts, StabilityAccumulator};
use super::stats::{percentile_in_place, zero_dispersion};
use super::var::{cvar_in_place, percentile_fraction, standard_normal_cdf, standard_normal_quantile};
use super::{annualization_factor, check_cutoff, check_lengths, Period};
use crate::error::MetricsError;

/// Parameters of [`Metrics::compute`], with empyrical's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsOptions {
    /// Per-period risk-free rate, subtracted by the Sharpe ratio, omega and alpha. Default 0.
    pub risk_free: f64,
    /// Per-period minimum acceptable return of the Sortino ratio and downside risk. Default 0.
    pub required_return: f64,
    /// **Annual** required return of the omega ratio, de-annualized with the annualization factor. Default 0.
    pub omega_required_return: f64,
    /// Sampling period of the returns. Default daily.
    pub period: Period,
    /// Overrides the period's annualization factor.
    pub annualization: Option<f64>,
    /// Tail probability of VaR and CVaR. Default 0.05.
    pub cutoff: f64,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions {
            risk_free: 0.0,
            required_return: 0.0,
            omega_required_return: 0.0,
            period: Period::Daily,
            annualization: None,
            cutoff: 0.05,
        }
    }
}

/// The metrics of a return series; each field equals the function of the same name in [`crate::metrics`] called
/// with the same options (the test suite checks this bit for bit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Number of periods, NaN ones included.
    pub periods: usize,
    /// Number of non-NaN returns.
    pub observations: usize,
    /// [`cum_returns_final`](super::cum_returns_final) with a starting value of 0.
    pub cum_returns_final: f64,
    /// [`annual_return`](super::annual_return) (CAGR).
    pub annual_return: f64,
    /// [`annual_volatility`](super::annual_volatility).
    pub annual_volatility: f64,
    /// [`sharpe_ratio`](super::sharpe_ratio).
    pub sharpe_ratio: f64,
    /// [`sortino_ratio`](super::sortino_ratio).
    pub sortino_ratio: f64,
    /// [`downside_risk`](super::downside_risk).
    pub downside_risk: f64,
    /// [`max_drawdown`](super::max_drawdown).
    pub max_drawdown: f64,
    /// [`calmar_ratio`](super::calmar_ratio).
    pub calmar_ratio: f64,
    /// [`omega_ratio`](super::omega_ratio), with the annualization factor of the options.
    pub omega_ratio: f64,
    /// [`tail_ratio`](super::tail_ratio).
    pub tail_ratio: f64,
    /// [`stability_of_timeseries`](super::stability_of_timeseries).
    pub stability_of_timeseries: f64,
    /// [`value_at_risk`](super::value_at_risk) at the options' cutoff.
    pub value_at_risk: f64,
    /// [`conditional_value_at_risk`](super::conditional_value_at_risk) at the options' cutoff.
    pub conditional_value_at_risk: f64,
    /// [`parametric_var`](super::parametric_var) at the options' cutoff.
    pub parametric_var: f64,
    /// [`cornish_fisher_var`](super::cornish_fisher_var) at the options' cutoff.
    pub cornish_fisher_var: f64,
    /// [`skew`](super::skew).
    pub skew: f64,
    /// [`kurtosis`](super::kurtosis) (excess).
    pub kurtosis: f64,
    /// [`probabilistic_sharpe_ratio`](super::probabilistic_sharpe_ratio) against a Sharpe ratio of 0.
    pub probabilistic_sharpe_ratio: f64,
    /// The metrics against the benchmark, when one was given.
    pub benchmark: Option<BenchmarkMetrics>,
}

/// The metrics of a return series against a benchmark (factor) series of the same length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkMetrics {
    /// [`alpha`](super::alpha).
    pub alpha: f64,
    /// [`beta`](super::beta).
    pub beta: f64,
    /// [`correlation`](super::correlation).
    pub correlation: f64,
    /// [`up_capture`](super::up_capture).
    pub up_capture: f64,
    /// [`down_capture`](super::down_capture).
    pub down_capture: f64,
    /// [`up_down_capture`](super::up_down_capture).
    pub up_down_capture: f64,
    /// [`excess_sharpe`](super::excess_sharpe): the per-period information ratio.
    pub excess_sharpe: f64,
    /// [`tracking_error`](super::tracking_error), annualized.
    pub tracking_error: f64,
}

/// Running sums of the first pass over the returns alone.
struct FirstPass {
    count: usize,
    sum: f64,
    min: f64,
    max: f64,
    sum_adj: f64,
    min_adj: f64,
    max_adj: f64,
    sum_req: f64,
    downside_sq: f64,
    gains: f64,
    losses: f64,
    growth: f64,
    drawdown: DrawdownTracker,
}

/// Running sums of the first pass over the paired returns and benchmark.
struct PairPass {
    pairs: usize,
    sum_r: f64,
    sum_f: f64,
    active_count: usize,
    active_sum: f64,
    active_min: f64,
    active_max: f64,
    capture: CaptureParts,
}

#[inline]
fn track_min_max(x: f64, lo: &mut f64, hi: &mut f64) {
    if !(x >= *lo) {
        *lo = x;
    }
    if !(x <= *hi) {
        *hi = x;
    }
}

#[inline]
fn mean(sum: f64, count: usize) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

impl Metrics {
    /// Computes every metric of `returns` (and, with `benchmark`, of `returns` against it) in three passes over the
    /// data (two without a benchmark) plus one selection for the quantiles.
    ///
    /// Errors: `benchmark` of another length than `returns`, a cutoff outside [0, 1], an invalid annualization.
    ///
    /// ```
    /// use kairo_core::metrics::{sharpe_ratio, Metrics, MetricsOptions};
    /// let r = [0.01, -0.02, 0.015, 0.003, -0.007, 0.011];
    /// let spy = [0.008, -0.015, 0.01, 0.001, -0.004, 0.009];
    /// let m = Metrics::compute(&r, Some(&spy), &MetricsOptions::default()).unwrap();
    /// assert_eq!(m.sharpe_ratio, sharpe_ratio(&r, 0.0, 252.0));
    /// assert!(m.benchmark.unwrap().beta > 1.0);
    /// ```
    pub fn compute(returns: &[f64], benchmark: Option<&[f64]>, options: &MetricsOptions) -> Result<Self, MetricsError> {
        if let Some(f) = benchmark {
            check_lengths(returns, f)?;
        }
        check_cutoff(options.cutoff)?;
        let ann = annualization_factor(options.period, options.annualization)?;
        let n = returns.len();

        // The quantiles, the stability fit (a logarithm per return) and the main passes are independent:
        // on long series the first two run on a second thread.
        let (quantiles, stability, main) = if n >= PARALLEL_THRESHOLD {
            std::thread::scope(|scope| {
                let side = scope.spawn(|| (quantiles(returns, options.cutoff), stability(returns)));
                let main = main_passes(returns, benchmark, options, ann);
                let (q, s) = side.join().unwrap_or_else(|_| (Quantiles::nan(), f64::NAN));
                (q, s, main)
            })
        } else {
            (quantiles(returns, options.cutoff), stability(returns), main_passes(returns, benchmark, options, ann))
        };
        let mut m = main;
        m.value_at_risk = quantiles.value_at_risk;
        m.conditional_value_at_risk = quantiles.conditional_value_at_risk;
        m.tail_ratio = quantiles.tail_ratio;
        m.stability_of_timeseries = stability;
        Ok(m)
    }
}

/// Series at least this long compute the quantiles and the stability fit on a second thread.
const PARALLEL_THRESHOLD: usize = 1 << 16;

struct Quantiles {
    value_at_risk: f64,
    conditional_value_at_risk: f64,
    tail_ratio: f64,
}

impl Quantiles {
    fn nan() -> Self {
        Quantiles { value_at_risk: f64::NAN, conditional_value_at_risk: f64::NAN, tail_ratio: f64::NAN }
    }
}

fn quantiles(returns: &[f64], cutoff: f64) -> Quantiles {
    let mut known: Vec<f64> = Vec::with_capacity(returns.len());
    known.extend(returns.iter().copied().filter(|r| !r.is_nan()));
    let any_nan = known.len() != returns.len();
    let conditional_value_at_risk = cvar_in_place(&mut known, cutoff);
    let value_at_risk = if any_nan { f64::NAN } else { percentile_in_place(&mut known, percentile_fraction(cutoff)) };
    let tail_ratio = super::var::tail_ratio_in_place(&mut known);
    Quantiles { value_at_risk, conditional_value_at_risk, tail_ratio }
}

fn stability(returns: &[f64]) -> f64 {
    if returns.len() < 2 {
        return f64::NAN;
    }
    let mut acc = StabilityAccumulator::new();
    for &r in returns {
        acc.push(r);
    }
    acc.r_squared()
}

fn first_pass(returns: &[f64], options: &MetricsOptions, omega_threshold: f64) -> FirstPass {
    let rf = options.risk_free;
    let req = options.required_return;
    let mut p = FirstPass {
        count: 0,
        sum: 0.0,
        min: f64::NAN,
        max: f64::NAN,
        sum_adj: 0.0,
        min_adj: f64::NAN,
        max_adj: f64::NAN,
        sum_req: 0.0,
        downside_sq: 0.0,
        gains: 0.0,
        losses: 0.0,
        growth: 1.0,
        drawdown: DrawdownTracker::new(),
    };
    for &r in returns {
        p.drawdown.push(r);
        let g = r + 1.0;
        if !g.is_nan() {
            p.growth *= g;
        }
        let x = r - rf - omega_threshold;
        if x > 0.0 {
            p.gains += x;
        } else if x < 0.0 {
            p.losses += x;
        }
        if r.is_nan() {
            continue;
        }
        p.count += 1;
        p.sum += r;
        track_min_max(r, &mut p.min, &mut p.max);
        let adj = r - rf;
        p.sum_adj += adj;
        track_min_max(adj, &mut p.min_adj, &mut p.max_adj);
        let below = r - req;
        p.sum_req += below;
        let d = below.min(0.0);
        p.downside_sq += d * d;
    }
    p
}

fn pair_pass(returns: &[f64], factor: &[f64]) -> PairPass {
    let mut p = PairPass {
        pairs: 0,
        sum_r: 0.0,
        sum_f: 0.0,
        active_count: 0,
        active_sum: 0.0,
        active_min: f64::NAN,
        active_max: f64::NAN,
        capture: CaptureParts::new(),
    };
    for (&r, &f) in returns.iter().zip(factor) {
        let a = r - f;
        if !a.is_nan() {
            p.active_count += 1;
            p.active_sum += a;
            track_min_max(a, &mut p.active_min, &mut p.active_max);
        }
        if !r.is_nan() && !f.is_nan() {
            p.pairs += 1;
            p.sum_r += r;
            p.sum_f += f;
            p.capture.push(r, f);
        }
    }
    p
}

fn main_passes(returns: &[f64], benchmark: Option<&[f64]>, options: &MetricsOptions, ann: f64) -> Metrics {
    let n = returns.len();
    let rf = options.risk_free;
    let omega_thr = omega_threshold(options.omega_required_return, ann);
    let p = first_pass(returns, options, omega_thr);
    let mean_r = mean(p.sum, p.count);
    let mean_adj = mean(p.sum_adj, p.count);
    let any_nan = p.count != n;

    // Second pass: centred sums.
    let (mut ss, mut ss_adj, mut m3, mut m4) = (0.0, 0.0, 0.0, 0.0);
    for &r in returns {
        if r.is_nan() {
            continue;
        }
        let d = r - mean_r;
        let d2 = d * d;
        ss += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
        let da = (r - rf) - mean_adj;
        ss_adj += da * da;
    }
    let std = if p.count > 1 { (ss / (p.count - 1) as f64).sqrt() } else { f64::NAN };
    let std_adj = if p.count > 1 { (ss_adj / (p.count - 1) as f64).sqrt() } else { f64::NAN };

    let (skew_known, kurt_known) = population_shape(p.count, mean_r, ss, m3, m4);
    let annual_return = annual_return_from_growth(p.growth, n, ann);
    let max_drawdown = if n == 0 { f64::NAN } else { p.drawdown.max_drawdown() };
    let downside_risk = if n == 0 { f64::NAN } else { downside_from_parts(p.downside_sq, p.count, ann) };
    let two_or_more = n >= 2;
    let sharpe = if two_or_more {
        sharpe_from_parts(p.sum_adj, p.count, zero_dispersion(std_adj, p.min_adj, p.max_adj), ann)
    } else {
        f64::NAN
    };
    let sortino = if two_or_more { mean(p.sum_req, p.count) * ann / downside_risk } else { f64::NAN };
    let z = standard_normal_quantile(options.cutoff);
    let open_cutoff = options.cutoff > 0.0 && options.cutoff < 1.0;
    let parametric_var = if open_cutoff { mean_r + std * z } else { f64::NAN };
    let cornish_fisher_var = if open_cutoff {
        let (s, k) = (skew_known, kurt_known);
        let z_cf =
            z + (z * z - 1.0) * s / 6.0 + (z.powi(3) - 3.0 * z) * k / 24.0 - (2.0 * z.powi(3) - 5.0 * z) * s * s / 36.0;
        mean_r + std * z_cf
    } else {
        f64::NAN
    };
    let psr = psr_from_parts(p.count, mean_r, zero_dispersion(std, p.min, p.max), skew_known, kurt_known);

    Metrics {
        periods: n,
        observations: p.count,
        cum_returns_final: if n == 0 { f64::NAN } else { finish_growth(p.growth, 0.0) },
        annual_return,
        annual_volatility: if two_or_more { std * ann.powf(0.5) } else { f64::NAN },
        sharpe_ratio: sharpe,
        sortino_ratio: sortino,
        downside_risk,
        max_drawdown,
        calmar_ratio: calmar_from_parts(annual_return, max_drawdown),
        omega_ratio: if two_or_more && !omega_thr.is_nan() { omega_from_parts(p.gains, p.losses) } else { f64::NAN },
        tail_ratio: f64::NAN,
        stability_of_timeseries: f64::NAN,
        value_at_risk: f64::NAN,
        conditional_value_at_risk: f64::NAN,
        parametric_var,
        cornish_fisher_var,
        skew: if any_nan { f64::NAN } else { skew_known },
        kurtosis: if any_nan { f64::NAN } else { kurt_known },
        probabilistic_sharpe_ratio: psr,
        benchmark: benchmark.map(|f| benchmark_metrics(returns, f, rf, ann)),
    }
}

/// Skewness and excess kurtosis from centred sums, NaN for a (numerically) constant sample as scipy decides it.
fn population_shape(count: usize, mean: f64, ss: f64, m3: f64, m4: f64) -> (f64, f64) {
    if count == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = count as f64;
    let m2 = ss / n;
    let scaled = f64::EPSILON * mean;
    if m2 <= scaled * scaled {
        return (f64::NAN, f64::NAN);
    }
    ((m3 / n) / m2.powf(1.5), (m4 / n) / m2.powi(2) - 3.0)
}

fn psr_from_parts(count: usize, mean: f64, std: f64, skew: f64, excess_kurtosis: f64) -> f64 {
    if count < 3 || !(std > 0.0) {
        return f64::NAN;
    }
    let sr = mean / std;
    let g4 = excess_kurtosis + 3.0;
    let denominator = (1.0 - skew * sr + (g4 - 1.0) / 4.0 * sr * sr).sqrt();
    standard_normal_cdf(sr * ((count - 1) as f64).sqrt() / denominator)
}

fn benchmark_metrics(returns: &[f64], factor: &[f64], rf: f64, ann: f64) -> BenchmarkMetrics {
    let n = returns.len();
    let p = pair_pass(returns, factor);
    let mean_f = mean(p.sum_f, p.pairs);
    let mean_r = mean(p.sum_r, p.pairs);
    let mean_active = mean(p.active_sum, p.active_count);
    let (mut cov, mut var_f, mut var_r, mut cov_centred, mut ss_active) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&r, &f) in returns.iter().zip(factor) {
        let a = r - f;
        if !a.is_nan() {
            let d = a - mean_active;
            ss_active += d * d;
        }
        if !r.is_nan() && !f.is_nan() {
            let df = f - mean_f;
            let dr = r - mean_r;
            cov += df * r;
            var_f += df * df;
            var_r += dr * dr;
            cov_centred += dr * df;
        }
    }
    let beta = if n == 0 || factor.len() < 2 { f64::NAN } else { beta_from_parts(cov, var_f, p.pairs) };
    let alpha = if n < 2 { f64::NAN } else { annualize_alpha(mean_residual(returns, factor, rf, beta), ann) };
    let active_std = if p.active_count > 1 { (ss_active / (p.active_count - 1) as f64).sqrt() } else { f64::NAN };
    let active_std = zero_dispersion(active_std, p.active_min, p.active_max);
    let two_or_more = n >= 2;
    let correlation = if p.pairs < 2 || var_r == 0.0 || var_f == 0.0 {
        f64::NAN
    } else {
        (cov_centred / (var_r * var_f).sqrt()).clamp(-1.0, 1.0)
    };
    let up = p.capture.up_capture(ann);
    let down = p.capture.down_capture(ann);
    BenchmarkMetrics {
        alpha,
        beta,
        correlation,
        up_capture: up,
        down_capture: down,
        up_down_capture: up / down,
        excess_sharpe: if two_or_more { mean_active / active_std } else { f64::NAN },
        tracking_error: if two_or_more { active_std * ann.sqrt() } else { f64::NAN },
    }
}

fn mean_residual(returns: &[f64], factor: &[f64], rf: f64, beta: f64) -> f64 {
    super::regression::mean_alpha_residual(returns, factor, rf, beta)
}
