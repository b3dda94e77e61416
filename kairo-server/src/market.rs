//! The market-data cache: daily closes of benchmark and held symbols in the `benchmarks` table, refreshed from
//! Alpaca when older than the configured freshness (24 h by default), by `POST /benchmarks/update`, by a daily
//! background refresher, and by a read that finds them stale.
//!
//! Closes are Alpaca's raw ones (`adjustment=raw`), stored with the symbols' splits and cash dividends
//! (`kairo_corporate_actions`): the users' fills are at the prices of their day, so a position is valued at raw
//! closes with its shares multiplied on a split's ex-date, and a benchmark is the total-return index of its closes,
//! splits and dividends (kairo-core's `PriceTable`). Adjusted closes would value a fill of before a split against
//! closes divided by the split ratio.
//!
//! A read never fails because Alpaca does: when a refresh fails, the stored closes are served with `stale: true`;
//! only a symbol with no closes at all has nothing to serve. After a failed attempt a symbol is not tried again by
//! reads for [`RETRY_AFTER_FAILURE`], so an outage does not make every read wait on Alpaca. Trade ingestion never
//! touches this module. Without Alpaca keys the cache holds what `kairo-server import-prices` (or the demo) loaded.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use tokio::sync::{watch, Mutex};

use crate::alpaca::{Alpaca, AlpacaConfig, AlpacaError, CorporateAction, RetryPolicy};
use crate::config::Config;
use crate::store::market::{DailyBar, PriceSource, SymbolState};
use crate::store::{Store, StoreResult};

/// How long a read waits before trying Alpaca again for a symbol whose last refresh failed.
pub const RETRY_AFTER_FAILURE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The longest a read waits for Alpaca before serving the stored closes.
pub const READ_BUDGET: Duration = Duration::from_secs(3);

/// Symbols per Alpaca request (the multi-symbol bars endpoint; keeps the URL short).
const SYMBOLS_PER_REQUEST: usize = 100;

/// The freshness of one symbol's closes, as a response reports it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Freshness {
    /// The symbol.
    pub symbol: String,
    /// Where the closes came from (`None`: nothing loaded).
    pub source: Option<PriceSource>,
    /// When they were loaded.
    pub refreshed_at: Option<chrono::DateTime<Utc>>,
    /// Older than the freshness window (or never loaded).
    pub stale: bool,
    /// Why the last refresh failed, if it did.
    pub last_error: Option<String>,
}

/// What a refresh did to one symbol.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// The symbol.
    pub symbol: String,
    /// `refreshed`, `fresh` (left alone), `no_data` (Alpaca has no bars for it) or `failed`.
    pub result: &'static str,
    /// Closes stored.
    pub closes: usize,
    /// Why it failed.
    pub error: Option<String>,
}

/// The cache and its Alpaca client.
pub struct MarketData {
    store: Store,
    client: Option<Alpaca>,
    symbols: Vec<String>,
    ttl: chrono::TimeDelta,
    start: NaiveDate,
    retry: RetryPolicy,
    /// One refresh at a time: a read that waited finds the closes its predecessor loaded.
    refreshing: Mutex<()>,
}

impl MarketData {
    /// The cache of `store`, with an Alpaca client when `config` has keys.
    pub fn new(store: Store, config: &Config) -> Result<MarketData, AlpacaError> {
        let client = match (&config.alpaca_api_key, &config.alpaca_secret_key) {
            (Some(key), Some(secret)) => Some(Alpaca::new(AlpacaConfig {
                base_url: config.alpaca_data_url.clone(),
                key_id: key.clone(),
                secret_key: secret.clone(),
                adjustment: "raw".into(),
                feed: config.alpaca_feed.clone(),
                timeout: Duration::from_secs(config.alpaca_timeout_seconds),
            })?),
            _ => None,
        };
        Ok(MarketData {
            store,
            client,
            symbols: config.benchmark_symbols.clone(),
            ttl: chrono::TimeDelta::seconds(config.benchmark_ttl_seconds as i64),
            start: config.benchmark_start,
            retry: RetryPolicy {
                retries: config.alpaca_retries,
                base: Duration::from_millis(config.alpaca_backoff_ms),
                max_wait: Duration::from_secs(30),
            },
            refreshing: Mutex::new(()),
        })
    }

    /// Whether Alpaca keys are configured.
    pub fn configured(&self) -> bool {
        self.client.is_some()
    }

    /// The configured benchmark symbols.
    pub fn benchmark_symbols(&self) -> &[String] {
        &self.symbols
    }

    /// Whether closes `f` describes are still within the freshness window at `now`.
    pub fn still_fresh(&self, f: &Freshness, now: chrono::DateTime<Utc>) -> bool {
        f.refreshed_at.is_some_and(|t| now - t <= self.ttl)
    }

