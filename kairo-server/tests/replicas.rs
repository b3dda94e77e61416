//! Two replicas of the real binary on one PostgreSQL database, as a team runs them behind a load balancer: trades
//! are sent to both, one is killed with SIGKILL during the burst, and every acknowledged trade is stored once and
//! audited once (one row per trade and check), each job run by one replica only.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::process::{self, Lanes};

/// The ids of the jobs a replica's log says it finished.
fn jobs_done(log: &std::path::Path) -> Vec<i64> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "job done")
        .filter_map(|v| v["fields"]["job"].as_i64())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_one_killed_lose_and_repeat_nothing() {
    let Some((url, _)) = common::fresh_database(common::Backend::Postgres).await else { return };
    let dir = std::env::temp_dir().join(format!("kairo-replicas-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (log_a, log_b) = (dir.join("a.log"), dir.join("b.log"));
    let (port_a, port_b) = (process::free_port(), process::free_port());
    let (base_a, base_b) = (format!("http://127.0.0.1:{port_a}"), format!("http://127.0.0.1:{port_b}"));
    let client = reqwest::Client::new();
    let mut a = process::spawn_logged(&url, port_a, &log_a);
    process::wait_up(&client, &base_a).await;
    let mut b = process::spawn_logged(&url, port_b, &log_b);
    process::wait_up(&client, &base_b).await;
    let users = [process::create_user(&client, &base_a).await, process::create_user(&client, &base_b).await];

    // Each user's trades go to both replicas (of user i's eight lanes, four to A and four to B).
    let lanes: Vec<Lanes> = users
        .iter()
        .zip([0_i64, 8])
        .flat_map(|(u, first)| {
            [
                Lanes::start_lanes(&client, &base_a, u, first..first + 4, true),
                Lanes::start_lanes(&client, &base_b, u, first + 4..first + 8, true),
            ]
        })
        .collect();
    for l in &lanes {
        l.wait_acked(60, Duration::from_secs(30)).await;
    }
    // the burst goes on until both replicas have run jobs (each claims due jobs as they come), then A dies
    let started = std::time::Instant::now();
    while jobs_done(&log_a).is_empty() || jobs_done(&log_b).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "both replicas should have claimed jobs");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    a.kill();
    tokio::time::sleep(Duration::from_millis(500)).await; // B keeps taking trades alone
    let mut acked: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (i, l) in lanes.into_iter().enumerate() {
        let tally = l.stop().await;
        assert!(tally.unexpected.is_empty(), "unexpected answers: {:?}", tally.unexpected);
        acked.entry(i / 2).or_default().extend(tally.acked);
    }

    let store = kairo_server::store::Store::connect(&url, 1, 2).await.unwrap();
    for (i, user) in users.iter().enumerate() {
        let stored = process::assert_all_acked_stored(&url, user, &acked[&i]).await;
        let rows = process::wait_fully_audited(&store, user).await;
        eprintln!("user {i}: {} acknowledged, {stored} stored, {rows} audit rows", acked[&i].len());
    }
    store.close().await;
    b.kill();
    let (done_a, done_b) = (jobs_done(&log_a), jobs_done(&log_b));
    assert!(!done_a.is_empty() && !done_b.is_empty(), "both replicas ran jobs: A {done_a:?}, B {done_b:?}");
    let both: Vec<&i64> = done_a.iter().filter(|j| done_b.contains(j)).collect();
    assert!(both.is_empty(), "jobs run by both replicas: {both:?}");
    let mut all = [done_a.clone(), done_b.clone()].concat();
    all.sort_unstable();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "a job finished twice");
    eprintln!("jobs: {} on A (killed), {} on B, none on both", done_a.len(), done_b.len());
    let _ = std::fs::remove_dir_all(&dir);
}
