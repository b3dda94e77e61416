//! Leaderboard reads of kairo-server from a second process on 127.0.0.1: `GET /leaderboards`, each request a random
//! board (5 metrics × 5 periods) and a random page of 50 anywhere in it, on a database holding `--users` ranked
//! members (benches/run-leaderboard.sh fills it): open-loop at `--rate` pages a second (latency from each request's
//! scheduled start), then closed-loop at `--concurrency` connections (as fast as the machine answers). Prints a
//! markdown table row per load.
//!
//! Usage: `leaderboard_load --server BIN --database-url URL [--label L] [--users 100000] [--seconds 10]
//! [--rate 1000] [--concurrency 16]`

use std::sync::Arc;

use kairo_benches::load::{closed_loop, open_loop, spawn_server, wait_up, Measured, TOKEN};
use serde_json::Value;

const METRICS: [&str; 5] = ["return", "sharpe", "sortino", "max_drawdown", "calmar"];
const PERIODS: [&str; 5] = ["1M", "3M", "YTD", "1Y", "ALL"];

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

#[tokio::main]
async fn main() {
    let (Some(server), Some(url)) = (arg("--server"), arg("--database-url")) else {
        eprintln!("usage: leaderboard_load --server BIN --database-url URL [--label L] [--users N] [--seconds N]");
        std::process::exit(2);
    };
    let label = arg("--label").unwrap_or_default();
    let users: u64 = arg("--users").and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let seconds: f64 = arg("--seconds").and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let concurrency: usize = arg("--concurrency").and_then(|v| v.parse().ok()).unwrap_or(16);
    let rate: u64 = arg("--rate").and_then(|v| v.parse().ok()).unwrap_or(1000);
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18002);
    let mut child = spawn_server(&server, &url, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap_or_default();
    wait_up(&client, &base, &mut child).await;
    // The boards are full once the start-up ranking pass has placed every score: the last page of every board holds
    // its last members (the pass ranks the boards in an order of its own).
    let waited = std::time::Instant::now();
    for (metric, period) in METRICS.iter().flat_map(|m| PERIODS.iter().map(move |p| (*m, *p))) {
        loop {
            let offset = users - 50;
            let url = format!("{base}/leaderboards?metric={metric}&period={period}&limit=50&offset={offset}");
            let page: Value = match client.get(url).bearer_auth(TOKEN).send().await.and_then(|r| r.error_for_status()) {
                Ok(r) => r.json().await.unwrap_or(Value::Null),
                Err(e) => panic!("reading a board: {e}"),
            };
            if page["entries"].as_array().map(Vec::len) == Some(50) {
                break;
            }
            assert!(waited.elapsed().as_secs() < 600, "the boards were not ranked within 10 minutes");
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
    let ranking = waited.elapsed().as_secs_f64();
    // A random board and page (a fixed sequence: the same requests in every run).
    let page_url = move |base: &str, i: u64| {
        let x = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let (metric, period) = (METRICS[(x >> 33) as usize % 5], PERIODS[(x >> 40) as usize % 5]);
        let offset = (x >> 20) % (users - 49);
        format!("{base}/leaderboards?metric={metric}&period={period}&limit=50&offset={offset}")
    };
    let (c, b) = (client.clone(), Arc::new(base.clone()));
    let paced = open_loop(rate, seconds.round() as u64, move |i| {
        let (client, url) = (c.clone(), page_url(&b, i));
        async move { client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    let (c, b) = (client.clone(), Arc::new(base.clone()));
    let saturated = closed_loop(concurrency, seconds, move |i| {
        let (client, url) = (c.clone(), page_url(&b, i as u64 + 1_000_000));
        async move { client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    let row = |load: String, m: &Measured| {
        println!(
            "| {label} | {users} | {ranking:.1} | {load} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
            m.latencies.len(),
            m.errors,
            m.throughput(),
            m.percentile(0.50),
            m.percentile(0.95),
            m.percentile(0.99)
        )
    };
    row(format!("{rate} pages/s"), &paced);
    row(format!("{concurrency} connections, closed loop"), &saturated);
    let _ = child.kill();
    let _ = child.wait();
}
