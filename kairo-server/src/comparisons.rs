//! Comparisons kept in memory per (user, benchmark, period, series): a repeated `/comparative` answers from memory
//! while nothing it was computed from has changed — the user's trades and activities and the loaded closes (their
//! [`Version`], see [`crate::changes`]) — and the closes it priced are within the freshness window. Bodies are kept
//! serialized. Memory is bounded by the bodies' size (`KAIRO_COMPARISON_CACHE_BYTES`, 64 MiB by default), the least
//! recently used going first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use crate::changes::Version;
use crate::market::Freshness;

/// A kept comparison: its body serialized (a JSON object without `market_data`), the symbols it priced with their
/// freshness then, and the version of the data it was computed from.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The body.
    pub body: Bytes,
    /// The symbols it priced.
    pub symbols: Vec<String>,
    /// Their freshness when it was computed.
    pub freshness: Vec<Freshness>,
    /// What it was computed from.
    pub version: Version,
}

struct Entry {
    kept: Arc<Kept>,
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
    pub fn get(&self, key: &str) -> Option<Arc<Kept>> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, _, entries) = &mut *guard;
        let e = entries.get_mut(key)?;
        *clock += 1;
        e.used = *clock;
        Some(e.kept.clone())
    }

    /// Keeps `kept` under `key`, then drops the least recently used while the bodies are beyond the bound.
    pub fn put(&self, key: String, kept: Kept) {
        let size = kept.body.len();
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, held, entries) = &mut *guard;
        *clock += 1;
        if let Some(old) = entries.insert(key, Entry { kept: Arc::new(kept), size, used: *clock }) {
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
