//! The functions behind empyrical's rolling, capture, tail and attribution names, against values written out by
//! hand (empyrical-reloaded 0.7.1's own suite runs against them through kairo-py: scripts/test-empyrical-suite.sh).

use kairo_core::metrics::{
    annual_return, annual_volatility, attributed_returns, batting_average, beta, capture_ratio, column_means,
    compound_by_group, gpd_risk_estimates, group_exposures, max_drawdown, nelder_mead, pct_change, roll, roll_pairs,
    sharpe_ratio, simple_returns, stability_of_timeseries, Metrics, MetricsOptions,
};

#[test]
fn an_infinite_return_leaves_the_ratio_undefined() {
    // empyrical: std of [inf, inf] is NaN (inf − inf), so mean / std is NaN, not ∞.
    assert!(sharpe_ratio(&[f64::INFINITY, f64::INFINITY], 0.0, 252.0).is_nan());
    assert!(annual_volatility(&[f64::INFINITY, 0.01], 252.0).is_nan());
    // a constant finite series keeps its signed infinity
    assert_eq!(sharpe_ratio(&[0.001; 10], 0.0, 252.0), f64::INFINITY);
}

#[test]
fn rolling_windows_are_the_metric_of_each_slice() {
    let r = [0.01, -0.02, 0.03, -0.01, 0.02];
    let s = roll(&r, 3, |w| sharpe_ratio(w, 0.0, 252.0)).unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s[1], sharpe_ratio(&r[1..4], 0.0, 252.0));
    // a window longer than the series is the whole series (empyrical's min(len, window))
    assert_eq!(roll(&r, 9, max_drawdown).unwrap(), vec![max_drawdown(&r)]);
    assert!(roll(&[], 3, max_drawdown).unwrap().is_empty());
    assert!(roll(&r, 0, max_drawdown).is_err());
    let f = [0.02, -0.01, 0.01, 0.0, 0.01];
    let b = roll_pairs(&r, &f, 4, |x, y| beta(x, y).unwrap()).unwrap();
    assert_eq!(b, vec![beta(&r[..4], &f[..4]).unwrap(), beta(&r[1..], &f[1..]).unwrap()]);
    assert!(roll_pairs(&r, &f[..4], 2, |x, y| beta(x, y).unwrap()).is_err());
}

#[test]
fn capture_takes_each_series_over_its_own_periods() {
    // (1.02·1.01)^(252/2) − 1 over (1.01)^(252/1) − 1
    let c = capture_ratio(&[0.02, 0.01], &[0.01], 252.0);
    let by_hand = ((1.02f64 * 1.01).powf(126.0) - 1.0) / (1.01f64.powf(252.0) - 1.0);
    assert!((c - by_hand).abs() < 1e-12 * by_hand.abs());
    assert_eq!(c, annual_return(&[0.02, 0.01], 252.0) / annual_return(&[0.01], 252.0));
}

#[test]
fn batting_average_counts_wins_by_market_side() {
    // active: +, −, +, NaN (skipped), + ; factor: up, up, down, down, up (0 counts as up)
    let (all, up, down) = batting_average(&[0.01, -0.02, 0.01, f64::NAN, 0.03], &[0.01, 0.02, -0.01, -0.02, 0.0]);
    assert_eq!((all, up, down), (0.75, 2.0 / 3.0, 1.0));
    let (all, up, down) = batting_average(&[], &[]);
    assert!(all.is_nan() && up.is_nan() && down.is_nan());
}

#[test]
fn prices_to_returns_and_calendar_compounding() {
    assert_eq!(simple_returns(&[100.0, 110.0, 0.0, 5.0]), vec![0.1, -1.0, f64::INFINITY]);
    // pandas' pct_change divides first: 1.1 / 1.0 − 1 differs from (1.1 − 1.0) / 1.0 in the last place
    assert_eq!(pct_change(&[1.0, 1.1]), vec![1.1 / 1.0 - 1.0]);
    let g = compound_by_group(&[0.01, 0.01, 0.01, 0.02], &[0, 0, 1, 1], 2);
    assert_eq!(g, vec![1.01 * 1.01 - 1.0, 1.01 * 1.02 - 1.0]);
}

#[test]
fn attribution_by_hand() {
    // two tickers on one date: loadings (1, 0) and (0.5, 2); positions 0.5 and −0.5
    // exposures: momentum 0.5 − 0.25 = 0.25, size 0 − 1 = −1
    let e = group_exposures(&[1.0, 0.0, 0.5, 2.0], 2, &[0.5, -0.5], &[0, 0], 1);
    assert_eq!(e, vec![0.25, -1.0]);
    // factor returns 0.02 and −0.01: attributed 0.005 and 0.01, common 0.015
    let (by_factor, common) = attributed_returns(&e, &[0.02, -0.01], 2);
    assert_eq!(by_factor, vec![0.25 * 0.02, -1.0 * -0.01]);
    assert_eq!(common, vec![0.25 * 0.02 + 0.01]);
    assert_eq!(column_means(&[0.25, -1.0, 0.75, f64::NAN], 2), vec![0.5, -1.0]);
}

