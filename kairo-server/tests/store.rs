//! The store under concurrent ingestion: on SQLite, requests that arrive together share one commit, and a failing
//! request (here one with a trade of an unknown user, a foreign-key violation) is rolled back alone, with the job
//! its trades would have queued.

mod common;

use kairo_core::{Side, Trade};
use kairo_server::store::{NewTrade, Store};
use rust_decimal::Decimal;

fn trade(user: uuid::Uuid, minute: i64) -> Trade {
    let at = chrono::DateTime::parse_from_rfc3339("2024-07-01T14:00:00Z").unwrap().to_utc()
        + chrono::Duration::minutes(minute);
    Trade::new(uuid::Uuid::new_v4().to_string(), user.to_string(), "ABC", Side::Buy, Decimal::ONE, Decimal::TEN, at)
        .unwrap()
}

/// `name::sqlite` and `name::postgres`: test `name` on each backend (a multi-threaded runtime, as the server's).
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::common::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(super::common::Backend::Postgres).await;
            }
        }
    };
}

/// A migrated store on a fresh database (`None` without PostgreSQL), and what removes the database.
async fn fresh_store(backend: common::Backend) -> Option<(Store, Option<common::TempDir>)> {
    let (url, dir) = common::fresh_database(backend).await?;
    let store = Store::connect(&url, 2, 8).await.unwrap();
    store.migrate().await.unwrap();
    Some((store, dir))
}

/// Sleeps until the first queued job is due.
async fn wait_until_due(store: &Store) {
    let due = store.next_job_at().await.unwrap().expect("a job is queued");
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + std::time::Duration::from_millis(20)).await;
}

async fn concurrent_requests_fail_alone(backend: common::Backend) {
    let Some((store, _dir)) = fresh_store(backend).await else { return };
    let user = store.create_user_of_type("cash").await.unwrap().id;
    let mut tasks = Vec::new();
    for i in 0..64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            // Every eighth request is one trade of a user that does not exist; every eighth (another residue) is a
            // trade of the user with one of an unknown user, which fails as a whole; every fourth stores two trades.
            // The failing requests' trades are the earliest, so that a job range taken from them would show.
            let unknown = uuid::Uuid::new_v4();
            let batches = match i % 8 {
                7 => vec![(unknown, vec![trade(unknown, i - 1000)])],
                3 => vec![(user, vec![trade(user, i - 1000)]), (unknown, vec![trade(unknown, i)])],
                1 | 5 => vec![(user, vec![trade(user, i), trade(user, i + 100)])],
                _ => vec![(user, vec![trade(user, i)])],
            };
            let batches: Vec<(uuid::Uuid, Vec<NewTrade>)> =
                batches.into_iter().map(|(u, t)| (u, t.into_iter().map(NewTrade::from).collect())).collect();
            let refs: Vec<(uuid::Uuid, &[NewTrade])> = batches.iter().map(|(u, t)| (*u, &t[..])).collect();
            (i, store.insert_many(&refs).await.map(|s| s.len()))
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (i, outcome) = t.await.unwrap();
        match i % 8 {
            7 | 3 => assert!(outcome.is_err(), "request {i} should fail"),
            1 | 5 => ok += outcome.unwrap_or_else(|e| panic!("request {i}: {e}")),
            _ => {
                assert_eq!(outcome.unwrap(), 1, "request {i}");
                ok += 1;
            }
        }
    }
    let trades = store.trades(user).await.unwrap();
    assert_eq!(trades.len(), ok);
    assert_eq!(ok, 8 * (4 + 2 * 2)); // per eight requests: four of one trade, two of two
    let earliest = trades.iter().map(|t| t.executed_at).min().unwrap();
    assert_eq!(earliest, trade(user, 0).executed_at, "no trade of a failed request is stored");
    // One job for the user, queued by the stored trades only: its range starts at the earliest of them.
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("due now");
    assert_eq!((job.user_id, job.dirty_from), (user, Some(earliest)));
    assert!(store.claim_job().await.unwrap().is_none(), "one job for the user");
    store.close().await;
}

on_both_backends!(concurrent_requests_fail_alone);

/// The queue tells an idle worker when to look again: nothing queued, then a stored trade's job due one debounce
/// interval later (not claimable before), then the end of the lease while a worker holds it.
async fn next_job_at_follows_the_queue(backend: common::Backend) {
    let Some((store, _dir)) = fresh_store(backend).await else { return };
    assert_eq!(store.next_job_at().await.unwrap(), None, "an empty queue");
    let user = store.create_user_of_type("cash").await.unwrap().id;
    let stored = chrono::Utc::now();
    store.insert_trades(user, &[trade(user, 0).into()]).await.unwrap();
    let due = store.next_job_at().await.unwrap().expect("the trade queued a job");
    let debounce = kairo_server::store::JOB_DEBOUNCE;
    assert!(due >= stored + debounce - chrono::Duration::milliseconds(50), "due {due}, stored {stored}");
    assert!(due <= chrono::Utc::now() + debounce, "due {due}");
    assert!(store.claim_job().await.unwrap().is_none(), "not claimable before it is due");
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("due now");
    let lease_end = store.next_job_at().await.unwrap().expect("the claimed job is still queued");
    let lease = chrono::Duration::from_std(kairo_server::store::JOB_LEASE).unwrap();
    assert!(lease_end > chrono::Utc::now() + lease - chrono::Duration::seconds(5), "lease ends {lease_end}");
    store.finish_job(job.id).await.unwrap();
    assert_eq!(store.next_job_at().await.unwrap(), None, "the queue is empty again");
    store.close().await;
}

