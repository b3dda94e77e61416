//! Every metric at once: [`Metrics::compute`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::capture::CaptureParts;
use super::checks::{check_cutoff, check_lengths};
use super::cumulative::{annual_return_from_growth, finish_growth};
use super::drawdown::DrawdownTracker;
use super::kernels::{downside_square, multi_sum, paired_multi_sum};
use super::long_series::{pair_stats, series_stats, PairStats, Rates, SeriesStats};
use super::period::{annualization_factor, Period};
use super::quantile::{tail_stats, Tail};
use super::ratios::{active_square, calmar_from_parts, downside_from_parts, omega_from_parts, omega_threshold};
use super::regression::{
    annualize_alpha, beta_from_parts, beta_terms, correlation_from_sums, correlation_terms, mean_alpha_residual,
};
use super::sharpe_inference::psr_from_parts;
use super::stability::{fit as stability_fit, halves, Fit};
use super::stats::{mean_of, shape_from_sums, std_from_sum_sq, zero_dispersion};
use super::var::{check_open_cutoff, cornish_fisher_from_parts, percentile_fraction, standard_normal_quantile};
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

        let (mut m, quantiles, stability) = if n >= PARALLEL_THRESHOLD {
            parallel(returns, benchmark, options, ann)
        } else {
            let mut m = main_passes(returns, options, ann);
            m.benchmark = benchmark.map(|f| benchmark_metrics(returns, f, options.risk_free, ann));
            (m, quantiles(returns, options.cutoff), stability(returns))
        };
        m.value_at_risk = quantiles.value_at_risk;
        m.conditional_value_at_risk = quantiles.conditional_value_at_risk;
        m.tail_ratio = quantiles.tail_ratio;
        m.stability_of_timeseries = stability;
        Ok(m)
    }
}

/// Series at least this long are computed by two threads.
const PARALLEL_THRESHOLD: usize = super::long_series::LONG_SERIES;

/// The independent parts of the long-series computation, for the two workers of [`parallel`].
enum Part {
    Half(Box<(SeriesStats, Option<PairStats>)>),
    Growth(f64, f64),
    Quantiles(Quantiles),
    Stability(Fit),
}

/// Long series: the parts run on two threads, each worker taking the next part from a shared list (the longest
/// first); the halves of the single-pass engine and of the stability fit are merged afterwards.
fn parallel(
    returns: &[f64],
    benchmark: Option<&[f64]>,
    options: &MetricsOptions,
    ann: f64,
) -> (Metrics, Quantiles, f64) {
    let (first_half, second_half) = halves(returns);
    let split = first_half.len();
    let rates = Rates {
        risk_free: options.risk_free,
        required: options.required_return,
        omega_threshold: omega_threshold(options.omega_required_return, ann),
    };
    let half = |r: &[f64], range: std::ops::Range<usize>| {
        Part::Half(Box::new((series_stats(r, rates), benchmark.map(|f| pair_stats(r, &f[range])))))
    };
    let tasks: [&(dyn Fn() -> Part + Sync); 6] = [
        &|| Part::Quantiles(quantiles(returns, options.cutoff)),
        &|| half(first_half, 0..split),
        &|| half(second_half, split..returns.len()),
        &|| Part::Stability(stability_fit(first_half)),
        &|| Part::Stability(stability_fit(second_half)),
        &|| {
            let (growth, drawdown) = growth_and_drawdown(returns);
            Part::Growth(growth, drawdown)
        },
    ];
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Part>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(task) = tasks.get(i) else { break };
        let part = task();
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(part);
        }
    };
    std::thread::scope(|scope| {
        scope.spawn(work);
        work();
    });
    let mut quantile_part = None;
    let mut halves_done: Vec<(SeriesStats, Option<PairStats>)> = Vec::new();
    let mut fits = Vec::new();
    let mut growth = None;
    for slot in slots {
        match slot.into_inner().ok().flatten() {
            Some(Part::Quantiles(q)) => quantile_part = Some(q),
            Some(Part::Half(h)) => halves_done.push(*h),
            Some(Part::Stability(f)) => fits.push(f),
            Some(Part::Growth(g, d)) => growth = Some((g, d)),
            None => {}
        }
    }
    let q = quantile_part.unwrap_or_else(|| quantiles(returns, options.cutoff));
    let fit = match fits.as_slice() {
        [a, b] => a.then(*b),
        _ => stability_fit(first_half).then(stability_fit(second_half)),
    };
    let (growth, drawdown) = growth.unwrap_or_else(|| growth_and_drawdown(returns));
    let (series, pair) = match halves_done.as_slice() {
        [(s1, p1), (s2, p2)] => (s1.merge(*s2), p1.zip(*p2).map(|(a, b)| a.merge(b))),
        _ => (series_stats(returns, rates), benchmark.map(|f| pair_stats(returns, f))),
    };
    let m = from_fused(returns.len(), &series, pair.as_ref(), growth, drawdown, options, ann);
    (m, q, fit.r_squared())
}

