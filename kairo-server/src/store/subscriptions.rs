//! The statements behind a Stripe event, in one transaction (a [`BillingTx`]): the record of the event (so a
//! retried event is applied once), the user a customer is linked to, events parked until their customer is
//! linked, the order of a subscription's events, the subscription row and the user's `subscriptionPlan` /
//! `subscriptionStatus`. What the event means and whether it applies is decided by
//! [`services::billing`](crate::services::billing); each dialect keeps its own SQL here.
//!
//! PostgreSQL holds the seed's tables: a customer is linked to a user by `users."stripeCustomerId"` or by
//! `kairo_stripe_customers` (a checkout kairo saw); `user_subscriptions` has one row per Stripe subscription (a user
//! who cancels and subscribes again gets a second row), with the plan in `tier`; the order of each subscription's
//! events is kept in `kairo_stripe_subscriptions`. SQLite, kairo's own database, keeps one subscription row per
//! user with the customer and the order in it.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::MutexGuard;
use uuid::Uuid;

use super::{Store, StoreResult};

/// The subscription state an event writes; `None` keeps the stored value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionWrite<'a> {
    /// The Stripe customer.
    pub customer: &'a str,
    /// The Stripe subscription.
    pub subscription: &'a str,
    /// The plan it grants (`tier`).
    pub plan: Option<&'a str>,
    /// Its Stripe status.
    pub status: &'a str,
    /// The end of the paid period.
    pub period_end: Option<DateTime<Utc>>,
    /// The creation time of the event (Stripe's `created`, unix seconds).
    pub event_created: i64,
}

/// The latest event applied to a subscription: its creation time and the status it set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastEvent {
    /// Stripe's `created`, unix seconds.
    pub created: i64,
    /// The status it set.
    pub status: String,
}

/// What a link of a customer to a user found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// Linked (now, or before to the same user).
    Yes,
    /// The customer is linked to another user already: nothing written.
    OtherUser,
}

/// The user id (stored as text on SQLite) that `sql`, with one parameter `key`, selects, if any.
async fn sqlite_user(tx: &mut Transaction<'static, Sqlite>, sql: &str, key: &str) -> StoreResult<Option<Uuid>> {
    let id: Option<String> = sqlx::query_scalar(sql).bind(key).fetch_optional(&mut **tx).await?;
    Ok(id.and_then(|u| u.parse().ok()))
}

enum Inner<'a> {
    Sqlite { _writer: MutexGuard<'a, ()>, tx: Transaction<'static, Sqlite> },
    Postgres(Transaction<'static, Postgres>),
}

/// A transaction applying one Stripe event; dropped without [`BillingTx::commit`], it writes nothing.
pub struct BillingTx<'a>(Inner<'a>);

impl Store {
    /// The Stripe prices events named that no tier maps, with how many events named each and the last time one
    /// arrived (RFC 3339), most recent first.
    pub async fn unmapped_prices(&self) -> StoreResult<Vec<(String, i64, String)>> {
        Ok(match self {
            Store::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT unmapped_price, count(*), max(received_at) FROM kairo_webhook_events
                      WHERE unmapped_price IS NOT NULL GROUP BY unmapped_price ORDER BY 3 DESC LIMIT 20",
                )
                .fetch_all(&p.pool)
                .await?
            }
            Store::Postgres(p) => {
                let rows: Vec<(String, i64, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT unmapped_price, count(*), max(received_at) FROM kairo_webhook_events
                      WHERE unmapped_price IS NOT NULL GROUP BY unmapped_price ORDER BY 3 DESC LIMIT 20",
                )
                .fetch_all(p)
                .await?;
                rows.into_iter().map(|(p, n, at)| (p, n, at.to_rfc3339())).collect()
            }
        })
    }

    /// Begins the transaction of a Stripe event for `customer` (on SQLite, in turn with the other writers; on
    /// PostgreSQL, in turn with the other events of the customer, so that a link and the customer's parked events,
    /// or two events of one subscription, never interleave).
    pub async fn billing_tx(&self, customer: Option<&str>) -> StoreResult<BillingTx<'_>> {
        Ok(BillingTx(match self {
            Store::Sqlite(p) => {
                let writer = p.writer.lock().await;
                Inner::Sqlite { _writer: writer, tx: p.pool.begin_with("BEGIN IMMEDIATE").await? }
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                if let Some(customer) = customer {
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('kairo.stripe:' || $1, 0))")
                        .bind(customer)
                        .execute(&mut *tx)
                        .await?;
                }
                Inner::Postgres(tx)
            }
        }))
    }
}

