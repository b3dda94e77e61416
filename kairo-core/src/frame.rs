//! Batch analytics on polars DataFrames (feature `polars`).
//!
//! A trades frame has the columns of the trade model: `user_id`, `symbol`, `side` (`BUY`/`SELL`), `qty`, `price`,
//! `executed_at`, and optionally `id`, `fees`, `external_id`. Quantities and prices may be floats, integers or
//! decimal strings; `executed_at` a datetime (any unit, any time zone) or an RFC 3339 string. A prices frame has
//! `symbol`, `date` (a date or `YYYY-MM-DD` string) and `close`.
//!
//! The frame is read column-wise, rows are grouped by user through an index, and each user's trades are built
//! and analysed one user at a time: memory beyond the input frame is bounded by the largest user's history, so
//! a 10-million-row frame is processed without building 10 million [`Trade`]s at once. Money comes back as exact
//! decimal strings (a polars float would round it); statistics as `f64`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::*;
use rust_decimal::Decimal;

use crate::error::{FrameError, TradeError};
use crate::lots::{match_lots, LotMethod};
use crate::metrics::{Metrics, MetricsOptions};
use crate::returns::{twr, PriceTable};
use crate::trade::{decimal_from_f64, parse_decimal, Side, Trade};

/// Column-wise view of a trades frame.
struct TradeColumns<'a> {
    ids: Option<Vec<Option<&'a str>>>,
    users: Vec<&'a str>,
    symbols: Vec<&'a str>,
    sides: Vec<Side>,
    qty: Vec<Decimal>,
    price: Vec<Decimal>,
    executed_at: Vec<DateTime<Utc>>,
    fees: Option<Vec<Decimal>>,
    external_ids: Option<Vec<Option<&'a str>>>,
}

fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column, FrameError> {
    df.column(name).map_err(|_| FrameError::MissingColumn { column: name.to_owned() })
}

fn polars_error(e: PolarsError) -> FrameError {
    FrameError::Polars(e.to_string())
}

/// The values of a text column, borrowed from the frame (no copy).
fn strings<'a>(df: &'a DataFrame, name: &str, required: bool) -> Result<Vec<Option<&'a str>>, FrameError> {
    let c = column(df, name)?;
    let ca = c.str().map_err(|_| FrameError::WrongType { column: name.to_owned(), dtype: c.dtype().to_string() })?;
    let mut out = Vec::with_capacity(ca.len());
    for (row, v) in ca.iter().enumerate() {
        if required && v.is_none() {
            return Err(FrameError::Null { column: name.to_owned(), row });
        }
        out.push(v);
    }
    Ok(out)
}

fn required_strings<'a>(df: &'a DataFrame, name: &str) -> Result<Vec<&'a str>, FrameError> {
    Ok(strings(df, name, true)?.into_iter().map(Option::unwrap_or_default).collect())
}

fn decimals(df: &DataFrame, name: &'static str) -> Result<Vec<Decimal>, FrameError> {
    let c = column(df, name)?;
    let invalid = |row, source| FrameError::InvalidValue { row, source };
    let null = |row| FrameError::Null { column: name.to_owned(), row };
    let mut out = Vec::with_capacity(c.len());
    match c.dtype() {
        DataType::String => {
            for (row, v) in c.str().map_err(polars_error)?.iter().enumerate() {
                out.push(parse_decimal(name, v.ok_or_else(|| null(row))?).map_err(|e| invalid(row, e))?);
            }
        }
        dt if dt.is_float() => {
            let cast = c.cast(&DataType::Float64).map_err(polars_error)?;
            for (row, v) in cast.f64().map_err(polars_error)?.iter().enumerate() {
                out.push(decimal_from_f64(name, v.ok_or_else(|| null(row))?).map_err(|e| invalid(row, e))?);
            }
        }
        dt if dt.is_integer() => {
            let cast = c.cast(&DataType::Int64).map_err(polars_error)?;
            for (row, v) in cast.i64().map_err(polars_error)?.iter().enumerate() {
                out.push(Decimal::from(v.ok_or_else(|| null(row))?));
            }
        }
        dt => return Err(FrameError::WrongType { column: name.to_owned(), dtype: dt.to_string() }),
    }
    Ok(out)
}

