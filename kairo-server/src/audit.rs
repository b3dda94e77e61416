//! The audit log's writer: requests hand their entry to a channel and go on; a background task writes what
//! arrived in one transaction at least every [`FLUSH_EVERY`] (so the log costs a request no database round trip),
//! and on shutdown writes everything still queued before the database closes. An entry is written after its
//! request's own commit; a process crash can lose the entries of the last [`FLUSH_EVERY`], never a request's
//! data (on SQLite the log is committed without its own fsync, so a power loss can lose the last entries too).

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::store::audit_log::AuditEntry;
use crate::store::Store;

/// The longest an entry waits before it is written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// Entries queued before requests wait for the writer (back-pressure rather than dropping entries).
const QUEUE: usize = 16_384;

/// The handle requests record through.
#[derive(Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<AuditEntry>,
}

impl AuditLog {
    /// Starts the writer; it stops once `shutdown` is set and every handle is dropped (or 10 s after the
    /// shutdown with no entry arriving).
    pub fn start(store: Store, shutdown: watch::Receiver<bool>) -> (AuditLog, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (AuditLog { tx }, tokio::spawn(writer(store, rx, shutdown)))
    }

    /// Queues an entry (waits only when the writer is 16,384 entries behind).
    pub async fn record(&self, entry: AuditEntry) {
        if self.tx.send(entry).await.is_err() {
            tracing::error!("the audit log writer has stopped; an entry was not recorded");
        }
    }
}

async fn writer(store: Store, mut rx: mpsc::Receiver<AuditEntry>, mut shutdown: watch::Receiver<bool>) {
    let mut batch: Vec<AuditEntry> = Vec::new();
    let mut stopping = false;
    loop {
        let wait = if stopping { Duration::from_secs(10) } else { FLUSH_EVERY };
        tokio::select! {
            got = rx.recv_many(&mut batch, 1000) => {
                if got == 0 {
                    flush(&store, &mut batch).await;
                    return;
                }
                if batch.len() < 1000 && !stopping {
                    // Gather what else arrives within the flush interval.
                    let _ = tokio::time::timeout(FLUSH_EVERY, async {
                        loop {
                            let room = 1000 - batch.len();
                            if room == 0 || rx.recv_many(&mut batch, room).await == 0 {
                                break;
                            }
                        }
                    })
                    .await;
                }
                flush(&store, &mut batch).await;
            }
            changed = shutdown.changed(), if !stopping => stopping = changed.is_err() || *shutdown.borrow(),
            _ = tokio::time::sleep(wait), if stopping => {
                flush(&store, &mut batch).await;
                return;
            }
        }
    }
}

async fn flush(store: &Store, batch: &mut Vec<AuditEntry>) {
    if batch.is_empty() {
        return;
    }
    // A failed write is retried (the entries stay queued here) rather than lost.
    for attempt in 1..=5u32 {
        let queued = batch.len();
        let outcome = store.append_audit_log(batch).await;
        metrics::counter!("kairo_audit_log_entries_total").increment((queued - batch.len()) as u64);
        match outcome {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, attempt, entries = batch.len(), "audit log write failed; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(entries = batch.len(), "audit log entries could not be written");
    batch.clear();
}

/// What a handler adds to its request's audit entry (a response extension): the user created, the trades
/// stored, the Stripe event.
#[derive(Debug, Clone)]
pub struct AuditDetail(pub serde_json::Value);
