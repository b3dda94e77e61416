//! Leaderboards: which opted-in accounts are ranked, and their scores, computed by the jobs from the daily
//! time-weighted return series the metrics use (kairo-core's `Metrics::compute` on the days of each period).
//!
//! - Boards: a metric (`return`: the compounded return; `sharpe`, `sortino`, `calmar`: empyrical's ratios,
//!   annualized over 252 days; `max_drawdown`: the deepest fall, a negative fraction) over a period (`1M`, `3M`,
//!   `YTD`, `1Y`: counted back from today as `/comparative`'s `period=` does; `ALL`: the whole series).
//! - Eligible: at least `KAIRO_LEADERBOARD_MIN_TRADES` trades, open positions worth at least
//!   `KAIRO_LEADERBOARD_MIN_EQUITY` at the last close, not restricted (no failing cash-account check whose
//!   `restricted_until` is today or later); a board needs at least `KAIRO_LEADERBOARD_MIN_DAYS` daily returns in
//!   its period, and a finite score.
//! - Order and ranks: higher is better on every board (a drawdown of −5 % beats −20 %); equal scores share a rank,
//!   the next rank counts them all ("1224"), and within a tie entries are listed by display name, then user id.
//! - Ranking: a pass of the [`Ranker`], 200 ms after scores change (and at start-up), writes every score's place
//!   and rank and each board's size where they changed; a page is then one range of an index, whatever its offset.
//!   Until the pass a changed score keeps its place, and a new one is not listed.

use chrono::NaiveDate;
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::returns::ReturnSeries;
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::config::Config;
use crate::store::{Store, StoreResult};

/// The periods, as the API names them.
pub const PERIODS: [&str; 5] = ["1M", "3M", "YTD", "1Y", "ALL"];

/// The metrics, as the API names them.
pub const METRICS: [&str; 5] = ["return", "sharpe", "sortino", "max_drawdown", "calmar"];

/// The scores of `series` on every board whose period holds at least `min_days` returns up to `today`: (period,
/// metric, score), finite scores only.
pub fn scores(series: &ReturnSeries, today: NaiveDate, min_days: usize) -> Vec<(&'static str, &'static str, f64)> {
    let mut out = Vec::new();
    for period in PERIODS {
        let start = crate::services::periods::start(period, today).ok().flatten();
        let from = start.map_or(0, |s| series.dates.partition_point(|d| *d < s));
        let to = series.dates.partition_point(|d| *d <= today);
        let Some(returns) = series.returns.get(from..to.max(from)) else { continue };
        if returns.len() < min_days.max(1) {
            continue;
        }
        let Ok(m) = Metrics::compute(returns, None, &MetricsOptions::default()) else { continue };
        let values = [m.cum_returns_final, m.sharpe_ratio, m.sortino_ratio, m.max_drawdown, m.calmar_ratio];
        out.extend(METRICS.into_iter().zip(values).filter(|(_, v)| v.is_finite()).map(|(k, v)| (period, k, v)));
    }
    out
}

/// Why an account is not ranked at all, if it is not: too few trades, too little equity, a restriction.
pub fn ineligible(
    config: &Config,
    trades: usize,
    equity: Option<Decimal>,
    restricted_until: Option<&str>,
    today: NaiveDate,
) -> Option<String> {
    if trades < config.leaderboard_min_trades {
        return Some(format!("{trades} trades; the leaderboards need {}", config.leaderboard_min_trades));
    }
    let equity = equity.unwrap_or_default();
    if equity < config.leaderboard_min_equity {
        return Some(format!("positions worth {equity}; the leaderboards need {}", config.leaderboard_min_equity));
    }
    let until = restricted_until.and_then(|d| d.parse::<NaiveDate>().ok()).filter(|d| *d >= today)?;
    Some(format!("restricted until {until} for a cash-account violation"))
}

/// How long after a change of scores the ranking pass runs (changes meanwhile join the same pass).
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Runs the ranking passes: told of every change of scores, it ranks every board once the changes settle.
#[derive(Default)]
pub struct Ranker {
    changed: Notify,
}

impl Ranker {
    /// Scores changed: a pass will run.
    pub fn changed(&self) {
        self.changed.notify_one();
    }

    /// One pass over the boards whose scores changed since their last pass; the rows it moved.
    pub async fn rank_all(store: &Store) -> StoreResult<u64> {
        let mut moved = 0;
        for (period, metric, changes) in store.changed_boards().await? {
            moved += store.rank_board(&period, &metric, changes).await?;
        }
        Ok(moved)
    }

