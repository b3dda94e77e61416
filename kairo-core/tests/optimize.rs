//! The optimizer on hand-computed cases (PyPortfolioOpt parity on its own prices is in
//! kairo-py/tests/test_optimize_pypfopt.py).

use kairo_core::optimize::{
    allocate, equal_risk_contribution, hrp_from_covariance, risk_contributions, Covariance, EfficientFrontier, Returns,
    Sector, Shares, MAX_FRONTIER_POINTS,
};
use kairo_core::{ErrorCode, ErrorInfo};
use rust_decimal_macros::dec;

fn diag(v: &[f64]) -> Covariance {
    let n = v.len();
    let mut data = vec![0.0; n * n];
    v.iter().enumerate().for_each(|(i, x)| data[i * n + i] = *x);
    Covariance::new(data, n).unwrap()
}

#[test]
fn min_volatility_of_uncorrelated_assets_is_inverse_variance() {
    // w_i = (1/σ²_i) / Σ (1/σ²_j): 1/0.01, 1/0.04, 1/0.16 = 100, 25, 6.25 → / 131.25
    let p = EfficientFrontier::new(None, diag(&[0.01, 0.04, 0.16])).unwrap().min_volatility().unwrap();
    for (w, want) in p.weights.iter().zip([100.0 / 131.25, 25.0 / 131.25, 6.25 / 131.25]) {
        assert!((w - want).abs() < 1e-8, "{w} vs {want}");
    }
    // its variance is 1 / Σ (1/σ²) = 1 / 131.25
    assert!((p.volatility - (1.0f64 / 131.25).sqrt()).abs() < 1e-9);
}

#[test]
fn max_sharpe_of_uncorrelated_assets_is_proportional_to_excess_return_over_variance() {
    // tangency: w ∝ Σ⁻¹ (μ − r_f) = (0.05/0.01, 0.08/0.04) = (5, 2) → (5/7, 2/7), both within [0, 1]
    let ef = EfficientFrontier::new(Some(vec![0.07, 0.10]), diag(&[0.01, 0.04])).unwrap();
    let p = ef.max_sharpe(0.02).unwrap();
    assert!((p.weights[0] - 5.0 / 7.0).abs() < 1e-8 && (p.weights[1] - 2.0 / 7.0).abs() < 1e-8);
}

#[test]
fn efficient_return_reaches_its_target_and_the_frontier_rises() {
    let ef = EfficientFrontier::new(Some(vec![0.05, 0.10, 0.15]), diag(&[0.01, 0.04, 0.09])).unwrap();
    let p = ef.efficient_return(0.12, false).unwrap();
    assert!(p.expected_return.unwrap() >= 0.12 - 1e-9);
    let pts = ef.frontier(10, 0.0).unwrap();
    assert!(pts
        .windows(2)
        .all(|w| w[1].expected_return > w[0].expected_return && w[1].volatility >= w[0].volatility - 1e-12));
    // the top of the frontier is (almost) all in the best asset
    assert!((pts[9].expected_return - 0.15).abs() < 1e-6);
}

#[test]
fn sector_caps_and_bounds_hold() {
    let ef = EfficientFrontier::new(Some(vec![0.05, 0.10, 0.15]), diag(&[0.01, 0.04, 0.09]))
        .unwrap()
        .sector(Sector { assets: vec![1, 2], lower: None, upper: Some(0.3) })
        .unwrap()
        .bounds(0.05, 0.9)
        .unwrap();
    let p = ef.max_sharpe(0.0).unwrap();
    assert!(p.weights[1] + p.weights[2] <= 0.3 + 1e-9);
    assert!(p.weights.iter().all(|w| (0.05 - 1e-9..=0.9 + 1e-9).contains(w)));
    // infeasible: the caps leave less than the whole budget
    let e = EfficientFrontier::new(Some(vec![0.05, 0.10]), diag(&[0.01, 0.04]))
        .unwrap()
        .bounds(0.0, 0.4)
        .unwrap()
        .min_volatility()
        .unwrap_err();
    assert_eq!((e.code(), e.kind(), ErrorInfo::field(&e)), (ErrorCode::InvalidArgument, "infeasible", Some("bounds")));
}

