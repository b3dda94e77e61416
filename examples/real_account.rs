//! A real account's four years (kairo-core's shared vectors, `kairo-core/tests/vectors/real_account.json`): monthly
//! deposits, a withdrawal, a fee, quarterly dividends, AAPL's, TSLA's and NVDA's splits and a wash sale across
//! TSLA's split, valued on raw closes. Prints the account basis (cash, positions, income, costs, total P&L, GIPS
//! time-weighted and money-weighted returns), the lots through the splits and the wash sale.
//!
//! `cargo run -p kairo-examples --example real_account -- [VECTORS.json]`

use std::path::PathBuf;

use kairo_core::account::{account_summary, AccountOptions};
use kairo_core::activity::{read_all, ActivityInput};
use kairo_core::input::TradeInput;
use kairo_core::lots::{match_lots_with_activities, wash_sales_with_activities, IdenticalSecurities, LotMethod};
use kairo_core::returns::PriceTable;
use kairo_core::Trade;
use kairo_examples::exit_on_error;
use serde_json::Value;

fn main() {
    exit_on_error(run);
}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    v[key].as_str().ok_or_else(|| format!("{key} is not text in {v}"))
}

fn run() -> Result<(), String> {
    let path = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../kairo-core/tests/vectors/real_account.json")
    });
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?)
            .map_err(|e| e.to_string())?;
    let trades: Vec<Trade> = serde_json::from_value::<Vec<TradeInput>>(v["trades"].clone())
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|t| t.into_trade().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let inputs: Vec<ActivityInput> = serde_json::from_value(v["activities"].clone()).map_err(|e| e.to_string())?;
    let activities = read_all(inputs).map_err(|e| e.to_string())?;
    let mut prices = PriceTable::new();
    for c in v["prices"]["closes"].as_array().into_iter().flatten() {
        let close = text(c, "close")?.parse().map_err(|e| format!("{e}"))?;
        let date = text(c, "date")?.parse().map_err(|e| format!("{e}"))?;
        prices.insert(text(c, "symbol")?, date, close).map_err(|e| e.to_string())?;
    }
    println!("{} trades and {} activities from {}", trades.len(), activities.len(), path.display());

    // The account basis: the splits come with the activities (each applied once).
    let s = account_summary(&trades, &activities, &prices, &AccountOptions::default())
        .map_err(|e| e.to_string())?
        .ok_or("nothing to value")?;
    println!("\nAccount from {} to {}", s.start, s.end);
    println!("  deposits        {:>12}", s.deposits);
    println!("  withdrawals     {:>12}", s.withdrawals);
    println!("  dividends       {:>12}", s.dividends);
    println!("  fees            {:>12}", s.fees);
    println!("  ending cash     {:>12}", s.ending_cash);
    println!("  positions       {:>12}", s.ending_positions_value);
    println!("  ending value    {:>12}", s.ending_value);
    println!(
        "  total P&L       {:>12} = price P&L {} + income {} − fees {}",
        s.total_pnl, s.price_pnl, s.income, s.fees
    );
    println!(
        "  TWR (GIPS)      {:>12.4} %   annualized {:.4} %",
        s.time_weighted_return * 100.0,
        s.annualized_return.unwrap_or(f64::NAN) * 100.0
    );
    println!("  XIRR            {:>12.4} %", s.money_weighted_return.unwrap_or(f64::NAN) * 100.0);

    let lots = match_lots_with_activities(&trades, LotMethod::Fifo, &activities, &[]).map_err(|e| e.to_string())?;
    println!("\nOpen lots (FIFO, through the splits); realized {}", lots.realized_pnl);
    for l in &lots.open_lots {
        println!("  {:<5} {:>5} shares, basis {:>9}, since {}", l.symbol, l.qty, l.basis, l.open_date);
    }
    let wash = wash_sales_with_activities(&trades, &IdenticalSecurities::default(), &activities, &[])
        .map_err(|e| e.to_string())?;
    for m in &wash.matches {
        println!(
            "\nWash sale: {} of the loss of {} moved into {} ({} shares after the split)",
            m.disallowed_loss, m.loss_trade_id, m.replacement_trade_id, m.qty
        );
    }
    Ok(())
}
