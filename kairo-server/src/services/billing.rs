//! Stripe events as plans: which plan a subscription grants, in which order events apply, and what becomes of
//! an event (the flow is written once here; the store runs its statements in one transaction per event).

use std::collections::BTreeMap;

use chrono::DateTime;
use uuid::Uuid;

use crate::store::subscriptions::{BillingTx, LastEvent, Linked, SubscriptionWrite};
use crate::store::{Store, StoreResult};
use crate::stripe::{self, status_rank, Change, Event};

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied.
    Applied,
    /// Seen before (Stripe retried it): nothing done.
    Duplicate,
    /// Older than the last event applied to the subscription (or of the same second and an earlier status):
    /// recorded, not applied.
    Stale,
    /// Not an event kairo acts on (an invoice without a subscription, a checkout naming no user whose customer
    /// is not linked either, a checkout for a user kairo does not know): recorded.
    Ignored,
    /// The customer is not linked to a user yet (its checkout has not arrived): recorded and kept; it is applied
    /// when the customer is linked. Stripe gets a 200, so it does not retry for days.
    Parked,
    /// The customer or subscription is linked to another user already: acknowledged without a change, so that
    /// Stripe does not retry for days an event no retry can apply.
    Conflict,
}

impl Outcome {
    /// `applied`, `duplicate`, `stale`, `ignored`, `parked` or `conflict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
            Outcome::Ignored => "ignored",
            Outcome::Parked => "parked",
            Outcome::Conflict => "conflict",
        }
    }
}

/// An event's outcome, the price it named that no tier maps (its plan is then `free`), and how many parked
/// events of its customer it applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What became of the event.
    pub outcome: Outcome,
    /// A price with no configured tier (of this event or of a parked one it applied).
    pub unmapped_price: Option<String>,
    /// Parked events of the customer applied with this one (a checkout that linked the customer).
    pub unparked: usize,
    /// The user whose subscription state the event (or a parked one it applied) wrote.
    pub written: Option<Uuid>,
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

/// Whether an event created at `created` setting `status` comes before the last one applied: Stripe's `created`
/// first, then, within one second, the status's place in the subscription's life ([`status_rank`]).
pub fn is_stale(last: Option<&LastEvent>, created: i64, status: &str) -> bool {
    last.is_some_and(|l| created < l.created || (created == l.created && status_rank(status) < status_rank(&l.status)))
}

/// Applies a verified Stripe event: recorded once; a subscription's events applied in the order Stripe created
/// them; an event of a customer not linked yet kept until its checkout links it; a checkout applies its customer's
/// kept events.
pub async fn apply(
    store: &Store,
    event: &Event,
    body: &str,
    change: &Change,
    tiers: &BTreeMap<String, String>,
) -> StoreResult<Applied> {
    let result = apply_in_tx(store, event, body, change, tiers).await;
    match result {
        Err(e) if e.is_unique_violation() => {
            Ok(Applied { outcome: Outcome::Conflict, unmapped_price: None, unparked: 0, written: None })
        }
        other => other,
    }
}

