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
use crate::store::{NewTrade, NewUserRow, Store, StoreError};

/// Where a bad record is: a CSV line (2 = the first data line) or a table's row (1 = the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A line of a CSV file.
    Line(usize),
    /// A row of a Parquet file.
    Row(usize),
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Line(n) => write!(f, "line {n}"),
            At::Row(n) => write!(f, "row {n}"),
        }
    }
}

/// What is wrong with a record.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The CSV line cannot be read into the columns.
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// A field of the trade, as kairo-core's input path reads it.
    #[error(transparent)]
    Trade(#[from] kairo_core::TradeError),
    /// A close's date.
    #[error("date must be YYYY-MM-DD, got {0:?}")]
    Date(String),
    /// A close that is zero or negative.
    #[error("close must be greater than zero, got {0}")]
    Close(Decimal),
    /// A user id that is not a UUID.
    #[error("user_id must be a UUID, got {0:?}")]
    UserId(String),
    /// A required cell that is empty.
    #[error("{0} is missing")]
    Missing(String),
    /// Another fault of a table's row.
    #[error("{0}")]
    Table(String),
}

/// A bad record and where it is.
#[derive(Debug, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct RecordError {
    /// Where.
    pub at: At,
    /// What.
    pub problem: Problem,
}

/// Why a load stopped; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be opened or read.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The failure.
        source: std::io::Error,
    },
    /// Records are bad: all of them, each with its place.
    #[error("{} bad row(s), nothing imported:\n  {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    BadRecords(Vec<RecordError>),
    /// Activities that cannot be imported: all of them, each with its place, id, field and why.
    #[error("{} record(s) cannot be imported, nothing imported:\n  {}", .0.len(), .0.iter().map(|r| format!("record {} ({}): {}: {}", r.index, r.id.as_deref().unwrap_or("no id"), r.field, r.message)).collect::<Vec<_>>().join("\n  "))]
    BadActivities(Vec<crate::broker_activities::Rejected>),
    /// An import of Alpaca's activities needs the user they are of.
    #[error("Alpaca's activities carry no user: give --user <uuid>")]
    NoUser,
    /// A file that is not a JSON array of activities.
    #[error("not a JSON array of Alpaca account activities: {0}")]
    Json(String),
    /// A Parquet file that cannot be read as a table of trades.
    #[error("{0}")]
    Table(String),
    /// This build has no Parquet reader.
    #[error("this build reads CSV only (build with the `parquet` feature for Parquet)")]
    NoParquet,
    /// A trade of a user the database does not have.
    #[error("no user {0}: create the users first (POST /users)")]
    UnknownUser(Uuid),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn bad(errors: Vec<RecordError>) -> LoadError {
    LoadError::BadRecords(errors)
}

/// A CSV row of `import`: the trade model's columns (`id` and `fees`, `external_id` optional). An empty cell, or a
/// column the file does not have, is an absent field: kairo-core then names it `missing`.
#[derive(Deserialize)]
struct Row {
    user_id: Uuid,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default)]
    side: Option<String>,
    #[serde(default)]
    qty: Option<String>,
    #[serde(default)]
    price: Option<String>,
    #[serde(default)]
    executed_at: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    fees: Option<String>,
}

/// The row through kairo-core's input path (the columns are the trade model's, as text).
fn trade_of(r: &Row, id: String) -> Result<Trade, kairo_core::TradeError> {
    let text = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    TradeInput {
        id: Some(id),
        user_id: Some(r.user_id.to_string()),
        symbol: text(&r.symbol),
        side: text(&r.side),
        qty: text(&r.qty).map(Amount::Text),
        price: text(&r.price).map(Amount::Text),
        executed_at: text(&r.executed_at).map(Timestamp::Text),
        external_id: text(&r.external_id),
        fees: text(&r.fees).map(Amount::Text),
    }
    .into_trade()
}

