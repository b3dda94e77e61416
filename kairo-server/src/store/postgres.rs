//! The PostgreSQL queries: NUMERIC ↔ Decimal, TIMESTAMPTZ ↔ `DateTime<Utc>`, UUID, JSONB; jobs are claimed with
//! `FOR UPDATE SKIP LOCKED`, so several replicas share the queue.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::compliance::CheckResult;
use kairo_core::Trade;
use rust_decimal::Decimal;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use super::{
    AuditQuery, AuditRow, CachedMetrics, Job, StoreError, StoreResult, StoredTrade, TradeRow, User, AUDIT_CHUNK,
    AUDIT_PAUSE, JOB_DEBOUNCE, JOB_LEASE,
};

fn user_row(r: &sqlx::postgres::PgRow) -> StoreResult<User> {
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        full_name: r.try_get("fullName")?,
        account_type: r.try_get("accountType")?,
        subscription_plan: r.try_get("subscriptionPlan")?,
        subscription_status: r.try_get("subscriptionStatus")?,
        created_at: r.try_get("createdAt")?,
    })
}

pub(super) async fn create_user(
    p: &PgPool,
    id: Uuid,
    email: Option<&str>,
    full_name: Option<&str>,
    account_type: &str,
) -> StoreResult<User> {
    let row = sqlx::query(
        r#"INSERT INTO users (id, email, "fullName", "accountType") VALUES ($1, $2, $3, $4)
           RETURNING id, email, "fullName", "accountType", "subscriptionPlan", "subscriptionStatus", "createdAt""#,
    )
    .bind(id)
    .bind(email)
    .bind(full_name)
    .bind(account_type)
    .fetch_one(p)
    .await?;
    user_row(&row)
}

