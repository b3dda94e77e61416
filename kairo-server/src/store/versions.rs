//! The change versions SQLite's triggers keep (`kairo_versions`, migration 0010); see [`crate::changes`].

use super::{Store, StoreResult};

impl Store {
    /// The versions under `user` and `prices` (0 for a key never changed); SQLite only (PostgreSQL's are kept in
    /// memory from its notifications: 0 and 0 here).
    pub async fn versions(&self, user: &str, prices: &str) -> StoreResult<(u64, u64)> {
        let Store::Sqlite(p) = self else { return Ok((0, 0)) };
        let (u, pr): (i64, i64) = sqlx::query_as(
            "SELECT coalesce((SELECT version FROM kairo_versions WHERE key = ?1), 0), \
                    coalesce((SELECT version FROM kairo_versions WHERE key = ?2), 0)",
        )
        .bind(user)
        .bind(prices)
        .fetch_one(&p.pool)
        .await?;
        Ok((u as u64, pr as u64))
    }
}
