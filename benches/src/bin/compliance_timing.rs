//! Batch compliance timing per rule: 1,000 accounts × 1,000 trades through each built-in rule alone, then all of
//! them together, median of `--repeats` runs (default 5). `cargo run --release -p kairo-benches --bin
//! compliance_timing`.

use std::time::Instant;

use kairo_benches::account_trades;
use kairo_core::compliance::{check_history_into, default_rules, rules, AccountContext, RuleSet};

fn context(account: u64) -> AccountContext {
    let kind = if account % 2 == 0 { r#""margin""# } else { r#""cash", "settled_cash": "60000""# };
    let json = format!(
        r#"{{"account_type": {kind}, "equity": "60000",
            "limits": {{"max_notional": {{"max": "25000"}}, "concentration": {{"max_percent": "30", "action": "flag"}}}}}}"#
    );
    serde_json::from_str(&json).unwrap_or_default()
}

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
    let accounts: Vec<_> = (0..1_000u64).map(|a| (account_trades(1_000, a), context(a))).collect();
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
}