#[test]
fn equal_risk_contribution_equalises_the_shares_of_variance() {
    // correlated 3 assets; check RC_i = 1/3 from the definition w_i (Σw)_i / wᵀΣw
    let cov = Covariance::new(vec![0.04, 0.01, 0.0, 0.01, 0.09, 0.02, 0.0, 0.02, 0.16], 3).unwrap();
    let w = equal_risk_contribution(&cov).unwrap();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    for rc in risk_contributions(&cov, &w) {
        assert!((rc - 1.0 / 3.0).abs() < 1e-6, "{rc}");
    }
}

#[test]
fn hrp_of_two_assets_is_inverse_variance() {
    // one bisection: α = 1 − V₁ / (V₁ + V₂) = V₂ / (V₁ + V₂) = 0.09 / 0.13
    let w = hrp_from_covariance(&Covariance::new(vec![0.04, 0.012, 0.012, 0.09], 2).unwrap()).unwrap();
    assert!((w[0] - 0.09 / 0.13).abs() < 1e-12 && (w[1] - 0.04 / 0.13).abs() < 1e-12);
}

#[test]
fn allocation_spends_the_leftover_on_the_most_underweight_asset() {
    // first round: 0.6 × 1100 / 333 = 1.98 → 1 (333); 0.4 × 1100 / 50 = 8.8 → 8 (400); left 367
    // second round: AAA is at 333 / 733 = 0.45, 0.15 below its weight → one more (666), left 34; then BBB is
    // below its weight (400 / 1066 = 0.375) but costs 50 > 34, and AAA is above: done
    let a = allocate(&[0.6, 0.4], &[dec!(333), dec!(50)], dec!(1100), Shares::Whole).unwrap();
    assert_eq!(a.shares, vec![dec!(2), dec!(8)]);
    assert_eq!(a.leftover, dec!(34));
    let f = allocate(&[0.6, 0.4], &[dec!(333), dec!(50)], dec!(1000), Shares::Fractional(3)).unwrap();
    assert_eq!(f.shares, vec![dec!(1.801), dec!(8)]);
}

#[test]
fn inputs_are_checked_and_named() {
    let e = Returns::from_prices(&[1.0, f64::NAN, 2.0, 3.0], 2, 2).unwrap_err();
    assert_eq!((e.code(), ErrorInfo::field(&e), e.kind()), (ErrorCode::InvalidInput, Some("prices"), "bad_value"));
    let e = Returns::from_prices(&[1.0, 2.0, 3.0], 2, 2).unwrap_err();
    assert_eq!((ErrorInfo::field(&e), e.kind()), (Some("prices"), "bad_shape"));
    let e = EfficientFrontier::new(Some(vec![0.1]), diag(&[0.01, 0.02])).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("expected_returns"));
    let e = Covariance::new(vec![0.01, 0.02, 0.03, 0.04], 2).unwrap_err();
    assert_eq!((ErrorInfo::field(&e), e.kind()), (Some("cov_matrix"), "bad_value"));
    let ef = EfficientFrontier::new(Some(vec![0.01, 0.02]), diag(&[0.01, 0.02])).unwrap();
    assert_eq!(ErrorInfo::field(&ef.max_sharpe(0.05).unwrap_err()), Some("risk_free_rate"));
    assert_eq!(ErrorInfo::field(&ef.efficient_return(0.5, false).unwrap_err()), Some("target_return"));
    assert_eq!(ErrorInfo::field(&ef.efficient_return(0.01, true).unwrap_err()), Some("market_neutral"));
    assert_eq!(ErrorInfo::field(&ef.frontier(MAX_FRONTIER_POINTS + 1, 0.0).unwrap_err()), Some("points"));
    // amounts that could overflow a Decimal product are refused up front
    let e = allocate(&[1.0], &[dec!(10)], dec!(1e16), Shares::Whole).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("budget"));
    let e = allocate(&[1.0], &[dec!(1e13)], dec!(1000), Shares::Whole).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("prices"));
    let r = Returns::new(vec![0.01, 0.02, -0.01, 0.0], 2, 2).unwrap();
    let e = kairo_core::optimize::risk_models::sample_cov(&r, 1e300).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("frequency"));
}
