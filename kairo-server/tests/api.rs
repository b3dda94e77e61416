//! Every endpoint and error path over real HTTP, on SQLite and on PostgreSQL.

mod common;

use serde_json::json;

both_backends!(health_docs_and_auth, |app: common::App| async move {
    let (s, body) = app.get("/health").await;
    assert_eq!(s, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["jobs"]["queued"], 0, "{body}");
    assert!(body["jobs"]["oldest_age_seconds"].is_null(), "{body}");
    assert!(body["pool"]["open"].as_u64().unwrap() >= 1, "{body}");
    let spec: serde_json::Value =
        app.client.get(format!("{}/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    for path in [
        "/users",
        "/users/{id}",
        "/trades",
        "/trades/batch",
        "/users/{id}/compliance",
        "/users/{id}/compliance/check",
        "/users/{id}/metrics",
        "/users/{id}/comparative",
        "/health",
        "/webhooks/stripe",
        "/benchmarks",
        "/benchmarks/update",
        "/events",
        "/users/{id}/events",
        "/users/{id}/benchmarks",
        "/users/{id}/benchmarks/{name}",
        "/leaderboards",
        "/users/{id}/leaderboards",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
    // Every operation has an id of its own (a generated client names its functions by them).
    let mut ids = std::collections::BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                if let Some(other) = ids.insert(id.to_owned(), format!("{method} {path}")) {
                    panic!("operationId {id} of both {other} and {method} {path}");
                }
            }
        }
    }
    let docs = app.client.get(format!("{}/docs/", app.base)).send().await.unwrap();
    assert_eq!(docs.status().as_u16(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let r = app.client.get(format!("{}/users/{}", app.base, uuid::Uuid::new_v4())).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = app
        .client
        .get(format!("{}/users/{}", app.base, uuid::Uuid::new_v4()))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let (s, body) = app.get("/nowhere").await;
    assert_eq!((s, body["error"]["code"].as_str()), (404, Some("not_found")));
    // Prometheus scrapes with the service token (bearer_token in its scrape config); anonymous callers get 401
    let anonymous = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let metrics = app.client.get(format!("{}/metrics", app.base)).bearer_auth(common::TOKEN).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(metrics.contains("kairo_http_requests_total"));
    for gauge in ["kairo_jobs_pending", "kairo_jobs_oldest_age_seconds", "kairo_db_pool_connections{state=\"idle\"}"] {
        assert!(metrics.contains(gauge), "{gauge} missing from /metrics");
    }
    app.stop().await;
});

both_backends!(users, |app: common::App| async move {
    let (s, u) = app.post("/users", &json!({ "email": "a@example.com", "account_type": "margin" })).await;
    assert_eq!(s, 201);
    let id = u["id"].as_str().unwrap();
    let (s, got) = app.get(&format!("/users/{id}")).await;
    assert_eq!((s, got["account_type"].as_str()), (200, Some("margin")));
    let (s, e) = app.post("/users", &json!({ "email": "a@example.com" })).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")));
    let (s, e) = app.post("/users", &json!({ "account_type": "savings" })).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("account_type")));
    let (s, e) = app.get(&format!("/users/{}", uuid::Uuid::new_v4())).await;
    assert_eq!((s, e["error"]["code"].as_str()), (404, Some("not_found")));
    let (s, e) = app.get("/users/not-a-uuid").await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("id")));
    for bad in [json!({ "email": "" }), json!({ "email": "no-at-sign" }), json!({ "email": "a@b@c.com" })] {
        let (s, e) = app.post("/users", &bad).await;
        assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("email")), "{bad}");
    }
    let (s, e) = app.post("/users", &json!({ "full_name": "  " })).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("full_name")));
    // an unknown query parameter is a JSON error too
    let (s, e) = app.get(&format!("/users/{id}/metrics?sett=basic")).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("invalid_query")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("sett"), "{e}");
    app.stop().await;
});

