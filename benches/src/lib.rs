//! Deterministic inputs for kairo's benchmarks, shared by the criterion benches and the timing binaries.

use chrono::{DateTime, Duration, Utc};
use kairo_core::{Side, Trade};
use rust_decimal::Decimal;

pub mod load;

/// A small, fast, deterministic generator (SplitMix64), so that every run measures the same data.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn next_normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// `n` daily returns, normal with mean 0.0004 and standard deviation 0.01.
pub fn daily_returns(n: usize, seed: u64) -> Vec<f64> {
    let mut g = SplitMix64::new(seed);
    (0..n).map(|_| 0.0004 + 0.01 * g.next_normal()).collect()
}

/// `n` trades of one user over 20 symbols, about one minute apart, buys and sells mixed (shorts included).
pub fn trades(n: usize, users: usize, seed: u64) -> Vec<Trade> {
    let mut g = SplitMix64::new(seed);
    let start: DateTime<Utc> = DateTime::from_timestamp(1_704_204_000, 0).unwrap_or_default();
    const SYMBOLS: [&str; 20] = [
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "TSLA", "JPM", "V", "UNH", "XOM", "JNJ", "PG", "MA",
        "HD", "AVGO", "CVX", "LLY", "SPY",
    ];
    (0..n)
        .map(|i| {
            let side = if g.next_f64() < 0.55 { Side::Buy } else { Side::Sell };
            let symbol = SYMBOLS[(g.next_u64() % 20) as usize];
            let qty = Decimal::from(1 + g.next_u64() % 200);
            let price = Decimal::new(5_000 + (g.next_u64() % 50_000) as i64, 2);
            Trade {
                id: format!("t{i:08}"),
                user_id: format!("user{:04}", i % users.max(1)),
                symbol: symbol.to_owned(),
                side,
                qty,
                price,
                executed_at: start + Duration::seconds(60 * (i / users.max(1)) as i64),
                external_id: None,
                fees: Decimal::ZERO,
            }
        })
        .collect()
}

/// One account's history of `n` trades: `per_day` a day on consecutive weekdays from Monday 8 January 2024 (exchange
/// holidays included, which the market-hours check flags), in 20 symbols whose prices wander ±2% a trade around
/// their own level. The account trades like an active retail investor: it buys a symbol it does not hold, and sells
/// part or all of what it holds about as often as it buys more, so positions stay bounded and it never sells short.
/// Day trades, wash sales and settlement violations occur at the rates such an account produces.
pub fn account_trades(n: usize, per_day: usize, account: u64) -> Vec<Trade> {
    let per_day = per_day.clamp(1, 60);
    const SYMBOLS: [&str; 20] = [
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "TSLA", "JPM", "V", "UNH", "XOM", "JNJ", "PG", "MA",
        "HD", "AVGO", "CVX", "LLY", "SPY",
    ];
    let mut g = SplitMix64::new(0x5EED ^ account.wrapping_mul(0x9E37_79B9));
    let mut prices: Vec<i64> = (0..20).map(|_| 2_000 + (g.next_u64() % 40_000) as i64).collect();
    let mut held = [0u64; 20];
    let first_day: DateTime<Utc> = DateTime::from_timestamp(1_704_724_200, 0).unwrap_or_default(); // 2024-01-08 14:30 UTC
    let user = format!("user{account:04}");
    (0..n)
        .map(|i| {
            let day = (i / per_day) as i64;
            let weekday_offset = day / 5 * 7 + day % 5;
            let minute = 5 + (360 / per_day * (i % per_day)) as i64;
            let at = first_day + Duration::days(weekday_offset) + Duration::minutes(minute);
            let s = (g.next_u64() % 20) as usize;
            let step = (g.next_u64() % 5) as i64 - 2;
            prices[s] = (prices[s] + prices[s] * step / 100).max(100);
            let lots = 1 + g.next_u64() % 5;
            let (side, qty) = if held[s] == 0 || g.next_f64() < 0.5 {
                (Side::Buy, 10 * lots)
            } else {
                (Side::Sell, (10 * lots).min(held[s]))
            };
            match side {
                Side::Buy => held[s] += qty,
                Side::Sell => held[s] -= qty,
            }
            Trade {
                id: format!("{user}-{i:06}"),
                user_id: user.clone(),
                symbol: SYMBOLS[s].to_owned(),
                side,
                qty: Decimal::from(qty),
                price: Decimal::new(prices[s], 2),
                executed_at: at,
                external_id: None,
                fees: Decimal::ZERO,
            }
        })
        .collect()
}

/// The account context of the compliance benchmarks: even accounts are margin accounts, odd ones cash accounts,
/// $250,000 of equity (and settled cash), a $50,000 order limit and a 25% concentration limit (flagged).
pub fn bench_context(account: u64) -> kairo_core::compliance::AccountContext {
    let kind = if account.is_multiple_of(2) { r#""margin""# } else { r#""cash", "settled_cash": "250000""# };
    let json = format!(
        r#"{{"account_type": {kind}, "equity": "250000",
            "limits": {{"max_notional": {{"max": "50000"}}, "concentration": {{"max_percent": "25", "action": "flag"}}}}}}"#
    );
    serde_json::from_str(&json).unwrap_or_default()
}

/// Closing prices of `assets` stocks over `days` days (asset by asset), from a three-factor model with
/// idiosyncratic noise: correlated like real stocks, so the optimizers face a realistic covariance.
pub fn factor_prices(days: usize, assets: usize, seed: u64) -> Vec<f64> {
    let mut g = SplitMix64::new(seed);
    let factors: Vec<[f64; 3]> =
        (0..days).map(|_| [0.01 * g.next_normal(), 0.006 * g.next_normal(), 0.004 * g.next_normal()]).collect();
    let mut prices = Vec::with_capacity(days * assets);
    for _ in 0..assets {
        let beta = [1.0 + 0.3 * g.next_normal(), g.next_normal(), g.next_normal()];
        let drift = 0.0003 + 0.0002 * g.next_normal();
        let mut p = 100.0;
        for f in &factors {
            let r = drift + beta[0] * f[0] + beta[1] * f[1] + beta[2] * f[2] + 0.012 * g.next_normal();
            p *= 1.0 + r.max(-0.5);
            prices.push(p);
        }
    }
    prices
}
