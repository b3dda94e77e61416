//! kairo's metrics against empyrical-reloaded's own outputs.
//!
//! The expected values in `tests/vectors/empyrical.json` were computed by empyrical-reloaded 0.7.1 (numpy 2.4,
//! scipy 1.17), and by scipy from the published formulas for the metrics empyrical lacks, with
//! `scripts/gen_empyrical_vectors.py`. Every value must agree to 1e-12 relative; the test also reports how many
//! agree bit for bit. A value whose exact answer is 0 but which both libraries compute as rounding noise (below
//! 1e-15 in magnitude, e.g. the beta of a constant series) has no meaningful relative error; both must then be
//! below 1e-15.

use kairo_core::metrics::{self, Metrics, MetricsOptions, Period};
use serde_json::Value;

const REL_TOL: f64 = 1e-12;
const NOISE: f64 = 1e-15;

fn load() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/empyrical.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vector file")).expect("valid JSON")
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("not a number: {other}"),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

#[derive(Default)]
struct Tally {
    checked: usize,
    exact: usize,
    worst: f64,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, case: &str, metric: &str, got: f64, want: f64) {
        self.checked += 1;
        if got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()) {
            self.exact += 1;
            return;
        }
        let rel = if got == want { 0.0 } else { (got - want).abs() / got.abs().max(want.abs()) };
        if got.abs() < NOISE && want.abs() < NOISE {
            return;
        }
        if rel.is_nan() || rel > REL_TOL {
            self.failures.push(format!("{case} {metric}: kairo {got:e}, empyrical {want:e}, rel {rel:e}"));
        } else if rel > self.worst {
            self.worst = rel;
        }
    }

    fn check_all(&mut self, case: &str, metric: &str, got: &[f64], want: &[f64]) {
        if got.len() != want.len() {
            self.failures.push(format!("{case} {metric}: length {} vs {}", got.len(), want.len()));
            return;
        }
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            self.check(case, &format!("{metric}[{i}]"), *g, *w);
        }
    }
}

#[test]
fn metrics_match_empyrical() {
    let doc = load();
    let omega_req = num(&doc["omega_required_return"]);
    let mut t = Tally::default();
    for case in doc["cases"].as_array().expect("cases") {
        let r = nums(&case["returns"]);
        let f = case["factor_returns"].as_array().map(|_| nums(&case["factor_returns"]));
        check_case(&mut t, case["name"].as_str().expect("name"), &r, f.as_deref(), case, omega_req);
    }
    // Long series (lane sums, bracketed selection, two threads), rebuilt from integer formulas.
    for case in doc["long_cases"].as_array().expect("long cases") {
        let (r, f) = long_series(&case["spec"]);
        check_case(&mut t, case["name"].as_str().expect("name"), &r, Some(&f), case, omega_req);
    }
    println!(
        "{} values checked: {} bit-identical to empyrical, worst relative difference of the rest {:e}",
        t.checked, t.exact, t.worst
    );
    assert!(t.failures.is_empty(), "{} mismatches:\n{}", t.failures.len(), t.failures.join("\n"));
}

/// `v = ((i · mult) mod 2³²) / 2³² − 0.5`, `(v + 2v²) · scale + drift`: the generator's formula, evaluated in the
/// same order, so both sides build the same bits.
fn integer_series(n: usize, mult: u64, scale: f64, drift: f64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let v = ((i as u64).wrapping_mul(mult) & 0xFFFF_FFFF) as f64 / 4_294_967_296.0 - 0.5;
            (v + 2.0 * v * v) * scale + drift
        })
        .collect()
}

