//! Batch compliance timing per rule: 1,000 accounts × 1,000 trades through each built-in rule alone, then all of
//! them together, median of `--repeats` runs (default 5), and the results by status.
//!
//! `cargo run --release -p kairo-benches --bin compliance_timing -- [--per-day 4] [--repeats 5] [--only RULE|all]
//! [--accounts 1000]`:
//! `--per-day 4` is an active retail account (a year of trading), `--per-day 10` a day trader.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kairo_benches::account_trades;
use kairo_core::compliance::{check_history_into, default_rules, rules, AccountContext, RuleSet};

use kairo_benches::bench_context as context;

fn median_seconds(
    rules: &RuleSet,
    accounts: &[(Vec<kairo_core::Trade>, AccountContext)],
    repeats: usize,
) -> (f64, usize) {
    let mut times = Vec::with_capacity(repeats);
    let mut results = 0;
    let mut out = Vec::with_capacity(16_000);
    for _ in 0..repeats {
        results = 0;
        let start = Instant::now();
        for (trades, ctx) in accounts {
            out.clear();
            if check_history_into(trades, rules, ctx, &mut out).is_err() {
                return (f64::NAN, 0);
            }
            results += out.len();
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], results)
}

fn main() {
    let repeats = std::env::args().skip_while(|a| a != "--repeats").nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    let per_day = std::env::args().skip_while(|a| a != "--per-day").nth(1).and_then(|r| r.parse().ok()).unwrap_or(4);
    let n_accounts =
        std::env::args().skip_while(|a| a != "--accounts").nth(1).and_then(|r| r.parse().ok()).unwrap_or(1_000);
    let accounts: Vec<_> = (0..n_accounts).map(|a| (account_trades(1_000, per_day, a), context(a))).collect();
    if let Some(name) = only {
        let set = if name == "all" { default_rules() } else { rules::by_names(&[name.as_str()]).unwrap_or_default() };
        let (t, n) = median_seconds(&set, &accounts, repeats);
        println!("| {name} | {n} | {t:.3} | {:.0} |", t * 1e3);
        return;
    }
    println!("| rules | results | median s (1M trades) | ns / trade |");
    println!("|---|---:|---:|---:|");
    let empty = RuleSet::new();
    let (t, n) = median_seconds(&empty, &accounts, repeats);
    println!("| (engine only) | {n} | {t:.3} | {:.0} |", t * 1e3);
    for name in rules::NAMES {
        let set = rules::by_names(&[name]).unwrap_or_default();
        let (t, n) = median_seconds(&set, &accounts, repeats);
        println!("| {name} | {n} | {t:.3} | {:.0} |", t * 1e3);
    }
    let (t, n) = median_seconds(&default_rules(), &accounts, repeats);
    println!("| **all 13** | {n} | {t:.3} | {:.0} |", t * 1e3);
    // What the workload looks like: results by check and status.
    let mut counts = std::collections::BTreeMap::<(&str, &str), usize>::new();
    let mut out = Vec::new();
    for (trades, ctx) in &accounts {
        out.clear();
        if check_history_into(trades, &default_rules(), ctx, &mut out).is_ok() {
            for r in &out {
                *counts.entry((r.check_name, r.status.as_str())).or_default() += 1;
            }
        }
    }
    println!();
    println!("| check | pass | flag | fail |");
    println!("|---|---:|---:|---:|");
    for name in rules::NAMES {
        let get = |s| counts.get(&(name, s)).copied().unwrap_or(0);
        println!("| {name} | {} | {} | {} |", get("pass"), get("flag"), get("fail"));
    }
}
