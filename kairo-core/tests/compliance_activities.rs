//! The settlement checks with the account's cash activities: a deposit pays for a purchase (no freeriding), a
//! deposit not yet available makes a same-week sale a good-faith violation, a withdrawal takes settled cash, a
//! dividend pays an unfunded purchase, and a split carries the paid lots; activities out of order are refused.

mod common;

use common::{buy, result, sell};
use kairo_core::activity::{Activity, ActivityKind};
use kairo_core::compliance::{
    check_history, check_history_with_activities, default_rules, AccountContext, Engine, Status,
};
use kairo_core::ErrorInfo;
use rust_decimal_macros::dec;

fn cash(settled: &str, deposit_days: u32) -> AccountContext {
    serde_json::from_str(&format!(
        r#"{{"account_type": "cash", "settled_cash": "{settled}",
             "limits": {{"cash_account": {{"deposit_settlement_days": {deposit_days}}}}}}}"#
    ))
    .unwrap()
}

fn activity(id: &str, date: &str, kind: ActivityKind) -> Activity {
    Activity::new(id, "u1", date.parse().unwrap(), kind).unwrap()
}

#[test]
fn a_deposit_pays_for_a_purchase_sold_the_same_day() {
    // $0 settled; buy 10 ABC at $100 and sell them the same afternoon. Without the deposit the purchase was
    // unpaid when sold: freeriding. With $1,000 deposited that morning it was paid for.
    let trades = vec![
        buy("b", "ABC", dec!(10), dec!(100), "2024-07-01 10:00"),
        sell("s", "ABC", dec!(10), dec!(101), "2024-07-01 15:00"),
    ];
    let ctx = cash("0", 0);
    let without = check_history(&trades, &default_rules(), &ctx).unwrap();
    assert_eq!(result(&without, "s", "freeriding").status, Status::Fail);
    let deposit = activity("d", "2024-07-01", ActivityKind::Deposit { amount: dec!(1000) });
    let with = check_history_with_activities(&trades, &[deposit], &default_rules(), &ctx).unwrap();
    assert_eq!(result(&with, "s", "freeriding").status, Status::Pass);
    assert_eq!(result(&with, "s", "good_faith_violation").status, Status::Pass);
}

#[test]
fn shares_bought_with_a_deposit_not_yet_settled_and_sold_before_it_is_are_a_good_faith_violation() {
    // Deposits settle 2 settlement days later: Monday 2024-07-01's $1,000 on Wednesday 07-03 (07-04 is a holiday
    // later in the week, not in between). Shares bought Monday with it and sold Tuesday: good faith violation
    // (the funds settle on 07-03); sold Wednesday: none.
    let ctx = cash("0", 2);
    let deposit = activity("d", "2024-07-01", ActivityKind::Deposit { amount: dec!(1000) });
    let bought = buy("b", "ABC", dec!(10), dec!(100), "2024-07-01 10:00");
    let tuesday = vec![bought.clone(), sell("s", "ABC", dec!(10), dec!(101), "2024-07-02 10:00")];
    let r = check_history_with_activities(&tuesday, std::slice::from_ref(&deposit), &default_rules(), &ctx).unwrap();
    let gfv = result(&r, "s", "good_faith_violation");
    assert_eq!(gfv.status, Status::Flag, "{}", gfv.reason());
    assert_eq!(common::meta(gfv, "funds_settle_on"), "2024-07-03");
    let wednesday = vec![bought, sell("s", "ABC", dec!(10), dec!(101), "2024-07-03 10:00")];
    let r = check_history_with_activities(&wednesday, &[deposit], &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s", "good_faith_violation").status, Status::Pass);
}

#[test]
fn a_withdrawal_takes_settled_cash_and_a_dividend_pays() {
    // $1,000 settled, all withdrawn; a $900 purchase is then unfunded and its same-day sale is freeriding.
    let trades = vec![
        buy("b", "ABC", dec!(9), dec!(100), "2024-07-01 10:00"),
        sell("s", "ABC", dec!(9), dec!(101), "2024-07-01 15:00"),
    ];
    let ctx = cash("1000", 0);
    assert_eq!(
        result(&check_history(&trades, &default_rules(), &ctx).unwrap(), "s", "freeriding").status,
        Status::Pass
    );
    let out = activity("w", "2024-07-01", ActivityKind::Withdrawal { amount: dec!(1000) });
    let r = check_history_with_activities(&trades, std::slice::from_ref(&out), &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s", "freeriding").status, Status::Fail);
    // a $900 dividend the same morning pays for it again
    let div = activity("v", "2024-07-01", ActivityKind::Dividend { symbol: "XYZ".into(), amount: dec!(900) });
    let r = check_history_with_activities(&trades, &[out, div], &default_rules(), &ctx).unwrap();
    assert_eq!(result(&r, "s", "freeriding").status, Status::Pass);
}

#[test]
fn a_split_carries_the_paid_lots_and_activities_must_come_in_order() {
    // 2 NVDA paid for, split 10-for-1, 20 sold: the sold shares were paid for (no violation); the engine's position
    // follows the split.
    let ctx = cash("10000", 0);
    let mut engine = Engine::new(&default_rules(), ctx).unwrap();
    engine.push(&buy("b", "NVDA", dec!(2), dec!(1200), "2024-06-03 10:00")).unwrap();
    let split = activity(
        "x",
        "2024-06-10",
        ActivityKind::Split { symbol: "NVDA".into(), ratio: dec!(10), cash_in_lieu: dec!(0) },
    );
    engine.push_activity(&split).unwrap();
    assert_eq!(engine.position("NVDA"), dec!(20));
    let sale = sell("s", "NVDA", dec!(20), dec!(121), "2024-06-10 10:00");
    let r = engine.push(&sale).unwrap();
    for check in ["good_faith_violation", "freeriding", "cash_liquidation", "short_sale_cash_account"] {
        let x = r.iter().find(|x| x.check_name == check).unwrap();
        assert_ne!(x.status, Status::Fail, "{check}: {}", x.reason());
    }
    // an activity dated before the last trade pushed is refused, naming it
    let late = activity("late", "2024-06-07", ActivityKind::Deposit { amount: dec!(1) });
    let e = engine.push_activity(&late).unwrap_err();
    assert_eq!((e.kind(), ErrorInfo::field(&e)), ("out_of_order", Some("date")));
    assert!(e.to_string().contains("activity late"), "{e}");
}