fn timestamps(df: &DataFrame, name: &str) -> Result<Vec<DateTime<Utc>>, FrameError> {
    let c = column(df, name)?;
    let null = |row| FrameError::Null { column: name.to_owned(), row };
    let mut out = Vec::with_capacity(c.len());
    match c.dtype() {
        DataType::Datetime(unit, _) => {
            let unit = *unit;
            let ca = c.datetime().map_err(polars_error)?;
            for (row, v) in ca.physical().iter().enumerate() {
                let v = v.ok_or_else(|| null(row))?;
                let t = match unit {
                    TimeUnit::Nanoseconds => Some(DateTime::from_timestamp_nanos(v)),
                    TimeUnit::Microseconds => DateTime::from_timestamp_micros(v),
                    TimeUnit::Milliseconds => DateTime::from_timestamp_millis(v),
                };
                out.push(t.ok_or_else(|| FrameError::InvalidValue {
                    row,
                    source: TradeError::InvalidTimestamp { value: v.to_string() },
                })?);
            }
        }
        DataType::String => {
            for (row, v) in c.str().map_err(polars_error)?.iter().enumerate() {
                let v = v.ok_or_else(|| null(row))?;
                // the input policy of every surface (crate::input): RFC 3339, or no offset read as UTC
                out.push(crate::input::parse_timestamp(v).map_err(|source| FrameError::InvalidValue { row, source })?);
            }
        }
        dt => return Err(FrameError::WrongType { column: name.to_owned(), dtype: dt.to_string() }),
    }
    Ok(out)
}

