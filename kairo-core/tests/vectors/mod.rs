//! The shared trade-input vectors (`tests/vectors/trade_inputs.json`) and the trade as they state it, for the
//! test files that read them through each of kairo-core's readers.

use kairo_core::Trade;
use serde_json::Value;

/// The vectors file.
pub fn vectors() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/trade_inputs.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The trade as the vectors state it.
pub fn as_vector(t: &Trade) -> Value {
    serde_json::json!({
        "symbol": t.symbol, "side": t.side.as_str(), "qty": t.qty.to_string(), "price": t.price.to_string(),
        "fees": t.fees.to_string(),
        "executed_at": t.executed_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "external_id": t.external_id,
    })
}
