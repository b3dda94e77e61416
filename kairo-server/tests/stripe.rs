//! Stripe webhooks over HTTP, on both backends: payloads built in the shape of Stripe's API objects and signed as
//! Stripe signs them (HMAC-SHA256 of "{t}.{body}", computed here with the hmac crate); valid, forged, stale,
//! replayed, out-of-order and duplicate deliveries.

mod common;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    json!({
        "id": id, "object": "event", "api_version": "2024-06-20", "created": created, "type": kind,
        "livemode": false, "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null },
        "data": { "object": object },
    })
    .to_string()
}

fn subscription(status: &str, price: &str, period_end: i64) -> Value {
    json!({
        "id": "sub_1Pabc", "object": "subscription", "customer": "cus_QXYZ", "status": status,
        "current_period_end": period_end, "metadata": {},
        "items": { "object": "list", "data": [
            { "id": "si_1", "object": "subscription_item", "quantity": 1,
              "price": { "id": price, "object": "price", "currency": "usd", "unit_amount": 1999 } }
        ] },
    })
}

async fn deliver(app: &common::App, body: &str, header: &str) -> (u16, Value) {
    app.post_text("/webhooks/stripe", body, &[("Stripe-Signature", header)]).await
}

/// The user's (plan, status) as GET /users/{id} reports them.
async fn plan(app: &common::App, user: String) -> (String, String) {
    let (_, u) = app.get(&format!("/users/{user}")).await;
    let field = |k: &str| u[k].as_str().unwrap_or("").to_owned();
    (field("subscription_plan"), field("subscription_status"))
}

async fn send(app: &common::App, body: &str) -> (u16, Value) {
    let t = chrono::Utc::now().timestamp();
    deliver(app, body, &format!("t={t},v1={}", signature(common::STRIPE_SECRET, t, body))).await
}

both_backends!(subscription_lifecycle, |app: common::App| async move {
    let user = app.user("cash").await;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(plan(&app, user.clone()).await, ("free".into(), "inactive".into()));

    // a subscription event before the checkout that links the customer: acknowledged (200) and kept
    let early = event(
        "evt_early",
        "customer.subscription.created",
        now - 20,
        subscription("active", "price_pro_monthly", now + 86_400),
    );
    let (s, body) = send(&app, &early).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("parked")), "{body}");
    assert_eq!(plan(&app, user.clone()).await, ("free".into(), "inactive".into()));

    let checkout = event(
        "evt_checkout",
        "checkout.session.completed",
        now - 10,
        json!({
            "id": "cs_test_1", "object": "checkout.session", "mode": "subscription", "client_reference_id": user,
            "customer": "cus_QXYZ", "subscription": "sub_1Pabc", "payment_status": "paid", "status": "complete",
        }),
    );
    let (s, body) = send(&app, &checkout).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("applied")), "{body}");

    // the checkout applied the kept event: the price maps to the "pro" tier
    assert_eq!(plan(&app, user.clone()).await, ("pro".into(), "active".into()));

    // replayed (Stripe retries too): acknowledged, nothing changes
    let (s, body) = send(&app, &early).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("duplicate")), "{body}");

    // a failed invoice, then an older "active" update arriving late: the newer state stands
    let failed = event(
        "evt_failed",
        "invoice.payment_failed",
        now,
        json!({
            "id": "in_1", "object": "invoice", "customer": "cus_QXYZ", "subscription": "sub_1Pabc", "status": "open",
        }),
    );
    assert_eq!(send(&app, &failed).await.1["outcome"], "applied");
    assert_eq!(plan(&app, user.clone()).await, ("pro".into(), "past_due".into()));

    // each applied change is an event of the user's log (the replay, applying nothing, is none)
    let (_, stream) = common::sse::open(&app.base, &format!("/users/{user}/events?after=0"), common::TOKEN, None).await;
    let changes: Vec<(Value, Value, Value)> = stream
        .unwrap()
        .until(std::time::Duration::from_secs(10), |s| s.len() >= 2)
        .await
        .iter()
        .filter(|e| e.kind == "subscription.changed")
        .map(|e| {
            (
                e.data["data"]["plan"].clone(),
                e.data["data"]["status"].clone(),
                e.data["data"]["stripe_event_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (json!("pro"), json!("active"), json!("evt_checkout")),
            (json!("pro"), json!("past_due"), json!("evt_failed")),
        ]
    );
    let late = event(
        "evt_late",
        "customer.subscription.updated",
        now - 5,
        subscription("active", "price_pro_monthly", now + 86_400),
    );
    let (s, body) = send(&app, &late).await;
    assert_eq!((s, body["outcome"].as_str()), (200, Some("stale")), "{body}");
    assert_eq!(plan(&app, user.clone()).await, ("pro".into(), "past_due".into()));

    // paid again, then cancelled: back to the free plan
    let paid = event(
        "evt_paid",
        "invoice.paid",
        now + 1,
        json!({
            "id": "in_2", "object": "invoice", "customer": "cus_QXYZ", "subscription": "sub_1Pabc", "status": "paid",
        }),
    );
    assert_eq!(send(&app, &paid).await.1["outcome"], "applied");
    assert_eq!(plan(&app, user.clone()).await, ("pro".into(), "active".into()));
    let deleted = event(
        "evt_deleted",
        "customer.subscription.deleted",
        now + 2,
        subscription("canceled", "price_pro_monthly", now + 86_400),
    );
    assert_eq!(send(&app, &deleted).await.1["outcome"], "applied");
    assert_eq!(plan(&app, user.clone()).await, ("free".into(), "canceled".into()));

    // an event kairo does not act on is acknowledged
    let other = event("evt_other", "customer.created", now + 3, json!({ "id": "cus_2", "object": "customer" }));
    assert_eq!(send(&app, &other).await.1["outcome"], "ignored");
    app.stop().await;
});

