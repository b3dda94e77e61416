//! The worked real account of `tests/vectors/real_account.json` (shared with the Python, Node and server suites):
//! four years of a cash account with monthly deposits, a withdrawal, a fee, quarterly dividends, three stock splits
//! and a wash sale across a split, each expected figure derived by hand below.
//!
//! # Cash (every fill at its day's close)
//!
//! ```text
//!   deposits    20,000 (2020-07-01) + 47 × 1,000 (the 1st of each month, 2020-08 to 2024-06) =  67,000.00
//!   withdrawal  2023-01-03                                                                   −   5,000.00
//!   fee         2022-01-03                                                                   −       5.00
//!   dividends   AAPL on 40 shares: 2 × 8.20 + 4 × 8.80 + 4 × 9.20 + 4 × 9.60 + 10.00          +     136.80
//!   AAPL  buy 10 × 364.11 (2020-07-01)                                                       −   3,641.10
//!   TSLA  buy 5 × 1,229.91 (2021-11-04)                                                      −   6,149.55
//!   TSLA  sell 5 × 883.07 (2022-08-10, a loss of 1,734.20)                                   +   4,415.35
//!   TSLA  buy 15 × 275.61 (2022-09-01, after the 3-for-1 of 2022-08-25)                      −   4,134.15
//!   NVDA  buy 2 × 481.00 (2023-12-14)                                                        −     962.00
//!   ending cash                                                                                 51,660.35
//! ```
//!
//! # Positions on 2024-06-28 (raw closes; shares through the splits)
//!
//! ```text
//!   AAPL 10 × 4 = 40 × 210.62 =  8,424.80   (basis 3,641.10: unrealized 4,783.70)
//!   TSLA 15      × 197.88     =  2,968.20   (basis 4,134.15: unrealized −1,165.95)
//!   NVDA  2 × 10 = 20 × 123.54 = 2,470.80   (basis   962.00: unrealized  1,508.80)
//!   positions 13,863.80; value 51,660.35 + 13,863.80 = 65,524.15
//! ```
//!
//! Total P&L = 65,524.15 − 67,000 + 5,000 = 3,524.15 = price P&L 3,392.35 (realized −1,734.20 + unrealized
//! 5,126.55) + income 136.80 − fee 5.00.
//!
//! # Wash sale across the split
//!
//! The 5 TSLA sold at a loss on 2022-08-10 are 15 shares after the 3-for-1 of 2022-08-25; the 15 bought on
//! 2022-09-01 (22 days after the sale) replace all of them: the whole 1,734.20 is disallowed and added to the new
//! lot's basis (4,134.15 + 1,734.20 = 5,868.35), so the adjusted realized P&L is 0.
//!
//! # Time-weighted return (flows: deposits in at the start of their day, the withdrawal out at its end)
//!
//! Only days whose value moves other than by a flow have a return; every other day's is 0. With `V` the value at
//! the previous valuation and `I` the day's inflow, `r = (Vₜ − V − I + O) / (V + I)`:
//!
//! ```text
//!   2020-08-31  AAPL 364.11 → 4 × 129.04 = 516.16 on 10 shares: +1,520.50 on 21,000      r = +0.0724047619
//!   2020-11-12 … 2024-05-17  15 dividends, each its amount over the day's base            r ≈ +0.0002 each
//!   2021-12-31  AAPL 129.04 → 177.57 on 40, TSLA 1,229.91 at cost: +1,941.20 on 38,563.30 r = +0.0503380157
//!   2022-01-03  the $5 fee on 41,504.50                                                    r = −0.0001204689
//!   2022-08-10  TSLA 1,229.91 → 883.07 on 5: −1,734.20 on 48,517.50                        r = −0.0357438038
//!   2022-12-30  AAPL 177.57 → 129.93 on 40, TSLA 275.61 → 123.18 on 15: −4,192.05 on 50,801.70
//!                                                                                          r = −0.0825179079
//!   2023-12-29  AAPL → 192.53, TSLA → 248.48, NVDA 481.00 → 495.22: +4,411.94 on 53,647.65 r = +0.0822392034
//!   2024-06-10  NVDA 2 × 495.22 → 20 × 121.79: +1,445.36 on 64,079.19                      r = +0.0225558407
//!   2024-06-28  AAPL → 210.62, TSLA → 197.88, NVDA → 123.54: −0.40 on 65,524.55           r = −0.0000061046
//!   TWR = Π(1 + r) − 1 = 0.1062591651 (exact fractions, every day chained)
//! ```
//!
//! Annualized over 1,458 days: 1.1062591651^(365/1458) − 1 = 0.0256029480. The money-weighted return is the XIRR
//! of −20,000 (2020-07-01), −1,000 on each 1st, +5,000 (2023-01-03) and +65,524.15 (2024-06-28): 0.0207089380
//! (pyxirr 0.10).

use std::collections::HashMap;

