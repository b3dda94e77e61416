//! A local fake of Alpaca's Market Data API: historical daily bars (`GET /v2/stocks/bars`) and corporate actions
//! (`GET /v1/corporate-actions`), on 127.0.0.1, speaking their wire format: key headers (401
//! `{"code":40110000,...}` when wrong), parameter checks (422 `{"code":42210000,...}`), bars sorted by symbol then
//! time and paged by `next_page_token`, closes adjusted as `adjustment` asks (`raw`, `split`, `dividend`, `all`, from
//! the corporate actions given to the fake, rounded to 4 places as Alpaca's adjusted closes are), and on demand
//! rate limiting (429 with `Retry-After`) or an outage (503).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, TimeZone, Weekday};
use serde_json::{json, Value};

pub const KEY: &str = "PKTEST1234567890";
pub const SECRET: &str = "fake-secret-key";

pub struct Fake {
    /// Bars per page (Alpaca's `limit`, but smaller, so that tests page).
    pub page_size: usize,
    /// 429 answers still to give before serving again.
    pub rate_limited: AtomicU32,
    /// Answer 503 to everything.
    pub down: AtomicBool,
    /// Bars requests received.
    pub requests: AtomicU32,
    /// Corporate-actions requests received.
    pub action_requests: AtomicU32,
    /// Extra latency of each answer, milliseconds.
    pub delay_ms: AtomicU64,
    /// Closes by symbol: (New York date, close as Alpaca prints it).
    pub closes: BTreeMap<String, Vec<(NaiveDate, String)>>,
    /// The `end` parameter of the last request (None: the request had none).
    pub last_end: std::sync::Mutex<Option<String>>,
    /// The `adjustment` parameter of the last bars request.
    pub last_adjustment: std::sync::Mutex<Option<String>>,
    /// Corporate actions as Alpaca lists them: (list name such as `forward_splits`, the action's object).
    pub actions: std::sync::Mutex<Vec<(String, Value)>>,
}