pub(super) async fn user(p: &PgPool, id: Uuid) -> StoreResult<Option<User>> {
    let row = sqlx::query(r#"SELECT id, email, "fullName", "accountType", "subscriptionPlan", "subscriptionStatus", "createdAt" FROM users WHERE id = $1"#)
        .bind(id)
        .fetch_optional(p)
        .await?;
    row.as_ref().map(user_row).transpose()
}

fn trade_row(r: &sqlx::postgres::PgRow) -> StoreResult<Trade> {
    trade_fields(r)?.into_trade()
}

fn trade_fields(r: &sqlx::postgres::PgRow) -> StoreResult<TradeRow> {
    let id: Uuid = r.try_get("id")?;
    let user: Uuid = r.try_get("user_id")?;
    Ok(TradeRow {
        id: id.to_string(),
        user_id: user.to_string(),
        symbol: r.try_get("symbol")?,
        side: r.try_get("side")?,
        qty: r.try_get("qty")?,
        price: r.try_get("price")?,
        fees: r.try_get("fees")?,
        executed_at: r.try_get("executed_at")?,
        external_id: r.try_get("external_id")?,
    })
}

const TRADE_COLUMNS: &str = "id, user_id, symbol, side, qty, price, fees, executed_at, external_id";

fn uuid_of(id: &str) -> StoreResult<Uuid> {
    id.parse().map_err(|e| StoreError::Corrupt(format!("trade id {id:?} is not a UUID: {e}")))
}

pub(super) async fn insert_trades(
    p: &PgPool,
    batches: &[(Uuid, &[Trade])],
    progress: &mut (dyn FnMut(usize) + Send),
) -> StoreResult<Vec<StoredTrade>> {
    if let [(user_id, [trade])] = batches {
        // One trade (the usual request): one statement, no transaction around it.
        let stored = insert_one(p, *user_id, trade).await?;
        progress(1);
        return Ok(vec![stored]);
    }
    // The trades are inserted in the order of their external ids, whatever the order of the request: two batches
    // that share external ids then take the ids' index entries in the same order, so that one waits for the other
    // instead of each waiting for the other (a deadlock). The answer keeps the request's order.
    let mut order: Vec<(usize, usize)> =
        batches.iter().enumerate().flat_map(|(b, (_, ts))| (0..ts.len()).map(move |i| (b, i))).collect();
    order.sort_by(|&(b1, i1), &(b2, i2)| batches[b1].1[i1].external_id.cmp(&batches[b2].1[i2].external_id));
    let mut slots: Vec<Vec<Option<StoredTrade>>> = batches.iter().map(|(_, ts)| vec![None; ts.len()]).collect();
    let mut tx = p.begin().await?;
    // The earliest new trade of each user, for the user's recompute job.
    let mut dirty: BTreeMap<Uuid, DateTime<Utc>> = BTreeMap::new();
    for (n, &(b, i)) in order.iter().enumerate() {
        let user_id = batches[b].0;
        let stored = insert_user_trade(&mut tx, user_id, &batches[b].1[i]).await?;
        if stored.created {
            let e = dirty.entry(user_id).or_insert(stored.trade.executed_at);
            *e = (*e).min(stored.trade.executed_at);
        }
        slots[b][i] = Some(stored);
        if (n + 1) % 1000 == 0 {
            progress(1000);
        } else if n + 1 == order.len() {
            progress((n + 1) % 1000);
        }
    }
    let out: Vec<StoredTrade> = slots.into_iter().flatten().flatten().collect();
    // Users' pending job rows are locked (by the upserts) in user order, so that concurrent ingestions never wait
    // on each other in a cycle.
    for (user_id, from) in dirty {
        enqueue(&mut tx, user_id, from).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// The conflict clause of a job upsert: the user's pending job (unique per kind and user: migration 0005) widens its
/// range down to the new one (a NULL range, every trade, stays) and is due no later than the new one would be (a
/// job parked after failing again and again, due in the far future, is tried once more when a trade arrives; an
/// ordinary pending job is due earlier already).
macro_rules! widen_pending_job {
    () => {
        "ON CONFLICT (kind, user_id) WHERE locked_until IS NULL
         DO UPDATE SET dirty_from = CASE WHEN kairo_jobs.dirty_from IS NULL THEN NULL
                                         ELSE LEAST(kairo_jobs.dirty_from, excluded.dirty_from) END,
                       run_at = LEAST(kairo_jobs.run_at, excluded.run_at)
          WHERE kairo_jobs.dirty_from > excluded.dirty_from OR kairo_jobs.run_at > excluded.run_at"
    };
}

/// Stores trade `$1` .. `$9` (id, user, symbol, side, qty, price, fees, executed at, external id) unless its
/// external id is stored already; returns its id when stored.
macro_rules! insert_trade {
    () => {
        "INSERT INTO trades (id, user_id, symbol, side, qty, price, fees, executed_at, external_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (external_id) DO NOTHING RETURNING id"
    };
}

/// Enqueues a recompute of user `$1` due at `$2` from the trades executed at `$3` on, or widens the user's pending
/// one.
const ENQUEUE: &str = concat!(
    "INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from) VALUES ('recompute', $1, $2, $3) ",
    widen_pending_job!()
);

/// Enqueues (or widens the pending) recompute of `user_id` from the trades executed at `from` on.
async fn enqueue(tx: &mut sqlx::PgConnection, user_id: Uuid, from: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(ENQUEUE).bind(user_id).bind(Utc::now() + JOB_DEBOUNCE).bind(from).execute(&mut *tx).await?;
    Ok(())
}

/// Puts failed job `id` back as pending, due at `at`; if its user already has a pending job of its kind (queued by
/// a trade stored while it ran), the failed job is folded into that one instead: the range widens (NULL, "every
/// trade", wins) and the failed row goes.
pub(super) async fn retry_job(p: &PgPool, id: i64, error: &str, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "WITH f AS (SELECT id, kind, user_id, dirty_from FROM kairo_jobs WHERE id = $3),
              merged AS (
                UPDATE kairo_jobs k SET dirty_from = CASE WHEN k.dirty_from IS NULL OR f.dirty_from IS NULL THEN NULL
                                                          ELSE LEAST(k.dirty_from, f.dirty_from) END
                  FROM f WHERE k.kind = f.kind AND k.user_id = f.user_id AND k.locked_until IS NULL AND k.id <> f.id
                RETURNING k.id),
              gone AS (DELETE FROM kairo_jobs WHERE id = $3 AND EXISTS (SELECT 1 FROM merged) RETURNING id)
         UPDATE kairo_jobs SET run_at = $1, locked_until = NULL, last_error = $2
          WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM merged)",
    )
    .bind(at)
    .bind(error)
    .bind(id)
    .execute(p)
    .await?;
    Ok(())
}

/// One trade ([`insert_trade!`]'s parameters) and its user's recompute, due at `$10` (as [`ENQUEUE`]), in one
/// statement.
const INSERT_ONE: &str = concat!(
    "WITH t AS (",
    insert_trade!(),
    "), j AS (INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from) SELECT 'recompute', $2, $10, $8 FROM t ",
    widen_pending_job!(),
    ") SELECT id FROM t"
);

/// One trade of `user_id` with its user's recompute, in one statement (its own transaction): one round trip.
async fn insert_one(p: &PgPool, user_id: Uuid, t: &Trade) -> StoreResult<StoredTrade> {
    let inserted =
        bind_trade(sqlx::query(INSERT_ONE), user_id, t)?.bind(Utc::now() + JOB_DEBOUNCE).fetch_optional(p).await?;
    match inserted {
        Some(_) => Ok(StoredTrade { trade: t.clone(), created: true }),
        None => stored_by_external_id(p, user_id, t).await,
    }
}

/// Binds trade `t` of `user_id` as [`insert_trade!`]'s parameters `$1` .. `$9`.
fn bind_trade<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    user_id: Uuid,
    t: &'q Trade,
) -> StoreResult<sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>> {
    Ok(q.bind(uuid_of(&t.id)?)
        .bind(user_id)
        .bind(&t.symbol)
        .bind(t.side.as_str())
        .bind(t.qty)
        .bind(t.price)
        .bind(t.fees)
        .bind(t.executed_at)
        .bind(&t.external_id))
}

