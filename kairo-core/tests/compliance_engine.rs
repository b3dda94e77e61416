//! The compliance engine: streaming, batch and pre-trade give the same answers; the market-hours and
//! restricted-symbol rules; rule configuration from JSON and TOML.

use chrono::{DateTime, Duration, Utc};
use kairo_core::compliance::{check_history, check_order, default_rules, AccountContext, AccountType, Engine, Status};
use kairo_core::{Side, Trade};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn trade(id: &str, symbol: &str, at: &str) -> Trade {
    Trade::new(id, "u1", symbol, Side::Buy, dec!(10), dec!(100), at.parse::<DateTime<Utc>>().unwrap()).unwrap()
}

fn status_of(results: &[kairo_core::compliance::CheckResult], check: &str) -> Status {
    results.iter().find(|r| r.check_name == check).unwrap().status
}

#[test]
fn market_hours_follow_the_nyse_calendar_and_daylight_saving() {
    let ctx = AccountContext::default();
    let cases = [
        ("2024-01-10T14:45:00Z", Status::Pass), // 09:45 EST
        ("2024-01-10T14:15:00Z", Status::Flag), // 09:15 EST, pre-market
        ("2024-07-10T13:45:00Z", Status::Pass), // 09:45 EDT
        ("2024-01-10T21:05:00Z", Status::Flag), // 16:05 EST, after hours
        ("2024-03-11T13:35:00Z", Status::Pass), // 09:35 EDT, the Monday after the March change
        ("2024-03-08T13:35:00Z", Status::Flag), // 08:35 EST, the Friday before it
        ("2024-11-29T18:30:00Z", Status::Flag), // 13:30 EST on the day after Thanksgiving (early close)
        ("2024-03-29T15:00:00Z", Status::Flag), // Good Friday
        ("2024-06-15T15:00:00Z", Status::Flag), // Saturday
    ];
    for (at, want) in cases {
        let results = check_history(&[trade("t", "AAPL", at)], &default_rules(), &ctx).unwrap();
        assert_eq!(status_of(&results, "market_hours"), want, "{at}");
    }
    let results = check_history(&[trade("t", "AAPL", "2024-03-29T15:00:00Z")], &default_rules(), &ctx).unwrap();
    let r = results.iter().find(|r| r.check_name == "market_hours").unwrap();
    assert!(r.reason.contains("Good Friday"), "{}", r.reason);
    assert_eq!(r.metadata["trading_day"], false);
}

#[test]
fn restricted_symbols_fail_and_block_orders() {
    let ctx: AccountContext = serde_json::from_str(r#"{"restricted_symbols": ["XYZ"]}"#).unwrap();
    let history = vec![trade("t1", "AAPL", "2024-01-10T15:00:00Z")];
    let d = check_order(&history, &trade("o1", "XYZ", "2024-01-11T15:00:00Z"), &default_rules(), &ctx).unwrap();
    assert!(!d.allowed);
    assert_eq!(status_of(&d.results, "restricted_symbol"), Status::Fail);
    let d = check_order(&history, &trade("o2", "MSFT", "2024-01-11T15:00:00Z"), &default_rules(), &ctx).unwrap();
    assert!(d.allowed);
}

#[test]
fn configuration_loads_from_json_and_toml_and_rejects_unknown_keys() {
    let toml_ctx: AccountContext = toml::from_str(
        r#"
        account_type = "margin"
        equity = "30000"
        restricted_symbols = ["XYZ", "ABC"]
        settlement = "t_plus1"
        "#,
    )
    .unwrap();
    assert_eq!(toml_ctx.account_type, AccountType::Margin);
    assert_eq!(toml_ctx.equity, Some(dec!(30000)));
    assert!(toml_ctx.is_restricted("ABC"));
    let err = serde_json::from_str::<AccountContext>(r#"{"acount_type": "cash"}"#).unwrap_err().to_string();
    assert!(err.contains("acount_type"), "{err}");
}

fn arb_history() -> impl Strategy<Value = Vec<Trade>> {
    prop::collection::vec((0usize..3, 0i64..20_000, any::<bool>()), 0..40).prop_map(|rows| {
        let start: DateTime<Utc> = "2024-03-04T14:00:00Z".parse().unwrap();
        rows.into_iter()
            .enumerate()
            .map(|(i, (s, minutes, buy))| {
                let side = if buy { Side::Buy } else { Side::Sell };
                Trade::new(
                    format!("t{i}"),
                    "u1",
                    ["AAPL", "XYZ", "BRK.B"][s],
                    side,
                    Decimal::from(1 + i as i64),
                    dec!(50),
                    start + Duration::minutes(minutes),
                )
                .unwrap()
            })
            .collect()
    })
}

proptest! {
    /// Pushing trades one by one gives what the batch gives, and a pre-trade check of the next trade gives what
    /// pushing it gives.
    #[test]
    fn streaming_equals_batch_and_pre_trade(history in arb_history()) {
        let ctx: AccountContext = serde_json::from_str(r#"{"restricted_symbols": ["XYZ"]}"#).unwrap();
        let rules = default_rules();
        let batch = check_history(&history, &rules, &ctx).unwrap();
        let mut sorted = history.clone();
        kairo_core::trade::sort_chronologically(&mut sorted);
        let mut engine = Engine::new(&rules, ctx.clone());
        let mut streamed = Vec::new();
        for t in &sorted {
            let pre = engine.check_order(t).unwrap();
            let pushed = engine.push(t).unwrap();
            prop_assert_eq!(&pre.results, &pushed);
            streamed.extend(pushed);
        }
        prop_assert_eq!(batch, streamed);
    }
}