both_backends!(signatures_are_checked_before_anything_is_written, |app: common::App| async move {
    let user = app.user("cash").await;
    let now = chrono::Utc::now().timestamp();
    let body = event(
        "evt_sig",
        "checkout.session.completed",
        now,
        json!({
            "id": "cs_test_2", "object": "checkout.session", "client_reference_id": user, "customer": "cus_SIG",
        }),
    );
    // forged: signed with another secret
    let forged = format!("t={now},v1={}", signature("whsec_other", now, &body));
    let (s, e) = deliver(&app, &body, &forged).await;
    assert_eq!((s, e["error"]["code"].as_str()), (400, Some("invalid_signature")), "{e}");
    // tampered: the right secret over another body
    let tampered = format!("t={now},v1={}", signature(common::STRIPE_SECRET, now, "{}"));
    assert_eq!(deliver(&app, &body, &tampered).await.0, 400);
    // stale: signed 301 s ago (Stripe's tolerance is 300 s)
    let old = now - 301;
    let (s, e) = deliver(&app, &body, &format!("t={old},v1={}", signature(common::STRIPE_SECRET, old, &body))).await;
    assert_eq!(s, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("300 s tolerated"), "{e}");
    // no header, malformed header
    assert_eq!(deliver(&app, &body, "").await.0, 400);
    assert_eq!(deliver(&app, &body, "v1=abc").await.0, 400);
    // one of several v1 signatures (a secret being rolled) is enough; nothing was written before it
    let good = signature(common::STRIPE_SECRET, now, &body);
    let (s, r) = deliver(&app, &body, &format!("t={now},v1={},v1={good}", "0".repeat(64))).await;
    assert_eq!((s, r["outcome"].as_str()), (200, Some("applied")), "{r}");
    app.stop().await;
});

both_backends!(paid_features_follow_the_subscription, |app: common::App| async move {
    // An end user on the free plan gets the basic metrics; the full set and blended benchmarks answer 402 naming
    // the plan, until a Stripe subscription to a price of that plan is active.
    let user = app.user("cash").await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "sub": user, "exp": now + 600 });
    let key = jsonwebtoken::EncodingKey::from_secret(common::JWT_SECRET.as_bytes());
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    let get = |path: String| {
        let req = app.client.get(format!("{}{path}", app.base)).bearer_auth(&token);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, e) = get(format!("/users/{user}/metrics")).await;
    assert_eq!((s, e["error"]["code"].as_str()), (402, Some("plan_required")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("pro plan"), "{e}");
    assert_eq!(e["error"]["details"]["required_plan"], "pro");
    let (s, basic) = get(format!("/users/{user}/metrics?set=basic")).await;
    assert_eq!(s, 200, "{basic}");
    assert!(basic.get("risk").is_none() && basic.get("pnl").is_some(), "{basic}");
    let (s, e) = get(format!("/users/{user}/comparative?benchmark=SPY:0.6,AGG:0.4")).await;
    assert_eq!((s, e["error"]["code"].as_str()), (402, Some("plan_required")), "{e}");
    let (s, e) = get(format!("/users/{user}/metrics?set=everything")).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("set")), "{e}");
    // the service token is not gated
    let (s, _) = app.get(&format!("/users/{user}/metrics")).await;
    assert_eq!(s, 200);

    let checkout = event(
        "evt_g1",
        "checkout.session.completed",
        now - 2,
        json!({
            "id": "cs_g", "object": "checkout.session", "client_reference_id": user, "customer": "cus_G",
            "subscription": "sub_G",
        }),
    );
    assert_eq!(send(&app, &checkout).await.0, 200);
    let mut sub = subscription("active", "price_pro_monthly", now + 86_400);
    sub["customer"] = json!("cus_G");
    sub["id"] = json!("sub_G");
    assert_eq!(send(&app, &event("evt_g2", "customer.subscription.created", now - 1, sub)).await.0, 200);
    let (s, full) = get(format!("/users/{user}/metrics")).await;
    assert_eq!(s, 200, "{full}");
    assert!(full.get("risk").is_some(), "{full}");
    app.stop().await;
});
