//! Activities over HTTP on both backends: the worked real account of kairo-core's shared vectors
//! (`kairo-core/tests/vectors/real_account.json`) posted as trades and activities gives the figures derived there
//! at `/users/{id}/account`; a bad batch stores nothing and names every bad record; a repeat stores nothing twice.

mod common;

use kairo_server::alpaca::CorporateAction;
use kairo_server::store::market::{DailyBar, PriceSource};
use serde_json::{json, Value};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../kairo-core/tests/vectors/real_account.json")).unwrap()
}

/// The vectors' closes and splits loaded into the service's market-data tables.
async fn load_prices(app: &common::App, v: &Value) {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let bars: Vec<DailyBar> = v["prices"]["closes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| DailyBar {
            symbol: c["symbol"].as_str().unwrap().into(),
            date: c["date"].as_str().unwrap().parse().unwrap(),
            close: c["close"].as_str().unwrap().parse().unwrap(),
            open: None,
            high: None,
            low: None,
            volume: None,
        })
        .collect();
    let actions: Vec<CorporateAction> = v["prices"]["splits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| CorporateAction::Split {
            symbol: s["symbol"].as_str().unwrap().into(),
            ex_date: s["ex_date"].as_str().unwrap().parse().unwrap(),
            ratio: s["ratio"].as_str().unwrap().parse().unwrap(),
        })
        .collect();
    store.load_bars(&bars, &actions, PriceSource::Csv).await.unwrap();
    store.close().await;
}

/// The vectors' trades and activities posted for a new user; its id.
async fn post_account(app: &common::App, v: &Value) -> String {
    let user = app.user("cash").await;
    let trades: Vec<Value> = v["trades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.as_object_mut().unwrap().remove("id");
            t["user_id"] = json!(user);
            t
        })
        .collect();
    let (s, body) = app.post("/trades/batch", &json!(trades)).await;
    assert_eq!(s, 201, "{body}");
    let activities: Vec<Value> = v["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a["user_id"] = json!(user);
            a
        })
        .collect();
    let (s, body) = app.post("/activities/batch", &json!(activities)).await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["created"], activities.len());
    // a repeat stores nothing twice
    let (s, body) = app.post("/activities/batch", &json!(activities)).await;
    assert_eq!((s, &body["created"]), (201, &json!(0)), "{body}");
    user
}

both_backends!(the_worked_account_over_http, |app: common::App| async move {
    let v = vectors();
    load_prices(&app, &v).await;
    let user = post_account(&app, &v).await;
    let (s, a) = app.get(&format!("/users/{user}/account")).await;
    assert_eq!(s, 200, "{a}");
    for (key, expected) in v["expected"]["account"].as_object().unwrap() {
        let got = &a[key.as_str()];
        match expected {
            Value::String(e) if e.len() == 10 && e.contains('-') => assert_eq!(got, expected, "{key}"),
            Value::String(e) => {
                let (g, e): (rust_decimal::Decimal, rust_decimal::Decimal) =
                    (got.as_str().unwrap_or_else(|| panic!("{key}: {a}")).parse().unwrap(), e.parse().unwrap());
                assert_eq!(g, e, "{key}");
            }
            Value::Number(n) => assert!((got.as_f64().unwrap() - n.as_f64().unwrap()).abs() < 1e-9, "{key}: {got}"),
            other => panic!("{key}: {other}"),
        }
    }
    assert_eq!((a["trades"].as_u64(), a["activities"].as_u64()), (Some(5), Some(68)));
    // the daily valuations on request; the NVDA split day's value is the derivation's
    let (s, d) = app.get(&format!("/users/{user}/account?daily=true")).await;
    assert_eq!(s, 200);
    let day = d["days"].as_array().unwrap().iter().find(|x| x["date"] == "2024-06-10").unwrap();
    assert_eq!(day["value"], "65524.55");
    let (s, list) = app.get(&format!("/users/{user}/activities")).await;
    assert_eq!((s, list["activities"].as_array().unwrap().len()), (200, 68));
    assert_eq!(list["activities"][0]["type"], "DEPOSIT");
    app.stop().await;
});

