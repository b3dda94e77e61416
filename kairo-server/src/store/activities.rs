//! An account's activities (`kairo_activities`): stored as kairo-core validated them, read back through the same
//! input path; a repeated id of the same user is stored once. New activities queue their user's recompute from
//! the start (New York midnight) of the earliest one's date, in their transaction, as a new trade does: the cash
//! they bring changes the settlement checks of the trades from that day on.

use chrono::{DateTime, Utc};
use kairo_core::activity::{Activity, ActivityInput};
use sqlx::Row;
use uuid::Uuid;

use super::{Store, StoreError, StoreResult};

/// The start of `date` in New York, the moment from which the activity's day is recomputed.
fn day_start(date: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::America::New_York
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// An activity read back from its stored body.
fn decode(body: serde_json::Value) -> StoreResult<Activity> {
    let input: ActivityInput =
        serde_json::from_value(body).map_err(|e| StoreError::Corrupt(format!("stored activity: {e}")))?;
    input.into_activity().map_err(|e| StoreError::Corrupt(format!("stored activity: {e}")))
}

impl Store {
    /// Stores the activities of `user_id` in one transaction; those whose id the user already has are left as they
    /// are. Returns how many were new.
    pub async fn insert_activities(&self, user_id: Uuid, activities: &[Activity]) -> StoreResult<usize> {
        let mut created = 0;
        let mut earliest: Option<chrono::NaiveDate> = None;
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                for a in activities {
                    let body = serde_json::to_string(a).map_err(|e| StoreError::Failed(e.to_string()))?;
                    let done = sqlx::query(
                        "INSERT INTO kairo_activities (user_id, id, type, date, body) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (user_id, id) DO NOTHING",
                    )
                    .bind(user_id.to_string())
                    .bind(a.id())
                    .bind(a.kind().name())
                    .bind(a.date().to_string())
                    .bind(body)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        created += 1;
                        earliest = Some(earliest.map_or(a.date(), |e| e.min(a.date())));
                    }
                }
                if let Some(from) = earliest.map(day_start) {
                    let (from, run_at) = (super::sqlite::ts(from), super::sqlite::ts(Utc::now() + super::JOB_DEBOUNCE));
                    sqlx::query(
                        "UPDATE kairo_jobs SET dirty_from = $2 WHERE user_id = $1 AND kind = 'recompute' \
                         AND locked_until IS NULL AND dirty_from > $2",
                    )
                    .bind(user_id.to_string())
                    .bind(&from)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO kairo_jobs (kind, user_id, run_at, dirty_from) SELECT 'recompute', $1, $3, $2 \
                         WHERE NOT EXISTS (SELECT 1 FROM kairo_jobs WHERE user_id = $1 AND locked_until IS NULL)",
                    )
                    .bind(user_id.to_string())
                    .bind(&from)
                    .bind(&run_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                for a in activities {
                    let body = serde_json::to_value(a).map_err(|e| StoreError::Failed(e.to_string()))?;
                    let done = sqlx::query(
                        "INSERT INTO kairo_activities (user_id, id, type, date, body) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (user_id, id) DO NOTHING",
                    )
                    .bind(user_id)
                    .bind(a.id())
                    .bind(a.kind().name())
                    .bind(a.date())
                    .bind(sqlx::types::Json(body))
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        created += 1;
                        earliest = Some(earliest.map_or(a.date(), |e| e.min(a.date())));
                    }
                }
                if let Some(from) = earliest.map(day_start) {
                    super::postgres::enqueue(&mut tx, user_id, from).await?;
                }
                tx.commit().await?;
            }
        }
        Ok(created)
    }

    /// The activities of `user_id`, by date then id.
    pub async fn activities(&self, user_id: Uuid) -> StoreResult<Vec<Activity>> {
        let bodies: Vec<serde_json::Value> = match self {
            Store::Sqlite(p) => {
                let rows = sqlx::query("SELECT body FROM kairo_activities WHERE user_id = $1 ORDER BY date, id")
                    .bind(user_id.to_string())
                    .fetch_all(&p.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        let text: String = r.try_get("body")?;
                        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("stored activity: {e}")))
                    })
                    .collect::<StoreResult<_>>()?
            }
            Store::Postgres(p) => {
                let rows = sqlx::query("SELECT body FROM kairo_activities WHERE user_id = $1 ORDER BY date, id")
                    .bind(user_id)
                    .fetch_all(p)
                    .await?;
                rows.iter()
                    .map(|r| Ok(r.try_get::<sqlx::types::Json<serde_json::Value>, _>("body")?.0))
                    .collect::<StoreResult<_>>()?
            }
        };
        bodies.into_iter().map(decode).collect()
    }
}
