//! The metric functions (`sharpeRatio`, `maxDrawdown`, ...): conversion only, every formula is kairo-core's.

use kairo_core::metrics::{self as m, annualization_factor, Metrics, MetricsOptions, Period};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::errors::{OrThrow, Result, TaskError};
use crate::input::{values, Returns};
use crate::report::Js;

/// Options of the metric functions, with empyrical's defaults.
#[napi(object)]
#[derive(Default, Clone)]
pub struct MetricOptions {
    /// Per-period risk-free rate (Sharpe, alpha, omega). Default 0.
    pub risk_free: Option<f64>,
    /// Per-period minimum acceptable return (Sortino, downside risk). Default 0.
    pub required_return: Option<f64>,
    /// Annual required return of the omega ratio. Default 0.
    pub omega_required_return: Option<f64>,
    /// `daily` (default), `weekly`, `monthly`, `quarterly` or `yearly`.
    #[napi(ts_type = "'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly'")]
    pub period: Option<String>,
    /// Overrides the period's annualization factor.
    pub annualization: Option<f64>,
    /// Tail probability of VaR and CVaR. Default 0.05.
    pub cutoff: Option<f64>,
    /// Root of `annualVolatility` (empyrical's `alpha`). Default 2.
    pub alpha: Option<f64>,
    /// Starting value of `cumReturns` / `cumReturnsFinal`. Default 0 (returns, not values).
    pub starting_value: Option<f64>,
}

impl MetricOptions {
    fn period(&self) -> Result<Period> {
        self.period.as_deref().unwrap_or("daily").parse().or_throw()
    }

    fn factor(&self) -> Result<f64> {
        annualization_factor(self.period()?, self.annualization).or_throw()
    }

    fn core(&self) -> Result<MetricsOptions> {
        Ok(MetricsOptions {
            risk_free: self.risk_free.unwrap_or(0.0),
            required_return: self.required_return.unwrap_or(0.0),
            omega_required_return: self.omega_required_return.unwrap_or(0.0),
            period: self.period()?,
            annualization: self.annualization,
            cutoff: self.cutoff.unwrap_or(0.05),
        })
    }
}

fn o(opts: Option<MetricOptions>) -> MetricOptions {
    opts.unwrap_or_default()
}

/// Cumulative returns (empyrical `cum_returns`).
#[napi]
pub fn cum_returns(returns: Returns, opts: Option<MetricOptions>) -> Vec<f64> {
    m::cum_returns(values(&returns), o(opts).starting_value.unwrap_or(0.0))
}

/// Total compounded return (empyrical `cum_returns_final`).
#[napi]
pub fn cum_returns_final(returns: Returns, opts: Option<MetricOptions>) -> f64 {
    m::cum_returns_final(values(&returns), o(opts).starting_value.unwrap_or(0.0))
}

/// Compound annual growth rate (empyrical `annual_return`).
#[napi]
pub fn annual_return(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    Ok(m::annual_return(values(&returns), o(opts).factor()?))
}

/// Annualized volatility (empyrical `annual_volatility`).
#[napi]
pub fn annual_volatility(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    m::annual_volatility_alpha(values(&returns), opts.factor()?, opts.alpha.unwrap_or(2.0)).or_throw()
}

/// Annualized Sharpe ratio (empyrical `sharpe_ratio`).
#[napi]
pub fn sharpe_ratio(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    Ok(m::sharpe_ratio(values(&returns), opts.risk_free.unwrap_or(0.0), opts.factor()?))
}

/// Annualized Sortino ratio (empyrical `sortino_ratio`).
#[napi]
pub fn sortino_ratio(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    Ok(m::sortino_ratio(values(&returns), opts.required_return.unwrap_or(0.0), opts.factor()?))
}

/// Annualized downside deviation (empyrical `downside_risk`).
#[napi]
pub fn downside_risk(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    Ok(m::downside_risk(values(&returns), opts.required_return.unwrap_or(0.0), opts.factor()?))
}

