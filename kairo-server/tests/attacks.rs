//! The reliability review's input attacks as regression tests, on both backends: poison records (times outside
//! 1900–2200, fees past their bound, minute amounts), NUL characters and oversized ids in every text input, query
//! parameters and signed Stripe fields, overlapping concurrent batches, and Stripe link conflicts and unmapped
//! prices. Each is refused with a 4xx naming the field, or handled, never a 500.

mod common;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

fn trade(user: &str, ext: &str) -> Value {
    json!({ "user_id": user, "symbol": "ABC", "side": "BUY", "qty": "1", "price": "10",
            "executed_at": "2024-03-01T15:00:00Z", "external_id": ext })
}

/// 422 naming `field`.
fn refused(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["details"]["field"].as_str(), Some(field), "{body}");
}

both_backends!(poison_trades_are_refused_at_the_input, |app: common::App| async move {
    let user = app.user("margin").await;
    for (field, value, wanted) in [
        ("executed_at", json!("+10000-01-01T00:00:00Z"), "executed_at"),
        ("executed_at", json!("-0001-06-01T00:00:00Z"), "executed_at"),
        ("executed_at", json!("1899-12-31T23:59:59Z"), "executed_at"),
        ("executed_at", json!("2201-01-01T00:00:00Z"), "executed_at"),
        ("fees", json!("1000000000000.01"), "fees"),
        ("fees", json!(1e13), "fees"),
        ("qty", json!("0.0000000000000000000000000001"), "qty"),
        ("price", json!("1e-28"), "price"),
        ("external_id", json!("x".repeat(3000)), "external_id"),
        ("external_id", json!("a\u{0}b"), "external_id"),
    ] {
        let mut t = trade(&user, "e1");
        t[field] = value;
        let (s, body) = app.post("/trades", &t).await;
        refused(s, &body, wanted);
    }
    // the user is not broken: an ordinary trade is stored, read back and audited
    let (s, body) = app.post("/trades", &trade(&user, "ok-1")).await;
    assert_eq!(s, 201, "{body}");
    let (s, body) = app.get(&format!("/users/{user}/compliance")).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = app.get(&format!("/users/{user}/metrics")).await;
    assert!(s == 200 || s == 202, "{body}");
});

both_backends!(nul_characters_are_refused_everywhere, |app: common::App| async move {
    let (s, body) = app.post("/users", &json!({ "email": "a\u{0}@example.com" })).await;
    refused(s, &body, "email");
    let (s, body) = app.post("/users", &json!({ "full_name": "Ada\u{0}" })).await;
    refused(s, &body, "full_name");
    let user = app.user("cash").await;
    let (s, body) = app.post("/trades/batch", &json!([trade(&user, "n-1"), trade(&user, "n\u{0}2")])).await;
    assert_eq!(s, 422, "{body}");
    let (s, body) = app.get(&format!("/users/{user}/compliance?check_name=wash%00sale")).await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (400, Some("check_name")), "{body}");
    let (s, body) = app.get(&format!("/users/{user}/comparative?benchmark=SPY%00")).await;
    assert_eq!(s, 400, "{body}");
    // nothing of the refused batch was stored
    let (_, body) = app.get(&format!("/users/{user}/compliance")).await;
    assert_eq!(body["total"], 0, "{body}");
});

both_backends!(overlapping_batches_never_deadlock, |app: common::App| async move {
    let user = app.user("margin").await;
    // ten batches of the same 40 external ids, each in another order, sent at once
    let mut tasks = Vec::new();
    for k in 0..10usize {
        let mut ids: Vec<usize> = (0..40).collect();
        ids.rotate_left(k * 4);
        if k % 2 == 1 {
            ids.reverse();
        }
        let trades: Vec<Value> = ids.iter().map(|i| trade(&user, &format!("shared-{i}"))).collect();
        let (client, base) = (app.client.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/trades/batch"))
                .bearer_auth(common::TOKEN)
                .json(&trades)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }));
    }
    for t in tasks {
        let (s, body) = t.await.unwrap();
        assert!((200..300).contains(&s), "{s}: {body}");
    }
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    assert_eq!(store.trade_count(user.parse().unwrap()).await.unwrap(), 40);
    store.close().await;
});

