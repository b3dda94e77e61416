//! Leaderboards (`kairo_leaderboard_members`, `kairo_leaderboard_scores`): who opted in under which name, whether
//! the jobs found the account eligible, and its score on each board; a board's page read in rank order.

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::sqlite::{parse_ts, ts};
use super::{Store, StoreResult};

/// A member of the leaderboards.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The name shown.
    pub display_name: String,
    /// Ranked at the last computation.
    pub eligible: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// When the scores were last computed.
    pub computed_at: Option<DateTime<Utc>>,
}

/// One entry of a board's page.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1 + the entries with a better score, as of the last ranking pass.
    pub rank: i64,
    /// The name shown.
    pub display_name: String,
    /// The score.
    pub value: f64,
}

/// A member's score on one board, with its rank and the board's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// `1M`, `3M`, `YTD`, `1Y` or `ALL`.
    pub period: String,
    /// `return`, `sharpe`, ...
    pub metric: String,
    /// The score.
    pub value: f64,
    /// 1 + the members with a better score (`None` until the ranking pass has placed the score).
    pub rank: Option<i64>,
    /// Members ranked on the board (`None` until its first pass).
    pub entrants: Option<i64>,
}

/// A page's entry from a row of either backend.
macro_rules! entry {
    ($r:expr) => {
        Entry { rank: $r.try_get("rank")?, display_name: $r.try_get("display_name")?, value: $r.try_get("value")? }
    };
}

/// A standing from a row of either backend.
macro_rules! standing {
    ($r:expr) => {
        Standing {
            period: $r.try_get("period")?,
            metric: $r.try_get("metric")?,
            value: $r.try_get("value")?,
            rank: $r.try_get("rank")?,
            entrants: $r.try_get("entrants")?,
        }
    };
}

