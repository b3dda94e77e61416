//! The crash test: trades are sent at load to the real binary, which is killed with SIGKILL mid-stream and
//! restarted; every trade that was acknowledged (2xx) must be stored and get its full set of audit rows.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::process::{self, Lanes};

async fn crash_and_recover(backend: common::Backend) {
    let Some((url, _dir)) = common::fresh_database(backend).await else { return };
    let port = process::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = process::spawn(&url, port);
    process::wait_up(&client, &base).await;
    let user = process::create_user(&client, &base).await;

    let lanes = Lanes::start(&client, &base, &user, 8, true);
    // let the load run, then kill -9 the server mid-stream
    lanes.wait_acked(300, Duration::from_secs(20)).await;
    child.kill();
    let tally = lanes.stop().await;
    assert!(tally.unexpected.is_empty(), "unexpected answers: {:?}", tally.unexpected);
    let acked = tally.acked;

    // restart on the same database: the queued jobs resume
    let mut child = process::spawn(&url, port);
    process::wait_up(&client, &base).await;
    let stored_count = process::assert_all_acked_stored(&url, &user, &acked).await;
    let store = kairo_server::store::Store::connect(&url, 1, 2).await.unwrap();
    let id: uuid::Uuid = user.parse().unwrap();
    let stored = store.trades(id).await.unwrap();
    let rows = process::wait_fully_audited(&store, &user).await;
    let (audit, _) =
        store.audit(id, &kairo_server::store::AuditQuery { limit: 1_000_000, ..Default::default() }).await.unwrap();
    let audited: BTreeSet<String> = audit.iter().map(|r| r.trade_id.to_string()).collect();
    assert_eq!(audited.len(), stored.len(), "every stored trade has its audit rows");
    store.close().await;
    child.kill();
    eprintln!(
        "{backend:?}: {} acknowledged, {stored_count} stored, {rows} audit rows after kill -9 and restart",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_loses_nothing_sqlite() {
    crash_and_recover(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_loses_nothing_postgres() {
    crash_and_recover(common::Backend::Postgres).await;
}
