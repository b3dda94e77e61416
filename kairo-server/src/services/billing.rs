//! Stripe events as plans: which plan a subscription grants, in which order events apply, and what becomes of
//! an event (the flow is written once here; the store runs its statements in one transaction per event).

use std::collections::BTreeMap;

use chrono::DateTime;
use uuid::Uuid;

use crate::store::subscriptions::SubscriptionWrite;
use crate::store::{Store, StoreResult};
use crate::stripe::{Change, Event};

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
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
    /// The customer or subscription is linked to another user already: acknowledged without a change, so that
    /// Stripe does not retry for days an event no retry can apply.
    Conflict,
}

impl Outcome {
    /// `applied`, `duplicate`, `stale`, `ignored`, `unknown_customer` or `conflict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
            Outcome::Ignored => "ignored",
            Outcome::UnknownCustomer => "unknown_customer",
            Outcome::Conflict => "conflict",
        }
    }
}

/// An event's outcome, and the price it named that no tier maps (its plan is then `free`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What became of the event.
    pub outcome: Outcome,
    /// A price with no configured tier.
    pub unmapped_price: Option<String>,
}

/// The plan a subscription grants: `free` once it is canceled or expired unpaid, or without a price; otherwise the
/// tier configured for its price, and `free` for a price with no tier (a paid plan is only ever one configured).
pub fn plan<'a>(status: &str, price: Option<&str>, tiers: &'a BTreeMap<String, String>) -> (&'a str, bool) {
    match (status, price) {
        ("canceled" | "incomplete_expired", _) | (_, None) => ("free", false),
        (_, Some(p)) => match tiers.get(p) {
            Some(tier) => (tier.as_str(), false),
            None => ("free", true),
        },
    }
}

/// The row `change` writes (`None` for an event kairo does not act on), and whether its price has no tier.
fn write<'a>(
    change: &'a Change,
    event: &Event,
    tiers: &'a BTreeMap<String, String>,
) -> Option<(SubscriptionWrite<'a>, bool)> {
    Some(match change {
        Change::Link { customer, subscription, .. } => (
            SubscriptionWrite { customer, subscription: subscription.as_deref(), ..SubscriptionWrite::default() },
            false,
        ),
        Change::Subscription { customer, subscription, status, price, period_end, .. } => {
            let (plan, unmapped) = plan(status, price.as_deref(), tiers);
            let w = SubscriptionWrite {
                customer,
                subscription: Some(subscription),
                plan: Some(plan),
                status: Some(status),
                period_end: period_end.and_then(|s| DateTime::from_timestamp(s, 0)),
                event_created: Some(event.created),
            };
            (w, unmapped)
        }
        Change::Invoice { customer, status } => (
            SubscriptionWrite {
                customer,
                status: Some(status),
                event_created: Some(event.created),
                ..SubscriptionWrite::default()
            },
            false,
        ),
        Change::Ignored => return None,
    })
}

/// The user an event names (a checkout's reference, a subscription's metadata).
fn named_user(change: &Change) -> Option<Uuid> {
    match change {
        Change::Link { user, .. } => Some(*user),
        Change::Subscription { user, .. } => *user,
        _ => None,
    }
}

/// Applies a verified Stripe event: recorded once, applied in the order Stripe created the events of a
/// subscription (a late older event is recorded, not applied; a link always applies, it orders nothing).
pub async fn apply(
    store: &Store,
    event: &Event,
    change: &Change,
    tiers: &BTreeMap<String, String>,
) -> StoreResult<Applied> {
    let result = apply_in_tx(store, event, change, tiers).await;
    match result {
        Err(e) if e.is_unique_violation() => Ok(Applied { outcome: Outcome::Conflict, unmapped_price: None }),
        other => other,
    }
}

async fn apply_in_tx(
    store: &Store,
    event: &Event,
    change: &Change,
    tiers: &BTreeMap<String, String>,
) -> StoreResult<Applied> {
    let done = |outcome| Applied { outcome, unmapped_price: None };
    let mut tx = store.billing_tx().await?;
    if !tx.record_event(&event.id, &event.kind).await? {
        return Ok(done(Outcome::Duplicate));
    }
    let Some((w, unmapped)) = write(change, event, tiers) else {
        tx.commit().await?;
        return Ok(done(Outcome::Ignored));
    };
    let user = match named_user(change) {
        Some(u) => tx.existing_user(u).await?,
        None => tx.customer_user(w.customer).await?,
    };
    // Not committed: the event stays unrecorded, so that Stripe's retry finds the user once linked.
    let Some(user) = user else { return Ok(done(Outcome::UnknownCustomer)) };
    let last = tx.last_event_created(user).await?;
    if !matches!(change, Change::Link { .. }) && last.is_some_and(|l| event.created < l) {
        tx.commit().await?;
        return Ok(done(Outcome::Stale));
    }
    tx.write_subscription(user, &w).await?;
    tx.commit().await?;
    let unmapped_price = match change {
        Change::Subscription { price, .. } if unmapped => price.clone(),
        _ => None,
    };
    Ok(Applied { outcome: Outcome::Applied, unmapped_price })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans() {
        let tiers: BTreeMap<String, String> = [("price_pro".to_owned(), "pro".to_owned())].into();
        assert_eq!(plan("active", Some("price_pro"), &tiers), ("pro", false));
        assert_eq!(plan("past_due", Some("price_pro"), &tiers), ("pro", false));
        assert_eq!(plan("canceled", Some("price_pro"), &tiers), ("free", false));
        assert_eq!(plan("incomplete_expired", Some("price_pro"), &tiers), ("free", false));
        assert_eq!(plan("active", None, &tiers), ("free", false));
        assert_eq!(plan("active", Some("price_other"), &tiers), ("free", true));
    }
}
