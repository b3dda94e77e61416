//! Persistence: one `Store` over SQLite (embedded default) or PostgreSQL, with the same operations and the same
//! results. Decimals are NUMERIC in PostgreSQL and exact TEXT in SQLite; every query is parameterized.

mod activities;
pub mod audit_log;
mod corporate_actions;
pub mod custom_benchmarks;
mod error;
pub mod events;
mod group_commit;
mod jobs;
pub mod leaderboards;
pub mod market;
mod postgres;
pub mod schema;
mod sqlite;
pub mod subscriptions;
mod versions;

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::{History, Trade};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

pub use error::{StoreError, StoreResult};

/// A user as kairo sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    /// The user's id.
    pub id: Uuid,
    /// E-mail (the seed's column is NOT NULL; a user created without one has none on SQLite).
    pub email: Option<String>,
    /// User name (unique).
    pub username: Option<String>,
    /// `cash` or `margin`.
    pub account_type: String,
    /// The plan of the user's subscription (`free`, or the tier of the Stripe price paid for); a NULL
    /// `"subscriptionPlan"` (the seed allows it) reads as `free`.
    pub subscription_plan: String,
    /// The subscription's Stripe status; a NULL `"subscriptionStatus"` reads as `inactive`.
    pub subscription_status: String,
    /// Creation time (NULL is allowed by the seed's schema).
    pub created_at: Option<DateTime<Utc>>,
}

/// The plan of a user without a paid subscription.
pub const FREE_PLAN: &str = "free";

/// The subscription status of a user who never had a subscription.
pub const NO_SUBSCRIPTION: &str = "inactive";

/// A user to create.
#[derive(Debug, Clone, Copy)]
pub struct NewUserRow<'a> {
    /// The id (the caller's, or a new one).
    pub id: Uuid,
    /// E-mail (unique).
    pub email: &'a str,
    /// User name (unique).
    pub username: &'a str,
    /// `cash` or `margin`.
    pub account_type: &'a str,
}

/// A trade to store, with the payload it came in (written to the seed's `trades.raw`).
#[derive(Debug, Clone)]
pub struct NewTrade {
    /// The validated trade.
    pub trade: Trade,
    /// The original payload as JSON text (the posted object, the CSV record), when there is one.
    pub raw: Option<String>,
}

impl From<Trade> for NewTrade {
    fn from(trade: Trade) -> Self {
        NewTrade { trade, raw: None }
    }
}

/// One stored audit row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    /// The row id (a UUID on PostgreSQL, as the seed's table has it; an integer's text on SQLite).
    pub id: String,
    /// The trade checked.
    pub trade_id: Uuid,
    /// The check (`pattern_day_trading`, `wash_sale`, ...).
    pub check_name: String,
    /// `pass`, `fail` or `flag` (NULL is allowed by the seed's schema, in rows kairo did not write).
    pub status: Option<String>,
    /// The reason, for a support agent.
    pub reason: Option<String>,
    /// The numbers behind the decision (`null` when the row has none).
    pub metadata: serde_json::Value,
    /// When the row was written.
    pub created_at: Option<DateTime<Utc>>,
    /// When the trade was executed.
    pub executed_at: DateTime<Utc>,
}

/// Filters and page of an audit query.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Only this check.
    pub check_name: Option<String>,
    /// Trades executed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Trades executed before.
    pub to: Option<DateTime<Utc>>,
    /// Rows to return.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job id.
    pub id: i64,
    /// What to do (`recompute`).
    pub kind: String,
    /// For whom.
    pub user_id: Uuid,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// Audit rows are (re)written for the trades executed at or after this time; `None`: for every trade.
    pub dirty_from: Option<DateTime<Utc>>,
}

/// A stored trade with its row metadata.
#[derive(Debug, Clone)]
pub struct StoredTrade {
    /// The trade (its id is the row's UUID).
    pub trade: Trade,
    /// Whether this call inserted it (false when an earlier call with the same `external_id` did).
    pub created: bool,
}

/// A user's cached metrics document as stored.
#[derive(Debug, Clone)]
pub struct CachedMetrics {
    /// Whether a recompute of the user is queued or running: every stored trade queues one in the statement that
    /// stores it, and the job is deleted after it has written the metrics, so a document without a job of its
    /// user covers every stored trade. (An index lookup, whatever the length of the user's history.)
    pub stale: bool,
    /// The document, a JSON object.
    pub body: String,
}

/// An SQLite pool and the lock that serializes its writers in this process. SQLite admits one writer at a time;
/// a connection that finds the database locked sleeps in growing steps (1, 2, 5, 10, ... ms), which shows as tail
/// latency, so writers queue here instead, in arrival order, and never meet a locked database.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The pool.
    pub pool: SqlitePool,
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    ingest: tokio::sync::mpsc::Sender<group_commit::Request>,
    /// Connections for the jobs' writes (audit rows, metrics cache, queue bookkeeping) with synchronous=NORMAL:
    /// all of it is derived from the trades and rewritten by a job that did not finish. WAL keeps commits in
    /// order and a trade's FULL commit syncs every frame before it, so a power loss can only drop a suffix of job
    /// writes, and then also the deletion of their job, which therefore runs again.
    derived: SqlitePool,
}

