//! Recomputation from a kept tracker on both backends: after a job has run, a new trade is pushed onto the user's
//! tracker (the `kairo_tracked_accounts` gauge shows it kept) and the stored audit rows and metrics are those of a
//! full replay of the history; a trade dated in the past, before the tracker's last one, is handled by a replay.

mod common;

use serde_json::Value;

/// Waits until the user's metrics document covers `n` trades and no recompute is queued; the document.
async fn settled_metrics(app: &common::App, user: &str, n: u64) -> Value {
    for _ in 0..400 {
        let (_, m) = app.get(&format!("/users/{user}/metrics")).await;
        if m["trades"].as_u64() == Some(n) && m["stale"] == false {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the metrics of {user} never covered {n} trades");
}

/// What a full replay of the stored history gives.
async fn full_replay(app: &common::App, user: &str) -> Value {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let id: uuid::Uuid = user.parse().unwrap();
    let trades = store.trades(id).await.unwrap();
    let activities = store.activities(id).await.unwrap();
    let cache = kairo_server::price_cache::PriceCache::new(1_000_000);
    let prices = kairo_server::services::analysis::prices(&cache, &store, &trades, &[]).await.unwrap();
    store.close().await;
    kairo_server::services::analysis::metrics_body(&trades, &activities, &prices)
}

/// The number of recomputations of each path so far: (incremental, replay).
async fn recomputes(app: &common::App) -> (u64, u64) {
    let text = app.get_text("/metrics").await;
    let count = |path: &str| {
        let key = format!("kairo_recomputes_total{{path=\"{path}\"}} ");
        text.lines().find_map(|l| l.strip_prefix(key.as_str())).map_or(0, |v| v.trim().parse().unwrap())
    };
    (count("incremental"), count("replay"))
}

fn without_stale(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("stale");
    v
}

both_backends!(new_trades_extend_the_kept_tracker, |app: common::App| async move {
    let user = app.user("margin").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let closes: Vec<(String, chrono::NaiveDate, rust_decimal::Decimal)> = (1..=9)
        .map(|day| ("ABC".to_owned(), d(&format!("2024-07-0{day}")), rust_decimal::Decimal::from(100 + day)))
        .collect();
    store.load_prices(&closes, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    let post = |side: &'static str, qty: &'static str, price: &'static str, at: &'static str| {
        let app = &app;
        let user = user.clone();
        async move {
            let (s, t) = app.post("/trades", &common::trade(&user, side, qty, price, at)).await;
            assert_eq!(s, 201, "{t}");
        }
    };
    post("BUY", "10", "100", "2024-07-01T15:00:00Z").await;
    post("SELL", "4", "103", "2024-07-03T15:00:00Z").await;
    let rows = app.expected_audit_rows(&user).await;
    app.wait_for_audit(&user, rows).await;
    settled_metrics(&app, &user, 2).await;
    // the tracker is kept; a new trade after the last one extends it
    let prometheus = app.get_text("/metrics").await;
    assert!(prometheus.contains("kairo_tracked_accounts 1"), "{prometheus}");
    let before = recomputes(&app).await;
    post("BUY", "5", "106", "2024-07-08T15:00:00Z").await;
    let rows = app.expected_audit_rows(&user).await;
    app.wait_for_audit(&user, rows).await;
    let m = settled_metrics(&app, &user, 3).await;
    assert_eq!(without_stale(m), full_replay(&app, &user).await);
    let after = recomputes(&app).await;
    assert!(after.0 > before.0, "the new trade extended the tracker: {before:?} → {after:?}");
    // a trade dated before the last one: replayed, the same figures as a full replay
    let before = recomputes(&app).await;
    post("SELL", "3", "101", "2024-07-02T15:00:00Z").await;
    let rows = app.expected_audit_rows(&user).await;
    app.wait_for_audit(&user, rows).await;
    let m = settled_metrics(&app, &user, 4).await;
    assert_eq!(without_stale(m), full_replay(&app, &user).await);
    let after = recomputes(&app).await;
    assert!(after.1 > before.1, "the past-dated trade was replayed: {before:?} → {after:?}");
    app.stop().await;
});