async fn apply_in_tx(
    store: &Store,
    event: &Event,
    body: &str,
    change: &Change,
    tiers: &BTreeMap<String, String>,
) -> StoreResult<Applied> {
    let done = |outcome| Applied { outcome, unmapped_price: None, unparked: 0, written: None };
    let mut tx = store.billing_tx(stripe::customer(change)).await?;
    if !tx.record_event(&event.id, &event.kind).await? {
        return Ok(done(Outcome::Duplicate));
    }
    let outcome = match change {
        Change::Ignored => done(Outcome::Ignored),
        Change::Link { user, customer, .. } => {
            let user = match user {
                Some(u) => tx.existing_user(*u).await?,
                None => tx.customer_user(customer).await?,
            };
            match user {
                None => done(Outcome::Ignored),
                Some(user) => match tx.link(user, customer).await? {
                    Linked::OtherUser => done(Outcome::Conflict),
                    Linked::Yes => {
                        let mut applied = done(Outcome::Applied);
                        let mut parked: Vec<Event> = Vec::new();
                        for body in tx.take_parked(customer).await? {
                            match serde_json::from_str::<Event>(&body) {
                                Ok(e) => parked.push(e),
                                Err(e) => tracing::warn!(error = %e, "a parked Stripe event no longer reads; dropped"),
                            }
                        }
                        parked.sort_by_key(|e| e.created);
                        for e in &parked {
                            let Ok(c) = stripe::change(e) else { continue };
                            let (outcome, unmapped) = apply_state(&mut tx, user, e, &c, tiers).await?;
                            applied.unmapped_price = applied.unmapped_price.or(unmapped);
                            applied.unparked += 1;
                            if outcome == Outcome::Applied {
                                applied.written = Some(user);
                            }
                        }
                        applied
                    }
                },
            }
        }
        Change::Subscription { customer, subscription, .. } | Change::Invoice { customer, subscription, .. } => {
            let named = match change {
                Change::Subscription { user, .. } => *user,
                _ => None,
            };
            let user = match named {
                Some(u) => tx.existing_user(u).await?,
                None => match tx.customer_user(customer).await? {
                    Some(u) => Some(u),
                    None => tx.subscription_user(subscription).await?,
                },
            };
            match user {
                None => {
                    tx.park(&event.id, customer, event.created, body).await?;
                    done(Outcome::Parked)
                }
                Some(user) => {
                    let (outcome, unmapped_price) = apply_state(&mut tx, user, event, change, tiers).await?;
                    let written = (outcome == Outcome::Applied).then_some(user);
                    Applied { outcome, unmapped_price, unparked: 0, written }
                }
            }
        }
    };
    if let Some(price) = &outcome.unmapped_price {
        tx.note_unmapped_price(&event.id, price).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// Applies a subscription or invoice event of `user` unless it is stale; the outcome and an unmapped price.
async fn apply_state(
    tx: &mut BillingTx<'_>,
    user: Uuid,
    event: &Event,
    change: &Change,
    tiers: &BTreeMap<String, String>,
) -> StoreResult<(Outcome, Option<String>)> {
    let (w, unmapped) = match change {
        Change::Subscription { customer, subscription, status, price, period_end, .. } => {
            let (plan, unmapped) = plan(status, price.as_deref(), tiers);
            let w = SubscriptionWrite {
                customer,
                subscription,
                plan: Some(plan),
                status,
                period_end: period_end.and_then(|s| DateTime::from_timestamp(s, 0)),
                event_created: event.created,
            };
            (w, unmapped.then(|| price.clone()).flatten())
        }
        Change::Invoice { customer, subscription, status } => {
            let w = SubscriptionWrite {
                customer,
                subscription,
                status,
                event_created: event.created,
                ..SubscriptionWrite::default()
            };
            (w, None)
        }
        Change::Link { .. } | Change::Ignored => return Ok((Outcome::Ignored, None)),
    };
    if tx.subscription_user(w.subscription).await?.is_some_and(|owner| owner != user) {
        return Ok((Outcome::Conflict, None));
    }
    let last = tx.last_event(user, w.subscription).await?;
    if is_stale(last.as_ref(), event.created, w.status) {
        return Ok((Outcome::Stale, None));
    }
    tx.write_subscription(user, &w).await?;
    Ok((Outcome::Applied, unmapped))
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

    #[test]
    fn order_of_events() {
        let last = LastEvent { created: 100, status: "active".into() };
        assert!(!is_stale(None, 1, "incomplete"));
        assert!(is_stale(Some(&last), 99, "canceled"));
        assert!(!is_stale(Some(&last), 101, "incomplete"));
        // the same second: `created(incomplete)` after `updated(active)` is the older state
        assert!(is_stale(Some(&last), 100, "incomplete"));
        assert!(!is_stale(Some(&last), 100, "past_due"));
        assert!(!is_stale(Some(&last), 100, "canceled"));
    }
}
