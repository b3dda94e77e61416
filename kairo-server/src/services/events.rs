//! The service's events: their types and payloads, how they are made from kairo-core's compliance results, and the
//! hub that appends them to the durable log (`kairo_events`) and wakes the open streams.
//!
//! | type | when | `data` |
//! |---|---|---|
//! | `compliance.fail` | a check fails a trade | the audit row: `trade_id`, `check_name`, `status`, `reason`, `metadata` |
//! | `compliance.flag` | a check flags a trade (other than a wash sale) | the same |
//! | `wash_sale` | a sale's loss is disallowed, or a purchase washes an earlier loss (the `wash_sale` check's flag) | the same |
//! | `pdt.status_changed` | the account's pattern-day-trader designation after the trades checked differs from the last reported | `trade_id`, `is_pattern_day_trader`, `day_trades_in_window`, `total_trades_in_window`, `window_start`, `window_end` |
//! | `metrics.updated` | a recomputation stored new metrics | `trades` (the trades they cover) |
//! | `subscription.changed` | a Stripe event was applied to the user's subscription | `plan`, `status` (the user's, after it), `stripe_event_id`, `stripe_event_type` |
//!
//! A compliance outcome may be reported twice, first by the live check of a posted trade, then by the
//! recomputation: each outcome (trade, check, status, reason and numbers) is one event, whichever path writes it
//! first. An outcome the recomputation finds different (a split or an activity the live check did not know of) is
//! an event of its own.

use kairo_core::compliance::{CheckResult, Field, Status};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, watch};
use uuid::Uuid;

use crate::store::events::NewEvent;
use crate::store::{Store, StoreError, StoreResult};

/// A check failed a trade.
pub const COMPLIANCE_FAIL: &str = "compliance.fail";
/// A check flagged a trade.
pub const COMPLIANCE_FLAG: &str = "compliance.flag";
/// A wash sale.
pub const WASH_SALE: &str = "wash_sale";
/// The pattern-day-trader designation changed.
pub const PDT_STATUS: &str = "pdt.status_changed";
/// New metrics were stored.
pub const METRICS: &str = "metrics.updated";
/// The plan or the subscription's status changed.
pub const SUBSCRIPTION: &str = "subscription.changed";

/// Every event type.
pub const KINDS: [&str; 6] = [COMPLIANCE_FAIL, COMPLIANCE_FLAG, WASH_SALE, PDT_STATUS, METRICS, SUBSCRIPTION];

/// Appends events and tells the open streams the id of the newest one this process wrote. Appends are written by
/// one task, which folds those that arrive together into one transaction (one commit, one fsync), so that a burst
/// of posted trades, each with its fails, does not queue a commit per trade behind the database's writer.
pub struct Events {
    queue: mpsc::Sender<Append>,
    latest: watch::Receiver<i64>,
}

/// One caller's events, and where to say they are written.
struct Append {
    events: Vec<NewEvent>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Events written in one transaction at most.
const MAX_BATCH: usize = 4096;

impl Events {
    /// The hub, its writer started on `store`, delivering every event to the webhook `endpoints` (their URLs) too.
    pub fn start(store: Store, endpoints: Vec<String>) -> Self {
        let (queue, rx) = mpsc::channel(1024);
        let (latest_tx, latest) = watch::channel(0);
        tokio::spawn(writer(store, endpoints, rx, latest_tx));
        Events { queue, latest }
    }

    /// Wakes whenever this process appends events.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.clone()
    }

    /// Appends `events` (outcomes already in the log left out) with their webhook deliveries, durably: written when
    /// this returns.
    pub async fn append(&self, events: Vec<NewEvent>) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let stopped = || StoreError::Unavailable("the event log's writer has stopped".into());
        let (done, written) = oneshot::channel();
        self.queue.send(Append { events, done }).await.map_err(|_| stopped())?;
        written.await.map_err(|_| stopped())?.map_err(StoreError::Failed)
    }
}

