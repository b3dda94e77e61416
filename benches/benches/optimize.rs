//! Portfolio optimization over 500 assets × 2,520 days (ten years) of prices: the covariance, minimum volatility
//! and maximum Sharpe (covariance and expected returns included), HRP (from returns) and Ledoit–Wolf. One core.
//! benches/run.sh records the medians in benches/README.md beside PyPortfolioOpt's (benches/optimize_peer.py).
#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kairo_benches::factor_prices;
use kairo_core::optimize::{
    expected_returns, hrp, ledoit_wolf, risk_models, Annualize, EfficientFrontier, Returns, ShrinkageTarget,
};

const DAYS: usize = 2521;
const ASSETS: usize = 500;

fn bench_optimize(c: &mut Criterion) {
    let prices = factor_prices(DAYS, ASSETS, 7);
    let returns = Returns::from_prices(&prices, DAYS, ASSETS).expect("returns");
    let mut group = c.benchmark_group("optimize_500x2520");
    group.sample_size(10);
    group.bench_function("sample_cov", |b| b.iter(|| black_box(risk_models::sample_cov(&returns, 252.0))));
    group.bench_function("min_volatility", |b| {
        b.iter(|| {
            let cov = risk_models::sample_cov(&returns, 252.0).expect("cov");
            black_box(EfficientFrontier::new(None, cov).expect("ef").min_volatility().expect("solved"))
        })
    });
    group.bench_function("max_sharpe", |b| {
        b.iter(|| {
            let mu = expected_returns::mean_historical(&returns, Annualize::Compound, 252.0).expect("mu");
            let cov = risk_models::sample_cov(&returns, 252.0).expect("cov");
            black_box(EfficientFrontier::new(Some(mu), cov).expect("ef").max_sharpe(0.0).expect("solved"))
        })
    });
    group.bench_function("hrp", |b| b.iter(|| black_box(hrp(&returns).expect("hrp"))));
    group.bench_function("ledoit_wolf", |b| {
        b.iter(|| black_box(ledoit_wolf(&returns, ShrinkageTarget::ConstantVariance, 252.0).expect("lw")))
    });
    group.finish();
}

criterion_group!(benches, bench_optimize);
criterion_main!(benches);
