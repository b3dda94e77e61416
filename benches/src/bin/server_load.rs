//! Load test of kairo-server from a second process on 127.0.0.1: ingestion (`POST /trades`) open-loop at a fixed
//! rate, latency measured from each request's scheduled start (no coordinated omission), and cached reads
//! (`GET /users/{id}/metrics`) closed-loop at a fixed concurrency. Prints a markdown table row per test.
//!
//! Usage: `server_load --server BIN --database-url URL [--rate 1000] [--seconds 10] [--concurrency 64]`
//! (benches/run-server.sh runs it on SQLite and PostgreSQL).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kairo_benches::load::{closed_loop, open_loop, Measured};
use serde_json::{json, Value};

const TOKEN: &str = "load-test-token-0123456789abcdef01234";

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

fn start_server(a: &Args, port: u16) -> Child {
    Command::new(&a.server)
        .arg("serve")
        .env("DATABASE_URL", &a.database_url)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("KAIRO_SERVICE_TOKEN", TOKEN)
        .env("KAIRO_JWT_SECRET", "load-test-jwt-secret-0123456789abcdef")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", a.server))
}

#[tokio::main]
async fn main() {
    let a = args();
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18000);
    let mut child = start_server(&a, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build().unwrap_or_default();
    let up = Instant::now();
    while client.get(format!("{base}/health")).send().await.is_err() {
        if up.elapsed() > Duration::from_secs(60) {
            eprintln!("the server did not start");
            let _ = child.kill();
            std::process::exit(1);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut users = Vec::new();
    for _ in 0..50 {
        let u: Value = client
            .post(format!("{base}/users"))
            .bearer_auth(TOKEN)
            .json(&json!({ "account_type": "margin" }))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("creating a user: {e}"))
            .json()
            .await
            .unwrap_or(Value::Null);
        users.push(u["id"].as_str().unwrap_or_default().to_owned());
    }
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
