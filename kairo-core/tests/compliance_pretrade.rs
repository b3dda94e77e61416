//! Warnings before the violation: the pre-trade check of an order answers what executing it would do, with the
//! numbers, so an app can ask "are you sure?" before sending it: the fourth day trade in five business days
//! (FINRA Rule 4210(f)(8)(B): the pattern-day-trader designation), the good-faith violation that reaches the
//! account's limit in twelve months (Regulation T §220.8(c); brokers' 90-day restriction), and a purchase that
//! would wash a recent loss (IRC §1091, with the loss it would disallow). Nothing is recorded by a check.

mod common;

use common::{buy, meta, sell};
use kairo_core::compliance::{check_order, default_rules, AccountContext, CheckResult, Status};
use rust_decimal_macros::dec;

fn find<'a, 't>(results: &'a [CheckResult<'t>], name: &str) -> &'a CheckResult<'t> {
    results.iter().find(|r| r.check_name == name).unwrap_or_else(|| panic!("no {name} result"))
}

#[test]
fn the_fourth_day_trade_is_announced_before_it_is_made() {
    // Margin account below $25,000: three round trips Monday to Wednesday; the order that would close the fourth
    // on Thursday is the one that makes the account a pattern day trader.
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "margin", "equity": "10000"}"#).unwrap();
    let mut history = Vec::new();
    for (i, day) in ["2024-07-08", "2024-07-09", "2024-07-10"].iter().enumerate() {
        history.push(buy(&format!("b{i}"), "X", dec!(10), dec!(10), &format!("{day} 10:00")));
        history.push(sell(&format!("s{i}"), "X", dec!(10), dec!(10), &format!("{day} 11:00")));
    }
    history.push(buy("b3", "X", dec!(10), dec!(10), "2024-07-11 10:00"));
    let order = sell("o", "X", dec!(10), dec!(10), "2024-07-11 11:00");
    let d = check_order(&history, &order, &default_rules(), &ctx).unwrap();
    let pdt = find(&d.results, "pattern_day_trading");
    assert_eq!(pdt.status, Status::Fail, "{}", pdt.reason());
    assert_eq!(meta(pdt, "day_trades_in_window"), 4);
    assert_eq!(meta(pdt, "is_pattern_day_trader"), true);
    assert!(!d.allowed);
    // With the equity a pattern day trader needs, the same order is allowed with a flag.
    let rich: AccountContext = serde_json::from_str(r#"{"account_type": "margin", "equity": "30000"}"#).unwrap();
    let d = check_order(&history, &order, &default_rules(), &rich).unwrap();
    assert_eq!(find(&d.results, "pattern_day_trading").status, Status::Flag);
    assert!(d.allowed);
}

#[test]
fn the_good_faith_violation_that_reaches_the_limit_is_announced() {
    // Cash account: it spends its $100,000 on XYZ, then once a month sells 100 XYZ ($10,000, unsettled) and buys
    // ABC for $5,000 more than its settled cash (partly with the unsettled proceeds) and sells it the same day:
    // two good-faith violations; the order that would be the third in twelve months (the default limit, which
    // brings the 90-day restriction) is answered before it is sent, with the count and the settlement date.
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "100000"}"#).unwrap();
    let mut history = vec![buy("h", "XYZ", dec!(1000), dec!(100), "2024-01-02 10:00")];
    for (i, day) in ["2024-07-01", "2024-08-05", "2024-09-09"].iter().enumerate() {
        let qty = rust_decimal::Decimal::from(50 + 100 * i as i64);
        history.push(sell(&format!("x{i}"), "XYZ", dec!(100), dec!(100), &format!("{day} 09:45")));
        history.push(buy(&format!("b{i}"), "ABC", qty, dec!(100), &format!("{day} 10:00")));
        if i < 2 {
            history.push(sell(&format!("s{i}"), "ABC", qty, dec!(100), &format!("{day} 11:00")));
        }
    }
    let order = sell("o", "ABC", dec!(250), dec!(100), "2024-09-09 11:00");
    let d = check_order(&history, &order, &default_rules(), &ctx).unwrap();
    let gfv = find(&d.results, "good_faith_violation");
    assert_eq!(gfv.status, Status::Fail, "{}", gfv.reason());
    assert_eq!(meta(gfv, "violations_in_window"), 3);
    assert_eq!(meta(gfv, "funds_settle_on"), "2024-09-10");
    assert!(!d.allowed);
}

#[test]
fn a_purchase_that_would_wash_a_loss_is_announced_with_the_loss() {
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "margin"}"#).unwrap();
    let history = vec![
        buy("b1", "X", dec!(100), dec!(10), "2024-03-01 10:00"),
        sell("s1", "X", dec!(100), dec!(7.5), "2024-06-03 10:00"),
    ];
    let order = buy("o", "X", dec!(100), dec!(8), "2024-06-20 10:00");
    let d = check_order(&history, &order, &default_rules(), &ctx).unwrap();
    let wash = find(&d.results, "wash_sale");
    assert_eq!(wash.status, Status::Flag, "{}", wash.reason());
    assert_eq!(meta(wash, "disallowed_loss"), "250");
    assert_eq!(meta(wash, "loss_trade_ids"), serde_json::json!(["s1"]));
    assert!(d.allowed, "a wash sale is a warning, not a block");
    // and the short-sale counterpart: a short sale within 30 days after covering at a loss
    let history = vec![
        sell("s1", "Y", dec!(100), dec!(50), "2024-03-01 10:00"),
        buy("c1", "Y", dec!(100), dec!(55), "2024-03-11 10:00"),
    ];
    let order = sell("o", "Y", dec!(100), dec!(52), "2024-03-25 10:00");
    let d = check_order(&history, &order, &default_rules(), &ctx).unwrap();
    let wash = find(&d.results, "wash_sale");
    assert_eq!((wash.status, meta(wash, "disallowed_loss")), (Status::Flag, serde_json::json!("500")));
}