/// The database behind the service.
#[derive(Debug, Clone)]
pub enum Store {
    /// Embedded SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Copies the SQLite write-ahead log into the database file in the background, twice a second, instead of in the
/// commit that fills the log past its threshold (SQLite's default), which would make that request wait for the
/// copy and its fsync. A passive checkpoint waits for no reader or writer, and the log starts over at the first
/// write after a checkpoint that caught up with it when no reader still reads it. Under traffic so steady that
/// this never happens, a log past [`WAL_LIMIT_FRAMES`] gets a restarting checkpoint (it waits, with the writers
/// held back, for the readers of the log to finish), so the log stays bounded. Stops when the pool closes.
async fn checkpointer(pool: SqlitePool, writer: std::sync::Arc<tokio::sync::Mutex<()>>) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        let checkpoint = |sql: &'static str| sqlx::query_as::<_, (i64, i64, i64)>(sql).fetch_one(&pool);
        let outcome = match checkpoint("PRAGMA wal_checkpoint(PASSIVE)").await {
            Ok((_, log, _)) if log >= WAL_LIMIT_FRAMES => {
                // Wait for the readers of the log to move on, so that the next write starts it over.
                let _writer = writer.lock().await;
                checkpoint("PRAGMA wal_checkpoint(RESTART)").await
            }
            other => other,
        };
        match outcome {
            Ok((busy, log, done)) => tracing::debug!(busy, log, done, "checkpoint"),
            Err(e) if !pool.is_closed() => tracing::warn!(error = %e, "checkpoint failed; retrying"),
            Err(_) => return,
        }
    }
}

/// The write-ahead log size (in 4 KiB pages, 64 MiB) past which a checkpoint holds the writers back to catch up.
const WAL_LIMIT_FRAMES: i64 = 16_384;

/// Audit rows a job writes per statement, and the pause between two of its statements. A job writes its rows in
/// short statements, so that a request's statement (a trade's insert) never queues behind a long one, and pauses
/// between them, so that the requests' threads and database backends get the CPU first: on two cores this took
/// PostgreSQL ingestion at 1,000 trades/s from p95 3.3 / p99 6.9 ms (one statement of up to 5,000 rows) to
/// p95 1.9 / p99 5.2 ms (medians of 3 same-run pairs).
const AUDIT_CHUNK: usize = 64;

/// See [`AUDIT_CHUNK`].
const AUDIT_PAUSE: Duration = Duration::from_millis(1);

/// How long a new recomputation waits before it is due, so that a burst of trades of one user is handled by one
/// job rather than one job per trade (trades arriving while the job waits join it).
pub const JOB_DEBOUNCE: chrono::TimeDelta = chrono::TimeDelta::milliseconds(3000);