#[test]
fn nelder_mead_finds_a_quadratics_minimum_and_gpd_estimates_follow() {
    let m = nelder_mead(|x: &[f64]| (x[0] - 1.5).powi(2) + 2.0 * (x[1] - 0.5).powi(2), &[1.0, 1.0]);
    assert!(m.converged);
    assert!((m.x[0] - 1.5).abs() < 1e-3 && (m.x[1] - 0.5).abs() < 1e-3, "{:?}", m.x);
    // fewer than three returns, or no losses: all zero, as empyrical
    assert_eq!(gpd_risk_estimates(&[-0.1, 0.1], 0.01).to_array(), [0.0; 5]);
    assert_eq!(gpd_risk_estimates(&[0.1, 0.2, 0.3], 0.01).to_array(), [0.0; 5]);
}

#[test]
fn a_total_loss_leaves_stability_undefined() {
    // ln(1 − 1) = −∞: empyrical (numpy's log1p and scipy's linregress) gives NaN, not a fit
    let r = [0.01, -1.0, 0.02, 0.01];
    assert!(stability_of_timeseries(&r).is_nan());
    let long: Vec<f64> = (0..5000).map(|i| if i == 2500 { -1.0 } else { 0.001 }).collect();
    assert!(stability_of_timeseries(&long).is_nan());
    let m = Metrics::compute(&long, None, &MetricsOptions::default()).unwrap();
    assert!(m.stability_of_timeseries.is_nan());
}

/// A deterministic pseudo-random series: returns around `drift` with the given spread, NaN, infinite and constant
/// stretches where asked.
fn series(n: usize, seed: u64, drift: f64, spread: f64) -> Vec<f64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            drift + spread * ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
        })
        .collect()
}

/// Equal to 1e-12 of the larger value, or of 1 for values near zero (a beta or a Sharpe ratio near zero is a
/// difference of terms of order one, whose rounding any two summation orders leave at that scale).
fn agree(fast: &[f64], exact: &[f64], what: &str) {
    assert_eq!(fast.len(), exact.len(), "{what}");
    for (i, (a, b)) in fast.iter().zip(exact).enumerate() {
        let ok = (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0);
        assert!(ok, "{what}: window {i}: sliding {a} against exact {b}");
    }
}

#[test]
fn sliding_windows_agree_with_each_windows_exact_value() {
    use kairo_core::metrics::{rolling_beta, rolling_sharpe, rolling_volatility};
    let mut cases = vec![
        series(3000, 1, 0.0005, 0.02),
        series(3000, 2, 0.05, 0.0001), // a large mean against a small spread
        series(600, 3, -0.001, 0.03),
    ];
    let mut gaps = series(3000, 4, 0.0003, 0.01);
    gaps[700] = f64::NAN;
    gaps[1500] = f64::INFINITY;
    gaps[2000..2300].iter_mut().for_each(|x| *x = 0.001); // constant windows: zero dispersion
    gaps[2400..2700].iter_mut().for_each(|x| *x = 0.0); // constant zero windows: 0 / 0
    cases.push(gaps);
    // regimes: the spread moves between 0.05 and 0.0005 every 400 periods (the sums must follow it down)
    let calm = series(3000, 5, 0.0002, 0.0005);
    let wild = series(3000, 6, -0.001, 0.05);
    cases.push((0..3000).map(|i| if (i / 400) % 2 == 0 { wild[i] } else { calm[i] }).collect());
    let factor = series(3000, 9, 0.0004, 0.015);
    for (k, r) in cases.iter().enumerate() {
        for window in [2, 21, 32, 63, 252] {
            let exact: Vec<f64> = roll(r, window, |w| sharpe_ratio(w, 0.0001, 252.0)).unwrap();
            agree(&rolling_sharpe(r, window, 0.0001, 252.0).unwrap(), &exact, &format!("sharpe {k}/{window}"));
            let exact: Vec<f64> = roll(r, window, |w| annual_volatility(w, 252.0)).unwrap();
            agree(&rolling_volatility(r, window, 252.0).unwrap(), &exact, &format!("volatility {k}/{window}"));
            let f = &factor[..r.len()];
            let exact: Vec<f64> = roll_pairs(r, f, window, |a, b| beta(a, b).unwrap()).unwrap();
            agree(&rolling_beta(r, f, window).unwrap(), &exact, &format!("beta {k}/{window}"));
        }
    }
}
