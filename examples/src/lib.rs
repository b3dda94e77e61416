//! Helpers shared by kairo's examples: reading trades and prices from CSV files.

use std::path::Path;

use chrono::NaiveDate;
use kairo_core::returns::PriceTable;
use kairo_core::Trade;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Reads trades from a CSV file with the trade model's columns (`id,user_id,symbol,side,qty,price,executed_at,fees`).
/// Every row is validated; an error names the line.
pub fn read_trades(path: &Path) -> Result<Vec<Trade>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<Trade>().enumerate() {
        out.push(row.map_err(|e| format!("{} line {}: {e}", path.display(), i + 2))?);
    }
    Ok(out)
}

#[derive(Deserialize)]
struct PriceRow {
    symbol: String,
    date: NaiveDate,
    close: Decimal,
}

/// Reads daily closes from a CSV file with the columns `symbol,date,close`.
pub fn read_prices(path: &Path) -> Result<PriceTable, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut table = PriceTable::new();
    for (i, row) in reader.deserialize::<PriceRow>().enumerate() {
        let row = row.map_err(|e| format!("{} line {}: {e}", path.display(), i + 2))?;
        table.insert(row.symbol, row.date, row.close).map_err(|e| format!("{} line {}: {e}", path.display(), i + 2))?;
    }
    Ok(table)
}

/// The directory of the bundled sample data.
pub fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Runs an example's body and exits with status 1 and the message on stderr when it fails.
pub fn exit_on_error(run: impl FnOnce() -> Result<(), String>) {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
