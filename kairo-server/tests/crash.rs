//! The crash test: trades are sent at load to the real binary, which is killed with SIGKILL mid-stream and
//! restarted; every trade that was acknowledged (2xx) must be stored and get its full set of audit rows.

mod common;

use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The server process, killed when dropped (a failing assertion must not leave it running).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(url: &str, port: u16) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_kairo-server"))
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("KAIRO_SERVICE_TOKEN", common::TOKEN)
            .env("KAIRO_JWT_SECRET", "test-secret")
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap(),
    )
}

async fn wait_up(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not come up at {base}");
}

async fn crash_and_recover(backend: common::Backend) {
    let Some((url, _dir)) = common::fresh_database(backend).await else { return };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = spawn(&url, port);
    wait_up(&client, &base).await;
    let user: serde_json::Value = client
        .post(format!("{base}/users"))
        .bearer_auth(common::TOKEN)
        .json(&json!({ "account_type": "margin" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = user["id"].as_str().unwrap().to_owned();

    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let start = Instant::now();
    let mut senders = Vec::new();
    for lane in 0..8 {
        let (client, base, user, acked) = (client.clone(), base.clone(), user.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            for i in 0.. {
                let ext = format!("ext-{lane}-{i}");
                let minute = lane * 100_000 + i;
                let side = if i % 2 == 0 { "BUY" } else { "SELL" };
                let at = chrono::DateTime::parse_from_rfc3339("2024-01-02T14:30:00Z").unwrap()
                    + chrono::Duration::minutes(minute);
                let body = json!({ "user_id": user, "symbol": format!("S{lane}"), "side": side, "qty": "1",
                    "price": "10", "executed_at": at.to_rfc3339(), "external_id": ext });
                match client.post(format!("{base}/trades")).bearer_auth(common::TOKEN).json(&body).send().await {
                    Ok(r) if r.status().is_success() => {
                        acked.lock().unwrap().insert(ext);
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // let the load run, then kill -9 the server mid-stream
    while acked.lock().unwrap().len() < 300 && start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    for s in senders {
        s.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 300, "only {} trades acknowledged before the kill", acked.len());

    // restart on the same database: the queued jobs resume
    let mut child = spawn(&url, port);
    wait_up(&client, &base).await;
    let store = kairo_server::store::Store::connect(&url, 1, 2).await.unwrap();
    let id: uuid::Uuid = user.parse().unwrap();
    let stored = store.trades(id).await.unwrap();
    let stored_ext: BTreeSet<String> = stored.iter().filter_map(|t| t.external_id.clone()).collect();
    let lost: Vec<&String> = acked.difference(&stored_ext).collect();
    assert!(lost.is_empty(), "{} acknowledged trades were lost: {:?}", lost.len(), &lost[..lost.len().min(5)]);
    let u = store.user(id).await.unwrap().unwrap();
    let expected = kairo_server::analysis::audit_rows(&u, &stored, None).unwrap().len() as i64;
    let mut rows = 0;
    // A job that died with the server comes back when its lease expires (JOB_LEASE, 60 s); the next job of the
    // user covers trades left without rows at once, so this usually takes a few seconds.
    for _ in 0..1_600 {
        rows = store.audit_count(id).await.unwrap();
        if rows == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rows, expected, "audit rows after recovery");
    let (audit, _) =
        store.audit(id, &kairo_server::store::AuditQuery { limit: 1_000_000, ..Default::default() }).await.unwrap();
    let audited: BTreeSet<String> = audit.iter().map(|r| r.trade_id.to_string()).collect();
    assert_eq!(audited.len(), stored.len(), "every stored trade has its audit rows");
    store.close().await;
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    eprintln!(
        "{backend:?}: {} acknowledged, {} stored, {} audit rows after kill -9 and restart",
        acked.len(),
        stored.len(),
        rows
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
