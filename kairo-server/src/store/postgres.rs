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
    AuditQuery, AuditRow, CachedMetrics, Job, NewTrade, NewUserRow, StoreError, StoreResult, StoredTrade, TradeRow,
    User, AUDIT_CHUNK, AUDIT_PAUSE, FREE_PLAN, JOB_DEBOUNCE, JOB_LEASE, NO_SUBSCRIPTION,
};

fn user_row(r: &sqlx::postgres::PgRow) -> StoreResult<User> {
    let plan: Option<String> = r.try_get("subscriptionPlan")?;
    let status: Option<String> = r.try_get("subscriptionStatus")?;
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        username: r.try_get("username")?,
        account_type: r.try_get("account_type")?,
        subscription_plan: plan.unwrap_or_else(|| FREE_PLAN.to_owned()),
        subscription_status: status.unwrap_or_else(|| NO_SUBSCRIPTION.to_owned()),
        created_at: r.try_get("created_at")?,
    })
}

/// The columns of a user: the seed's, and the account type from `kairo_accounts` (cash without a row).
const USER_SELECT: &str = r#"SELECT u.id, u.email, u.username, COALESCE(a.account_type, 'cash') AS account_type,
    u."subscriptionPlan", u."subscriptionStatus", u.created_at
    FROM users u LEFT JOIN kairo_accounts a ON a.user_id = u.id"#;

pub(super) async fn create_user(p: &PgPool, u: &NewUserRow<'_>) -> StoreResult<User> {
    sqlx::query(
        "WITH u AS (INSERT INTO users (id, email, username) VALUES ($1, $2, $3) RETURNING id)
         INSERT INTO kairo_accounts (user_id, account_type) SELECT id, $4 FROM u",
    )
    .bind(u.id)
    .bind(u.email)
    .bind(u.username)
    .bind(u.account_type)
    .execute(p)
    .await?;
    user(p, u.id).await?.ok_or_else(|| StoreError::Failed(format!("user {} vanished after its insert", u.id)))
}

pub(super) async fn user(p: &PgPool, id: Uuid) -> StoreResult<Option<User>> {
    let row = sqlx::query(&format!("{USER_SELECT} WHERE u.id = $1")).bind(id).fetch_optional(p).await?;
    row.as_ref().map(user_row).transpose()
}

/// Sets the account type of a user (a row of `kairo_accounts`).
pub(super) async fn set_account_type(p: &PgPool, id: Uuid, account_type: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO kairo_accounts (user_id, account_type) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET account_type = excluded.account_type, updated_at = now()",
    )
    .bind(id)
    .bind(account_type)
    .execute(p)
    .await?;
    Ok(())
}

fn trade_row(r: &sqlx::postgres::PgRow) -> StoreResult<Trade> {
    trade_fields(r)?.into_trade()
}

fn trade_fields(r: &sqlx::postgres::PgRow) -> StoreResult<TradeRow> {
    let id: Uuid = r.try_get("id")?;
    let user: Option<Uuid> = r.try_get("user_id")?;
    let side: Option<String> = r.try_get("side")?;
    Ok(TradeRow {
        id: id.to_string(),
        user_id: user.map(|u| u.to_string()).unwrap_or_default(),
        symbol: r.try_get("symbol")?,
        side: side.unwrap_or_default(),
        qty: r.try_get("qty")?,
        price: r.try_get("price")?,
        fees: r.try_get("fees")?,
        executed_at: r.try_get("executed_at")?,
        external_id: r.try_get("external_id")?,
    })
}

/// A trade's columns: the seed's, and its fees from `kairo_trade_fees` (none without a row).
const TRADE_SELECT: &str = "SELECT t.id, t.user_id, t.symbol, t.side, t.qty, t.price, COALESCE(f.fees, 0) AS fees,
    t.executed_at, t.external_id FROM trades t LEFT JOIN kairo_trade_fees f ON f.trade_id = t.id";

fn uuid_of(id: &str) -> StoreResult<Uuid> {
    id.parse().map_err(|e| StoreError::Corrupt(format!("trade id {id:?} is not a UUID: {e}")))
}