pub struct FakeAlpaca {
    pub url: String,
    pub state: Arc<Fake>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeAlpaca {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Weekday closes of `symbols` from 2024-01-02 to 2024-03-28: symbol k starts at 100 + 10k and rises 0.25 a day
/// (exact cents, so a test can check the stored decimals).
pub fn closes(symbols: &[&str]) -> BTreeMap<String, Vec<(NaiveDate, String)>> {
    let mut out = BTreeMap::new();
    for (k, s) in symbols.iter().enumerate() {
        let mut d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let mut v = Vec::new();
        let mut cents: i64 = (100 + 10 * k as i64) * 100;
        while d <= NaiveDate::from_ymd_opt(2024, 3, 28).unwrap() {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                v.push((d, format!("{}.{:02}", cents / 100, cents % 100)));
                cents += 25;
            }
            d = d.succ_opt().unwrap();
        }
        out.insert((*s).to_owned(), v);
    }
    out
}

pub async fn start(page_size: usize, closes: BTreeMap<String, Vec<(NaiveDate, String)>>) -> FakeAlpaca {
    let state = Arc::new(Fake {
        page_size,
        rate_limited: AtomicU32::new(0),
        down: AtomicBool::new(false),
        requests: AtomicU32::new(0),
        action_requests: AtomicU32::new(0),
        delay_ms: AtomicU64::new(0),
        closes,
        last_end: std::sync::Mutex::new(None),
        last_adjustment: std::sync::Mutex::new(None),
        actions: std::sync::Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .route("/v2/stocks/bars", axum::routing::get(bars))
        .route("/v1/corporate-actions", axum::routing::get(corporate_actions))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakeAlpaca { url: format!("http://{addr}"), state, task }
}

fn error(status: StatusCode, code: i64, message: &str) -> Response {
    (status, axum::Json(json!({ "code": code, "message": message }))).into_response()
}

/// What every endpoint checks first: the keys, an outage, the rate limit (`None`: go on).
async fn gate(f: &Fake, headers: &HeaderMap) -> Option<Response> {
    let delay = f.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    if header("APCA-API-KEY-ID") != KEY || header("APCA-API-SECRET-KEY") != SECRET {
        return Some(error(StatusCode::UNAUTHORIZED, 40110000, "request is not authorized"));
    }
    if f.down.load(Ordering::SeqCst) {
        return Some(error(StatusCode::SERVICE_UNAVAILABLE, 50310000, "service unavailable"));
    }
    if f.rate_limited.load(Ordering::SeqCst) > 0 {
        f.rate_limited.fetch_sub(1, Ordering::SeqCst);
        let mut r = error(StatusCode::TOO_MANY_REQUESTS, 42910000, "rate limit exceeded");
        r.headers_mut().insert("retry-after", "1".parse().unwrap());
        r.headers_mut().insert("x-ratelimit-limit", "200".parse().unwrap());
        r.headers_mut().insert("x-ratelimit-remaining", "0".parse().unwrap());
        return Some(r);
    }
    None
}

async fn bars(State(f): State<Arc<Fake>>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    *f.last_end.lock().unwrap() = q.get("end").cloned();
    *f.last_adjustment.lock().unwrap() = q.get("adjustment").cloned();
    f.requests.fetch_add(1, Ordering::SeqCst);
    if let Some(refused) = gate(&f, &headers).await {
        return refused;
    }
    let Some(symbols) = q.get("symbols").filter(|s| !s.is_empty()) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "no symbol specified");
    };
    if q.get("timeframe").map(String::as_str) != Some("1Day") {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "invalid timeframe");
    }
    if !matches!(q.get("adjustment").map(String::as_str), None | Some("raw" | "split" | "dividend" | "all")) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "invalid adjustment");
    }
    if !matches!(q.get("feed").map(String::as_str), None | Some("iex" | "sip" | "delayed_sip")) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "invalid feed");
    }
    // `start`/`end`: a date or an RFC 3339 time (its date is what matters for daily bars)
    let date = |k: &str| -> Result<Option<NaiveDate>, String> {
        match q.get(k) {
            None => Ok(None),
            Some(v) => v.get(..10).and_then(|d| d.parse().ok()).map(Some).ok_or_else(|| format!("invalid {k}")),
        }
    };
    let (start, end) = match (date("start"), date("end")) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(m), _) | (_, Err(m)) => return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, &m),
    };
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(1000).min(10_000).min(f.page_size);
    let offset: usize = match q.get("page_token") {
        None => 0,
        Some(t) => match t.strip_prefix("page-").and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "invalid page token"),
        },
    };
    let mut wanted: Vec<&str> = symbols.split(',').collect();
    wanted.sort_unstable();
    let adjustment = q.get("adjustment").map_or("raw", String::as_str);
    let actions = f.actions.lock().unwrap().clone();
    let mut all: Vec<(&str, &NaiveDate, String)> = Vec::new();
    for s in wanted {
        let closes = f.closes.get(s).map(Vec::as_slice).unwrap_or_default();
        for (i, (d, c)) in closes.iter().enumerate() {
            if start.is_none_or(|st| *d >= st) && end.is_none_or(|e| *d <= e) {
                all.push((s, d, adjusted(s, closes, i, c, adjustment, &actions)));
            }
        }
    }
    let page = all.get(offset..).unwrap_or_default().iter().take(limit);
    let mut out: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (s, d, c) in page {
        let midnight = chrono_tz::America::New_York
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .single()
            .unwrap()
            .with_timezone(&chrono::Utc);
        let close: Value = serde_json::from_str(c.as_str()).unwrap();
        out.entry(s).or_default().push(json!({
            "t": midnight.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "o": close, "h": close, "l": close, "c": close, "v": 1_000_000, "n": 5000, "vw": close,
        }));
    }
    let next = (offset + limit < all.len()).then(|| format!("page-{}", offset + limit));
    axum::Json(json!({ "bars": out, "next_page_token": next })).into_response()
}