/// How long a request waits for a free database connection before it is answered 503 `unavailable`: during an
/// outage requests fail fast instead of piling up behind the pool.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a claimed job stays locked before another worker may take it over (a crashed worker's jobs come back).
pub const JOB_LEASE: Duration = Duration::from_secs(60);

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`) with a pool of `min..=max` connections.
    pub async fn connect(url: &str, min: u32, max: u32) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .min_connections(min)
                .max_connections(max)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect(url)
                .await?;
            return Ok(Store::Postgres(pool));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // No checkpoint inside a commit (the committing request would wait for it): `checkpointer` runs them.
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new()
            .min_connections(min)
            .max_connections(max)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) }))
            .connect_with(options.clone())
            .await?;
        let derived = SqlitePoolOptions::new()
            .max_connections(2)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_release(|conn, _| Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) }))
            .connect_with(options.synchronous(SqliteSynchronous::Normal))
            .await?;
        let writer = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let ingest = group_commit::start(pool.clone(), writer.clone());
        tokio::spawn(checkpointer(derived.clone(), writer.clone()));
        Ok(Store::Sqlite(SqliteStore { pool, writer, ingest, derived }))
    }

    /// Applies the migrations of the backend. On PostgreSQL the seed's tables are checked first
    /// ([`schema::problems`]): with any incompatibility, nothing is migrated and every one is named
    /// ([`StoreError::Schema`]).
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(&p.pool).await?,
            Store::Postgres(p) => {
                let problems = schema::problems(p).await?;
                if !problems.is_empty() {
                    return Err(StoreError::Schema(problems));
                }
                sqlx::migrate!("./migrations/postgres").run(p).await?
            }
        }
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => sqlx::query("SELECT 1").execute(&p.pool).await.map(|_| ())?,
            Store::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Closes the pool (waits for connections in use).
    pub async fn close(&self) {
        match self {
            Store::Sqlite(p) => {
                // Fold the write-ahead log into the database file, so that a stopped service leaves one file.
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&p.derived).await {
                    tracing::warn!(error = %e, "final checkpoint failed (the log is applied at the next start)");
                }
                p.derived.close().await;
                p.pool.close().await
            }
            Store::Postgres(p) => p.close().await,
        }
    }

    /// Creates a user (in the seed's `users`, with its account type).
    pub async fn create_user(&self, u: &NewUserRow<'_>) -> StoreResult<User> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlite::create_user(&p.pool, u).await
            }
            Store::Postgres(p) => postgres::create_user(p, u).await,
        }
    }

    /// A new user of `account_type` with a new id, its e-mail and user name made from the id (standalone use, the
    /// demo and tests): `user-<id>` at `kairo.invalid`, a domain reserved never to resolve (RFC 2606).
    pub async fn create_user_of_type(&self, account_type: &str) -> StoreResult<User> {
        let id = Uuid::new_v4();
        let (email, username) = placeholder_identity(id);
        self.create_user(&NewUserRow { id, email: &email, username: &username, account_type }).await
    }

    /// Sets the account type of a user (`cash` or `margin`).
    pub async fn set_account_type(&self, id: Uuid, account_type: &str) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlite::set_account_type(&p.pool, id, account_type).await
            }
            Store::Postgres(p) => postgres::set_account_type(p, id, account_type).await,
        }
    }

    /// The user, if any.
    pub async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        match self {
            Store::Sqlite(p) => sqlite::user(&p.pool, id).await,
            Store::Postgres(p) => postgres::user(p, id).await,
        }
    }

    /// Stores `trades` of `user_id` in one transaction and enqueues the user's recomputation in the same
    /// transaction. A trade whose id or `external_id` is already stored is not inserted again; the stored one is
    /// returned with `created: false` (and its user's recomputation is enqueued when it has no audit rows yet:
    /// the backend stored it first, then sent it).
    pub async fn insert_trades(&self, user_id: Uuid, trades: &[NewTrade]) -> StoreResult<Vec<StoredTrade>> {
        self.insert_many(&[(user_id, trades)]).await
    }

    /// [`Store::insert_trades`] for several users in one transaction: all stored, or nothing.
    pub async fn insert_many(&self, batches: &[(Uuid, &[NewTrade])]) -> StoreResult<Vec<StoredTrade>> {
        match self {
            Store::Sqlite(p) => {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let batches = batches.iter().map(|(u, ts)| (*u, ts.to_vec())).collect();
                p.ingest
                    .send(group_commit::Request { batches, reply })
                    .await
                    .map_err(|_| StoreError::Failed("the store is closed".into()))?;
                answer.await.map_err(|_| StoreError::Failed("the committer stopped".into()))?
            }
            Store::Postgres(_) => self.insert_many_with_progress(batches, &mut |_| {}).await,
        }
    }

    /// [`Store::insert_many`], calling `progress` with the number of trades written after each chunk.
    pub async fn insert_many_with_progress(
        &self,
        batches: &[(Uuid, &[NewTrade])],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> StoreResult<Vec<StoredTrade>> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlite::insert_trades(&p.pool, batches, progress).await
            }
            Store::Postgres(p) => postgres::insert_trades(p, batches, progress).await,
        }
    }

    /// Number of trades of the user.
    pub async fn trade_count(&self, user_id: Uuid) -> StoreResult<i64> {
        let n: i64 = match self {
            Store::Sqlite(p) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM trades WHERE user_id = ?")
                    .bind(user_id.to_string())
                    .fetch_one(&p.pool)
                    .await?
            }
            Store::Postgres(p) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM trades WHERE user_id = $1").bind(user_id).fetch_one(p).await?
            }
        };
        Ok(n)
    }

    /// The user's trades, validated once and in execution order.
    pub async fn trades(&self, user_id: Uuid) -> StoreResult<History> {
        history(match self {
            Store::Sqlite(p) => sqlite::trades(&p.pool, user_id).await?,
            Store::Postgres(p) => postgres::trades(p, user_id).await?,
        })
    }

    /// The user's trades executed at or after `from`, validated once and in execution order (what a job adds to a
    /// kept tracker).
    pub async fn trades_since(&self, user_id: Uuid, from: DateTime<Utc>) -> StoreResult<History> {
        history(match self {
            Store::Sqlite(p) => sqlite::trades_since(&p.pool, user_id, from).await?,
            Store::Postgres(p) => postgres::trades_since(p, user_id, from).await?,
        })
    }

    /// Writes audit rows (one per trade and check; a rewrite replaces the row). Trades are only ever added, and an
    /// added trade can make a check apply to a later trade (`price_band`'s same-day reference) but never stop one
    /// from applying, so rewriting the rows of the trades from some point on leaves no stale row behind.
    pub async fn upsert_audit(
        &self,
        user_id: Uuid,
        rows: &[kairo_core::compliance::CheckResult<'_>],
    ) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => sqlite::upsert_audit(p, user_id, rows).await,
            Store::Postgres(p) => postgres::upsert_audit(p, user_id, rows).await,
        }
    }

    /// Audit rows of a user, newest trades first, with the total count matching the filters.
    pub async fn audit(&self, user_id: Uuid, q: &AuditQuery) -> StoreResult<(Vec<AuditRow>, i64)> {
        match self {
            Store::Sqlite(p) => sqlite::audit(&p.pool, user_id, q).await,
            Store::Postgres(p) => postgres::audit(p, user_id, q).await,
        }
    }

    /// The fail and flag rows of the user's trades executed at or after `since`, by check (checks without any
    /// are absent).
    pub async fn problem_counts(&self, user_id: Uuid, since: DateTime<Utc>) -> StoreResult<Vec<(String, i64)>> {
        match self {
            Store::Sqlite(p) => sqlite::problem_counts(&p.pool, user_id, since).await,
            Store::Postgres(p) => postgres::problem_counts(p, user_id, since).await,
        }
    }

    /// Number of audit rows of the user.
    pub async fn audit_count(&self, user_id: Uuid) -> StoreResult<i64> {
        Ok(self.audit(user_id, &AuditQuery { limit: 0, ..AuditQuery::default() }).await?.1)
    }

    /// Connections of the request pool: (open, idle).
    pub fn pool(&self) -> (u32, usize) {
        match self {
            Store::Sqlite(p) => (p.pool.size(), p.pool.num_idle()),
            Store::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// The cached metrics of a user and whether they are stale (one query: this is the hot path of
    /// `GET /users/{id}/metrics`).
    pub async fn cached_metrics(&self, user_id: Uuid) -> StoreResult<Option<CachedMetrics>> {
        match self {
            Store::Sqlite(p) => sqlite::cached_metrics(&p.pool, user_id).await,
            Store::Postgres(p) => postgres::cached_metrics(p, user_id).await,
        }
    }

    /// Caches the metrics of a user computed over `trades` trades.
    pub async fn put_metrics(&self, user_id: Uuid, trades: i64, body: &serde_json::Value) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let body = body.to_string();
                let _writer = p.writer.lock().await;
                sqlite::put_metrics(&p.derived, user_id, trades, &body).await
            }
            Store::Postgres(p) => postgres::put_metrics(p, user_id, trades, body).await,
        }
    }

    /// Stored closes of `symbols`.
    pub async fn prices(&self, symbols: &[String]) -> StoreResult<Vec<(String, NaiveDate, Decimal)>> {
        match self {
            Store::Sqlite(p) => sqlite::prices(&p.pool, symbols).await,
            Store::Postgres(p) => postgres::prices(p, symbols).await,
        }
    }
}

/// A trade row as read from either backend.
pub(crate) struct TradeRow {
    pub id: String,
    pub user_id: String,
    pub symbol: String,
    pub side: String,
    pub qty: Decimal,
    pub price: Decimal,
    pub fees: Decimal,
    pub executed_at: DateTime<Utc>,
    pub external_id: Option<String>,
}

impl TradeRow {
    /// The row as a trade, not validated yet: a [`History`] of the rows validates each once.
    pub(crate) fn into_unchecked(self) -> StoreResult<Trade> {
        let side = self
            .side
            .parse()
            .map_err(|e: kairo_core::TradeError| StoreError::Corrupt(format!("trade {}: {e}", self.id)))?;
        Ok(Trade {
            id: self.id,
            user_id: self.user_id,
            symbol: self.symbol,
            side,
            qty: self.qty,
            price: self.price,
            executed_at: self.executed_at,
            external_id: self.external_id,
            fees: self.fees,
        })
    }

    /// The row back into a validated trade.
    pub(crate) fn into_trade(self) -> StoreResult<Trade> {
        let t = self.into_unchecked()?;
        t.validate().map_err(|e| StoreError::Corrupt(format!("trade {}: {e}", t.id)))?;
        Ok(t)
    }
}

/// The e-mail and user name of a user created without them: `user-<id>@kairo.invalid` and `user-<id>`.
pub fn placeholder_identity(id: Uuid) -> (String, String) {
    let name = format!("user-{id}");
    (format!("{name}@kairo.invalid"), name)
}

/// The rows of a user's trades (in execution order, as the queries read them) as a validated history.
fn history(rows: Vec<Trade>) -> StoreResult<History> {
    History::new(rows).map_err(|e| StoreError::Corrupt(e.to_string()))
}