pub(super) async fn insert_trades(
    p: &PgPool,
    batches: &[(Uuid, &[NewTrade])],
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
    order.sort_by(|&(b1, i1), &(b2, i2)| batches[b1].1[i1].trade.external_id.cmp(&batches[b2].1[i2].trade.external_id));
    let mut slots: Vec<Vec<Option<StoredTrade>>> = batches.iter().map(|(_, ts)| vec![None; ts.len()]).collect();
    let mut tx = p.begin().await?;
    // The earliest new trade of each user, for the user's recompute job.
    let mut dirty: BTreeMap<Uuid, DateTime<Utc>> = BTreeMap::new();
    for (n, &(b, i)) in order.iter().enumerate() {
        let user_id = batches[b].0;
        let stored = store_trade(&mut tx, user_id, &batches[b].1[i], None).await?;
        if stored.stored.created || stored.unaudited {
            let e = dirty.entry(user_id).or_insert(stored.stored.trade.executed_at);
            *e = (*e).min(stored.stored.trade.executed_at);
        }
        slots[b][i] = Some(stored.stored);
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

/// The conflict clause of a job upsert: the user's pending job (unique per kind and user) widens its range down to
/// the new one (a NULL range, every trade, stays) and is due no later than the new one would be (a job parked after
/// failing again and again, due in the far future, is tried once more when a trade arrives; an ordinary pending
/// job is due earlier already).
macro_rules! widen_pending_job {
    () => {
        "ON CONFLICT (kind, user_id) WHERE locked_until IS NULL
         DO UPDATE SET dirty_from = CASE WHEN kairo_jobs.dirty_from IS NULL THEN NULL
                                         ELSE LEAST(kairo_jobs.dirty_from, excluded.dirty_from) END,
                       run_at = LEAST(kairo_jobs.run_at, excluded.run_at)
          WHERE kairo_jobs.dirty_from > excluded.dirty_from OR kairo_jobs.run_at > excluded.run_at"
    };
}

/// Stores trade `$1` .. `$10` (id, user, symbol, side, qty, price, fees, executed at, external id, raw payload) in
/// the seed's `trades` (its fees in `kairo_trade_fees`), unless a trade with its id or its external id is stored
/// already, and with `$11` not NULL enqueues its user's recompute due at `$11` (or widens the pending one) when the
/// trade is new or not audited yet (stored by another program). One statement: one round trip, its own
/// transaction. Answers whether the trade was inserted and whether the trade of that id has audit rows.
///
/// A broker id is claimed in `kairo_external_ids` first: its primary key makes two concurrent stores of one id
/// wait for each other (the seed's `trades` has no unique constraint on `external_id`); an id in `trades` that
/// kairo did not claim (another program stored it) counts as stored too.
const STORE_TRADE: &str = concat!(
    "WITH x AS (
        INSERT INTO kairo_external_ids (external_id, trade_id)
        SELECT $9, $1 WHERE $9::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM trades WHERE external_id = $9)
        ON CONFLICT (external_id) DO NOTHING RETURNING trade_id),
     t AS (
        INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at, external_id, raw)
        SELECT $1, $2, $3, $4, $5, $6, $8, $9, $10::jsonb WHERE $9::text IS NULL OR EXISTS (SELECT 1 FROM x)
        ON CONFLICT (id) DO NOTHING RETURNING id),
     f AS (INSERT INTO kairo_trade_fees (trade_id, fees) SELECT id, $7 FROM t WHERE $7 > 0),
     audited AS (SELECT EXISTS (SELECT 1 FROM compliance_audit WHERE trade_id = $1) AS yes),
     j AS (INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from)
        SELECT 'recompute', $2, $11, $8 FROM audited
         WHERE $11::timestamptz IS NOT NULL AND (EXISTS (SELECT 1 FROM t) OR NOT audited.yes) ",
    widen_pending_job!(),
    ")
     SELECT EXISTS (SELECT 1 FROM t) AS created, (SELECT yes FROM audited) AS audited"
);

/// Enqueues a recompute of user `$1` due at `$2` from the trades executed at `$3` on, or widens the user's pending
/// one.
const ENQUEUE: &str = concat!(
    "INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from) VALUES ('recompute', $1, $2, $3) ",
    widen_pending_job!()
);

