//! Comparisons kept in memory per (user, benchmark, period, series): a repeated `/comparative` answers from memory
//! while nothing it was computed from has changed — the user's trades and activities (their counts) and the load
//! time of every symbol it priced (the market-data cache's version) — which a read checks with two indexed counts
//! and the freshness query it makes anyway. Memory is bounded by the bodies' size (`KAIRO_COMPARISON_CACHE_BYTES`,
//! 64 MiB by default), the least recently used going first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// What a comparison was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The user's trades and activities.
    pub trades: i64,
    /// The user's activities.
    pub activities: usize,
    /// Each symbol priced and when its closes were loaded.
    pub loaded: Vec<(String, Option<DateTime<Utc>>)>,
}

/// A kept comparison: its body (without `market_data`), the symbols it priced, and its stamp.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The body.
    pub body: Arc<Value>,
    /// The symbols it priced.
    pub symbols: Vec<String>,
    /// What it was computed from.
    pub stamp: Stamp,
}

struct Entry {
    kept: Kept,
    size: usize,
    used: u64,
}

/// The kept comparisons.
pub struct Comparisons {
    inner: Mutex<(u64, usize, HashMap<String, Entry>)>,
    max_bytes: usize,
}

impl Comparisons {
    /// An empty set of at most `max_bytes` of bodies.
    pub fn new(max_bytes: usize) -> Self {
        Comparisons { inner: Mutex::new((0, 0, HashMap::new())), max_bytes }
    }

    /// The comparison kept under `key`.
    pub fn get(&self, key: &str) -> Option<Kept> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, _, entries) = &mut *guard;
        let e = entries.get_mut(key)?;
        *clock += 1;
        e.used = *clock;
        Some(e.kept.clone())
    }

    /// Keeps `kept` under `key`, then drops the least recently used while the bodies are beyond the bound.
    pub fn put(&self, key: String, kept: Kept, size: usize) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, held, entries) = &mut *guard;
        *clock += 1;
        if let Some(old) = entries.insert(key, Entry { kept, size, used: *clock }) {
            *held -= old.size;
        }
        *held += size;
        while *held > self.max_bytes && entries.len() > 1 {
            let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone()) else { break };
            if let Some(e) = entries.remove(&oldest) {
                *held -= e.size;
            }
        }
        metrics::gauge!("kairo_comparison_cache_bytes").set(*held as f64);
    }
}