fn signed(body: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    let mut mac = Hmac::<Sha256>::new_from_slice(common::STRIPE_SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn stripe(app: &common::App, id: &str, kind: &str, object: Value) -> (u16, Value) {
    let body = json!({ "id": id, "object": "event", "created": chrono::Utc::now().timestamp(), "type": kind,
                       "data": { "object": object } })
    .to_string();
    app.post_text("/webhooks/stripe", &body, &[("Stripe-Signature", &signed(&body))]).await
}

fn checkout(user: &str, customer: &str, subscription: &str) -> Value {
    json!({ "id": format!("cs_{user}"), "object": "checkout.session", "mode": "subscription",
            "client_reference_id": user, "customer": customer, "subscription": subscription })
}

both_backends!(stripe_conflicts_and_unmapped_prices, |app: common::App| async move {
    let (first, second) = (app.user("cash").await, app.user("cash").await);
    let (s, body) = stripe(&app, "evt_a", "checkout.session.completed", checkout(&first, "cus_A", "sub_A")).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("applied")), "{body}");
    // a second user linked to the same customer and subscription: acknowledged as a conflict, never a 500
    let (s, body) = stripe(&app, "evt_b", "checkout.session.completed", checkout(&second, "cus_A", "sub_A")).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("conflict")), "{body}");
    // the audit log records the conflict (its writer commits in the background)
    let mut log = Value::Null;
    for _ in 0..100 {
        log = app.get("/audit-log?limit=50").await.1;
        let rows = log["entries"].as_array().cloned().unwrap_or_default();
        if rows.iter().any(|r| r["detail"]["outcome"] == "conflict") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let rows = log["entries"].as_array().cloned().unwrap_or_default();
    assert!(rows.iter().any(|r| r["detail"]["outcome"] == "conflict"), "{log}");
    // a price with no tier grants the free plan
    let sub = json!({ "id": "sub_A", "object": "subscription", "customer": "cus_A", "status": "active",
                      "current_period_end": chrono::Utc::now().timestamp() + 86_400,
                      "items": { "data": [ { "price": { "id": "price_not_configured" } } ] } });
    let (s, body) = stripe(&app, "evt_c", "customer.subscription.updated", sub).await;
    assert_eq!(s, 200, "{body}");
    let (_, u) = app.get(&format!("/users/{first}")).await;
    assert_eq!((u["subscription_plan"].as_str(), u["subscription_status"].as_str()), (Some("free"), Some("active")));
    // a NUL character in a signed field: 400, not a 500
    let (s, body) = stripe(&app, "evt_d", "checkout.session.completed", checkout(&second, "cus_\u{0}", "sub_B")).await;
    assert_eq!((s, body["error"]["code"].as_str()), (400, Some("invalid_event")), "{body}");
});

