//! The answers kairo-server keeps in memory against the data they were computed from, on both backends: closes
//! held decoded follow every load, a kept comparison follows a change another writer makes to the trades, and a
//! first comparison takes the trades of the tracker the jobs keep.

mod common;

use std::time::Duration;

use serde_json::{json, Value};

both_backends!(closes_in_memory_follow_every_load, |app: common::App| async move {
    // ABC's and SPY's closes loaded; a comparison reads them from the database, the next from memory; closes loaded
    // again (as import-prices in another process would) are read anew.
    let user = app.user("cash").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let load = |abc_last: &str| {
        vec![
            ("ABC".to_owned(), d("2024-07-01"), "100".parse().unwrap()),
            ("ABC".to_owned(), d("2024-07-02"), abc_last.parse().unwrap()),
            ("SPY".to_owned(), d("2024-07-01"), "500".parse().unwrap()),
            ("SPY".to_owned(), d("2024-07-02"), "505".parse().unwrap()),
        ]
    };
    store.load_prices(&load("110"), kairo_server::store::market::PriceSource::Csv).await.unwrap();
    let mut t = common::trade(&user, "BUY", "10", "100", "2024-07-01T19:59:00Z");
    t["symbol"] = json!("ABC");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    let hits = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(r#"kairo_price_cache_total{result="hit"} "#))
            .map_or(0, |v| v.trim().parse::<u64>().unwrap())
    };
    let before = hits(&app.get_text("/metrics").await);
    let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    assert_eq!((s, c["portfolio_pnl"]["unrealized"].as_str()), (200, Some("100")), "{c}");
    let comparisons = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(r#"kairo_comparison_cache_total{result="hit"} "#))
            .map_or(0, |v| v.trim().parse::<u64>().unwrap())
    };
    let (_, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    assert_eq!(c["portfolio_pnl"]["unrealized"], "100");
    // (the counters are the process's: the other backend's test may add to them meanwhile)
    let text = app.get_text("/metrics").await;
    assert!(comparisons(&text) >= 1, "the second comparison came from memory");
    // a new trade: computed again
    let mut t = common::trade(&user, "BUY", "10", "105", "2024-07-02T19:59:00Z");
    t["symbol"] = json!("ABC");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    let (_, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    assert_eq!(c["portfolio_pnl"]["unrealized"], "150", "{c}"); // 10 × 10 + 10 × 5
    assert!(hits(&app.get_text("/metrics").await) >= before + 2, "its closes came from memory");
    // new closes: the next read sees them
    tokio::time::sleep(Duration::from_millis(5)).await;
    store.load_prices(&load("120"), kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    // (a load by another process reaches a PostgreSQL-backed server as a notification: within milliseconds)
    let mut c = Value::Null;
    for _ in 0..100 {
        c = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await.1;
        if c["portfolio_pnl"]["unrealized"] == "350" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(c["portfolio_pnl"]["unrealized"], "350", "{c}"); // 10 × 20 + 10 × 15
    app.stop().await;
});

both_backends!(a_cached_comparison_follows_another_writers_change, |app: common::App| async move {
    // Another writer of the database (the platform's backend, a script) corrects a trade's price: the number of
    // trades is unchanged, and the next comparison is computed from the corrected trade.
    let user = app.user("cash").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let rows: Vec<_> = [("ABC", "2024-07-01", "100"), ("ABC", "2024-07-02", "110"), ("SPY", "2024-07-01", "500")]
        .iter()
        .chain(&[("SPY", "2024-07-02", "505")])
        .map(|(s, day, c)| (s.to_string(), d(day), c.parse().unwrap()))
        .collect();
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    let mut t = common::trade(&user, "BUY", "10", "100", "2024-07-01T19:59:00Z");
    t["symbol"] = json!("ABC");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    let url = format!("/users/{user}/comparative?benchmark=SPY");
    for _ in 0..2 {
        let (s, c) = app.get(&url).await;
        assert_eq!((s, c["portfolio_pnl"]["unrealized"].as_str()), (200, Some("100")), "{c}");
        // 10 × (110 − 100)
    }
    let sql = "UPDATE trades SET price = 105 WHERE user_id = ";
    if app.database_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
        sqlx::query(&format!("{sql}'{user}'")).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
        sqlx::query(&format!("{sql}'{user}'::uuid")).execute(&pool).await.unwrap();
        pool.close().await;
    }
    // (on PostgreSQL the change arrives as a notification: within milliseconds)
    let mut c = Value::Null;
    for _ in 0..100 {
        c = app.get(&url).await.1;
        if c["portfolio_pnl"]["unrealized"] != "100" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(c["portfolio_pnl"]["unrealized"], "50", "{c}"); // 10 × (110 − 105)
    app.stop().await;
});

both_backends!(a_comparison_takes_the_trades_of_the_kept_tracker, |app: common::App| async move {
    // After the jobs, the user's tracker holds the stored trades: the first comparison takes them from it rather than
    // reading the history, and answers what a server without it (a second process, reading the database) answers.
    let user = app.user("margin").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let mut rows = Vec::new();
    for (i, day) in ["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05", "2024-07-08"].iter().enumerate() {
        rows.push(("ABC".to_owned(), d(day), rust_decimal::Decimal::from(100 + 3 * i as i64)));
        rows.push(("SPY".to_owned(), d(day), rust_decimal::Decimal::from(500 + i as i64)));
    }
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    for (side, qty, price, at) in [
        ("BUY", "10", "100", "2024-07-01T15:00:00Z"),
        ("BUY", "5", "103", "2024-07-02T15:00:00Z"),
        ("SELL", "8", "107", "2024-07-05T15:00:00Z"),
    ] {
        let mut t = common::trade(&user, side, qty, price, at);
        t["symbol"] = json!("ABC");
        assert_eq!(app.post("/trades", &t).await.0, 201);
    }
    let n = app.expected_audit_rows(&user).await;
    app.wait_for_audit(&user, n).await;
    let from_tracker = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(r#"kairo_comparison_trades_total{source="tracker"} "#))
            .map_or(0, |v| v.trim().parse::<u64>().unwrap())
    };
    let before = from_tracker(&app.get_text("/metrics").await);
    let url = format!("/users/{user}/comparative?benchmark=SPY&series=daily");
    let (s, mut kept) = app.get(&url).await;
    assert_eq!(s, 200, "{kept}");
    assert!(from_tracker(&app.get_text("/metrics").await) > before, "the trades came from the kept tracker");
    let other = common::app_on(&app.database_url, None).await;
    let (s, mut read) = other.get(&url).await;
    assert_eq!(s, 200, "{read}");
    kept.as_object_mut().unwrap().remove("market_data");
    read.as_object_mut().unwrap().remove("market_data");
    assert_eq!(kept, read);
    assert_eq!(kept["portfolio_pnl"]["realized"], "56"); // 8 × (107 − 100)
    other.stop().await;
    app.stop().await;
});
