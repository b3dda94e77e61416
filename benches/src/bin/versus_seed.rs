//! kairo-server beside the seed's own service (FastAPI + asyncpg, `../shared/peers/seed-fastapi/app.py`), on one
//! PostgreSQL database, driven by one load generator: the seed's two hot endpoints, in interleaved rounds.
//!
//! The binary migrates the database, imports three years of closes (`kairo-server import-prices`), starts both
//! services, creates the users through kairo (100 readers with 200 trades each, 50 writers per service), waits for
//! kairo's jobs, warms both caches, then runs `--rounds` rounds; each round, in alternating order of the services:
//! - `GET /users/{id}/comparative?benchmark=SPY`, closed loop at `--concurrency` connections for `--seconds`:
//!   kairo's summary (the default), kairo's `series=daily`, the seed's;
//! - `POST /trades` open loop at each `--rates` rate for `--seconds` (latency from each request's scheduled
//!   start), then, for kairo, until its job queue is empty, so the CPU per trade includes the compliance and metrics
//!   jobs every trade starts.
//!
//! CPU is read from `/proc` for each service's process tree plus PostgreSQL's (its postmaster's tree, `--pg-pid`).
//! Prints one markdown row per (test, round) and, last, the medians; `benches/run-versus-seed.sh` writes them into
//! benches/README.md.
//!
//! Usage: `versus_seed --kairo BIN --uvicorn BIN --seed-app DIR --database-url URL --pg-pid PID [--workers 1]
//! [--rounds 5] [--seconds 10] [--rates 200,500,1000] [--concurrency 16] [--big-trades 100000]`

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use kairo_benches::load::{closed_loop, open_loop, tree_cpu_seconds, Measured};
use kairo_benches::{account_trades, SplitMix64};
use serde_json::{json, Value};

const TOKEN: &str = "versus-seed-token-0123456789abcdef0123";
const READERS: usize = 100;
const WRITERS: usize = 50;
const TRADES_PER_READER: usize = 200;

struct Args {
    kairo: String,
    uvicorn: String,
    seed_app: String,
    database_url: String,
    pg_pid: u32,
    workers: u32,
    rounds: usize,
    seconds: u64,
    rates: Vec<u64>,
    concurrency: usize,
    big_trades: usize,
}

fn args() -> Args {
    let mut a = Args {
        kairo: String::new(),
        uvicorn: String::new(),
        seed_app: String::new(),
        database_url: String::new(),
        pg_pid: 0,
        workers: 1,
        rounds: 5,
        seconds: 10,
        rates: vec![200, 500, 1000],
        concurrency: 16,
        big_trades: 100_000,
    };
    let mut it = std::env::args();
    it.next(); // the program name
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--kairo" => a.kairo = v,
            "--uvicorn" => a.uvicorn = v,
            "--seed-app" => a.seed_app = v,
            "--database-url" => a.database_url = v,
            "--pg-pid" => a.pg_pid = v.parse().unwrap_or(0),
            "--workers" => a.workers = v.parse().unwrap_or(1),
            "--rounds" => a.rounds = v.parse().unwrap_or(5),
            "--seconds" => a.seconds = v.parse().unwrap_or(10),
            "--rates" => a.rates = v.split(',').filter_map(|r| r.trim().parse().ok()).collect(),
            "--concurrency" => a.concurrency = v.parse().unwrap_or(16),
            "--big-trades" => a.big_trades = v.parse().unwrap_or(100_000),
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if a.kairo.is_empty() || a.uvicorn.is_empty() || a.seed_app.is_empty() || a.database_url.is_empty() || a.pg_pid == 0
    {
        fail(
            "usage: versus_seed --kairo BIN --uvicorn BIN --seed-app DIR --database-url URL --pg-pid PID [--workers N] \
             [--rounds N] [--seconds N] [--rates 200,500,1000] [--concurrency N]",
        );
    }
    a
}

fn fail(message: &str) -> ! {
    eprintln!("versus_seed: {message}");
    std::process::exit(2);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18000)
}

