//! The accounts' trackers kept between jobs (kairo-core's `AccountTracker`): a job for a user whose tracker is kept
//! and whose new trades come after everything it holds pushes only those trades, so its cost follows what changed,
//! not the length of the history. Memory is bounded by the trades held in all trackers (`KAIRO_TRACKED_TRADES`,
//! 2,000,000 by default), the least recently used tracker going first; `/metrics` reports both.

use std::collections::HashMap;
use std::sync::Mutex;

use kairo_core::tracker::AccountTracker;
use uuid::Uuid;

use crate::changes::Version;

struct Kept {
    used: u64,
    tracker: AccountTracker,
    /// The version of the user's data the tracker's trades were read at (`None`: unknown).
    version: Option<Version>,
}

/// Trackers by user.
pub struct Trackers {
    kept: Mutex<(u64, HashMap<Uuid, Kept>)>,
    max_trades: usize,
}

impl Trackers {
    /// An empty set holding at most `max_trades` trades in all.
    pub fn new(max_trades: usize) -> Self {
        Trackers { kept: Mutex::new((0, HashMap::new())), max_trades }
    }

    /// The user's tracker, taken out while a job works with it.
    pub fn take(&self, user: Uuid) -> Option<AccountTracker> {
        let mut guard = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.remove(&user).map(|k| k.tracker)
    }

    /// The user's tracker taken out, when its trades were read at `version`, the version of the user's data now:
    /// then they are the stored trades. Given back with [`Trackers::put`].
    pub fn take_at(&self, user: Uuid, version: Version) -> Option<AccountTracker> {
        let mut guard = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.get(&user).filter(|k| k.version == Some(version))?;
        guard.1.remove(&user).map(|k| k.tracker)
    }

    /// Keeps the user's tracker, whose trades were read at `version` (unless one holding more trades was kept
    /// meanwhile by another job), then drops the least recently used ones while the trades held are beyond the
    /// bound.
    pub fn put(&self, user: Uuid, tracker: AccountTracker, version: Option<Version>) {
        let mut guard = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, kept) = &mut *guard;
        *clock += 1;
        if kept.get(&user).is_none_or(|k| k.tracker.trades().len() < tracker.trades().len()) {
            kept.insert(user, Kept { used: *clock, tracker, version });
        }
        let mut held: usize = kept.values().map(|k| k.tracker.trades().len()).sum();
        while held > self.max_trades && kept.len() > 1 {
            let Some(oldest) = kept.iter().min_by_key(|(_, k)| k.used).map(|(u, _)| *u) else { break };
            if let Some(k) = kept.remove(&oldest) {
                held -= k.tracker.trades().len();
            }
        }
        metrics::gauge!("kairo_tracked_accounts").set(kept.len() as f64);
        metrics::gauge!("kairo_tracked_trades").set(held as f64);
    }
}