    /// Ranks the changed boards at start-up and after every change, until `shutdown` turns true.
    pub async fn run(self: Arc<Self>, store: Store, mut shutdown: watch::Receiver<bool>) {
        loop {
            let started = std::time::Instant::now();
            match Self::rank_all(&store).await {
                Ok(moved) => {
                    metrics::counter!("kairo_leaderboard_passes_total").increment(1);
                    metrics::histogram!("kairo_leaderboard_pass_seconds").record(started.elapsed().as_secs_f64());
                    tracing::debug!(moved, "leaderboards ranked");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the leaderboards' ranking pass failed; retrying");
                    self.changed();
                }
            }
            tokio::select! {
                _ = self.changed.notified() => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
            tokio::time::sleep(DEBOUNCE).await;
        }
    }
}

/// Recomputes a member's eligibility and scores from their trades' count, the value of their open positions and
/// their daily return series (`None`: a traded symbol has no closes); nothing for a user who has not opted in.
pub async fn refresh(
    store: &Store,
    ranker: &Ranker,
    config: &Config,
    user: Uuid,
    trades: usize,
    equity: Option<Decimal>,
    series: Option<&ReturnSeries>,
) -> StoreResult<()> {
    if store.leaderboard_member(user).await?.is_none() {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let restricted = store.restricted_until(user).await?;
    let mut reason = ineligible(config, trades, equity, restricted.as_deref(), today);
    let scores = match (&reason, series) {
        (None, Some(s)) => scores(s, today, config.leaderboard_min_days),
        (None, None) => {
            reason = Some("no daily returns: a traded symbol has no closes".into());
            Vec::new()
        }
        (Some(_), _) => Vec::new(),
    };
    if reason.is_none() && scores.is_empty() {
        reason = Some(format!("fewer than {} daily returns in every period", config.leaderboard_min_days));
    }
    store.put_leaderboard_scores(user, &scores, reason.as_deref()).await?;
    ranker.changed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_need_their_days_and_finite_scores() {
        // 30 weekdays of +1 %, the last one a −2 %; today is the day after the last.
        let mut dates = Vec::new();
        let mut d: NaiveDate = "2024-05-01".parse().unwrap_or_default();
        while dates.len() < 30 {
            if chrono::Datelike::weekday(&d).number_from_monday() <= 5 {
                dates.push(d);
            }
            d = d.succ_opt().unwrap_or(d);
        }
        let mut returns = vec![0.01; 30];
        returns[29] = -0.02;
        let series = ReturnSeries { dates: dates.clone(), returns };
        let today = dates[29];
        let got = scores(&series, today, 10);
        // 1M holds 21 or 22 of the days (at least 10), 3M, YTD, 1Y and ALL all 30: five boards each.
        let periods: std::collections::BTreeSet<&str> = got.iter().map(|s| s.0).collect();
        assert_eq!(periods.len(), 5);
        let all_return = got.iter().find(|s| (s.0, s.1) == ("ALL", "return")).map(|s| s.2).unwrap_or_default();
        assert!((all_return - (1.01f64.powi(29) * 0.98 - 1.0)).abs() < 1e-12);
        let drawdown = got.iter().find(|s| (s.0, s.1) == ("ALL", "max_drawdown")).map(|s| s.2).unwrap_or_default();
        assert!((drawdown + 0.02).abs() < 1e-12);
        // With 25 days needed, 1M is left out.
        assert!(scores(&series, today, 25).iter().all(|s| s.0 != "1M"));
        // A constant series has no finite Sharpe ratio: that board is left out, the return kept.
        let flat = ReturnSeries { dates, returns: vec![0.0; 30] };
        let flat_scores = scores(&flat, today, 10);
        assert!(flat_scores.iter().all(|s| s.1 != "sharpe"));
        assert!(flat_scores.iter().any(|s| s.1 == "return"));
    }

    #[test]
    fn eligibility_names_what_is_missing() {
        let config =
            Config { leaderboard_min_trades: 5, leaderboard_min_equity: Decimal::from(100), ..Config::default() };
        let today: NaiveDate = "2024-06-03".parse().unwrap_or_default();
        assert!(ineligible(&config, 4, Some(Decimal::from(500)), None, today).is_some_and(|r| r.contains("trades")));
        assert!(ineligible(&config, 5, Some(Decimal::from(50)), None, today).is_some_and(|r| r.contains("worth")));
        let restricted = ineligible(&config, 5, Some(Decimal::from(500)), Some("2024-06-10"), today);
        assert_eq!(restricted.as_deref(), Some("restricted until 2024-06-10 for a cash-account violation"));
        assert_eq!(ineligible(&config, 5, Some(Decimal::from(500)), Some("2024-06-02"), today), None);
    }
}