/// Maximum drawdown, a negative fraction (empyrical `max_drawdown`).
#[napi]
pub fn max_drawdown(returns: Returns) -> f64 {
    m::max_drawdown(values(&returns))
}

/// Annual return over the absolute maximum drawdown (empyrical `calmar_ratio`).
#[napi]
pub fn calmar_ratio(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    Ok(m::calmar_ratio(values(&returns), o(opts).factor()?))
}

/// Omega ratio (empyrical `omega_ratio`; `omegaRequiredReturn` is annual, de-annualized with `annualization`,
/// default 252).
#[napi]
pub fn omega_ratio(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    let a = annualization_factor(Period::Daily, opts.annualization).or_throw()?;
    Ok(m::omega_ratio(values(&returns), opts.risk_free.unwrap_or(0.0), opts.omega_required_return.unwrap_or(0.0), a))
}

/// 95th over the absolute 5th percentile (empyrical `tail_ratio`).
#[napi]
pub fn tail_ratio(returns: Returns) -> f64 {
    m::tail_ratio(values(&returns))
}

/// R² of a linear fit to the cumulative log returns (empyrical `stability_of_timeseries`).
#[napi]
pub fn stability_of_timeseries(returns: Returns) -> f64 {
    m::stability_of_timeseries(values(&returns))
}

/// Historical VaR at `cutoff` (empyrical `value_at_risk`).
#[napi]
pub fn value_at_risk(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::value_at_risk(values(&returns), o(opts).cutoff.unwrap_or(0.05)).or_throw()
}

/// Mean of the returns at or below the VaR (empyrical `conditional_value_at_risk`).
#[napi]
pub fn conditional_value_at_risk(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::conditional_value_at_risk(values(&returns), o(opts).cutoff.unwrap_or(0.05)).or_throw()
}

/// Cornish–Fisher VaR at `cutoff`.
#[napi]
pub fn cornish_fisher_var(returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::cornish_fisher_var(values(&returns), o(opts).cutoff.unwrap_or(0.05)).or_throw()
}

/// Probability that the true Sharpe ratio exceeds `benchmarkSharpe` (default 0).
#[napi]
pub fn probabilistic_sharpe_ratio(returns: Returns, benchmark_sharpe: Option<f64>) -> Result<f64> {
    m::probabilistic_sharpe_ratio(values(&returns), benchmark_sharpe.unwrap_or(0.0)).or_throw()
}

/// The probabilistic Sharpe ratio against the expected maximum of `trials` Sharpe ratios.
#[napi]
pub fn deflated_sharpe_ratio(returns: Returns, trials: u32, sharpe_variance: f64) -> Result<f64> {
    m::deflated_sharpe_ratio(values(&returns), trials as usize, sharpe_variance).or_throw()
}

/// Annualized CAPM alpha (empyrical `alpha`).
#[napi]
pub fn alpha(returns: Returns, factor_returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    let opts = o(opts);
    m::alpha(values(&returns), values(&factor_returns), opts.risk_free.unwrap_or(0.0), opts.factor()?).or_throw()
}

/// CAPM beta (empyrical `beta`).
#[napi]
pub fn beta(returns: Returns, factor_returns: Returns) -> Result<f64> {
    m::beta(values(&returns), values(&factor_returns)).or_throw()
}

/// `[alpha, beta]` (empyrical `alpha_beta`).
#[napi]
pub fn alpha_beta(returns: Returns, factor_returns: Returns, opts: Option<MetricOptions>) -> Result<Vec<f64>> {
    let opts = o(opts);
    let (a, b) =
        m::alpha_beta(values(&returns), values(&factor_returns), opts.risk_free.unwrap_or(0.0), opts.factor()?)
            .or_throw()?;
    Ok(vec![a, b])
}

/// Up-market capture (empyrical `up_capture`).
#[napi]
pub fn up_capture(returns: Returns, factor_returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::up_capture(values(&returns), values(&factor_returns), o(opts).factor()?).or_throw()
}

