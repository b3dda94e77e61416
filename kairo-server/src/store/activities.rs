//! An account's activities (`kairo_activities`): stored as kairo-core validated them, read back through the same
//! input path; a repeated id of the same user is stored once.

use kairo_core::activity::{Activity, ActivityInput};
use sqlx::Row;
use uuid::Uuid;

use super::{Store, StoreError, StoreResult};

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
                    created += done.rows_affected() as usize;
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
                    created += done.rows_affected() as usize;
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