both_backends!(trades_and_their_errors, |app: common::App| async move {
    let user = app.user("margin").await;
    let t = common::trade(&user, "BUY", "10", "100.50", "2024-07-01T14:00:00Z");
    let (s, stored) = app.post("/trades", &t).await;
    assert_eq!(s, 201, "{stored}");
    assert_eq!((stored["qty"].as_str(), stored["price"].as_str()), (Some("10"), Some("100.50")));
    // idempotent on external_id
    let with_ext = json!({ "user_id": user, "symbol": "ABC", "side": "SELL", "qty": 4, "price": 101.25,
        "executed_at": "2024-07-01T15:00:00Z", "external_id": "alpaca-1" });
    let (s, first) = app.post("/trades", &with_ext).await;
    assert_eq!(s, 201);
    let (s, again) = app.post("/trades", &with_ext).await;
    assert_eq!((s, &again["id"]), (200, &first["id"]));
    assert_eq!(first["price"], "101.25"); // a JSON number reads as the decimal it prints as
                                          // another user's external_id is a conflict, never the other user's trade
    let other = app.user("cash").await;
    let mut theirs = with_ext.clone();
    theirs["user_id"] = json!(other);
    let (s, e) = app.post("/trades", &theirs).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("external_id_conflict")), "{e}");
    let fresh = json!({ "user_id": other, "symbol": "ABC", "side": "BUY", "qty": 1, "price": 1,
        "executed_at": "2024-07-01T15:00:00Z", "external_id": "fresh-1" });
    let (s, e) = app.post("/trades/batch", &json!([fresh, theirs])).await;
    assert_eq!((s, e["error"]["details"]["external_id"].as_str()), (409, Some("alpaca-1")), "{e}");
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    assert_eq!(store.trade_count(other.parse().unwrap()).await.unwrap(), 0, "nothing of the refused batch was stored");
    store.close().await;
    // validation: field named, nothing stored
    for (field, value, code) in [
        ("qty", json!("-1"), 422),
        ("price", json!("abc"), 422),
        ("symbol", json!("a bc"), 422),
        ("side", json!("HOLD"), 422),
    ] {
        let mut bad = t.clone();
        bad[field] = value;
        let (s, e) = app.post("/trades", &bad).await;
        assert_eq!(s, code, "{field}: {e}");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    }
    let mut wrong_type = t.clone();
    wrong_type["executed_at"] = json!(12);
    let (s, e) = app.post("/trades", &wrong_type).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("invalid_trade")));
    assert_eq!(
        (e["error"]["details"]["field"].as_str(), e["error"]["details"]["kind"].as_str()),
        (Some("executed_at"), Some("invalid_timestamp")),
        "{e}"
    );
    let (s, e) = app.post_raw("/trades", "{\"user_id\": ").await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("malformed_json")));
    let mut unknown = t.clone();
    unknown["user_id"] = json!(uuid::Uuid::new_v4());
    let (s, _) = app.post("/trades", &unknown).await;
    assert_eq!(s, 404);
    // Just over the 1 MiB limit of the test server: large enough to be refused, small enough to be written into
    // the socket before the server answers and closes (a much larger body races the client's write).
    let item = t.to_string();
    let huge = format!("[{}]", vec![item.as_str(); 1024 * 1024 / item.len() + 10].join(","));
    assert!(huge.len() > 1024 * 1024);
    let (s, e) = app.post_raw("/trades/batch", &huge).await;
    assert_eq!((s, e["error"]["code"].as_str()), (413, Some("payload_too_large")));
    // batch: all or nothing
    let good = common::trade(&user, "BUY", "1", "100", "2024-07-02T14:00:00Z");
    let bad = common::trade(&user, "BUY", "0", "100", "2024-07-02T14:01:00Z");
    let (s, e) = app.post("/trades/batch", &json!([good, bad])).await;
    assert_eq!(s, 422);
    assert_eq!(e["error"]["details"]["errors"][0]["index"], 1);
    let (s, list) = app
        .post("/trades/batch", &json!([good, common::trade(&user, "SELL", "1", "101", "2024-07-02T15:00:00Z")]))
        .await;
    assert_eq!((s, list.as_array().map(Vec::len)), (201, Some(2)));
    // 4 trades stored (the failed batch stored nothing): every check's row for each, written by the jobs
    let expected = app.expected_audit_rows(&user).await;
    assert!(expected >= 4 * 6, "every trade has at least six applicable checks");
    let audit = app.wait_for_audit(&user, expected).await;
    assert_eq!(audit["rows"].as_array().unwrap().len() as i64, expected);
    let trades: std::collections::BTreeSet<&str> =
        audit["rows"].as_array().unwrap().iter().map(|r| r["trade_id"].as_str().unwrap()).collect();
    assert_eq!(trades.len(), 4);
    app.stop().await;
});