impl BillingTx<'_> {
    /// Records the event; `false` when it was recorded before (Stripe retried it).
    pub async fn record_event(&mut self, id: &str, kind: &str) -> StoreResult<bool> {
        const SQL: &str = "INSERT INTO kairo_webhook_events (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
        let done = match &mut self.0 {
            Inner::Sqlite { tx, .. } => sqlx::query(SQL).bind(id).bind(kind).execute(&mut **tx).await?.rows_affected(),
            Inner::Postgres(tx) => sqlx::query(SQL).bind(id).bind(kind).execute(&mut **tx).await?.rows_affected(),
        };
        Ok(done > 0)
    }

    /// Notes on event `id` a price no tier maps.
    pub async fn note_unmapped_price(&mut self, id: &str, price: &str) -> StoreResult<()> {
        const SQL: &str = "UPDATE kairo_webhook_events SET unmapped_price = $2 WHERE id = $1";
        match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query(SQL).bind(id).bind(price).execute(&mut **tx).await?;
            }
            Inner::Postgres(tx) => {
                sqlx::query(SQL).bind(id).bind(price).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// `user` when such a user exists.
    pub async fn existing_user(&mut self, user: Uuid) -> StoreResult<Option<Uuid>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => sqlite_user(tx, "SELECT id FROM users WHERE id = ?", &user.to_string()).await?,
            Inner::Postgres(tx) => {
                sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user).fetch_optional(&mut **tx).await?
            }
        })
    }

    /// The user a Stripe customer is linked to: by a checkout kairo saw, or (PostgreSQL) by the backend's
    /// `users."stripeCustomerId"`.
    pub async fn customer_user(&mut self, customer: &str) -> StoreResult<Option<Uuid>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlite_user(tx, "SELECT user_id FROM user_subscriptions WHERE stripe_customer_id = ?", customer).await?
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar(
                    r#"SELECT user_id FROM kairo_stripe_customers WHERE customer_id = $1
                       UNION ALL (SELECT id FROM users WHERE "stripeCustomerId" = $1 ORDER BY created_at NULLS LAST, id)
                       LIMIT 1"#,
                )
                .bind(customer)
                .fetch_optional(&mut **tx)
                .await?
            }
        })
    }

    /// Links `customer` to `user` (and, on PostgreSQL, fills the user's `"stripeCustomerId"` when it is empty).
    pub async fn link(&mut self, user: Uuid, customer: &str) -> StoreResult<Linked> {
        let owner = self.customer_user(customer).await?;
        if owner.is_some_and(|o| o != user) {
            return Ok(Linked::OtherUser);
        }
        match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query(
                    "INSERT INTO user_subscriptions (user_id, stripe_customer_id, updated_at)
                     VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     ON CONFLICT (user_id) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id,
                         updated_at = excluded.updated_at",
                )
                .bind(user.to_string())
                .bind(customer)
                .execute(&mut **tx)
                .await?;
            }
            Inner::Postgres(tx) => {
                sqlx::query(
                    "INSERT INTO kairo_stripe_customers (customer_id, user_id) VALUES ($1, $2)
                     ON CONFLICT (customer_id) DO NOTHING",
                )
                .bind(customer)
                .bind(user)
                .execute(&mut **tx)
                .await?;
                sqlx::query(r#"UPDATE users SET "stripeCustomerId" = $2 WHERE id = $1 AND "stripeCustomerId" IS NULL"#)
                    .bind(user)
                    .bind(customer)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(Linked::Yes)
    }

    /// The user a subscription belongs to, when kairo has applied an event of it.
    pub async fn subscription_user(&mut self, subscription: &str) -> StoreResult<Option<Uuid>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlite_user(tx, "SELECT user_id FROM user_subscriptions WHERE stripe_subscription_id = ?", subscription)
                    .await?
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar("SELECT user_id FROM kairo_stripe_subscriptions WHERE stripe_subscription_id = $1")
                    .bind(subscription)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        })
    }

    /// The latest event applied to `user`'s `subscription` (SQLite: to the user's subscription).
    pub async fn last_event(&mut self, user: Uuid, subscription: &str) -> StoreResult<Option<LastEvent>> {
        let row: Option<(Option<i64>, Option<String>)> = match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query_as("SELECT last_event_created, last_status FROM user_subscriptions WHERE user_id = ?")
                    .bind(user.to_string())
                    .fetch_optional(&mut **tx)
                    .await?
            }
            Inner::Postgres(tx) => {
                sqlx::query_as(
                    "SELECT last_event_created, last_status FROM kairo_stripe_subscriptions
                      WHERE stripe_subscription_id = $1",
                )
                .bind(subscription)
                .fetch_optional(&mut **tx)
                .await?
            }
        };
        Ok(row.and_then(|(created, status)| Some(LastEvent { created: created?, status: status.unwrap_or_default() })))
    }

    /// Writes `user`'s subscription state, and the plan (when the write sets one) and status on the user.
    pub async fn write_subscription(&mut self, user: Uuid, w: &SubscriptionWrite<'_>) -> StoreResult<()> {
        match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query(
                    "INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan, status,
                         current_period_end, last_event_created, last_status, updated_at)
                     VALUES (?1, ?2, ?3, COALESCE(?4, 'free'), ?5, ?6, ?7, ?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     ON CONFLICT (user_id) DO UPDATE SET
                         stripe_customer_id = excluded.stripe_customer_id,
                         stripe_subscription_id = ?3,
                         plan = COALESCE(?4, user_subscriptions.plan),
                         status = ?5,
                         current_period_end = COALESCE(?6, user_subscriptions.current_period_end),
                         last_event_created = ?7,
                         last_status = ?5,
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
                sqlx::query(
                    r#"UPDATE users SET "subscriptionPlan" = COALESCE(?2, "subscriptionPlan"), "subscriptionStatus" = ?3,
                           "updatedAt" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"#,
                )
                .bind(user.to_string())
                .bind(w.plan)
                .bind(w.status)
                .execute(&mut **tx)
                .await?;
            }
            Inner::Postgres(tx) => {
                // The subscription's row in the seed's table: the newest of that Stripe id, or a new one.
                let updated = sqlx::query(
                    "UPDATE user_subscriptions SET tier = COALESCE($3, tier), status = $4,
                            current_period_end = COALESCE($5, current_period_end)
                      WHERE id = (SELECT id FROM user_subscriptions WHERE stripe_subscription_id = $2 AND user_id = $1
                                   ORDER BY created_at DESC NULLS LAST, id LIMIT 1)",
                )
                .bind(user)
                .bind(w.subscription)
                .bind(w.plan)
                .bind(w.status)
                .bind(w.period_end)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    sqlx::query(
                        "INSERT INTO user_subscriptions (id, user_id, stripe_subscription_id, tier, status,
                             current_period_end)
                         VALUES (gen_random_uuid(), $1, $2, COALESCE($3, 'free'), $4, $5)",
                    )
                    .bind(user)
                    .bind(w.subscription)
                    .bind(w.plan)
                    .bind(w.status)
                    .bind(w.period_end)
                    .execute(&mut **tx)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO kairo_stripe_subscriptions (stripe_subscription_id, user_id, last_event_created,
                         last_status) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (stripe_subscription_id) DO UPDATE SET last_event_created = excluded.last_event_created,
                         last_status = excluded.last_status",
                )
                .bind(w.subscription)
                .bind(user)
                .bind(w.event_created)
                .bind(w.status)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    r#"UPDATE users SET "subscriptionPlan" = COALESCE($2, "subscriptionPlan", 'free'),
                           "subscriptionStatus" = $3 WHERE id = $1"#,
                )
                .bind(user)
                .bind(w.plan)
                .bind(w.status)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Keeps an event whose customer is not linked to a user yet.
    pub async fn park(&mut self, event_id: &str, customer: &str, created: i64, body: &str) -> StoreResult<()> {
        match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query(
                    "INSERT INTO kairo_stripe_parked (event_id, customer_id, created, body) VALUES (?, ?, ?, ?)
                     ON CONFLICT (event_id) DO NOTHING",
                )
                .bind(event_id)
                .bind(customer)
                .bind(created)
                .bind(body)
                .execute(&mut **tx)
                .await?;
            }
            Inner::Postgres(tx) => {
                sqlx::query(
                    "INSERT INTO kairo_stripe_parked (event_id, customer_id, created, body) VALUES ($1, $2, $3, $4::jsonb)
                     ON CONFLICT (event_id) DO NOTHING",
                )
                .bind(event_id)
                .bind(customer)
                .bind(created)
                .bind(body)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Takes the events parked for `customer`, oldest first (they are deleted with this transaction's commit).
    pub async fn take_parked(&mut self, customer: &str) -> StoreResult<Vec<String>> {
        Ok(match &mut self.0 {
            Inner::Sqlite { tx, .. } => {
                sqlx::query_scalar("DELETE FROM kairo_stripe_parked WHERE customer_id = ? RETURNING body")
                    .bind(customer)
                    .fetch_all(&mut **tx)
                    .await?
            }
            Inner::Postgres(tx) => {
                sqlx::query_scalar("DELETE FROM kairo_stripe_parked WHERE customer_id = $1 RETURNING body::text")
                    .bind(customer)
                    .fetch_all(&mut **tx)
                    .await?
            }
        })
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