/// Enqueues (or widens the pending) recompute of `user_id` from the trades executed at `from` on.
pub(super) async fn enqueue(tx: &mut sqlx::PgConnection, user_id: Uuid, from: DateTime<Utc>) -> StoreResult<()> {
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

/// See [`Store::sweep_unaudited`](super::Store::sweep_unaudited): one statement, which also moves the sweep's
/// mark; due one debounce interval after the sweep (a pending job due earlier stays so).
pub(super) async fn sweep_unaudited(p: &PgPool) -> StoreResult<u64> {
    let queued: i64 = sqlx::query_scalar(concat!(
        "WITH w AS (SELECT COALESCE((SELECT swept_to FROM kairo_sweep), '-infinity') - interval '10 minutes' AS since,
                           now() AS upto),
              found AS (
                SELECT t.user_id, min(t.executed_at) AS dirty_from FROM trades t, w
                 WHERE t.created_at >= w.since AND t.user_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM compliance_audit a WHERE a.trade_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM kairo_jobs j WHERE j.user_id = t.user_id AND j.locked_until IS NOT NULL)
                 GROUP BY t.user_id),
              j AS (INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from)
                    SELECT 'recompute', user_id, $1, dirty_from FROM found ",
        widen_pending_job!(),
        " RETURNING 1),
              s AS (INSERT INTO kairo_sweep (id, swept_to) SELECT true, upto FROM w
                    ON CONFLICT (id) DO UPDATE SET swept_to = excluded.swept_to)
         SELECT count(*) FROM j"
    ))
    .bind(Utc::now() + JOB_DEBOUNCE)
    .fetch_one(p)
    .await?;
    Ok(queued.max(0) as u64)
}

/// One trade with its user's recompute, in one statement (its own transaction): one round trip.
async fn insert_one(p: &PgPool, user_id: Uuid, t: &NewTrade) -> StoreResult<StoredTrade> {
    let mut c = p.acquire().await?;
    Ok(store_trade(&mut c, user_id, t, Some(Utc::now() + JOB_DEBOUNCE)).await?.stored)
}

/// What [`STORE_TRADE`] did with a trade.
struct Outcome {
    stored: StoredTrade,
    /// The trade of that id is stored but has no audit rows (another program stored it).
    unaudited: bool,
}

/// Runs [`STORE_TRADE`] for `t` of `user_id` (enqueueing its recompute due at `job_at` when given), and reads the
/// stored trade back when it was stored before.
async fn store_trade(
    c: &mut sqlx::PgConnection,
    user_id: Uuid,
    t: &NewTrade,
    job_at: Option<DateTime<Utc>>,
) -> StoreResult<Outcome> {
    let trade = &t.trade;
    let id = uuid_of(&trade.id)?;
    let (created, audited): (bool, bool) = sqlx::query_as(STORE_TRADE)
        .bind(id)
        .bind(user_id)
        .bind(&trade.symbol)
        .bind(trade.side.as_str())
        .bind(trade.qty)
        .bind(trade.price)
        .bind(trade.fees)
        .bind(trade.executed_at)
        .bind(&trade.external_id)
        .bind(t.raw.as_deref())
        .bind(job_at)
        .fetch_one(&mut *c)
        .await?;
    if created {
        return Ok(Outcome { stored: StoredTrade { trade: trade.clone(), created: true }, unaudited: false });
    }
    // Stored before: under the external id (when the new trade's id is not in `trades`), else under the id.
    let by_id = sqlx::query(&format!("{TRADE_SELECT} WHERE t.id = $1")).bind(id).fetch_optional(&mut *c).await?;
    let (row, same_id) = match by_id {
        Some(row) => (row, true),
        None => {
            let row = sqlx::query(&format!(
                "{TRADE_SELECT} WHERE t.id = COALESCE((SELECT trade_id FROM kairo_external_ids WHERE external_id = $1),
                    (SELECT id FROM trades WHERE external_id = $1 ORDER BY created_at NULLS LAST, id LIMIT 1))"
            ))
            .bind(&trade.external_id)
            .fetch_one(&mut *c)
            .await?;
            (row, false)
        }
    };
    let stored = trade_row(&row)?;
    if stored.user_id != user_id.to_string() {
        return Err(match (&trade.external_id, same_id) {
            (Some(e), false) => StoreError::ExternalIdTaken(e.clone()),
            _ => StoreError::TradeIdTaken(trade.id.clone()),
        });
    }
    Ok(Outcome { stored: StoredTrade { trade: stored, created: false }, unaudited: same_id && !audited })
}

pub(super) async fn trades(p: &PgPool, user_id: Uuid) -> StoreResult<Vec<Trade>> {
    let rows = sqlx::query(&format!("{TRADE_SELECT} WHERE t.user_id = $1 ORDER BY t.executed_at, t.id"))
        .bind(user_id)
        .fetch_all(p)
        .await?;
    rows.iter().map(|r| trade_fields(r)?.into_unchecked()).collect()
}