/// Three years of weekday closes (a random walk per symbol) of every symbol the generated trades use, and SPY.
fn prices_csv(path: &std::path::Path) {
    const SYMBOLS: [&str; 20] = [
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "TSLA", "JPM", "V", "UNH", "XOM", "JNJ", "PG", "MA",
        "HD", "AVGO", "CVX", "LLY", "SPY",
    ];
    let mut g = SplitMix64::new(0xC105E5);
    let mut text = String::from("symbol,date,close\n");
    for symbol in SYMBOLS.iter().chain(["ABC"].iter()) {
        let mut close = 100.0 + 300.0 * g.next_f64();
        let mut day = NaiveDate::from_ymd_opt(2023, 1, 3).unwrap_or_default();
        let last = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
        while day <= last {
            if kairo_core::calendar::is_trading_day(day) {
                close *= 1.0 + 0.0004 + 0.012 * g.next_normal();
                text.push_str(&format!("{symbol},{day},{close:.2}\n"));
            }
            day += chrono::Duration::days(1);
        }
    }
    std::fs::write(path, text).unwrap_or_else(|e| fail(&format!("writing {}: {e}", path.display())));
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.stdout(Stdio::null()).status().unwrap_or_else(|e| fail(&format!("{what}: {e}")));
    if !status.success() {
        fail(&format!("{what} failed: {status}"));
    }
}

