//! Runs every compliance check over a CSV of trades with a configuration file, prints the results by check and
//! status with the reasons of the first flags and failures, the day-trade and wash-sale records, and one pre-trade
//! check against a live engine.
//!
//! `cargo run -p kairo-examples --example check_compliance -- [TRADES.csv CONFIG.toml]`
//! Without arguments it uses the bundled sample (`examples/data/trades.csv`) and `examples/compliance.toml`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::Duration;
use kairo_core::compliance::{check_history, day_trades, ComplianceConfig, DayTradeCounting, Engine, Status};
use kairo_core::lots::wash_sales;
use kairo_core::{Side, Trade};
use kairo_examples::{data_dir, exit_on_error, read_trades};

fn main() {
    exit_on_error(run);
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let args = args.get(1..).unwrap_or_default();
    let trades_path = args.first().map(PathBuf::from).unwrap_or_else(|| data_dir().join("trades.csv"));
    let config_path = args.get(1).map(PathBuf::from).unwrap_or_else(|| data_dir().join("../compliance.toml"));
    let trades = read_trades(&trades_path)?;
    let text = std::fs::read_to_string(&config_path).map_err(|e| format!("{}: {e}", config_path.display()))?;
    let config: ComplianceConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", config_path.display()))?;
    let rules = config.rule_set().map_err(|e| e.to_string())?;
    println!("{} trades from {}, checks from {}", trades.len(), trades_path.display(), config_path.display());

    let mut by_user: BTreeMap<&str, Vec<Trade>> = BTreeMap::new();
    for t in &trades {
        by_user.entry(t.user_id.as_str()).or_default().push(t.clone());
    }
    // Reference prices are today's market prices: they are for pre-trade checks, not for a batch over history,
    // where the price band falls back to each day's earlier fills.
    let mut history_ctx = config.account.clone();
    history_ctx.reference_prices.clear();
    for (user, history) in &by_user {
        let results = check_history(history, &rules, &history_ctx).map_err(|e| e.to_string())?;
        println!("\n{user}: {} results", results.len());
        let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for r in &results {
            *counts.entry((r.check_name, r.status.as_str())).or_default() += 1;
        }
        for name in rules.names() {
            let get = |s| counts.get(&(name, s)).copied().unwrap_or(0);
            println!("  {name:<24} pass {:>4}  flag {:>4}  fail {:>4}", get("pass"), get("flag"), get("fail"));
        }
        println!("  first flags and failures:");
        for r in results.iter().filter(|r| r.status != Status::Pass).take(5) {
            println!("    {} {} {}: {}", r.trade_id, r.check_name, r.status.as_str(), r.reason());
        }

        let dts = day_trades(history, DayTradeCounting::Transitions).map_err(|e| e.to_string())?;
        let wash = wash_sales(history).map_err(|e| e.to_string())?;
        println!(
            "  {} day trades; {} losses, {} disallowed by wash sales ({} replacement matches)",
            dts.len(),
            wash.losses.iter().map(|l| l.loss).sum::<rust_decimal::Decimal>().round_dp(2),
            wash.disallowed_loss().round_dp(2),
            wash.matches.len()
        );

        // A live engine answers a pre-trade check in microseconds: a buy of the last symbol traded, at twice its
        // last price, the next day.
        let mut engine = Engine::new(&rules, config.account.clone()).map_err(|e| e.to_string())?;
        let mut sorted = history.clone();
        kairo_core::trade::sort_chronologically(&mut sorted);
        for t in &sorted {
            engine.record(t).map_err(|e| e.to_string())?;
        }
        if let Some(last) = sorted.last() {
            let order = Trade::new(
                "proposed",
                *user,
                last.symbol.clone(),
                Side::Buy,
                rust_decimal::Decimal::ONE,
                last.price * rust_decimal::Decimal::TWO,
                last.executed_at + Duration::days(1),
            )
            .map_err(|e| e.to_string())?;
            let decision = engine.check_order(&order).map_err(|e| e.to_string())?;
            println!("  pre-trade: buy 1 {} at {}: allowed = {}", order.symbol, order.price, decision.allowed);
            for r in decision.results.iter().filter(|r| r.status != Status::Pass) {
                println!("    {} {}: {}", r.check_name, r.status.as_str(), r.reason());
            }
        }
    }
    Ok(())
}
