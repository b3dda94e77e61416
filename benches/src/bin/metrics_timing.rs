//! Times kairo's metrics on the exact arrays that `benches/peer_comparison.py` times numpy and empyrical on.
//!
//! Usage: `metrics_timing RETURNS.f64 FACTOR.f64 [REPEATS]`, where the files hold little-endian `f64` values.
//! Prints one JSON object: the median wall time in seconds of each measurement over REPEATS runs (default 7).

use std::time::Instant;

use kairo_core::metrics::{self, Metrics, MetricsOptions};

fn read_f64s(path: &str) -> Result<Vec<f64>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    if bytes.len() % 8 != 0 {
        return Err(format!("{path}: length {} is not a multiple of 8", bytes.len()));
    }
    Ok(bytes.chunks_exact(8).map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect())
}

fn median_seconds<T>(repeats: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: metrics_timing RETURNS.f64 FACTOR.f64 [REPEATS]");
        std::process::exit(2);
    }
    let (r, f) = match (read_f64s(&args[1]), read_f64s(&args[2])) {
        (Ok(r), Ok(f)) => (r, f),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(7);
    let o = MetricsOptions::default();
    let rows = [
        ("sharpe_ratio", median_seconds(repeats, || metrics::sharpe_ratio(&r, 0.0, 252.0))),
        ("sortino_ratio", median_seconds(repeats, || metrics::sortino_ratio(&r, 0.0, 252.0))),
        ("max_drawdown", median_seconds(repeats, || metrics::max_drawdown(&r))),
        ("annual_volatility", median_seconds(repeats, || metrics::annual_volatility(&r, 252.0))),
        ("alpha_beta", median_seconds(repeats, || metrics::alpha_beta(&r, &f, 0.0, 252.0))),
        ("value_at_risk", median_seconds(repeats, || metrics::value_at_risk(&r, 0.05))),
        ("conditional_value_at_risk", median_seconds(repeats, || metrics::conditional_value_at_risk(&r, 0.05))),
        ("tail_ratio", median_seconds(repeats, || metrics::tail_ratio(&r))),
        ("stability_of_timeseries", median_seconds(repeats, || metrics::stability_of_timeseries(&r))),
        ("omega_ratio", median_seconds(repeats, || metrics::omega_ratio(&r, 0.0, 0.0, 252.0))),
        ("annual_return", median_seconds(repeats, || metrics::annual_return(&r, 252.0))),
        ("metrics_compute_all", median_seconds(repeats, || Metrics::compute(&r, None, &o))),
        ("metrics_compute_all_with_benchmark", median_seconds(repeats, || Metrics::compute(&r, Some(&f), &o))),
    ];
    let json: serde_json::Map<String, serde_json::Value> =
        rows.iter().map(|(k, v)| ((*k).to_owned(), serde_json::json!(v))).collect();
    println!("{}", serde_json::Value::Object(json));
}