both_backends!(anonymous_traffic_cannot_grow_metrics_or_the_audit_log, |app: common::App| async move {
    for i in 0..100 {
        let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        let r = app.client.request(method, format!("{}/trades", app.base)).send().await.unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    for i in 0..50 {
        let path = format!("/trades/{}{i}", "p".repeat(8_000));
        let r = app.client.post(format!("{}{path}", app.base)).body("{}").send().await.unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let metrics = app.client.get(format!("{}/metrics", app.base)).bearer_auth(common::TOKEN).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(!metrics.contains("INVENTED"), "an invented method became a label");
    assert!(!metrics.contains("ppppp"), "a path became a label");
    // nothing anonymous reached the audit log
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (_, log) = app.get("/audit-log?limit=1000").await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(0), "{log}");
});

both_backends!(jwt_not_before_is_checked, |app: common::App| async move {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let user = app.user("cash").await;
    let now = chrono::Utc::now().timestamp();
    let token = |nbf: i64| {
        let claims = json!({ "sub": user, "exp": now + 600, "nbf": nbf });
        encode(&Header::default(), &claims, &EncodingKey::from_secret(common::JWT_SECRET.as_bytes())).unwrap()
    };
    let get = |t: String| {
        let (client, url) = (app.client.clone(), format!("{}/users/{user}", app.base));
        async move { client.get(url).bearer_auth(t).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(token(now + 600)).await, 401, "a token used before its nbf");
    assert_eq!(get(token(now - 10)).await, 200);
});

both_backends!(every_error_is_json, |app: common::App| async move {
    let json_error = |status: u16, body: &str, want: u16| {
        assert_eq!(status, want, "{body}");
        let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body:?}"));
        assert!(v["error"]["code"].is_string() && v["error"]["message"].is_string(), "{v}");
    };
    let send = |r: reqwest::RequestBuilder| async move {
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    };
    let (s, b) = send(app.client.put(format!("{}/trades", app.base)).bearer_auth(common::TOKEN)).await;
    json_error(s, &b, 405);
    let (s, b) = send(app.client.get(format!("{}/users/%FF", app.base)).bearer_auth(common::TOKEN)).await;
    json_error(s, &b, 400);
    let big = "x".repeat(2 * 1024 * 1024);
    let (s, b) = send(app.client.post(format!("{}/webhooks/stripe", app.base)).body(big.clone())).await;
    json_error(s, &b, 413);
    let update = app.client.post(format!("{}/benchmarks/update", app.base)).bearer_auth(common::TOKEN);
    let (s, b) = send(update.header("content-type", "application/json").body(big)).await;
    json_error(s, &b, 413);
    app.stop().await;
});

/// Stores, behind kairo's back (as the seed's Node backend may), a trade row of `user` that kairo-core refuses.
async fn store_unreadable_trade(url: &str, user: &str) {
    let id = uuid::Uuid::new_v4();
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(
            "INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at)
             VALUES (?, ?, 'msft', 'BUY', '1', '1', '2024-03-01T15:00:00.000000000Z')",
        )
        .bind(id.to_string())
        .bind(user)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(
            "INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at)
             VALUES ($1, $2, 'msft', 'BUY', 1, 1, '2024-03-01T15:00:00Z')",
        )
        .bind(id)
        .bind(user.parse::<uuid::Uuid>().unwrap())
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
}

both_backends!(a_poisoned_user_never_blocks_the_others, |app: common::App| async move {
    let (poisoned, healthy) = (app.user("margin").await, app.user("margin").await);
    store_unreadable_trade(&app.database_url, &poisoned).await;
    // a trade through the API queues the poisoned user's recompute, which cannot read the history
    let (s, body) = app.post("/trades", &trade(&poisoned, "p-1")).await;
    assert_eq!(s, 201, "{body}");
    for i in 0..3 {
        let mut t = trade(&healthy, &format!("h-{i}"));
        t["executed_at"] = json!(format!("2024-03-0{}T15:00:00Z", i + 4));
        let (s, body) = app.post("/trades", &t).await;
        assert_eq!(s, 201, "{body}");
    }
    // the healthy user is audited as usual
    let expected = app.expected_audit_rows(&healthy).await;
    app.wait_for_audit(&healthy, expected).await;
    // the failure is recorded and shown: /health, the poisoned user's compliance summary; never a 5xx
    let mut health = Value::Null;
    for _ in 0..200 {
        health = app.get("/health").await.1;
        if health["jobs"]["failing"].as_i64() >= Some(1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(health["jobs"]["failing"].as_i64() >= Some(1), "{health}");
    let (s, body) = app.get(&format!("/users/{poisoned}/compliance")).await;
    assert_eq!(s, 200, "{body}");
    assert!(body["summary"]["job_error"]["error"].as_str().unwrap().contains("msft"), "{body}");
    let (s, body) = app.get(&format!("/users/{poisoned}/comparative")).await;
    assert!((400..500).contains(&s), "{s}: {body}");
});

both_backends!(body_errors_name_the_field, |app: common::App| async move {
    let (s, body) = app.post("/users", &json!({ "emial": "a@example.com" })).await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (422, Some("emial")), "{body}");
    let (s, body) = app.post("/users", &json!({ "email": 5 })).await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (422, Some("email")), "{body}");
    let user = app.user("cash").await;
    let (s, body) = app.post("/trades/batch", &json!([{ "user_id": user, "quantity": 1 }])).await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (422, Some("[0].quantity")), "{body}");
    // a missing field of a body read by serde alone (the pre-trade order): named under its parent
    let (s, body) = app
        .post(
            &format!("/users/{user}/compliance/check"),
            &json!({ "symbol": "ABC", "side": "BUY",
        "qty": "1" }),
        )
        .await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (422, Some("price")), "{body}");
    app.stop().await;
});
