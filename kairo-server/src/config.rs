//! Configuration from the environment (and an optional TOML file named by `KAIRO_CONFIG`); the environment wins.

use serde::Deserialize;

/// The service's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://kairo.db` (default, embedded) or `postgres://...`.
    pub database_url: String,
    /// Listening port (8000, as the seed's analytics service).
    pub port: u16,
    /// Listening address.
    pub host: String,
    /// Connection pool bounds (the seed's 2–10).
    pub pool_min: u32,
    /// Connection pool upper bound.
    pub pool_max: u32,
    /// Bearer token the Node backend presents (`KAIRO_SERVICE_TOKEN`).
    pub service_token: Option<String>,
    /// Secret of the HS256 user JWTs (`KAIRO_JWT_SECRET`).
    pub jwt_secret: Option<String>,
    /// The JWT claim holding the user id (`KAIRO_JWT_USER_CLAIM`, default `sub`; `userId` for tokens made by
    /// `jwt.sign({ userId }, secret)`).
    pub jwt_user_claim: String,
    /// Alpaca market data credentials and base URL.
    pub alpaca_api_key: Option<String>,
    /// Alpaca secret.
    pub alpaca_secret_key: Option<String>,
    /// Alpaca data API base URL.
    pub alpaca_data_url: String,
    /// Alpaca data feed (`ALPACA_FEED`: `iex` works with free keys; `sip` needs a paid data plan).
    pub alpaca_feed: String,
    /// Timeout of one Alpaca request, seconds.
    pub alpaca_timeout_seconds: u64,
    /// Retries of a refresh after a 429 or 5xx (`ALPACA_RETRIES`), with exponential backoff from
    /// `alpaca_backoff_ms` (`Retry-After` wins when Alpaca sends it).
    pub alpaca_retries: u32,
    /// The first backoff, milliseconds.
    pub alpaca_backoff_ms: u64,
    /// Symbols kept fresh besides those users hold (`KAIRO_BENCHMARK_SYMBOLS=SPY,QQQ,IWM,AGG`).
    pub benchmark_symbols: Vec<String>,
    /// How long loaded closes count as fresh, seconds (`KAIRO_BENCHMARK_TTL_SECONDS`, 24 h).
    pub benchmark_ttl_seconds: u64,
    /// The first date loaded from Alpaca (`KAIRO_BENCHMARK_START`).
    pub benchmark_start: chrono::NaiveDate,
    /// Period of the background refresher, seconds (`KAIRO_BENCHMARK_REFRESH_SECONDS`, daily; 0 turns it off;
    /// it runs only with Alpaca keys).
    pub benchmark_refresh_seconds: u64,
    /// Stripe webhook signing secret.
    pub stripe_webhook_secret: Option<String>,
    /// How old a webhook signature may be, seconds (Stripe's default tolerance, 300).
    pub stripe_tolerance_seconds: i64,
    /// Stripe price id → plan name (`[stripe_price_tiers]` in the file, or
    /// `STRIPE_PRICE_TIERS=price_a=pro,price_b=premium`).
    pub stripe_price_tiers: std::collections::BTreeMap<String, String>,
    /// The plan named to end users when a feature needs a paid plan (`pro`).
    pub premium_plan: String,
    /// Requests per minute of an end user by subscription plan (`[rate_limits]`, or
    /// `KAIRO_RATE_LIMITS=free=120,pro=1200`).
    pub rate_limits: std::collections::BTreeMap<String, u32>,
    /// Requests per minute of an end user whose plan `rate_limits` does not list.
    pub rate_limit_default: u32,
    /// Requests per minute of the service token (0: no limit; `KAIRO_RATE_LIMIT_SERVICE`).
    pub rate_limit_service: u32,
    /// Dev mode: a missing service token is generated and printed instead of being a start-up error.
    pub dev: bool,
    /// Background workers claiming jobs in this process (default 1: recomputation yields the CPU to requests; run
    /// more replicas, or raise it, for more throughput).
    pub workers: usize,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
    /// Trades held in memory by the accounts' kept trackers, in all (`KAIRO_TRACKED_TRADES`, default 2,000,000): a
    /// recomputation of a tracked account costs what its new trades change.
    pub tracked_trades: usize,
    /// Closes held in memory by the market-data cache, in all (`KAIRO_PRICE_CACHE_CLOSES`, default 2,000,000).
    pub price_cache_closes: usize,
    /// Bytes of comparison bodies kept in memory (`KAIRO_COMPARISON_CACHE_BYTES`, default 64 MiB).
    pub comparison_cache_bytes: usize,
    /// Longest a request may take, seconds (`KAIRO_REQUEST_TIMEOUT_SECONDS`); then 503 `timeout`.
    pub request_timeout_seconds: u64,
    /// Most open client connections (`KAIRO_MAX_CONNECTIONS`, default 1024): past it, new connections wait in
    /// the listen backlog until one closes, so that the process never runs out of file descriptors.
    pub max_connections: usize,
    /// Longest a client may take to send a request's headers, and longest an idle keep-alive connection stays open
    /// (`KAIRO_HEADER_TIMEOUT_SECONDS`, default 10).
    pub header_timeout_seconds: u64,
    /// Requests per minute from one client address without a valid token (public endpoints, and refused
    /// requests): `KAIRO_RATE_LIMIT_ANONYMOUS`, default 600; 0: no limit.
    pub rate_limit_anonymous: u32,
    /// Origins a browser may call the API from (`KAIRO_CORS_ORIGINS=https://app.example.com,...`; `*` for any;
    /// none by default: no CORS headers).
    pub cors_origins: Vec<String>,
    /// Endpoints every event is delivered to (`KAIRO_WEBHOOK_URL=https://a/hook,https://b/hook`), each with its
    /// signing secret (`KAIRO_WEBHOOK_SECRET`, one per URL in the same order, or one for all).
    pub webhooks: Vec<Webhook>,
    /// Seconds between the heartbeats of an open event stream (`KAIRO_EVENT_HEARTBEAT_SECONDS`, default 15).
    pub event_heartbeat_seconds: u64,
    /// Accounts whose warm compliance engine is kept for the live check of posted trades
    /// (`KAIRO_LIVE_ACCOUNTS`, default 10,000; 0: events come from the recomputation only).
    pub live_accounts: usize,
    /// Daily returns a leaderboard period needs (`KAIRO_LEADERBOARD_MIN_DAYS`, default 10).
    pub leaderboard_min_days: usize,
    /// Trades an account needs to be ranked (`KAIRO_LEADERBOARD_MIN_TRADES`, default 5).
    pub leaderboard_min_trades: usize,
    /// Value of the open positions an account needs to be ranked (`KAIRO_LEADERBOARD_MIN_EQUITY`, default 0).
    pub leaderboard_min_equity: rust_decimal::Decimal,
}

