//! Market hours and the limit and list checks: restricted symbols, order notional, concentration, short sales in
//! cash accounts, penny stocks, the price band and self-matching.

mod common;

use common::{buy, meta, result, sell, status};
use kairo_core::compliance::{check_history, check_order, default_rules, AccountContext, Engine, Status};
use rust_decimal_macros::dec;

fn ctx(json: &str) -> AccountContext {
    serde_json::from_str(json).unwrap()
}

#[test]
fn market_hours_follow_the_nyse_calendar_and_daylight_saving() {
    let cases = [
        ("2024-01-10T14:45:00Z", Status::Pass), // 09:45 EST
        ("2024-01-10T14:15:00Z", Status::Flag), // 09:15 EST, pre-market
        ("2024-07-10T13:45:00Z", Status::Pass), // 09:45 EDT
        ("2024-01-10T21:05:00Z", Status::Flag), // 16:05 EST, after hours
        ("2024-03-11T13:35:00Z", Status::Pass), // 09:35 EDT, the Monday after the March change
        ("2024-03-08T13:35:00Z", Status::Flag), // 08:35 EST, the Friday before it
        ("2024-11-04T14:35:00Z", Status::Pass), // 09:35 EST, the Monday after the November change
        ("2024-11-01T13:35:00Z", Status::Pass), // 09:35 EDT, the Friday before it
        ("2024-11-29T18:30:00Z", Status::Flag), // 13:30 EST on the day after Thanksgiving (early close)
        ("2024-11-29T17:30:00Z", Status::Pass), // 12:30 EST the same day
        ("2024-03-29T15:00:00Z", Status::Flag), // Good Friday
        ("2024-06-15T15:00:00Z", Status::Flag), // Saturday
    ];
    for (at, want) in cases {
        let t =
            kairo_core::Trade::new("t", "u", "AAPL", kairo_core::Side::Buy, dec!(1), dec!(100), at.parse().unwrap())
                .unwrap();
        let trades = [t];
        let results = check_history(&trades, &default_rules(), &AccountContext::default()).unwrap();
        assert_eq!(status(&results, "t", "market_hours"), want, "{at}");
    }
    let t = buy("t", "AAPL", dec!(1), dec!(100), "2024-03-29 10:00");
    let trades = [t];
    let results = check_history(&trades, &default_rules(), &AccountContext::default()).unwrap();
    let r = result(&results, "t", "market_hours");
    assert!(r.reason().contains("Good Friday"), "{}", r.reason());
    assert_eq!(meta(r, "trading_day"), false);
    assert_eq!(meta(r, "local_time"), "2024-03-29 10:00:00");
}

