//! The live check of posted trades: each account that posts trades keeps a warm kairo-core compliance engine, and a
//! stored trade later than everything the engine holds is pushed into it at once, so that its fails and flags reach
//! the event log (and the open streams) in milliseconds instead of after the recomputation's debounce.
//!
//! The recomputation stays the source of the audit rows; the live check only reports early. An engine is (re)built
//! from the stored history and activities when the account has none, when the stored trades are not the ones it
//! holds plus the new one (a trade stored by another program, a trade dated before the last one), or after an
//! activity or an account change ([`Live::forget`]). A trade dated before the engine's last one is left to the
//! recomputation. Engines are kept for the `max_accounts` most recently active accounts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kairo_core::activity::Activity;
use kairo_core::compliance::{CheckResult, Engine};
use kairo_core::Trade;
use uuid::Uuid;

use super::analysis;
use super::events::{from_results, Events};
use crate::store::{Store, StoreError};

/// An account's warm engine.
#[derive(Default)]
struct Slot {
    engine: Option<Warm>,
}

struct Warm {
    engine: Engine,
    /// The trades the engine holds: when the stored trades are more than these and the new ones, a trade reached the
    /// database without reaching the engine (another program's, or a concurrent request's seen out of order).
    trades: i64,
    /// The (execution time, id) of its last trade.
    last: (chrono::DateTime<chrono::Utc>, String),
    /// The stored activities dated after its last trade, in order: applied before the first trade dated on or after
    /// each.
    pending: std::collections::VecDeque<Activity>,
}

/// Why a live check did not run (logged and counted; the recomputation reports the trade instead).
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// kairo-core refused the stored history (the recomputation reports it too).
    #[error(transparent)]
    Compliance(#[from] kairo_core::ComplianceError),
}

/// Each account's slot, with the clock reading of its last use.
type Slots = HashMap<Uuid, (u64, Arc<tokio::sync::Mutex<Slot>>)>;

/// The warm engines of the most recently active accounts.
pub struct Live {
    /// A clock of uses, and each account's slot with its last use.
    slots: Mutex<(u64, Slots)>,
    max_accounts: usize,
}

impl Live {
    /// Keeps engines for at most `max_accounts` accounts (0: no live checks).
    pub fn new(max_accounts: usize) -> Self {
        Live { slots: Mutex::new((0, HashMap::new())), max_accounts }
    }

    /// Drops the account's engine (an activity or an account change): the next trade rebuilds it.
    pub fn forget(&self, user: Uuid) {
        let mut guard = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.remove(&user);
    }

    fn slot(&self, user: Uuid) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut guard = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, slots) = &mut *guard;
        *clock += 1;
        let now = *clock;
        let slot = slots.entry(user).or_insert_with(|| (now, Arc::default()));
        slot.0 = now;
        let slot = slot.1.clone();
        if slots.len() > self.max_accounts {
            if let Some(oldest) = slots.iter().filter(|(u, _)| **u != user).min_by_key(|(_, s)| s.0).map(|(u, _)| *u) {
                slots.remove(&oldest);
            }
        }
        metrics::gauge!("kairo_live_accounts").set(slots.len() as f64);
        slot
    }

    /// Brings the user's engine up to the stored trades after a trade was stored for them, and appends the fails,
    /// flags and pattern-day-trader changes of every trade it had not yet checked. Concurrent requests of one user
    /// commit in one order and arrive here in another: whichever comes first checks every trade committed by then,
    /// in execution order, and the others find nothing left to do.
    pub async fn observe(&self, store: &Store, events: &Events, user: Uuid) -> Result<(), LiveError> {
        if self.max_accounts == 0 {
            return Ok(());
        }
        let slot = self.slot(user);
        let mut slot = slot.lock().await;
        let stored = store.trade_count(user).await?;
        // The stored trades after the engine's last one; when they and the engine's are not all the stored trades,
        // one came in the past (a backdated trade, another program's): the engine is built again.
        let mut fresh = None;
        if let Some((last, held)) = slot.engine.as_ref().map(|w| (w.last.clone(), w.trades)) {
            let after: Vec<Trade> = store
                .trades_since(user, last.0)
                .await?
                .iter()
                .filter(|t| (t.executed_at, t.id.as_str()) > (last.0, last.1.as_str()))
                .cloned()
                .collect();
            if held + after.len() as i64 == stored {
                fresh = Some(after);
            }
        }
        let new = match fresh {
            Some(after) => after,
            None => {
                let last = slot.engine.as_ref().map(|w| w.last.clone());
                slot.engine = None;
                let (w, after) = warm(store, user, last).await?;
                slot.engine = w;
                after
            }
        };
        let Some(w) = slot.engine.as_mut() else { return Ok(()) };
        let mut results = Vec::new();
        for t in &new {
            while let Some(a) = w.pending.front().filter(|a| a.date() <= t.trade_date()) {
                w.engine.push_activity(a)?;
                w.pending.pop_front();
            }
            results.extend(w.engine.push(t)?);
            w.last = (t.executed_at, t.id.clone());
            w.trades += 1;
        }
        drop(slot);
        metrics::counter!("kairo_live_checks_total", "outcome" => "checked").increment(new.len() as u64);
        append(store, events, user, &results).await
    }
}

/// The fails, flags and designation changes of `results` appended to the log.
async fn append(store: &Store, events: &Events, user: Uuid, results: &[CheckResult<'_>]) -> Result<(), LiveError> {
    let pdt = results.iter().any(|r| r.metadata.get("is_pattern_day_trader").is_some());
    let before = if pdt { store.last_pdt_status(user).await? } else { false };
    events.append(from_results(user, results, before)).await?;
    Ok(())
}

/// An engine holding the user's stored trades up to `last` (the last one the engine that is being replaced had
/// checked; `None` for an account seen for the first time: every stored trade but the last day's), and the stored
/// trades after it, to push. A trade stored in the past of `last` is held without being checked: the
/// recomputation reports it.
async fn warm(
    store: &Store,
    user: Uuid,
    last: Option<(chrono::DateTime<chrono::Utc>, String)>,
) -> Result<(Option<Warm>, Vec<Trade>), LiveError> {
    let Some(account) = store.user(user).await? else { return Ok((None, Vec::new())) };
    let history = store.trades(user).await?;
    let activities = store.activities(user).await?;
    // A first engine checks the trades of the newest trade's day: what was just posted (a replayed history's
    // older trades are the recomputation's to report).
    let last = last.or_else(|| {
        let newest = history.last()?;
        let day = newest.trade_date();
        history.iter().rev().find(|t| t.trade_date() < day).map(|t| (t.executed_at, t.id.clone()))
    });
    let split = match &last {
        Some((at, id)) => history.iter().position(|t| (t.executed_at, t.id.as_str()) > (*at, id.as_str())),
        None => Some(0),
    };
    let split = split.unwrap_or(history.len());
    let mut engine = Engine::new(&analysis::rules(), analysis::account_context(&account, &activities))?;
    let held = split as i64;
    let mut pending: std::collections::VecDeque<Activity> =
        kairo_core::activity::in_order(&activities).into_iter().cloned().collect();
    let mut newest = (chrono::DateTime::<chrono::Utc>::MIN_UTC, String::new());
    let (held_trades, after) = history.split_at(split);
    for t in held_trades {
        while let Some(a) = pending.front().filter(|a| a.date() <= t.trade_date()) {
            engine.push_activity(a)?;
            pending.pop_front();
        }
        engine.record(t)?;
        newest = (t.executed_at, t.id.clone());
    }
    Ok((Some(Warm { engine, trades: held, last: newest, pending }), after.to_vec()))
}
