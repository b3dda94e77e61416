//! Stripe events applied to `user_subscriptions` and the user's `subscriptionPlan` / `subscriptionStatus`, in one
//! transaction with the record of the event (so a retried event is applied once).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, SqliteConnection};
use uuid::Uuid;

use super::{Store, StoreResult};
use crate::stripe::{Change, Event};

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripeOutcome {
    /// Applied.
    Applied,
    /// Seen before (Stripe retried it): nothing done.
    Duplicate,
    /// Older than the last event applied to the subscription: recorded, not applied.
    Stale,
    /// Not an event kairo acts on: recorded.
    Ignored,
    /// The customer is not linked to a user yet (its checkout event has not arrived): not recorded, so that
    /// Stripe's retry applies it later.
    UnknownCustomer,
}

/// The row a change writes, once its user is known.
struct Write<'a> {
    customer: &'a str,
    subscription: Option<&'a str>,
    plan: Option<String>,
    status: Option<&'a str>,
    period_end: Option<DateTime<Utc>>,
}

fn write<'a>(change: &'a Change, plan_of: &(dyn Fn(&str) -> String + Sync)) -> Option<Write<'a>> {
    Some(match change {
        Change::Link { customer, subscription, .. } => {
            Write { customer, subscription: subscription.as_deref(), plan: None, status: None, period_end: None }
        }
        Change::Subscription { customer, subscription, status, price, period_end, .. } => Write {
            customer,
            subscription: Some(subscription),
            plan: Some(match (status.as_str(), price) {
                ("canceled" | "incomplete_expired", _) | (_, None) => "free".to_owned(),
                (_, Some(p)) => plan_of(p),
            }),
            status: Some(status),
            period_end: period_end.and_then(|s| DateTime::from_timestamp(s, 0)),
        },
        Change::Invoice { customer, status } => {
            Write { customer, subscription: None, plan: None, status: Some(status), period_end: None }
        }
        Change::Ignored => return None,
    })
}

/// The event time a change sets as the subscription's latest: none for a link, which carries no state to order.
fn ordered(change: &Change, event: &Event) -> Option<i64> {
    (!matches!(change, Change::Link { .. })).then_some(event.created)
}

fn customer(change: &Change) -> Option<&str> {
    match change {
        Change::Link { customer, .. } | Change::Subscription { customer, .. } | Change::Invoice { customer, .. } => {
            Some(customer)
        }
        Change::Ignored => None,
    }
}

fn named_user(change: &Change) -> Option<Uuid> {
    match change {
        Change::Link { user, .. } => Some(*user),
        Change::Subscription { user, .. } => *user,
        _ => None,
    }
}

impl Store {
    /// Applies a verified Stripe event; `plan_of` maps a price id to a plan name.
    pub async fn apply_stripe(
        &self,
        event: &Event,
        change: &Change,
        plan_of: &(dyn Fn(&str) -> String + Sync),
    ) -> StoreResult<StripeOutcome> {
        match self {
            Store::Sqlite(p) => {
                let _writer = p.writer.lock().await;
                let mut tx = p.pool.begin_with("BEGIN IMMEDIATE").await?;
                let outcome = sqlite(&mut tx, event, change, plan_of).await?;
                if outcome != StripeOutcome::UnknownCustomer {
                    tx.commit().await?;
                }
                Ok(outcome)
            }
            Store::Postgres(p) => {
                let mut tx = p.begin().await?;
                let outcome = postgres(&mut tx, event, change, plan_of).await?;
                if outcome != StripeOutcome::UnknownCustomer {
                    tx.commit().await?;
                }
                Ok(outcome)
            }
        }
    }
}

