//! A user's named benchmarks (`kairo_custom_benchmarks`), stored as kairo-core reads them back: the blend's text,
//! the rebalancing rule's name, the start date and value.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::Row;
use uuid::Uuid;

use super::sqlite::{parse_ts, ts};
use super::{Store, StoreError, StoreResult};

/// A stored custom benchmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomBenchmark {
    /// Its name, unique per user.
    pub name: String,
    /// The blend's text (`SPY:0.6,AGG:0.4`, or `SPY`).
    pub components: String,
    /// The rebalancing rule's name.
    pub rebalance: String,
    /// The start date, when it has one.
    pub start_date: Option<NaiveDate>,
    /// The value at the start.
    pub start_value: Decimal,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
}

fn read_sqlite(r: &sqlx::sqlite::SqliteRow) -> StoreResult<CustomBenchmark> {
    let value: String = r.try_get("start_value")?;
    let date: Option<String> = r.try_get("start_date")?;
    Ok(CustomBenchmark {
        name: r.try_get("name")?,
        components: r.try_get("components")?,
        rebalance: r.try_get("rebalance")?,
        start_date: date
            .map(|d| d.parse().map_err(|_| StoreError::Corrupt(format!("custom benchmark start date {d:?}"))))
            .transpose()?,
        start_value: value.parse().map_err(|_| StoreError::Corrupt(format!("custom benchmark value {value:?}")))?,
        created_at: Some(parse_ts(r.try_get("created_at")?)?),
    })
}

fn read_postgres(r: &sqlx::postgres::PgRow) -> StoreResult<CustomBenchmark> {
    Ok(CustomBenchmark {
        name: r.try_get("name")?,
        components: r.try_get("components")?,
        rebalance: r.try_get("rebalance")?,
        start_date: r.try_get("start_date")?,
        start_value: r.try_get("start_value")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Stores `b` for `user`; a name the user has already is a unique violation.
    pub async fn create_custom_benchmark(&self, user: Uuid, b: &CustomBenchmark) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlx::query(
                    "INSERT INTO kairo_custom_benchmarks
                         (user_id, name, components, rebalance, start_date, start_value, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(user.to_string())
                .bind(&b.name)
                .bind(&b.components)
                .bind(&b.rebalance)
                .bind(b.start_date.map(|d| d.to_string()))
                .bind(b.start_value.to_string())
                .bind(ts(Utc::now()))
                .execute(&p.pool)
                .await?;
            }
            Store::Postgres(p) => {
                sqlx::query(
                    "INSERT INTO kairo_custom_benchmarks (user_id, name, components, rebalance, start_date, start_value)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(user)
                .bind(&b.name)
                .bind(&b.components)
                .bind(&b.rebalance)
                .bind(b.start_date)
                .bind(b.start_value)
                .execute(p)
                .await?;
            }
        }
        Ok(())
    }

    /// The user's custom benchmarks, by name.
    pub async fn custom_benchmarks(&self, user: Uuid) -> StoreResult<Vec<CustomBenchmark>> {
        const SQL: &str = "SELECT name, components, rebalance, start_date, start_value, created_at
                             FROM kairo_custom_benchmarks WHERE user_id = ";
        match self {
            Store::Sqlite(p) => {
                let rows =
                    sqlx::query(&format!("{SQL}? ORDER BY name")).bind(user.to_string()).fetch_all(&p.pool).await?;
                rows.iter().map(read_sqlite).collect()
            }
            Store::Postgres(p) => {
                let rows = sqlx::query(&format!("{SQL}$1 ORDER BY name")).bind(user).fetch_all(p).await?;
                rows.iter().map(read_postgres).collect()
            }
        }
    }

    /// The user's custom benchmark `name`.
    pub async fn custom_benchmark(&self, user: Uuid, name: &str) -> StoreResult<Option<CustomBenchmark>> {
        const SQL: &str = "SELECT name, components, rebalance, start_date, start_value, created_at
                             FROM kairo_custom_benchmarks WHERE user_id = ";
        match self {
            Store::Sqlite(p) => {
                let row = sqlx::query(&format!("{SQL}? AND name = ?"))
                    .bind(user.to_string())
                    .bind(name)
                    .fetch_optional(&p.pool)
                    .await?;
                row.as_ref().map(read_sqlite).transpose()
            }
            Store::Postgres(p) => {
                let row =
                    sqlx::query(&format!("{SQL}$1 AND name = $2")).bind(user).bind(name).fetch_optional(p).await?;
                row.as_ref().map(read_postgres).transpose()
            }
        }
    }

    /// Deletes the user's custom benchmark `name`; whether there was one.
    pub async fn delete_custom_benchmark(&self, user: Uuid, name: &str) -> StoreResult<bool> {
        let n = match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlx::query("DELETE FROM kairo_custom_benchmarks WHERE user_id = ? AND name = ?")
                    .bind(user.to_string())
                    .bind(name)
                    .execute(&p.pool)
                    .await?
                    .rows_affected()
            }
            Store::Postgres(p) => sqlx::query("DELETE FROM kairo_custom_benchmarks WHERE user_id = $1 AND name = $2")
                .bind(user)
                .bind(name)
                .execute(p)
                .await?
                .rows_affected(),
        };
        Ok(n > 0)
    }
}
