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
        let name = case["name"].as_str().expect("name");
        let r = nums(&case["returns"]);
        let f = case["factor_returns"].as_array().map(|_| nums(&case["factor_returns"]));
        let p = &case["params"];
        let period: Period = p["period"].as_str().expect("period").parse().expect("period");
        let ann_override = p["annualization"].as_f64();
        let ann = metrics::annualization_factor(period, ann_override).expect("annualization");
        let rf = num(&p["risk_free"]);
        let req = num(&p["required_return"]);
        let cutoff = num(&p["cutoff"]);
        let e = &case["expected"];

        t.check_all(name, "cum_returns", &metrics::cum_returns(&r, 0.0), &nums(&e["cum_returns"]));
        t.check_all(name, "cum_returns_100", &metrics::cum_returns(&r, 100.0), &nums(&e["cum_returns_100"]));
        t.check(name, "cum_returns_final", metrics::cum_returns_final(&r, 0.0), num(&e["cum_returns_final"]));
        t.check(name, "annual_return", metrics::annual_return(&r, ann), num(&e["annual_return"]));
        t.check(name, "annual_volatility", metrics::annual_volatility(&r, ann), num(&e["annual_volatility"]));
        t.check(name, "sharpe_ratio", metrics::sharpe_ratio(&r, rf, ann), num(&e["sharpe_ratio"]));
        t.check(name, "sortino_ratio", metrics::sortino_ratio(&r, req, ann), num(&e["sortino_ratio"]));
        t.check(name, "downside_risk", metrics::downside_risk(&r, req, ann), num(&e["downside_risk"]));
        t.check(name, "max_drawdown", metrics::max_drawdown(&r), num(&e["max_drawdown"]));
        t.check(name, "calmar_ratio", metrics::calmar_ratio(&r, ann), num(&e["calmar_ratio"]));
        t.check(name, "omega_ratio", metrics::omega_ratio(&r, rf, omega_req, ann), num(&e["omega_ratio"]));
        t.check(name, "tail_ratio", metrics::tail_ratio(&r), num(&e["tail_ratio"]));
        t.check(name, "stability", metrics::stability_of_timeseries(&r), num(&e["stability_of_timeseries"]));
        t.check(name, "value_at_risk", metrics::value_at_risk(&r, cutoff).expect("var"), num(&e["value_at_risk"]));
        let cvar = metrics::conditional_value_at_risk(&r, cutoff).expect("cvar");
        t.check(name, "conditional_value_at_risk", cvar, num(&e["conditional_value_at_risk"]));
        t.check(name, "skew", metrics::skew(&r), num(&e["skew"]));
        t.check(name, "kurtosis", metrics::kurtosis(&r), num(&e["kurtosis"]));
        t.check(name, "parametric_var", metrics::parametric_var(&r, cutoff).expect("pvar"), num(&e["parametric_var"]));
        let cf = metrics::cornish_fisher_var(&r, cutoff).expect("cf");
        t.check(name, "cornish_fisher_var", cf, num(&e["cornish_fisher_var"]));
        let psr = metrics::probabilistic_sharpe_ratio(&r, 0.0).expect("psr");
        t.check(name, "probabilistic_sharpe_ratio", psr, num(&e["probabilistic_sharpe_ratio"]));
        let psr = metrics::probabilistic_sharpe_ratio(&r, 0.05).expect("psr");
        t.check(name, "probabilistic_sharpe_ratio_0_05", psr, num(&e["probabilistic_sharpe_ratio_0_05"]));
        let dsr = metrics::deflated_sharpe_ratio(&r, 100, 0.001).expect("dsr");
        t.check(name, "deflated_sharpe_ratio", dsr, num(&e["deflated_sharpe_ratio_100_0_001"]));
        let rs = metrics::rolling_sharpe(&r, 5, rf, ann).expect("rolling");
        t.check_all(name, "roll_sharpe_ratio", &rs, &nums(&e["roll_sharpe_ratio_5"]));
        let rv = metrics::rolling_volatility(&r, 5, ann).expect("rolling");
        t.check_all(name, "roll_annual_volatility", &rv, &nums(&e["roll_annual_volatility_5"]));

        if let Some(f) = &f {
            let (a, b) = metrics::alpha_beta(&r, f, rf, ann).expect("alpha_beta");
            t.check(name, "alpha", metrics::alpha(&r, f, rf, ann).expect("alpha"), num(&e["alpha"]));
            t.check(name, "beta", metrics::beta(&r, f).expect("beta"), num(&e["beta"]));
            t.check(name, "alpha_beta.alpha", a, num(&e["alpha_beta"][0]));
            t.check(name, "alpha_beta.beta", b, num(&e["alpha_beta"][1]));
            if !e["up_capture"].is_null() {
                t.check(name, "up_capture", metrics::up_capture(&r, f, ann).expect("up"), num(&e["up_capture"]));
                t.check(
                    name,
                    "down_capture",
                    metrics::down_capture(&r, f, ann).expect("down"),
                    num(&e["down_capture"]),
                );
                let udc = metrics::up_down_capture(&r, f, ann).expect("updown");
                t.check(name, "up_down_capture", udc, num(&e["up_down_capture"]));
            }
            t.check(name, "excess_sharpe", metrics::excess_sharpe(&r, f).expect("es"), num(&e["excess_sharpe"]));
            let te = metrics::tracking_error(&r, f, ann).expect("te");
            t.check(name, "tracking_error", te, num(&e["tracking_error"]));
            t.check(name, "correlation", metrics::correlation(&r, f).expect("corr"), num(&e["correlation"]));
            let rb = metrics::rolling_beta(&r, f, 5).expect("rolling beta");
            t.check_all(name, "roll_beta", &rb, &nums(&e["roll_beta_5"]));
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
        let m = Metrics::compute(&r, f.as_deref(), &options).expect("compute");
        t.check(name, "Metrics.sharpe_ratio", m.sharpe_ratio, num(&e["sharpe_ratio"]));
        t.check(name, "Metrics.sortino_ratio", m.sortino_ratio, num(&e["sortino_ratio"]));
        t.check(name, "Metrics.max_drawdown", m.max_drawdown, num(&e["max_drawdown"]));
        t.check(name, "Metrics.annual_volatility", m.annual_volatility, num(&e["annual_volatility"]));
        t.check(name, "Metrics.omega_ratio", m.omega_ratio, num(&e["omega_ratio"]));
        t.check(name, "Metrics.value_at_risk", m.value_at_risk, num(&e["value_at_risk"]));
        t.check(name, "Metrics.tail_ratio", m.tail_ratio, num(&e["tail_ratio"]));
        t.check(name, "Metrics.stability", m.stability_of_timeseries, num(&e["stability_of_timeseries"]));
        t.check(name, "Metrics.cvar", m.conditional_value_at_risk, num(&e["conditional_value_at_risk"]));
        t.check(name, "Metrics.skew", m.skew, num(&e["skew"]));
        t.check(name, "Metrics.kurtosis", m.kurtosis, num(&e["kurtosis"]));
        t.check(name, "Metrics.cornish_fisher_var", m.cornish_fisher_var, num(&e["cornish_fisher_var"]));
        t.check(name, "Metrics.psr", m.probabilistic_sharpe_ratio, num(&e["probabilistic_sharpe_ratio"]));
        if let (Some(b), true) = (m.benchmark, f.is_some()) {
            t.check(name, "Metrics.alpha", b.alpha, num(&e["alpha"]));
            t.check(name, "Metrics.beta", b.beta, num(&e["beta"]));
            t.check(name, "Metrics.excess_sharpe", b.excess_sharpe, num(&e["excess_sharpe"]));
            t.check(name, "Metrics.tracking_error", b.tracking_error, num(&e["tracking_error"]));
            t.check(name, "Metrics.correlation", b.correlation, num(&e["correlation"]));
            if !e["up_capture"].is_null() {
                t.check(name, "Metrics.up_capture", b.up_capture, num(&e["up_capture"]));
                t.check(name, "Metrics.down_capture", b.down_capture, num(&e["down_capture"]));
            }
        }
    }
    println!(
        "{} values checked: {} bit-identical to empyrical, worst relative difference of the rest {:e}",
        t.checked, t.exact, t.worst
    );
    assert!(t.failures.is_empty(), "{} mismatches:\n{}", t.failures.len(), t.failures.join("\n"));
}
