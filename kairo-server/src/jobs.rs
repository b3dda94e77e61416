//! The background workers: claim a due job from the database queue, recompute the user's audit rows and metrics,
//! delete the job. A failed job is retried with exponential backoff; a job whose worker died comes back when its
//! lease expires, so nothing queued is ever lost.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::services::analysis;
use crate::store::{Job, Store, StoreError};

/// Why a job failed (kept with the job while it is retried, and shown by `/health` and the user's summary).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The user's stored trades or context cannot be checked (kairo-core refuses them).
    #[error(transparent)]
    Compliance(#[from] kairo_core::ComplianceError),
    /// The computation's thread stopped before it answered.
    #[error("the computation stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
    /// A job kind this version does not run (queued by a newer replica).
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
}

/// Recomputes what a user's new trades change: the audit rows of the trades executed at or after `since` (all of
/// them when `None`; the history before is replayed without writing) and the metrics.
pub async fn recompute(store: &Store, user_id: Uuid, since: Option<DateTime<Utc>>) -> Result<(), JobError> {
    let Some(user) = store.user(user_id).await? else {
        return Ok(()); // the user is gone: nothing to do
    };
    // Also from the first trade with no rows at all: a job that died with its process leaves its trades so.
    let since = match (since, store.first_unaudited(user_id).await?) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (since, _) => since,
    };
    let trades = store.trades(user_id).await?;
    let activities = store.activities(user_id).await?;
    let prices = analysis::prices(store, &trades, &[]).await?;
    // The computation runs on a blocking thread: the runtime's threads keep answering requests meanwhile.
    let count = trades.len() as i64;
    let (rows, body) = tokio::task::spawn_blocking(move || {
        let rows = analysis::audit_rows(&user, &trades, &activities, since)?;
        Ok::<_, JobError>((rows, analysis::metrics_body(&trades, &prices)))
    })
    .await??;
    store.upsert_audit(user_id, &rows).await?;
    for r in rows.iter().filter(|r| r.status != kairo_core::compliance::Status::Pass) {
        metrics::counter!("kairo_compliance_results_total", "check" => r.check_name, "status" => r.status.as_str())
            .increment(1);
    }
    store.put_metrics(user_id, count, &body).await?;
    Ok(())
}

async fn run(store: &Store, job: &Job) -> Result<(), JobError> {
    match job.kind.as_str() {
        "recompute" => recompute(store, job.user_id, job.dirty_from).await,
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
pub async fn worker(store: Store, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        match store.claim_job().await {
            Ok(Some(job)) => {
                let started = std::time::Instant::now();
                match run(&store, &job).await {
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
