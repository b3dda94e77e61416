//! Analyses a CSV of trades against daily closes: realized and unrealized P&L, the risk metrics of the
//! portfolio's time-weighted return, and the comparison with a benchmark, including the same-dollar shadow.
//!
//! `cargo run -p kairo-examples --example analyze_trades -- [TRADES.csv PRICES.csv BENCHMARK]`
//! Without arguments it uses the bundled synthetic sample (`examples/data`) against a 60/40 blend of SPY and AGG
//! (`SPY:0.6,AGG:0.4`, rebalanced daily).

use std::path::PathBuf;

use kairo_core::compare::{compare, Benchmark, CompareOptions};
use kairo_core::lots::{match_lots, LotMethod};
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::returns::twr;
use kairo_examples::{data_dir, exit_on_error, read_prices, read_trades};

fn main() {
    exit_on_error(run);
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let args = args.get(1..).unwrap_or_default();
    let trades_path = args.first().map(PathBuf::from).unwrap_or_else(|| data_dir().join("trades.csv"));
    let prices_path = args.get(1).map(PathBuf::from).unwrap_or_else(|| data_dir().join("prices.csv"));
    let benchmark: Benchmark =
        args.get(2).map_or("SPY:0.6,AGG:0.4", String::as_str).parse().map_err(|e| format!("{e}"))?;

    let trades = read_trades(&trades_path)?;
    let prices = read_prices(&prices_path)?;
    println!("{} trades from {}", trades.len(), trades_path.display());

    let lots = match_lots(&trades, LotMethod::Fifo).map_err(|e| e.to_string())?;
    println!("\nRealized P&L (FIFO): {}", lots.realized_pnl.round_dp(2));
    for (symbol, pnl) in lots.realized_by_symbol() {
        println!("  {symbol:<6} {:>12}", pnl.round_dp(2));
    }

    let series = twr(&trades, &prices, None).map_err(|e| e.to_string())?;
    let m = Metrics::compute(&series.returns, None, &MetricsOptions::default()).map_err(|e| e.to_string())?;
    println!("\nTime-weighted return over {} days", m.periods);
    println!("  total return       {:>9.2} %", 100.0 * m.cum_returns_final);
    println!("  annual return      {:>9.2} %", 100.0 * m.annual_return);
    println!("  annual volatility  {:>9.2} %", 100.0 * m.annual_volatility);
    println!("  Sharpe ratio       {:>9.3}", m.sharpe_ratio);
    println!("  Sortino ratio      {:>9.3}", m.sortino_ratio);
    println!("  max drawdown       {:>9.2} %", 100.0 * m.max_drawdown);
    println!("  VaR 95 % (1 day)   {:>9.2} %", 100.0 * m.value_at_risk);

    let c = compare(&trades, &prices, &benchmark, &CompareOptions::default()).map_err(|e| e.to_string())?;
    println!("\nAgainst {} over {} common days", c.benchmark, c.dates.len());
    println!(
        "  portfolio total return {:>8.2} %   benchmark {:>8.2} %",
        100.0 * c.portfolio_total_return,
        100.0 * c.benchmark_total_return
    );
    println!(
        "  alpha {:.4}  beta {:.3}  correlation {:.3}  tracking error {:.2} %",
        c.alpha,
        c.beta,
        c.correlation,
        100.0 * c.tracking_error
    );
    println!("  your P&L (realized + unrealized)       {:>12}", c.portfolio_pnl.total.round_dp(2));
    println!("  same dollars in {:<22} {:>12}", c.benchmark, c.shadow.pnl.round_dp(2));
    println!("\n  month      portfolio  benchmark");
    for row in &c.monthly {
        println!("  {}-{:02}   {:>8.2} % {:>8.2} %", row.year, row.month, 100.0 * row.portfolio, 100.0 * row.benchmark);
    }
    Ok(())
}
