//! The shared trade-input vectors (`kairo-core/tests/vectors/trade_inputs.json`) over HTTP, on both backends: each
//! good record is stored as the trade the file states, each bad one is answered 422 naming the field and the kind
//! of fault, exactly as kairo-core answers them (kairo-core/tests/trade_inputs.rs reads the same file); and the same
//! records as rows of a CSV file for `kairo-server import` (`load::read_trades`), where an empty cell is absent.

mod common;

use serde_json::{json, Value};

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../kairo-core/tests/vectors/trade_inputs.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The record with the test user as its owner.
fn owned_by(input: &Value, user: &str) -> Value {
    let mut input = input.clone();
    if input.get("user_id").is_some() {
        input["user_id"] = json!(user);
    }
    input
}

both_backends!(shared_vectors_over_http, |app: common::App| async move {
    let v = vectors();
    let user = app.user("margin").await;
    for case in v["good"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (s, body) = app.post("/trades", &owned_by(&case["input"], &user)).await;
        assert_eq!(s, 201, "{name}: {body}");
        let got: Value = ["symbol", "side", "qty", "price", "fees", "executed_at", "external_id"]
            .iter()
            .map(|k| (k.to_string(), body[*k].clone()))
            .collect::<serde_json::Map<_, _>>()
            .into();
        assert_eq!(got, case["trade"], "{name}");
    }
    for case in v["bad"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (s, body) = app.post("/trades", &owned_by(&case["input"], &user)).await;
        assert_eq!(s, 422, "{name}: {body}");
        let details = &body["error"]["details"];
        assert_eq!((&details["field"], &details["kind"]), (&case["field"], &case["kind"]), "{name}: {body}");
        // the same record in a batch is refused at its index, with the same field and kind
        let (s, body) = app.post("/trades/batch", &json!([owned_by(&case["input"], &user)])).await;
        assert_eq!(s, 422, "{name}: {body}");
        let e = &body["error"]["details"]["errors"][0];
        assert_eq!((&e["index"], &e["field"], &e["kind"]), (&json!(0), &case["field"], &case["kind"]), "{name}");
    }
    // ids are the service's
    let mut with_id = owned_by(&v["good"][0]["input"], &user);
    with_id["id"] = json!("my-id");
    let (s, body) = app.post("/trades", &with_id).await;
    assert_eq!((s, body["error"]["details"]["field"].as_str()), (422, Some("id")), "{body}");
});

/// The records as one CSV file with every field's column (an absent field an empty cell, a JSON value its text).
fn csv_of(records: &[&Value]) -> String {
    let columns = ["user_id", "symbol", "side", "qty", "price", "executed_at", "external_id", "fees"];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns).unwrap();
    for r in records {
        let cell = |c: &str| match &r[c] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        w.write_record(columns.map(cell)).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn shared_vectors_as_csv_rows() {
    use kairo_server::load::{read_trades, LoadError, Problem};
    let v = vectors();
    for case in v["good"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let by_user = read_trades(csv_of(&[&case["input"]]).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let t = &by_user.values().next().unwrap()[0];
        let got = json!({
            "symbol": t.symbol, "side": t.side.as_str(), "qty": t.qty.to_string(), "price": t.price.to_string(),
            "fees": t.fees.to_string(),
            "executed_at": t.executed_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            "external_id": t.external_id,
        });
        assert_eq!(got, case["trade"], "{name}");
    }
    for case in v["bad"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        match read_trades(csv_of(&[&case["input"]]).as_bytes()) {
            Err(LoadError::BadRecords(errors)) => match &errors[0].problem {
                Problem::Trade(e) => assert_eq!(
                    (e.field(), e.kind()),
                    (case["field"].as_str().unwrap(), case["kind"].as_str().unwrap()),
                    "{name}: {e}"
                ),
                other => panic!("{name}: {other}"),
            },
            other => panic!("{name}: {other:?}"),
        }
    }
}
