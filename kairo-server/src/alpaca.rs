//! A small typed client of Alpaca's Market Data API: daily bars of US stocks
//! (`GET /v2/stocks/bars?symbols=..&timeframe=1Day&adjustment=..&feed=..&limit=10000`, paged by
//! `next_page_token`) and their corporate actions (`GET /v1/corporate-actions?symbols=..&types=forward_split,
//! reverse_split,cash_dividend,name_change`, paged the same way), authenticated by the `APCA-API-KEY-ID` /
//! `APCA-API-SECRET-KEY` headers.
//!
//! Rate limiting (429) and server errors (5xx) are retried with exponential backoff, honouring `Retry-After` (or
//! Alpaca's `X-RateLimit-Reset`, a Unix time) up to the policy's longest wait; 4xx answers such as 401 (bad keys)
//! and 422 (bad parameter) fail at once with Alpaca's `{ "code", "message" }` body in the error. Closes arrive as
//! JSON numbers and are read as the shortest decimal that round-trips (what Alpaca printed), never kept as `f64`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::America::New_York;
use rust_decimal::Decimal;
use serde::Deserialize;

/// Why a request for bars failed.
#[derive(Debug, thiserror::Error)]
pub enum AlpacaError {
    /// Alpaca refused the request (4xx other than 429): bad keys (401/403), a bad parameter (422), ...
    #[error("Alpaca answered {status}: {message} (code {code})")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// Alpaca's error code (0 when the body had none).
        code: i64,
        /// Alpaca's message, or the body.
        message: String,
    },
    /// Alpaca stayed unavailable (429 or 5xx) through every retry.
    #[error("Alpaca unavailable after {attempts} attempt(s): last answer {status}")]
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last status.
        status: u16,
    },
    /// No answer (connection refused, timeout, TLS).
    #[error("Alpaca unreachable: {0}")]
    Transport(String),
    /// An answer that is not the documented shape.
    #[error("unexpected answer from Alpaca: {0}")]
    Format(String),
}

impl AlpacaError {
    /// Whether a later attempt may succeed (outage or rate limit, not a refusal).
    pub fn is_transient(&self) -> bool {
        !matches!(self, AlpacaError::Rejected { .. } | AlpacaError::Format(_))
    }
}

/// How failed requests are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff; doubled on each retry.
    pub base: Duration,
    /// The longest single wait (a `Retry-After` beyond it is cut to it).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { retries: 4, base: Duration::from_millis(500), max_wait: Duration::from_secs(30) }
    }
}

/// Settings of the client.
#[derive(Debug, Clone)]
pub struct AlpacaConfig {
    /// `https://data.alpaca.markets` (a fake's address in tests).
    pub base_url: String,
    /// `APCA-API-KEY-ID`.
    pub key_id: String,
    /// `APCA-API-SECRET-KEY`.
    pub secret_key: String,
    /// `raw`, `split`, `dividend` or `all` (total return: split and dividend adjusted).
    pub adjustment: String,
    /// `iex` (free plans) or `sip`.
    pub feed: String,
    /// Timeout of one HTTP request.
    pub timeout: Duration,
}

/// One daily bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// The trading day (New York date of the bar's start).
    pub date: NaiveDate,
    /// The close, adjusted as configured.
    pub close: Decimal,
    /// The open, adjusted as configured (when Alpaca sends it).
    pub open: Option<Decimal>,
    /// The high.
    pub high: Option<Decimal>,
    /// The low.
    pub low: Option<Decimal>,
    /// The volume (shares; adjusted for splits with `split` or `all` adjustment).
    pub volume: Option<Decimal>,
}

#[derive(Deserialize)]
struct BarsPage {
    #[serde(default)]
    bars: Option<BTreeMap<String, Vec<Bar>>>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct Bar {
    t: DateTime<Utc>,
    c: serde_json::Number,
    #[serde(default)]
    o: Option<serde_json::Number>,
    #[serde(default)]
    h: Option<serde_json::Number>,
    #[serde(default)]
    l: Option<serde_json::Number>,
    #[serde(default)]
    v: Option<serde_json::Number>,
}

/// A number of a bar as the decimal it prints as (`472.65` stays `472.65`); `None` for one that does not read.
fn decimal(n: &Option<serde_json::Number>) -> Option<Decimal> {
    n.as_ref().and_then(|n| n.to_string().parse().ok())
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: i64,
    message: String,
}

/// A corporate action of a symbol, as kairo keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorporateAction {
    /// A forward or reverse split: `ratio` = `new_rate / old_rate` new shares per old share from `ex_date`.
    Split {
        /// The symbol.
        symbol: String,
        /// The first session the shares trade split.
        ex_date: NaiveDate,
        /// New shares per old share (10 for a 10-for-1, 0.1 for a 1-for-10).
        ratio: Decimal,
    },
    /// A cash dividend of `per_share` with ex-date `ex_date`.
    CashDividend {
        /// The symbol.
        symbol: String,
        /// The ex-date.
        ex_date: NaiveDate,
        /// Cash per share.
        per_share: Decimal,
    },
    /// The symbol became `new_symbol` on `date` (Alpaca's `process_date`).
    NameChange {
        /// The old symbol.
        symbol: String,
        /// The date of the change.
        date: NaiveDate,
        /// The new symbol.
        new_symbol: String,
    },
}

