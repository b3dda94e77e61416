//! Leaderboard reads of kairo-server from a second process on 127.0.0.1: `GET /leaderboards` closed-loop at a fixed
//! concurrency, each request a random board (5 metrics × 5 periods) and a random page of 50 anywhere in it, on a
//! database holding `--users` ranked members (benches/run-leaderboard.sh fills it). Prints a markdown table row.
//!
//! Usage: `leaderboard_load --server BIN --database-url URL [--label L] [--users 100000] [--seconds 10]
//! [--concurrency 16]`

use std::sync::Arc;

use kairo_benches::load::{closed_loop, spawn_server, wait_up, TOKEN};
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
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18002);
    let mut child = spawn_server(&server, &url, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap_or_default();
    wait_up(&client, &base, &mut child).await;
    // The boards are full: the last page of one holds the last members.
    let last = client
        .get(format!("{base}/leaderboards?metric=sharpe&period=ALL&limit=50&offset={}", users - 50))
        .bearer_auth(TOKEN)
        .send()
        .await
        .and_then(|r| r.error_for_status());
    let page: Value = match last {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => panic!("reading a board: {e}"),
    };
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(50), "the board does not hold {users} members");
    let (c, b) = (client.clone(), Arc::new(base.clone()));
    let reads = closed_loop(concurrency, seconds, move |i| {
        // A random board and page (a fixed sequence: the same requests in every run).
        let x = (i as u64).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let (metric, period) = (METRICS[(x >> 33) as usize % 5], PERIODS[(x >> 40) as usize % 5]);
        let offset = (x >> 20) % (users - 49);
        let (client, url) =
            (c.clone(), format!("{b}/leaderboards?metric={metric}&period={period}&limit=50&offset={offset}"));
        async move { client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    println!(
        "| {label} | {users} | {concurrency} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
        reads.latencies.len(),
        reads.errors,
        reads.throughput(),
        reads.percentile(0.50),
        reads.percentile(0.95),
        reads.percentile(0.99)
    );
    let _ = child.kill();
    let _ = child.wait();
}
