//! The market-data cache against a local fake Alpaca (tests/common/fake_alpaca.rs) on both backends: paging,
//! 429 retries, an outage serving stale closes, bad keys, the background refresher, ingestion not waiting on
//! Alpaca; and the service without Alpaca keys.

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::fake_alpaca::{self, FakeAlpaca};
use kairo_server::config::Config;
use serde_json::{json, Value};

fn with_alpaca(c: &mut Config, fake: &FakeAlpaca) {
    c.alpaca_api_key = Some(fake_alpaca::KEY.into());
    c.alpaca_secret_key = Some(fake_alpaca::SECRET.into());
    c.alpaca_data_url = fake.url.clone();
    c.benchmark_symbols = vec!["SPY".into(), "QQQ".into()];
    c.benchmark_start = "2024-01-01".parse().unwrap();
    c.benchmark_refresh_seconds = 0;
    c.alpaca_retries = 3;
    c.alpaca_backoff_ms = 50;
}

macro_rules! with_fake {
    ($name:ident, $page:expr, $edit:expr, $body:expr) => {
        mod $name {
            use super::*;
            async fn run(backend: common::Backend) {
                let fake = fake_alpaca::start($page, fake_alpaca::closes(&["AAPL", "QQQ", "SPY"])).await;
                let edit: fn(&mut Config) = $edit;
                let Some(app) = common::app_with(backend, |c| {
                    with_alpaca(c, &fake);
                    edit(c);
                })
                .await
                else {
                    return;
                };
                ($body)(app, fake).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(common::Backend::Postgres).await;
            }
        }
    };
}

fn outcomes(body: &Value) -> Vec<(String, String, u64)> {
    let list = if body["outcomes"].is_array() { &body["outcomes"] } else { &body["error"]["details"]["outcomes"] };
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (o["symbol"].as_str().unwrap().into(), o["result"].as_str().unwrap().into(), o["closes"].as_u64().unwrap())
        })
        .collect()
}

/// A cash account that bought `qty` AAPL at `price` at `at`; its id.
async fn aapl_holder(app: &common::App, qty: &str, price: &str, at: &str) -> String {
    let user = app.user("cash").await;
    let mut t = common::trade(&user, "BUY", qty, price, at);
    t["symbol"] = json!("AAPL");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    user
}

/// An AAPL holder whose first comparison with SPY has loaded both symbols' closes into the cache, and that
/// comparison.
async fn holder_with_cached_closes(app: &common::App) -> (String, Value) {
    let user = aapl_holder(app, "2", "150", "2024-01-03T15:00:00Z").await;
    let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    assert_eq!(s, 200, "{c}");
    (user, c)
}

async fn stored(app: &common::App, symbol: &str) -> Vec<(chrono::NaiveDate, rust_decimal::Decimal)> {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let rows = store.prices(&[symbol.to_owned()]).await.unwrap();
    store.close().await;
    rows.into_iter().map(|(_, d, c)| (d, c)).collect()
}

