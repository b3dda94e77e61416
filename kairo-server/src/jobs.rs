//! The background workers: claim a due job from the database queue, recompute the user's audit rows and metrics,
//! delete the job. A failed job is retried with exponential backoff; a job whose worker died comes back when its
//! lease expires, so nothing queued is ever lost.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::price_cache::PriceCache;
use crate::services::analysis;
use crate::store::{Job, Store, StoreError};
use crate::trackers::Trackers;

/// Why a job failed (kept with the job while it is retried, and shown by `/health` and the user's summary).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The user's stored trades or context cannot be checked (kairo-core refuses them).
    #[error(transparent)]
    Compliance(#[from] kairo_core::ComplianceError),
    /// The user's stored activities cannot be applied to their lots (shares moved out that are not held).
    #[error(transparent)]
    Tracker(#[from] kairo_core::error::TrackerError),
    /// The computation's thread stopped before it answered.
    #[error("the computation stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
    /// A job kind this version does not run (queued by a newer replica).
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
}

/// Recomputes what a user's new trades change: the audit rows of the trades executed at or after `since` (all of
/// them when `None`) and the metrics. With the user's tracker kept from an earlier job, and every new trade at or
/// after the last one it holds (and no new activity, no new split), only the new trades are read and pushed; any
/// other change (a trade dated in the past, a new activity, a trade stored or removed by another program, new
/// splits) rebuilds the tracker from the whole history, the history before `since` replayed without rows.
pub async fn recompute(
    store: &Store,
    context: &Context,
    user_id: Uuid,
    since: Option<DateTime<Utc>>,
) -> Result<(), JobError> {
    let trackers = &context.trackers;
    // The version of the user's data before anything of it is read: a change after this moves it on, so a tracker
    // kept at this version holds the stored trades while the version is unchanged.
    let version = context.changes.version(store, user_id).await?;
    let Some(user) = store.user(user_id).await? else {
        return Ok(()); // the user is gone: nothing to do
    };
    // Also from the first trade with no rows at all: a job that died with its process leaves its trades so.
    let since = match (since, store.first_unaudited(user_id).await?) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (since, _) => since,
    };
    let activities = store.activities(user_id).await?;
    // The kept tracker and the trades after the last one it holds, when nothing else changed.
    let mut plan = None;
    if let (Some(tracker), Some(since)) = (trackers.take(user_id), since) {
        if let Some((at, last_id)) = tracker.last().map(|(at, id)| (at, id.to_owned())) {
            // (an activity dated after the last trade was applied before any later trade: a new trade dated
            // before it is checked in the wrong order, so the history is replayed)
            let last_date = kairo_core::calendar::new_york_local(at).date();
            let in_place = activities.iter().all(|a| a.date() <= last_date);
            if tracker.activities() == activities.len() && in_place && since >= at {
                let new: Vec<kairo_core::Trade> = store
                    .trades_since(user_id, at)
                    .await?
                    .iter()
                    .filter(|t| (t.executed_at, t.id.as_str()) > (at, last_id.as_str()))
                    .cloned()
                    .collect();
                if store.trade_count(user_id).await? as usize == tracker.trades().len() + new.len() {
                    plan = Some((tracker, new));
                }
            }
        }
    }
    let (history, prices) = match &plan {
        Some((tracker, new)) => {
            let mut symbols = tracker.symbols().clone();
            symbols.extend(new.iter().map(|t| t.symbol.clone()));
            (None, context.prices.table(store, symbols).await?)
        }
        None => {
            let history = store.trades(user_id).await?;
            let prices = analysis::prices(&context.prices, store, &history, &[]).await?;
            (Some(history), prices)
        }
    };
    let splits = prices.splits();
    let (plan, history) = match plan {
        Some((tracker, new)) if tracker.splits() == splits.as_slice() => (Some((tracker, new)), history),
        Some(_) => (None, Some(store.trades(user_id).await?)),
        None => (None, history),
    };
    let path = if plan.is_some() { "incremental" } else { "replay" };
    metrics::counter!("kairo_recomputes_total", "path" => path).increment(1);
    // The computation runs on a blocking thread: the runtime's threads keep answering requests meanwhile.
    let (rows, body, tracker, series) = tokio::task::spawn_blocking(move || -> Result<_, JobError> {
        let (rows, mut tracker) = match plan {
            Some((mut tracker, new)) => {
                let mut rows = Vec::new();
                for t in new {
                    rows.extend(tracker.push(t)?);
                }
                (rows, tracker)
            }
            None => analysis::rebuild(&user, &history.unwrap_or_default(), &activities, since, splits)?,
        };
        let figures = tracker.figures(&prices);
        let body = analysis::figures_body(tracker.trades().len(), &figures, &prices);
        Ok((rows, body, tracker, figures.twr.ok()))
    })
    .await??;
    let count = tracker.trades().len() as i64;
    trackers.put(user_id, tracker, version);
    store.upsert_audit(user_id, &rows).await?;
    // The fails, flags and designation change of the rows (those the live check reported already are not written
    // again), then the new metrics: appended before the job is finished, so that a crash in between repeats them
    // rather than losing them.
    let pdt = rows.iter().any(|r| r.metadata.get("is_pattern_day_trader").is_some());
    let before = if pdt { store.last_pdt_status(user_id).await? } else { false };
    let mut new = crate::services::events::from_results(user_id, &rows, before);
    for r in rows.iter().filter(|r| r.status != kairo_core::compliance::Status::Pass) {
        metrics::counter!("kairo_compliance_results_total", "check" => r.check_name, "status" => r.status.as_str())
            .increment(1);
    }
    store.put_metrics(user_id, count, &body).await?;
    new.push(crate::services::events::metrics_updated(user_id, count));
    context.events.append(new).await?;
    let equity = body["pnl"]["market_value"].as_str().and_then(|v| v.parse().ok());
    let (ranker, config) = (&context.ranker, &context.config);
    crate::services::leaderboards::refresh(store, ranker, config, user_id, count as usize, equity, series.as_ref())
        .await?;
    Ok(())
}

