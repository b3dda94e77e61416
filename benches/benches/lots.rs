//! Lot matching over a million trades.
#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kairo_benches::trades;
use kairo_core::lots::{match_lots, LotMethod};

fn bench_lots(c: &mut Criterion) {
    let mut group = c.benchmark_group("lots");
    group.sample_size(10);
    let history = trades(1_000_000, 1_000, 7);
    for method in [LotMethod::Fifo, LotMethod::HighestCost, LotMethod::AverageCost] {
        group.bench_function(format!("match_lots_1m_trades_{method}"), |b| {
            b.iter(|| match_lots(black_box(&history), method))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_lots);
criterion_main!(benches);