/// The close `closes[i]` of `symbol` as Alpaca's `adjustment` gives it: divided by the ratios of the later splits
/// (`split`), multiplied by `1 − dividend / close before the ex-date` for each later dividend (`dividend`), both
/// (`all`), rounded to 4 places; the raw close as printed otherwise.
fn adjusted(
    symbol: &str,
    closes: &[(NaiveDate, String)],
    i: usize,
    raw: &str,
    adjustment: &str,
    actions: &[(String, Value)],
) -> String {
    use rust_decimal::Decimal;
    if adjustment == "raw" {
        return raw.to_owned();
    }
    let date = closes[i].0;
    let number = |v: &Value| -> Decimal { v.to_string().parse().unwrap() };
    let mut factor = Decimal::ONE;
    for (list, a) in actions.iter().filter(|(_, a)| a["symbol"] == symbol) {
        let ex: NaiveDate = a["ex_date"].as_str().unwrap().parse().unwrap();
        if ex <= date {
            continue;
        }
        let splits = matches!(list.as_str(), "forward_splits" | "reverse_splits");
        if splits && matches!(adjustment, "split" | "all") {
            factor = factor * number(&a["old_rate"]) / number(&a["new_rate"]);
        }
        if list == "cash_dividends" && matches!(adjustment, "dividend" | "all") {
            let before = closes.iter().rev().find(|(d, _)| *d < ex).map(|(_, c)| c.parse::<Decimal>().unwrap());
            if let Some(before) = before {
                factor *= Decimal::ONE - number(&a["rate"]) / before;
            }
        }
    }
    let close: Decimal = raw.parse().unwrap();
    (close * factor).round_dp(4).normalize().to_string()
}

/// `GET /v1/corporate-actions`: the fake's actions of `symbols` (and `types`) with a `process_date` in
/// `[start, end]`, sorted by it, `limit` (the fake's page size at most) a page.
async fn corporate_actions(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.action_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(refused) = gate(&f, &headers).await {
        return refused;
    }
    let date = |k: &str| q.get(k).and_then(|v| v.parse::<NaiveDate>().ok());
    let (Some(start), Some(end)) = (date("start"), date("end")) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 42210000, "invalid start or end");
    };
    let symbols: Vec<&str> = q.get("symbols").map(|s| s.split(',').collect()).unwrap_or_default();
    let types: Vec<&str> = q.get("types").map(|s| s.split(',').collect()).unwrap_or_default();
    fn type_of(list: &str) -> &str {
        match list {
            "forward_splits" => "forward_split",
            "reverse_splits" => "reverse_split",
            "cash_dividends" => "cash_dividend",
            "name_changes" => "name_change",
            other => other,
        }
    }
    let mut all: Vec<(String, Value)> = f
        .actions
        .lock()
        .unwrap()
        .iter()
        .filter(|(list, a)| {
            let symbol = a.get("symbol").or_else(|| a.get("old_symbol")).and_then(Value::as_str).unwrap_or("");
            let processed: NaiveDate = a["process_date"].as_str().unwrap().parse().unwrap();
            (symbols.is_empty() || symbols.contains(&symbol))
                && (types.is_empty() || types.contains(&type_of(list)))
                && processed >= start
                && processed <= end
        })
        .cloned()
        .collect();
    all.sort_by(|a, b| a.1["process_date"].as_str().cmp(&b.1["process_date"].as_str()));
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100).min(1000).min(f.page_size);
    let offset: usize =
        q.get("page_token").and_then(|t| t.strip_prefix("page-")).and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut lists: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (list, a) in all.get(offset..).unwrap_or_default().iter().take(limit) {
        lists.entry(list.clone()).or_default().push(a.clone());
    }
    let next = (offset + limit < all.len()).then(|| format!("page-{}", offset + limit));
    axum::Json(json!({ "corporate_actions": lists, "next_page_token": next })).into_response()
}
