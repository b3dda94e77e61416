//! A user with 100,000 trades adds one: the recomputation a service runs (compliance results of the new trade, the
//! tax lots, wash sales, daily time-weighted return and its metrics, money-weighted return) from a kept
//! `AccountTracker`, beside the full replay of the history, median of `--repeats` runs (default 9), same run.
//!
//! `cargo run --release -p kairo-benches --bin recompute_timing -- [--trades 100000] [--repeats 9]`

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kairo_benches::{account_trades, bench_context};
use kairo_core::compliance::{check_history, default_rules};
use kairo_core::lots::{match_lots_with_splits, wash_sales_with_splits, IdenticalSecurities, LotMethod};
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::returns::{money_weighted_return, twr, PriceTable};
use kairo_core::tracker::AccountTracker;

fn arg(name: &str, default: usize) -> usize {
    std::env::args().skip_while(|a| a != name).nth(1).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let (n, repeats) = (arg("--trades", 100_000), arg("--repeats", 9));
    // 40 trades a day: 2,500 trading days (ten years) of 20 symbols; the closes are the trades' prices.
    let mut trades = account_trades(n + 1, 40, 1);
    let new = trades.pop().unwrap_or_else(|| unreachable!());
    let mut prices = PriceTable::new();
    for t in trades.iter().chain(std::iter::once(&new)) {
        let _ = prices.insert(t.symbol.clone(), t.trade_date(), t.price);
    }
    let ctx = bench_context(1);
    let rules = default_rules();
    let options = MetricsOptions::default();
    // Full replay: every figure of the whole history with the new trade.
    let mut all = trades.clone();
    all.push(new.clone());
    let mut full = Vec::new();
    for _ in 0..repeats {
        let start = Instant::now();
        let rows = check_history(&all, &rules, &ctx).map(|r| r.len()).unwrap_or(0);
        let lots = match_lots_with_splits(&all, LotMethod::Fifo, &[]).map(|l| l.closed_lots.len()).unwrap_or(0);
        let wash =
            wash_sales_with_splits(&all, &IdenticalSecurities::default(), &[]).map(|w| w.losses.len()).unwrap_or(0);
        let series = twr(&all, &prices, None).unwrap_or_default();
        let metrics = Metrics::compute(&series.returns, None, &options).map(|m| m.sharpe_ratio).unwrap_or(0.0);
        let mwr = money_weighted_return(&all, &prices).unwrap_or(0.0);
        full.push(start.elapsed().as_secs_f64());
        std::hint::black_box((rows, lots, wash, metrics, mwr));
    }
    // Incremental: a tracker kept after the 100,000 trades (its days valued once) takes the new one.
    let mut inc = Vec::new();
    for _ in 0..repeats {
        let mut tracker = match AccountTracker::new(&rules, ctx.clone(), Vec::new()) {
            Ok(t) => t,
            Err(_) => return,
        };
        for t in &trades {
            let _ = tracker.record(t.clone());
        }
        let _ = tracker.figures(&prices);
        let start = Instant::now();
        let rows = tracker.push(new.clone()).map(|r| r.len()).unwrap_or(0);
        let f = tracker.figures(&prices);
        let series = f.twr.unwrap_or_default();
        let metrics = Metrics::compute(&series.returns, None, &options).map(|m| m.sharpe_ratio).unwrap_or(0.0);
        inc.push(start.elapsed().as_secs_f64());
        std::hint::black_box((
            rows,
            f.lots.closed_lots.len(),
            f.wash_sales.losses.len(),
            metrics,
            f.money_weighted_return.unwrap_or(0.0),
        ));
    }
    let (f, i) = (median(full), median(inc));
    println!("| recomputation of a user with {n} trades who adds one | median ms ({repeats} runs) |");
    println!("|---|---:|");
    println!("| full replay of the history | {:.1} |", f * 1e3);
    println!("| incremental (kept AccountTracker) | {:.1} |", i * 1e3);
    println!("| ratio full / incremental | {:.1}× |", f / i);
}
