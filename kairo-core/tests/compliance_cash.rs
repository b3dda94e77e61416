//! Cash-account settlement violations (Regulation T §220.8): good faith, freeriding and cash liquidation, from
//! brokers' worked examples, with T+1 and T+2 settlement over weekends and holidays, and the 12-month counts that
//! trigger the 90-day restriction.

mod common;

use common::{buy, meta, result, sell};
use kairo_core::compliance::{check_history, default_rules, AccountContext, Status};
use kairo_core::Trade;
use rust_decimal_macros::dec;

fn cash(settled: &str) -> AccountContext {
    serde_json::from_str(&format!(r#"{{"account_type": "cash", "settled_cash": "{settled}"}}"#)).unwrap()
}

/// A position bought long before, fully paid: the "fully paid securities" of the examples.
fn holding(id: &str, symbol: &str, qty: rust_decimal::Decimal) -> Trade {
    buy(id, symbol, qty, dec!(100), "2024-01-02 10:00")
}

#[test]
fn fidelity_good_faith_violation_example_1() {
    // Fidelity, "Avoiding cash account trading violations", good faith violation example 1 (T+1 now): cash
    // available $0; Monday morning sell XYZ for $10,000; Monday afternoon buy ABC for $10,000; selling ABC before
    // Tuesday, when the XYZ proceeds settle, is a good faith violation.
    let mut trades = vec![
        holding("h", "XYZ", dec!(100)),
        sell("s1", "XYZ", dec!(100), dec!(100), "2024-07-01 09:45"),
        buy("b1", "ABC", dec!(100), dec!(100), "2024-07-01 14:00"),
    ];
    let ctx = cash("10000"); // pays for the holding on 2 January; $0 left
    let mut same_day = trades.clone();
    same_day.push(sell("s2", "ABC", dec!(100), dec!(101), "2024-07-01 15:30"));
    let r = check_history(&same_day, &default_rules(), &ctx).unwrap();
    let gfv = result(&r, "s2", "good_faith_violation");
    assert_eq!(gfv.status, Status::Flag, "{}", gfv.reason());
    assert_eq!(meta(gfv, "funds_settle_on"), "2024-07-02");
    assert_eq!(meta(gfv, "bought_trade_ids"), serde_json::json!(["b1"]));
    assert_eq!(meta(gfv, "violations_in_window"), 1);
    // Selling on Tuesday, the settlement date, is fine.
    trades.push(sell("s2", "ABC", dec!(100), dec!(101), "2024-07-02 10:00"));
    let r = check_history(&trades, &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s2", "good_faith_violation").status, Status::Pass);
}

#[test]
fn fidelity_good_faith_violation_example_2() {
    // Example 2: $10,000 settled; Monday buy XYZ for $10,000 and sell it mid-day for $10,500 (no violation: paid
    // with settled cash); near the close buy ABC for $10,500 with the unsettled proceeds; selling ABC before
    // Tuesday is a good faith violation.
    let trades = vec![
        buy("b1", "XYZ", dec!(100), dec!(100), "2024-07-01 09:45"),
        sell("s1", "XYZ", dec!(100), dec!(105), "2024-07-01 12:00"),
        buy("b2", "ABC", dec!(100), dec!(105), "2024-07-01 15:30"),
        sell("s2", "ABC", dec!(100), dec!(106), "2024-07-01 15:50"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
    assert_eq!(result(&r, "s1", "good_faith_violation").status, Status::Pass);
    assert_eq!(result(&r, "s2", "good_faith_violation").status, Status::Flag);
}

#[test]
fn settlement_moves_over_weekends_holidays_and_the_t_plus_2_era() {
    // Thursday 27 June 2024 (T+1): proceeds of a Friday 28 June sale settle Monday 1 July. Selling the stock bought
    // with them on Friday afternoon is a violation; on Monday it is not.
    let base = |last: &str| {
        vec![
            holding("h", "XYZ", dec!(100)),
            sell("s1", "XYZ", dec!(100), dec!(100), "2024-06-28 10:00"),
            buy("b1", "ABC", dec!(10), dec!(100), "2024-06-28 11:00"),
            sell("s2", "ABC", dec!(10), dec!(100), last),
        ]
    };
    let status = |last: &str| {
        let trades = base(last);
        let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
        result(&r, "s2", "good_faith_violation").status
    };
    assert_eq!(status("2024-06-28 15:00"), Status::Flag);
    assert_eq!(status("2024-07-01 09:45"), Status::Pass);
    // Wednesday 3 July 2024: proceeds settle Friday 5 July, across Independence Day.
    let trades = vec![
        holding("h", "XYZ", dec!(100)),
        sell("s1", "XYZ", dec!(100), dec!(100), "2024-07-03 10:00"),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-07-03 11:00"),
        sell("s2", "ABC", dec!(10), dec!(100), "2024-07-05 09:45"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
    assert_eq!(result(&r, "s2", "good_faith_violation").status, Status::Pass);
    // Under T+2 (trades before 28 May 2024), a Thursday sale settles the next Monday: selling on Friday is a
    // violation. Thursday 16 May 2024 → Monday 20 May.
    let trades = vec![
        holding("h", "XYZ", dec!(100)),
        sell("s1", "XYZ", dec!(100), dec!(100), "2024-05-16 10:00"),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-05-16 11:00"),
        sell("s2", "ABC", dec!(10), dec!(100), "2024-05-17 10:00"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
    let gfv = result(&r, "s2", "good_faith_violation");
    assert_eq!(gfv.status, Status::Flag);
    assert_eq!(meta(gfv, "funds_settle_on"), "2024-05-20");
}

#[test]
fn firstrade_freeriding_example() {
    // Firstrade, "Good Faith Violations and 90-Day Restriction Scenarios": $1,000 of cash, a market order fills at
    // $1,300 of ABC, not fully paid for; selling ABC before paying triggers the 90-day restriction (freeriding,
    // Regulation T §220.8(c)). With the default threshold of one, the sale fails.
    let trades = vec![
        buy("b1", "ABC", dec!(10), dec!(130), "2024-07-01 10:00"),
        sell("s1", "ABC", dec!(10), dec!(131), "2024-07-01 14:00"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("1000")).unwrap();
    let fr = result(&r, "s1", "freeriding");
    assert_eq!(fr.status, Status::Fail, "{}", fr.reason());
    assert_eq!(meta(fr, "unpaid_amount"), "300");
    assert_eq!(meta(fr, "restricted_until"), "2024-09-29");
    assert!(fr.reason().contains("until 2024-09-29"), "{}", fr.reason());
    // The $1,000 of the purchase paid with settled cash: no good-faith violation.
    assert_eq!(result(&r, "s1", "good_faith_violation").status, Status::Pass);
    // Fully paid: no freeriding.
    let r = check_history(&trades, &default_rules(), &cash("1300")).unwrap();
    assert_eq!(result(&r, "s1", "freeriding").status, Status::Pass);
}

#[test]
fn cash_liquidation_examples() {
    // dub and Stake help pages: $0 available; Tuesday buy ABC for $5,000; Wednesday sell DEF for $10,000 to pay for
    // it. The DEF proceeds settle after ABC does: a cash liquidation violation.
    let trades = vec![
        holding("h", "DEF", dec!(100)),
        buy("b1", "ABC", dec!(50), dec!(100), "2024-07-09 10:00"),
        sell("s1", "DEF", dec!(100), dec!(100), "2024-07-10 10:00"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
    let cl = result(&r, "s1", "cash_liquidation");
    assert_eq!(cl.status, Status::Flag, "{}", cl.reason());
    assert_eq!(meta(cl, "liquidation_amount"), "5000");
    assert_eq!(meta(cl, "bought_trade_ids"), serde_json::json!(["b1"]));
    // Selling DEF the same day as the purchase funds it in time: no violation.
    let trades = vec![
        holding("h", "DEF", dec!(100)),
        buy("b1", "ABC", dec!(50), dec!(100), "2024-07-09 10:00"),
        sell("s1", "DEF", dec!(100), dec!(100), "2024-07-09 15:00"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("10000")).unwrap();
    assert_eq!(result(&r, "s1", "cash_liquidation").status, Status::Pass);
}

#[test]
fn the_third_good_faith_violation_in_twelve_months_fails_and_old_ones_expire() {
    // The account spends its $100,000 on XYZ, then once a month sells 100 XYZ ($10,000, unsettled) and buys ABC
    // for $5,000 more than its settled cash, so part of the purchase uses the unsettled proceeds, and sells the ABC
    // the same day. Settled cash grows by $10,000 a month, hence purchases of 50, 150, 250, ... shares.
    let mut trades = vec![holding("h", "XYZ", dec!(1000))];
    let days = ["2024-07-01", "2024-08-05", "2024-09-09", "2025-07-07", "2025-08-04"];
    for (i, day) in days.iter().enumerate() {
        let qty = rust_decimal::Decimal::from(50 + 100 * i as i64);
        trades.push(sell(&format!("x{i}"), "XYZ", dec!(100), dec!(100), &format!("{day} 09:45")));
        trades.push(buy(&format!("b{i}"), "ABC", qty, dec!(100), &format!("{day} 10:00")));
        trades.push(sell(&format!("s{i}"), "ABC", qty, dec!(100), &format!("{day} 11:00")));
    }
    let r = check_history(&trades, &default_rules(), &cash("100000")).unwrap();
    let statuses: Vec<Status> =
        (0..days.len()).map(|i| result(&r, &format!("s{i}"), "good_faith_violation").status).collect();
    // The third within 12 months fails (90-day restriction). By 7 July 2025 the violation of 1 July 2024 has left
    // the window: 5 August and 9 September 2024 remain, so it is the third again; 4 August 2025 is the fourth.
    assert_eq!(statuses, [Status::Flag, Status::Flag, Status::Fail, Status::Fail, Status::Fail]);
    assert_eq!(meta(result(&r, "s3", "good_faith_violation"), "violations_in_window"), 3);
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "100000", "limits": {"cash_account": {"good_faith_violations": 4}}}"#).unwrap();
    let r = check_history(&trades, &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s2", "good_faith_violation").status, Status::Flag);
}

#[test]
fn margin_accounts_and_accounts_without_settled_cash_are_not_checked() {
    let trades = vec![
        buy("b1", "ABC", dec!(10), dec!(130), "2024-07-01 10:00"),
        sell("s1", "ABC", dec!(10), dec!(131), "2024-07-01 14:00"),
    ];
    for ctx in [r#"{"account_type": "margin"}"#, r#"{"account_type": "cash"}"#] {
        let ctx: AccountContext = serde_json::from_str(ctx).unwrap();
        let r = check_history(&trades, &default_rules(), &ctx).unwrap();
        assert!(r.iter().all(|r| !["good_faith_violation", "freeriding", "cash_liquidation"].contains(&r.check_name)));
    }
}

#[test]
fn proceeds_settle_on_settlement_days_not_trading_days() {
    // Friday 8 November 2024 (T+1): the proceeds of a sale settle Tuesday 12 November, not Monday the 11th:
    // Veterans Day is a trading day on which the Federal Reserve Banks, and so DTC's settlement, are closed. A
    // stock bought with them on Friday and sold on Monday is sold before they settle: a good-faith violation.
    let trades = |last: &str| {
        vec![
            holding("h", "XYZ", dec!(100)),
            sell("s1", "XYZ", dec!(100), dec!(100), "2024-11-08 10:00"),
            buy("b1", "ABC", dec!(10), dec!(100), "2024-11-08 11:00"),
            sell("s2", "ABC", dec!(10), dec!(100), last),
        ]
    };
    let gfv = |last: &str| {
        let history = trades(last);
        let r = check_history(&history, &default_rules(), &cash("10000")).unwrap();
        result(&r, "s2", "good_faith_violation").clone().into_owned()
    };
    let monday = gfv("2024-11-11 10:00");
    assert_eq!(monday.status, Status::Flag, "{}", monday.reason());
    assert_eq!(meta(&monday, "funds_settle_on"), "2024-11-12");
    assert_eq!(gfv("2024-11-12 10:00").status, Status::Pass);
    // Columbus Day 2024 (Monday 14 October) likewise: Friday's proceeds settle Tuesday the 15th.
    let columbus = vec![
        holding("h", "XYZ", dec!(100)),
        sell("s1", "XYZ", dec!(100), dec!(100), "2024-10-11 10:00"),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-10-11 11:00"),
        sell("s2", "ABC", dec!(10), dec!(100), "2024-10-14 10:00"),
    ];
    let r = check_history(&columbus, &default_rules(), &cash("10000")).unwrap();
    assert_eq!(result(&r, "s2", "good_faith_violation").status, Status::Flag);
}

#[test]
fn cash_liquidation_compares_settlement_dates_across_the_t_plus_one_change() {
    // With no cash, buy ABC on Friday 24 May 2024 (T+2: settles Wednesday 29 May, over Memorial Day) and pay for
    // it by selling XYZ on Tuesday 28 May (the first T+1 day: settles Wednesday 29 May too). The sale's proceeds
    // arrive when the purchase settles: no liquidation, though the sale's trade date is later.
    let ctx = cash("10000"); // pays for the holding; $0 left
    let same_settlement = vec![
        holding("h", "XYZ", dec!(100)),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-05-24 10:00"),
        sell("s1", "XYZ", dec!(10), dec!(100), "2024-05-28 10:00"),
    ];
    let r = check_history(&same_settlement, &default_rules(), &ctx).unwrap();
    let row = result(&r, "s1", "cash_liquidation");
    assert_eq!(row.status, Status::Pass, "{}", row.reason());
    // Bought Thursday 23 May (T+2: settles Tuesday 28 May) and paid by the same sale (settling the 29th): the
    // proceeds come after the purchase settles, a cash liquidation.
    let later_settlement = vec![
        holding("h", "XYZ", dec!(100)),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-05-23 10:00"),
        sell("s1", "XYZ", dec!(10), dec!(100), "2024-05-28 10:00"),
    ];
    let r = check_history(&later_settlement, &default_rules(), &ctx).unwrap();
    let row = result(&r, "s1", "cash_liquidation");
    assert_eq!(row.status, Status::Flag, "{}", row.reason());
    assert_eq!(meta(row, "liquidation_amount"), "1000");
    // The other direction: bought Tuesday 28 May (T+1: settles the 29th), paid by a sale on Wednesday the 29th
    // (settles the 30th): a liquidation under T+1 as well.
    let after_change = vec![
        holding("h", "XYZ", dec!(100)),
        buy("b1", "ABC", dec!(10), dec!(100), "2024-05-28 10:00"),
        sell("s1", "XYZ", dec!(10), dec!(100), "2024-05-29 10:00"),
    ];
    let r = check_history(&after_change, &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s1", "cash_liquidation").status, Status::Flag);
}

#[test]
fn freeriding_by_purchase_or_by_the_days_purchases_together() {
    // With $3,000 settled: buy X for $3,000, buy Y for $1,000, sell X the same day. Paid purchase by purchase
    // (Regulation T §220.8(a), kairo's default), X was paid with settled cash: no freeriding. Some brokers compare
    // the day's purchases together with the settled cash ($4,000 against $3,000): then X was a quarter unfunded and
    // its sale before settlement is freeriding.
    let trades = vec![
        buy("x", "X", dec!(30), dec!(100), "2024-07-01 10:00"),
        buy("y", "Y", dec!(10), dec!(100), "2024-07-01 10:30"),
        sell("s", "X", dec!(30), dec!(100), "2024-07-01 14:00"),
    ];
    let r = check_history(&trades, &default_rules(), &cash("3000")).unwrap();
    assert_eq!(result(&r, "s", "freeriding").status, Status::Pass);
    let day_total: AccountContext = serde_json::from_str(
        r#"{"account_type": "cash", "settled_cash": "3000", "limits": {"cash_account": {"purchase_funding": "day_total"}}}"#,
    )
    .unwrap();
    let r = check_history(&trades, &default_rules(), &day_total).unwrap();
    let f = result(&r, "s", "freeriding");
    assert_eq!(f.status, Status::Fail, "{}", f.reason());
    assert_eq!(meta(f, "bought_trade_ids"), serde_json::json!(["x"]));
    // A single purchase is funded the same way under both readings.
    let one = vec![
        buy("x", "X", dec!(30), dec!(100), "2024-07-01 10:00"),
        sell("s", "X", dec!(30), dec!(100), "2024-07-01 14:00"),
    ];
    for ctx in [cash("3000"), day_total] {
        let r = check_history(&one, &default_rules(), &ctx).unwrap();
        assert_eq!(result(&r, "s", "freeriding").status, Status::Pass);
    }
}
