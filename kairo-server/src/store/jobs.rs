//! The durable job queue (`kairo_jobs`): claiming due jobs, finishing and retrying them, what the queue holds
//! for `/health`, and the sweep that queues the users whose trades another program stored.

use chrono::{DateTime, Utc};
use std::time::Duration;
use uuid::Uuid;

use super::{postgres, sqlite, Job, Store, StoreResult};

impl Store {
    /// Queues the recompute of every user with trades stored by another program (on PostgreSQL, the Node
    /// backend's inserts into `trades`) that have no audit rows: those created since ten minutes before the last
    /// sweep (every trade at the first), of users without a running job (whose job may be writing their rows; the
    /// next sweep looks again). A user's pending job widens to the trades found. Returns the users queued. On
    /// SQLite, the insert trigger of `trades` queues every stored trade's user already, whoever inserts it.
    pub async fn sweep_unaudited(&self) -> StoreResult<u64> {
        match self {
            Store::Sqlite(_) => Ok(0),
            Store::Postgres(p) => postgres::sweep_unaudited(p).await,
        }
    }

    /// Claims the next due job (locked for [`JOB_LEASE`](super::JOB_LEASE)).
    pub async fn claim_job(&self) -> StoreResult<Option<Job>> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlite::claim_job(&p.derived).await
            }
            Store::Postgres(p) => postgres::claim_job(p).await,
        }
    }

    /// When the next queued job can be claimed (its due time, or the end of its lease while a worker holds it);
    /// `None` with an empty queue. A read: no writer waits for it.
    pub async fn next_job_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        const SQL: &str = "SELECT MIN(CASE WHEN locked_until IS NULL OR locked_until < run_at THEN run_at
                             ELSE locked_until END) FROM kairo_jobs";
        Ok(match self {
            Store::Sqlite(p) => {
                let at: Option<String> = sqlx::query_scalar(SQL).fetch_one(&p.pool).await?;
                at.as_deref().map(sqlite::parse_ts).transpose()?
            }
            Store::Postgres(p) => sqlx::query_scalar(SQL).fetch_one(p).await?,
        })
    }

    /// Deletes a finished job.
    pub async fn finish_job(&self, id: i64) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlx::query("DELETE FROM kairo_jobs WHERE id = ?").bind(id).execute(&p.derived).await.map(|_| ())?
            }
            Store::Postgres(p) => {
                sqlx::query("DELETE FROM kairo_jobs WHERE id = $1").bind(id).execute(p).await.map(|_| ())?
            }
        }
        Ok(())
    }

    /// Puts a failed job back, due after `delay`; if its user has queued another job meanwhile (a trade stored
    /// while it ran), the failed job is folded into that one (its range widened), which runs when due: a user has
    /// one pending job at most.
    pub async fn retry_job(&self, id: i64, error: &str, delay: Duration) -> StoreResult<()> {
        let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlite::retry_job(&p.derived, id, error, at).await?
            }
            Store::Postgres(p) => postgres::retry_job(p, id, error, at).await?,
        }
        Ok(())
    }

    /// When the user's earliest trade without audit rows was executed (trades a job lost in a crash leaves
    /// without rows until its lease expires; the next job of the user covers them at once).
    pub async fn first_unaudited(&self, user_id: Uuid) -> StoreResult<Option<DateTime<Utc>>> {
        let sql = |p: &str| {
            format!(
                "SELECT MIN(t.executed_at) FROM trades t WHERE t.user_id = {p}
                 AND NOT EXISTS (SELECT 1 FROM compliance_audit a WHERE a.trade_id = t.id)"
            )
        };
        Ok(match self {
            Store::Sqlite(p) => {
                let at: Option<String> =
                    sqlx::query_scalar(&sql("?")).bind(user_id.to_string()).fetch_one(&p.pool).await?;
                at.as_deref().map(sqlite::parse_ts).transpose()?
            }
            Store::Postgres(p) => sqlx::query_scalar(&sql("$1")).bind(user_id).fetch_one(p).await?,
        })
    }

    /// The error of the user's job that failed at its last attempt, with its attempts so far (`None` when the user
    /// has no failing job).
    pub async fn job_error(&self, user_id: Uuid) -> StoreResult<Option<(String, i32)>> {
        let sql = |p: &str| {
            format!(
                "SELECT last_error, attempts FROM kairo_jobs WHERE user_id = {p} AND last_error IS NOT NULL
                 ORDER BY id LIMIT 1"
            )
        };
        Ok(match self {
            Store::Sqlite(p) => sqlx::query_as(&sql("?")).bind(user_id.to_string()).fetch_optional(&p.pool).await?,
            Store::Postgres(p) => sqlx::query_as(&sql("$1")).bind(user_id).fetch_optional(p).await?,
        })
    }

    /// Jobs waiting or running, when the oldest of them was queued, and how many of them have failed at their
    /// last attempt (each waits out its backoff with its error in `kairo_jobs.last_error`).
    pub async fn queue(&self) -> StoreResult<(i64, Option<DateTime<Utc>>, i64)> {
        const SQL: &str = "SELECT COUNT(*), MIN(created_at), COUNT(last_error) FROM kairo_jobs";
        Ok(match self {
            Store::Sqlite(p) => {
                let (n, oldest, failing): (i64, Option<String>, i64) = sqlx::query_as(SQL).fetch_one(&p.pool).await?;
                (n, oldest.as_deref().map(sqlite::parse_ts).transpose()?, failing)
            }
            Store::Postgres(p) => sqlx::query_as(SQL).fetch_one(p).await?,
        })
    }
}
