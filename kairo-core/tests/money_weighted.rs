//! Money-weighted returns against the shared vectors (tests/vectors/money_weighted.json): XIRR values from pyxirr
//! and Microsoft's XIRR documentation, modified Dietz values derived by hand in each case's note.

use chrono::NaiveDate;
use kairo_core::returns::{modified_dietz, xirr};
use kairo_core::ErrorInfo;
use rust_decimal::Decimal;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/money_weighted.json")).unwrap()
}

fn flows(v: &Value) -> Vec<(NaiveDate, Decimal)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| (f[0].as_str().unwrap().parse().unwrap(), f[1].as_str().unwrap().parse().unwrap()))
        .collect()
}

#[test]
fn xirr_matches_pyxirr_and_excel() {
    for case in vectors()["xirr"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let got = xirr(&flows(&case["flows"]));
        match case.get("rate").and_then(Value::as_f64) {
            Some(want) => {
                let got = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "{name}: {got} vs {want}");
            }
            None => {
                let e = got.expect_err(name);
                assert_eq!((e.kind(), e.field()), (case["error"].as_str().unwrap(), Some("flows")), "{name}");
            }
        }
    }
    // Microsoft's documented figure, 0.373362535 (Excel stops its iteration at a tolerance of 1e-8)
    let excel = &vectors()["xirr"][0];
    assert!((xirr(&flows(&excel["flows"])).unwrap() - 0.373362535).abs() < 1e-8);
}

#[test]
fn modified_dietz_matches_the_hand_derivations() {
    for case in vectors()["modified_dietz"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let d = |k: &str| case[k].as_str().unwrap().parse::<NaiveDate>().unwrap();
        let m = |k: &str| case[k].as_str().unwrap().parse::<Decimal>().unwrap();
        let got = modified_dietz(m("start_value"), m("end_value"), &flows(&case["flows"]), d("start"), d("end"));
        match case.get("rate").and_then(Value::as_f64) {
            Some(want) => assert!((got.unwrap() - want).abs() < 1e-12, "{name}"),
            None => assert_eq!(got.unwrap_err().kind(), case["error"].as_str().unwrap(), "{name}"),
        }
    }
}

#[test]
fn xirr_agrees_with_the_closed_form_of_two_flows() {
    // -P on day 0 and +Q after n days: r = (Q / P)^(365 / n) − 1
    let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for (p, q, n) in [(1000i64, 1500i64, 730i64), (500, 400, 200), (100, 100, 50), (2500, 2600, 3650)] {
        let flows = [(day, Decimal::from(-p)), (day + chrono::Duration::days(n), Decimal::from(q))];
        let want = (q as f64 / p as f64).powf(365.0 / n as f64) - 1.0;
        let got = xirr(&flows).unwrap();
        assert!((got - want).abs() < 1e-10, "{p} {q} {n}: {got} vs {want}");
    }
}

#[test]
fn the_money_weighted_return_of_trading_is_the_xirr_of_its_flows() {
    use kairo_core::returns::{money_weighted_return, position_flows, PriceTable};
    use kairo_core::{Side, Trade};
    use rust_decimal_macros::dec;
    let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
    // Buy 10 at $100 with a $1 fee (−1,001), sell 5 at $120 with a $1 fee (+599), hold 5 at the last close of
    // $110 (+550 on 2024-01-03). pyxirr.xirr of these flows: 0.2075298888302352.
    let mut buy = Trade::new("b", "u", "X", Side::Buy, dec!(10), dec!(100), at("2023-01-03")).unwrap();
    buy.fees = dec!(1);
    let mut sell = Trade::new("s", "u", "X", Side::Sell, dec!(5), dec!(120), at("2023-07-03")).unwrap();
    sell.fees = dec!(1);
    let trades = [buy, sell];
    let mut prices = PriceTable::new();
    prices.insert("X".to_owned(), "2023-12-29".parse().unwrap(), dec!(108)).unwrap();
    prices.insert("X".to_owned(), "2024-01-03".parse().unwrap(), dec!(110)).unwrap();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(
        position_flows(&trades, &prices).unwrap(),
        vec![(d("2023-01-03"), dec!(-1001)), (d("2023-07-03"), dec!(599)), (d("2024-01-03"), dec!(550))]
    );
    assert!((money_weighted_return(&trades, &prices).unwrap() - 0.2075298888302352).abs() < 1e-9);
    // a held symbol without any close: named
    let e = money_weighted_return(&trades, &PriceTable::new()).unwrap_err();
    assert_eq!(e.kind(), "no_prices");
}
