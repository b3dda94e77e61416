//! HTTP load generation shared by the service benchmarks (`server_load`, `versus_seed`): open-loop requests at a
//! fixed rate with latency measured from each request's scheduled start (no coordinated omission), closed-loop
//! requests at a fixed concurrency, and the CPU time of process trees read from `/proc`.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one test measured: latencies in milliseconds (sorted), failures and the wall time.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Latency of every successful request, milliseconds, ascending.
    pub latencies: Vec<f64>,
    /// Requests that failed or answered with a status other than 2xx.
    pub errors: usize,
    /// Seconds from the first scheduled request to the last answer.
    pub elapsed: f64,
}

impl Measured {
    fn new(mut latencies: Vec<f64>, errors: usize, elapsed: f64) -> Measured {
        latencies.sort_by(f64::total_cmp);
        Measured { latencies, errors, elapsed }
    }

    /// Successful requests per second.
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed
    }

    /// The `p`-quantile of the latencies (nearest rank), NaN when there are none.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        self.latencies[((self.latencies.len() as f64 - 1.0) * p).round() as usize]
    }
}

/// Sends `rate × seconds` requests, request `i` at `start + i / rate`, each made by `request(i)` (which answers
/// whether it succeeded). The requests are paced by a thread of their own: the runtime's timer ticks in whole
/// milliseconds, which would send each request up to a millisecond late and count that wait as latency.
pub async fn open_loop<F, Fut>(rate: u64, seconds: u64, request: F) -> Measured
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let total = rate * seconds;
    let interval = Duration::from_nanos(1_000_000_000 / rate.max(1));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let errors = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let runtime = tokio::runtime::Handle::current();
    let request = Arc::new(request);
    let (l, e) = (latencies.clone(), errors.clone());
    let pacer = std::thread::spawn(move || {
        let mut tasks = Vec::with_capacity(total as usize);
        for i in 0..total {
            let scheduled = start + interval * i as u32;
            if let Some(wait) = scheduled.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let (request, latencies, errors) = (request.clone(), l.clone(), e.clone());
            tasks.push(runtime.spawn(async move {
                if request(i).await {
                    let ms = scheduled.elapsed().as_secs_f64() * 1000.0;
                    latencies.lock().unwrap_or_else(|p| p.into_inner()).push(ms);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        tasks
    });
    let tasks = pacer.join().unwrap_or_default();
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let latencies = std::mem::take(&mut *latencies.lock().unwrap_or_else(|p| p.into_inner()));
    Measured::new(latencies, errors.load(Ordering::Relaxed), elapsed)
}

/// `concurrency` workers send requests back to back for `seconds`; worker `w`'s `k`-th request is
/// `request(w + k × concurrency)`.
pub async fn closed_loop<F, Fut>(concurrency: usize, seconds: f64, request: F) -> Measured
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let request = Arc::new(request);
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let request = request.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0);
                let mut i = w;
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    if request(i).await {
                        latencies.push(t0.elapsed().as_secs_f64() * 1000.0);
                    } else {
                        errors += 1;
                    }
                    i += concurrency;
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for w in workers {
        if let Ok((l, e)) = w.await {
            latencies.extend(l);
            errors += e;
        }
    }
    Measured::new(latencies, errors, start.elapsed().as_secs_f64())
}

/// CPU seconds (user + system) used so far by process `root` and every process below it, including children
/// that have exited and been waited for. Linux only (`/proc`); 0 elsewhere.
pub fn tree_cpu_seconds(root: u32) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else { return 0.0 };
    // (pid, parent, own ticks, waited-for children's ticks)
    let procs: Vec<(u32, u32, u64, u64)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
            let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
            let n = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
            // after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            Some((pid, n(1) as u32, n(11) + n(12), n(13) + n(14)))
        })
        .collect();
    let mut tree = vec![root];
    let mut ticks = 0;
    let mut i = 0;
    while i < tree.len() {
        let pid = tree[i];
        for &(p, parent, own, children) in &procs {
            if p == pid {
                ticks += own + children;
            }
            if parent == pid && !tree.contains(&p) {
                tree.push(p);
            }
        }
        i += 1;
    }
    ticks as f64 / clock_ticks_per_second()
}

/// The kernel's clock ticks per second for `/proc/*/stat` times (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}

/// The service token the load tests start kairo-server with.
pub const TOKEN: &str = "load-test-token-0123456789abcdef01234";

/// kairo-server `server` serving `database_url` on 127.0.0.1:`port` with [`TOKEN`] (logs: errors only), started.
pub fn spawn_server(server: &str, database_url: &str, port: u16) -> std::process::Child {
    std::process::Command::new(server)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("KAIRO_SERVICE_TOKEN", TOKEN)
        .env("KAIRO_JWT_SECRET", "load-test-jwt-secret-0123456789abcdef")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{server}: {e}"))
}

/// Waits until `base` answers `/health` (a minute at most: then the server is killed and the process exits).
pub async fn wait_up(client: &reqwest::Client, base: &str, server: &mut std::process::Child) {
    let up = Instant::now();
    while client.get(format!("{base}/health")).send().await.is_err() {
        if up.elapsed() > Duration::from_secs(60) {
            eprintln!("the server did not start");
            let _ = server.kill();
            std::process::exit(1);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates `n` users with accounts of `account_type`; their ids.
pub async fn create_users(client: &reqwest::Client, base: &str, n: usize, account_type: &str) -> Vec<String> {
    let mut users = Vec::with_capacity(n);
    for _ in 0..n {
        let u: serde_json::Value = client
            .post(format!("{base}/users"))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({ "account_type": account_type }))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("creating a user: {e}"))
            .json()
            .await
            .unwrap_or(serde_json::Value::Null);
        users.push(u["id"].as_str().unwrap_or_default().to_owned());
    }
    users
}
