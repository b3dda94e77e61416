//! Market data in memory: each symbol's closes and corporate actions held decoded and shared (kairo-core's
//! `PriceTable::insert_closes` takes them without a copy) by every request, job and user, instead of read and decoded
//! from the database on every read. An entry is the symbol's data as of its load (`kairo_price_sources.refreshed_at`):
//! a read asks the database for the symbols' load times (one indexed query) and uses an entry only while its symbol
//! has not been loaded again since — by a refresh from Alpaca, `import-prices` in another process, or another replica
//! — so it is never staler than the database. Symbols without a load time (closes another program wrote) are read
//! from the database each time. Memory is bounded by the closes held (`KAIRO_PRICE_CACHE_CLOSES`, 2,000,000 by
//! default), the least recently used symbol going first; `/metrics` reports the closes held and the hits and misses.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::returns::PriceTable;
use rust_decimal::Decimal;

use crate::alpaca::CorporateAction;
use crate::store::{Store, StoreResult};

struct Entry {
    loaded: DateTime<Utc>,
    closes: Arc<BTreeMap<NaiveDate, Decimal>>,
    actions: Arc<[CorporateAction]>,
    used: u64,
}

/// The closes and corporate actions of the symbols read lately.
pub struct PriceCache {
    inner: Mutex<(u64, HashMap<String, Entry>)>,
    max_closes: usize,
}

impl PriceCache {
    /// An empty cache holding at most `max_closes` closes in all.
    pub fn new(max_closes: usize) -> Self {
        PriceCache { inner: Mutex::new((0, HashMap::new())), max_closes }
    }

    /// The closes of `symbols` with their splits and cash dividends, from memory where the symbol's entry is as
    /// recent as its last load, else from the database (and kept).
    pub async fn table(&self, store: &Store, symbols: BTreeSet<String>) -> StoreResult<PriceTable> {
        let wanted: Vec<String> = symbols.into_iter().collect();
        let loaded: HashMap<String, DateTime<Utc>> = store
            .price_states(Some(&wanted))
            .await?
            .into_iter()
            .filter_map(|s| s.refreshed_at.map(|t| (s.symbol, t)))
            .collect();
        let mut table = PriceTable::new();
        let mut missing = Vec::new();
        {
            let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let (clock, entries) = &mut *guard;
            for s in &wanted {
                match (entries.get_mut(s), loaded.get(s)) {
                    (Some(e), Some(t)) if e.loaded == *t => {
                        *clock += 1;
                        e.used = *clock;
                        add(&mut table, s, e.closes.clone(), &e.actions);
                        metrics::counter!("kairo_price_cache_total", "result" => "hit").increment(1);
                    }
                    _ => missing.push(s.clone()),
                }
            }
        }
        if missing.is_empty() {
            return Ok(table);
        }
        metrics::counter!("kairo_price_cache_total", "result" => "miss").increment(missing.len() as u64);
        let mut closes: HashMap<String, BTreeMap<NaiveDate, Decimal>> = HashMap::new();
        for (s, d, c) in store.prices(&missing).await? {
            closes.entry(s).or_default().insert(d, c);
        }
        let mut actions: HashMap<String, Vec<CorporateAction>> = HashMap::new();
        for a in store.corporate_actions(&missing).await? {
            actions.entry(a.symbol().to_owned()).or_default().push(a);
        }
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (clock, entries) = &mut *guard;
        for s in missing {
            let c = Arc::new(closes.remove(&s).unwrap_or_default());
            let a: Arc<[CorporateAction]> = actions.remove(&s).unwrap_or_default().into();
            add(&mut table, &s, c.clone(), &a);
            if let Some(t) = loaded.get(&s) {
                *clock += 1;
                entries.insert(s, Entry { loaded: *t, closes: c, actions: a, used: *clock });
            }
        }
        let mut held: usize = entries.values().map(|e| e.closes.len()).sum();
        while held > self.max_closes && entries.len() > 1 {
            let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.used).map(|(s, _)| s.clone()) else { break };
            if let Some(e) = entries.remove(&oldest) {
                held -= e.closes.len();
            }
        }
        metrics::gauge!("kairo_price_cache_closes").set(held as f64);
        metrics::gauge!("kairo_price_cache_symbols").set(entries.len() as f64);
        Ok(table)
    }
}

/// A symbol's closes and corporate actions into `table` (stored data was validated on the way in; what does not
/// read is skipped and counted rather than failing a read).
fn add(table: &mut PriceTable, symbol: &str, closes: Arc<BTreeMap<NaiveDate, Decimal>>, actions: &[CorporateAction]) {
    if !closes.is_empty() && table.insert_closes(symbol, closes).is_err() {
        metrics::counter!("kairo_prices_skipped_total", "what" => "close").increment(1);
    }
    for action in actions {
        let kept = match action.clone() {
            CorporateAction::Split { symbol, ex_date, ratio } => table.insert_split(symbol, ex_date, ratio),
            CorporateAction::CashDividend { symbol, ex_date, per_share } => {
                table.insert_dividend(symbol, ex_date, per_share)
            }
            CorporateAction::NameChange { .. } => Ok(()),
        };
        if kept.is_err() {
            metrics::counter!("kairo_prices_skipped_total", "what" => "corporate_action").increment(1);
        }
    }
}