    /// The freshness of `symbol` given its stored state.
    pub fn freshness_of(&self, symbol: &str, state: Option<&SymbolState>) -> Freshness {
        let now = Utc::now();
        Freshness {
            symbol: symbol.to_owned(),
            source: state.filter(|s| s.refreshed_at.is_some()).map(|s| s.source),
            refreshed_at: state.and_then(|s| s.refreshed_at),
            stale: state.and_then(|s| s.refreshed_at).is_none_or(|t| now - t > self.ttl),
            last_error: state.and_then(|s| s.last_error.clone()),
        }
    }

    /// The freshness of `symbols`, refreshing from Alpaca first those that are stale (unless a refresh of theirs
    /// failed within [`RETRY_AFTER_FAILURE`]). An Alpaca failure is reported in the result, never returned.
    pub async fn ensure(&self, symbols: &[String]) -> StoreResult<Vec<Freshness>> {
        let mut states = self.states(symbols).await?;
        let mut due = Vec::new();
        for s in symbols {
            let state = states.get(s);
            let f = self.freshness_of(s, state);
            let result = if f.stale { "miss" } else { "hit" };
            metrics::counter!("kairo_benchmark_cache_total", "result" => result).increment(1);
            let recently_failed = state
                .filter(|st| st.last_error.is_some())
                .and_then(|st| st.attempted_at)
                .is_some_and(|t| Utc::now() - t < RETRY_AFTER_FAILURE);
            if f.stale && self.client.is_some() && !recently_failed {
                due.push(s.clone());
            }
        }
        // A read waits for one short attempt, never for the whole retry budget of a refresh, nor behind a refresh
        // already running (it serves what is stored, as the refresh will leave it or better).
        if !due.is_empty() {
            if let Ok(_one) = self.refreshing.try_lock() {
                let quick =
                    RetryPolicy { retries: 1, base: Duration::from_millis(200), max_wait: Duration::from_secs(1) };
                match tokio::time::timeout(READ_BUDGET, self.refresh_locked(&due, false, quick)).await {
                    Ok(outcome) => {
                        outcome?;
                    }
                    Err(_) => {
                        let why = format!("Alpaca did not answer within {} s", READ_BUDGET.as_secs());
                        self.store.price_refresh_failed(&due, &why).await?;
                    }
                }
                // Only after a refresh are the states read again (a fresh read costs one query).
                states = self.states(symbols).await?;
            }
        }
        Ok(symbols
            .iter()
            .map(|s| {
                let f = self.freshness_of(s, states.get(s));
                if f.stale && f.refreshed_at.is_some() {
                    metrics::counter!("kairo_benchmark_cache_total", "result" => "stale_served").increment(1);
                }
                f
            })
            .collect())
    }

    async fn states(&self, symbols: &[String]) -> StoreResult<BTreeMap<String, SymbolState>> {
        Ok(self.store.price_states(Some(symbols)).await?.into_iter().map(|s| (s.symbol.clone(), s)).collect())
    }

    /// Refreshes `symbols` from Alpaca (only the stale ones unless `force`), retrying per `retry`. Requires a
    /// configured client (the caller checks [`MarketData::configured`]); without one every symbol fails.
    pub async fn refresh(&self, symbols: &[String], force: bool, retry: RetryPolicy) -> StoreResult<Vec<Outcome>> {
        let _one = self.refreshing.lock().await;
        self.refresh_locked(symbols, force, retry).await
    }

    /// [`MarketData::refresh`], the caller holding `refreshing`.
    async fn refresh_locked(&self, symbols: &[String], force: bool, retry: RetryPolicy) -> StoreResult<Vec<Outcome>> {
        let states = self.states(symbols).await?;
        let (due, fresh): (Vec<String>, Vec<String>) =
            symbols.iter().cloned().partition(|s| force || self.freshness_of(s, states.get(s)).stale);
        let mut outcomes: Vec<Outcome> =
            fresh.into_iter().map(|symbol| Outcome { symbol, result: "fresh", closes: 0, error: None }).collect();
        let Some(client) = &self.client else {
            outcomes.extend(due.into_iter().map(|symbol| Outcome {
                symbol,
                result: "failed",
                closes: 0,
                error: Some("Alpaca is not configured (ALPACA_API_KEY, ALPACA_SECRET_KEY)".into()),
            }));
            return Ok(outcomes);
        };
        for chunk in due.chunks(SYMBOLS_PER_REQUEST) {
            // Only finished sessions: today's bar is not a close until the session has closed.
            let end = last_closed_session(chrono::Utc::now());
            // Raw closes and the splits and dividends that make them a total return, or neither: closes stored
            // without a split would show a phantom loss on its ex-date.
            let fetched = match client.daily_closes(chunk, self.start, Some(end), retry).await {
                Ok(bars) => client.corporate_actions(chunk, self.start, end, retry).await.map(|a| (bars, a)),
                Err(e) => Err(e),
            };
            match fetched {
                Ok((mut by_symbol, actions)) => {
                    let mut rows = Vec::new();
                    for s in chunk {
                        let closes = by_symbol.remove(s).unwrap_or_default();
                        outcomes.push(Outcome {
                            symbol: s.clone(),
                            result: if closes.is_empty() { "no_data" } else { "refreshed" },
                            closes: closes.len(),
                            error: None,
                        });
                        rows.extend(closes.into_iter().map(|c| DailyBar {
                            symbol: s.clone(),
                            date: c.date,
                            close: c.close,
                            open: c.open,
                            high: c.high,
                            low: c.low,
                            volume: c.volume,
                        }));
                    }
                    // (a name change's new symbol is asked for by the caller, as any symbol)
                    let actions: Vec<CorporateAction> =
                        actions.into_iter().filter(|a| chunk.iter().any(|s| s == a.symbol())).collect();
                    self.store.load_bars(&rows, &actions, PriceSource::Alpaca).await?;
                    let missing: Vec<String> =
                        chunk.iter().filter(|s| !rows.iter().any(|r| &r.symbol == *s)).cloned().collect();
                    if !missing.is_empty() {
                        self.store.price_refresh_failed(&missing, "Alpaca has no daily bars for this symbol").await?;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, symbols = chunk.len(), "market data refresh failed; stored closes stay");
                    self.store.price_refresh_failed(chunk, &e.to_string()).await?;
                    outcomes.extend(chunk.iter().map(|s| Outcome {
                        symbol: s.clone(),
                        result: "failed",
                        closes: 0,
                        error: Some(e.to_string()),
                    }));
                }
            }
        }
        Ok(outcomes)
    }

