//! The event log (`kairo_events`) and the webhook deliveries queued with it (`kairo_webhook_deliveries`).
//!
//! Events are appended in one transaction with their deliveries. Ids are committed in the order they are drawn
//! (SQLite: the service's single writer; PostgreSQL: the advisory lock `EVENTS_LOCK` taken by every appending
//! transaction), so a reader that resumes after id N misses nothing and sees nothing twice.

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::sqlite::{parse_ts, parse_uuid, ts};
use super::{Store, StoreResult};

/// The advisory lock key of the event log on PostgreSQL (`kairo_events` as eight ASCII bytes).
const EVENTS_LOCK: i64 = 0x6b61_6972_6f65_7674;

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Whose event it is.
    pub user_id: Uuid,
    /// Its type (`compliance.fail`, `wash_sale`, ...).
    pub kind: &'static str,
    /// The outcome it reports, when another path may report the same one: written once per user.
    pub dedupe: Option<String>,
    /// Its payload (a JSON object).
    pub data: serde_json::Value,
}

/// A stored event.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// Its id: increasing in the order of the log.
    pub id: i64,
    /// Whose event it is.
    pub user_id: Uuid,
    /// Its type.
    pub kind: String,
    /// Its payload, as JSON text.
    pub data: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A webhook delivery claimed for an attempt.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The delivery's id.
    pub id: i64,
    /// The endpoint's URL.
    pub endpoint: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// The event to deliver.
    pub event: EventRow,
}

/// What the delivery queue holds, for `/health`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DeliveryQueue {
    /// Deliveries not yet acknowledged.
    pub pending: i64,
    /// Of them, those whose last attempt failed.
    pub failing: i64,
    /// When the oldest pending delivery was queued.
    pub oldest: Option<DateTime<Utc>>,
    /// The error of the most recent failed attempt among the failing ones.
    pub last_error: Option<String>,
}

/// How long a claimed delivery is held before another worker may try it (a worker that died mid-attempt).
const DELIVERY_LEASE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