/// The user's trades executed at or after `from`, in execution order.
pub(super) async fn trades_since(p: &PgPool, user_id: Uuid, from: DateTime<Utc>) -> StoreResult<Vec<Trade>> {
    let rows = sqlx::query(&format!(
        "{TRADE_SELECT} WHERE t.user_id = $1 AND t.executed_at >= $2 ORDER BY t.executed_at, t.id"
    ))
    .bind(user_id)
    .bind(from)
    .fetch_all(p)
    .await?;
    rows.iter().map(|r| trade_fields(r)?.into_unchecked()).collect()
}

/// Writes a job's audit rows in one transaction, [`AUDIT_CHUNK`] rows per statement with a pause between two,
/// the columns bound as arrays (`UNNEST`), so that every chunk runs the same prepared statement whatever its
/// length (a `VALUES` list of each length would be parsed and planned anew). Each chunk replaces the rows of its
/// (trade, check) pairs, under a transaction lock of the user so that the user's writers take turns: with the unique
/// index on (trade, check) that migration 0002 creates where the table allows it, by one upsert; without it (the
/// seed's `compliance_audit` has no unique constraint, and rows another service left twice keep the index from
/// being made), by a delete and an insert, leaving one row per trade and check. Row ids are time-ordered UUIDs
/// (version 7), so that the primary key's index grows at its end.
pub(super) async fn upsert_audit(p: &PgPool, user_id: Uuid, rows: &[CheckResult<'_>]) -> StoreResult<()> {
    const INSERT: &str = "INSERT INTO compliance_audit (id, trade_id, user_id, check_name, status, reason, metadata)
         SELECT u.id, u.trade_id, $1, u.check_name, u.status, u.reason, u.metadata::jsonb
           FROM UNNEST($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
                AS u (id, trade_id, check_name, status, reason, metadata)";
    let mut tx = p.begin().await?;
    let (unique,): (bool,) = sqlx::query_as(
        "SELECT to_regclass('kairo_compliance_audit_one') IS NOT NULL
           FROM (SELECT pg_advisory_xact_lock(hashtextextended('kairo.audit:' || $1::text, 0))) AS locked",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    for (i, chunk) in rows.chunks(AUDIT_CHUNK).enumerate() {
        if i > 0 {
            tokio::time::sleep(AUDIT_PAUSE).await;
        }
        let mut ids = Vec::with_capacity(chunk.len());
        let mut trades = Vec::with_capacity(chunk.len());
        let (mut checks, mut statuses) = (Vec::with_capacity(chunk.len()), Vec::with_capacity(chunk.len()));
        let (mut reasons, mut metadata) = (Vec::with_capacity(chunk.len()), Vec::with_capacity(chunk.len()));
        for r in chunk {
            ids.push(Uuid::now_v7());
            trades.push(uuid_of(&r.trade_id)?);
            checks.push(r.check_name);
            statuses.push(r.status.as_str());
            reasons.push(r.reason().into_owned());
            metadata.push(r.metadata.to_json().to_string());
        }
        let insert = if unique {
            format!(
                "{INSERT} ON CONFLICT (trade_id, check_name) DO UPDATE SET user_id = excluded.user_id, \
                 status = excluded.status, reason = excluded.reason, metadata = excluded.metadata"
            )
        } else {
            // Two statements: within one, a DELETE and an INSERT of the same key run in no set order.
            sqlx::query(
                "DELETE FROM compliance_audit a USING UNNEST($1::uuid[], $2::text[]) AS u (trade_id, check_name)
                  WHERE a.trade_id = u.trade_id AND a.check_name = u.check_name",
            )
            .bind(&trades)
            .bind(&checks)
            .execute(&mut *tx)
            .await?;
            INSERT.to_owned()
        };
        sqlx::query(&insert)
            .bind(user_id)
            .bind(&ids)
            .bind(&trades)
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
            let metadata: Option<sqlx::types::Json<serde_json::Value>> = r.try_get("metadata")?;
            let id: Uuid = r.try_get("id")?;
            let metadata = metadata.unwrap_or_default();
            Ok(AuditRow {
                id: id.to_string(),
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
    let rows = sqlx::query(
        "SELECT symbol, date, close FROM benchmarks WHERE symbol = ANY($1) AND close IS NOT NULL ORDER BY symbol, date",
    )
    .bind(symbols)
    .fetch_all(p)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("symbol")?, r.try_get("date")?, r.try_get("close")?))).collect()
}
