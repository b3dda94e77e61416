//! Bulk loading: `kairo-server import` (CSV of trades, every row validated first; any bad row aborts the import
//! with its line number, so nothing partial is stored), `kairo-server import-prices` (CSV of daily closes, the
//! same way) and `kairo-server demo` (a demo user with the bundled generated trades and prices, labelled
//! synthetic).

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use kairo_core::input::{Amount, Timestamp, TradeInput};
use kairo_core::Trade;
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::store::market::PriceSource;
use crate::store::Store;

/// A CSV row of `import`: the trade model's columns (`id` and `fees`, `external_id` optional).
#[derive(Deserialize)]
struct Row {
    user_id: Uuid,
    symbol: String,
    side: String,
    qty: String,
    price: String,
    executed_at: String,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    fees: Option<String>,
}

/// The row through kairo-core's input path (the columns are the trade model's, as text).
fn trade_of(r: &Row, id: String) -> Result<Trade, String> {
    let text = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    TradeInput {
        id: Some(id),
        user_id: Some(r.user_id.to_string()),
        symbol: Some(r.symbol.clone()),
        side: Some(r.side.clone()),
        qty: Some(Amount::Text(r.qty.clone())),
        price: Some(Amount::Text(r.price.clone())),
        executed_at: Some(Timestamp::Text(r.executed_at.clone())),
        external_id: text(&r.external_id),
        fees: text(&r.fees).map(Amount::Text),
    }
    .into_trade()
    .map_err(|e| e.to_string())
}

/// Reads and validates every row; all errors are returned with their line numbers.
pub fn read_trades(input: impl Read) -> Result<BTreeMap<Uuid, Vec<Trade>>, Vec<String>> {
    let mut reader = csv::Reader::from_reader(input);
    let mut by_user: BTreeMap<Uuid, Vec<Trade>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let line = i + 2;
        match row
            .map_err(|e| e.to_string())
            .and_then(|r| trade_of(&r, Uuid::new_v4().to_string()).map(|t| (r.user_id, t)))
        {
            Ok((user, t)) => by_user.entry(user).or_default().push(t),
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(by_user)
    } else {
        Err(errors)
    }
}

/// Imports validated trades, showing progress; returns how many were stored.
pub async fn import(store: &Store, by_user: BTreeMap<Uuid, Vec<Trade>>) -> Result<usize, String> {
    for user in by_user.keys() {
        if store.user(*user).await.map_err(|e| e.to_string())?.is_none() {
            return Err(format!("no user {user}: create the users first (POST /users)"));
        }
    }
    let total: usize = by_user.values().map(Vec::len).sum();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} trades {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // One transaction for the whole file: a failure leaves nothing behind.
    let batches: Vec<(Uuid, &[Trade])> = by_user.iter().map(|(u, ts)| (*u, ts.as_slice())).collect();
    let progress = bar.clone();
    let stored = store
        .insert_many_with_progress(&batches, &mut move |n| progress.inc(n as u64))
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|s| s.created)
        .count();
    bar.finish();
    Ok(stored)
}

const DEMO_TRADES: &str = include_str!("../../examples/data/trades.csv");
const DEMO_PRICES: &str = include_str!("../../examples/data/prices.csv");

#[derive(Deserialize)]
struct DemoTrade {
    symbol: String,
    side: String,
    qty: String,
    price: String,
    executed_at: String,
    fees: Option<String>,
}

