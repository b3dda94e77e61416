//! The audit log (who, what, when for every state-changing request and webhook) and request ids, on both
//! backends.

mod common;

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};

fn signed(body: &str) -> String {
    let t = chrono::Utc::now().timestamp();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(common::STRIPE_SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Polls the log until it holds `n` entries (they are written within a fraction of a second).
async fn entries(app: &common::App, n: usize) -> Vec<Value> {
    let mut last = Vec::new();
    for _ in 0..100 {
        let (s, body) = app.get("/audit-log?limit=1000").await;
        assert_eq!(s, 200, "{body}");
        last = body["entries"].as_array().unwrap().clone();
        if last.len() >= n {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the audit log has {} entries, expected {n}: {last:?}", last.len());
}

both_backends!(state_changes_and_webhooks_are_logged, |app: common::App| async move {
    let user = app.user("cash").await;
    // a trade, with the caller's request id
    let r = app
        .client
        .post(format!("{}/trades", app.base))
        .bearer_auth(common::TOKEN)
        .header("x-request-id", "req-abc-123")
        .json(&common::trade(&user, "BUY", "1", "10", "2024-07-01T15:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.headers()["x-request-id"], "req-abc-123", "the caller's id is echoed");
    let trade: Value = r.json().await.unwrap();
    // a refused attempt without credentials
    let (s, _) = app.post_text("/trades", "{}", &[]).await;
    assert_eq!(s, 401);
    // a pre-trade check changes nothing: not logged
    let r = app
        .client
        .post(format!("{}/users/{user}/compliance/check", app.base))
        .bearer_auth(common::user_jwt(&user))
        .json(&json!({ "symbol": "ABC", "side": "BUY", "qty": "1", "price": "10" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let generated = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36, "a UUID when the caller sends none: {generated}");
    // a Stripe delivery
    let event = json!({ "id": "evt_audit_1", "object": "event", "type": "customer.created", "created": 1_700_000_000,
        "data": { "object": { "id": "cus_1", "object": "customer" } } })
    .to_string();
    let (s, body) = app.post_text("/webhooks/stripe", &event, &[("Stripe-Signature", &signed(&event))]).await;
    assert_eq!(s, 200, "{body}");

    let log = entries(&app, 3).await;
    assert_eq!(log.len(), 3, "{log:?}");
    // newest first
    let stripe = &log[0];
    assert_eq!((stripe["actor"].as_str(), stripe["action"].as_str()), (Some("stripe"), Some("POST /webhooks/stripe")));
    assert_eq!(stripe["detail"]["event_id"], "evt_audit_1");
    assert_eq!(stripe["detail"]["outcome"], "ignored");
    // the anonymous, refused request is counted, not written (anonymous traffic cannot grow the log)
    let metrics = app.client.get(format!("{}/metrics", app.base)).bearer_auth(common::TOKEN).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(metrics.lines().any(|l| l.starts_with("kairo_audit_anonymous_rejects_total{status=\"4xx\"}")), "{metrics}");
    let stored = &log[1];
    assert_eq!(stored["actor"], "service");
    assert_eq!(stored["action"], "POST /trades");
    assert_eq!(stored["status"], 201);
    assert_eq!(stored["request_id"], "req-abc-123");
    assert_eq!(stored["detail"]["trade_id"], trade["id"]);
    assert_eq!(stored["detail"]["created"], true);
    let created = &log[2];
    assert_eq!((created["action"].as_str(), created["target"].as_str()), (Some("POST /users"), Some("/users")));
    assert_eq!(created["detail"]["user_id"].as_str(), Some(user.as_str()));
    assert!(chrono::DateTime::parse_from_rfc3339(created["at"].as_str().unwrap()).is_ok());
    // filters
    let (_, only) = app.get("/audit-log?actor=stripe").await;
    assert_eq!(only["entries"].as_array().unwrap().len(), 1);
    let (s, e) = app.get("/audit-log?limit=0").await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("limit")));
    // end users cannot read it
    let r =
        app.client.get(format!("{}/audit-log", app.base)).bearer_auth(common::user_jwt(&user)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    app.stop().await;
});

both_backends!(entries_queued_at_shutdown_are_written, |app: common::App| async move {
    let user = app.user("margin").await;
    let batch: Vec<Value> =
        (0..5).map(|i| common::trade(&user, "BUY", "1", "10", &format!("2024-07-01T15:00:0{i}Z"))).collect();
    let (s, _) = app.post("/trades/batch", &json!(batch)).await;
    assert_eq!(s, 201);
    // stop the server right away (the database directory stays with `app`)
    let mut app = app;
    app.server.take().unwrap().shutdown().await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let log = store
        .audit_log(&kairo_server::store::audit_log::AuditLogQuery { limit: 10, ..Default::default() })
        .await
        .unwrap();
    store.close().await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["POST /trades/batch", "POST /users"]);
    assert_eq!(log[0].detail["trades"], 5);
});