both_backends!(compliance_rows_filters_and_pre_trade, |app: common::App| async move {
    let user = app.user("margin").await;
    // four round trips in five business days below $25,000 of equity (default equity unknown: PDT fails only
    // with known equity, so the 4th day trade is flagged as a pattern)
    let mut trades = Vec::new();
    for (i, day) in ["2024-06-13", "2024-06-14", "2024-06-17", "2024-06-18"].iter().enumerate() {
        trades.push(common::trade(&user, "BUY", "10", "100", &format!("{day}T14:00:00Z")));
        trades.push(common::trade(&user, "SELL", "10", &format!("{}", 101 + i), &format!("{day}T14:05:00Z")));
    }
    let (s, _) = app.post("/trades/batch", &serde_json::Value::Array(trades)).await;
    assert_eq!(s, 201);
    let expected = app.expected_audit_rows(&user).await;
    app.wait_for_audit(&user, expected).await;
    let (s, page) = app.get(&format!("/users/{user}/compliance?check=pattern_day_trading&limit=3&offset=0")).await;
    assert_eq!(s, 200);
    assert_eq!(page["total"], 8);
    assert_eq!(page["rows"].as_array().unwrap().len(), 3);
    assert_eq!(page["rows"][0]["executed_at"], "2024-06-18T14:05:00Z"); // newest first
    let (_, next) = app.get(&format!("/users/{user}/compliance?check=pattern_day_trading&limit=3&offset=3")).await;
    assert_ne!(page["rows"][0]["id"], next["rows"][0]["id"]);
    let (_, flagged) = app.get(&format!("/users/{user}/compliance?status=flag&check=pattern_day_trading")).await;
    assert_eq!(flagged["total"], 1);
    assert_eq!(page["summary"]["pattern_day_trading"]["day_trades_in_window"], 4);
    let (_, dated) =
        app.get(&format!("/users/{user}/compliance?from=2024-06-17T00:00:00Z&to=2024-06-18T00:00:00Z")).await;
    assert_eq!(dated["total"].as_i64().unwrap() * 4, expected, "two of the eight trades, same checks each day");
    let (s, e) = app.get(&format!("/users/{user}/compliance?status=maybe")).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("status")));
    // pre-trade: a fifth round trip's sale
    let order =
        json!({ "symbol": "ABC", "side": "BUY", "qty": "10", "price": "100", "executed_at": "2024-06-20T14:00:00Z" });
    let (s, d) = app.post(&format!("/users/{user}/compliance/check"), &order).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["allowed"], true);
    assert!(d["results"].as_array().unwrap().iter().any(|r| r["check_name"] == "pattern_day_trading"));
    let (_, after) = app.get(&format!("/users/{user}/compliance?limit=1")).await;
    assert_eq!(after["total"], expected, "a pre-trade check writes nothing");
    app.stop().await;
});

