//! The statements behind a Stripe event, in one transaction (a [`BillingTx`]): the record of the event (so a
//! retried event is applied once), the user it is for, the subscription row and the user's `subscriptionPlan` /
//! `subscriptionStatus`. What the event means and whether it applies is decided by
//! [`services::billing`](crate::services::billing); each dialect keeps its own SQL here.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::MutexGuard;
use uuid::Uuid;

use super::{Store, StoreResult};

/// The subscription row an event writes; `None` keeps the stored value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionWrite<'a> {
    /// The Stripe customer.
    pub customer: &'a str,
    /// The Stripe subscription.
    pub subscription: Option<&'a str>,
    /// The plan it grants.
    pub plan: Option<&'a str>,
    /// Its Stripe status.
    pub status: Option<&'a str>,
    /// The end of the paid period.
    pub period_end: Option<DateTime<Utc>>,
    /// The event time that becomes the subscription's latest (none for a link, which carries no state to order).
    pub event_created: Option<i64>,
}

enum Inner<'a> {
    Sqlite { _writer: MutexGuard<'a, ()>, tx: Transaction<'static, Sqlite> },
    Postgres(Transaction<'static, Postgres>),
}

/// A transaction applying one Stripe event; dropped without [`BillingTx::commit`], it writes nothing.
pub struct BillingTx<'a>(Inner<'a>);

impl Store {
    /// Begins the transaction of a Stripe event (on SQLite, in turn with the other writers).
    pub async fn billing_tx(&self) -> StoreResult<BillingTx<'_>> {
        Ok(BillingTx(match self {
            Store::Sqlite(p) => {
                let writer = p.writer.lock().await;
                Inner::Sqlite { _writer: writer, tx: p.pool.begin_with("BEGIN IMMEDIATE").await? }
            }
            Store::Postgres(p) => Inner::Postgres(p.begin().await?),
        }))
    }
}

impl BillingTx<'_> {
    /// Records the event; `false` when it was recorded before (Stripe retried it).
    pub async fn record_event(&mut self, id: &str, kind: &str) -> StoreResult<bool> {
        let done = match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query("INSERT INTO kairo_webhook_events (id, kind) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
                    .bind(id)
                    .bind(kind)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
            Inner::Postgres(tx) => {
                sqlx::query("INSERT INTO kairo_webhook_events (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                    .bind(id)
                    .bind(kind)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
            }
        };
        Ok(done > 0)
    }

    /// `user` when such a user exists.
    pub async fn existing_user(&mut self, user: Uuid) -> StoreResult<Option<Uuid>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                let id: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = ?")
                    .bind(user.to_string())
                    .fetch_optional(&mut **tx)
                    .await?;
                id.and_then(|u| u.parse().ok())
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user).fetch_optional(&mut **tx).await?
            }
        })
    }

    /// The user a Stripe customer is linked to.
    pub async fn customer_user(&mut self, customer: &str) -> StoreResult<Option<Uuid>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                let id: Option<String> =
                    sqlx::query_scalar("SELECT user_id FROM user_subscriptions WHERE stripe_customer_id = ?")
                        .bind(customer)
                        .fetch_optional(&mut **tx)
                        .await?;
                id.and_then(|u| u.parse().ok())
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar("SELECT user_id FROM user_subscriptions WHERE stripe_customer_id = $1")
                    .bind(customer)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        })
    }

    /// The time of the latest event applied to the user's subscription; on PostgreSQL the row is locked, so that
    /// concurrent deliveries for one user apply in turn (SQLite's writers already do).
    pub async fn last_event_created(&mut self, user: Uuid) -> StoreResult<Option<i64>> {
        let last: Option<Option<i64>> = match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query_scalar("SELECT last_event_created FROM user_subscriptions WHERE user_id = ?")
                    .bind(user.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar("SELECT last_event_created FROM user_subscriptions WHERE user_id = $1 FOR UPDATE")
                    .bind(user)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        };
        Ok(last.flatten())
    }

    /// Writes the user's subscription row, and the plan and status on the user when the write sets them.
    pub async fn write_subscription(&mut self, user: Uuid, w: &SubscriptionWrite<'_>) -> StoreResult<()> {
        match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query(
                    "INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan, status,
                         current_period_end, last_event_created, updated_at)
                     VALUES (?1, ?2, ?3, COALESCE(?4, 'free'), COALESCE(?5, 'inactive'), ?6, ?7,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     ON CONFLICT (user_id) DO UPDATE SET
                         stripe_customer_id = excluded.stripe_customer_id,
                         stripe_subscription_id = COALESCE(?3, user_subscriptions.stripe_subscription_id),
                         plan = COALESCE(?4, user_subscriptions.plan),
                         status = COALESCE(?5, user_subscriptions.status),
                         current_period_end = COALESCE(?6, user_subscriptions.current_period_end),
                         last_event_created = CASE WHEN ?7 IS NULL THEN user_subscriptions.last_event_created
                             ELSE max(COALESCE(user_subscriptions.last_event_created, ?7), ?7) END,
                         updated_at = excluded.updated_at",
                )
                .bind(user.to_string())
                .bind(w.customer)
                .bind(w.subscription)
                .bind(w.plan)
                .bind(w.status)
                .bind(w.period_end.map(super::sqlite::ts))
                .bind(w.event_created)
                .execute(&mut **tx)
                .await?;
                if w.plan.is_some() || w.status.is_some() {
                    sqlx::query(
                        r#"UPDATE users SET "subscriptionPlan" = COALESCE(?2, "subscriptionPlan"),
                               "subscriptionStatus" = COALESCE(?3, "subscriptionStatus"),
                               "updatedAt" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"#,
                    )
                    .bind(user.to_string())
                    .bind(w.plan)
                    .bind(w.status)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            Inner::Postgres(tx) => {
                sqlx::query(
                    "INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan, status,
                         current_period_end, last_event_created, updated_at)
                     VALUES ($1, $2, $3, COALESCE($4, 'free'), COALESCE($5, 'inactive'), $6, $7, now())
                     ON CONFLICT (user_id) DO UPDATE SET
                         stripe_customer_id = excluded.stripe_customer_id,
                         stripe_subscription_id = COALESCE($3, user_subscriptions.stripe_subscription_id),
                         plan = COALESCE($4, user_subscriptions.plan),
                         status = COALESCE($5, user_subscriptions.status),
                         current_period_end = COALESCE($6, user_subscriptions.current_period_end),
                         last_event_created = GREATEST(user_subscriptions.last_event_created, $7),
                         updated_at = now()",
                )
                .bind(user)
                .bind(w.customer)
                .bind(w.subscription)
                .bind(w.plan)
                .bind(w.status)
                .bind(w.period_end)
                .bind(w.event_created)
                .execute(&mut **tx)
                .await?;
                if w.plan.is_some() || w.status.is_some() {
                    sqlx::query(
                        r#"UPDATE users SET "subscriptionPlan" = COALESCE($2, "subscriptionPlan"),
                               "subscriptionStatus" = COALESCE($3, "subscriptionStatus"), "updatedAt" = now()
                           WHERE id = $1"#,
                    )
                    .bind(user)
                    .bind(w.plan)
                    .bind(w.status)
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Commits.
    pub async fn commit(self) -> StoreResult<()> {
        match self.0 {
            Inner::Sqlite { tx, .. } => tx.commit().await?,
            Inner::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
