//! `kairo_audit_log`: who did what, when — one row per state-changing request and per webhook delivery.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{QueryBuilder, Row};

use super::sqlite::{parse_ts, ts};
use super::{Store, StoreResult};

/// One entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// When the request finished.
    pub at: DateTime<Utc>,
    /// `service`, `user:<id>`, `stripe`, or `anonymous` (no valid credentials).
    pub actor: String,
    /// Method and route, `POST /trades`.
    pub action: String,
    /// The path requested (with its ids).
    pub target: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The request id (`x-request-id`).
    pub request_id: String,
    /// What the handler adds: the user created, trades stored, the Stripe event and its outcome.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A page of the log, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditLogQuery {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// At most this many.
    pub limit: i64,
}

/// Entries written per SQLite transaction.
const SQLITE_CHUNK: usize = 64;

impl Store {
    /// Appends `entries`, removing each from the vector once it is committed: on PostgreSQL in one transaction, on
    /// SQLite in transactions of 64 entries. On an error the entries not yet written are still in `entries`.
    pub async fn append_audit_log(&self, entries: &mut Vec<AuditEntry>) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        const HEAD: &str = "INSERT INTO kairo_audit_log (at, actor, action, target, status, request_id, detail) ";
        match self {
            Store::Sqlite(p) => {
                // The connections of the derived writes (synchronous=NORMAL): no fsync of its own in the path of
                // the trades' commits. A power loss can drop the last entries, as it can drop entries still in the
                // writer's batch; a process crash loses nothing committed. The text is made before the writer lock
                // is taken and the lock is held for one small chunk at a time, so trade ingestion waits for the
                // writer behind at most one chunk.
                let texts: Vec<(String, String)> = entries.iter().map(|e| (ts(e.at), e.detail.to_string())).collect();
                let mut start = 0;
                while start < entries.len() {
                    let end = (start + SQLITE_CHUNK).min(entries.len());
                    let outcome = {
                        let _writer = p.writer.lock().await;
                        let mut q = QueryBuilder::new(HEAD);
                        q.push_values(
                            entries[start..end].iter().zip(&texts[start..end]),
                            |mut b, (e, (at, detail))| {
                                b.push_bind(at)
                                    .push_bind(&e.actor)
                                    .push_bind(&e.action)
                                    .push_bind(&e.target)
                                    .push_bind(i64::from(e.status))
                                    .push_bind(&e.request_id)
                                    .push_bind(detail);
                            },
                        );
                        // One statement: its own transaction, one round trip under the writer lock.
                        q.build().execute(&p.derived).await
                    };
                    if let Err(e) = outcome {
                        entries.drain(..start);
                        return Err(e.into());
                    }
                    start = end;
                }
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                for chunk in entries.chunks(1000) {
                    let mut q = QueryBuilder::new(HEAD);
                    q.push_values(chunk, |mut b, e| {
                        b.push_bind(e.at)
                            .push_bind(&e.actor)
                            .push_bind(&e.action)
                            .push_bind(&e.target)
                            .push_bind(i32::from(e.status))
                            .push_bind(&e.request_id)
                            .push_bind(sqlx::types::Json(&e.detail));
                    });
                    q.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        entries.clear();
        Ok(())
    }

    /// Entries matching `q`, newest first.
    pub async fn audit_log(&self, q: &AuditLogQuery) -> StoreResult<Vec<AuditEntry>> {
        const COLUMNS: &str =
            "SELECT at, actor, action, target, status, request_id, detail FROM kairo_audit_log WHERE 1 = 1";
        match self {
            Store::Sqlite(p) => {
                let mut b = QueryBuilder::new(COLUMNS);
                if let Some(a) = &q.actor {
                    b.push(" AND actor = ").push_bind(a);
                }
                if let Some(t) = q.since {
                    b.push(" AND at >= ").push_bind(ts(t));
                }
                b.push(" ORDER BY id DESC LIMIT ").push_bind(q.limit);
                let rows = b.build().fetch_all(&p.pool).await?;
                rows.iter()
                    .map(|r| {
                        let at: String = r.try_get("at")?;
                        let detail: String = r.try_get("detail")?;
                        Ok(AuditEntry {
                            at: parse_ts(&at)?,
                            actor: r.try_get("actor")?,
                            action: r.try_get("action")?,
                            target: r.try_get("target")?,
                            status: r.try_get::<i64, _>("status")? as u16,
                            request_id: r.try_get("request_id")?,
                            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                        })
                    })
                    .collect()
            }
            Store::Postgres(p) => {
                let mut b = QueryBuilder::new(COLUMNS);
                if let Some(a) = &q.actor {
                    b.push(" AND actor = ").push_bind(a);
                }
                if let Some(t) = q.since {
                    b.push(" AND at >= ").push_bind(t);
                }
                b.push(" ORDER BY id DESC LIMIT ").push_bind(q.limit);
                let rows = b.build().fetch_all(p).await?;
                rows.iter()
                    .map(|r| {
                        Ok(AuditEntry {
                            at: r.try_get("at")?,
                            actor: r.try_get("actor")?,
                            action: r.try_get("action")?,
                            target: r.try_get("target")?,
                            status: r.try_get::<i32, _>("status")? as u16,
                            request_id: r.try_get("request_id")?,
                            detail: r.try_get::<sqlx::types::Json<serde_json::Value>, _>("detail")?.0,
                        })
                    })
                    .collect()
            }
        }
    }
}