/// Down-market capture (empyrical `down_capture`).
#[napi]
pub fn down_capture(returns: Returns, factor_returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::down_capture(values(&returns), values(&factor_returns), o(opts).factor()?).or_throw()
}

/// Up capture over down capture (empyrical `up_down_capture`).
#[napi]
pub fn up_down_capture(returns: Returns, factor_returns: Returns, opts: Option<MetricOptions>) -> Result<f64> {
    m::up_down_capture(values(&returns), values(&factor_returns), o(opts).factor()?).or_throw()
}

/// Per-period information ratio (empyrical `excess_sharpe`).
#[napi]
pub fn excess_sharpe(returns: Returns, factor_returns: Returns) -> Result<f64> {
    m::excess_sharpe(values(&returns), values(&factor_returns)).or_throw()
}

/// `sharpeRatio` over each window of `window` periods.
#[napi]
pub fn rolling_sharpe(returns: Returns, window: u32, opts: Option<MetricOptions>) -> Result<Vec<f64>> {
    let opts = o(opts);
    m::rolling_sharpe(values(&returns), window as usize, opts.risk_free.unwrap_or(0.0), opts.factor()?).or_throw()
}

/// `annualVolatility` over each window.
#[napi]
pub fn rolling_volatility(returns: Returns, window: u32, opts: Option<MetricOptions>) -> Result<Vec<f64>> {
    m::rolling_volatility(values(&returns), window as usize, o(opts).factor()?).or_throw()
}

/// `beta` over each window.
#[napi]
pub fn rolling_beta(returns: Returns, factor_returns: Returns, window: u32) -> Result<Vec<f64>> {
    m::rolling_beta(values(&returns), values(&factor_returns), window as usize).or_throw()
}

/// Every metric of `returns` (and against `factorReturns`) in one call.
#[napi(ts_return_type = "AllMetrics")]
pub fn metrics(returns: Returns, factor_returns: Option<Returns>, opts: Option<MetricOptions>) -> Result<Js<Metrics>> {
    let opts = o(opts).core()?;
    Ok(Js(Metrics::compute(values(&returns), factor_returns.as_ref().map(values), &opts).or_throw()?))
}

/// The work of `metricsAsync`, run on the libuv thread pool. It owns copies of the series: a `Float64Array` is
/// memory that JavaScript may write while the task runs on another thread, so it is copied on the calling
/// thread before the task is queued (a copy costs far less than the metrics).
pub struct MetricsTask {
    returns: Vec<f64>,
    factor_returns: Option<Vec<f64>>,
    options: Option<Result<MetricsOptions>>,
}

impl Task for MetricsTask {
    type Output = std::result::Result<Metrics, TaskError<kairo_core::MetricsError>>;
    type JsValue = Js<Metrics>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let options = match self.options.take() {
            Some(Ok(o)) => o,
            Some(Err(e)) => return Ok(Err(TaskError::Js(e))),
            // `compute` runs once per task; a second call would find the options taken and compute nothing.
            None => {
                return Ok(Err(TaskError::Core(kairo_core::MetricsError::InvalidParameter {
                    name: "options",
                    reason: "the task ran twice".into(),
                })))
            }
        };
        Ok(Metrics::compute(&self.returns, self.factor_returns.as_deref(), &options).map_err(TaskError::Core))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Js<Metrics>> {
        output.map(Js).map_err(TaskError::into_js)
    }
}

/// `metrics` off the event loop: a Promise of the same object (rejected, never thrown, on bad options).
#[napi(ts_return_type = "Promise<AllMetrics>")]
pub fn metrics_async(
    returns: Returns,
    factor_returns: Option<Returns>,
    opts: Option<MetricOptions>,
) -> AsyncTask<MetricsTask> {
    AsyncTask::new(MetricsTask {
        returns: values(&returns).to_vec(),
        factor_returns: factor_returns.as_ref().map(|f| values(f).to_vec()),
        options: Some(o(opts).core()),
    })
}