both_backends!(metrics_and_comparative, |app: common::App| async move {
    let user = app.user("cash").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let prices: Vec<(String, chrono::NaiveDate, rust_decimal::Decimal)> = vec![
        ("ABC".into(), d("2024-07-01"), "100".parse().unwrap()),
        ("ABC".into(), d("2024-07-02"), "110".parse().unwrap()),
        ("ABC".into(), d("2024-07-03"), "121".parse().unwrap()),
        ("SPY".into(), d("2024-07-01"), "500".parse().unwrap()),
        ("SPY".into(), d("2024-07-02"), "505".parse().unwrap()),
        ("SPY".into(), d("2024-07-03"), "510.05".parse().unwrap()),
    ];
    store.load_prices(&prices, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    let (s, _) = app.post("/trades", &common::trade(&user, "BUY", "10", "100", "2024-07-01T19:59:00Z")).await;
    assert_eq!(s, 201);
    let (s, m) = app.get(&format!("/users/{user}/metrics")).await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["pnl"]["unrealized"], "210"); // 10 × (121 − 100)
                                               // −1,000 on 1 July, +1,210 two days later: (1.21)^(365/2) − 1
    let mwr = m["money_weighted_return"].as_f64().unwrap();
    let want = 1.21f64.powf(365.0 / 2.0) - 1.0;
    assert!(((mwr - want) / want).abs() < 1e-9, "{mwr} vs {want}");
    let (s, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["portfolio_pnl"]["total"], "210");
    assert_eq!(c["shadow"]["pnl"], "20.10"); // $1,000 in SPY at 500 → 510.05
                                             // the summary by default; the daily series on request, compressed for a caller that accepts it
    assert!(c.get("portfolio_returns").is_none() && c.get("equity_curve").is_none(), "{c}");
    let (_, daily) = app.get(&format!("/users/{user}/comparative?benchmark=SPY&series=daily")).await;
    assert_eq!(daily["portfolio_returns"].as_array().map(Vec::len), Some(2), "{daily}"); // the aligned days after the first
    let r = app
        .client
        .get(format!("{}/users/{user}/comparative?benchmark=SPY&series=daily", app.base))
        .bearer_auth(common::TOKEN)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let (s, e) = app.get(&format!("/users/{user}/comparative?benchmark=SPY&series=hourly")).await;
    assert_eq!(s, 400, "{e}");
    let (s, e) = app.get(&format!("/users/{user}/comparative?benchmark=QQQ")).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("missing_prices")));
    // a new trade makes the cached figures stale until its job runs: figures not marked stale include it
    let (s, _) = app.post("/trades", &common::trade(&user, "SELL", "5", "121", "2024-07-03T19:00:00Z")).await;
    assert_eq!(s, 201);
    let (_, m) = app.get(&format!("/users/{user}/metrics")).await;
    assert!(m["stale"] == true || m["trades"] == 2, "{m}");
    let mut fresh = false;
    for _ in 0..100 {
        let (_, m) = app.get(&format!("/users/{user}/metrics")).await;
        if m["stale"] == false && m["trades"] == 2 {
            assert_eq!(m["pnl"]["realized"], "105"); // 5 × (121 − 100)
            fresh = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(fresh, "metrics were never recomputed");
    app.stop().await;
});

both_backends!(a_backfilled_trade_rewrites_the_rows_after_it, |app: common::App| async move {
    // A recompute writes only the rows of the trades from the earliest new one on; a trade executed before trades
    // already audited moves that point back, so the later trades' rows are rewritten against the fuller history.
    let user = app.user("cash").await;
    let (s, sale) = app.post("/trades", &common::trade(&user, "SELL", "10", "100", "2024-07-02T15:00:00Z")).await;
    assert_eq!(s, 201, "{sale}");
    let expected = app.expected_audit_rows(&user).await;
    let rows = app.wait_for_audit(&user, expected).await;
    let short_sale = |rows: &serde_json::Value| {
        rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["trade_id"] == sale["id"] && r["check_name"] == "short_sale_cash_account")
            .map(|r| r["status"].clone())
    };
    assert_eq!(short_sale(&rows), Some(json!("fail")), "selling shares a cash account does not hold");
    let (s, _) = app.post("/trades", &common::trade(&user, "BUY", "10", "99", "2024-07-01T15:00:00Z")).await;
    assert_eq!(s, 201);
    let expected = app.expected_audit_rows(&user).await;
    for _ in 0..200 {
        let rows = app.wait_for_audit(&user, expected).await;
        if short_sale(&rows) == Some(json!("pass")) {
            app.stop().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, rows) = app.get(&format!("/users/{user}/compliance?limit=1000")).await;
    panic!("the sale's row was not rewritten after the earlier purchase arrived: {rows}");
});