async fn sqlite(
    tx: &mut SqliteConnection,
    event: &Event,
    change: &Change,
    plan_of: &(dyn Fn(&str) -> String + Sync),
) -> StoreResult<StripeOutcome> {
    let new = sqlx::query("INSERT INTO kairo_webhook_events (id, kind) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
        .bind(&event.id)
        .bind(&event.kind)
        .execute(&mut *tx)
        .await?;
    if new.rows_affected() == 0 {
        return Ok(StripeOutcome::Duplicate);
    }
    let Some(cus) = customer(change) else { return Ok(StripeOutcome::Ignored) };
    let user: Option<String> = match named_user(change) {
        Some(u) => {
            sqlx::query_scalar("SELECT id FROM users WHERE id = ?").bind(u.to_string()).fetch_optional(&mut *tx).await?
        }
        None => {
            sqlx::query_scalar("SELECT user_id FROM user_subscriptions WHERE stripe_customer_id = ?")
                .bind(cus)
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    let Some(user) = user.and_then(|u| u.parse::<Uuid>().ok()) else { return Ok(StripeOutcome::UnknownCustomer) };
    let last: Option<Option<i64>> =
        sqlx::query_scalar("SELECT last_event_created FROM user_subscriptions WHERE user_id = ?")
            .bind(user.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    let stale = last.flatten().is_some_and(|l| event.created < l);
    let Some(w) = write(change, plan_of) else { return Ok(StripeOutcome::Ignored) };
    if stale && !matches!(change, Change::Link { .. }) {
        return Ok(StripeOutcome::Stale);
    }
    sqlx::query(
        "INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan, status,
             current_period_end, last_event_created, updated_at)
         VALUES (?1, ?2, ?3, COALESCE(?4, 'free'), COALESCE(?5, 'inactive'), ?6, ?7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
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
    .bind(&w.plan)
    .bind(w.status)
    .bind(w.period_end.map(super::sqlite::ts))
    .bind(ordered(change, event))
    .execute(&mut *tx)
    .await?;
    if w.plan.is_some() || w.status.is_some() {
        sqlx::query(
            r#"UPDATE users SET "subscriptionPlan" = COALESCE(?2, "subscriptionPlan"),
                   "subscriptionStatus" = COALESCE(?3, "subscriptionStatus"),
                   "updatedAt" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"#,
        )
        .bind(user.to_string())
        .bind(&w.plan)
        .bind(w.status)
        .execute(&mut *tx)
        .await?;
    }
    Ok(StripeOutcome::Applied)
}

async fn postgres(
    tx: &mut PgConnection,
    event: &Event,
    change: &Change,
    plan_of: &(dyn Fn(&str) -> String + Sync),
) -> StoreResult<StripeOutcome> {
    let new = sqlx::query("INSERT INTO kairo_webhook_events (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
        .bind(&event.id)
        .bind(&event.kind)
        .execute(&mut *tx)
        .await?;
    if new.rows_affected() == 0 {
        return Ok(StripeOutcome::Duplicate);
    }
    let Some(cus) = customer(change) else { return Ok(StripeOutcome::Ignored) };
    let user: Option<Uuid> = match named_user(change) {
        Some(u) => sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(u).fetch_optional(&mut *tx).await?,
        None => {
            sqlx::query_scalar("SELECT user_id FROM user_subscriptions WHERE stripe_customer_id = $1")
                .bind(cus)
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    let Some(user) = user else { return Ok(StripeOutcome::UnknownCustomer) };
    // the subscription row is locked so that concurrent deliveries for one user apply in turn
    let last: Option<Option<i64>> =
        sqlx::query_scalar("SELECT last_event_created FROM user_subscriptions WHERE user_id = $1 FOR UPDATE")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
    let stale = last.flatten().is_some_and(|l| event.created < l);
    let Some(w) = write(change, plan_of) else { return Ok(StripeOutcome::Ignored) };
    if stale && !matches!(change, Change::Link { .. }) {
        return Ok(StripeOutcome::Stale);
    }
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
    .bind(&w.plan)
    .bind(w.status)
    .bind(w.period_end)
    .bind(ordered(change, event))
    .execute(&mut *tx)
    .await?;
    if w.plan.is_some() || w.status.is_some() {
        sqlx::query(
            r#"UPDATE users SET "subscriptionPlan" = COALESCE($2, "subscriptionPlan"),
                   "subscriptionStatus" = COALESCE($3, "subscriptionStatus"), "updatedAt" = now() WHERE id = $1"#,
        )
        .bind(user)
        .bind(&w.plan)
        .bind(w.status)
        .execute(&mut *tx)
        .await?;
    }
    Ok(StripeOutcome::Applied)
}
