//! The SQLite queries. Decimals are stored as exact decimal text, times as fixed-width RFC 3339 UTC text (which
//! sorts chronologically), ids as UUID text. Write transactions begin IMMEDIATE: a deferred one that reads first
//! could not upgrade its lock while another connection writes, and would fail with SQLITE_BUSY at once.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use kairo_core::compliance::CheckResult;
use kairo_core::Trade;
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Row, SqlitePool};
use uuid::Uuid;

use super::{
    AuditQuery, AuditRow, CachedMetrics, Job, NewTrade, NewUserRow, StoreError, StoreResult, StoredTrade, TradeRow,
    User, AUDIT_CHUNK, AUDIT_PAUSE, JOB_LEASE,
};

/// A time as stored: RFC 3339, UTC, nanoseconds, fixed width.
pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(super) fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

pub(super) fn parse_dec(s: &str) -> StoreResult<Decimal> {
    s.parse().map_err(|e| StoreError::Corrupt(format!("decimal {s:?}: {e}")))
}

pub(super) fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    s.parse().map_err(|e| StoreError::Corrupt(format!("uuid {s:?}: {e}")))
}

fn user_row(r: &sqlx::sqlite::SqliteRow) -> StoreResult<User> {
    let created: Option<String> = r.try_get("createdAt")?;
    Ok(User {
        id: parse_uuid(r.try_get("id")?)?,
        email: r.try_get("email")?,
        username: r.try_get("username")?,
        account_type: r.try_get("accountType")?,
        subscription_plan: r.try_get("subscriptionPlan")?,
        subscription_status: r.try_get("subscriptionStatus")?,
        created_at: created.as_deref().map(parse_ts).transpose()?,
    })
}

const USER_COLUMNS: &str =
    r#"id, email, username, "accountType", "subscriptionPlan", "subscriptionStatus", "createdAt""#;

pub(super) async fn create_user(p: &SqlitePool, u: &NewUserRow<'_>) -> StoreResult<User> {
    let now = ts(Utc::now());
    let row = sqlx::query(&format!(
        r#"INSERT INTO users (id, email, username, "accountType", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)
           RETURNING {USER_COLUMNS}"#
    ))
    .bind(u.id.to_string())
    .bind(u.email)
    .bind(u.username)
    .bind(u.account_type)
    .bind(&now)
    .bind(&now)
    .fetch_all(p) // to the statement's end, so that a failed commit is reported (see `insert_user_trades`)
    .await?;
    let row = row.first().ok_or_else(|| StoreError::Corrupt("INSERT ... RETURNING gave no row".into()))?;
    user_row(row)
}

pub(super) async fn user(p: &SqlitePool, id: Uuid) -> StoreResult<Option<User>> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(p)
        .await?;
    row.as_ref().map(user_row).transpose()
}

pub(super) async fn set_account_type(p: &SqlitePool, id: Uuid, account_type: &str) -> StoreResult<()> {
    sqlx::query(r#"UPDATE users SET "accountType" = ?, "updatedAt" = ? WHERE id = ?"#)
        .bind(account_type)
        .bind(ts(Utc::now()))
        .bind(id.to_string())
        .fetch_all(p)
        .await?;
    Ok(())
}

fn trade_row(r: &sqlx::sqlite::SqliteRow) -> StoreResult<Trade> {
    trade_fields(r)?.into_trade()
}

fn trade_fields(r: &sqlx::sqlite::SqliteRow) -> StoreResult<TradeRow> {
    Ok(TradeRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        symbol: r.try_get("symbol")?,
        side: r.try_get("side")?,
        qty: parse_dec(r.try_get("qty")?)?,
        price: parse_dec(r.try_get("price")?)?,
        fees: parse_dec(r.try_get("fees")?)?,
        executed_at: parse_ts(r.try_get("executed_at")?)?,
        external_id: r.try_get("external_id")?,
    })
}

const TRADE_COLUMNS: &str = "id, user_id, symbol, side, qty, price, fees, executed_at, external_id";