/// The stored trade with the `external_id` of `t` (whose insert did nothing), which must be `user_id`'s.
async fn stored_by_external_id<'c>(e: impl sqlx::PgExecutor<'c>, user_id: Uuid, t: &Trade) -> StoreResult<StoredTrade> {
    let row = sqlx::query(&format!("SELECT {TRADE_COLUMNS} FROM trades WHERE external_id = $1"))
        .bind(&t.external_id)
        .fetch_one(e)
        .await?;
    let stored = trade_row(&row)?;
    if stored.user_id != user_id.to_string() {
        return Err(StoreError::ExternalIdTaken(t.external_id.clone().unwrap_or_default()));
    }
    Ok(StoredTrade { trade: stored, created: false })
}

async fn insert_user_trade(tx: &mut sqlx::PgConnection, user_id: Uuid, t: &Trade) -> StoreResult<StoredTrade> {
    let inserted = bind_trade(sqlx::query(insert_trade!()), user_id, t)?.fetch_optional(&mut *tx).await?;
    Ok(match inserted {
        Some(_) => StoredTrade { trade: t.clone(), created: true },
        None => stored_by_external_id(&mut *tx, user_id, t).await?,
    })
}

pub(super) async fn trades(p: &PgPool, user_id: Uuid) -> StoreResult<Vec<Trade>> {
    let rows = sqlx::query(&format!("SELECT {TRADE_COLUMNS} FROM trades WHERE user_id = $1 ORDER BY executed_at, id"))
        .bind(user_id)
        .fetch_all(p)
        .await?;
    rows.iter().map(|r| trade_fields(r)?.into_unchecked()).collect()
}

/// Writes a job's audit rows in one transaction, [`AUDIT_CHUNK`] rows per statement with a pause between two,
/// the columns bound as arrays (`UNNEST`), so that every chunk runs the same prepared statement whatever its
/// length (a `VALUES` list of each length would be parsed and planned anew).
pub(super) async fn upsert_audit(p: &PgPool, user_id: Uuid, rows: &[CheckResult]) -> StoreResult<()> {
    let mut tx = p.begin().await?;
    for (i, chunk) in rows.chunks(AUDIT_CHUNK).enumerate() {
        if i > 0 {
            tokio::time::sleep(AUDIT_PAUSE).await;
        }
        let mut ids = Vec::with_capacity(chunk.len());
        let (mut checks, mut statuses) = (Vec::with_capacity(chunk.len()), Vec::with_capacity(chunk.len()));
        let (mut reasons, mut metadata) = (Vec::with_capacity(chunk.len()), Vec::with_capacity(chunk.len()));
        for r in chunk {
            ids.push(uuid_of(&r.trade_id)?);
            checks.push(r.check_name);
            statuses.push(r.status.as_str());
            reasons.push(&*r.reason);
            metadata.push(r.metadata.to_json().to_string());
        }
        sqlx::query(
            "INSERT INTO compliance_audit (trade_id, user_id, check_name, status, reason, metadata)
             SELECT u.trade_id, $1, u.check_name, u.status, u.reason, u.metadata::jsonb
               FROM UNNEST($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])
                    AS u (trade_id, check_name, status, reason, metadata)
             ON CONFLICT (trade_id, check_name) DO UPDATE SET status = excluded.status, reason = excluded.reason,
                metadata = excluded.metadata",
        )
        .bind(user_id)
        .bind(&ids)
        .bind(&checks)
        .bind(&statuses)
        .bind(&reasons)
        .bind(&metadata)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Fail and flag rows of a user's trades executed at or after `since`, by check.
pub(super) async fn problem_counts(p: &PgPool, user_id: Uuid, since: DateTime<Utc>) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT a.check_name, COUNT(*) FROM compliance_audit a JOIN trades t ON t.id = a.trade_id
         WHERE a.user_id = $1 AND a.status IN ('fail', 'flag') AND t.executed_at >= $2 GROUP BY a.check_name",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(p)
    .await?)
}

