//! `POST /users/{id}/optimize` on both backends: the weights are kairo-core's on the same closes (the HTTP answer
//! equals the library's), the rebalance sells the user's lots least tax first and skips a wash-sale purchase, bad
//! specs are 422s naming the field, and an end user needs a paid plan.

mod common;

use chrono::{Duration, NaiveDate};
use kairo_core::optimize::{OptimizeSpec, Returns};
use rust_decimal::Decimal;
use serde_json::{json, Value};

const SYMBOLS: [&str; 3] = ["AAA", "BBB", "CCC"];

/// 80 weekdays of closes from 2024-01-01, each symbol a different drift and wobble (deterministic).
fn closes() -> Vec<(String, NaiveDate, Decimal)> {
    let mut rows = Vec::new();
    let start: NaiveDate = "2024-01-01".parse().unwrap();
    let mut day = start;
    let mut k = 0;
    while k < 80 {
        if chrono::Datelike::weekday(&day).number_from_monday() <= 5 {
            for (i, s) in SYMBOLS.iter().enumerate() {
                let t = k as f64;
                let p = 100.0 * (1.0 + 0.001 * (i as f64 + 1.0) * t) + 3.0 * ((t * (0.7 + i as f64)).sin());
                rows.push((s.to_string(), day, Decimal::from_f64_retain(p).unwrap().round_dp(2)));
            }
            k += 1;
        }
        day += Duration::days(1);
    }
    rows
}

async fn load(app: &common::App) {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    store.load_prices(&closes(), kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
}

fn trade(user: &str, symbol: &str, side: &str, qty: &str, price: &str, at: &str) -> Value {
    json!({ "user_id": user, "symbol": symbol, "side": side, "qty": qty, "price": price, "executed_at": at })
}

/// kairo-core's answer on the same closes (each symbol's column in date order).
fn library(spec: Value) -> kairo_core::optimize::Optimized {
    let rows = closes();
    let mut flat = Vec::new();
    for s in SYMBOLS {
        flat.extend(
            rows.iter().filter(|r| r.0 == s).map(|r| rust_decimal::prelude::ToPrimitive::to_f64(&r.2).unwrap()),
        );
    }
    let returns = Returns::from_prices(&flat, 80, 3).unwrap();
    let symbols: Vec<String> = SYMBOLS.iter().map(|s| s.to_string()).collect();
    OptimizeSpec::from_json(spec).unwrap().run(&symbols, &returns).unwrap()
}

both_backends!(weights_are_the_librarys_and_the_rebalance_is_tax_aware, |app: common::App| async move {
    load(&app).await;
    let user = app.user("cash").await;
    // AAA: a lot at a loss (bought at 200) and one at a gain (bought at 50); CCC sold at a loss 10 days before the
    // last close, so buying it back now would be a wash sale.
    for t in [
        trade(&user, "AAA", "BUY", "40", "50", "2024-01-02T15:00:00Z"),
        trade(&user, "AAA", "BUY", "10", "200", "2024-01-03T15:00:00Z"),
        trade(&user, "CCC", "BUY", "5", "150", "2024-01-04T15:00:00Z"),
        trade(&user, "CCC", "SELL", "5", "100", "2024-04-08T15:00:00Z"),
    ] {
        let (s, b) = app.post("/trades", &t).await;
        assert_eq!(s, 201, "{b}");
    }
    let spec = json!({ "objective": "min_volatility", "risk_model": "ledoit_wolf", "frontier_points": 3 });
    let body = json!({ "symbols": SYMBOLS, "lookback_days": 1000, "spec": spec, "rebalance": { "cash": "1000" } });
    let (s, b) = app.post(&format!("/users/{user}/optimize"), &body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["days"], 79);
    assert_eq!(b["prices_as_of"], "2024-04-19");
    let want = library(spec);
    for (sym, w) in &want.weights {
        let got = b["optimized"]["weights"][sym].as_f64().unwrap();
        assert_eq!(got, *w, "{sym}: HTTP {got} against the library's {w}");
    }
    assert_eq!(b["optimized"]["volatility"].as_f64().unwrap(), want.volatility);
    assert_eq!(b["optimized"]["frontier"].as_array().unwrap().len(), 3);

    let plan = &b["rebalance"];
    let orders = plan["orders"].as_array().unwrap();
    // 50 AAA at ~105 and 1,000 of cash: AAA is above its weight and sold, from the lot bought at 200 (a loss)
    // before the one bought at 50
    let sale = orders.iter().find(|o| o["symbol"] == "AAA" && o["side"] == "SELL").expect("an AAA sale");
    let lots = sale["lots"].as_array().unwrap();
    assert_eq!(lots.len(), 1, "{sale}");
    let (qty, basis): (Decimal, Decimal) =
        (lots[0]["qty"].as_str().unwrap().parse().unwrap(), lots[0]["basis"].as_str().unwrap().parse().unwrap());
    assert_eq!(basis, qty * Decimal::from(200), "{sale}");
    assert!(plan["realized"]["short_term"].as_str().unwrap().starts_with('-'), "{plan}");
    // no purchase of CCC within 30 days of its loss sale
    assert!(orders.iter().all(|o| o["symbol"] != "CCC"), "{plan}");
    let skipped = plan["skipped"].as_array().unwrap();
    let ccc = skipped.iter().find(|s| s["symbol"] == "CCC").expect("CCC skipped");
    assert_eq!((ccc["reason"].as_str(), ccc["until"].as_str()), (Some("wash_sale_purchase"), Some("2024-05-08")));
});

both_backends!(bad_requests_name_the_field_and_end_users_need_a_plan, |app: common::App| async move {
    load(&app).await;
    let user = app.user("cash").await;
    let path = format!("/users/{user}/optimize");
    for (body, field) in [
        (json!({ "symbols": SYMBOLS, "spec": { "objective": "max_sortino" } }), "objective"),
        (json!({ "symbols": SYMBOLS, "spec": { "objectiv": "max_sharpe" } }), "spec"),
        (json!({ "symbols": SYMBOLS, "spec": { "objective": "efficient_return" } }), "target_return"),
        (json!({ "symbols": ["AAA"] }), "symbols"),
        (json!({ "symbols": ["AAA", "ZZZ"] }), "prices"),
        (json!({ "symbols": SYMBOLS, "lookback_days": 1 }), "lookback_days"),
        (json!({}), "symbols"),
        (json!({ "symbols": SYMBOLS, "spec": { "frontier_points": 1000 } }), "frontier_points"),
        (json!({ "symbols": SYMBOLS, "spec": { "frequency": 1e300 } }), "frequency"),
        (json!({ "symbols": SYMBOLS, "rebalance": { "cash": "1e20" } }), "cash"),
    ] {
        let (s, e) = app.post(&path, &body).await;
        assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some(field)), "{body} → {e}");
    }
    let r = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(common::user_jwt(&user))
        .json(&json!({ "symbols": SYMBOLS }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 402);
});

