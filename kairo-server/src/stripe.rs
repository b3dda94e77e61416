//! Stripe webhooks: the `Stripe-Signature` check and what each subscription event changes.
//!
//! Stripe signs `"{t}.{raw body}"` with HMAC-SHA256 under the endpoint's signing secret and sends
//! `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]` (several `v1` while a secret is rolled).
//! A payload is accepted when one `v1` matches (compared in constant time) and `t` is at most the tolerance
//! (300 s by default) in the past, as Stripe's own libraries check.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use uuid::Uuid;

use crate::api::auth::constant_time_eq;

/// Why a payload's signature is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    /// No `t=` or no `v1=` in the header.
    #[error("the Stripe-Signature header must carry t= and v1= (got {0:?})")]
    Malformed(String),
    /// No `v1` matches.
    #[error("no v1 signature matches the payload")]
    Mismatch,
    /// Signed too long ago.
    #[error("the signature timestamp is {age} s old, more than the {tolerance} s tolerated")]
    Stale {
        /// Seconds since the signature.
        age: i64,
        /// Seconds tolerated.
        tolerance: i64,
    },
}

/// Checks `header` (the `Stripe-Signature` value) against `body` signed with `secret`, at time `now` (unix s).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let (Some(t), false) = (timestamp, signatures.is_empty()) else {
        return Err(SignatureError::Malformed(header.chars().take(200).collect()));
    };
    let expected = sign(secret, t, body);
    let matches = signatures.iter().any(|s| constant_time_eq(s.as_bytes(), expected.as_bytes()));
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now - t;
    if age > tolerance {
        return Err(SignatureError::Stale { age, tolerance });
    }
    Ok(())
}

/// The `v1` signature of `body` at `timestamp`: lower-case hex of HMAC-SHA256(secret, "{timestamp}.{body}").
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The envelope of a Stripe event.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    /// `evt_...`: the idempotency key (Stripe retries an event for days).
    pub id: String,
    /// `customer.subscription.updated`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// When Stripe created the event (unix s): an older event never overrides a newer one.
    pub created: i64,
    /// `data.object`, the API object the event is about.
    pub data: EventData,
}

/// `data` of an event.
#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    /// The object.
    pub object: Value,
}

/// What an event changes in a user's subscription.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A completed checkout: the user (`client_reference_id`) is linked to the customer and subscription.
    Link {
        /// The kairo user: `client_reference_id`, else `metadata.user_id` (see [`USER_METADATA_KEY`]); none when
        /// the checkout names neither (the customer may be linked through `users."stripeCustomerId"`).
        user: Option<Uuid>,
        /// `cus_...`.
        customer: String,
        /// `sub_...`, for a subscription checkout.
        subscription: Option<String>,
    },
    /// A subscription's state (created, updated, deleted).
    Subscription {
        /// `metadata.user_id` when the checkout set it.
        user: Option<Uuid>,
        /// `cus_...`.
        customer: String,
        /// `sub_...`.
        subscription: String,
        /// Stripe's status (`active`, `trialing`, `past_due`, `canceled`, ...).
        status: String,
        /// The first item's price id.
        price: Option<String>,
        /// End of the paid period (unix s).
        period_end: Option<i64>,
    },
    /// An invoice of a subscription paid or failed: the subscription becomes `active` or `past_due`. (An invoice
    /// without a subscription, a one-off charge, is [`Change::Ignored`]: it never touches a subscription.)
    Invoice {
        /// `cus_...`.
        customer: String,
        /// `sub_...`: the invoice's `subscription` (older API versions) or
        /// `parent.subscription_details.subscription` (2025 versions).
        subscription: String,
        /// The subscription's new status.
        status: &'static str,
    },
    /// An event kairo does not act on.
    Ignored,
}

/// The key of a checkout's (and a subscription's) `metadata` naming the kairo user when the checkout has no
/// `client_reference_id`.
pub const USER_METADATA_KEY: &str = "user_id";

/// The customer an event concerns, when it names one.
pub fn customer(change: &Change) -> Option<&str> {
    match change {
        Change::Link { customer, .. } | Change::Subscription { customer, .. } | Change::Invoice { customer, .. } => {
            Some(customer)
        }
        Change::Ignored => None,
    }
}