impl Store {
    /// Opts `user` in under `display_name` (or renames them); their scores follow the new name.
    pub async fn join_leaderboards(&self, user: Uuid, display_name: &str) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query(
                    "INSERT INTO kairo_leaderboard_members (user_id, display_name, joined_at) VALUES (?, ?, ?)
                     ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name",
                )
                .bind(user.to_string())
                .bind(display_name)
                .bind(ts(Utc::now()))
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE kairo_leaderboard_scores SET display_name = ? WHERE user_id = ?")
                    .bind(display_name)
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query(
                    "INSERT INTO kairo_leaderboard_members (user_id, display_name) VALUES ($1, $2)
                     ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name",
                )
                .bind(user)
                .bind(display_name)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE kairo_leaderboard_scores SET display_name = $1 WHERE user_id = $2")
                    .bind(display_name)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Opts `user` out: their name and scores go; whether they were in.
    pub async fn leave_leaderboards(&self, user: Uuid) -> StoreResult<bool> {
        let n = match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query("DELETE FROM kairo_leaderboard_scores WHERE user_id = ?")
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?;
                let n = sqlx::query("DELETE FROM kairo_leaderboard_members WHERE user_id = ?")
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                n
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("DELETE FROM kairo_leaderboard_scores WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                let n = sqlx::query("DELETE FROM kairo_leaderboard_members WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                n
            }
        };
        Ok(n > 0)
    }

    /// The user's membership, when they opted in.
    pub async fn leaderboard_member(&self, user: Uuid) -> StoreResult<Option<Member>> {
        const SQL: &str =
            "SELECT display_name, eligible, reason, computed_at FROM kairo_leaderboard_members WHERE user_id = ";
        Ok(match self {
            Store::Sqlite(p) => {
                let row = sqlx::query(&format!("{SQL}?")).bind(user.to_string()).fetch_optional(&p.pool).await?;
                match row {
                    Some(r) => Some(Member {
                        display_name: r.try_get("display_name")?,
                        eligible: r.try_get::<i64, _>("eligible")? != 0,
                        reason: r.try_get("reason")?,
                        computed_at: r
                            .try_get::<Option<String>, _>("computed_at")?
                            .as_deref()
                            .map(parse_ts)
                            .transpose()?,
                    }),
                    None => None,
                }
            }
            Store::Postgres(p) => {
                let row = sqlx::query(&format!("{SQL}$1")).bind(user).fetch_optional(p).await?;
                match row {
                    Some(r) => Some(Member {
                        display_name: r.try_get("display_name")?,
                        eligible: r.try_get("eligible")?,
                        reason: r.try_get("reason")?,
                        computed_at: r.try_get("computed_at")?,
                    }),
                    None => None,
                }
            }
        })
    }

    /// Replaces the member's scores by `scores` ((period, metric, value) of the boards they are ranked on, none when
    /// `reason` says why they are not) in one transaction: a score kept keeps its place until the next ranking pass,
    /// a new one has none until then. Nothing happens for a user who is not a member.
    pub async fn put_leaderboard_scores(
        &self,
        user: Uuid,
        scores: &[(&str, &str, f64)],
        reason: Option<&str>,
    ) -> StoreResult<()> {
        match self {
            Store::Sqlite(p) => {
                let u = user.to_string();
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                let name: Option<String> =
                    sqlx::query_scalar("SELECT display_name FROM kairo_leaderboard_members WHERE user_id = ?")
                        .bind(&u)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some(name) = name else { return Ok(()) };
                let kept: Vec<String> = scores.iter().map(|(p, m, _)| format!("{p}|{m}")).collect();
                sqlx::query(
                    "DELETE FROM kairo_leaderboard_scores WHERE user_id = ?1
                        AND (period || '|' || metric) NOT IN (SELECT value FROM json_each(?2))",
                )
                .bind(&u)
                .bind(serde_json::to_string(&kept).unwrap_or_default())
                .execute(&mut *tx)
                .await?;
                for (period, metric, value) in scores {
                    sqlx::query(
                        "INSERT INTO kairo_leaderboard_scores (period, metric, user_id, display_name, value)
                         VALUES (?, ?, ?, ?, ?)
                         ON CONFLICT (period, metric, user_id) DO UPDATE
                            SET value = excluded.value, display_name = excluded.display_name",
                    )
                    .bind(period)
                    .bind(metric)
                    .bind(&u)
                    .bind(&name)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "UPDATE kairo_leaderboard_members SET eligible = ?, reason = ?, computed_at = ? WHERE user_id = ?",
                )
                .bind(reason.is_none())
                .bind(reason)
                .bind(ts(Utc::now()))
                .bind(&u)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                let name: Option<String> = sqlx::query_scalar(
                    "SELECT display_name FROM kairo_leaderboard_members WHERE user_id = $1 FOR UPDATE",
                )
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(name) = name else { return Ok(()) };
                let periods: Vec<&str> = scores.iter().map(|s| s.0).collect();
                let metrics: Vec<&str> = scores.iter().map(|s| s.1).collect();
                let values: Vec<f64> = scores.iter().map(|s| s.2).collect();
                sqlx::query(
                    "DELETE FROM kairo_leaderboard_scores WHERE user_id = $3
                        AND (period, metric) NOT IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
                )
                .bind(&periods)
                .bind(&metrics)
                .bind(user)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO kairo_leaderboard_scores (period, metric, user_id, display_name, value)
                     SELECT p, m, $4, $5, v FROM UNNEST($1::text[], $2::text[], $3::float8[]) AS s (p, m, v)
                     ON CONFLICT (period, metric, user_id) DO UPDATE
                        SET value = excluded.value, display_name = excluded.display_name",
                )
                .bind(&periods)
                .bind(&metrics)
                .bind(&values)
                .bind(user)
                .bind(&name)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE kairo_leaderboard_members SET eligible = $1, reason = $2, computed_at = now()
                      WHERE user_id = $3",
                )
                .bind(reason.is_none())
                .bind(reason)
                .bind(user)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// The boards changed since their last ranking pass, with their count of changes (`kairo_leaderboard_changes`,
    /// kept by triggers on the scores).
    pub async fn changed_boards(&self) -> StoreResult<Vec<(String, String, i64)>> {
        const SQL: &str = "SELECT period, metric, changes FROM kairo_leaderboard_changes ORDER BY period, metric";
        Ok(match self {
            Store::Sqlite(p) => sqlx::query_as(SQL).fetch_all(&p.pool).await?,
            Store::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await?,
        })
    }

    /// The ranking pass of one board: each score's place (by score, then display name, then user id) and rank
    /// (1 + the better scores) written where they changed, and the board's size; the board is then marked ranked
    /// unless its count of changes has moved from `changes` (a change during the pass: the next pass ranks it).
    /// Returns the rows it moved.
    pub async fn rank_board(&self, period: &str, metric: &str, changes: i64) -> StoreResult<u64> {
        const RANKED: &str = "SELECT user_id,
                    ROW_NUMBER() OVER (ORDER BY value DESC, display_name, user_id) AS pos,
                    RANK() OVER (ORDER BY value DESC) AS rnk
               FROM kairo_leaderboard_scores WHERE period = $1 AND metric = $2";
        const DONE: &str = "DELETE FROM kairo_leaderboard_changes WHERE period = $1 AND metric = $2 AND changes = $3";
        // The board's size and the time of the pass (`now`: a bound `$3` on SQLite, the server's clock on PostgreSQL).
        let sized = |now: &str| {
            format!(
                "INSERT INTO kairo_leaderboard_boards (period, metric, entrants, ranked_at)
                 VALUES ($1, $2, (SELECT COUNT(*) FROM kairo_leaderboard_scores WHERE period = $1 AND metric = $2), {now})
                 ON CONFLICT (period, metric) DO UPDATE SET entrants = excluded.entrants, ranked_at = excluded.ranked_at"
            )
        };
        let moved = match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                let moved = sqlx::query(&format!(
                    "UPDATE kairo_leaderboard_scores AS s SET position = r.pos, rank = r.rnk FROM ({RANKED}) AS r
                      WHERE s.period = $1 AND s.metric = $2 AND s.user_id = r.user_id
                        AND (s.position IS NOT r.pos OR s.rank IS NOT r.rnk)"
                ))
                .bind(period)
                .bind(metric)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query(&sized("$3")).bind(period).bind(metric).bind(ts(Utc::now())).execute(&mut *tx).await?;
                sqlx::query(DONE).bind(period).bind(metric).bind(changes).execute(&mut *tx).await?;
                tx.commit().await?;
                moved
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                let moved = sqlx::query(&format!(
                    "UPDATE kairo_leaderboard_scores AS s SET position = r.pos, rank = r.rnk FROM ({RANKED}) AS r
                      WHERE s.period = $1 AND s.metric = $2 AND s.user_id = r.user_id
                        AND (s.position IS DISTINCT FROM r.pos OR s.rank IS DISTINCT FROM r.rnk)"
                ))
                .bind(period)
                .bind(metric)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query(&sized("now()")).bind(period).bind(metric).execute(&mut *tx).await?;
                sqlx::query(DONE).bind(period).bind(metric).bind(changes).execute(&mut *tx).await?;
                tx.commit().await?;
                moved
            }
        };
        Ok(moved)
    }

    /// Up to `limit` entries of a board after its first `offset`, best first (ties by name, then id), as the last
    /// ranking pass placed them: one range of the `(period, metric, position)` index.
    pub async fn leaderboard_page(
        &self,
        period: &str,
        metric: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<Entry>> {
        const PAGE: &str = "SELECT display_name, value, rank FROM kairo_leaderboard_scores
                             WHERE period = $1 AND metric = $2 AND position > $3 ORDER BY position LIMIT $4";
        Ok(match self {
            Store::Sqlite(p) => {
                let rows =
                    sqlx::query(PAGE).bind(period).bind(metric).bind(offset).bind(limit).fetch_all(&p.pool).await?;
                rows.iter().map(|r| Ok(entry!(r))).collect::<StoreResult<_>>()?
            }
            Store::Postgres(p) => {
                let rows = sqlx::query(PAGE).bind(period).bind(metric).bind(offset).bind(limit).fetch_all(p).await?;
                rows.iter().map(|r| Ok(entry!(r))).collect::<StoreResult<_>>()?
            }
        })
    }

    /// The member's score, rank and board size on every board they are ranked on.
    pub async fn leaderboard_standings(&self, user: Uuid) -> StoreResult<Vec<Standing>> {
        const SQL: &str = "SELECT s.period, s.metric, s.value, s.rank, b.entrants
             FROM kairo_leaderboard_scores s
             LEFT JOIN kairo_leaderboard_boards b ON b.period = s.period AND b.metric = s.metric
            WHERE s.user_id = $1 ORDER BY s.period, s.metric";
        match self {
            Store::Sqlite(p) => {
                let rows = sqlx::query(SQL).bind(user.to_string()).fetch_all(&p.pool).await?;
                rows.iter().map(|r| Ok(standing!(r))).collect()
            }
            Store::Postgres(p) => {
                let rows = sqlx::query(SQL).bind(user).fetch_all(p).await?;
                rows.iter().map(|r| Ok(standing!(r))).collect()
            }
        }
    }

    /// The latest `restricted_until` of the user's failing audit rows (a cash-account restriction), as
    /// `YYYY-MM-DD`.
    pub async fn restricted_until(&self, user: Uuid) -> StoreResult<Option<String>> {
        Ok(match self {
            Store::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT MAX(json_extract(metadata, '$.restricted_until')) FROM compliance_audit
                      WHERE user_id = ? AND status = 'fail' AND json_extract(metadata, '$.restricted_until') IS NOT NULL",
                )
                .bind(user.to_string())
                .fetch_one(&p.pool)
                .await?
            }
            Store::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT MAX(metadata->>'restricted_until') FROM compliance_audit
                      WHERE user_id = $1 AND status = 'fail' AND metadata ? 'restricted_until'",
                )
                .bind(user)
                .fetch_one(p)
                .await?
            }
        })
    }
}
