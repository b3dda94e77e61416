//! The store under concurrent ingestion: on SQLite, requests that arrive together share one commit, and a failing
//! request (here a trade of an unknown user, a foreign-key violation) is rolled back alone.

mod common;

use kairo_core::{Side, Trade};
use kairo_server::store::Store;
use rust_decimal::Decimal;

fn trade(user: uuid::Uuid, minute: i64) -> Trade {
    let at = chrono::DateTime::parse_from_rfc3339("2024-07-01T14:00:00Z").unwrap().to_utc()
        + chrono::Duration::minutes(minute);
    Trade::new(uuid::Uuid::new_v4().to_string(), user.to_string(), "ABC", Side::Buy, Decimal::ONE, Decimal::TEN, at)
        .unwrap()
}

async fn concurrent_requests_fail_alone(backend: common::Backend) {
    let Some((url, _dir)) = common::fresh_database(backend).await else { return };
    let store = Store::connect(&url, 2, 8).await.unwrap();
    store.migrate().await.unwrap();
    let user = store.create_user(None, None, "cash").await.unwrap().id;
    let mut tasks = Vec::new();
    for i in 0..64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            // every eighth request names a user that does not exist
            let owner = if i % 8 == 7 { uuid::Uuid::new_v4() } else { user };
            let t = trade(owner, i);
            (i, store.insert_many(&[(owner, std::slice::from_ref(&t))]).await.map(|s| s.len()))
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (i, outcome) = t.await.unwrap();
        if i % 8 == 7 {
            assert!(outcome.is_err(), "request {i} should fail");
        } else {
            assert_eq!(outcome.unwrap(), 1, "request {i}");
            ok += 1;
        }
    }
    assert_eq!(store.trades(user).await.unwrap().len(), ok);
    assert_eq!(ok, 56);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_fail_alone_sqlite() {
    concurrent_requests_fail_alone(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_fail_alone_postgres() {
    concurrent_requests_fail_alone(common::Backend::Postgres).await;
}

/// The queue tells an idle worker when to look again: nothing queued, then a stored trade's job due one debounce
/// interval later (not claimable before), then the end of the lease while a worker holds it.
async fn next_job_at_follows_the_queue(backend: common::Backend) {
    let Some((url, _dir)) = common::fresh_database(backend).await else { return };
    let store = Store::connect(&url, 2, 8).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.next_job_at().await.unwrap(), None, "an empty queue");
    let user = store.create_user(None, None, "cash").await.unwrap().id;
    let stored = chrono::Utc::now();
    store.insert_trades(user, &[trade(user, 0)]).await.unwrap();
    let due = store.next_job_at().await.unwrap().expect("the trade queued a job");
    let debounce = kairo_server::store::JOB_DEBOUNCE;
    assert!(due >= stored + debounce - chrono::Duration::milliseconds(50), "due {due}, stored {stored}");
    assert!(due <= chrono::Utc::now() + debounce, "due {due}");
    assert!(store.claim_job().await.unwrap().is_none(), "not claimable before it is due");
    tokio::time::sleep((due - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(20))
        .await;
    let job = store.claim_job().await.unwrap().expect("due now");
    let lease_end = store.next_job_at().await.unwrap().expect("the claimed job is still queued");
    let lease = chrono::Duration::from_std(kairo_server::store::JOB_LEASE).unwrap();
    assert!(lease_end > chrono::Utc::now() + lease - chrono::Duration::seconds(5), "lease ends {lease_end}");
    store.finish_job(job.id).await.unwrap();
    assert_eq!(store.next_job_at().await.unwrap(), None, "the queue is empty again");
    store.close().await;
}

#[tokio::test]
async fn next_job_at_follows_the_queue_sqlite() {
    next_job_at_follows_the_queue(common::Backend::Sqlite).await;
}

#[tokio::test]
async fn next_job_at_follows_the_queue_postgres() {
    next_job_at_follows_the_queue(common::Backend::Postgres).await;
}