both_backends!(a_bad_batch_stores_nothing_and_names_every_record, |app: common::App| async move {
    let user = app.user("cash").await;
    let batch = json!([
        { "user_id": user, "type": "DEPOSIT", "date": "2024-01-02", "amount": "100" },
        { "user_id": user, "type": "DEPOSIT", "date": "2024-01-02", "amount": "-5" },
        { "user_id": user, "type": "SPLIT", "date": "2024-01-02", "symbol": "NVDA" },
        { "user_id": user, "type": "REBATE", "date": "2024-01-02", "amount": "1" },
    ]);
    let (s, e) = app.post("/activities/batch", &batch).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("invalid_activity")), "{e}");
    let errors: Vec<(u64, String, String)> = e["error"]["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (x["index"].as_u64().unwrap(), x["field"].as_str().unwrap().into(), x["kind"].as_str().unwrap().into())
        })
        .collect();
    assert_eq!(
        errors,
        [
            (1, "amount".into(), "not_positive".into()),
            (2, "ratio".into(), "missing".into()),
            (3, "type".into(), "unknown_type".into())
        ]
    );
    let (_, list) = app.get(&format!("/users/{user}/activities")).await;
    assert_eq!(list["activities"], json!([]), "nothing stored");
    // one activity: 201, then 200 for the same id; an unknown field is refused by name
    let one = json!({ "id": "div-1", "user_id": user, "type": "dividend", "date": "2024-02-15", "symbol": "aapl", "amount": 9.6 });
    let (s, body) = app.post("/activities", &one).await;
    assert_eq!((s, body["symbol"].as_str(), body["amount"].as_str()), (201, Some("AAPL"), Some("9.6")), "{body}");
    assert_eq!(app.post("/activities", &one).await.0, 200);
    let (s, e) =
        app.post("/activities", &json!({ "user_id": user, "type": "FEE", "date": "2024-02-15", "amout": "1" })).await;
    assert_eq!((s, e["error"]["details"]["field"].as_str()), (422, Some("amout")), "{e}");
    // an unknown user is a 404
    let stranger = json!({ "user_id": uuid::Uuid::new_v4(), "type": "DEPOSIT", "date": "2024-01-02", "amount": "1" });
    assert_eq!(app.post("/activities", &stranger).await.0, 404);
    app.stop().await;
});

/// Alpaca's account activities as `GET /v2/account/activities` returns them (fills and non-trade activities).
fn alpaca_activities() -> Value {
    json!([
        {"id": "20240102000000000::csd", "activity_type": "CSD", "date": "2024-01-02", "net_amount": "5000",
         "description": "", "status": "executed"},
        {"id": "20240103150000000::fill", "activity_type": "FILL", "transaction_time": "2024-01-03T15:00:00.123Z",
         "type": "fill", "price": "481.00", "qty": "2", "side": "buy", "symbol": "NVDA", "leaves_qty": "0",
         "order_id": "904837e3-3b76-47ec-b432-046db621571b", "cum_qty": "2", "order_status": "filled"},
        {"id": "20240327000000000::div", "activity_type": "DIV", "date": "2024-03-27", "net_amount": "0.08",
         "symbol": "NVDA", "qty": "2", "per_share_amount": "0.04"},
        {"id": "20240327000000000::nra", "activity_type": "DIVNRA", "date": "2024-03-27", "net_amount": "-0.02",
         "symbol": "NVDA", "qty": "2", "per_share_amount": "0.04"},
        {"id": "20240328000000000::ptc", "activity_type": "PTC", "date": "2024-03-28", "net_amount": "-0.01"},
        {"id": "20240610000000000::split", "activity_type": "SPLIT", "date": "2024-06-10", "symbol": "NVDA", "qty": "18"},
        {"id": "20240701000000000::reorg", "activity_type": "REORG", "date": "2024-07-01", "symbol": "XYZ"}
    ])
}

