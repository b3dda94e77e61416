//! `Metrics::compute` gives what each metric function gives alone: bit for bit on series shorter than 65,536
//! periods (the same kernels run), and to 1e-12 relative on longer ones (where a single-pass engine on two threads
//! merges chunk moments); and no input makes it panic.

use kairo_core::metrics::{self, Metrics, MetricsOptions, Period};
use proptest::prelude::*;

fn same(a: f64, b: f64, tolerance: f64) -> bool {
    a.to_bits() == b.to_bits()
        || (a.is_nan() && b.is_nan())
        || (a - b).abs() <= tolerance * a.abs().max(b.abs())
        || (a.abs() < 1e-15 && b.abs() < 1e-15 && tolerance > 0.0)
}

fn assert_fields_match(r: &[f64], f: Option<&[f64]>, o: &MetricsOptions) {
    assert_fields_close(r, f, o, 0.0)
}

fn assert_fields_close(r: &[f64], f: Option<&[f64]>, o: &MetricsOptions, tolerance: f64) {
    let m = Metrics::compute(r, f, o).unwrap();
    let ann = metrics::annualization_factor(o.period, o.annualization).unwrap();
    let expect = [
        ("cum_returns_final", m.cum_returns_final, metrics::cum_returns_final(r, 0.0)),
        ("annual_return", m.annual_return, metrics::annual_return(r, ann)),
        ("annual_volatility", m.annual_volatility, metrics::annual_volatility(r, ann)),
        ("sharpe_ratio", m.sharpe_ratio, metrics::sharpe_ratio(r, o.risk_free, ann)),
        ("sortino_ratio", m.sortino_ratio, metrics::sortino_ratio(r, o.required_return, ann)),
        ("downside_risk", m.downside_risk, metrics::downside_risk(r, o.required_return, ann)),
        ("max_drawdown", m.max_drawdown, metrics::max_drawdown(r)),
        ("calmar_ratio", m.calmar_ratio, metrics::calmar_ratio(r, ann)),
        ("omega_ratio", m.omega_ratio, metrics::omega_ratio(r, o.risk_free, o.omega_required_return, ann)),
        ("tail_ratio", m.tail_ratio, metrics::tail_ratio(r)),
        ("stability", m.stability_of_timeseries, metrics::stability_of_timeseries(r)),
        ("value_at_risk", m.value_at_risk, metrics::value_at_risk(r, o.cutoff).unwrap()),
        ("cvar", m.conditional_value_at_risk, metrics::conditional_value_at_risk(r, o.cutoff).unwrap()),
        ("parametric_var", m.parametric_var, metrics::parametric_var(r, o.cutoff).unwrap()),
        ("cornish_fisher_var", m.cornish_fisher_var, metrics::cornish_fisher_var(r, o.cutoff).unwrap()),
        ("skew", m.skew, metrics::skew(r)),
        ("kurtosis", m.kurtosis, metrics::kurtosis(r)),
        ("psr", m.probabilistic_sharpe_ratio, metrics::probabilistic_sharpe_ratio(r, 0.0).unwrap()),
    ];
    for (name, got, want) in expect {
        assert!(same(got, want, tolerance), "{name}: compute {got:e}, function {want:e} (n = {})", r.len());
    }
    if let Some(f) = f {
        let b = m.benchmark.unwrap();
        let (alpha, beta) = metrics::alpha_beta(r, f, o.risk_free, ann).unwrap();
        let expect = [
            ("alpha", b.alpha, alpha),
            ("beta", b.beta, beta),
            ("correlation", b.correlation, metrics::correlation(r, f).unwrap()),
            ("up_capture", b.up_capture, metrics::up_capture(r, f, ann).unwrap()),
            ("down_capture", b.down_capture, metrics::down_capture(r, f, ann).unwrap()),
            ("up_down_capture", b.up_down_capture, metrics::up_down_capture(r, f, ann).unwrap()),
            ("excess_sharpe", b.excess_sharpe, metrics::excess_sharpe(r, f).unwrap()),
            ("tracking_error", b.tracking_error, metrics::tracking_error(r, f, ann).unwrap()),
        ];
        for (name, got, want) in expect {
            assert!(same(got, want, tolerance), "{name}: compute {got:e}, function {want:e} (n = {})", r.len());
        }
    }
}