/// Writes the queued appends, those waiting together in one transaction, until every [`Events`] is gone.
async fn writer(store: Store, endpoints: Vec<String>, mut rx: mpsc::Receiver<Append>, latest: watch::Sender<i64>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        let mut size = batch[0].events.len();
        while size < MAX_BATCH {
            match rx.try_recv() {
                Ok(a) => {
                    size += a.events.len();
                    batch.push(a);
                }
                Err(_) => break,
            }
        }
        let events: Vec<NewEvent> = batch.iter_mut().flat_map(|a| std::mem::take(&mut a.events)).collect();
        let outcome = store.append_events(&events, &endpoints).await;
        if let Ok(ids) = &outcome {
            if let Some(&last) = ids.iter().max() {
                latest.send_if_modified(|v| {
                    let newer = last > *v;
                    *v = (*v).max(last);
                    newer
                });
            }
            metrics::counter!("kairo_events_total").increment(ids.len() as u64);
        }
        let outcome = outcome.map(|_| ()).map_err(|e| e.to_string());
        for a in batch {
            let _ = a.done.send(outcome.clone());
        }
    }
}

/// The events of a user's compliance results, in the order of the results (trade order): each fail and flag, then
/// a change of the pattern-day-trader designation when the designation after these trades (the last day trade's)
/// differs from `pdt_before`, the designation the log holds. The designation reported is the account's after the
/// trades a check covers: a designation that comes and goes within one recomputation's trades is not an event.
pub fn from_results(user: Uuid, results: &[CheckResult], pdt_before: bool) -> Vec<NewEvent> {
    let mut out = Vec::new();
    for r in results {
        let kind = match r.status {
            Status::Pass => continue,
            Status::Flag if r.check_name == "wash_sale" => WASH_SALE,
            Status::Flag => COMPLIANCE_FLAG,
            Status::Fail => COMPLIANCE_FAIL,
        };
        let data = serde_json::to_value(r).unwrap_or(Value::Null);
        let dedupe = outcome_key(r, &data);
        out.push(NewEvent { user_id: user, kind, dedupe: Some(dedupe), data });
    }
    let last_designation = results.iter().rev().find_map(|r| match r.metadata.get("is_pattern_day_trader") {
        Some(&Field::Bool(now)) if r.check_name == "pattern_day_trading" => Some((r, now)),
        _ => None,
    });
    if let Some((r, now)) = last_designation.filter(|(_, now)| *now != pdt_before) {
        out.push(pdt_event(user, r, now));
    }
    out
}

/// `trade:check:status:` and a digest of the reason and the numbers: the same outcome has the same key.
fn outcome_key(r: &CheckResult, data: &Value) -> String {
    let mut hash = Sha256::new();
    hash.update(r.reason().as_bytes());
    hash.update(data["metadata"].to_string().as_bytes());
    let digest = hex::encode(&hash.finalize()[..12]);
    format!("{}:{}:{}:{digest}", r.trade_id, r.check_name, r.status.as_str())
}

fn pdt_event(user: Uuid, r: &CheckResult, now: bool) -> NewEvent {
    let meta = serde_json::to_value(&r.metadata).unwrap_or(Value::Null);
    let data = json!({
        "trade_id": &*r.trade_id,
        "is_pattern_day_trader": now,
        "day_trades_in_window": meta["day_trades_in_window"],
        "total_trades_in_window": meta["total_trades_in_window"],
        "window_start": meta["window_start"],
        "window_end": meta["window_end"],
    });
    NewEvent { user_id: user, kind: PDT_STATUS, dedupe: Some(format!("pdt:{}:{now}", r.trade_id)), data }
}

/// A user's new metrics.
pub fn metrics_updated(user: Uuid, trades: i64) -> NewEvent {
    NewEvent { user_id: user, kind: METRICS, dedupe: None, data: json!({ "trades": trades }) }
}