both_backends!(alpaca_activities_import_all_or_nothing, |app: common::App| async move {
    let user = app.user("cash").await;
    // REORG is not taken: the import is refused, naming it, and nothing is stored
    let (s, e) = app.post(&format!("/users/{user}/activities/alpaca"), &alpaca_activities()).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("invalid_activity")), "{e}");
    let errors = e["error"]["details"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0]["index"].as_u64(), errors[0]["kind"].as_str()), (Some(6), Some("unsupported_type")));
    assert_eq!(errors[0]["id"], "20240701000000000::reorg");
    assert_eq!(app.get(&format!("/users/{user}/activities")).await.1["activities"], json!([]));
    // with skip_unsupported: the fill is a trade, four activities are stored, SPLIT and REORG are listed as skipped
    let (s, body) =
        app.post(&format!("/users/{user}/activities/alpaca?skip_unsupported=true"), &alpaca_activities()).await;
    assert_eq!(s, 201, "{body}");
    assert_eq!((body["trades_created"].as_u64(), body["activities_created"].as_u64()), (Some(1), Some(4)), "{body}");
    let skipped: Vec<&str> = body["skipped"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(skipped, ["covered_by_corporate_actions", "unsupported_type"]);
    let (_, list) = app.get(&format!("/users/{user}/activities")).await;
    let kinds: Vec<(&str, &str)> = list["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["type"].as_str().unwrap(), a["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("DEPOSIT", "5000"), ("DIVIDEND", "0.08"), ("TAX", "0.02"), ("FEE", "0.01")]);
    // a second import stores nothing twice
    let (s, body) =
        app.post(&format!("/users/{user}/activities/alpaca?skip_unsupported=true"), &alpaca_activities()).await;
    assert_eq!((s, body["trades_created"].as_u64(), body["activities_created"].as_u64()), (201, Some(0), Some(0)));
    app.stop().await;
});

/// The status of check `name` on trade `trade_id` in the audit.
fn status(audit: &Value, trade_id: &str, name: &str) -> String {
    audit["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["trade_id"] == trade_id && r["check_name"] == name)
        .unwrap_or_else(|| panic!("no {name} row for {trade_id}: {audit}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

both_backends!(compliance_sees_the_accounts_cash, |app: common::App| async move {
    // Two cash accounts buy $1,000 of ABC and sell it the same afternoon; one deposited $1,000 that morning, the
    // other $500: the first paid for the purchase, the second sold shares it had not paid for (freeriding).
    let mut sells = Vec::new();
    for deposit in ["1000", "500"] {
        let user = app.user("cash").await;
        let d = json!({ "user_id": user, "type": "DEPOSIT", "date": "2024-07-01", "amount": deposit });
        assert_eq!(app.post("/activities", &d).await.0, 201);
        let mut ids = Vec::new();
        for (side, at) in [("BUY", "2024-07-01T14:00:00Z"), ("SELL", "2024-07-01T19:00:00Z")] {
            let (s, t) = app.post("/trades", &common::trade(&user, side, "10", "100", at)).await;
            assert_eq!(s, 201, "{t}");
            ids.push(t["id"].as_str().unwrap().to_owned());
        }
        let rows = app.expected_audit_rows(&user).await;
        let audit = app.wait_for_audit(&user, rows).await;
        sells.push(status(&audit, &ids[1], "freeriding"));
        // a later deposit dated that morning re-checks the day: now paid for
        if deposit == "500" {
            let more =
                json!({ "user_id": user, "type": "DEPOSIT", "date": "2024-07-01", "amount": "500", "id": "more" });
            assert_eq!(app.post("/activities", &more).await.0, 201);
            let mut again = String::new();
            for _ in 0..200 {
                let (_, audit) = app.get(&format!("/users/{user}/compliance?limit=1000")).await;
                again = status(&audit, &ids[1], "freeriding");
                if again == "pass" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            assert_eq!(again, "pass", "the deposit's day was recomputed");
        }
    }
    assert_eq!(sells, ["pass", "fail"]);
    app.stop().await;
});