/// A webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Webhook {
    /// Where events are POSTed.
    pub url: String,
    /// The key of the `Kairo-Signature` HMAC.
    pub secret: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://kairo.db".into(),
            port: 8000,
            host: "0.0.0.0".into(),
            pool_min: 2,
            pool_max: 10,
            service_token: None,
            jwt_secret: None,
            jwt_user_claim: "sub".into(),
            alpaca_api_key: None,
            alpaca_secret_key: None,
            alpaca_data_url: "https://data.alpaca.markets".into(),
            alpaca_feed: "iex".into(),
            alpaca_timeout_seconds: 10,
            alpaca_retries: 4,
            alpaca_backoff_ms: 500,
            benchmark_symbols: ["SPY", "QQQ", "IWM", "AGG"].map(String::from).to_vec(),
            benchmark_ttl_seconds: 24 * 3600,
            benchmark_start: chrono::NaiveDate::from_ymd_opt(2015, 1, 2).unwrap_or_default(),
            benchmark_refresh_seconds: 24 * 3600,
            stripe_webhook_secret: None,
            stripe_tolerance_seconds: 300,
            stripe_price_tiers: Default::default(),
            premium_plan: "pro".into(),
            rate_limits: [("free".to_owned(), 120)].into_iter().collect(),
            rate_limit_default: 1200,
            rate_limit_service: 0,
            dev: false,
            workers: 1,
            max_body_bytes: 8 * 1024 * 1024,
            tracked_trades: 2_000_000,
            price_cache_closes: 2_000_000,
            comparison_cache_bytes: 64 * 1024 * 1024,
            max_connections: 1024,
            header_timeout_seconds: 10,
            rate_limit_anonymous: 600,
            request_timeout_seconds: 30,
            cors_origins: Vec::new(),
            webhooks: Vec::new(),
            event_heartbeat_seconds: 15,
            live_accounts: 10_000,
            leaderboard_min_days: 10,
            leaderboard_min_trades: 5,
            leaderboard_min_equity: rust_decimal::Decimal::ZERO,
        }
    }
}