impl<'a> TradeColumns<'a> {
    fn read(df: &'a DataFrame) -> Result<Self, FrameError> {
        let has = |name: &str| df.column(name).is_ok();
        let sides = required_strings(df, "side")?
            .iter()
            .enumerate()
            .map(|(row, s)| s.parse::<Side>().map_err(|source| FrameError::InvalidValue { row, source }))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TradeColumns {
            ids: if has("id") { Some(strings(df, "id", false)?) } else { None },
            users: required_strings(df, "user_id")?,
            symbols: required_strings(df, "symbol")?,
            sides,
            qty: decimals(df, "qty")?,
            price: decimals(df, "price")?,
            executed_at: timestamps(df, "executed_at")?,
            fees: if has("fees") { Some(decimals(df, "fees")?) } else { None },
            external_ids: if has("external_id") { Some(strings(df, "external_id", false)?) } else { None },
        })
    }

    /// Row indices by user, users in order of first appearance.
    fn rows_by_user(&self) -> Vec<(&'a str, Vec<usize>)> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut groups: Vec<(&'a str, Vec<usize>)> = Vec::new();
        for (row, &user) in self.users.iter().enumerate() {
            let g = *index.entry(user).or_insert_with(|| {
                groups.push((user, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(row);
        }
        groups
    }

    fn trade(&self, row: usize) -> Result<Trade, FrameError> {
        let id = match self.ids.as_ref().and_then(|ids| ids[row]) {
            Some(id) => id.to_owned(),
            None => format!("row-{row}"),
        };
        // The columns are read by the input policy's own rules (crate::input: amounts as `Amount::decimal` reads
        // them, text timestamps by `parse_timestamp`, symbols in any letter case), column by column rather than
        // through a `TradeInput` per row, which would copy every cell into a string first.
        let mut symbol = self.symbols[row].to_owned();
        symbol.make_ascii_uppercase();
        let trade = Trade {
            id,
            user_id: self.users[row].to_owned(),
            symbol,
            side: self.sides[row],
            qty: self.qty[row],
            price: self.price[row],
            executed_at: self.executed_at[row],
            external_id: self.external_ids.as_ref().and_then(|e| e[row]).map(str::to_owned),
            fees: self.fees.as_ref().map_or(Decimal::ZERO, |f| f[row]),
        };
        trade.validate().map_err(|source| FrameError::InvalidValue { row, source })?;
        Ok(trade)
    }

    fn user_trades(&self, rows: &[usize]) -> Result<Vec<Trade>, FrameError> {
        rows.iter().map(|&row| self.trade(row)).collect()
    }
}

/// Reads every row of a trades frame into [`Trade`]s, validating each (errors name the row); stops at the first
/// bad row.
pub fn trades_from_frame(df: &DataFrame) -> Result<Vec<Trade>, FrameError> {
    let cols = TradeColumns::read(df)?;
    (0..df.height()).map(|row| cols.trade(row)).collect()
}

/// Every row of a trades frame, each read and validated on its own, so that a loader can report all the bad rows
/// at once. The outer error is a problem of the frame itself (a missing column, a column of the wrong type).
pub fn trade_rows(df: &DataFrame) -> Result<Vec<Result<Trade, FrameError>>, FrameError> {
    let cols = TradeColumns::read(df)?;
    Ok((0..df.height()).map(|row| cols.trade(row)).collect())
}

/// Reads a prices frame (`symbol`, `date`, `close`).
pub fn prices_from_frame(df: &DataFrame) -> Result<PriceTable, FrameError> {
    let symbols = required_strings(df, "symbol")?;
    let closes = decimals(df, "close")?;
    let c = column(df, "date")?;
    let mut dates: Vec<NaiveDate> = Vec::with_capacity(c.len());
    match c.dtype() {
        DataType::Date => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            for (row, v) in c.date().map_err(polars_error)?.physical().iter().enumerate() {
                let days = v.ok_or(FrameError::Null { column: "date".into(), row })?;
                dates.push(epoch + chrono::Duration::days(days as i64));
            }
        }
        DataType::String => {
            for (row, v) in c.str().map_err(polars_error)?.iter().enumerate() {
                let v = v.ok_or(FrameError::Null { column: "date".into(), row })?;
                dates.push(v.parse().map_err(|_| FrameError::InvalidDate { row, value: v.to_owned() })?);
            }
        }
        dt => return Err(FrameError::WrongType { column: "date".into(), dtype: dt.to_string() }),
    }
    let mut table = PriceTable::new();
    for ((&symbol, date), close) in symbols.iter().zip(dates).zip(closes) {
        table.insert(symbol, date, close).map_err(FrameError::Returns)?;
    }
    Ok(table)
}

fn text_column(name: &str, values: Vec<String>) -> Column {
    Column::new(name.into(), values)
}

fn frame(columns: Vec<Column>) -> Result<DataFrame, FrameError> {
    DataFrame::new_infer_height(columns).map_err(polars_error)
}

/// Realized P&L per user: columns `user_id`, `realized_pnl` (decimal text), `closed_lots` (u64).
pub fn realized_pnl_by_user(trades: &DataFrame, method: LotMethod) -> Result<DataFrame, FrameError> {
    let cols = TradeColumns::read(trades)?;
    let (mut users, mut pnl, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    for (user, rows) in cols.rows_by_user() {
        let report = match_lots(&cols.user_trades(&rows)?, method).map_err(FrameError::Lots)?;
        users.push(user.to_owned());
        pnl.push(report.realized_pnl.normalize().to_string());
        counts.push(report.closed_lots.len() as u64);
    }
    frame(vec![
        text_column("user_id", users),
        text_column("realized_pnl", pnl),
        Column::new("closed_lots".into(), counts),
    ])
}

/// Open positions per user and symbol: `user_id`, `symbol`, `qty` (signed), `basis`, `average_cost` (decimal text).
pub fn positions_by_user(trades: &DataFrame, method: LotMethod) -> Result<DataFrame, FrameError> {
    let cols = TradeColumns::read(trades)?;
    let (mut users, mut symbols, mut qty, mut basis, mut avg) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (_, rows) in cols.rows_by_user() {
        let report = match_lots(&cols.user_trades(&rows)?, method).map_err(FrameError::Lots)?;
        for p in report.positions() {
            users.push(p.user_id.to_string());
            symbols.push(p.symbol.to_string());
            qty.push(p.qty.normalize().to_string());
            basis.push(p.basis.normalize().to_string());
            avg.push(p.average_cost.normalize().to_string());
        }
    }
    frame(vec![
        text_column("user_id", users),
        text_column("symbol", symbols),
        text_column("qty", qty),
        text_column("basis", basis),
        text_column("average_cost", avg),
    ])
}

/// The metrics of every user's daily time-weighted return: `user_id`, `periods`, and one `f64` column per field
/// of [`Metrics`] (without a benchmark).
pub fn metrics_by_user(
    trades: &DataFrame,
    prices: &DataFrame,
    options: &MetricsOptions,
) -> Result<DataFrame, FrameError> {
    let cols = TradeColumns::read(trades)?;
    let table = prices_from_frame(prices)?;
    let mut users = Vec::new();
    let mut periods = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); METRIC_COLUMNS.len()];
    for (user, rows) in cols.rows_by_user() {
        let series = twr(&cols.user_trades(&rows)?, &table, None).map_err(FrameError::Returns)?;
        let m = Metrics::compute(&series.returns, None, options).map_err(|e| FrameError::Returns(e.into()))?;
        users.push(user.to_owned());
        periods.push(m.periods as u64);
        for (column, value) in values.iter_mut().zip(metric_values(&m)) {
            column.push(value);
        }
    }
    let mut columns = vec![text_column("user_id", users), Column::new("periods".into(), periods)];
    for (name, column) in METRIC_COLUMNS.iter().zip(values) {
        columns.push(Column::new((*name).into(), column));
    }
    frame(columns)
}

const METRIC_COLUMNS: [&str; 16] = [
    "cum_returns_final",
    "annual_return",
    "annual_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "downside_risk",
    "max_drawdown",
    "calmar_ratio",
    "omega_ratio",
    "tail_ratio",
    "stability_of_timeseries",
    "value_at_risk",
    "conditional_value_at_risk",
    "skew",
    "kurtosis",
    "probabilistic_sharpe_ratio",
];

fn metric_values(m: &Metrics) -> [f64; 16] {
    [
        m.cum_returns_final,
        m.annual_return,
        m.annual_volatility,
        m.sharpe_ratio,
        m.sortino_ratio,
        m.downside_risk,
        m.max_drawdown,
        m.calmar_ratio,
        m.omega_ratio,
        m.tail_ratio,
        m.stability_of_timeseries,
        m.value_at_risk,
        m.conditional_value_at_risk,
        m.skew,
        m.kurtosis,
        m.probabilistic_sharpe_ratio,
    ]
}