on_both_backends!(next_job_at_follows_the_queue);

/// A job that fails while its user's new trade queued another is folded into that one: the user keeps one pending
/// job, whose range covers both; without another, the failed job comes back due after its delay.
async fn failed_job_folds_into_the_pending_one(backend: common::Backend) {
    let Some((store, _dir)) = fresh_store(backend).await else { return };
    let user = store.create_user_of_type("cash").await.unwrap().id;
    let early = trade(user, 5);
    store.insert_trades(user, &[early.clone().into()]).await.unwrap();
    wait_until_due(&store).await;
    let first = store.claim_job().await.unwrap().expect("due now");
    assert_eq!(first.dirty_from, Some(early.executed_at));
    store.insert_trades(user, &[trade(user, 10).into()]).await.unwrap(); // queues a second job: the first is claimed
    store.retry_job(first.id, "failed", std::time::Duration::from_secs(1)).await.unwrap();
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("the pending job");
    assert_ne!(job.id, first.id, "the failed job was folded into the pending one");
    assert_eq!(job.dirty_from, Some(early.executed_at), "its range covers the failed job's trades");
    assert!(store.claim_job().await.unwrap().is_none(), "one job");
    // Alone, a failed job comes back after its delay.
    store.retry_job(job.id, "failed again", std::time::Duration::from_millis(200)).await.unwrap();
    let due = store.next_job_at().await.unwrap().expect("queued again");
    assert!(due <= chrono::Utc::now() + chrono::Duration::milliseconds(200), "due {due}");
    wait_until_due(&store).await;
    let again = store.claim_job().await.unwrap().expect("due again");
    assert_eq!((again.id, again.attempts), (job.id, 2));
    store.close().await;
}

on_both_backends!(failed_job_folds_into_the_pending_one);

/// Cached metrics are stale from the moment a trade is stored until its user's job has finished (queued, then
/// running), whatever the length of the history.
async fn cached_metrics_are_stale_while_a_job_is_queued_or_running(backend: common::Backend) {
    let Some((store, _dir)) = fresh_store(backend).await else { return };
    let user = store.create_user_of_type("cash").await.unwrap().id;
    let stale = |store: Store| async move { store.cached_metrics(user).await.unwrap().expect("cached").stale };
    assert!(store.cached_metrics(user).await.unwrap().is_none(), "nothing cached yet");
    store.put_metrics(user, 0, &serde_json::json!({ "trades": 0 })).await.unwrap();
    assert!(!stale(store.clone()).await, "no trade since");
    store.insert_trades(user, &[trade(user, 0).into()]).await.unwrap();
    assert!(stale(store.clone()).await, "a trade is stored, its job queued");
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("due now");
    assert!(stale(store.clone()).await, "its job is running");
    store.put_metrics(user, 1, &serde_json::json!({ "trades": 1 })).await.unwrap();
    store.finish_job(job.id).await.unwrap();
    let cached = store.cached_metrics(user).await.unwrap().expect("cached");
    assert!(!cached.stale, "the job finished");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&cached.body).unwrap()["trades"], 1);
    store.close().await;
}

on_both_backends!(cached_metrics_are_stale_while_a_job_is_queued_or_running);

/// A job parked after failing again and again (due a hundred years on) is due again one debounce interval after the
/// user's next trade; its range covers the new trade.
async fn a_trade_rearms_a_parked_job(backend: common::Backend) {
    let Some((store, _dir)) = fresh_store(backend).await else { return };
    let user = store.create_user_of_type("cash").await.unwrap().id;
    store.insert_trades(user, &[trade(user, 10).into()]).await.unwrap();
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("the trade's job");
    store.retry_job(job.id, "cannot read the history", kairo_server::jobs::PARKED).await.unwrap();
    let parked = store.next_job_at().await.unwrap().unwrap();
    assert!(parked > chrono::Utc::now() + chrono::Duration::days(365 * 50), "parked until {parked}");
    assert_eq!(store.queue().await.unwrap().2, 1, "the parked job counts as failing");
    // the user's next trade, executed before the job's range started, widens it and makes it due again
    let before = chrono::Utc::now();
    store.insert_trades(user, &[trade(user, 5).into()]).await.unwrap();
    let due = store.next_job_at().await.unwrap().unwrap();
    assert!(due <= before + kairo_server::store::JOB_DEBOUNCE + chrono::Duration::seconds(1), "due at {due}");
    wait_until_due(&store).await;
    let job = store.claim_job().await.unwrap().expect("the re-armed job");
    assert_eq!(job.dirty_from, Some(trade(user, 5).executed_at));
    store.close().await;
}

on_both_backends!(a_trade_rearms_a_parked_job);