/// Closes the service has never stored, loaded from a local fake Alpaca in its real bar bodies (paged), then
/// optimized: the route fills the cache the way `/comparative` does.
async fn from_alpaca(backend: common::Backend) {
    use common::fake_alpaca;
    let fake = fake_alpaca::start(25, fake_alpaca::closes(&["AAPL", "QQQ", "SPY"])).await;
    let Some(app) = common::app_with(backend, |c| {
        c.alpaca_api_key = Some(fake_alpaca::KEY.into());
        c.alpaca_secret_key = Some(fake_alpaca::SECRET.into());
        c.alpaca_data_url = fake.url.clone();
        c.benchmark_start = "2024-01-01".parse().unwrap();
        c.alpaca_backoff_ms = 50;
    })
    .await
    else {
        return;
    };
    let user = app.user("margin").await;
    let body = json!({ "symbols": ["AAPL", "QQQ", "SPY"], "spec": { "objective": "min_volatility" } });
    let (s, b) = app.post(&format!("/users/{user}/optimize"), &body).await;
    assert_eq!(s, 200, "{b}");
    // 2024-01-02 .. 2024-03-28: 63 weekdays of closes, 62 returns
    assert_eq!((b["days"].as_u64(), b["prices_as_of"].as_str()), (Some(62), Some("2024-03-28")), "{b}");
    let total: f64 = b["optimized"]["weights"].as_object().unwrap().values().map(|w| w.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{b}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closes_loaded_from_alpaca_sqlite() {
    from_alpaca(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closes_loaded_from_alpaca_postgres() {
    from_alpaca(common::Backend::Postgres).await;
}