use kairo_core::account::{account_summary, AccountOptions};
use kairo_core::activity::{read_all, ActivityInput};
use kairo_core::input::TradeInput;
use kairo_core::lots::{match_lots_with_activities, wash_sales_with_splits, IdenticalSecurities, LotMethod};
use kairo_core::returns::PriceTable;
use kairo_core::Trade;
use rust_decimal::Decimal;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/real_account.json")).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn account(v: &Value) -> (Vec<Trade>, Vec<kairo_core::activity::Activity>, PriceTable) {
    let trades: Vec<Trade> = v["trades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| serde_json::from_value::<TradeInput>(t.clone()).unwrap().into_trade().unwrap())
        .collect();
    let inputs: Vec<ActivityInput> = serde_json::from_value(v["activities"].clone()).unwrap();
    let activities = read_all(inputs).unwrap();
    let mut prices = PriceTable::new();
    for c in v["prices"]["closes"].as_array().unwrap() {
        prices
            .insert(c["symbol"].as_str().unwrap(), c["date"].as_str().unwrap().parse().unwrap(), dec(&c["close"]))
            .unwrap();
    }
    for s in v["prices"]["splits"].as_array().unwrap() {
        prices
            .insert_split(
                s["symbol"].as_str().unwrap(),
                s["ex_date"].as_str().unwrap().parse().unwrap(),
                dec(&s["ratio"]),
            )
            .unwrap();
    }
    (trades, activities, prices)
}

#[test]
fn the_account_basis_matches_the_hand_derivation() {
    let v = vectors();
    let (trades, activities, prices) = account(&v);
    let s = account_summary(&trades, &activities, &prices, &AccountOptions::default()).unwrap().unwrap();
    let want = &v["expected"]["account"];
    let json = kairo_core::report::to_json(&s.fields(), None);
    for (key, expected) in want.as_object().unwrap() {
        let got = &json[key.as_str()];
        match expected {
            Value::String(e) if e.contains('-') && e.len() == 10 => assert_eq!(got, expected, "{key}"),
            Value::String(_) => assert_eq!(dec(got), dec(expected), "{key}: {got}"),
            Value::Number(n) => {
                let (g, e) = (got.as_f64().unwrap(), n.as_f64().unwrap());
                assert!((g - e).abs() < 1e-9, "{key}: {g} vs {e}");
            }
            other => panic!("{key}: unexpected {other}"),
        }
    }
    // the identity: total = price P&L + income − fees − taxes
    assert_eq!(s.total_pnl, s.price_pnl + s.income - s.fees - s.taxes);
}

