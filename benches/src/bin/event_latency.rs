//! Trade-to-event latency of kairo-server, from a second process on 127.0.0.1: `POST /trades` open-loop at a fixed
//! rate over 50 cash accounts, half of the trades sales of more shares than the account holds (each fails
//! `short_sale_cash_account`), while one `GET /events` stream is open; for each failing trade, the time from its
//! 2xx answer to its `compliance.fail` event on the stream. Prints a markdown table row.
//!
//! Usage: `event_latency --server BIN --database-url URL [--label L] [--rate 1000] [--seconds 10]`
//! (benches/run-events.sh runs it on SQLite and PostgreSQL).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kairo_benches::load::{create_users, open_loop, spawn_server, wait_up, TOKEN};
use serde_json::{json, Value};

/// Answers and events by trade id: when the trade's POST was answered, when its fail arrived on the stream.
#[derive(Default)]
struct Times {
    answered: HashMap<String, Instant>,
    event: HashMap<String, Instant>,
}

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

/// Reads the `/events` stream, noting when each `short_sale_cash_account` fail arrives.
async fn listen(client: reqwest::Client, base: String, times: Arc<Mutex<Times>>) {
    let mut r = client
        .get(format!("{base}/events"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("opening /events: {e}"));
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = r.chunk().await {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
            let Ok(v) = serde_json::from_str::<Value>(data.trim()) else { continue };
            if v["type"] == "compliance.fail" && v["data"]["check_name"] == "short_sale_cash_account" {
                if let Some(id) = v["data"]["trade_id"].as_str() {
                    times.lock().unwrap_or_else(|e| e.into_inner()).event.entry(id.to_owned()).or_insert(now);
                }
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let (Some(server), Some(url)) = (arg("--server"), arg("--database-url")) else {
        eprintln!("usage: event_latency --server BIN --database-url URL [--label L] [--rate N] [--seconds N]");
        std::process::exit(2);
    };
    let label = arg("--label").unwrap_or_default();
    let rate: u64 = arg("--rate").and_then(|v| v.parse().ok()).unwrap_or(1000);
    let seconds: u64 = arg("--seconds").and_then(|v| v.parse().ok()).unwrap_or(10);
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18001);
    let mut child = spawn_server(&server, &url, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap_or_default();
    wait_up(&client, &base, &mut child).await;
    let users = create_users(&client, &base, 50, "cash").await;
    let users = Arc::new(users);
    let times = Arc::new(Mutex::new(Times::default()));
    let stream = tokio::spawn(listen(client.clone(), base.clone(), times.clone()));
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Per account: buy 1, sell 2, buy 1, sell 2, ...: every sale sells a share the account does not hold.
    let (c, b, u, t) = (client.clone(), base.clone(), users.clone(), times.clone());
    let ingest = open_loop(rate, seconds, move |i| {
        let (client, base, users, times) = (c.clone(), b.clone(), u.clone(), t.clone());
        async move {
            let n = users.len() as u64;
            let user = &users[(i % n) as usize];
            let sell = (i / n) % 2 == 1;
            let at = chrono::DateTime::parse_from_rfc3339("2024-01-02T14:30:00Z").unwrap_or_default()
                + chrono::Duration::seconds(i as i64);
            let body = json!({ "user_id": user, "symbol": "ABC", "side": if sell { "SELL" } else { "BUY" },
                "qty": if sell { "2" } else { "1" }, "price": "100.25", "executed_at": at.to_rfc3339() });
            let Ok(r) = client.post(format!("{base}/trades")).bearer_auth(TOKEN).json(&body).send().await else {
                return false;
            };
            let answered = Instant::now();
            if !r.status().is_success() {
                return false;
            }
            let Ok(t) = r.json::<Value>().await else { return false };
            if sell {
                let id = t["id"].as_str().unwrap_or_default().to_owned();
                times.lock().unwrap_or_else(|e| e.into_inner()).answered.insert(id, answered);
            }
            true
        }
    })
    .await;
    // The last events: those of trades answered at the very end.
    let waited = Instant::now();
    loop {
        let done = {
            let t = times.lock().unwrap_or_else(|e| e.into_inner());
            t.answered.keys().all(|id| t.event.contains_key(id))
        };
        if done || waited.elapsed() > Duration::from_secs(10) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stream.abort();
    let t = times.lock().unwrap_or_else(|e| e.into_inner());
    let mut latencies: Vec<f64> = t
        .answered
        .iter()
        .filter_map(|(id, a)| t.event.get(id).map(|e| e.saturating_duration_since(*a).as_secs_f64() * 1e3))
        .collect();
    // A fail that never arrived counts as an infinite latency.
    let missed = t.answered.len() - latencies.len();
    latencies.extend(std::iter::repeat_n(f64::INFINITY, missed));
    latencies.sort_by(f64::total_cmp);
    let q =
        |p: f64| latencies.get(((latencies.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or(f64::NAN);
    println!(
        "| {label} | {rate} | {} | {} | {} | {missed} | {:.1} | {:.1} | {:.1} | {:.1} |",
        ingest.latencies.len(),
        ingest.errors,
        t.answered.len(),
        q(0.5),
        q(0.95),
        q(0.99),
        q(1.0),
    );
    let _ = child.kill();
    let _ = child.wait();
}
