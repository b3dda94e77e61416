//! Group commit of trade ingestion on SQLite. Each commit costs an fsync (WAL, synchronous=FULL), and SQLite has
//! one writer, so one transaction per request caps ingestion at the disk's fsync rate and queues the rest. Here
//! a single task takes the requests waiting at that moment (up to [`MAX_GROUP`]), writes them in one transaction
//! (a failing request is undone alone and gets its own error), commits once, and then answers every request: a
//! request is acknowledged only after the commit that made it durable.

use std::sync::Arc;

use sqlx::{Connection, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot, Mutex};
use uuid::Uuid;

use super::{NewTrade, StoreError, StoreResult, StoredTrade};

/// Most requests in one commit.
pub const MAX_GROUP: usize = 256;

/// One request: trades of one or more users, and where to send the outcome.
pub(super) struct Request {
    pub batches: Vec<(Uuid, Vec<NewTrade>)>,
    pub reply: oneshot::Sender<StoreResult<Vec<StoredTrade>>>,
}

impl Request {
    /// Whether the request stores exactly one trade.
    fn single_trade(&self) -> bool {
        matches!(&self.batches[..], [(_, trades)] if trades.len() == 1)
    }
}

/// Starts the committer for `pool`; writes take `writer` (the store's writer lock) while they run.
pub(super) fn start(pool: SqlitePool, writer: Arc<Mutex<()>>) -> mpsc::Sender<Request> {
    let (tx, mut rx) = mpsc::channel::<Request>(4 * MAX_GROUP);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match rx.try_recv() {
                    Ok(r) => group.push(r),
                    Err(_) => break,
                }
            }
            let outcomes = {
                let _writer = writer.lock().await;
                commit(&pool, &group).await
            };
            for (request, outcome) in group.into_iter().zip(outcomes) {
                let _ = request.reply.send(outcome);
            }
        }
    });
    tx
}

/// Writes every request of `group`; one outcome per request.
///
/// A request of one trade (the usual case) is one `INSERT` (the trigger of `trades` queues the user's job inside
/// it), and SQLite undoes a statement that breaks a constraint alone, leaving the transaction open: such a request
/// needs neither a transaction of its own nor a savepoint. Alone in its group it runs in autocommit (one round trip
/// to the connection's thread, one commit); in a group it shares the group's transaction. A request of several
/// trades gets a savepoint in a group, so that its failure undoes only its own trades.
async fn commit(pool: &SqlitePool, group: &[Request]) -> Vec<StoreResult<Vec<StoredTrade>>> {
    if let [request] = group {
        if request.single_trade() {
            return vec![match pool.acquire().await {
                Ok(mut conn) => {
                    let outcome = write_batches(&mut conn, request).await;
                    if outcome.as_ref().is_err_and(|e| !undone_alone(e)) {
                        // A storage error (disk full, I/O, busy) may leave the connection in a state that is not
                        // provably clean: it is closed rather than returned to the pool.
                        conn.close_on_drop();
                    }
                    outcome
                }
                Err(e) => Err(e.into()),
            }];
        }
    }
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => return fail_all(group, e.into()),
    };
    let outcomes = commit_group(&mut conn, group).await;
    if outcomes.iter().any(|o| o.as_ref().is_err_and(|e| !undone_alone(e))) {
        // A failed BEGIN, statement or COMMIT (disk full, I/O error, busy) can leave SQLite inside a transaction
        // that sqlx no longer tracks, or sqlx counting one that SQLite ended: a connection in either state would
        // later acknowledge writes that are never committed. It is closed, never reused; the pool opens another.
        conn.close_on_drop();
    }
    outcomes
}

/// The same error for every request of `group`.
fn fail_all(group: &[Request], e: StoreError) -> Vec<StoreResult<Vec<StoredTrade>>> {
    group.iter().map(|_| Err(clone_error(&e))).collect()
}

/// [`commit`] of a group on one connection, in one transaction.
async fn commit_group(conn: &mut SqliteConnection, group: &[Request]) -> Vec<StoreResult<Vec<StoredTrade>>> {
    let mut outcomes: Vec<StoreResult<Vec<StoredTrade>>> = Vec::with_capacity(group.len());
    let mut tx = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return fail_all(group, e.into()),
    };
    if let [request] = group {
        // One request of several trades: its failure rolls back the transaction, no savepoint needed.
        let outcome = write_batches(&mut tx, request).await;
        if let Err(e) = outcome {
            let _ = tx.rollback().await;
            return vec![Err(e)];
        }
        outcomes.push(outcome);
    } else {
        for request in group {
            let outcome = if request.single_trade() {
                let outcome = write_batches(&mut tx, request).await;
                if let Err(e) = &outcome {
                    if !undone_alone(e) {
                        // The failure may have ended the transaction: nothing of the group is acknowledged.
                        let e = clone_error(e);
                        let _ = tx.rollback().await;
                        return fail_all(group, e);
                    }
                }
                outcome
            } else {
                write_one(&mut tx, request).await
            };
            outcomes.push(outcome);
        }
    }
    if let Err(e) = tx.commit().await {
        return fail_all(group, e.into());
    }
    outcomes
}

/// A copy of `e` that keeps its class (unavailable or failed) for the other requests of a group.
fn clone_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        StoreError::Failed(m) => StoreError::Failed(m.clone()),
        e => StoreError::Failed(e.to_string()),
    }
}

/// Whether the failure of a one-statement request left the group's transaction as it was: our own refusals (which
/// write nothing) and constraint violations (SQLite undoes the statement alone); any other database error may have
/// rolled the transaction back.
fn undone_alone(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) => !matches!(db.kind(), sqlx::error::ErrorKind::Other),
        StoreError::Database(_)
        | StoreError::Failed(_)
        | StoreError::Unavailable(_)
        | StoreError::Migration(_)
        | StoreError::Schema(_) => false,
        StoreError::Corrupt(_) | StoreError::ExternalIdTaken(_) | StoreError::TradeIdTaken(_) => true,
    }
}

/// `request` inside a savepoint of the group's transaction: its failure undoes its own writes only.
async fn write_one(tx: &mut sqlx::SqliteConnection, request: &Request) -> StoreResult<Vec<StoredTrade>> {
    sqlx::query("SAVEPOINT request").execute(&mut *tx).await?;
    match write_batches(&mut *tx, request).await {
        Ok(out) => {
            sqlx::query("RELEASE request").execute(&mut *tx).await?;
            Ok(out)
        }
        Err(e) => {
            sqlx::query("ROLLBACK TO request").execute(&mut *tx).await?;
            sqlx::query("RELEASE request").execute(&mut *tx).await?;
            Err(e)
        }
    }
}

/// The trades of every batch of `request`.
async fn write_batches(tx: &mut sqlx::SqliteConnection, request: &Request) -> StoreResult<Vec<StoredTrade>> {
    let mut out = Vec::new();
    for (user_id, trades) in &request.batches {
        out.extend(super::sqlite::insert_user_trades(&mut *tx, *user_id, trades).await?);
    }
    Ok(out)
}