    /// The configured benchmarks and every traded symbol.
    pub async fn tracked_symbols(&self) -> StoreResult<Vec<String>> {
        let mut all: Vec<String> = self.symbols.clone();
        all.extend(self.store.traded_symbols().await?);
        all.sort();
        all.dedup();
        Ok(all)
    }

    /// Refreshes the tracked symbols with the full retry policy.
    pub async fn update(&self, symbols: Option<Vec<String>>, force: bool) -> StoreResult<Vec<Outcome>> {
        let symbols = match symbols {
            Some(s) => s,
            None => self.tracked_symbols().await?,
        };
        self.refresh(&symbols, force, self.retry).await
    }

    /// The cache's state for `/health`: configured or not, symbols loaded, stale, failing, oldest load (one
    /// aggregate query, whatever the number of symbols).
    pub async fn health(&self) -> StoreResult<serde_json::Value> {
        let s = self.store.price_summary(Utc::now() - self.ttl).await?;
        Ok(serde_json::json!({
            "alpaca": if self.configured() { "configured" } else { "not_configured" },
            "symbols": s.symbols,
            "stale": s.stale,
            "failing": s.failing,
            "oldest_refresh": s.oldest_refresh,
            "ttl_seconds": self.ttl.num_seconds(),
        }))
    }
}

/// Refreshes the tracked symbols every `every` (the first time shortly after start) until shutdown.
pub async fn refresher(market: Arc<MarketData>, every: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut wait = Duration::from_secs(5).min(every);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
        match market.update(None, false).await {
            Ok(outcomes) => {
                let failed = outcomes.iter().filter(|o| o.result == "failed").count();
                let refreshed = outcomes.iter().filter(|o| o.result == "refreshed").count();
                tracing::info!(refreshed, failed, "market data refresh");
            }
            Err(e) => tracing::warn!(error = %e, "market data refresh could not reach the database"),
        }
        wait = every;
    }
}

/// The last NYSE session that has closed at `now`: today's once its close (16:00 New York, 13:00 on early-close
/// days) has passed, else the trading day before. Daily bars are asked up to it, so an unfinished session's bar is
/// never stored as a close.
pub fn last_closed_session(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    let today = kairo_core::calendar::new_york_local(now).date();
    match kairo_core::calendar::session(today) {
        Some((_, close)) if now >= close => today,
        _ => kairo_core::calendar::previous_trading_day(today),
    }
}

#[cfg(test)]
mod session_tests {
    use super::last_closed_session;

    #[test]
    fn bars_stop_at_the_last_closed_session() {
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        // Wednesday 2024-07-03 is an early close (13:00 New York = 17:00 UTC)
        assert_eq!(last_closed_session(at("2024-07-03T16:59:00Z")), d("2024-07-02"));
        assert_eq!(last_closed_session(at("2024-07-03T17:00:00Z")), d("2024-07-03"));
        // Friday 2024-07-05 during the session, then after the 16:00 close (20:00 UTC)
        assert_eq!(last_closed_session(at("2024-07-05T15:00:00Z")), d("2024-07-03"));
        assert_eq!(last_closed_session(at("2024-07-05T20:00:00Z")), d("2024-07-05"));
        // a Sunday: Friday's session
        assert_eq!(last_closed_session(at("2024-07-07T12:00:00Z")), d("2024-07-05"));
    }
}