/// The order of a subscription's statuses within one second: Stripe stamps events to the second, and two events
/// of one second may arrive in either order (`customer.subscription.created` with `incomplete` after
/// `customer.subscription.updated` with `active`). A subscription only moves forward through these ranks within a
/// second (incomplete → trialing → active/past_due/unpaid/paused → canceled/incomplete_expired), so of two events
/// of one second the one of the higher rank is the later state.
pub fn status_rank(status: &str) -> u8 {
    match status {
        "incomplete" => 0,
        "trialing" => 1,
        "active" | "past_due" | "unpaid" | "paused" => 2,
        "canceled" | "incomplete_expired" => 3,
        _ => 2,
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        // an expanded object: its id
        Value::Object(o) => o.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Why an event cannot be acted on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// A field the event needs is absent.
    #[error("{event}: data.object.{key} is missing")]
    Missing {
        /// The event type.
        event: String,
        /// The field of `data.object`.
        key: &'static str,
    },
    /// A checkout's user reference is not a kairo user id.
    #[error("client_reference_id (or metadata.user_id) must be a kairo user id (UUID), got {0:?}")]
    NotAUserId(String),
}

/// What `event` changes; an error names the field that is missing.
pub fn change(event: &Event) -> Result<Change, EventError> {
    let o = &event.data.object;
    let need = |key: &'static str| text(o, key).ok_or_else(|| EventError::Missing { event: event.kind.clone(), key });
    Ok(match event.kind.as_str() {
        "checkout.session.completed" => {
            let reference = text(o, "client_reference_id").or_else(|| {
                o.pointer(&format!("/metadata/{USER_METADATA_KEY}")).and_then(Value::as_str).map(str::to_owned)
            });
            let user = reference.map(|r| r.parse().map_err(|_| EventError::NotAUserId(r.clone()))).transpose()?;
            Change::Link { user, customer: need("customer")?, subscription: text(o, "subscription") }
        }
        "customer.subscription.created" | "customer.subscription.updated" | "customer.subscription.deleted" => {
            let item = o.pointer("/items/data/0");
            let status = if event.kind.ends_with("deleted") { "canceled".to_owned() } else { need("status")? };
            Change::Subscription {
                user: o.pointer("/metadata/user_id").and_then(Value::as_str).and_then(|u| u.parse().ok()),
                customer: need("customer")?,
                subscription: need("id")?,
                status,
                price: item.and_then(|i| i.pointer("/price/id")).and_then(Value::as_str).map(str::to_owned),
                // the period end moved from the subscription to its items in newer API versions
                period_end: o
                    .get("current_period_end")
                    .and_then(Value::as_i64)
                    .or_else(|| item.and_then(|i| i.get("current_period_end")).and_then(Value::as_i64)),
            }
        }
        "invoice.paid" | "invoice.payment_failed" => {
            let subscription = text(o, "subscription").or_else(|| {
                o.pointer("/parent/subscription_details/subscription").and_then(Value::as_str).map(str::to_owned)
            });
            match subscription {
                Some(subscription) => Change::Invoice {
                    customer: need("customer")?,
                    subscription,
                    status: if event.kind == "invoice.paid" { "active" } else { "past_due" },
                },
                None => Change::Ignored,
            }
        }
        _ => Change::Ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let body = b"{}";
        let sig = sign("whsec_test", 1_700_000_000, body);
        // Python's hmac: hmac.new(b"whsec_test", b"1700000000.{}", hashlib.sha256).hexdigest()
        assert_eq!(sig, "35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91");
        let header = format!("t=1700000000,v1=deadbeef,v1={sig},v0=abc");
        assert_eq!(verify("whsec_test", &header, body, 1_700_000_100, 300), Ok(()));
        assert_eq!(verify("other", &header, body, 1_700_000_100, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("whsec_test", &header, b"{ }", 1_700_000_100, 300), Err(SignatureError::Mismatch));
        assert_eq!(
            verify("whsec_test", &header, body, 1_700_000_301, 300),
            Err(SignatureError::Stale { age: 301, tolerance: 300 })
        );
        assert!(matches!(verify("whsec_test", "v1=abc", body, 0, 300), Err(SignatureError::Malformed(_))));
        assert!(matches!(verify("whsec_test", "t=1", body, 0, 300), Err(SignatureError::Malformed(_))));
    }
}