/// A configuration problem, reported at start-up.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A variable holds an invalid value.
    #[error("{name}: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// A secret required outside dev mode is missing.
    #[error("{0} must be set (or run with --dev, which generates a service token and prints it)")]
    Missing(&'static str),
}

/// The shortest service token and JWT secret accepted outside dev mode: 32 bytes, the size of an HS256 key
/// (RFC 7518 §3.2 asks for a key of at least the hash's size), so that neither can be guessed.
pub const MIN_SECRET_BYTES: usize = 32;

impl Config {
    /// The configuration from `KAIRO_CONFIG` (a TOML file, optional) overlaid with the environment.
    pub fn from_env(dev: bool) -> Result<Config, ConfigError> {
        Self::from_lookup(dev, |k| std::env::var(k).ok())
    }

    /// The configuration from `lookup` (the environment in production, a map in tests).
    pub fn from_lookup(dev: bool, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut c = match lookup("KAIRO_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| ConfigError::File { path: path.clone(), reason: e.to_string() })?;
                toml::from_str(&text).map_err(|e| ConfigError::File { path, reason: e.to_string() })?
            }
            None => Config::default(),
        };
        let text = |name: &str| lookup(name).filter(|v| !v.is_empty());
        if let Some(v) = text("DATABASE_URL") {
            c.database_url = v;
        }
        if let Some(v) = text("PORT") {
            c.port =
                v.parse().map_err(|_| ConfigError::Invalid { name: "PORT", reason: format!("not a port: {v:?}") })?;
        }
        if let Some(v) = text("HOST") {
            c.host = v;
        }
        for (name, slot) in [
            ("KAIRO_SERVICE_TOKEN", &mut c.service_token),
            ("KAIRO_JWT_SECRET", &mut c.jwt_secret),
            ("ALPACA_API_KEY", &mut c.alpaca_api_key),
            ("ALPACA_SECRET_KEY", &mut c.alpaca_secret_key),
            ("STRIPE_WEBHOOK_SECRET", &mut c.stripe_webhook_secret),
        ] {
            if let Some(v) = text(name) {
                *slot = Some(v);
            }
        }
        if let Some(v) = text("KAIRO_JWT_USER_CLAIM") {
            c.jwt_user_claim = v;
        }
        if let Some(v) = text("STRIPE_PRICE_TIERS") {
            c.stripe_price_tiers.extend(pairs("STRIPE_PRICE_TIERS", &v)?);
        }
        if let Some(v) = text("KAIRO_RATE_LIMITS") {
            c.rate_limits = pairs("KAIRO_RATE_LIMITS", &v)?
                .into_iter()
                .map(|(plan, n)| {
                    n.parse().map(|n| (plan, n)).map_err(|_| ConfigError::Invalid {
                        name: "KAIRO_RATE_LIMITS",
                        reason: format!("{n:?} is not a number of requests a minute"),
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = text("KAIRO_RATE_LIMIT_SERVICE") {
            c.rate_limit_service = v.parse().map_err(|_| ConfigError::Invalid {
                name: "KAIRO_RATE_LIMIT_SERVICE",
                reason: format!("not a number of requests a minute: {v:?}"),
            })?;
        }
        if let Some(v) = text("KAIRO_REQUEST_TIMEOUT_SECONDS") {
            c.request_timeout_seconds = number("KAIRO_REQUEST_TIMEOUT_SECONDS", &v)?;
        }
        if let Some(v) = text("KAIRO_MAX_CONNECTIONS") {
            c.max_connections = number("KAIRO_MAX_CONNECTIONS", &v)?;
        }
        if let Some(v) = text("KAIRO_HEADER_TIMEOUT_SECONDS") {
            c.header_timeout_seconds = number("KAIRO_HEADER_TIMEOUT_SECONDS", &v)?;
        }
        if let Some(v) = text("KAIRO_RATE_LIMIT_ANONYMOUS") {
            c.rate_limit_anonymous = number("KAIRO_RATE_LIMIT_ANONYMOUS", &v)?;
        }
        if let Some(v) = text("KAIRO_MAX_BODY_BYTES") {
            c.max_body_bytes = number("KAIRO_MAX_BODY_BYTES", &v)?;
        }
        if let Some(v) = text("KAIRO_COMPARISON_CACHE_BYTES") {
            c.comparison_cache_bytes = number("KAIRO_COMPARISON_CACHE_BYTES", &v)?;
        }
        if let Some(v) = text("KAIRO_PRICE_CACHE_CLOSES") {
            c.price_cache_closes = number("KAIRO_PRICE_CACHE_CLOSES", &v)?;
        }
        if let Some(v) = text("KAIRO_TRACKED_TRADES") {
            c.tracked_trades = number("KAIRO_TRACKED_TRADES", &v)?;
        }
        if let Some(v) = text("KAIRO_CORS_ORIGINS") {
            c.cors_origins = v.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = text("KAIRO_WEBHOOK_URL") {
            c.webhooks = webhooks(&v, text("KAIRO_WEBHOOK_SECRET").as_deref())?;
        }
        if let Some(v) = text("KAIRO_EVENT_HEARTBEAT_SECONDS") {
            c.event_heartbeat_seconds = number("KAIRO_EVENT_HEARTBEAT_SECONDS", &v)?;
        }
        if let Some(v) = text("KAIRO_LEADERBOARD_MIN_DAYS") {
            c.leaderboard_min_days = number("KAIRO_LEADERBOARD_MIN_DAYS", &v)?;
        }
        if let Some(v) = text("KAIRO_LEADERBOARD_MIN_TRADES") {
            c.leaderboard_min_trades = number("KAIRO_LEADERBOARD_MIN_TRADES", &v)?;
        }
        if let Some(v) = text("KAIRO_LEADERBOARD_MIN_EQUITY") {
            c.leaderboard_min_equity = v.parse().map_err(|_| ConfigError::Invalid {
                name: "KAIRO_LEADERBOARD_MIN_EQUITY",
                reason: format!("not a decimal amount: {v:?}"),
            })?;
        }
        if let Some(v) = text("KAIRO_LIVE_ACCOUNTS") {
            c.live_accounts = number("KAIRO_LIVE_ACCOUNTS", &v)?;
        }
        if let Some(v) = text("ALPACA_DATA_URL") {
            c.alpaca_data_url = v;
        }
        // Closes are always raw, with the splits and dividends read beside them; an adjusted setting from an
        // earlier configuration is refused rather than ignored.
        if let Some(v) = text("ALPACA_ADJUSTMENT").filter(|v| v != "raw") {
            return Err(ConfigError::Invalid {
                name: "ALPACA_ADJUSTMENT",
                reason: format!(
                    "kairo stores raw closes with the splits and dividends of each symbol (so fills at the prices \
                     of their day are valued right); remove the setting or set it to raw, got {v:?}"
                ),
            });
        }
        if let Some(v) = text("ALPACA_FEED") {
            c.alpaca_feed = v;
        }
        if let Some(v) = text("ALPACA_RETRIES") {
            c.alpaca_retries = number("ALPACA_RETRIES", &v)?;
        }
        if let Some(v) = text("ALPACA_BACKOFF_MS") {
            c.alpaca_backoff_ms = number("ALPACA_BACKOFF_MS", &v)?;
        }
        if let Some(v) = text("KAIRO_BENCHMARK_SYMBOLS") {
            c.benchmark_symbols = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = text("KAIRO_BENCHMARK_TTL_SECONDS") {
            c.benchmark_ttl_seconds = number("KAIRO_BENCHMARK_TTL_SECONDS", &v)?;
        }
        if let Some(v) = text("KAIRO_BENCHMARK_REFRESH_SECONDS") {
            c.benchmark_refresh_seconds = number("KAIRO_BENCHMARK_REFRESH_SECONDS", &v)?;
        }
        if let Some(v) = text("KAIRO_BENCHMARK_START") {
            c.benchmark_start = v.parse().map_err(|_| ConfigError::Invalid {
                name: "KAIRO_BENCHMARK_START",
                reason: format!("not a date YYYY-MM-DD: {v:?}"),
            })?;
        }
        if c.alpaca_timeout_seconds == 0 {
            return Err(ConfigError::Invalid { name: "alpaca_timeout_seconds", reason: "must be at least 1".into() });
        }
        if let Some(bad) = c.benchmark_symbols.iter().find(|s| kairo_core::trade::validate_symbol(s).is_err()) {
            return Err(ConfigError::Invalid { name: "benchmark_symbols", reason: format!("not a symbol: {bad:?}") });
        }
        c.dev = c.dev || dev;
        if c.max_connections == 0 {
            return Err(ConfigError::Invalid { name: "max_connections", reason: "must be at least 1".into() });
        }
        if c.header_timeout_seconds == 0 {
            return Err(ConfigError::Invalid { name: "header_timeout_seconds", reason: "must be at least 1".into() });
        }
        if c.request_timeout_seconds == 0 {
            return Err(ConfigError::Invalid { name: "request_timeout_seconds", reason: "must be at least 1".into() });
        }
        if c.pool_min > c.pool_max || c.pool_max == 0 {
            return Err(ConfigError::Invalid {
                name: "pool_max",
                reason: format!("pool bounds {}..={} are empty", c.pool_min, c.pool_max),
            });
        }
        if !c.dev {
            for (name, v) in [("KAIRO_SERVICE_TOKEN", &c.service_token), ("KAIRO_JWT_SECRET", &c.jwt_secret)] {
                match v {
                    None => return Err(ConfigError::Missing(name)),
                    Some(v) if v.len() < MIN_SECRET_BYTES => {
                        return Err(ConfigError::Invalid {
                            name,
                            reason: format!(
                                "must be at least {MIN_SECRET_BYTES} bytes (got {}); e.g. openssl rand -hex 32",
                                v.len()
                            ),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(c)
    }
}

/// The endpoints of `KAIRO_WEBHOOK_URL` (comma-separated http(s) URLs) with their secrets from
/// `KAIRO_WEBHOOK_SECRET` (one per URL in the same order, or one for all).
fn webhooks(urls: &str, secrets: Option<&str>) -> Result<Vec<Webhook>, ConfigError> {
    let urls: Vec<&str> = urls.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
    let secrets: Vec<&str> = secrets.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let invalid = |reason: String| ConfigError::Invalid { name: "KAIRO_WEBHOOK_URL", reason };
    if let Some(bad) = urls.iter().find(|u| !(u.starts_with("http://") || u.starts_with("https://"))) {
        return Err(invalid(format!("{bad:?} is not an http(s) URL")));
    }
    if secrets.is_empty() {
        return Err(ConfigError::Missing("KAIRO_WEBHOOK_SECRET"));
    }
    if secrets.len() != 1 && secrets.len() != urls.len() {
        return Err(invalid(format!(
            "{} URLs and {} secrets in KAIRO_WEBHOOK_SECRET: give one secret per URL, in order, or one for all",
            urls.len(),
            secrets.len()
        )));
    }
    Ok(urls
        .iter()
        .enumerate()
        .map(|(i, url)| Webhook { url: (*url).to_owned(), secret: secrets[i.min(secrets.len() - 1)].to_owned() })
        .collect())
}

/// `a=b,c=d` as pairs; `name` is the variable, for the error.
fn pairs(name: &'static str, v: &str) -> Result<Vec<(String, String)>, ConfigError> {
    v.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| ConfigError::Invalid { name, reason: format!("{pair:?} is not key=value") })
        })
        .collect()
}

/// A whole number from variable `name`.
fn number<T: std::str::FromStr>(name: &'static str, v: &str) -> Result<T, ConfigError> {
    v.parse().map_err(|_| ConfigError::Invalid { name, reason: format!("not a whole number: {v:?}") })
}