/// The returns and factor of a long case: `spec.returns = [mult, scale, drift, nan_every]`,
/// `spec.factor_returns = [mult, scale, drift, coupling]` with the factor coupled to the returns' base series.
fn long_series(spec: &Value) -> (Vec<f64>, Vec<f64>) {
    let n = spec["n"].as_u64().expect("n") as usize;
    let (rs, fs) = (&spec["returns"], &spec["factor_returns"]);
    let int = |v: &Value| v.as_u64().expect("integer");
    let base = integer_series(n, int(&rs[0]), num(&rs[1]), num(&rs[2]));
    let nan_every = int(&rs[3]) as usize;
    let returns =
        base.iter().enumerate().map(|(i, &x)| if nan_every > 0 && i % nan_every == 0 { f64::NAN } else { x }).collect();
    let coupling = num(&fs[3]);
    let factor = integer_series(n, int(&fs[0]), num(&fs[1]), num(&fs[2]))
        .into_iter()
        .zip(&base)
        .map(|(x, b)| x + coupling * b)
        .collect();
    (returns, factor)
}

/// Checks every metric of one case whose expected values are present (list-valued ones only when stored).
fn check_case(t: &mut Tally, name: &str, r: &[f64], f: Option<&[f64]>, case: &Value, omega_req: f64) {
    let p = &case["params"];
    let period: Period = p["period"].as_str().expect("period").parse().expect("period");
    let ann_override = p["annualization"].as_f64();
    let ann = metrics::annualization_factor(period, ann_override).expect("annualization");
    let rf = num(&p["risk_free"]);
    let req = num(&p["required_return"]);
    let cutoff = num(&p["cutoff"]);
    let e = &case["expected"];
    let mut c = |metric: &str, key: &str, got: f64| {
        if !e[key].is_null() {
            t.check(name, metric, got, num(&e[key]));
        }
    };
    c("cum_returns_final", "cum_returns_final", metrics::cum_returns_final(r, 0.0));
    c("annual_return", "annual_return", metrics::annual_return(r, ann));
    c("annual_volatility", "annual_volatility", metrics::annual_volatility(r, ann));
    c("sharpe_ratio", "sharpe_ratio", metrics::sharpe_ratio(r, rf, ann));
    c("sortino_ratio", "sortino_ratio", metrics::sortino_ratio(r, req, ann));
    c("downside_risk", "downside_risk", metrics::downside_risk(r, req, ann));
    c("max_drawdown", "max_drawdown", metrics::max_drawdown(r));
    c("calmar_ratio", "calmar_ratio", metrics::calmar_ratio(r, ann));
    c("omega_ratio", "omega_ratio", metrics::omega_ratio(r, rf, omega_req, ann));
    c("tail_ratio", "tail_ratio", metrics::tail_ratio(r));
    c("stability", "stability_of_timeseries", metrics::stability_of_timeseries(r));
    c("value_at_risk", "value_at_risk", metrics::value_at_risk(r, cutoff).expect("var"));
    let cvar = metrics::conditional_value_at_risk(r, cutoff).expect("cvar");
    c("conditional_value_at_risk", "conditional_value_at_risk", cvar);
    c("skew", "skew", metrics::skew(r));
    c("kurtosis", "kurtosis", metrics::kurtosis(r));
    c("parametric_var", "parametric_var", metrics::parametric_var(r, cutoff).expect("pvar"));
    c("cornish_fisher_var", "cornish_fisher_var", metrics::cornish_fisher_var(r, cutoff).expect("cf"));
    let psr = metrics::probabilistic_sharpe_ratio(r, 0.0).expect("psr");
    c("probabilistic_sharpe_ratio", "probabilistic_sharpe_ratio", psr);
    let psr = metrics::probabilistic_sharpe_ratio(r, 0.05).expect("psr");
    c("probabilistic_sharpe_ratio(0.05)", "probabilistic_sharpe_ratio_0_05", psr);
    let dsr = metrics::deflated_sharpe_ratio(r, 100, 0.001).expect("dsr");
    c("deflated_sharpe_ratio", "deflated_sharpe_ratio_100_0_001", dsr);
    if let Some(f) = f {
        let (a, b) = metrics::alpha_beta(r, f, rf, ann).expect("alpha_beta");
        c("alpha", "alpha", metrics::alpha(r, f, rf, ann).expect("alpha"));
        c("beta", "beta", metrics::beta(r, f).expect("beta"));
        t_check_pair(&mut c, a, b);
        c("up_capture", "up_capture", metrics::up_capture(r, f, ann).expect("up"));
        c("down_capture", "down_capture", metrics::down_capture(r, f, ann).expect("down"));
        c("up_down_capture", "up_down_capture", metrics::up_down_capture(r, f, ann).expect("updown"));
        c("excess_sharpe", "excess_sharpe", metrics::excess_sharpe(r, f).expect("es"));
        c("tracking_error", "tracking_error", metrics::tracking_error(r, f, ann).expect("te"));
        c("correlation", "correlation", metrics::correlation(r, f).expect("corr"));
    }

    // The fused computation gives the same numbers.
    let options = MetricsOptions {
        risk_free: rf,
        required_return: req,
        omega_required_return: omega_req,
        period,
        annualization: ann_override,
        cutoff,
    };
    let m = Metrics::compute(r, f, &options).expect("compute");
    c("Metrics.cum_returns_final", "cum_returns_final", m.cum_returns_final);
    c("Metrics.annual_return", "annual_return", m.annual_return);
    c("Metrics.annual_volatility", "annual_volatility", m.annual_volatility);
    c("Metrics.sharpe_ratio", "sharpe_ratio", m.sharpe_ratio);
    c("Metrics.sortino_ratio", "sortino_ratio", m.sortino_ratio);
    c("Metrics.downside_risk", "downside_risk", m.downside_risk);
    c("Metrics.max_drawdown", "max_drawdown", m.max_drawdown);
    c("Metrics.calmar_ratio", "calmar_ratio", m.calmar_ratio);
    c("Metrics.omega_ratio", "omega_ratio", m.omega_ratio);
    c("Metrics.tail_ratio", "tail_ratio", m.tail_ratio);
    c("Metrics.stability", "stability_of_timeseries", m.stability_of_timeseries);
    c("Metrics.value_at_risk", "value_at_risk", m.value_at_risk);
    c("Metrics.conditional_value_at_risk", "conditional_value_at_risk", m.conditional_value_at_risk);
    c("Metrics.skew", "skew", m.skew);
    c("Metrics.kurtosis", "kurtosis", m.kurtosis);
    c("Metrics.parametric_var", "parametric_var", m.parametric_var);
    c("Metrics.cornish_fisher_var", "cornish_fisher_var", m.cornish_fisher_var);
    c("Metrics.probabilistic_sharpe_ratio", "probabilistic_sharpe_ratio", m.probabilistic_sharpe_ratio);
    if let Some(b) = m.benchmark {
        c("Metrics.alpha", "alpha", b.alpha);
        c("Metrics.beta", "beta", b.beta);
        c("Metrics.up_capture", "up_capture", b.up_capture);
        c("Metrics.down_capture", "down_capture", b.down_capture);
        c("Metrics.up_down_capture", "up_down_capture", b.up_down_capture);
        c("Metrics.excess_sharpe", "excess_sharpe", b.excess_sharpe);
        c("Metrics.tracking_error", "tracking_error", b.tracking_error);
        c("Metrics.correlation", "correlation", b.correlation);
    }

    // Series outputs, stored for the short cases only.
    let lists: [(&str, Vec<f64>); 5] = [
        ("cum_returns", metrics::cum_returns(r, 0.0)),
        ("cum_returns_100", metrics::cum_returns(r, 100.0)),
        ("roll_sharpe_ratio_5", metrics::rolling_sharpe(r, 5, rf, ann).expect("rolling")),
        ("roll_annual_volatility_5", metrics::rolling_volatility(r, 5, ann).expect("rolling")),
        ("roll_beta_5", f.map(|f| metrics::rolling_beta(r, f, 5).expect("rolling beta")).unwrap_or_default()),
    ];
    for (key, got) in lists {
        if e[key].is_array() {
            t.check_all(name, key, &got, &nums(&e[key]));
        }
    }
}

/// `alpha_beta` returns the pair that `alpha` and `beta` return one by one.
fn t_check_pair(c: &mut impl FnMut(&str, &str, f64), a: f64, b: f64) {
    c("alpha_beta.alpha", "alpha", a);
    c("alpha_beta.beta", "beta", b);
}