impl Store {
    /// Appends `events` (those whose `dedupe` the user already has are left out) and queues a delivery of each to
    /// every endpoint of `endpoints`, in one transaction. Returns the ids written, in order.
    pub async fn append_events(&self, events: &[NewEvent], endpoints: &[String]) -> StoreResult<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids = Vec::with_capacity(events.len());
        match self {
            Store::Sqlite(p) => {
                let now = ts(Utc::now());
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                for e in events {
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO kairo_events (user_id, kind, dedupe, data, created_at) VALUES (?, ?, ?, ?, ?)
                         ON CONFLICT (user_id, dedupe) WHERE dedupe IS NOT NULL DO NOTHING RETURNING id",
                    )
                    .bind(e.user_id.to_string())
                    .bind(e.kind)
                    .bind(e.dedupe.as_deref())
                    .bind(e.data.to_string())
                    .bind(&now)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else { continue };
                    for endpoint in endpoints {
                        sqlx::query(
                            "INSERT INTO kairo_webhook_deliveries (event_id, endpoint, run_at, created_at)
                             VALUES (?, ?, ?, ?)",
                        )
                        .bind(id)
                        .bind(endpoint)
                        .bind(&now)
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    ids.push(id);
                }
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(EVENTS_LOCK).execute(&mut *tx).await?;
                let users: Vec<Uuid> = events.iter().map(|e| e.user_id).collect();
                let kinds: Vec<&str> = events.iter().map(|e| e.kind).collect();
                let dedupes: Vec<Option<&str>> = events.iter().map(|e| e.dedupe.as_deref()).collect();
                let data: Vec<String> = events.iter().map(|e| e.data.to_string()).collect();
                ids = sqlx::query_scalar(
                    "INSERT INTO kairo_events (user_id, kind, dedupe, data)
                     SELECT u, k, d, x::jsonb FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[])
                          WITH ORDINALITY AS e (u, k, d, x, n) ORDER BY n
                     ON CONFLICT (user_id, dedupe) WHERE dedupe IS NOT NULL DO NOTHING RETURNING id",
                )
                .bind(&users)
                .bind(&kinds)
                .bind(&dedupes)
                .bind(&data)
                .fetch_all(&mut *tx)
                .await?;
                ids.sort_unstable();
                if !endpoints.is_empty() && !ids.is_empty() {
                    sqlx::query(
                        "INSERT INTO kairo_webhook_deliveries (event_id, endpoint)
                         SELECT e, w FROM UNNEST($1::bigint[]) AS e, UNNEST($2::text[]) AS w",
                    )
                    .bind(&ids)
                    .bind(endpoints)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(ids)
    }

    /// Up to `limit` events after id `after`, of `user` or of everyone, in the order of the log.
    pub async fn events_after(&self, after: i64, user: Option<Uuid>, limit: i64) -> StoreResult<Vec<EventRow>> {
        const COLUMNS: &str = "id, user_id, kind, data, created_at";
        match self {
            Store::Sqlite(p) => {
                let sql = match user {
                    Some(_) => format!(
                        "SELECT {COLUMNS} FROM kairo_events WHERE user_id = ?2 AND id > ?1 ORDER BY id LIMIT ?3"
                    ),
                    None => format!("SELECT {COLUMNS} FROM kairo_events WHERE id > ?1 ORDER BY id LIMIT ?3"),
                };
                let rows = sqlx::query(&sql)
                    .bind(after)
                    .bind(user.map(|u| u.to_string()))
                    .bind(limit)
                    .fetch_all(&p.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(EventRow {
                            id: r.try_get("id")?,
                            user_id: parse_uuid(r.try_get("user_id")?)?,
                            kind: r.try_get("kind")?,
                            data: r.try_get("data")?,
                            created_at: parse_ts(r.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }
            Store::Postgres(p) => {
                const SQL: &str = "SELECT id, user_id, kind, data::text AS data, created_at FROM kairo_events";
                let rows = match user {
                    Some(u) => {
                        sqlx::query(&format!("{SQL} WHERE user_id = $2 AND id > $1 ORDER BY id LIMIT $3"))
                            .bind(after)
                            .bind(u)
                            .bind(limit)
                            .fetch_all(p)
                            .await?
                    }
                    None => {
                        sqlx::query(&format!("{SQL} WHERE id > $1 ORDER BY id LIMIT $2"))
                            .bind(after)
                            .bind(limit)
                            .fetch_all(p)
                            .await?
                    }
                };
                rows.iter()
                    .map(|r| {
                        Ok(EventRow {
                            id: r.try_get("id")?,
                            user_id: r.try_get("user_id")?,
                            kind: r.try_get("kind")?,
                            data: r.try_get("data")?,
                            created_at: r.try_get("created_at")?,
                        })
                    })
                    .collect()
            }
        }
    }

    /// The id of the newest event, of `user` or of everyone (0 with none).
    pub async fn last_event_id(&self, user: Option<Uuid>) -> StoreResult<i64> {
        let id: Option<i64> = match (self, user) {
            (Store::Sqlite(p), Some(u)) => {
                sqlx::query_scalar("SELECT MAX(id) FROM kairo_events WHERE user_id = ?")
                    .bind(u.to_string())
                    .fetch_one(&p.pool)
                    .await?
            }
            (Store::Sqlite(p), None) => {
                sqlx::query_scalar("SELECT MAX(id) FROM kairo_events").fetch_one(&p.pool).await?
            }
            (Store::Postgres(p), Some(u)) => {
                sqlx::query_scalar("SELECT MAX(id) FROM kairo_events WHERE user_id = $1").bind(u).fetch_one(p).await?
            }
            (Store::Postgres(p), None) => sqlx::query_scalar("SELECT MAX(id) FROM kairo_events").fetch_one(p).await?,
        };
        Ok(id.unwrap_or(0))
    }

    /// The pattern-day-trader designation the user's last `pdt.status_changed` event reported (`false` before any).
    pub async fn last_pdt_status(&self, user: Uuid) -> StoreResult<bool> {
        const KIND: &str = "pdt.status_changed";
        let data: Option<String> = match self {
            Store::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT data FROM kairo_events WHERE user_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                )
                .bind(user.to_string())
                .bind(KIND)
                .fetch_optional(&p.pool)
                .await?
            }
            Store::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT data::text FROM kairo_events WHERE user_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
                )
                .bind(user)
                .bind(KIND)
                .fetch_optional(p)
                .await?
            }
        };
        Ok(data
            .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
            .and_then(|v| v["is_pattern_day_trader"].as_bool())
            .unwrap_or(false))
    }

    /// Claims up to `limit` due deliveries (each held for a minute), oldest first.
    pub async fn claim_deliveries(&self, limit: i64) -> StoreResult<Vec<Delivery>> {
        let now = Utc::now();
        let lease = now + DELIVERY_LEASE;
        match self {
            Store::Sqlite(p) => {
                let writer = p.writer.lock().await;
                let rows = sqlx::query(
                    "UPDATE kairo_webhook_deliveries SET locked_until = ?1, attempts = attempts + 1
                      WHERE id IN (SELECT id FROM kairo_webhook_deliveries
                                    WHERE run_at <= ?2 AND (locked_until IS NULL OR locked_until < ?2)
                                    ORDER BY run_at, id LIMIT ?3)
                     RETURNING id, event_id, endpoint, attempts",
                )
                .bind(ts(lease))
                .bind(ts(now))
                .bind(limit)
                .fetch_all(&p.derived)
                .await?;
                drop(writer);
                // The claimed deliveries' events, read in one query.
                let ids: Vec<i64> = rows.iter().map(|r| r.try_get("event_id")).collect::<Result<_, _>>()?;
                let events = sqlx::query(
                    "SELECT id, user_id, kind, data, created_at FROM kairo_events
                      WHERE id IN (SELECT value FROM json_each(?))",
                )
                .bind(serde_json::to_string(&ids).unwrap_or_default())
                .fetch_all(&p.pool)
                .await?;
                let mut by_id = std::collections::HashMap::with_capacity(events.len());
                for r in &events {
                    let e = EventRow {
                        id: r.try_get("id")?,
                        user_id: parse_uuid(r.try_get("user_id")?)?,
                        kind: r.try_get("kind")?,
                        data: r.try_get("data")?,
                        created_at: parse_ts(r.try_get("created_at")?)?,
                    };
                    by_id.insert(e.id, e);
                }
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let Some(event) = by_id.get(&r.try_get::<i64, _>("event_id")?).cloned() else { continue };
                    out.push(Delivery {
                        id: r.try_get("id")?,
                        endpoint: r.try_get("endpoint")?,
                        attempts: r.try_get("attempts")?,
                        event,
                    });
                }
                out.sort_by_key(|d| (d.event.id, d.id));
                Ok(out)
            }
            Store::Postgres(p) => {
                let rows = sqlx::query(
                    "WITH due AS (SELECT id FROM kairo_webhook_deliveries
                                   WHERE run_at <= now() AND (locked_until IS NULL OR locked_until < now())
                                   ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
                          claimed AS (UPDATE kairo_webhook_deliveries d SET locked_until = $1, attempts = attempts + 1
                                        FROM due WHERE d.id = due.id RETURNING d.id, d.event_id, d.endpoint, d.attempts)
                     SELECT c.id, c.endpoint, c.attempts, e.id AS event_id, e.user_id, e.kind, e.data::text AS data,
                            e.created_at
                       FROM claimed c JOIN kairo_events e ON e.id = c.event_id ORDER BY e.id, c.id",
                )
                .bind(lease)
                .bind(limit)
                .fetch_all(p)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Delivery {
                            id: r.try_get("id")?,
                            endpoint: r.try_get("endpoint")?,
                            attempts: r.try_get("attempts")?,
                            event: EventRow {
                                id: r.try_get("event_id")?,
                                user_id: r.try_get("user_id")?,
                                kind: r.try_get("kind")?,
                                data: r.try_get("data")?,
                                created_at: r.try_get("created_at")?,
                            },
                        })
                    })
                    .collect()
            }
        }
    }

    /// Deletes an acknowledged delivery.
    pub async fn delivered(&self, id: i64) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlx::query("DELETE FROM kairo_webhook_deliveries WHERE id = ?").bind(id).execute(&p.derived).await?;
            }
            Store::Postgres(p) => {
                sqlx::query("DELETE FROM kairo_webhook_deliveries WHERE id = $1").bind(id).execute(p).await?;
            }
        }
        Ok(())
    }

    /// Puts a failed delivery back, due at `at`, with its error.
    pub async fn delivery_failed(&self, id: i64, error: &str, at: DateTime<Utc>) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                sqlx::query(
                    "UPDATE kairo_webhook_deliveries SET run_at = ?, locked_until = NULL, last_error = ? WHERE id = ?",
                )
                .bind(ts(at))
                .bind(error)
                .bind(id)
                .execute(&p.derived)
                .await?;
            }
            Store::Postgres(p) => {
                sqlx::query(
                    "UPDATE kairo_webhook_deliveries SET run_at = $1, locked_until = NULL, last_error = $2
                      WHERE id = $3",
                )
                .bind(at)
                .bind(error)
                .bind(id)
                .execute(p)
                .await?;
            }
        }
        Ok(())
    }

    /// What the delivery queue holds.
    pub async fn delivery_queue(&self) -> StoreResult<DeliveryQueue> {
        const COUNTS: &str = "SELECT COUNT(*), COUNT(last_error), MIN(created_at) FROM kairo_webhook_deliveries";
        const LAST: &str = "SELECT last_error FROM kairo_webhook_deliveries WHERE last_error IS NOT NULL
                             ORDER BY run_at DESC LIMIT 1";
        Ok(match self {
            Store::Sqlite(p) => {
                let (pending, failing, oldest): (i64, i64, Option<String>) =
                    sqlx::query_as(COUNTS).fetch_one(&p.pool).await?;
                let last_error = sqlx::query_scalar(LAST).fetch_optional(&p.pool).await?;
                DeliveryQueue { pending, failing, oldest: oldest.as_deref().map(parse_ts).transpose()?, last_error }
            }
            Store::Postgres(p) => {
                let (pending, failing, oldest) = sqlx::query_as(COUNTS).fetch_one(p).await?;
                let last_error = sqlx::query_scalar(LAST).fetch_optional(p).await?;
                DeliveryQueue { pending, failing, oldest, last_error }
            }
        })
    }
}