struct Service {
    name: &'static str,
    base: String,
    child: Child,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_up(client: &reqwest::Client, base: &str) {
    let up = Instant::now();
    while !client.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
        if up.elapsed() > Duration::from_secs(60) {
            fail(&format!("{base} did not start"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until kairo's job queue is empty (every recomputation the trades started is done).
async fn drain(client: &reqwest::Client, base: &str) {
    let start = Instant::now();
    loop {
        let health: Value = match client.get(format!("{base}/health")).send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        if health["jobs"]["queued"].as_u64() == Some(0) || start.elapsed() > Duration::from_secs(300) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn post_json(client: &reqwest::Client, url: String, body: &Value) -> Value {
    client
        .post(url)
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| fail(&format!("preparing: {e}")))
        .json()
        .await
        .unwrap_or(Value::Null)
}

/// Stores `trades` as `user`'s through kairo's `POST /trades/batch`.
async fn store_trades(client: &reqwest::Client, kairo: &str, user: &str, trades: &[kairo_core::Trade]) {
    let body: Vec<Value> = trades
        .iter()
        .map(|t| {
            json!({ "user_id": user, "symbol": t.symbol, "side": t.side.as_str(), "qty": t.qty.to_string(),
                "price": t.price.to_string(), "executed_at": t.executed_at.to_rfc3339() })
        })
        .collect();
    post_json(client, format!("{kairo}/trades/batch"), &Value::Array(body)).await;
}

/// One `GET /users/{id}/comparative?benchmark=SPY`; whether it answered 2xx.
async fn comparative_of(client: &reqwest::Client, base: &str, user: &str) -> bool {
    let url = format!("{base}/users/{user}/comparative?benchmark=SPY");
    client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success())
}

async fn user(client: &reqwest::Client, kairo: &str) -> String {
    let u = post_json(client, format!("{kairo}/users"), &json!({ "account_type": "margin" })).await;
    u["id"].as_str().unwrap_or_default().to_owned()
}

/// One measured test: what it did, the service, and CPU seconds used by the service and by PostgreSQL.
struct Row {
    test: String,
    service: String,
    measured: Measured,
    cpu: (f64, f64),
}

impl Row {
    /// req/s, p50, p95, p99, CPU ms per request of the service, of PostgreSQL, of both.
    fn cells(&self) -> [f64; 7] {
        let m = &self.measured;
        let n = m.latencies.len().max(1) as f64;
        let (service, pg) = (self.cpu.0 / n * 1e3, self.cpu.1 / n * 1e3);
        [m.throughput(), m.percentile(0.5), m.percentile(0.95), m.percentile(0.99), service, pg, service + pg]
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[tokio::main]
async fn main() {
    let a = args();
    let work = std::env::temp_dir().join(format!("versus-seed-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let prices = work.join("prices.csv");
    prices_csv(&prices);
    let kairo_env = |cmd: &mut Command| {
        cmd.env("DATABASE_URL", &a.database_url)
            .env("KAIRO_SERVICE_TOKEN", TOKEN)
            .env("KAIRO_JWT_SECRET", "versus-seed-jwt-secret-0123456789abcdef")
            .env("RUST_LOG", "error");
    };
    let mut migrate = Command::new(&a.kairo);
    kairo_env(migrate.arg("migrate"));
    run(&mut migrate, "kairo-server migrate");
    let mut import = Command::new(&a.kairo);
    kairo_env(import.arg("import-prices").arg(&prices));
    run(&mut import, "kairo-server import-prices");

    let kairo_port = free_port();
    let mut serve = Command::new(&a.kairo);
    kairo_env(serve.arg("serve").env("HOST", "127.0.0.1").env("PORT", kairo_port.to_string()));
    let kairo = Service {
        name: "kairo-server",
        base: format!("http://127.0.0.1:{kairo_port}"),
        child: serve.stdout(Stdio::null()).spawn().unwrap_or_else(|e| fail(&format!("{}: {e}", a.kairo))),
    };
    let seed_port = free_port();
    let seed = Service {
        name: if a.workers == 1 { "seed stack, 1 worker" } else { "seed stack, 2 workers" },
        base: format!("http://127.0.0.1:{seed_port}"),
        child: Command::new(&a.uvicorn)
            .args(["app:app", "--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"])
            .args(["--port", &seed_port.to_string(), "--workers", &a.workers.to_string()])
            .current_dir(&a.seed_app)
            .env("DATABASE_URL", &a.database_url)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(&format!("{}: {e}", a.uvicorn))),
    };
    let client = reqwest::Client::builder().pool_max_idle_per_host(2048).build().unwrap_or_default();
    wait_up(&client, &kairo.base).await;
    wait_up(&client, &seed.base).await;

    // Readers: 200 trades each (a day trader's ten months, one trade a day), stored through kairo.
    let mut readers = Vec::new();
    for r in 0..READERS {
        let id = user(&client, &kairo.base).await;
        store_trades(&client, &kairo.base, &id, &account_trades(TRADES_PER_READER, 1, r as u64)).await;
        readers.push(id);
    }
    let mut writers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in [&kairo, &seed] {
        for _ in 0..WRITERS {
            let id = user(&client, &kairo.base).await;
            writers.entry(s.name).or_default().push(id);
        }
    }
    drain(&client, &kairo.base).await;
    let readers = Arc::new(readers);
    let comparative = |s: &Service, series: &str| {
        let (client, base, readers) = (client.clone(), s.base.clone(), readers.clone());
        let query = if series.is_empty() { String::new() } else { format!("&series={series}") };
        move |i: usize| {
            let url = format!("{base}/users/{}/comparative?benchmark=SPY{query}", readers[i % readers.len()]);
            let client = client.clone();
            async move { client.get(url).bearer_auth(TOKEN).send().await.is_ok_and(|r| r.status().is_success()) }
        }
    };
    // Warm both caches: every reader once.
    for s in [&kairo, &seed] {
        let read = comparative(s, "");
        for i in 0..READERS {
            read(i).await;
        }
    }

    let reads = [(&kairo, "", "summary"), (&kairo, "daily", "series=daily"), (&seed, "", "")];
    let mut rows: Vec<Row> = Vec::new();
    let cpu = |s: &Service| (tree_cpu_seconds(s.child.id()), tree_cpu_seconds(a.pg_pid));
    let since = |before: (f64, f64), after: (f64, f64)| (after.0 - before.0, after.1 - before.1);
    let mut clock = Utc.with_ymd_and_hms(2025, 1, 2, 14, 30, 0).single().unwrap_or_default();
    for round in 0..a.rounds {
        let flip = round % 2 == 1;
        let mut order = reads.to_vec();
        if flip {
            order.reverse();
        }
        for (s, series, label) in order {
            let before = cpu(s);
            let measured = closed_loop(a.concurrency, a.seconds as f64, comparative(s, series)).await;
            let test = format!("GET /users/{{id}}/comparative, 200 trades, {} connections", a.concurrency);
            let service = if label.is_empty() { s.name.to_owned() } else { format!("{} ({label})", s.name) };
            rows.push(Row { test, service, cpu: since(before, cpu(s)), measured });
            eprintln!(
                "round {round}: {}",
                rows.last().map_or(String::new(), |r| format!("{} {:?}", r.service, r.cells()))
            );
        }
        for &rate in &a.rates {
            let mut services = [&kairo, &seed];
            if flip {
                services.reverse();
            }
            for s in services {
                let users = Arc::new(writers.get(s.name).cloned().unwrap_or_default());
                let (http, base, start) = (client.clone(), s.base.clone(), clock);
                let before = cpu(s);
                let measured = open_loop(rate, a.seconds, move |i| {
                    let (client, url, users) = (http.clone(), format!("{base}/trades"), users.clone());
                    async move {
                        let user = &users[i as usize % users.len()];
                        let at = start + chrono::Duration::seconds(i as i64);
                        let side = if (i as usize / users.len()).is_multiple_of(2) { "BUY" } else { "SELL" };
                        let body = json!({ "user_id": user, "symbol": "ABC", "side": side, "qty": "1",
                            "price": "100.25", "executed_at": at.to_rfc3339() });
                        let response = client.post(url).bearer_auth(TOKEN).json(&body).send().await;
                        response.is_ok_and(|r| r.status().is_success())
                    }
                })
                .await;
                if s.name == kairo.name {
                    drain(&client, &kairo.base).await;
                }
                let test = format!("POST /trades at {rate} req/s");
                rows.push(Row { test, service: s.name.to_owned(), cpu: since(before, cpu(s)), measured });
                eprintln!("round {round}: {} {rate}/s {:?}", s.name, rows.last().map(Row::cells).unwrap_or_default());
            }
            clock += chrono::Duration::seconds((rate * a.seconds) as i64 + 60);
        }
    }
    // One user with a long history: the first comparison of each service, nothing of it cached (kairo's kept
    // trackers are left as the jobs leave them), then the second.
    let big = user(&client, &kairo.base).await;
    let history = account_trades(a.big_trades, 60, 7);
    for chunk in history.chunks(10_000) {
        store_trades(&client, &kairo.base, &big, chunk).await;
    }
    drain(&client, &kairo.base).await;
    let mut long = Vec::new();
    for s in [&kairo, &seed] {
        let t0 = Instant::now();
        let first = comparative_of(&client, &s.base, &big).await;
        let cold = t0.elapsed().as_secs_f64() * 1e3;
        let t0 = Instant::now();
        let second = comparative_of(&client, &s.base, &big).await;
        let warm = t0.elapsed().as_secs_f64() * 1e3;
        long.push(format!(
            "| {} | {} | {cold:.1} | {warm:.1} |",
            s.name,
            if first && second { "200" } else { "error" }
        ));
    }
    let _ = std::fs::remove_dir_all(&work);

    println!(
        "| test | service | req/s | p50 ms | p95 ms | p99 ms | CPU ms / request (service + PostgreSQL) | errors | rounds |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut groups: Vec<(String, String)> = Vec::new();
    for r in &rows {
        let key = (r.test.clone(), r.service.clone());
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    for (test, service) in &groups {
        let of: Vec<&Row> = rows.iter().filter(|r| &r.test == test && &r.service == service).collect();
        let col = |k: usize| median(of.iter().map(|r| r.cells()[k]).collect());
        let errors: usize = of.iter().map(|r| r.measured.errors).sum();
        println!(
            "| {test} | {service} | {:.0} | {:.2} | {:.2} | {:.2} | {:.3} ({:.3} + {:.3}) | {errors} | {} |",
            col(0),
            col(1),
            col(2),
            col(3),
            col(6),
            col(4),
            col(5),
            of.len()
        );
    }
    println!();
    println!(
        "A user with {} trades (60 a day, {} days), `GET /users/{{id}}/comparative?benchmark=SPY` one request at a \
         time:",
        a.big_trades,
        a.big_trades.div_ceil(60)
    );
    println!();
    println!("| service | status | first read ms (nothing cached) | second read ms |");
    println!("|---|---|---:|---:|");
    for l in &long {
        println!("{l}");
    }
    println!();
    println!("Every round:");
    println!();
    println!("| test | service | req/s | p50 ms | p95 ms | p99 ms | CPU ms / request (service + PostgreSQL) |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (test, service) in &groups {
        for r in rows.iter().filter(|r| &r.test == test && &r.service == service) {
            let c = r.cells();
            println!(
                "| {test} | {service} | {:.0} | {:.2} | {:.2} | {:.2} | {:.3} ({:.3} + {:.3}) |",
                c[0], c[1], c[2], c[3], c[6], c[4], c[5]
            );
        }
    }
}
