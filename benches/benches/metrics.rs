//! Metrics over long daily return series: every metric at once, and each heavy metric alone.
#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use kairo_benches::daily_returns;
use kairo_core::metrics::{self, Metrics, MetricsOptions};

fn bench_metrics(c: &mut Criterion) {
    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    for &n in &[1_000_000usize, 10_000_000] {
        let r = daily_returns(n, 1);
        let f = daily_returns(n, 2);
        let options = MetricsOptions::default();
        group.bench_with_input(BenchmarkId::new("compute_all", n), &n, |b, _| {
            b.iter(|| Metrics::compute(black_box(&r), None, &options))
        });
        group.bench_with_input(BenchmarkId::new("compute_all_with_benchmark", n), &n, |b, _| {
            b.iter(|| Metrics::compute(black_box(&r), Some(&f), &options))
        });
        group.bench_with_input(BenchmarkId::new("sharpe_ratio", n), &n, |b, _| {
            b.iter(|| metrics::sharpe_ratio(black_box(&r), 0.0, 252.0))
        });
        group.bench_with_input(BenchmarkId::new("sortino_ratio", n), &n, |b, _| {
            b.iter(|| metrics::sortino_ratio(black_box(&r), 0.0, 252.0))
        });
        group.bench_with_input(BenchmarkId::new("max_drawdown", n), &n, |b, _| {
            b.iter(|| metrics::max_drawdown(black_box(&r)))
        });
        group.bench_with_input(BenchmarkId::new("annual_volatility", n), &n, |b, _| {
            b.iter(|| metrics::annual_volatility(black_box(&r), 252.0))
        });
        group.bench_with_input(BenchmarkId::new("alpha_beta", n), &n, |b, _| {
            b.iter(|| metrics::alpha_beta(black_box(&r), &f, 0.0, 252.0))
        });
        group.bench_with_input(BenchmarkId::new("value_at_risk", n), &n, |b, _| {
            b.iter(|| metrics::value_at_risk(black_box(&r), 0.05))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_metrics);
criterion_main!(benches);