with_fake!(update_pages_through_every_bar, 25, |_| {}, |app: common::App, fake: FakeAlpaca| async move {
    let user = aapl_holder(&app, "1", "100", "2024-02-01T15:00:00Z").await;
    let (s, body) = app.post("/benchmarks/update", &json!({})).await;
    assert_eq!(s, 200, "{body}");
    // 63 weekdays from 2024-01-02 to 2024-03-28 for each of the configured benchmarks and the held AAPL
    let expected = vec![
        ("AAPL".into(), "refreshed".into(), 63),
        ("QQQ".into(), "refreshed".into(), 63),
        ("SPY".into(), "refreshed".into(), 63),
    ];
    assert_eq!(outcomes(&body), expected);
    // 189 bars at 25 a page: 8 pages, each a request
    assert_eq!(fake.state.requests.load(Ordering::SeqCst), 8);
    // only finished sessions are asked for: an unfinished day's bar is never stored as a close
    let end = kairo_server::market::last_closed_session(chrono::Utc::now()).to_string();
    assert_eq!(fake.state.last_end.lock().unwrap().as_deref(), Some(end.as_str()));
    let spy = stored(&app, "SPY").await;
    let want = &fake.state.closes["SPY"];
    assert_eq!(spy.len(), want.len());
    for ((d, c), (wd, wc)) in spy.iter().zip(want) {
        assert_eq!((d, c), (wd, &wc.parse().unwrap()), "the stored close is Alpaca's decimal, dated in New York");
    }
    // on PostgreSQL the seed's `benchmarks` holds the whole bar: open, high, low, close and volume
    if app.database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        let (whole, rows): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE open = close AND high = close AND low = close AND volume = 1000000),
                    count(*) FROM benchmarks WHERE symbol = 'SPY'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!((whole, rows), (63, 63));
        pool.close().await;
    }
    // fresh now: a second update leaves them alone and asks Alpaca nothing
    let (s, body) = app.post("/benchmarks/update", &json!({})).await;
    assert_eq!(s, 200);
    assert!(outcomes(&body).iter().all(|(_, r, _)| r == "fresh"), "{body}");
    assert_eq!(fake.state.requests.load(Ordering::SeqCst), 8);
    // forced, for one symbol
    let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY"], "force": true })).await;
    assert_eq!((s, outcomes(&body)), (200, vec![("SPY".into(), "refreshed".into(), 63)]));
    let (s, list) = app.get("/benchmarks").await;
    assert_eq!(s, 200);
    assert_eq!(list["alpaca"], "configured");
    let spy = list["symbols"].as_array().unwrap().iter().find(|f| f["symbol"] == "SPY").unwrap().clone();
    assert_eq!((spy["source"].as_str(), spy["stale"].as_bool()), (Some("alpaca"), Some(false)), "{spy}");
    // a bad symbol is named
    let (s, e) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY", "not a symbol"] })).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("symbols[1]")), "{e}");
    let (s, e) = app.post_raw("/benchmarks/update", "{\"force\": \"yes\"}").await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("invalid_body")), "{e}");
    // end users cannot refresh
    let jwt = common::user_jwt(&user);
    let r = app.client.post(format!("{}/benchmarks/update", app.base)).bearer_auth(jwt).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let metrics = app.get_text("/metrics").await;
    assert!(metrics.contains("kairo_alpaca_requests_total{status=\"200\"}"), "{metrics}");
    app.stop().await;
});

with_fake!(
    rate_limits_are_retried_after_the_wait_alpaca_asks,
    10_000,
    |_| {},
    |app: common::App, fake: FakeAlpaca| async move {
        fake.state.rate_limited.store(2, Ordering::SeqCst);
        let started = Instant::now();
        let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY"] })).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(outcomes(&body), vec![("SPY".into(), "refreshed".into(), 63)]);
        assert_eq!(fake.state.requests.load(Ordering::SeqCst), 3, "two 429s, then the bars");
        assert!(started.elapsed() >= Duration::from_secs(2), "each 429 said Retry-After: 1");
        // more 429s than retries: reported, nothing lost
        fake.state.rate_limited.store(10, Ordering::SeqCst);
        let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY"], "force": true })).await;
        assert_eq!((s, body["error"]["code"].as_str()), (502, Some("market_data_unavailable")), "{body}");
        let details = &body["error"]["details"]["outcomes"][0];
        assert!(details["error"].as_str().unwrap().contains("429"), "{details}");
        assert_eq!(stored(&app, "SPY").await.len(), 63, "the stored closes stay");
        app.stop().await;
    }
);

