//! Load test of kairo-server from a second process on 127.0.0.1: ingestion (`POST /trades`) open-loop at a fixed
//! rate, latency measured from each request's scheduled start (no coordinated omission), and cached reads
//! (`GET /users/{id}/metrics`) closed-loop at a fixed concurrency. Prints a markdown table row per test.
//!
//! Usage: `server_load --server BIN --database-url URL [--rate 1000] [--seconds 10] [--concurrency 64]`
//! (benches/run-server.sh runs it on SQLite and PostgreSQL).

use std::sync::Arc;

use kairo_benches::load::{closed_loop, create_users, open_loop, spawn_server, wait_up, Measured, TOKEN};
use serde_json::json;

struct Args {
    server: String,
    database_url: String,
    label: String,
    rate: u64,
    seconds: u64,
    concurrency: usize,
    read_seconds: Option<u64>,
}

fn args() -> Args {
    let mut a = Args {
        server: String::new(),
        database_url: String::new(),
        label: String::new(),
        rate: 1000,
        seconds: 10,
        concurrency: 64,
        read_seconds: None,
    };
    let mut it = std::env::args();
    it.next(); // the program name
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--server" => a.server = v,
            "--database-url" => a.database_url = v,
            "--label" => a.label = v,
            "--rate" => a.rate = v.parse().unwrap_or(1000),
            "--seconds" => a.seconds = v.parse().unwrap_or(10),
            "--concurrency" => a.concurrency = v.parse().unwrap_or(64),
            "--read-seconds" => a.read_seconds = v.parse().ok(),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    if a.server.is_empty() || a.database_url.is_empty() {
        eprintln!(
            "usage: server_load --server BIN --database-url URL [--label L] [--rate N] [--seconds N] [--concurrency N] \
             [--read-seconds N (default: --seconds; 0 skips the read test)]"
        );
        std::process::exit(2);
    }
    a
}

fn row(label: &str, test: &str, m: &Measured) -> String {
    format!(
        "| {label} | {test} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
        m.latencies.len(),
        m.errors,
        m.throughput(),
        m.percentile(0.50),
        m.percentile(0.95),
        m.percentile(0.99)
    )
}

#[tokio::main]
async fn main() {
    let a = args();
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18000);
    let mut child = spawn_server(&a.server, &a.database_url, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap_or_default();
    wait_up(&client, &base, &mut child).await;
    let users = create_users(&client, &base, 50, "margin").await;
    let users = Arc::new(users);

    // Ingestion, open loop at `rate` requests per second.
    let (c, b, u) = (client.clone(), base.clone(), users.clone());
    let ingest = open_loop(a.rate, a.seconds, move |i| {
        let (client, base, users) = (c.clone(), b.clone(), u.clone());
        async move {
            let user = &users[i as usize % users.len()];
            let at = chrono::DateTime::parse_from_rfc3339("2024-01-02T14:30:00Z").unwrap_or_default()
                + chrono::Duration::minutes(i as i64);
            let body = json!({ "user_id": user, "symbol": "ABC", "side": if (i / 50) % 2 == 0 { "BUY" } else { "SELL" },
                "qty": "1", "price": "100.25", "executed_at": at.to_rfc3339() });
            let response = client.post(format!("{base}/trades")).bearer_auth(TOKEN).json(&body).send().await;
            response.is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    println!("{}", row(&a.label, &format!("POST /trades at {} req/s", a.rate), &ingest));

    let read_seconds = a.read_seconds.unwrap_or(a.seconds);
    if read_seconds > 0 {
        // Let the jobs fill the metrics cache, then read it closed-loop.
        for u in users.iter() {
            let _ = client.get(format!("{base}/users/{u}/metrics")).bearer_auth(TOKEN).send().await;
        }
        let (c, b, u) = (client.clone(), base.clone(), users.clone());
        let reads = closed_loop(a.concurrency, read_seconds as f64, move |i| {
            let (client, url) = (c.clone(), format!("{b}/users/{}/metrics", u[i % u.len()]));
            async move { client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
        let test = format!("GET /users/{{id}}/metrics (cached), {} connections", a.concurrency);
        println!("{}", row(&a.label, &test, &reads));
    }
    let _ = child.kill();
    let _ = child.wait();
}