fn series(len: impl Strategy<Value = usize>) -> impl Strategy<Value = Vec<f64>> {
    len.prop_flat_map(|n| {
        prop::collection::vec(prop_oneof![20 => -0.2f64..0.25, 1 => Just(f64::NAN), 1 => Just(0.0)], n)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn compute_equals_the_functions(
        r in series(0usize..3000),
        seed in any::<u64>(),
        rf in prop_oneof![Just(0.0), 0.0f64..0.001],
        req in prop_oneof![Just(0.0), -0.001f64..0.001],
        cutoff in prop_oneof![Just(0.05), 0.01f64..0.2],
        period in prop_oneof![Just(Period::Daily), Just(Period::Monthly)],
    ) {
        let f: Vec<f64> = r.iter().enumerate().map(|(i, x)| {
            let noise = (((i as u64 ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f64 / 16_777_216.0 - 0.5) * 0.02;
            if (i as u64 + seed) % 31 == 0 { f64::NAN } else { 0.5 * x.max(-0.1) + noise }
        }).collect();
        let o = MetricsOptions { risk_free: rf, required_return: req, omega_required_return: 0.02, period, annualization: None, cutoff };
        assert_fields_match(&r, Some(&f), &o);
        assert_fields_match(&r, None, &o);
    }

    /// Arbitrary floats (infinities, huge values, NaN) never make it panic.
    #[test]
    fn never_panics(r in prop::collection::vec(any::<f64>(), 0..200), cutoff in 0.0f64..=1.0) {
        let o = MetricsOptions { cutoff, ..MetricsOptions::default() };
        let f: Vec<f64> = r.iter().rev().copied().collect();
        let _ = Metrics::compute(&r, Some(&f), &o).unwrap();
    }
}

#[test]
fn long_series_take_the_parallel_path_and_agree() {
    let r: Vec<f64> = (0..200_003u64)
        .map(|i| {
            let u = (i.wrapping_mul(2_654_435_761) & 0xFFFF_FFFF) as f64 / 4_294_967_296.0 - 0.5;
            if i % 1009 == 0 {
                f64::NAN
            } else {
                (u + 2.0 * u * u) * 0.02 + 0.0003
            }
        })
        .collect();
    let f: Vec<f64> = r.iter().enumerate().map(|(i, x)| 0.7 * x + ((i % 17) as f64 - 8.0) * 1e-4).collect();
    assert_fields_close(&r, Some(&f), &MetricsOptions::default(), 1e-12);
    let o = MetricsOptions { risk_free: 0.0001, required_return: 0.0002, ..MetricsOptions::default() };
    assert_fields_close(&r, Some(&f), &o, 1e-12);
    let all_nan = vec![f64::NAN; 70_000];
    assert_fields_close(&all_nan, Some(&all_nan), &o, 1e-12);
}

#[test]
fn wrong_input_is_an_error_not_a_panic() {
    let e = Metrics::compute(&[0.1, 0.2], Some(&[0.1]), &MetricsOptions::default()).unwrap_err();
    assert!(e.to_string().contains("same length"), "{e}");
    let o = MetricsOptions { cutoff: 1.5, ..MetricsOptions::default() };
    assert!(Metrics::compute(&[0.1], None, &o).unwrap_err().to_string().contains("cutoff"));
    let o = MetricsOptions { annualization: Some(-1.0), ..MetricsOptions::default() };
    assert!(Metrics::compute(&[0.1], None, &o).unwrap_err().to_string().contains("annualization"));
}