with_fake!(
    an_outage_serves_stale_closes_never_an_error,
    10_000,
    |c| c.benchmark_ttl_seconds = 1,
    |app: common::App, fake: FakeAlpaca| async move {
        // the first read loads the benchmark and the held symbol through the cache
        let (user, c) = holder_with_cached_closes(&app).await;
        assert_eq!(c["market_data"]["stale"], false, "{}", c["market_data"]);
        let before = c["shadow"].clone();
        let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
        assert_eq!((s, &c["market_data"]["stale"]), (200, &json!(false)), "served from the cache");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        fake.state.down.store(true, Ordering::SeqCst);
        let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
        assert_eq!(s, 200, "an outage with data stored is never an error: {c}");
        assert_eq!(c["market_data"]["stale"], true);
        let spy =
            c["market_data"]["symbols"].as_array().unwrap().iter().find(|f| f["symbol"] == "SPY").unwrap().clone();
        assert!(spy["last_error"].as_str().unwrap().contains("503"), "{spy}");
        assert_eq!(c["shadow"], before, "the same stored closes");
        // reads do not hammer a failing Alpaca: the next read within a minute does not ask again
        let asked = fake.state.requests.load(Ordering::SeqCst);
        let (s, _) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
        assert_eq!(s, 200);
        assert_eq!(fake.state.requests.load(Ordering::SeqCst), asked);
        // a benchmark never loaded has nothing to serve: 503 naming it and why
        let (s, e) = app.get(&format!("/users/{user}/comparative?benchmark=QQQ")).await;
        assert_eq!((s, e["error"]["code"].as_str()), (503, Some("market_data_unavailable")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("QQQ"), "{e}");
        let (s, h) = app.get("/health").await;
        assert_eq!(s, 200);
        assert_eq!(h["market_data"]["alpaca"], "configured");
        assert!(h["market_data"]["failing"].as_u64().unwrap() >= 2, "{h}");
        assert!(h["market_data"]["stale"].as_u64().unwrap() >= 2, "{h}");
        // back up: the next refresh clears the failure
        fake.state.down.store(false, Ordering::SeqCst);
        let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY", "QQQ"] })).await;
        assert_eq!(s, 200, "{body}");
        let (_, h) = app.get("/health").await;
        assert_eq!(h["market_data"]["failing"].as_u64(), Some(1), "only AAPL still failing: {h}");
        let metrics = app.get_text("/metrics").await;
        for series in [
            "kairo_benchmark_cache_total{result=\"hit\"}",
            "kairo_benchmark_cache_total{result=\"miss\"}",
            "kairo_benchmark_cache_total{result=\"stale_served\"}",
        ] {
            assert!(metrics.contains(series), "{series} missing from /metrics");
        }
        app.stop().await;
    }
);

with_fake!(
    wrong_keys_are_reported_not_retried,
    10_000,
    |c| c.alpaca_secret_key = Some("wrong".into()),
    |app: common::App, fake: FakeAlpaca| async move {
        let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY"] })).await;
        assert_eq!(s, 502, "{body}");
        let error = body["error"]["details"]["outcomes"][0]["error"].as_str().unwrap().to_owned();
        assert!(
            error.contains("401") && error.contains("request is not authorized") && error.contains("40110000"),
            "{error}"
        );
        assert_eq!(fake.state.requests.load(Ordering::SeqCst), 1, "a refusal is not retried");
        app.stop().await;
    }
);

with_fake!(
    the_background_refresher_loads_the_tracked_symbols,
    10_000,
    |c| c.benchmark_refresh_seconds = 1,
    |app: common::App, fake: FakeAlpaca| async move {
        let _serving = fake;
        let mut list = Value::Null;
        for _ in 0..100 {
            (_, list) = app.get("/benchmarks").await;
            let fresh = list["symbols"].as_array().unwrap().iter().filter(|f| f["stale"] == false).count();
            if fresh == 2 {
                app.stop().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the refresher never loaded SPY and QQQ: {list}");
    }
);

with_fake!(ingestion_never_waits_on_alpaca, 10_000, |_| {}, |app: common::App, fake: FakeAlpaca| async move {
    let user = app.user("cash").await;
    fake.state.delay_ms.store(3000, Ordering::SeqCst);
    let client = app.client.clone();
    let url = format!("{}/benchmarks/update", app.base);
    let slow = tokio::spawn(async move {
        client.post(url).bearer_auth(common::TOKEN).json(&json!({ "symbols": ["SPY"] })).send().await.unwrap().status()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (s, _) = app.post("/trades", &common::trade(&user, "BUY", "1", "10", "2024-02-01T15:00:00Z")).await;
    assert_eq!(s, 201);
    assert!(started.elapsed() < Duration::from_secs(2), "a trade waited {:?} for Alpaca", started.elapsed());
    assert_eq!(slow.await.unwrap().as_u16(), 200);
    app.stop().await;
});

#[tokio::test]
async fn a_rejected_parameter_carries_alpacas_code() {
    use kairo_server::alpaca::{Alpaca, AlpacaConfig, AlpacaError, RetryPolicy};
    let fake = fake_alpaca::start(10_000, fake_alpaca::closes(&["SPY"])).await;
    let client = Alpaca::new(AlpacaConfig { feed: "bogus".into(), ..ok_config(&fake) }).unwrap();
    let err = client.daily_closes(&["SPY".into()], "2024-01-01".parse().unwrap(), None, RetryPolicy::default()).await;
    match err {
        Err(AlpacaError::Rejected { status: 422, code: 42210000, message }) => assert_eq!(message, "invalid feed"),
        other => panic!("expected a 422 rejection, got {other:?}"),
    }
    assert_eq!(fake.state.requests.load(Ordering::SeqCst), 1);
    // an end date bounds the bars
    let ok = Alpaca::new(ok_config(&fake)).unwrap();
    let bars = ok
        .daily_closes(
            &["SPY".into()],
            "2024-01-01".parse().unwrap(),
            Some("2024-01-05".parse().unwrap()),
            RetryPolicy::default(),
        )
        .await
        .unwrap();
    let dates: Vec<String> = bars["SPY"].iter().map(|c| c.date.to_string()).collect();
    assert_eq!(dates, ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]);
    // nothing listening: a transport error after the retries
    let gone = Alpaca::new(AlpacaConfig { base_url: "http://127.0.0.1:9".into(), ..ok_config(&fake) }).unwrap();
    let quick = RetryPolicy { retries: 1, base: Duration::from_millis(10), max_wait: Duration::from_millis(10) };
    assert!(matches!(
        gone.daily_closes(&["SPY".into()], "2024-01-01".parse().unwrap(), None, quick).await,
        Err(AlpacaError::Transport(_))
    ));
}

fn ok_config(fake: &FakeAlpaca) -> kairo_server::alpaca::AlpacaConfig {
    kairo_server::alpaca::AlpacaConfig {
        base_url: fake.url.clone(),
        key_id: fake_alpaca::KEY.into(),
        secret_key: fake_alpaca::SECRET.into(),
        adjustment: "all".into(),
        feed: "iex".into(),
        timeout: Duration::from_secs(5),
    }
}

both_backends!(without_alpaca_keys_updates_say_how_to_load_closes, |app: common::App| async move {
    let (s, e) = app.post("/benchmarks/update", &json!({})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (503, Some("market_data_not_configured")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("import-prices"));
    let (s, h) = app.get("/health").await;
    assert_eq!((s, h["market_data"]["alpaca"].as_str()), (200, Some("not_configured")));
    app.stop().await;
});

with_fake!(
    a_request_past_the_deadline_is_a_503,
    10_000,
    |c| c.request_timeout_seconds = 1,
    |app: common::App, fake: FakeAlpaca| async move {
        // Alpaca answering in 3 s makes the refresh outlast the 1 s deadline: 503 `timeout`, in the error shape.
        fake.state.delay_ms.store(3000, Ordering::SeqCst);
        let started = Instant::now();
        let (s, e) = app.post("/benchmarks/update", &json!({ "symbols": ["SPY"] })).await;
        assert_eq!((s, e["error"]["code"].as_str()), (503, Some("timeout")), "{e}");
        assert!(started.elapsed() < Duration::from_millis(2500), "answered after {:?}", started.elapsed());
        let (s, _) = app.get("/health").await;
        assert_eq!(s, 200, "the server goes on serving");
        app.stop().await;
    }
);

with_fake!(
    a_slow_alpaca_delays_a_read_by_the_read_budget_at_most,
    10_000,
    |c| c.benchmark_ttl_seconds = 1,
    |app: common::App, fake: FakeAlpaca| async move {
        let (user, _) = holder_with_cached_closes(&app).await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
        // Alpaca now hangs for 8 s: the read answers from the stored closes after the 3 s read budget
        fake.state.delay_ms.store(8000, Ordering::SeqCst);
        let started = Instant::now();
        let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
        let waited = started.elapsed();
        assert_eq!(s, 200, "{c}");
        assert!(waited >= Duration::from_secs(3) && waited < Duration::from_secs(5), "waited {waited:?}");
        assert_eq!(c["market_data"]["stale"], true);
        let spy =
            c["market_data"]["symbols"].as_array().unwrap().iter().find(|f| f["symbol"] == "SPY").unwrap().clone();
        assert!(spy["last_error"].as_str().unwrap().contains("did not answer within 3 s"), "{spy}");
        // and the next read does not wait again
        let started = Instant::now();
        let (s, _) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
        assert_eq!(s, 200);
        assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
        app.stop().await;
    }
);

/// NVDA's raw closes around its 10-for-1 split of 2024-06-10 (ex-date), SPY's on the same days, as Alpaca's
/// `adjustment=raw` bars give them.
fn split_closes() -> std::collections::BTreeMap<String, Vec<(chrono::NaiveDate, String)>> {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let rows = |r: &[(&str, &str)]| r.iter().map(|(a, b)| (d(a), (*b).to_owned())).collect::<Vec<_>>();
    let dates = ["2024-01-03", "2024-01-04", "2024-06-06", "2024-06-07", "2024-06-10", "2024-06-11", "2024-11-29"];
    let nvda = ["475.69", "479.98", "1209.98", "1208.88", "121.79", "120.91", "154.46"];
    let spy = ["467.28", "467.92", "534.66", "533.94", "535.66", "536.95", "602.55"];
    std::collections::BTreeMap::from([
        ("NVDA".to_owned(), rows(&dates.iter().copied().zip(nvda).collect::<Vec<_>>())),
        ("SPY".to_owned(), rows(&dates.iter().copied().zip(spy).collect::<Vec<_>>())),
    ])
}

/// 2 NVDA bought at $481.00 before the split, with Alpaca's bars and corporate actions: +2,127.20 unrealized
/// (20 × 154.46 − 962.00) in `/metrics` and `/comparative`, no phantom day in either return series, and the same
/// figures whatever the `adjustment` Alpaca would have been asked for (kairo asks for raw closes).
async fn nvda_holder_across_the_split(backend: common::Backend) {
    let fake = fake_alpaca::start(3, split_closes()).await;
    fake.state.actions.lock().unwrap().extend([
        (
            "forward_splits".to_owned(),
            json!({"ex_date": "2024-06-10", "new_rate": 10, "old_rate": 1, "process_date": "2024-06-10",
                   "record_date": "2024-06-06", "payable_date": "2024-06-07", "symbol": "NVDA", "cusip": "67066G104"}),
        ),
        (
            "cash_dividends".to_owned(),
            json!({"symbol": "SPY", "rate": 1.7588, "special": false, "foreign": false, "process_date": "2024-06-21",
                   "ex_date": "2024-06-21", "record_date": "2024-06-21", "payable_date": "2024-07-31"}),
        ),
    ]);
    let Some(app) = common::app_with(backend, |c| {
        with_alpaca(c, &fake);
        c.benchmark_symbols = vec!["SPY".into()];
    })
    .await
    else {
        return;
    };
    let (s, body) = app.post("/benchmarks/update", &json!({ "symbols": ["NVDA", "SPY"] })).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(fake.state.last_adjustment.lock().unwrap().as_deref(), Some("raw"));
    assert!(fake.state.action_requests.load(Ordering::SeqCst) >= 1);
    let user = app.user("cash").await;
    let mut t = common::trade(&user, "BUY", "2", "481.00", "2024-01-03T15:00:00Z");
    t["symbol"] = json!("NVDA");
    assert_eq!(app.post("/trades", &t).await.0, 201);

    let (s, m) = app.get(&format!("/users/{user}/metrics")).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["pnl"]["unrealized"], "2127.20", "{m}");
    assert_eq!(m["pnl"]["market_value"], "3089.20", "{m}");
    // returns: none near −90 % (the closes have gaps, so a few rise a lot); the split day is
    // (20 × 121.79 − 2 × 1,208.88) / 2,417.76
    let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY&series=daily")).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["portfolio_pnl"]["unrealized"], "2127.20", "{c}");
    let returns: Vec<f64> = c["portfolio_returns"].as_array().unwrap().iter().map(|r| r.as_f64().unwrap()).collect();
    assert!(!returns.is_empty() && returns.iter().all(|r| *r > -0.5), "phantom day: {returns:?}");
    let dates: Vec<&str> = c["dates"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    let split_day = dates.iter().position(|d| *d == "2024-06-10").unwrap();
    assert!((returns[split_day] - (2435.80 - 2417.76) / 2417.76).abs() < 1e-12, "{}", returns[split_day]);
    // the stored actions: NVDA's split (ratio 10), SPY's dividend
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let actions = store.corporate_actions(&["NVDA".into(), "SPY".into()]).await.unwrap();
    store.close().await;
    assert_eq!(actions.len(), 2, "{actions:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nvda_holder_across_the_split_sqlite() {
    nvda_holder_across_the_split(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nvda_holder_across_the_split_postgres() {
    nvda_holder_across_the_split(common::Backend::Postgres).await;
}

/// The returns kairo makes of raw closes and corporate actions are those of Alpaca's adjusted closes: NVDA's
/// split-adjusted (`split`) closes and kairo's total-return index of the raw closes and the split rise and fall
/// alike, day by day (to the 4 places of Alpaca's adjusted closes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_closes_and_actions_give_the_returns_of_adjusted_closes() {
    use kairo_server::alpaca::{Alpaca, AlpacaConfig, CorporateAction, RetryPolicy};
    let fake = fake_alpaca::start(1000, split_closes()).await;
    fake.state.actions.lock().unwrap().push((
        "forward_splits".to_owned(),
        json!({"ex_date": "2024-06-10", "new_rate": 10, "old_rate": 1, "process_date": "2024-06-10",
               "record_date": "2024-06-06", "symbol": "NVDA"}),
    ));
    let start = "2024-01-01".parse().unwrap();
    let end = "2024-12-31".parse().unwrap();
    let retry = RetryPolicy::default();
    let client =
        |adjustment: &str| Alpaca::new(AlpacaConfig { adjustment: adjustment.into(), ..ok_config(&fake) }).unwrap();
    let nvda = ["NVDA".to_owned()];
    let raw = client("raw").daily_closes(&nvda, start, Some(end), retry).await.unwrap();
    let split = client("split").daily_closes(&nvda, start, Some(end), retry).await.unwrap();
    // Alpaca's split-adjusted close of Friday 2024-06-07: 1,208.88 / 10
    assert_eq!(split["NVDA"][3].close, "120.888".parse().unwrap());
    let actions = client("raw").corporate_actions(&nvda, start, end, retry).await.unwrap();
    let mut table = kairo_core::returns::PriceTable::new();
    for c in &raw["NVDA"] {
        table.insert("NVDA", c.date, c.close).unwrap();
    }
    for a in actions {
        if let CorporateAction::Split { symbol, ex_date, ratio } = a {
            table.insert_split(symbol, ex_date, ratio).unwrap();
        }
    }
    let index = table.return_index("NVDA").unwrap();
    let levels: Vec<f64> = index.values().map(|v| v.to_string().parse().unwrap()).collect();
    let adjusted: Vec<f64> = split["NVDA"].iter().map(|c| c.close.to_string().parse().unwrap()).collect();
    for i in 1..levels.len() {
        let (ours, alpacas) = (levels[i] / levels[i - 1], adjusted[i] / adjusted[i - 1]);
        assert!((ours - alpacas).abs() < 1e-6, "day {i}: {ours} vs {alpacas}");
    }
}

both_backends!(a_load_larger_than_one_statement_is_stored_whole, |app: common::App| async move {
    // 12 symbols × 1,000 days: 12,000 bars, more than one INSERT's worth on PostgreSQL (65,535 parameters).
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let first = "2020-01-01".parse::<chrono::NaiveDate>().unwrap();
    let rows: Vec<_> = (0..12)
        .flat_map(|s| {
            (0..1000).map(move |d| {
                (format!("S{s}"), first + chrono::Duration::days(d), rust_decimal::Decimal::from(100 + d))
            })
        })
        .collect();
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    let s11 = stored(&app, "S11").await;
    assert_eq!(s11.len(), 1000);
    assert_eq!(s11[999], (first + chrono::Duration::days(999), rust_decimal::Decimal::from(1099)));
    app.stop().await;
});