/// `Π(1 + r)` over the known returns and the maximum drawdown, in one sequential pass.
fn growth_and_drawdown(returns: &[f64]) -> (f64, f64) {
    let mut growth = 1.0;
    let mut drawdown = DrawdownTracker::new();
    for &r in returns {
        let g = r + 1.0;
        if !g.is_nan() {
            growth *= g;
        }
        drawdown.push(r);
    }
    (growth, drawdown.max_drawdown())
}

/// The metrics from the single-pass engine's statistics.
fn from_fused(
    n: usize,
    s: &SeriesStats,
    pair: Option<&PairStats>,
    growth: f64,
    max_drawdown: f64,
    options: &MetricsOptions,
    ann: f64,
) -> Metrics {
    let mo = s.moments;
    let count = mo.n as usize;
    let (min, max) = s.min_max();
    let std = std_from_sum_sq(mo.m2, count, 1);
    let (skew, kurt) = shape_from_sums(count, mo.mean, (mo.m2, mo.m3, mo.m4));
    let annual_return = annual_return_from_growth(growth, n, ann);
    let downside_risk = downside_from_parts(s.downside_sq.value(), count, ann);
    let mean_adj = mean_of(s.sum_adj.value(), count);
    let std_adj = zero_dispersion(std, min, max);
    let open_cutoff = check_open_cutoff(options.cutoff).is_ok();
    let omega_thr = omega_threshold(options.omega_required_return, ann);
    Metrics {
        periods: n,
        observations: count,
        cum_returns_final: finish_growth(growth, 0.0),
        annual_return,
        annual_volatility: std * ann.powf(0.5),
        sharpe_ratio: (mean_adj / std_adj) * ann.sqrt(),
        sortino_ratio: mean_of(s.sum_req.value(), count) * ann / downside_risk,
        downside_risk,
        max_drawdown,
        calmar_ratio: calmar_from_parts(annual_return, max_drawdown),
        omega_ratio: if omega_thr.is_nan() { f64::NAN } else { omega_from_parts(s.gains.value(), s.losses.value()) },
        tail_ratio: f64::NAN,
        stability_of_timeseries: f64::NAN,
        value_at_risk: f64::NAN,
        conditional_value_at_risk: f64::NAN,
        parametric_var: if open_cutoff { mo.mean + std * standard_normal_quantile(options.cutoff) } else { f64::NAN },
        cornish_fisher_var: if open_cutoff {
            cornish_fisher_from_parts(mo.mean, std, skew, kurt, options.cutoff)
        } else {
            f64::NAN
        },
        skew: if count != n { f64::NAN } else { skew },
        kurtosis: if count != n { f64::NAN } else { kurt },
        probabilistic_sharpe_ratio: psr_from_parts(count, mo.mean, std_adj, skew, kurt, 0.0),
        benchmark: pair.map(|p| pair_metrics(p, options.risk_free, ann)),
    }
}