pub(super) async fn insert_trades(
    p: &SqlitePool,
    batches: &[(Uuid, &[NewTrade])],
    progress: &mut (dyn FnMut(usize) + Send),
) -> StoreResult<Vec<StoredTrade>> {
    let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
    let mut out = Vec::new();
    for (user_id, trades) in batches {
        for chunk in trades.chunks(1000) {
            out.extend(insert_user_trades(&mut tx, *user_id, chunk).await?);
            progress(chunk.len());
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Inserts `trades` of `user_id`, one statement each: the trigger of `trades` (migration 0005) queues the user's
/// recompute, or widens the pending one, inside the statement that stores the trade. A trade whose id or external
/// id is stored already is not inserted; the stored one is returned, and a stored trade of that id without audit
/// rows gets its user's recompute queued as the trigger would.
pub(super) async fn insert_user_trades(
    tx: &mut sqlx::SqliteConnection,
    user_id: Uuid,
    trades: &[NewTrade],
) -> StoreResult<Vec<StoredTrade>> {
    let mut out = Vec::with_capacity(trades.len());
    for new in trades {
        let t = &new.trade;
        let inserted = sqlx::query(
            "INSERT INTO trades (id, user_id, symbol, side, qty, price, fees, executed_at, external_id, raw)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&t.id)
        .bind(user_id.to_string())
        .bind(&t.symbol)
        .bind(t.side.as_str())
        .bind(t.qty.to_string())
        .bind(t.price.to_string())
        .bind(t.fees.to_string())
        .bind(ts(t.executed_at))
        .bind(&t.external_id)
        .bind(new.raw.as_deref())
        // Every row is fetched, never only the first: in autocommit the statement commits when it runs to its end,
        // and a commit that fails there (disk full) must be reported, not lost in the statement's reset.
        .fetch_all(&mut *tx)
        .await?;
        if !inserted.is_empty() {
            out.push(StoredTrade { trade: t.clone(), created: true });
            continue;
        }
        let by_id = sqlx::query(&format!("SELECT {TRADE_COLUMNS} FROM trades WHERE id = ?"))
            .bind(&t.id)
            .fetch_optional(&mut *tx)
            .await?;
        let same_id = by_id.is_some();
        let row = match by_id {
            Some(row) => row,
            None => {
                sqlx::query(&format!("SELECT {TRADE_COLUMNS} FROM trades WHERE external_id = ?"))
                    .bind(&t.external_id)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        let stored = trade_row(&row)?;
        if stored.user_id != user_id.to_string() {
            return Err(match (&t.external_id, same_id) {
                (Some(e), false) => StoreError::ExternalIdTaken(e.clone()),
                _ => StoreError::TradeIdTaken(t.id.clone()),
            });
        }
        if same_id {
            enqueue_unaudited(&mut *tx, &stored).await?;
        }
        out.push(StoredTrade { trade: stored, created: false });
    }
    Ok(out)
}

/// Queues the recompute of a stored trade's user when the trade has no audit rows (what the insert trigger does
/// for a new trade).
async fn enqueue_unaudited(tx: &mut sqlx::SqliteConnection, t: &Trade) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from)
         SELECT 'recompute', ?1, ?2, ?3
          WHERE NOT EXISTS (SELECT 1 FROM compliance_audit WHERE trade_id = ?4)
            AND NOT EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = ?1 AND locked_until IS NULL)",
    )
    .bind(&t.user_id)
    .bind(ts(Utc::now() + super::JOB_DEBOUNCE))
    .bind(ts(t.executed_at))
    .bind(&t.id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE kairo_jobs SET dirty_from = min(dirty_from, ?2)
          WHERE user_id = ?1 AND locked_until IS NULL AND dirty_from > ?2
            AND NOT EXISTS (SELECT 1 FROM compliance_audit WHERE trade_id = ?3)",
    )
    .bind(&t.user_id)
    .bind(ts(t.executed_at))
    .bind(&t.id)
    .fetch_all(&mut *tx)
    .await?;
    Ok(())
}

pub(super) async fn trades(p: &SqlitePool, user_id: Uuid) -> StoreResult<Vec<Trade>> {
    let rows = sqlx::query(&format!("SELECT {TRADE_COLUMNS} FROM trades WHERE user_id = ? ORDER BY executed_at, id"))
        .bind(user_id.to_string())
        .fetch_all(p)
        .await?;
    rows.iter().map(|r| trade_fields(r)?.into_unchecked()).collect()
}

/// The user's trades executed at or after `from`, in execution order.
pub(super) async fn trades_since(p: &SqlitePool, user_id: Uuid, from: DateTime<Utc>) -> StoreResult<Vec<Trade>> {
    let rows = sqlx::query(&format!(
        "SELECT {TRADE_COLUMNS} FROM trades WHERE user_id = ? AND executed_at >= ? ORDER BY executed_at, id"
    ))
    .bind(user_id.to_string())
    .bind(ts(from))
    .fetch_all(p)
    .await?;
    rows.iter().map(|r| trade_fields(r)?.into_unchecked()).collect()
}

/// Writes `rows`, replacing the stored row of the same (trade, check). They are written in small transactions, so
/// that trade ingestion is never queued behind a whole recomputation; a crash in between leaves the job to run
/// again.
pub(super) async fn upsert_audit(
    store: &super::SqliteStore,
    user_id: Uuid,
    rows: &[CheckResult<'_>],
) -> StoreResult<()> {
    let uid = user_id.to_string();
    let now = ts(Utc::now());
    // The rows' text is made before the writer lock is taken, and the lock is held for one small chunk at a time:
    // trade ingestion waits for the writer behind at most one chunk.
    let texts: Vec<(String, String)> =
        rows.iter().map(|r| (r.reason().to_string(), r.metadata.to_json().to_string())).collect();
    for (i, (chunk, texts)) in rows.chunks(AUDIT_CHUNK).zip(texts.chunks(AUDIT_CHUNK)).enumerate() {
        if i > 0 {
            tokio::time::sleep(AUDIT_PAUSE).await;
        }
        // One statement per chunk, in its own (autocommit) transaction: one round trip under the writer lock.
        let _writer = store.writer.lock().await;
        let mut q = QueryBuilder::new(
            "INSERT INTO compliance_audit (trade_id, user_id, check_name, status, reason, metadata, created_at) ",
        );
        q.push_values(chunk.iter().zip(texts), |mut b, (r, (reason, metadata))| {
            b.push_bind(&*r.trade_id)
                .push_bind(&uid)
                .push_bind(r.check_name)
                .push_bind(r.status.as_str())
                .push_bind(reason)
                .push_bind(metadata)
                .push_bind(&now);
        });
        q.push(
            " ON CONFLICT (trade_id, check_name) DO UPDATE SET status = excluded.status, reason = excluded.reason,
              metadata = excluded.metadata",
        );
        q.build().execute(&store.derived).await?;
    }
    Ok(())
}

/// Fail and flag rows of a user's trades executed at or after `since`, by check.
pub(super) async fn problem_counts(
    p: &SqlitePool,
    user_id: Uuid,
    since: DateTime<Utc>,
) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT a.check_name, COUNT(*) FROM compliance_audit a JOIN trades t ON t.id = a.trade_id
         WHERE a.user_id = ?1 AND a.status IN ('fail', 'flag') AND t.executed_at >= ?2 GROUP BY a.check_name",
    )
    .bind(user_id.to_string())
    .bind(ts(since))
    .fetch_all(p)
    .await?)
}