/// What the workers of a process share: the kept trackers and the closes in memory.
#[derive(Clone)]
pub struct Context {
    /// The accounts' kept trackers.
    pub trackers: Arc<Trackers>,
    /// The closes in memory.
    pub prices: Arc<PriceCache>,
    /// The versions of the users' data.
    pub changes: Arc<crate::changes::Changes>,
    /// The event log's writer.
    pub events: Arc<crate::services::events::Events>,
    /// The configuration (the leaderboards' eligibility rules).
    pub config: Arc<crate::config::Config>,
    /// The leaderboards' ranking pass.
    pub ranker: Arc<crate::services::leaderboards::Ranker>,
}

async fn run(store: &Store, context: &Context, job: &Job) -> Result<(), JobError> {
    match job.kind.as_str() {
        "recompute" => recompute(store, context, job.user_id, job.dirty_from).await,
        other => Err(JobError::UnknownKind(other.to_owned())),
    }
}

/// Longest a worker waits before looking at the queue again (jobs queued by other replicas).
const MAX_NAP: Duration = Duration::from_millis(500);

/// Shortest wait of an idle worker (a job due now that another worker claimed first).
const MIN_NAP: Duration = Duration::from_millis(10);

/// Attempts after which a job that keeps failing is parked: it stays queued with its error (shown by `/health`,
/// `/metrics` and the user's compliance summary) but is no longer retried on a timer; the user's next stored trade
/// makes it due again (the enqueue brings its due time forward), so that a fix of the data is picked up. The
/// retries before take 1 + 2 + ... + 128 s, about four minutes.
pub const MAX_ATTEMPTS: i32 = 8;

