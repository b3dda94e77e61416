//! The shared trade-input vectors (`tests/vectors/trade_inputs.json`) through kairo-core's one input path: each
//! good record becomes the trade the file gives, each bad one is refused naming the field and the kind of fault.
//! The server's suite reads the same file over HTTP.

use kairo_core::input::TradeInput;
use kairo_core::Trade;

mod vectors;
use vectors::{as_vector, vectors};

#[test]
fn good_records_become_the_stated_trades() {
    for case in vectors()["good"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input: TradeInput = serde_json::from_value(case["input"].clone()).unwrap();
        let trade = input.into_trade().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(as_vector(&trade), case["trade"], "{name}");
        // the serde path of `Trade` is the same path
        let direct: Trade = serde_json::from_value(case["input"].clone()).unwrap();
        assert_eq!(as_vector(&direct), case["trade"], "{name} (Trade's serde)");
    }
}

#[test]
fn bad_records_are_refused_naming_the_field() {
    for case in vectors()["bad"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input: TradeInput = serde_json::from_value(case["input"].clone()).unwrap();
        let e = input.into_trade().expect_err(name);
        assert_eq!(
            (e.field(), e.kind()),
            (case["field"].as_str().unwrap(), case["kind"].as_str().unwrap()),
            "{name}: {e}"
        );
        assert!(serde_json::from_value::<Trade>(case["input"].clone()).is_err(), "{name} (Trade's serde)");
    }
}

#[test]
fn unknown_fields_are_refused() {
    let e = serde_json::from_str::<TradeInput>(r#"{"user_id": "u", "quantity": "1"}"#).unwrap_err();
    assert!(e.to_string().contains("quantity"), "{e}");
}

#[test]
fn an_account_context_is_validated_when_read() {
    use kairo_core::compliance::AccountContext;
    let ok: AccountContext = serde_json::from_str(r#"{"account_type": "margin", "equity": "24000"}"#).unwrap();
    assert_eq!(serde_json::from_value::<AccountContext>(serde_json::to_value(&ok).unwrap()).unwrap(), ok);
    let e = serde_json::from_str::<AccountContext>(r#"{"equity": "-1"}"#).unwrap_err().to_string();
    assert!(e.contains("equity"), "{e}");
    let e = toml::from_str::<AccountContext>("[limits.pattern_day_trading]\nwindow_days = 0").unwrap_err().to_string();
    assert!(e.contains("window_days"), "{e}");
}

#[test]
fn the_default_benchmark_is_spy() {
    use kairo_core::compare::{Benchmark, DEFAULT_BENCHMARK};
    assert_eq!(Benchmark::default(), Benchmark::symbol(DEFAULT_BENCHMARK).unwrap());
    assert_eq!(DEFAULT_BENCHMARK, "SPY");
}