#[test]
fn lots_and_wash_sales_follow_the_splits() {
    let v = vectors();
    let (trades, activities, prices) = account(&v);
    let lots = match_lots_with_activities(&trades, LotMethod::Fifo, &activities, &prices.splits()).unwrap();
    let want = &v["expected"]["lots"];
    assert_eq!(lots.realized_pnl, dec(&want["realized_pnl"]));
    let marks: HashMap<String, Decimal> =
        ["AAPL", "NVDA", "TSLA"].iter().map(|s| (s.to_string(), prices.last(s).unwrap().1)).collect();
    assert_eq!(lots.unrealized(&marks).unwrap().total, dec(&want["unrealized_pnl"]));
    let open: Vec<(String, Decimal, Decimal)> =
        lots.open_lots.iter().map(|l| (l.symbol.to_string(), l.qty, l.basis)).collect();
    let expected: Vec<(String, Decimal, Decimal)> = want["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["symbol"].as_str().unwrap().to_owned(), dec(&o["qty"]), dec(&o["basis"])))
        .collect();
    assert_eq!(open, expected);
    // the activities' splits and the price table's are the same splits, applied once
    let from_activities = match_lots_with_activities(&trades, LotMethod::Fifo, &activities, &[]).unwrap();
    assert_eq!(from_activities.open_lots.len(), 3);
    assert_eq!(from_activities.open_lots[0].qty, Decimal::from(40));
    let wash = wash_sales_with_splits(&trades, &IdenticalSecurities::default(), &prices.splits()).unwrap();
    let want = &v["expected"]["wash_sales"];
    assert_eq!(wash.disallowed_loss(), dec(&want["disallowed_loss"]));
    assert_eq!(wash.realized_pnl(), dec(&want["adjusted_realized_pnl"]));
    assert_eq!(&*wash.matches[0].replacement_trade_id, want["replacement_trade_id"].as_str().unwrap());
    // the same from the activities' own splits
    let through =
        kairo_core::lots::wash_sales_with_activities(&trades, &IdenticalSecurities::default(), &activities, &[])
            .unwrap();
    assert_eq!(through, wash);
}

#[test]
fn bad_activities_are_named_by_row_and_field() {
    let bad = |json: &str| {
        let inputs: Vec<ActivityInput> = serde_json::from_str(json).unwrap();
        read_all(inputs).unwrap_err()
    };
    let e = bad(r#"[{"user_id": "u", "type": "DEPOSIT", "date": "2024-01-02", "amount": "10"},
                    {"id": "x", "user_id": "u", "type": "DEPOSIT", "date": "2024-01-02", "amount": "-10"}]"#);
    assert_eq!(
        (e.row, e.activity_id.as_deref(), e.source.field(), e.source.kind()),
        (1, Some("x"), "amount", "not_positive")
    );
    let e = bad(r#"[{"user_id": "u", "type": "REBATE", "date": "2024-01-02", "amount": "1"}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("type", "unknown_type"));
    let e = bad(r#"[{"user_id": "u", "type": "deposit", "date": "2024-01-02", "amount": "1", "ratio": "2"}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("ratio", "not_applicable"));
    let e = bad(r#"[{"user_id": "u", "type": "SPLIT", "date": "2024-01-02", "symbol": "X"}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("ratio", "missing"));
    let e = bad(r#"[{"user_id": "u", "type": "DIVIDEND", "date": "June", "symbol": "X", "amount": "1"}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("date", "invalid_date"));
    let e =
        bad(r#"[{"user_id": "u", "type": "SYMBOL_CHANGE", "date": "2024-01-02", "symbol": "FB", "new_symbol": "fb"}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("new_symbol", "unchanged"));
    let e = bad(r#"[{"user_id": "u", "type": "INTEREST", "date": "2024-01-02", "amount": 0}]"#);
    assert_eq!((e.source.field(), e.source.kind()), ("amount", "zero"));
    // a time is read as its New York date; ids are made from the record's place when absent
    let ok: Vec<ActivityInput> = serde_json::from_str(
        r#"[{"user_id": "u", "type": "interest", "date": "2024-01-03T02:00:00Z", "amount": -1.5}]"#,
    )
    .unwrap();
    let a = read_all(ok).unwrap();
    assert_eq!((a[0].id(), a[0].date().to_string().as_str()), ("u:INTEREST:2024-01-02:0", "2024-01-02"));
    assert_eq!(a[0].cash(), "-1.5".parse().unwrap());
}

#[test]
fn transfers_are_flows_at_market_value_and_symbol_changes_carry_the_position() {
    use kairo_core::account::account_valuations;
    use kairo_core::activity::{Activity, ActivityKind};
    use rust_decimal_macros::dec;
    let d = |s: &str| s.parse().unwrap();
    let prices = PriceTable::from_rows([
        ("FB", d("2022-06-08"), dec!(196.64)),
        ("META", d("2022-06-09"), dec!(184.00)),
        ("META", d("2022-06-10"), dec!(175.57)),
    ])
    .unwrap();
    let activities = [
        // 10 FB in at their market value 1,966.40 (basis 1,800, bought 2019-03-01)
        Activity::new(
            "in",
            "u",
            d("2022-06-08"),
            ActivityKind::TransferIn {
                symbol: "FB".into(),
                qty: dec!(10),
                cost_basis: dec!(1800),
                acquired: d("2019-03-01"),
            },
        )
        .unwrap(),
        Activity::new(
            "chg",
            "u",
            d("2022-06-09"),
            ActivityKind::SymbolChange { symbol: "FB".into(), new_symbol: "META".into() },
        )
        .unwrap(),
        // 4 META out on 2022-06-10 at 175.57: an outflow of 702.28
        Activity::new("out", "u", d("2022-06-10"), ActivityKind::TransferOut { symbol: "META".into(), qty: dec!(4) })
            .unwrap(),
    ];
    let days = account_valuations(&[] as &[Trade], &activities, &prices, &AccountOptions::default()).unwrap();
    let at = |s: &str| days.iter().find(|x| x.date == d(s)).unwrap();
    assert_eq!(
        (at("2022-06-08").inflow, at("2022-06-08").value, at("2022-06-08").daily_return),
        (dec!(1966.40), dec!(1966.40), 0.0)
    );
    // 06-09: the 10 shares are META at 184.00: (1,840 − 1,966.40) / 1,966.40
    assert_eq!(at("2022-06-09").value, dec!(1840.00));
    assert!((at("2022-06-09").daily_return - (-126.40 / 1966.40)).abs() < 1e-15);
    // 06-10: 6 left at 175.57 = 1,053.42; P&L = 1,053.42 − 1,840 + 702.28 = −84.30 on 1,840
    assert_eq!(
        (at("2022-06-10").outflow, at("2022-06-10").value, at("2022-06-10").pnl),
        (dec!(702.28), dec!(1053.42), dec!(-84.30))
    );
    // moving out more than is held is refused by the lots, naming the activity
    let too_many = [
        activities[0].clone(),
        Activity::new("out", "u", d("2022-06-10"), ActivityKind::TransferOut { symbol: "FB".into(), qty: dec!(11) })
            .unwrap(),
    ];
    let e = match_lots_with_activities(&[] as &[Trade], LotMethod::Fifo, &too_many, &[]).unwrap_err();
    assert!(e.to_string().contains("activity out moves 11 FB"), "{e}");
}