/// Reads and validates every row; all errors are returned with their line numbers.
pub fn read_trades(input: impl Read) -> Result<BTreeMap<Uuid, Vec<Trade>>, LoadError> {
    let mut reader = csv::Reader::from_reader(input);
    let mut by_user: BTreeMap<Uuid, Vec<Trade>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let line = i + 2;
        let parsed = row.map_err(Problem::from).and_then(|r| {
            let t = trade_of(&r, Uuid::new_v4().to_string())?;
            Ok((r.user_id, t))
        });
        match parsed {
            Ok((user, t)) => by_user.entry(user).or_default().push(t),
            Err(problem) => errors.push(RecordError { at: At::Line(line), problem }),
        }
    }
    if errors.is_empty() {
        Ok(by_user)
    } else {
        Err(bad(errors))
    }
}

/// Imports validated trades, showing progress; returns how many were stored.
pub async fn import(store: &Store, by_user: BTreeMap<Uuid, Vec<Trade>>) -> Result<usize, LoadError> {
    for user in by_user.keys() {
        if store.user(*user).await?.is_none() {
            return Err(LoadError::UnknownUser(*user));
        }
    }
    let total: usize = by_user.values().map(Vec::len).sum();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} trades {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // One transaction for the whole file: a failure leaves nothing behind.
    // (a file's records are not JSON payloads: `raw` stays NULL)
    let by_user: BTreeMap<Uuid, Vec<NewTrade>> =
        by_user.into_iter().map(|(u, ts)| (u, ts.into_iter().map(NewTrade::from).collect())).collect();
    let batches: Vec<(Uuid, &[NewTrade])> = by_user.iter().map(|(u, ts)| (*u, ts.as_slice())).collect();
    let progress = bar.clone();
    let stored = store
        .insert_many_with_progress(&batches, &mut move |n| progress.inc(n as u64))
        .await?
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
pub fn read_prices(input: impl Read) -> Result<Vec<(String, NaiveDate, Decimal)>, LoadError> {
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
        let parsed = row.map_err(Problem::from).and_then(|r| {
            kairo_core::trade::validate_symbol(r.symbol.trim())?;
            let date = r.date.trim().parse::<NaiveDate>().map_err(|_| Problem::Date(r.date.clone()))?;
            let close = kairo_core::trade::parse_decimal("close", &r.close)?;
            if close <= Decimal::ZERO {
                return Err(Problem::Close(close));
            }
            Ok((r.symbol.trim().to_owned(), date, close))
        });
        match parsed {
            Ok(r) => rows.push(r),
            Err(problem) => errors.push(RecordError { at: At::Line(line), problem }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(bad(errors))
    }
}

/// Stores validated closes as imported (source `csv`, fresh from now); returns how many were stored.
pub async fn import_prices(store: &Store, rows: &[(String, NaiveDate, Decimal)]) -> Result<usize, LoadError> {
    store.load_prices(rows, PriceSource::Csv).await?;
    Ok(rows.len())
}

/// Creates a demo user (margin account) with a few months of the bundled generated trades and the bundled
/// generated closes of SPY, AGG and the traded symbols; returns the user's id. The closes are stored with source
/// `synthetic` (responses say so in `market_data`) and the user is named `demo-trader-synthetic-data-<id>`: none
/// of it is market data.
pub async fn demo(store: &Store) -> Result<Uuid, LoadError> {
    let id = Uuid::new_v4();
    let username = format!("demo-trader-synthetic-data-{id}");
    let email = format!("{username}@kairo.invalid");
    let user =
        store.create_user(&NewUserRow { id, email: &email, username: &username, account_type: "margin" }).await?;
    let prices = read_prices(DEMO_PRICES.as_bytes())?;
    store.load_prices(&prices, PriceSource::Synthetic).await?;
    let mut trades = Vec::new();
    for (i, row) in csv::Reader::from_reader(DEMO_TRADES.as_bytes()).deserialize::<DemoTrade>().enumerate() {
        let at = At::Line(i + 2);
        let d = row.map_err(|e| bad(vec![RecordError { at, problem: e.into() }]))?;
        let r = Row {
            user_id: user.id,
            symbol: Some(d.symbol),
            side: Some(d.side),
            qty: Some(d.qty),
            price: Some(d.price),
            executed_at: Some(d.executed_at),
            external_id: None,
            fees: d.fees,
        };
        let t =
            trade_of(&r, Uuid::new_v4().to_string()).map_err(|e| bad(vec![RecordError { at, problem: e.into() }]))?;
        trades.push(NewTrade::from(t));
    }
    store.insert_trades(user.id, &trades).await?;
    Ok(user.id)
}

/// Reads a Parquet file of trades (the trade model's columns, as kairo-core's frame reader takes them: `user_id`
/// a UUID string, `qty`/`price`/`fees` decimal strings, integers or floats, `executed_at` a timestamp or RFC 3339
/// string). The first invalid row stops the read, named by its row number (1 = the first data row).
#[cfg(feature = "parquet")]
pub fn read_parquet(path: &std::path::Path) -> Result<BTreeMap<Uuid, Vec<Trade>>, LoadError> {
    use kairo_core::FrameError;
    use polars::prelude::{ParquetReader, SerReader};
    let file =
        std::fs::File::open(path).map_err(|source| LoadError::File { path: path.display().to_string(), source })?;
    let table = |e: &dyn std::fmt::Display| LoadError::Table(format!("{}: {e}", path.display()));
    let df = ParquetReader::new(file).finish().map_err(|e| table(&e))?;
    let rows = kairo_core::frame::trade_rows(&df).map_err(|e| table(&e))?;
    let mut by_user: BTreeMap<Uuid, Vec<Trade>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (row, t) in rows.into_iter().enumerate() {
        let mut t = match t {
            Ok(t) => t,
            Err(e) => {
                let problem = match e {
                    FrameError::InvalidValue { source, .. } => Problem::Trade(source),
                    FrameError::Null { column, .. } => Problem::Missing(column),
                    other => Problem::Table(other.to_string()),
                };
                errors.push(RecordError { at: At::Row(row + 1), problem });
                continue;
            }
        };
        match t.user_id.parse::<Uuid>() {
            Ok(user) => {
                t.id = Uuid::new_v4().to_string();
                t.user_id = user.to_string();
                by_user.entry(user).or_default().push(t);
            }
            Err(_) => errors.push(RecordError { at: At::Row(row + 1), problem: Problem::UserId(t.user_id) }),
        }
    }
    if errors.is_empty() {
        Ok(by_user)
    } else {
        Err(bad(errors))
    }
}

/// `kairo-server import-activities`: Alpaca's account activities (`.json`, of `user`) or kairo's CSV of activities
/// (`.csv`, with a `user_id` column), every record validated first; nothing is stored when one is bad. Returns a
/// summary per user.
pub async fn import_activities(
    store: &Store,
    path: &std::path::Path,
    user: Option<Uuid>,
    skip_unsupported: bool,
) -> Result<Vec<(Uuid, crate::services::import::ImportSummary)>, LoadError> {
    let file =
        std::fs::File::open(path).map_err(|source| LoadError::File { path: path.display().to_string(), source })?;
    let mut by_user: BTreeMap<Uuid, crate::broker_activities::Imported> = BTreeMap::new();
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        let user = user.ok_or(LoadError::NoUser)?;
        let records: Vec<serde_json::Value> =
            serde_json::from_reader(file).map_err(|e| LoadError::Json(e.to_string()))?;
        let imported = crate::broker_activities::from_alpaca(&user.to_string(), &records, skip_unsupported)
            .map_err(LoadError::BadActivities)?;
        by_user.insert(user, imported);
    } else {
        let activities = crate::broker_activities::from_csv(file).map_err(LoadError::BadActivities)?;
        let mut bad = Vec::new();
        for (index, a) in activities.into_iter().enumerate() {
            match a.user_id().parse::<Uuid>() {
                Ok(u) if user.is_none_or(|want| want == u) => by_user.entry(u).or_default().activities.push(a),
                _ => bad.push(crate::broker_activities::Rejected {
                    index,
                    id: Some(a.id().to_owned()),
                    activity_type: Some(a.kind().name().to_owned()),
                    field: "user_id".into(),
                    kind: "invalid_user".into(),
                    message: format!("user_id must be a UUID (and the --user given), got {:?}", a.user_id()),
                }),
            }
        }
        if !bad.is_empty() {
            return Err(LoadError::BadActivities(bad));
        }
    }
    for u in by_user.keys() {
        if store.user(*u).await?.is_none() {
            return Err(LoadError::UnknownUser(*u));
        }
    }
    let mut out = Vec::new();
    for (u, imported) in by_user {
        out.push((u, crate::services::import::store(store, u, imported).await?));
    }
    Ok(out)
}