pub(super) async fn audit(p: &PgPool, user_id: Uuid, q: &AuditQuery) -> StoreResult<(Vec<AuditRow>, i64)> {
    let filters = "FROM compliance_audit a JOIN trades t ON t.id = a.trade_id
        WHERE a.user_id = $1 AND ($2::text IS NULL OR a.status = $2) AND ($3::text IS NULL OR a.check_name = $3)
          AND ($4::timestamptz IS NULL OR t.executed_at >= $4) AND ($5::timestamptz IS NULL OR t.executed_at < $5)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filters}"))
        .bind(user_id)
        .bind(&q.status)
        .bind(&q.check_name)
        .bind(q.from)
        .bind(q.to)
        .fetch_one(p)
        .await?;
    if q.limit == 0 {
        return Ok((Vec::new(), total));
    }
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.trade_id, a.check_name, a.status, a.reason, a.metadata, a.created_at, t.executed_at {filters}
         ORDER BY t.executed_at DESC, a.id LIMIT $6 OFFSET $7"
    ))
    .bind(user_id)
    .bind(&q.status)
    .bind(&q.check_name)
    .bind(q.from)
    .bind(q.to)
    .bind(q.limit)
    .bind(q.offset)
    .fetch_all(p)
    .await?;
    let rows = rows
        .iter()
        .map(|r| {
            let metadata: sqlx::types::Json<serde_json::Value> = r.try_get("metadata")?;
            Ok(AuditRow {
                id: r.try_get("id")?,
                trade_id: r.try_get("trade_id")?,
                check_name: r.try_get("check_name")?,
                status: r.try_get("status")?,
                reason: r.try_get("reason")?,
                metadata: metadata.0,
                created_at: r.try_get("created_at")?,
                executed_at: r.try_get("executed_at")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((rows, total))
}

pub(super) async fn claim_job(p: &PgPool) -> StoreResult<Option<Job>> {
    let lease = Utc::now() + chrono::Duration::from_std(JOB_LEASE).unwrap_or_default();
    let row = sqlx::query(
        "UPDATE kairo_jobs SET locked_until = $1, attempts = attempts + 1
         WHERE id = (SELECT id FROM kairo_jobs WHERE run_at <= now() AND (locked_until IS NULL OR locked_until < now())
                     ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, user_id, attempts, dirty_from",
    )
    .bind(lease)
    .fetch_optional(p)
    .await?;
    row.map(|r| {
        Ok(Job {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            user_id: r.try_get("user_id")?,
            attempts: r.try_get("attempts")?,
            dirty_from: r.try_get("dirty_from")?,
        })
    })
    .transpose()
}

pub(super) async fn cached_metrics(p: &PgPool, user_id: Uuid) -> StoreResult<Option<CachedMetrics>> {
    let row = sqlx::query(
        "SELECT body::text AS body, EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = $1) AS stale
         FROM kairo_metrics_cache WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(p)
    .await?;
    row.map(|r| Ok(CachedMetrics { stale: r.try_get("stale")?, body: r.try_get("body")? })).transpose()
}

pub(super) async fn put_metrics(p: &PgPool, user_id: Uuid, trades: i64, body: &serde_json::Value) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO kairo_metrics_cache (user_id, trades, body) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET trades = excluded.trades, body = excluded.body, computed_at = now()
         WHERE excluded.trades >= kairo_metrics_cache.trades",
    )
    .bind(user_id)
    .bind(trades)
    .bind(sqlx::types::Json(body))
    .execute(p)
    .await?;
    Ok(())
}

pub(super) async fn prices(p: &PgPool, symbols: &[String]) -> StoreResult<Vec<(String, NaiveDate, Decimal)>> {
    let rows = sqlx::query("SELECT symbol, date, close FROM benchmarks WHERE symbol = ANY($1) ORDER BY symbol, date")
        .bind(symbols)
        .fetch_all(p)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("symbol")?, r.try_get("date")?, r.try_get("close")?))).collect()
}
