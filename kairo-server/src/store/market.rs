//! Daily closes (`benchmarks`) and where each symbol's came from and when (`kairo_price_sources`): the
//! market-data cache's state. Closes and their source row are written in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::{QueryBuilder, Row};

use super::sqlite::{parse_ts, ts};
use super::{Store, StoreResult};
use crate::alpaca::CorporateAction;

/// Where a symbol's closes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PriceSource {
    /// Alpaca's market data API.
    Alpaca,
    /// `kairo-server import-prices`.
    Csv,
    /// The demo's generated data (not market prices).
    Synthetic,
}

impl PriceSource {
    fn as_str(self) -> &'static str {
        match self {
            PriceSource::Alpaca => "alpaca",
            PriceSource::Csv => "csv",
            PriceSource::Synthetic => "synthetic",
        }
    }

    fn parse(s: &str) -> PriceSource {
        match s {
            "alpaca" => PriceSource::Alpaca,
            "csv" => PriceSource::Csv,
            _ => PriceSource::Synthetic,
        }
    }
}

/// The cache state of one symbol.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SymbolState {
    /// The symbol.
    pub symbol: String,
    /// Where its closes came from.
    pub source: PriceSource,
    /// The last successful load (`None`: never loaded, only failed attempts).
    pub refreshed_at: Option<DateTime<Utc>>,
    /// The last attempt to refresh it from Alpaca.
    pub attempted_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (`None` after a success).
    pub last_error: Option<String>,
}

/// The cache at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct PriceSummary {
    /// Symbols with a state.
    pub symbols: i64,
    /// Not loaded within the freshness window (or never).
    pub stale: i64,
    /// Whose last refresh failed.
    pub failing: i64,
    /// The oldest load.
    pub oldest_refresh: Option<DateTime<Utc>>,
}

/// One day of a symbol as `benchmarks` stores it: the close, and on PostgreSQL (the seed's table has the columns)
/// the open, high, low and volume when the source gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyBar {
    /// The symbol.
    pub symbol: String,
    /// The trading day.
    pub date: NaiveDate,
    /// The close.
    pub close: Decimal,
    /// The open.
    pub open: Option<Decimal>,
    /// The high.
    pub high: Option<Decimal>,
    /// The low.
    pub low: Option<Decimal>,
    /// The volume.
    pub volume: Option<Decimal>,
}

/// Bars per `INSERT` on PostgreSQL: 7 parameters each, within the protocol's 65,535 parameters per statement.
const PG_BARS_PER_STATEMENT: usize = u16::MAX as usize / 7;

impl Store {
    /// Stores closes (replacing those of the same symbol and date) and marks each symbol loaded from `source`
    /// now, in one transaction.
    pub async fn load_prices(&self, rows: &[(String, NaiveDate, Decimal)], source: PriceSource) -> StoreResult<()> {
        let bars: Vec<DailyBar> = rows
            .iter()
            .map(|(symbol, date, close)| DailyBar {
                symbol: symbol.clone(),
                date: *date,
                close: *close,
                open: None,
                high: None,
                low: None,
                volume: None,
            })
            .collect();
        self.load_bars(&bars, &[], source).await
    }