/// The benchmark metrics from the single-pass engine's pair statistics.
fn pair_metrics(p: &PairStats, rf: f64, ann: f64) -> BenchmarkMetrics {
    let m = p.moments;
    let pairs = m.n as usize;
    let beta = beta_from_parts(m.c_rf, m.m2_f, pairs);
    let alpha = annualize_alpha(mean_alpha_residual(m.mean_r, m.mean_f, rf, beta), ann);
    let constant = !(p.min[0] < p.max[0]) || !(p.min[1] < p.max[1]);
    let correlation = if pairs < 2 || constant { f64::NAN } else { correlation_from_sums(m.m2_r, m.m2_f, m.c_rf) };
    let active_min_max = if p.min[2] <= p.max[2] { (p.min[2], p.max[2]) } else { (f64::NAN, f64::NAN) };
    let active_std = zero_dispersion(std_from_sum_sq(m.m2_a, pairs, 1), active_min_max.0, active_min_max.1);
    let mean_active = if pairs == 0 { f64::NAN } else { m.mean_a };
    let (up, down) = (p.capture.up_capture(ann), p.capture.down_capture(ann));
    BenchmarkMetrics {
        alpha,
        beta,
        correlation,
        up_capture: up,
        down_capture: down,
        up_down_capture: up / down,
        excess_sharpe: mean_active / active_std,
        tracking_error: active_std * ann.sqrt(),
    }
}

struct Quantiles {
    value_at_risk: f64,
    conditional_value_at_risk: f64,
    tail_ratio: f64,
}

fn quantiles(returns: &[f64], cutoff: f64) -> Quantiles {
    let tails = [
        Tail::Percentile(percentile_fraction(cutoff)),
        Tail::LowerMean(cutoff),
        Tail::Percentile(0.95),
        Tail::Percentile(0.05),
    ];
    let (v, nans) = tail_stats(returns, &tails);
    Quantiles {
        value_at_risk: if nans > 0 { f64::NAN } else { v[0] },
        conditional_value_at_risk: v[1],
        tail_ratio: v[2].abs() / v[3].abs(),
    }
}

fn stability(returns: &[f64]) -> f64 {
    super::stability::stability_of_timeseries(returns)
}

/// `[r, r − r_f, r − r_req, min(r − r_req, 0)², max(r − r_f − τ, 0), min(r − r_f − τ, 0)]`
#[inline]
fn first_pass_terms(rf: f64, req: f64, omega_thr: f64) -> impl Fn(f64) -> [f64; 6] {
    move |r| {
        let below = r - req;
        let x = r - rf - omega_thr;
        [r, r - rf, below, downside_square(below), x.max(0.0), x.min(0.0)]
    }
}

fn main_passes(returns: &[f64], options: &MetricsOptions, ann: f64) -> Metrics {
    let n = returns.len();
    let (rf, req) = (options.risk_free, options.required_return);
    let omega_thr = omega_threshold(options.omega_required_return, ann);

    let first = multi_sum(returns, first_pass_terms(rf, req, omega_thr));
    let [sum, sum_adj, sum_req, downside_sq, gains, losses] = first.sums;
    let count = first.count;
    let (mean, mean_adj) = (mean_of(sum, count), mean_of(sum_adj, count));

    let second = multi_sum(returns, |r| {
        let d = r - mean;
        let d2 = d * d;
        let a = (r - rf) - mean_adj;
        [d2, d2 * d, d2 * d2, a * a]
    });
    let [ss, s3, s4, ss_adj] = second.sums;
    let (growth, drawdown) = growth_and_drawdown(returns);

    let std = std_from_sum_sq(ss, count, 1);
    let (skew_known, kurt_known) = shape_from_sums(count, mean, (ss, s3, s4));
    let any_nan = count != n;
    let two_or_more = n >= 2;
    let annual_return = annual_return_from_growth(growth, n, ann);
    let max_drawdown = if n == 0 { f64::NAN } else { drawdown };
    let downside_risk = if n == 0 { f64::NAN } else { downside_from_parts(downside_sq, count, ann) };
    let std_adj = zero_dispersion(std_from_sum_sq(ss_adj, count, 1), first.min - rf, first.max - rf);
    let sharpe = if two_or_more { (mean_adj / std_adj) * ann.sqrt() } else { f64::NAN };
    let sortino = if two_or_more { mean_of(sum_req, count) * ann / downside_risk } else { f64::NAN };
    let open_cutoff = check_open_cutoff(options.cutoff).is_ok();
    let parametric_var = if open_cutoff { mean + std * standard_normal_quantile(options.cutoff) } else { f64::NAN };
    let cornish_fisher_var = if open_cutoff {
        cornish_fisher_from_parts(mean, std, skew_known, kurt_known, options.cutoff)
    } else {
        f64::NAN
    };
    let std_zd = zero_dispersion(std, first.min, first.max);

    Metrics {
        periods: n,
        observations: count,
        cum_returns_final: if n == 0 { f64::NAN } else { finish_growth(growth, 0.0) },
        annual_return,
        annual_volatility: if two_or_more { std * ann.powf(0.5) } else { f64::NAN },
        sharpe_ratio: sharpe,
        sortino_ratio: sortino,
        downside_risk,
        max_drawdown,
        calmar_ratio: calmar_from_parts(annual_return, max_drawdown),
        omega_ratio: if two_or_more && !omega_thr.is_nan() { omega_from_parts(gains, losses) } else { f64::NAN },
        tail_ratio: f64::NAN,
        stability_of_timeseries: f64::NAN,
        value_at_risk: f64::NAN,
        conditional_value_at_risk: f64::NAN,
        parametric_var,
        cornish_fisher_var,
        skew: if any_nan { f64::NAN } else { skew_known },
        kurtosis: if any_nan { f64::NAN } else { kurt_known },
        probabilistic_sharpe_ratio: psr_from_parts(count, mean, std_zd, skew_known, kurt_known, 0.0),
        benchmark: None,
    }
}