/// A Stripe event applied to `user`'s subscription (`user` as it stands after it); once per Stripe event.
pub fn subscription_changed(user: &crate::store::User, stripe_event: &str, stripe_type: &str) -> NewEvent {
    NewEvent {
        user_id: user.id,
        kind: SUBSCRIPTION,
        dedupe: Some(format!("stripe:{stripe_event}")),
        data: json!({
            "plan": user.subscription_plan,
            "status": user.subscription_status,
            "stripe_event_id": stripe_event,
            "stripe_event_type": stripe_type,
        }),
    }
}

/// The text of an event as the streams and the webhooks send it:
/// `{"id", "type", "user_id", "created_at", "data"}`.
pub fn envelope(e: &crate::store::events::EventRow) -> String {
    let head = json!({ "id": e.id, "type": e.kind, "user_id": e.user_id, "created_at": e.created_at });
    let head = head.to_string();
    // `data` is stored JSON text: spliced in, not parsed again.
    format!("{},\"data\":{}}}", &head[..head.len() - 1], e.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kairo_core::compliance::{Metadata, Verdict};

    fn result<'t>(trade: &'t str, check: &'static str, v: Verdict) -> CheckResult<'t> {
        CheckResult::new(trade, check, v)
    }

    #[test]
    fn fails_flags_and_pdt_changes_become_events() {
        let user = Uuid::nil();
        let pdt = |trade: &'static str, on: bool| {
            let meta = Metadata::new().with("day_trades_in_window", 4u32).with("is_pattern_day_trader", on);
            result(
                trade,
                "pattern_day_trading",
                if on { Verdict::flag("PDT", meta) } else { Verdict::pass("ok", meta) },
            )
        };
        let rows = [
            result("t1", "market_hours", Verdict::pass("open", Metadata::new())),
            result("t1", "wash_sale", Verdict::flag("washed", Metadata::new())),
            pdt("t2", false),
            pdt("t3", true),
            result("t3", "restricted_symbol", Verdict::fail("restricted", Metadata::new())),
            pdt("t4", true),
            result("t5", "pattern_day_trading", Verdict::pass("Not a day trade.", Metadata::new())),
        ];
        let events = from_results(user, &rows, false);
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [WASH_SALE, COMPLIANCE_FLAG, COMPLIANCE_FAIL, COMPLIANCE_FLAG, PDT_STATUS]);
        // The designation after the trades is t4's (t5 is not a day trade and says nothing of it).
        let change = &events[4];
        assert_eq!(change.data["is_pattern_day_trader"], true);
        assert_eq!(change.data["trade_id"], "t4");
        assert_eq!(change.data["day_trades_in_window"], 4);
        // Known already: no change; a designation that ends is one.
        assert!(from_results(user, &rows, true).iter().all(|e| e.kind != PDT_STATUS));
        let ended = from_results(user, &[pdt("t6", false)], true);
        assert_eq!((ended[0].kind, ended[0].data["is_pattern_day_trader"].clone()), (PDT_STATUS, json!(false)));
        // The same outcome has the same key; another reason another.
        let again = from_results(user, &rows[1..2], false);
        assert_eq!(again[0].dedupe, events[0].dedupe);
        let other = from_results(user, &[result("t1", "wash_sale", Verdict::flag("other", Metadata::new()))], false);
        assert_ne!(other[0].dedupe, events[0].dedupe);
    }

    #[test]
    fn the_envelope_splices_the_stored_data() {
        let row = crate::store::events::EventRow {
            id: 7,
            user_id: Uuid::nil(),
            kind: METRICS.into(),
            data: r#"{"trades":3}"#.into(),
            created_at: "2026-01-02T03:04:05Z".parse().unwrap_or_default(),
        };
        let v: Value = serde_json::from_str(&envelope(&row)).unwrap_or(Value::Null);
        assert_eq!(v["id"], 7);
        assert_eq!(v["type"], METRICS);
        assert_eq!(v["data"]["trades"], 3);
        assert_eq!(v["created_at"], "2026-01-02T03:04:05Z");
    }
}
