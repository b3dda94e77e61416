//! Custom benchmarks over HTTP, on both backends: created, listed, used as `custom:<name>` by `/comparative` and
//! `/report`, deleted; a buy-and-hold and a monthly-rebalanced blend against their values computed by hand; the
//! definition checked (weights, rule, symbols with closes, unique names) and gated by plan.

mod common;

use serde_json::{json, Value};

/// AAA: 100 → 110 → 121 → 121, BBB: 50 → 50 → 40 → 44, over 2024-01-30 .. 2024-02-02 (a month's end between).
async fn load_closes(app: &common::App) {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let rows: Vec<(String, chrono::NaiveDate, rust_decimal::Decimal)> = [
        ("AAA", "2024-01-30", "100"),
        ("AAA", "2024-01-31", "110"),
        ("AAA", "2024-02-01", "121"),
        ("AAA", "2024-02-02", "121"),
        ("BBB", "2024-01-30", "50"),
        ("BBB", "2024-01-31", "50"),
        ("BBB", "2024-02-01", "40"),
        ("BBB", "2024-02-02", "44"),
    ]
    .into_iter()
    .map(|(s, d, c)| (s.to_owned(), d.parse().unwrap(), c.parse().unwrap()))
    .collect();
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
}

fn definition(name: &str, rebalance: &str) -> Value {
    json!({ "name": name, "rebalance": rebalance, "start_value": "1000",
            "components": [{ "symbol": "AAA", "weight": "0.6" }, { "symbol": "BBB", "weight": "0.4" }] })
}

both_backends!(custom_benchmarks_match_the_hand_computation, |app: common::App| async move {
    load_closes(&app).await;
    let user = app.user("cash").await;
    let mut t = common::trade(&user, "BUY", "1", "100", "2024-01-30T15:00:00Z");
    t["symbol"] = json!("AAA");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    let path = format!("/users/{user}/benchmarks");

    let (s, b) = app.post(&path, &definition("hold", "buy_and_hold")).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["benchmark"], "custom:hold");
    assert_eq!(b["components"], json!([{ "symbol": "AAA", "weight": "0.6" }, { "symbol": "BBB", "weight": "0.4" }]));
    assert_eq!((b["rebalance"].as_str(), b["start_value"].as_str()), (Some("buy_and_hold"), Some("1000")));
    assert_eq!(app.post(&path, &definition("monthly", "monthly")).await.0, 201);
    let (_, list) = app.get(&path).await;
    let names: Vec<&str> = list["benchmarks"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["hold", "monthly"]);

    // Buy and hold, 1,000 at the start: 6 AAA (600 / 100) and 8 BBB (400 / 50) held:
    //   1,000 → 6·110 + 8·50 = 1,060 → 6·121 + 8·40 = 1,046 → 6·121 + 8·44 = 1,078: total return 7.8 %.
    let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=custom:hold&series=daily")).await;
    assert_eq!(s, 200, "{c}");
    let returns: Vec<f64> = c["benchmark_returns"].as_array().unwrap().iter().map(|r| r.as_f64().unwrap()).collect();
    let expected = [1060.0 / 1000.0 - 1.0, 1046.0 / 1060.0 - 1.0, 1078.0 / 1046.0 - 1.0];
    assert_eq!(returns.len(), 3, "{returns:?}");
    for (r, e) in returns.iter().zip(expected) {
        assert!((r - e).abs() < 1e-12, "{returns:?} against {expected:?}");
    }
    assert!((c["benchmark_total_return"].as_f64().unwrap() - 0.078).abs() < 1e-12, "{c}");
    // Monthly: held until 2024-02-01, the first trading day of February, whose close (1,046) is rebalanced to 60/40:
    //   627.6 / 121 units of AAA and 418.4 / 40 = 10.46 of BBB; 2024-02-02: 627.6 + 10.46·44 = 1,087.84.
    let (_, c) = app.get(&format!("/users/{user}/comparative?benchmark=custom:monthly")).await;
    assert!((c["benchmark_total_return"].as_f64().unwrap() - 0.08784).abs() < 1e-12, "{c}");
    // The same blend rebalanced daily (the query-string blend) differs: 1,000 → 1,060 → 1,060·(0.6·1.1 + 0.4·0.8)
    let (_, daily) = app.get(&format!("/users/{user}/comparative?benchmark=AAA:0.6,BBB:0.4")).await;
    let daily_total = 1.06 * (0.6 * 121.0 / 110.0 + 0.4 * 40.0 / 50.0) * (0.6 * 1.0 + 0.4 * 44.0 / 40.0) - 1.0;
    assert!((daily["benchmark_total_return"].as_f64().unwrap() - daily_total).abs() < 1e-12, "{daily}");
    // The tear sheet takes it too.
    let r = app
        .client
        .get(format!("{}/users/{user}/report?benchmark=custom:hold", app.base))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Deleted: gone from the list, and naming it is a 422 naming the parameter.
    let r = app.client.delete(format!("{}{path}/hold", app.base)).bearer_auth(common::TOKEN).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = app.client.delete(format!("{}{path}/hold", app.base)).bearer_auth(common::TOKEN).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let (s, e) = app.get(&format!("/users/{user}/comparative?benchmark=custom:hold")).await;
    assert_eq!(
        (s, e["error"]["code"].as_str(), e["error"]["details"]["field"].as_str()),
        (422, Some("unknown_benchmark"), Some("benchmark")),
        "{e}"
    );
});

both_backends!(definitions_are_validated_and_gated_by_plan, |app: common::App| async move {
    load_closes(&app).await;
    let user = app.user("cash").await;
    let path = format!("/users/{user}/benchmarks");
    assert_eq!(app.post(&path, &definition("b1", "quarterly")).await.0, 201);
    let (s, e) = app.post(&path, &definition("b1", "yearly")).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("benchmark_exists")), "{e}");
    let refused = |body: Value, field: &'static str| {
        let app = &app;
        let path = path.clone();
        async move {
            let (s, e) = app.post(&path, &body).await;
            assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some(field)), "{body} → {e}");
        }
    };
    let mut bad = definition("b2", "monthly");
    bad["components"][1]["weight"] = json!("0.3");
    refused(bad, "components").await;
    refused(definition("b2", "weekly"), "rebalance").await;
    refused(definition("bad name", "daily"), "name").await;
    let mut zero = definition("b2", "daily");
    zero["start_value"] = json!("0");
    refused(zero, "start_value").await;
    // a symbol without closes (and no Alpaca to load them from)
    let mut unknown = definition("b2", "daily");
    unknown["components"][1]["symbol"] = json!("ZZZ");
    refused(unknown, "benchmark").await;
    // an unknown field
    let (s, _) = app.post(&path, &json!({ "name": "b3", "components": [], "weights": {} })).await;
    assert_eq!(s, 422);

    // An end user on the free plan: 402 naming the plan; listing stays open to them.
    let jwt = common::user_jwt(&user);
    let r = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(&jwt)
        .json(&definition("mine", "daily"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 402);
    let r = app.client.get(format!("{}{path}", app.base)).bearer_auth(&jwt).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = app
        .client
        .get(format!("{}/users/{user}/comparative?benchmark=custom:b1", app.base))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 402);
});
