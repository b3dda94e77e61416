//! The real binary in a child process (for tests that kill it, fill its disk or cut its database off), and load
//! lanes that send trades to it and record every answer.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The server process, killed when dropped (a failing assertion must not leave it running).
pub struct Server(pub Child);

impl Server {
    /// kill -9 and reap.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `kairo-server serve` on `url`, listening on `port`.
pub fn spawn(url: &str, port: u16) -> Server {
    Server(command(url, port).env("RUST_LOG", "warn").spawn().unwrap())
}

/// [`spawn`] with the jobs' log (each finished job's id) written to `log`.
pub fn spawn_logged(url: &str, port: u16, log: &std::path::Path) -> Server {
    let file = std::fs::File::create(log).unwrap();
    Server(
        command(url, port)
            .env("RUST_LOG", "warn,kairo_server::jobs=debug")
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap(),
    )
}

fn command(url: &str, port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kairo-server"));
    c.arg("serve")
        .env("DATABASE_URL", url)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("KAIRO_SERVICE_TOKEN", super::TOKEN)
        .env("KAIRO_JWT_SECRET", super::JWT_SECRET);
    c
}

pub async fn wait_up(client: &reqwest::Client, base: &str) {
    for _ in 0..500 {
        if client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not come up at {base}");
}

/// Creates a margin user; returns its id.
pub async fn create_user(client: &reqwest::Client, base: &str) -> String {
    let user: serde_json::Value = client
        .post(format!("{base}/users"))
        .bearer_auth(super::TOKEN)
        .json(&json!({ "account_type": "margin" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    user["id"].as_str().unwrap().to_owned()
}

/// What the lanes saw.
#[derive(Default)]
pub struct Tally {
    /// `external_id`s answered 2xx.
    pub acked: BTreeSet<String>,
    /// Answers by status (0: no answer at all: the connection failed).
    pub statuses: BTreeMap<u16, usize>,
    /// Answers other than 2xx and 503, with their bodies (the first few).
    pub unexpected: Vec<String>,
    /// The slowest answer.
    pub slowest: Duration,
}

/// Trade-sending lanes (each a task sending one trade after another) until [`Lanes::stop`].
pub struct Lanes {
    pub tally: Arc<Mutex<Tally>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Lanes {
    /// `n` lanes sending trades of `user` to `base`. With `tolerate_no_answer`, a connection that fails (the
    /// server is being killed) ends the lane instead of counting as an unexpected answer.
    pub fn start(client: &reqwest::Client, base: &str, user: &str, n: i64, tolerate_no_answer: bool) -> Lanes {
        Lanes::start_lanes(client, base, user, 0..n, tolerate_no_answer)
    }

    /// [`Lanes::start`] with the lanes numbered `lanes` (lanes of different numbers send different trades).
    pub fn start_lanes(
        client: &reqwest::Client,
        base: &str,
        user: &str,
        lanes: std::ops::Range<i64>,
        tolerate_no_answer: bool,
    ) -> Lanes {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for lane in lanes {
            let (client, base, user) = (client.clone(), base.to_owned(), user.to_owned());
            let (tally, stop) = (tally.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let ext = format!("ext-{lane}-{i}");
                    let side = if i % 2 == 0 { "BUY" } else { "SELL" };
                    let at = chrono::DateTime::parse_from_rfc3339("2024-01-02T14:30:00Z").unwrap()
                        + chrono::Duration::minutes(lane * 100_000 + i);
                    let body = json!({ "user_id": user, "symbol": format!("S{lane}"), "side": side, "qty": "1",
                        "price": "10", "executed_at": at.to_rfc3339(), "external_id": ext });
                    let started = Instant::now();
                    let sent = client
                        .post(format!("{base}/trades"))
                        .bearer_auth(super::TOKEN)
                        .timeout(Duration::from_secs(30))
                        .json(&body)
                        .send()
                        .await;
                    let elapsed = started.elapsed();
                    let (status, text) = match sent {
                        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
                        Err(_) if tolerate_no_answer => return,
                        Err(e) => (0, e.to_string()),
                    };
                    {
                        let mut t = tally.lock().unwrap();
                        t.slowest = t.slowest.max(elapsed);
                        *t.statuses.entry(status).or_default() += 1;
                        if (200..300).contains(&status) {
                            t.acked.insert(ext);
                        } else if status != 503 && t.unexpected.len() < 10 {
                            t.unexpected.push(format!("{status}: {text}"));
                        }
                    }
                    if status == 503 || status == 0 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }));
        }
        Lanes { tally, stop, tasks }
    }

    pub fn acked(&self) -> usize {
        self.tally.lock().unwrap().acked.len()
    }

    /// Waits until `n` trades in all are acknowledged (panics after `limit`).
    pub async fn wait_acked(&self, n: usize, limit: Duration) {
        let start = Instant::now();
        while self.acked() < n {
            assert!(start.elapsed() < limit, "only {} of {n} trades acknowledged in {limit:?}", self.acked());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the lanes and waits for them.
    pub async fn stop(self) -> Tally {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.unwrap();
        }
        Arc::try_unwrap(self.tally).ok().unwrap().into_inner().unwrap()
    }
}

/// Restarts nothing: reads the stored trades of `user` and checks that every acknowledged trade is stored exactly
/// once. Returns the number stored.
pub async fn assert_all_acked_stored(url: &str, user: &str, acked: &BTreeSet<String>) -> usize {
    let store = kairo_server::store::Store::connect(url, 1, 2).await.unwrap();
    let id: uuid::Uuid = user.parse().unwrap();
    let stored = store.trades(id).await.unwrap();
    store.close().await;
    let mut seen = BTreeMap::<String, usize>::new();
    for t in &stored {
        *seen.entry(t.external_id.clone().unwrap_or_default()).or_default() += 1;
    }
    let lost: Vec<&String> = acked.iter().filter(|e| !seen.contains_key(*e)).collect();
    assert!(lost.is_empty(), "{} acknowledged trades were lost: {:?}", lost.len(), &lost[..lost.len().min(5)]);
    let twice: Vec<(&String, &usize)> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "trades stored more than once: {twice:?}");
    stored.len()
}

/// Waits until `user`'s audit has every row kairo-core gives for the stored history (a job that died with its
/// server comes back when its lease expires, 60 s; the user's next job covers trades left without rows at once,
/// so this usually takes a few seconds), and returns that number of rows.
pub async fn wait_fully_audited(store: &kairo_server::store::Store, user: &str) -> i64 {
    let id: uuid::Uuid = user.parse().unwrap();
    let trades = store.trades(id).await.unwrap();
    let u = store.user(id).await.unwrap().unwrap();
    let activities = store.activities(id).await.unwrap();
    let expected = kairo_server::services::analysis::audit_rows(&u, &trades, &activities, None).unwrap().len() as i64;
    let mut rows = 0;
    for _ in 0..1_600 {
        rows = store.audit_count(id).await.unwrap();
        if rows == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rows, expected, "audit rows of user {user}");
    rows
}