/// Reads and validates a CSV of daily closes (`symbol,date,close`: a valid symbol, `YYYY-MM-DD`, a positive
/// decimal); every error is returned with its line number.
pub fn read_prices(input: impl Read) -> Result<Vec<(String, NaiveDate, Decimal)>, Vec<String>> {
    #[derive(Deserialize)]
    struct Raw {
        symbol: String,
        date: String,
        close: String,
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in csv::Reader::from_reader(input).deserialize::<Raw>().enumerate() {
        let line = i + 2;
        let parsed = row.map_err(|e| e.to_string()).and_then(|r| {
            kairo_core::trade::validate_symbol(r.symbol.trim()).map_err(|e| e.to_string())?;
            let date =
                r.date.trim().parse::<NaiveDate>().map_err(|_| format!("date must be YYYY-MM-DD, got {:?}", r.date))?;
            let close = kairo_core::trade::parse_decimal("close", &r.close).map_err(|e| e.to_string())?;
            if close <= Decimal::ZERO {
                return Err(format!("close must be greater than zero, got {close}"));
            }
            Ok((r.symbol.trim().to_owned(), date, close))
        });
        match parsed {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Stores validated closes as imported (source `csv`, fresh from now); returns how many were stored.
pub async fn import_prices(store: &Store, rows: &[(String, NaiveDate, Decimal)]) -> Result<usize, String> {
    store.load_prices(rows, PriceSource::Csv).await.map_err(|e| e.to_string())?;
    Ok(rows.len())
}

/// Creates a demo user (margin account) with a few months of the bundled generated trades and the bundled
/// generated closes of SPY, AGG and the traded symbols; returns the user's id. The closes are stored with source
/// `synthetic` (responses say so in `market_data`) and the user is named "Demo Trader (synthetic data)": none of
/// it is market data.
pub async fn demo(store: &Store) -> Result<Uuid, String> {
    let user =
        store.create_user(None, Some("Demo Trader (synthetic data)"), "margin").await.map_err(|e| e.to_string())?;
    let prices = read_prices(DEMO_PRICES.as_bytes()).map_err(|e| e.join("; "))?;
    store.load_prices(&prices, PriceSource::Synthetic).await.map_err(|e| e.to_string())?;
    let mut trades = Vec::new();
    for row in csv::Reader::from_reader(DEMO_TRADES.as_bytes()).deserialize::<DemoTrade>() {
        let d = row.map_err(|e| e.to_string())?;
        let r = Row {
            user_id: user.id,
            symbol: d.symbol,
            side: d.side,
            qty: d.qty,
            price: d.price,
            executed_at: d.executed_at,
            external_id: None,
            fees: d.fees,
        };
        trades.push(trade_of(&r, Uuid::new_v4().to_string())?);
    }
    store.insert_trades(user.id, &trades).await.map_err(|e| e.to_string())?;
    Ok(user.id)
}

/// Reads a Parquet file of trades (the trade model's columns, as kairo-core's frame reader takes them: `user_id`
/// a UUID string, `qty`/`price`/`fees` decimal strings, integers or floats, `executed_at` a timestamp or RFC 3339
/// string). The first invalid row stops the read, named by its row number (1 = the first data row).
#[cfg(feature = "parquet")]
pub fn read_parquet(path: &std::path::Path) -> Result<BTreeMap<Uuid, Vec<Trade>>, Vec<String>> {
    use kairo_core::FrameError;
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    let df = ParquetReader::new(file).finish().map_err(|e| vec![format!("{}: {e}", path.display())])?;
    let rows = kairo_core::frame::trade_rows(&df).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    let mut by_user: BTreeMap<Uuid, Vec<Trade>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (row, t) in rows.into_iter().enumerate() {
        let mut t = match t {
            Ok(t) => t,
            Err(e) => {
                let what = match e {
                    FrameError::InvalidValue { source, .. } => source.to_string(),
                    FrameError::Null { column, .. } => format!("{column} is missing"),
                    other => other.to_string(),
                };
                errors.push(format!("row {}: {what}", row + 1));
                continue;
            }
        };
        match t.user_id.parse::<Uuid>() {
            Ok(user) => {
                t.id = Uuid::new_v4().to_string();
                t.user_id = user.to_string();
                by_user.entry(user).or_default().push(t);
            }
            Err(_) => errors.push(format!("row {}: user_id must be a UUID, got {:?}", row + 1, t.user_id)),
        }
    }
    if errors.is_empty() {
        Ok(by_user)
    } else {
        Err(errors)
    }
}