pub(super) async fn audit(p: &SqlitePool, user_id: Uuid, q: &AuditQuery) -> StoreResult<(Vec<AuditRow>, i64)> {
    let filters = "FROM compliance_audit a JOIN trades t ON t.id = a.trade_id
        WHERE a.user_id = ?1 AND (?2 IS NULL OR a.status = ?2) AND (?3 IS NULL OR a.check_name = ?3)
          AND (?4 IS NULL OR t.executed_at >= ?4) AND (?5 IS NULL OR t.executed_at < ?5)";
    let (from, to) = (q.from.map(ts), q.to.map(ts));
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filters}"))
        .bind(user_id.to_string())
        .bind(&q.status)
        .bind(&q.check_name)
        .bind(&from)
        .bind(&to)
        .fetch_one(p)
        .await?;
    if q.limit == 0 {
        return Ok((Vec::new(), total));
    }
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.trade_id, a.check_name, a.status, a.reason, a.metadata, a.created_at, t.executed_at {filters}
         ORDER BY t.executed_at DESC, a.id LIMIT ?6 OFFSET ?7"
    ))
    .bind(user_id.to_string())
    .bind(&q.status)
    .bind(&q.check_name)
    .bind(&from)
    .bind(&to)
    .bind(q.limit)
    .bind(q.offset)
    .fetch_all(p)
    .await?;
    let rows = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(AuditRow {
                id: id.to_string(),
                trade_id: parse_uuid(r.try_get("trade_id")?)?,
                check_name: r.try_get("check_name")?,
                status: r.try_get("status")?,
                reason: r.try_get("reason")?,
                metadata: serde_json::from_str(r.try_get("metadata")?)
                    .map_err(|e| StoreError::Corrupt(format!("audit metadata: {e}")))?,
                created_at: Some(parse_ts(r.try_get("created_at")?)?),
                executed_at: parse_ts(r.try_get("executed_at")?)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((rows, total))
}

/// Puts failed job `id` back as pending, due at `at`, or folds it into its user's pending job of its kind (the
/// range widens; NULL, "every trade", wins). The caller holds the writer lock.
pub(super) async fn retry_job(p: &SqlitePool, id: i64, error: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
    let merged = sqlx::query(
        "UPDATE kairo_jobs AS k SET dirty_from = CASE WHEN k.dirty_from IS NULL OR f.dirty_from IS NULL THEN NULL
                                                      ELSE min(k.dirty_from, f.dirty_from) END
           FROM (SELECT id, kind, user_id, dirty_from FROM kairo_jobs WHERE id = ?1) AS f
          WHERE k.kind = f.kind AND k.user_id = f.user_id AND k.locked_until IS NULL AND k.id <> f.id",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if merged > 0 {
        sqlx::query("DELETE FROM kairo_jobs WHERE id = ?").bind(id).execute(&mut *tx).await?;
    } else {
        sqlx::query("UPDATE kairo_jobs SET run_at = ?, locked_until = NULL, last_error = ? WHERE id = ?")
            .bind(ts(at))
            .bind(error)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn claim_job(p: &SqlitePool) -> StoreResult<Option<Job>> {
    let now = Utc::now();
    let lease = now + chrono::Duration::from_std(JOB_LEASE).unwrap_or_default();
    let row = sqlx::query(
        "UPDATE kairo_jobs SET locked_until = ?1, attempts = attempts + 1
         WHERE id = (SELECT id FROM kairo_jobs WHERE run_at <= ?2 AND (locked_until IS NULL OR locked_until < ?2)
                     ORDER BY run_at, id LIMIT 1)
         RETURNING id, kind, user_id, attempts, dirty_from",
    )
    .bind(ts(lease))
    .bind(ts(now))
    .fetch_all(p) // to the statement's end, so that a failed commit is reported (see `insert_user_trades`)
    .await?;
    row.into_iter()
        .next()
        .map(|r| {
            Ok(Job {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                user_id: parse_uuid(r.try_get("user_id")?)?,
                attempts: r.try_get("attempts")?,
                // A range that cannot be read is widened to every trade (a superset is always correct), never left to
                // fail the claim again and again.
                dirty_from: r.try_get::<Option<&str>, _>("dirty_from")?.and_then(|s| parse_ts(s).ok()),
            })
        })
        .transpose()
}

pub(super) async fn cached_metrics(p: &SqlitePool, user_id: Uuid) -> StoreResult<Option<CachedMetrics>> {
    let row = sqlx::query(
        "SELECT body, EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = ?1) AS stale
         FROM kairo_metrics_cache WHERE user_id = ?1",
    )
    .bind(user_id.to_string())
    .fetch_optional(p)
    .await?;
    row.map(|r| Ok(CachedMetrics { stale: r.try_get("stale")?, body: r.try_get("body")? })).transpose()
}

pub(super) async fn put_metrics(p: &SqlitePool, user_id: Uuid, trades: i64, body: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO kairo_metrics_cache (user_id, trades, body, computed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET trades = excluded.trades, body = excluded.body,
           computed_at = excluded.computed_at WHERE excluded.trades >= kairo_metrics_cache.trades",
    )
    .bind(user_id.to_string())
    .bind(trades)
    .bind(body)
    .bind(ts(Utc::now()))
    .execute(p)
    .await?;
    Ok(())
}

pub(super) async fn prices(p: &SqlitePool, symbols: &[String]) -> StoreResult<Vec<(String, NaiveDate, Decimal)>> {
    if symbols.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::new("SELECT symbol, date, close FROM benchmarks WHERE symbol IN (");
    let mut list = q.separated(", ");
    for s in symbols {
        list.push_bind(s);
    }
    q.push(") ORDER BY symbol, date");
    let rows = q.build().fetch_all(p).await?;
    rows.iter()
        .map(|r| {
            let d: String = r.try_get("date")?;
            Ok((
                r.try_get("symbol")?,
                d.parse().map_err(|e| StoreError::Corrupt(format!("date {d:?}: {e}")))?,
                parse_dec(r.try_get("close")?)?,
            ))
        })
        .collect()
}