    /// Stores daily bars (replacing those of the same symbol and date: a row is the bar as last loaded) and the
    /// corporate actions that came with them, and marks each symbol loaded from `source` now, in one transaction.
    pub async fn load_bars(
        &self,
        rows: &[DailyBar],
        actions: &[CorporateAction],
        source: PriceSource,
    ) -> StoreResult<()> {
        let mut symbols: Vec<&str> = rows.iter().map(|b| b.symbol.as_str()).collect();
        symbols.sort_unstable();
        symbols.dedup();
        let now = Utc::now();
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                for chunk in rows.chunks(5000) {
                    let mut q = QueryBuilder::new("INSERT INTO benchmarks (symbol, date, close) ");
                    q.push_values(chunk, |mut b, bar| {
                        b.push_bind(&bar.symbol).push_bind(bar.date.to_string()).push_bind(bar.close.to_string());
                    });
                    q.push(" ON CONFLICT (symbol, date) DO UPDATE SET close = excluded.close");
                    q.build().execute(&mut *tx).await?;
                }
                super::corporate_actions::write_sqlite(&mut tx, actions).await?;
                for s in &symbols {
                    sqlx::query(
                        "INSERT INTO kairo_price_sources (symbol, source, refreshed_at, attempted_at, last_error) \
                         VALUES ($1, $2, $3, $3, NULL) ON CONFLICT (symbol) DO UPDATE SET source = excluded.source, \
                         refreshed_at = excluded.refreshed_at, attempted_at = excluded.attempted_at, last_error = NULL",
                    )
                    .bind(s)
                    .bind(source.as_str())
                    .bind(ts(now))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                for chunk in rows.chunks(PG_BARS_PER_STATEMENT) {
                    // (the seed's `benchmarks.id` has no default)
                    let mut q =
                        QueryBuilder::new("INSERT INTO benchmarks (id, symbol, date, open, high, low, close, volume) ");
                    q.push_values(chunk, |mut b, bar| {
                        b.push("gen_random_uuid()")
                            .push_bind(&bar.symbol)
                            .push_bind(bar.date)
                            .push_bind(bar.open)
                            .push_bind(bar.high)
                            .push_bind(bar.low)
                            .push_bind(bar.close)
                            .push_bind(bar.volume);
                    });
                    q.push(
                        " ON CONFLICT (symbol, date) DO UPDATE SET open = excluded.open, high = excluded.high, \
                         low = excluded.low, close = excluded.close, volume = excluded.volume",
                    );
                    q.build().execute(&mut *tx).await?;
                }
                super::corporate_actions::write_postgres(&mut tx, actions).await?;
                sqlx::query(
                    "INSERT INTO kairo_price_sources (symbol, source, refreshed_at, attempted_at, last_error) \
                     SELECT s, $2, $3, $3, NULL FROM unnest($1::text[]) AS s \
                     ON CONFLICT (symbol) DO UPDATE SET source = excluded.source, \
                     refreshed_at = excluded.refreshed_at, attempted_at = excluded.attempted_at, last_error = NULL",
                )
                .bind(&symbols)
                .bind(source.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Records a failed refresh of `symbols` from Alpaca (their closes, if any, stay as they are).
    pub async fn price_refresh_failed(&self, symbols: &[String], error: &str) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO kairo_price_sources (symbol, source, refreshed_at, attempted_at, last_error) \
                           VALUES ($1, 'alpaca', NULL, $2, $3) ON CONFLICT (symbol) DO UPDATE SET \
                           attempted_at = excluded.attempted_at, last_error = excluded.last_error";
        let now = Utc::now();
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.derived.begin_with("BEGIN IMMEDIATE").await?;
                for s in symbols {
                    sqlx::query(SQL).bind(s).bind(ts(now)).bind(error).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                for s in symbols {
                    sqlx::query(SQL).bind(s).bind(now).bind(error).execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// The cache state of `symbols` (every symbol with a state when `None`), by symbol.
    pub async fn price_states(&self, symbols: Option<&[String]>) -> StoreResult<Vec<SymbolState>> {
        const COLUMNS: &str = "SELECT symbol, source, refreshed_at, attempted_at, last_error FROM kairo_price_sources";
        match self {
            Store::Sqlite(p) => {
                let mut q = QueryBuilder::new(COLUMNS);
                if let Some(symbols) = symbols {
                    q.push(" WHERE symbol IN (");
                    let mut list = q.separated(", ");
                    for s in symbols {
                        list.push_bind(s);
                    }
                    list.push_unseparated(")");
                    if symbols.is_empty() {
                        return Ok(Vec::new());
                    }
                }
                q.push(" ORDER BY symbol");
                let rows = q.build().fetch_all(&p.pool).await?;
                let time = |v: Option<String>| v.as_deref().map(parse_ts).transpose();
                rows.iter()
                    .map(|r| {
                        Ok(SymbolState {
                            symbol: r.try_get("symbol")?,
                            source: PriceSource::parse(r.try_get("source")?),
                            refreshed_at: time(r.try_get("refreshed_at")?)?,
                            attempted_at: time(r.try_get("attempted_at")?)?,
                            last_error: r.try_get("last_error")?,
                        })
                    })
                    .collect()
            }
            Store::Postgres(p) => {
                let sql = match symbols {
                    Some(_) => format!("{COLUMNS} WHERE symbol = ANY($1) ORDER BY symbol"),
                    None => format!("{COLUMNS} ORDER BY symbol"),
                };
                let rows = sqlx::query(&sql).bind(symbols.unwrap_or_default()).fetch_all(p).await?;
                rows.iter()
                    .map(|r| {
                        Ok(SymbolState {
                            symbol: r.try_get("symbol")?,
                            source: PriceSource::parse(r.try_get("source")?),
                            refreshed_at: r.try_get("refreshed_at")?,
                            attempted_at: r.try_get("attempted_at")?,
                            last_error: r.try_get("last_error")?,
                        })
                    })
                    .collect()
            }
        }
    }

    /// The cache at a glance for `/health`, in one aggregate query: symbols with a state, those not loaded since
    /// `fresh_after` (or never), those whose last refresh failed, and the oldest load.
    pub async fn price_summary(&self, fresh_after: DateTime<Utc>) -> StoreResult<PriceSummary> {
        const SQL: &str = "SELECT count(*), \
            coalesce(sum(CASE WHEN refreshed_at IS NULL OR refreshed_at < $1 THEN 1 ELSE 0 END), 0), \
            coalesce(sum(CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END), 0), min(refreshed_at) \
            FROM kairo_price_sources";
        let (symbols, stale, failing, oldest) = match self {
            Store::Sqlite(p) => {
                let (n, stale, failing, oldest): (i64, i64, i64, Option<String>) =
                    sqlx::query_as(SQL).bind(ts(fresh_after)).fetch_one(&p.pool).await?;
                (n, stale, failing, oldest.as_deref().map(parse_ts).transpose()?)
            }
            Store::Postgres(p) => sqlx::query_as(SQL).bind(fresh_after).fetch_one(p).await?,
        };
        Ok(PriceSummary { symbols, stale, failing, oldest_refresh: oldest })
    }

    /// Every symbol some user has traded.
    pub async fn traded_symbols(&self) -> StoreResult<Vec<String>> {
        const SQL: &str = "SELECT DISTINCT symbol FROM trades ORDER BY symbol";
        Ok(match self {
            Store::Sqlite(p) => sqlx::query_scalar(SQL).fetch_all(&p.pool).await?,
            Store::Postgres(p) => sqlx::query_scalar(SQL).fetch_all(p).await?,
        })
    }
}