impl CorporateAction {
    /// The symbol the action is of (the old one of a name change).
    pub fn symbol(&self) -> &str {
        match self {
            CorporateAction::Split { symbol, .. }
            | CorporateAction::CashDividend { symbol, .. }
            | CorporateAction::NameChange { symbol, .. } => symbol,
        }
    }
}

#[derive(Deserialize)]
struct ActionsPage {
    #[serde(default)]
    corporate_actions: Actions,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Deserialize, Default)]
struct Actions {
    #[serde(default)]
    forward_splits: Vec<SplitRow>,
    #[serde(default)]
    reverse_splits: Vec<SplitRow>,
    #[serde(default)]
    cash_dividends: Vec<DividendRow>,
    #[serde(default)]
    name_changes: Vec<NameChangeRow>,
}

#[derive(Deserialize)]
struct SplitRow {
    symbol: String,
    new_rate: serde_json::Number,
    old_rate: serde_json::Number,
    ex_date: NaiveDate,
}

#[derive(Deserialize)]
struct DividendRow {
    symbol: String,
    rate: serde_json::Number,
    ex_date: NaiveDate,
}

#[derive(Deserialize)]
struct NameChangeRow {
    old_symbol: String,
    new_symbol: String,
    process_date: NaiveDate,
}

impl Actions {
    /// The page's actions, each checked (rates that are positive decimals).
    fn into_actions(self, out: &mut Vec<CorporateAction>) -> Result<(), AlpacaError> {
        let number = |what: &str, symbol: &str, n: &serde_json::Number| -> Result<Decimal, AlpacaError> {
            n.to_string()
                .parse::<Decimal>()
                .ok()
                .filter(|d| *d > Decimal::ZERO)
                .ok_or_else(|| AlpacaError::Format(format!("{symbol} {what} {n} is not a positive decimal")))
        };
        for row in self.forward_splits.into_iter().chain(self.reverse_splits) {
            let new = number("new_rate", &row.symbol, &row.new_rate)?;
            let old = number("old_rate", &row.symbol, &row.old_rate)?;
            let ratio =
                new.checked_div(old).ok_or_else(|| AlpacaError::Format(format!("{} split ratio", row.symbol)))?;
            out.push(CorporateAction::Split { symbol: row.symbol, ex_date: row.ex_date, ratio });
        }
        for row in self.cash_dividends {
            let per_share = number("rate", &row.symbol, &row.rate)?;
            out.push(CorporateAction::CashDividend { symbol: row.symbol, ex_date: row.ex_date, per_share });
        }
        for row in self.name_changes {
            out.push(CorporateAction::NameChange {
                symbol: row.old_symbol,
                date: row.process_date,
                new_symbol: row.new_symbol,
            });
        }
        Ok(())
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct Alpaca {
    http: reqwest::Client,
    config: AlpacaConfig,
}

impl Alpaca {
    /// A client (rustls, the configured timeout).
    pub fn new(config: AlpacaConfig) -> Result<Alpaca, AlpacaError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("kairo-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AlpacaError::Transport(e.to_string()))?;
        Ok(Alpaca { http, config })
    }

    /// Daily closes of `symbols` from `start` to `end` (inclusive dates), every page, by symbol; a symbol Alpaca
    /// has no bars for is absent.
    pub async fn daily_closes(
        &self,
        symbols: &[String],
        start: NaiveDate,
        end: Option<NaiveDate>,
        retry: RetryPolicy,
    ) -> Result<BTreeMap<String, Vec<Close>>, AlpacaError> {
        let mut out: BTreeMap<String, Vec<Close>> = BTreeMap::new();
        if symbols.is_empty() {
            return Ok(out);
        }
        let url = format!("{}/v2/stocks/bars", self.config.base_url.trim_end_matches('/'));
        let joined = symbols.join(",");
        let start = start.to_string();
        let end = end.map(|d| d.to_string());
        let mut token: Option<String> = None;
        loop {
            let mut query: Vec<(&str, &str)> = vec![
                ("symbols", &joined),
                ("timeframe", "1Day"),
                ("start", &start),
                ("adjustment", &self.config.adjustment),
                ("feed", &self.config.feed),
                ("limit", "10000"),
                ("sort", "asc"),
            ];
            if let Some(e) = &end {
                query.push(("end", e));
            }
            if let Some(t) = &token {
                query.push(("page_token", t));
            }
            let page: BarsPage = self.get(&url, &query, retry).await?;
            for (symbol, bars) in page.bars.unwrap_or_default() {
                let closes = out.entry(symbol.clone()).or_default();
                for b in bars {
                    let close: Decimal = b.c.to_string().parse().map_err(|_| {
                        AlpacaError::Format(format!("{symbol} close {} at {} is not a decimal", b.c, b.t))
                    })?;
                    closes.push(Close {
                        date: b.t.with_timezone(&New_York).date_naive(),
                        close,
                        open: decimal(&b.o),
                        high: decimal(&b.h),
                        low: decimal(&b.l),
                        volume: decimal(&b.v),
                    });
                }
            }
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// The splits, cash dividends and name changes of `symbols` processed from `start` to `end` (inclusive), every
    /// page. Alpaca dates these by `process_date`; kairo keeps a split's and a dividend's `ex_date`.
    pub async fn corporate_actions(
        &self,
        symbols: &[String],
        start: NaiveDate,
        end: NaiveDate,
        retry: RetryPolicy,
    ) -> Result<Vec<CorporateAction>, AlpacaError> {
        let mut out = Vec::new();
        if symbols.is_empty() {
            return Ok(out);
        }
        let url = format!("{}/v1/corporate-actions", self.config.base_url.trim_end_matches('/'));
        let joined = symbols.join(",");
        let (start, end) = (start.to_string(), end.to_string());
        let mut token: Option<String> = None;
        loop {
            let mut query: Vec<(&str, &str)> = vec![
                ("symbols", &joined),
                ("types", "forward_split,reverse_split,cash_dividend,name_change"),
                ("start", &start),
                ("end", &end),
                ("limit", "1000"),
                ("sort", "asc"),
            ];
            if let Some(t) = &token {
                query.push(("page_token", t));
            }
            let page: ActionsPage = self.get(&url, &query, retry).await?;
            page.corporate_actions.into_actions(&mut out)?;
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        query: &[(&str, &str)],
        retry: RetryPolicy,
    ) -> Result<T, AlpacaError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .http
                .get(url)
                .query(query)
                .header("APCA-API-KEY-ID", &self.config.key_id)
                .header("APCA-API-SECRET-KEY", &self.config.secret_key)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) if attempt <= retry.retries => {
                    tracing::warn!(error = %e, attempt, "Alpaca unreachable; retrying");
                    tokio::time::sleep(backoff(retry, attempt)).await;
                    continue;
                }
                Err(e) => return Err(AlpacaError::Transport(chain(&e))),
            };
            let status = response.status();
            metrics::counter!("kairo_alpaca_requests_total", "status" => status.as_u16().to_string()).increment(1);
            if status.is_success() {
                let body = response.bytes().await.map_err(|e| AlpacaError::Transport(chain(&e)))?;
                return serde_json::from_slice(&body).map_err(|e| AlpacaError::Format(e.to_string()));
            }
            if status.as_u16() == 429 || status.is_server_error() {
                if attempt > retry.retries {
                    return Err(AlpacaError::Unavailable { attempts: attempt, status: status.as_u16() });
                }
                let wait = retry_after(response.headers()).unwrap_or_else(|| backoff(retry, attempt));
                tracing::warn!(
                    status = status.as_u16(),
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "Alpaca busy; retrying"
                );
                tokio::time::sleep(wait.min(retry.max_wait)).await;
                continue;
            }
            let body = response.text().await.unwrap_or_default();
            let (code, message) = match serde_json::from_str::<ErrorBody>(&body) {
                Ok(e) => (e.code, e.message),
                Err(_) => (0, body.chars().take(200).collect()),
            };
            return Err(AlpacaError::Rejected { status: status.as_u16(), code, message });
        }
    }
}

/// An error and its causes ("error sending request: connection refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// `base × 2^(attempt−1)`, capped by the policy.
fn backoff(retry: RetryPolicy, attempt: u32) -> Duration {
    retry.base.saturating_mul(1u32 << (attempt - 1).min(16)).min(retry.max_wait)
}

/// The wait a 429/503 asks for: `Retry-After` seconds, else Alpaca's `X-RateLimit-Reset` (Unix seconds).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<i64>().ok();
    if let Some(s) = number("retry-after") {
        return Some(Duration::from_secs(s.max(0) as u64));
    }
    let reset = number("x-ratelimit-reset")?;
    let wait = reset - Utc::now().timestamp();
    Some(Duration::from_secs(wait.clamp(0, 3600) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy { retries: 10, base: Duration::from_millis(100), max_wait: Duration::from_secs(1) };
        assert_eq!(backoff(p, 1), Duration::from_millis(100));
        assert_eq!(backoff(p, 2), Duration::from_millis(200));
        assert_eq!(backoff(p, 4), Duration::from_millis(800));
        assert_eq!(backoff(p, 5), Duration::from_secs(1));
        assert_eq!(backoff(p, 40), Duration::from_secs(1));
    }

    #[test]
    fn a_daily_bar_is_dated_in_new_york() {
        // Alpaca stamps daily bars at midnight New York time: 05:00Z in winter, 04:00Z in summer.
        let winter: DateTime<Utc> = "2024-01-02T05:00:00Z".parse().unwrap();
        let summer: DateTime<Utc> = "2024-07-01T04:00:00Z".parse().unwrap();
        assert_eq!(winter.with_timezone(&New_York).date_naive(), NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!(summer.with_timezone(&New_York).date_naive(), NaiveDate::from_ymd_opt(2024, 7, 1).unwrap());
    }

    #[test]
    fn corporate_actions_read_alpacas_shapes() {
        // As Alpaca answers: a forward split (without `payable_date`), a reverse split, a dividend, a name change.
        let body = r#"{"corporate_actions": {
            "forward_splits": [{"ex_date": "2024-06-10", "new_rate": 10, "old_rate": 1, "process_date": "2024-06-10",
                                "record_date": "2024-06-06", "symbol": "NVDA", "cusip": "67066G104"}],
            "reverse_splits": [{"ex_date": "2024-10-04", "new_rate": 1, "old_rate": 10, "payable_date": "2024-10-04",
                                "process_date": "2024-10-04", "record_date": "2024-10-04", "symbol": "LSB"}],
            "cash_dividends": [{"symbol": "AAPL", "rate": 0.25, "special": false, "foreign": false,
                                "process_date": "2024-08-15", "ex_date": "2024-08-12", "record_date": "2024-08-12",
                                "payable_date": "2024-08-15", "cusip": "037833100"}],
            "name_changes": [{"old_symbol": "FB", "new_symbol": "META", "process_date": "2022-06-09",
                              "old_cusip": "30303M102", "new_cusip": "30303M102"}]},
            "next_page_token": null}"#;
        let page: ActionsPage = serde_json::from_str(body).unwrap();
        let mut out = Vec::new();
        page.corporate_actions.into_actions(&mut out).unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            out,
            [
                CorporateAction::Split { symbol: "NVDA".into(), ex_date: d("2024-06-10"), ratio: Decimal::TEN },
                CorporateAction::Split {
                    symbol: "LSB".into(),
                    ex_date: d("2024-10-04"),
                    ratio: "0.1".parse().unwrap()
                },
                CorporateAction::CashDividend {
                    symbol: "AAPL".into(),
                    ex_date: d("2024-08-12"),
                    per_share: "0.25".parse().unwrap()
                },
                CorporateAction::NameChange { symbol: "FB".into(), date: d("2022-06-09"), new_symbol: "META".into() },
            ]
        );
        // a rate of zero is refused, naming it
        let bad = r#"{"corporate_actions": {"forward_splits": [{"ex_date": "2024-06-10", "new_rate": 0,
                       "old_rate": 1, "symbol": "X"}]}}"#;
        let page: ActionsPage = serde_json::from_str(bad).unwrap();
        let e = page.corporate_actions.into_actions(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("X new_rate 0"), "{e}");
    }

    #[test]
    fn closes_keep_the_printed_decimal() {
        let bar: Bar =
            serde_json::from_str(r#"{"t":"2024-01-02T05:00:00Z","c":472.65,"o":1,"h":1,"l":1,"v":9}"#).unwrap();
        assert_eq!(bar.c.to_string().parse::<Decimal>().unwrap(), "472.65".parse::<Decimal>().unwrap());
    }
}
