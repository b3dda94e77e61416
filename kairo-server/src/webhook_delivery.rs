//! Delivery of the event log to the webhook endpoints (`KAIRO_WEBHOOK_URL`): each event is POSTed to each endpoint
//! as `{"id", "type", "user_id", "created_at", "data"}`, signed the way Stripe signs its webhooks, until the
//! endpoint answers 2xx. Deliveries are queued with the event in its transaction (`kairo_webhook_deliveries`), so
//! none is lost to a crash or a restart; a failed attempt is retried after 1 s, 2 s, 4 s, ... up to 5 minutes
//! between attempts, for as long as it fails (`/health` and `/metrics` show the failing ones). Delivery is at least
//! once: an endpoint may see an event twice (a crash after its answer) and should ignore an `id` it has seen.
//!
//! Headers of each request:
//! - `Kairo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the endpoint's secret>`;
//! - `Kairo-Event-Id` and `Idempotency-Key` (`kairo-event-<id>`): the event's id;
//! - `Kairo-Event-Type`: its type.
//!
//! Verifying a delivery in Node (`express.raw()` keeps the body's bytes):
//!
//! ```js
//! const crypto = require('node:crypto')
//! function verify(body, header, secret, toleranceSeconds = 300) {
//!   const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')))
//!   const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex')
//!   const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= toleranceSeconds
//!   return fresh && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1 ?? ''))
//! }
//! ```

use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::watch;

use crate::config::Webhook;
use crate::store::events::Delivery;
use crate::store::Store;

/// Deliveries claimed at a time.
const BATCH: i64 = 32;

/// Longest wait for an endpoint's answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Longest an idle deliverer waits before looking at the queue again (deliveries queued by other replicas, retries
/// coming due).
const IDLE: Duration = Duration::from_millis(500);

/// `t=<timestamp>,v1=<signature>`: the `Kairo-Signature` of `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delivers queued events to `endpoints` until `shutdown` turns true; `wake` changes when events are appended.
pub async fn deliverer(
    store: Store,
    endpoints: Vec<Webhook>,
    mut wake: watch::Receiver<i64>,
    mut shutdown: watch::Receiver<bool>,
) {
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook client; events are not delivered");
            return;
        }
    };
    loop {
        if *shutdown.borrow() {
            return;
        }
        let claimed = match store.claim_deliveries(BATCH).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim webhook deliveries; retrying");
                Vec::new()
            }
        };
        let idle = claimed.is_empty();
        for d in claimed {
            deliver(&store, &client, &endpoints, d).await;
        }
        if idle {
            tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(IDLE) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

async fn deliver(store: &Store, client: &reqwest::Client, endpoints: &[Webhook], d: Delivery) {
    let Some(endpoint) = endpoints.iter().find(|e| e.url == d.endpoint) else {
        // An endpoint removed from the configuration: its deliveries wait, visible, until it comes back.
        let at = Utc::now() + chrono::Duration::seconds(300);
        let _ = store.delivery_failed(d.id, "the endpoint is no longer configured", at).await;
        return;
    };
    let body = crate::services::events::envelope(&d.event);
    let sent = Utc::now().timestamp();
    let outcome = client
        .post(&endpoint.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Kairo-Signature", signature(&endpoint.secret, sent, &body))
        .header("Kairo-Event-Id", d.event.id.to_string())
        .header("Kairo-Event-Type", &d.event.kind)
        .header("Idempotency-Key", format!("kairo-event-{}", d.event.id))
        .body(body)
        .send()
        .await;
    let error = match outcome {
        Ok(r) if r.status().is_success() => None,
        Ok(r) => Some(format!("{} answered {}", endpoint.url, r.status())),
        Err(e) => Some(format!("{}: {e}", endpoint.url)),
    };
    match error {
        None => {
            metrics::counter!("kairo_webhook_deliveries_total", "outcome" => "delivered").increment(1);
            if let Err(e) = store.delivered(d.id).await {
                tracing::warn!(delivery = d.id, error = %e, "could not remove a delivered webhook (it is sent again)");
            }
        }
        Some(error) => {
            metrics::counter!("kairo_webhook_deliveries_total", "outcome" => "failed").increment(1);
            tracing::warn!(delivery = d.id, event = d.event.id, attempts = d.attempts, %error, "webhook delivery failed");
            let at = Utc::now() + chrono::Duration::from_std(crate::jobs::backoff(d.attempts)).unwrap_or_default();
            if let Err(e) = store.delivery_failed(d.id, &error, at).await {
                tracing::warn!(delivery = d.id, error = %e, "could not reschedule a webhook delivery");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_stripe() {
        // Python: hmac.new(b"whsec_kairo", b"1700000000.{\"id\":1}", hashlib.sha256).hexdigest()
        assert_eq!(
            signature("whsec_kairo", 1_700_000_000, r#"{"id":1}"#),
            "t=1700000000,v1=94b445843171f028f11a6275975e17e11c9ff9ada3931a5d2ca394bf5eda366e"
        );
    }
}