fn benchmark_metrics(returns: &[f64], factor: &[f64], rf: f64, ann: f64) -> BenchmarkMetrics {
    let mut b = benchmark_moments(returns, factor, rf, ann);
    let capture = CaptureParts::of(returns, factor);
    b.up_capture = capture.up_capture(ann);
    b.down_capture = capture.down_capture(ann);
    b.up_down_capture = b.up_capture / b.down_capture;
    b
}

/// Everything against the benchmark but the capture ratios (left NaN).
fn benchmark_moments(returns: &[f64], factor: &[f64], rf: f64, ann: f64) -> BenchmarkMetrics {
    let n = returns.len();
    let first = paired_multi_sum::<3, true>(returns, factor, |r, f| [r - f, r, f]);
    let [active_sum, sum_r, sum_f] = first.sums;
    let pairs = first.count;
    let (mean_r, mean_f, mean_active) = (mean_of(sum_r, pairs), mean_of(sum_f, pairs), mean_of(active_sum, pairs));
    let second = paired_multi_sum::<6, false>(returns, factor, |r, f| {
        let [cov, var_f] = beta_terms(r, f, mean_f);
        let [srr, sff, srf] = correlation_terms(r, f, mean_r, mean_f);
        [cov, var_f, srr, sff, srf, active_square(r, f, mean_active)]
    });
    let [cov, var_f, srr, sff, srf, ss_active] = second.sums;
    let beta = if n == 0 || factor.len() < 2 { f64::NAN } else { beta_from_parts(cov, var_f, pairs) };
    let alpha = if n < 2 { f64::NAN } else { annualize_alpha(mean_alpha_residual(mean_r, mean_f, rf, beta), ann) };
    let active_std = zero_dispersion(std_from_sum_sq(ss_active, pairs, 1), first.min[0], first.max[0]);
    let two_or_more = n >= 2;
    let constant = first.min[1] == first.max[1] || first.min[2] == first.max[2];
    let correlation = if pairs < 2 || constant { f64::NAN } else { correlation_from_sums(srr, sff, srf) };

    BenchmarkMetrics {
        alpha,
        beta,
        correlation,
        up_capture: f64::NAN,
        down_capture: f64::NAN,
        up_down_capture: f64::NAN,
        excess_sharpe: if two_or_more { mean_active / active_std } else { f64::NAN },
        tracking_error: if two_or_more { active_std * ann.sqrt() } else { f64::NAN },
    }
}
