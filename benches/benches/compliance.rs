//! The compliance engine: a batch over a million trades (1,000 accounts × 1,000 trades, every rule; a retail
//! workload of four trades a day and a day-trader workload of ten) and a pre-trade check against an account with
//! 10,000 trades of history.
#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kairo_benches::{account_trades, bench_context as context};
use kairo_core::compliance::{check_history_into, check_order, default_rules, AccountContext, Engine};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench_batch(c: &mut Criterion) {
    let rules = default_rules();
    let mut group = c.benchmark_group("compliance");
    group.sample_size(10);
    for (workload, per_day) in [("retail", 4), ("day_trader", 10)] {
        let accounts: Vec<(Vec<kairo_core::Trade>, AccountContext)> =
            (0..1_000u64).map(|a| (account_trades(1_000, per_day, a), context(a))).collect();
        group.bench_function(format!("check_history_1m_trades_1000_accounts_all_rules_{workload}"), |b| {
            let mut out = Vec::with_capacity(16_000);
            b.iter(|| {
                let mut results = 0;
                for (trades, ctx) in &accounts {
                    out.clear();
                    check_history_into(black_box(trades), &rules, ctx, &mut out).ok();
                    results += out.len();
                }
                results
            })
        });
    }
    group.finish();
}

fn bench_pre_trade(c: &mut Criterion) {
    let rules = default_rules();
    let mut history = account_trades(10_001, 10, 1);
    let order = history.pop().unwrap_or_else(|| unreachable!());
    let mut group = c.benchmark_group("compliance");
    for (name, ctx) in [("margin", context(0)), ("cash", context(1))] {
        let mut engine = Engine::new(&rules, ctx.clone()).unwrap_or_else(|e| panic!("{e}"));
        for t in &history {
            engine.push(t).unwrap_or_else(|e| panic!("{e}"));
        }
        group.bench_function(format!("engine_check_order_10k_history_{name}"), |b| {
            b.iter(|| engine.check_order(black_box(&order)))
        });
        group.sample_size(10);
        group.bench_function(format!("stateless_check_order_10k_history_{name}"), |b| {
            b.iter(|| check_order(black_box(&history), black_box(&order), &rules, &ctx))
        });
        group.sample_size(100);
    }
    group.finish();
}

criterion_group!(benches, bench_batch, bench_pre_trade);
criterion_main!(benches);