/// How far in the future a parked job is due (a hundred years: never, in practice, until a trade re-arms it).
pub const PARKED: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The delay before retry `attempts` (1 s, 2 s, 4 s, ... up to 5 minutes).
pub fn backoff(attempts: i32) -> Duration {
    Duration::from_secs(1u64 << attempts.clamp(0, 8) as u32).min(Duration::from_secs(300))
}

/// One worker: runs until `shutdown` turns true, finishing the job in hand first.
pub async fn worker(store: Store, context: Context, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        match store.claim_job().await {
            Ok(Some(job)) => {
                let started = std::time::Instant::now();
                match run(&store, &context, &job).await {
                    Ok(()) => {
                        if let Err(e) = store.finish_job(job.id).await {
                            tracing::error!(job = job.id, error = %e, "could not delete a finished job");
                        }
                        tracing::debug!(job = job.id, user = %job.user_id, "job done");
                        metrics::counter!("kairo_jobs_done_total").increment(1);
                        metrics::histogram!("kairo_job_seconds").record(started.elapsed().as_secs_f64());
                    }
                    Err(e) => {
                        metrics::counter!("kairo_jobs_failed_total").increment(1);
                        let (delay, error) = if job.attempts >= MAX_ATTEMPTS {
                            tracing::error!(job = job.id, user = %job.user_id, attempts = job.attempts, error = %e,
                                "job failed again; parked until the user's next trade");
                            metrics::counter!("kairo_jobs_parked_total").increment(1);
                            let note = format!(
                                "{e} (parked after {} attempts; the user's next trade retries it)",
                                job.attempts
                            );
                            (PARKED, note)
                        } else {
                            tracing::warn!(job = job.id, attempts = job.attempts, error = %e, "job failed; retrying");
                            (backoff(job.attempts), e.to_string())
                        };
                        if let Err(e) = store.retry_job(job.id, &error, delay).await {
                            tracing::error!(job = job.id, error = %e, "could not reschedule a failed job");
                        }
                    }
                }
            }
            Ok(None) => {
                // Nothing is due. With a job queued, sleep until it is: a new trade cannot bring that closer (the
                // job it queues is due a debounce interval later), so the notification of every stored trade is
                // ignored, rather than answered by a claim attempt that takes the database's writer each time.
                // With the queue empty, wait for a trade to queue one.
                match store.next_job_at().await {
                    Ok(Some(at)) => {
                        let nap = (at - Utc::now()).to_std().unwrap_or_default().clamp(MIN_NAP, MAX_NAP);
                        tokio::select! {
                            _ = tokio::time::sleep(nap) => {}
                            _ = shutdown.changed() => {}
                        }
                    }
                    _ => {
                        tokio::select! {
                            _ = wake.notified() => {}
                            _ = tokio::time::sleep(MAX_NAP) => {}
                            _ = shutdown.changed() => {}
                        }
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not claim a job");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// How often [`sweeper`] looks for trades another program stored.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Queues the recompute of the users whose trades another program stored ([`Store::sweep_unaudited`]) every
/// [`SWEEP_EVERY`], so that such a trade is audited within about ten seconds (the sweep, the debounce, the job);
/// wakes the workers when it queued any. Runs until `shutdown` turns true.
///
/// A sweep rather than a trigger on the backend's `trades`: a trigger would run kairo's code inside the backend's
/// insert (a failure there would fail the backend's write, and its cost would be paid in the backend's
/// transaction), and a LISTEN connection would lose the notifications sent while kairo is down. The sweep reads
/// an index of recent trades and never touches the backend's writes; a trade stored while kairo was down is found
/// by the first sweep after it starts (which looks at every trade).
pub async fn sweeper(store: Store, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        match store.sweep_unaudited().await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(users = n, "queued the recompute of trades stored by another program");
                metrics::counter!("kairo_swept_users_total").increment(n);
                wake.notify_waiters();
            }
            Err(e) => tracing::warn!(error = %e, "the sweep for trades without audit rows failed; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
}