#[test]
fn restricted_symbols_fail_and_block_orders() {
    let c = ctx(r#"{"restricted_symbols": ["XYZ"]}"#);
    let history = vec![buy("t1", "AAPL", dec!(1), dec!(100), "2024-01-10 10:00")];
    let (o1, o2) = (
        buy("o1", "XYZ", dec!(1), dec!(100), "2024-01-11 10:00"),
        buy("o2", "MSFT", dec!(1), dec!(100), "2024-01-11 10:00"),
    );
    let d = check_order(&history, &o1, &default_rules(), &c).unwrap();
    assert!(!d.allowed);
    assert_eq!(status(&d.results, "o1", "restricted_symbol"), Status::Fail);
    let d = check_order(&history, &o2, &default_rules(), &c).unwrap();
    assert!(d.allowed);
}

#[test]
fn max_notional_fails_or_flags_as_configured_and_is_absent_without_a_limit() {
    let t = [
        buy("a", "AAPL", dec!(100), dec!(100), "2024-07-01 10:00"),
        buy("b", "AAPL", dec!(100), dec!(100.01), "2024-07-01 10:01"),
    ];
    let r = check_history(&t, &default_rules(), &ctx(r#"{"limits": {"max_notional": {"max": "10000"}}}"#)).unwrap();
    assert_eq!(status(&r, "a", "max_notional"), Status::Pass); // exactly at the limit
    let over = result(&r, "b", "max_notional");
    assert_eq!(over.status, Status::Fail);
    assert_eq!(meta(over, "notional"), "10001");
    let r = check_history(
        &t,
        &default_rules(),
        &ctx(r#"{"limits": {"max_notional": {"max": "10000", "action": "flag"}}}"#),
    )
    .unwrap();
    assert_eq!(status(&r, "b", "max_notional"), Status::Flag);
    let r = check_history(&t, &default_rules(), &AccountContext::default()).unwrap();
    assert!(r.iter().all(|r| r.check_name != "max_notional"));
}

#[test]
fn concentration_checks_the_position_after_the_trade_against_equity() {
    let c = ctx(r#"{"equity": "100000", "limits": {"concentration": {"max_percent": "20"}}}"#);
    let t = [
        buy("a", "AAPL", dec!(100), dec!(150), "2024-07-01 10:00"), // $15,000: 15%
        buy("b", "AAPL", dec!(40), dec!(150), "2024-07-01 10:01"),  // 140 × $150 = $21,000: 21%
        sell("c", "AAPL", dec!(10), dec!(150), "2024-07-01 10:02"), // reducing: always passes
    ];
    let r = check_history(&t, &default_rules(), &c).unwrap();
    assert_eq!(status(&r, "a", "concentration"), Status::Pass);
    let b = result(&r, "b", "concentration");
    assert_eq!(b.status, Status::Fail, "{}", b.reason());
    assert_eq!(meta(b, "percent_of_equity"), "21");
    assert_eq!(status(&r, "c", "concentration"), Status::Pass);
    // A short position counts by its absolute value.
    let t = [sell("s", "TSLA", dec!(100), dec!(250), "2024-07-01 10:00")];
    let r = check_history(&t, &default_rules(), &c).unwrap();
    assert_eq!(status(&r, "s", "concentration"), Status::Fail);
}

#[test]
fn cash_accounts_cannot_sell_more_than_they_hold() {
    let c = ctx(r#"{"account_type": "cash"}"#);
    let t = [
        buy("b", "AAPL", dec!(10), dec!(100), "2024-07-01 10:00"),
        sell("s1", "AAPL", dec!(4), dec!(100), "2024-07-01 11:00"), // partial sale
        sell("s2", "AAPL", dec!(7), dec!(100), "2024-07-01 12:00"), // 7 of the 6 left
        sell("s3", "MSFT", dec!(1), dec!(400), "2024-07-01 12:00"), // never held
    ];
    let r = check_history(&t, &default_rules(), &c).unwrap();
    assert_eq!(status(&r, "s1", "short_sale_cash_account"), Status::Pass);
    let s2 = result(&r, "s2", "short_sale_cash_account");
    assert_eq!(s2.status, Status::Fail);
    assert_eq!(meta(s2, "held"), "6");
    assert_eq!(status(&r, "s3", "short_sale_cash_account"), Status::Fail);
    let r = check_history(&t, &default_rules(), &ctx(r#"{"account_type": "margin"}"#)).unwrap();
    assert!(r.iter().all(|r| r.check_name != "short_sale_cash_account"));
}

#[test]
fn penny_stocks_are_flagged_below_the_threshold() {
    let t = [
        buy("a", "SNDL", dec!(1000), dec!(4.99), "2024-07-01 10:00"),
        buy("b", "F", dec!(100), dec!(5), "2024-07-01 10:00"),
    ];
    let r = check_history(&t, &default_rules(), &AccountContext::default()).unwrap();
    assert_eq!(status(&r, "a", "penny_stock"), Status::Flag);
    assert_eq!(status(&r, "b", "penny_stock"), Status::Pass);
    let r = check_history(&t, &default_rules(), &ctx(r#"{"limits": {"penny_stock": {"below": "1"}}}"#)).unwrap();
    assert_eq!(status(&r, "a", "penny_stock"), Status::Pass);
}

#[test]
fn the_price_band_uses_the_reference_price_or_the_same_days_last_trade() {
    let c = ctx(r#"{"reference_prices": {"AAPL": "200"}}"#);
    let t = [
        buy("a", "AAPL", dec!(1), dec!(220), "2024-07-01 10:00"), // +10%: inside
        buy("b", "AAPL", dec!(1), dec!(179.99), "2024-07-01 10:01"), // −10.005%: outside
        buy("m1", "MSFT", dec!(1), dec!(400), "2024-07-01 10:00"), // no reference yet
        buy("m2", "MSFT", dec!(1), dec!(4000), "2024-07-01 10:05"), // ten times the last fill: a typo
        buy("m3", "MSFT", dec!(1), dec!(4000), "2024-07-02 10:05"), // next day: no same-day reference
    ];
    let r = check_history(&t, &default_rules(), &c).unwrap();
    assert_eq!(status(&r, "a", "price_band"), Status::Pass);
    let b = result(&r, "b", "price_band");
    assert_eq!(b.status, Status::Flag);
    assert_eq!(meta(b, "deviation_percent"), "10.005");
    assert!(r.iter().all(|x| !(&*x.trade_id == "m1" && x.check_name == "price_band")));
    let m2 = result(&r, "m2", "price_band");
    assert_eq!((m2.status, meta(m2, "reference_source")), (Status::Flag, serde_json::json!("previous_trade")));
    assert!(r.iter().all(|x| !(&*x.trade_id == "m3" && x.check_name == "price_band")));
}

#[test]
fn a_buy_and_a_sell_at_the_same_price_within_the_window_are_flagged() {
    let t = [
        buy("b1", "AAPL", dec!(10), dec!(190.25), "2024-07-01 10:00"),
        sell("s1", "AAPL", dec!(10), dec!(190.25), "2024-07-01 10:00"), // same minute, same price
        sell("s2", "AAPL", dec!(10), dec!(190.26), "2024-07-01 10:00"), // other price
        buy("b2", "AAPL", dec!(10), dec!(190.26), "2024-07-01 10:02"),  // 120 s after s2
    ];
    let r = check_history(&t, &default_rules(), &AccountContext::default()).unwrap();
    let s1 = result(&r, "s1", "self_match");
    assert_eq!(s1.status, Status::Flag);
    assert_eq!(meta(s1, "matched_trade_id"), "b1");
    assert_eq!(status(&r, "s2", "self_match"), Status::Pass);
    assert_eq!(status(&r, "b2", "self_match"), Status::Pass);
    let r =
        check_history(&t, &default_rules(), &ctx(r#"{"limits": {"self_match": {"window_seconds": 300}}}"#)).unwrap();
    assert_eq!(status(&r, "b2", "self_match"), Status::Flag);
}

#[test]
fn a_pre_trade_check_on_a_live_engine_sees_the_whole_history() {
    let mut engine = Engine::new(&default_rules(), ctx(r#"{"account_type": "cash", "settled_cash": "5000"}"#)).unwrap();
    engine.push(&buy("b", "AAPL", dec!(10), dec!(100), "2024-07-01 10:00")).unwrap();
    assert_eq!(engine.position("AAPL"), dec!(10));
    let o1 = sell("o1", "AAPL", dec!(10), dec!(101), "2024-07-02 10:00");
    let ok = engine.check_order(&o1).unwrap();
    assert!(ok.allowed);
    let o2 = sell("o2", "AAPL", dec!(11), dec!(101), "2024-07-02 10:00");
    let short = engine.check_order(&o2).unwrap();
    assert!(!short.allowed);
    // Checking records nothing.
    assert_eq!(engine.position("AAPL"), dec!(10));
}
