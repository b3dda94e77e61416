//! Wash sales (IRC §1091, IRS Publication 550): the IRS's worked examples, partial wash sales, replacements bought
//! before the sale, one wash sale per replacement share, basis and holding-period carry-over, the check results,
//! and wash-adjusted P&L against the plain FIFO lot engine.

mod common;

use common::{buy, meta, result, sell};
use kairo_core::compliance::{check_history, default_rules, AccountContext, Status};
use kairo_core::lots::{match_lots, wash_sales, LotMethod};
use kairo_core::Trade;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[test]
fn irs_pub_550_example_full_replacement() {
    // IRS Publication 550, "Wash Sales", and the IRS VITA "Holding Period, Case Study 1": buy 100 shares of X for
    // $1,000, sell them for $750, buy 100 shares within 30 days for $800. The $250 loss is disallowed and the new
    // shares' basis is $800 + $250 = $1,050.
    let trades = [
        buy("b1", "X", dec!(100), dec!(10), "2024-01-16 10:00"),
        sell("s1", "X", dec!(100), dec!(7.50), "2024-03-01 10:00"),
        buy("b2", "X", dec!(100), dec!(8), "2024-03-20 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!(r.losses.len(), 1);
    let loss = &r.losses[0];
    assert_eq!((loss.loss, loss.disallowed_loss, loss.allowed_loss), (dec!(250), dec!(250), dec!(0)));
    let m = &r.matches[0];
    assert_eq!((&*m.loss_trade_id, &*m.replacement_trade_id, m.qty), ("s1", "b2", dec!(100)));
    assert_eq!((m.disallowed_loss, m.basis_adjustment), (dec!(250), dec!(250)));
    // Held from 16 January to 1 March: 45 days carried over to the new shares.
    assert_eq!(m.holding_period_days_added, 45);
    assert_eq!(r.deferred_by_symbol["X"], dec!(250));
    // Selling the new shares for $1,100 realizes $1,100 − $1,050 = $50.
    let mut more = trades.to_vec();
    more.push(sell("s2", "X", dec!(100), dec!(11), "2024-06-03 10:00"));
    let r = wash_sales(&more).unwrap();
    assert_eq!(r.realized_by_symbol["X"], dec!(50));
    assert!(r.deferred_by_symbol.is_empty());
}

#[test]
fn irs_pub_550_example_partial_replacement() {
    // Publication 550: buy 100 shares of M for $1,000, sell them for $750, buy 75 shares within 30 days for $750.
    // 75/100 of the $250 loss, $187.50, is disallowed; $62.50 is deductible; the 75 shares' basis is $937.50.
    let trades = [
        buy("b1", "M", dec!(100), dec!(10), "2024-01-16 10:00"),
        sell("s1", "M", dec!(100), dec!(7.50), "2024-03-01 10:00"),
        buy("b2", "M", dec!(75), dec!(10), "2024-03-11 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    let loss = &r.losses[0];
    assert_eq!((loss.disallowed_loss, loss.allowed_loss), (dec!(187.50), dec!(62.50)));
    assert_eq!(r.matches[0].qty, dec!(75));
    assert_eq!(r.deferred_by_symbol["M"], dec!(187.50));
    assert_eq!(r.realized_by_symbol["M"], dec!(-62.50));
    // Selling the 75 shares at $12.50 ($937.50) breaks even on the adjusted basis of $750 + $187.50.
    let mut more = trades.to_vec();
    more.push(sell("s2", "M", dec!(75), dec!(12.50), "2024-06-03 10:00"));
    assert_eq!(wash_sales(&more).unwrap().realized_by_symbol["M"], dec!(-62.50));
}

#[test]
fn shares_bought_in_the_30_days_before_the_sale_and_still_held_are_replacements() {
    // Buy 200 at $50, sell 100 at $40 nineteen days later and keep 100: the kept shares were bought within 30 days,
    // so the $1,000 loss is disallowed and the remaining shares' basis becomes $60 each.
    let trades = [
        buy("b1", "A", dec!(200), dec!(50), "2024-03-01 10:00"),
        sell("s1", "A", dec!(100), dec!(40), "2024-03-20 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!(r.losses[0].disallowed_loss, dec!(1000));
    assert_eq!(&*r.matches[0].replacement_trade_id, "b1");
    assert_eq!(r.deferred_by_symbol["A"], dec!(1000));
    // Selling 150 instead: 50 shares are left to replace, so 50 × $10 = $500 is disallowed, $1,000 allowed.
    let trades = [
        buy("b1", "A", dec!(200), dec!(50), "2024-03-01 10:00"),
        sell("s1", "A", dec!(150), dec!(40), "2024-03-20 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!((r.losses[0].disallowed_loss, r.losses[0].allowed_loss), (dec!(500), dec!(1000)));
    // Selling all 200: nothing is left and nothing is bought later, so the whole loss is allowed.
    let trades = [
        buy("b1", "A", dec!(200), dec!(50), "2024-03-01 10:00"),
        sell("s1", "A", dec!(200), dec!(40), "2024-03-20 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!((r.losses[0].disallowed_loss, r.losses[0].allowed_loss), (dec!(0), dec!(2000)));
}

#[test]
fn the_window_is_thirty_calendar_days_each_side() {
    let base = |later: &str| {
        vec![
            buy("b1", "X", dec!(10), dec!(100), "2024-01-02 10:00"),
            sell("s1", "X", dec!(10), dec!(90), "2024-03-01 10:00"),
            buy("b2", "X", dec!(10), dec!(95), later),
        ]
    };
    // 1 March + 30 days = 31 March (a Sunday; the rule counts calendar days, not business days).
    assert_eq!(wash_sales(&base("2024-03-31 10:00")).unwrap().losses[0].disallowed_loss, dec!(100));
    assert_eq!(wash_sales(&base("2024-04-01 10:00")).unwrap().losses[0].disallowed_loss, dec!(0));
    // Before the sale: bought 30 days earlier (31 January) washes; 31 days earlier (30 January) does not.
    let before = |when: &str| {
        vec![
            buy("b0", "X", dec!(10), dec!(100), "2024-01-02 10:00"),
            buy("b1", "X", dec!(10), dec!(100), when),
            sell("s1", "X", dec!(10), dec!(90), "2024-03-01 10:00"),
        ]
    };
    assert_eq!(wash_sales(&before("2024-01-31 10:00")).unwrap().losses[0].disallowed_loss, dec!(100));
    assert_eq!(wash_sales(&before("2024-01-30 10:00")).unwrap().losses[0].disallowed_loss, dec!(0));
}

#[test]
fn each_replacement_share_absorbs_one_wash_sale_in_acquisition_order() {
    // Two loss sales of 10 shares, then one purchase of 15: the first sale is fully washed (10 shares), the second
    // only for the remaining 5 shares.
    let trades = [
        buy("b1", "X", dec!(20), dec!(100), "2024-01-02 10:00"),
        sell("s1", "X", dec!(10), dec!(90), "2024-03-01 10:00"),
        sell("s2", "X", dec!(10), dec!(80), "2024-03-04 10:00"),
        buy("b2", "X", dec!(15), dec!(85), "2024-03-05 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    // s1 sells 10 of b1 while 10 are still held: but those were bought 59 days earlier, outside the window.
    assert_eq!(r.losses[0].disallowed_loss, dec!(100));
    assert_eq!(r.losses[1].disallowed_loss, dec!(100)); // 5 × $20
    assert_eq!(r.losses[1].allowed_loss, dec!(100));
    let qty: Decimal = r.matches.iter().map(|m| m.qty).sum();
    assert_eq!(qty, dec!(15));
    // Two purchases after a sale of 10: matched oldest first; the second purchase only takes what is left.
    let trades = [
        buy("b1", "X", dec!(10), dec!(100), "2024-01-02 10:00"),
        sell("s1", "X", dec!(10), dec!(90), "2024-03-01 10:00"),
        buy("b2", "X", dec!(4), dec!(85), "2024-03-05 10:00"),
        buy("b3", "X", dec!(10), dec!(86), "2024-03-06 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    let pairs: Vec<(&str, Decimal)> = r.matches.iter().map(|m| (&*m.replacement_trade_id, m.qty)).collect();
    assert_eq!(pairs, [("b2", dec!(4)), ("b3", dec!(6))]);
}

#[test]
fn a_replacement_sold_at_a_loss_carries_the_deferred_loss_into_its_own_wash_sale() {
    // The chain: s1's loss moves into b2; b2 is sold at a loss including it and washed again by b3.
    let trades = [
        buy("b1", "X", dec!(10), dec!(100), "2024-01-02 10:00"),
        sell("s1", "X", dec!(10), dec!(90), "2024-03-01 10:00"),
        buy("b2", "X", dec!(10), dec!(90), "2024-03-05 10:00"),
        sell("s2", "X", dec!(10), dec!(85), "2024-03-12 10:00"),
        buy("b3", "X", dec!(10), dec!(85), "2024-03-20 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    // b2's basis: 900 + 100 = 1,000; sold for 850: loss 150, all washed by b3, whose basis becomes 850 + 150.
    assert_eq!(r.losses[1].loss, dec!(150));
    assert_eq!(r.losses[1].disallowed_loss, dec!(150));
    assert_eq!(r.deferred_by_symbol["X"], dec!(150));
    // Holding period: b1 held 59 days; b2 inherits them, and held from 5 to 12 March adds 7 more.
    assert_eq!(r.matches[1].holding_period_days_added, 59 + 7);
}

#[test]
fn the_check_flags_the_loss_sale_and_the_replacement_purchase() {
    let ctx = AccountContext::default();
    let trades = [
        buy("b1", "X", dec!(100), dec!(10), "2024-02-20 10:00"),
        buy("b2", "X", dec!(50), dec!(9), "2024-02-26 10:00"),
        sell("s1", "X", dec!(100), dec!(7.50), "2024-03-01 10:00"),
        buy("b3", "X", dec!(100), dec!(8), "2024-03-20 10:00"),
        buy("b4", "X", dec!(10), dec!(8), "2024-04-10 10:00"),
    ];
    let results = check_history(&trades, &default_rules(), &ctx).unwrap();
    // s1 loses $250 on 100 shares; b2's 50 shares, bought 4 days before and still held, wash half of it.
    let s1 = result(&results, "s1", "wash_sale");
    assert_eq!(s1.status, Status::Flag, "{}", s1.reason());
    assert_eq!(meta(s1, "loss"), "250");
    assert_eq!(meta(s1, "disallowed_loss"), "125");
    assert_eq!(meta(s1, "replacement_trade_ids"), serde_json::json!(["b2"]));
    assert_eq!(meta(s1, "window_end"), "2024-03-31");
    assert!(s1.reason().contains("$125.00 of this sale's $250.00 loss is disallowed"), "{}", s1.reason());
    // b3, 19 days after, washes the other 50 shares.
    let b3 = result(&results, "b3", "wash_sale");
    assert_eq!(b3.status, Status::Flag);
    assert_eq!(meta(b3, "disallowed_loss"), "125");
    assert_eq!(meta(b3, "loss_trade_ids"), serde_json::json!(["s1"]));
    // b4 is more than 30 days after s1.
    assert_eq!(result(&results, "b4", "wash_sale").status, Status::Pass);
    assert_eq!(result(&results, "b1", "wash_sale").status, Status::Pass);
}

#[test]
fn fees_are_in_the_basis_and_out_of_the_proceeds() {
    let mut b1 = buy("b1", "X", dec!(10), dec!(100), "2024-01-02 10:00");
    b1.fees = dec!(5);
    let mut s1 = sell("s1", "X", dec!(10), dec!(100), "2024-03-01 10:00");
    s1.fees = dec!(5);
    let r = wash_sales(&[b1, s1, buy("b2", "X", dec!(10), dec!(100), "2024-03-02 10:00")]).unwrap();
    assert_eq!(r.losses[0].loss, dec!(10));
    assert_eq!(r.losses[0].disallowed_loss, dec!(10));
}

#[test]
fn a_loss_on_covering_a_short_is_washed_by_a_short_sale_in_the_30_days_after() {
    // IRC §1091(e) and Treas. Reg. 1.1091-1(g): sell 100 shares short at $50, cover at $55 (a $500 loss), sell 100
    // short again within 30 days at $52: the $500 loss is disallowed and reduces the new short's proceeds
    // ($5,200 − $500 = $4,700); covering it at $50 realizes $4,700 − $5,000 = −$300, the economic total.
    let mut trades = vec![
        sell("s1", "X", dec!(100), dec!(50), "2024-03-01 10:00"),
        buy("c1", "X", dec!(100), dec!(55), "2024-03-11 10:00"),
        sell("s2", "X", dec!(100), dec!(52), "2024-03-25 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!(r.losses.len(), 1);
    let loss = &r.losses[0];
    assert_eq!((&*loss.trade_id, loss.direction.as_str()), ("c1", "short"));
    assert_eq!((loss.loss, loss.disallowed_loss, loss.allowed_loss), (dec!(500), dec!(500), dec!(0)));
    let m = &r.matches[0];
    assert_eq!(
        (&*m.loss_trade_id, &*m.replacement_trade_id, m.qty, m.disallowed_loss),
        ("c1", "s2", dec!(100), dec!(500))
    );
    assert_eq!(m.direction.as_str(), "short");
    // Short from 1 March to 11 March: 10 days carried over.
    assert_eq!(m.holding_period_days_added, 10);
    assert_eq!(r.deferred_by_symbol["X"], dec!(500));
    assert_eq!(r.realized_by_symbol["X"], dec!(0));
    trades.push(buy("c2", "X", dec!(100), dec!(50), "2024-05-01 10:00"));
    let r = wash_sales(&trades).unwrap();
    assert_eq!(r.realized_by_symbol["X"], dec!(-300));
    assert!(r.deferred_by_symbol.is_empty());
    // The checks: the short sale is flagged as the replacement, with the disallowed loss.
    let margin: AccountContext = serde_json::from_str(r#"{"account_type": "margin"}"#).unwrap();
    let rows = check_history(&trades, &default_rules(), &margin).unwrap();
    let cover = result(&rows, "c1", "wash_sale");
    assert_eq!(cover.status, Status::Pass, "{}", cover.reason());
    assert_eq!(meta(cover, "loss"), "500");
    assert_eq!(meta(cover, "window_end"), "2024-04-10");
    let short = result(&rows, "s2", "wash_sale");
    assert_eq!(short.status, Status::Flag, "{}", short.reason());
    assert_eq!(meta(short, "disallowed_loss"), "500");
    assert_eq!(meta(short, "loss_trade_ids"), serde_json::json!(["c1"]));
    assert_eq!(meta(short, "direction"), "short");
}

#[test]
fn a_short_opened_in_the_30_days_before_a_cover_at_a_loss_is_its_replacement() {
    // Short 100 at $50 (1 March) and 100 more at $54 (11 March); cover 100 at $55 on 15 March: first in, first out
    // the first short is covered at a $500 loss, and the second, opened four days before and still open, replaces
    // it. Thirty-one days later a short sale replaces nothing.
    let trades = vec![
        sell("s1", "X", dec!(100), dec!(50), "2024-03-01 10:00"),
        sell("s2", "X", dec!(100), dec!(54), "2024-03-11 10:00"),
        buy("c1", "X", dec!(100), dec!(55), "2024-03-15 10:00"),
    ];
    let r = wash_sales(&trades).unwrap();
    assert_eq!((r.losses[0].loss, r.losses[0].disallowed_loss), (dec!(500), dec!(500)));
    assert_eq!(&*r.matches[0].replacement_trade_id, "s2");
    let margin: AccountContext = serde_json::from_str(r#"{"account_type": "margin"}"#).unwrap();
    let rows = check_history(&trades, &default_rules(), &margin).unwrap();
    let cover = result(&rows, "c1", "wash_sale");
    assert_eq!(cover.status, Status::Flag, "{}", cover.reason());
    assert_eq!(meta(cover, "replacement_trade_ids"), serde_json::json!(["s2"]));
    assert_eq!(meta(cover, "allowed_loss"), "0");

    let late = vec![
        sell("s1", "X", dec!(100), dec!(50), "2024-03-01 10:00"),
        buy("c1", "X", dec!(100), dec!(55), "2024-03-11 10:00"),
        sell("s2", "X", dec!(100), dec!(52), "2024-04-11 10:00"),
    ];
    let r = wash_sales(&late).unwrap();
    assert_eq!((r.losses[0].loss, r.losses[0].disallowed_loss), (dec!(500), dec!(0)));
    assert!(r.matches.is_empty());
}

#[test]
fn substantially_identical_symbols_are_the_account_holders_groups() {
    // A loss on GOOGL washed by GOOG bought 14 days later, only when the account lists them as one security
    // (the default is the same symbol only).
    let trades = vec![
        buy("b1", "GOOGL", dec!(10), dec!(180), "2024-03-01 10:00"),
        sell("s1", "GOOGL", dec!(10), dec!(160), "2024-04-01 10:00"),
        buy("b2", "GOOG", dec!(10), dec!(162), "2024-04-15 10:00"),
    ];
    let plain: AccountContext = serde_json::from_str(r#"{"account_type": "margin"}"#).unwrap();
    let rows = check_history(&trades, &default_rules(), &plain).unwrap();
    assert_eq!(result(&rows, "b2", "wash_sale").status, Status::Pass);
    let grouped: AccountContext =
        serde_json::from_str(r#"{"account_type": "margin", "substantially_identical": [["GOOG", "GOOGL"]]}"#).unwrap();
    let rows = check_history(&trades, &default_rules(), &grouped).unwrap();
    let b2 = result(&rows, "b2", "wash_sale");
    assert_eq!(b2.status, Status::Flag, "{}", b2.reason());
    assert_eq!(meta(b2, "disallowed_loss"), "200");
    let groups = vec![["GOOG", "GOOGL"].map(String::from).into_iter().collect()];
    let r = kairo_core::lots::wash_sales_with(&trades, &kairo_core::lots::IdenticalSecurities::from_groups(&groups))
        .unwrap();
    assert_eq!((r.losses[0].disallowed_loss, &*r.matches[0].replacement_trade_id), (dec!(200), "b2"));
    assert_eq!(r.deferred_by_symbol["GOOG"], dec!(200)); // by the group's key
                                                         // A group of one, a lower-case symbol, a symbol in two groups: refused, naming the field.
    for bad in [r#"[["GOOG"]]"#, r#"[["goog", "GOOGL"]]"#, r#"[["GOOG", "GOOGL"], ["GOOG", "X"]]"#] {
        let e =
            serde_json::from_str::<AccountContext>(&format!(r#"{{"substantially_identical": {bad}}}"#)).unwrap_err();
        assert!(e.to_string().contains("substantially_identical"), "{e}");
    }
}

fn arb_trades() -> impl Strategy<Value = Vec<Trade>> {
    prop::collection::vec((0usize..2, any::<bool>(), 1i64..6, 50i64..150, 0i64..120, 0i64..3), 1..40).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (s, is_buy, q, price, day, fee))| {
                let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap() + chrono::Duration::days(day);
                let mut t = if is_buy {
                    buy(
                        &format!("t{i:02}"),
                        ["X", "Y"][s],
                        Decimal::from(q * 10),
                        Decimal::from(price),
                        &format!("{date} 10:{:02}", i % 60),
                    )
                } else {
                    sell(
                        &format!("t{i:02}"),
                        ["X", "Y"][s],
                        Decimal::from(q * 10),
                        Decimal::from(price),
                        &format!("{date} 10:{:02}", i % 60),
                    )
                };
                t.fees = Decimal::from(fee);
                t
            })
            .collect()
    })
}

proptest! {
    /// Wash-adjusted realized P&L − deferred loss = the FIFO lot engine's realized P&L, symbol by symbol; every
    /// loss splits into allowed and disallowed; matched shares never exceed the shares sold at a loss.
    #[test]
    fn wash_adjusted_pnl_reconciles_with_fifo(trades in arb_trades()) {
        let wash = wash_sales(&trades).unwrap();
        let fifo = match_lots(&trades, LotMethod::Fifo).unwrap();
        for (symbol, raw) in fifo.realized_by_symbol() {
            let adjusted = wash.realized_by_symbol.get(&symbol).copied().unwrap_or_default();
            let deferred = wash.deferred_by_symbol.get(&symbol).copied().unwrap_or_default();
            prop_assert!((adjusted - deferred - raw).abs() < dec!(0.000000001), "{symbol}: {adjusted} - {deferred} != {raw}");
        }
        for loss in &wash.losses {
            // Exact up to Decimal's 28 significant digits (uneven splits such as 1/3 are rounded there).
            prop_assert!((loss.disallowed_loss + loss.allowed_loss - loss.loss).abs() <= dec!(0.00000000000000000001));
            prop_assert!(loss.disallowed_loss >= Decimal::ZERO && loss.allowed_loss >= Decimal::ZERO);
            let matched: Decimal = wash.matches.iter().filter(|m| m.loss_trade_id == loss.trade_id).map(|m| m.qty).sum();
            prop_assert!(matched <= loss.qty);
        }
        // One taxable account across accounts is the account alone.
        use kairo_core::lots::{wash_sales_across, AccountTrades, IdenticalSecurities, TaxTreatment};
        let one = [AccountTrades { account: "a", treatment: TaxTreatment::Taxable, trades: &trades }];
        let across = wash_sales_across(&one, &IdenticalSecurities::default()).unwrap();
        prop_assert_eq!(across.losses.iter().map(|l| l.sale.clone()).collect::<Vec<_>>(), wash.losses.clone());
        prop_assert_eq!(across.matches.iter().map(|m| m.wash.clone()).collect::<Vec<_>>(), wash.matches.clone());
    }
}

#[test]
fn a_persons_accounts_are_one_taxpayer_and_an_ira_replacement_loses_the_loss() {
    use kairo_core::lots::{wash_sales_across, AccountTrades, IdenticalSecurities, TaxTreatment};
    // Brokerage account A: 100 X bought at $10 on 1 March, sold at $7.50 on 3 June: a $250 loss. Account B
    // (taxable) bought 100 X on 20 May and still holds them: they replace the loss (bought within 30 days before),
    // and take the $250 into their basis.
    let a = vec![
        buy("a1", "X", dec!(100), dec!(10), "2024-03-01 10:00"),
        sell("a2", "X", dec!(100), dec!(7.5), "2024-06-03 10:00"),
    ];
    let b = vec![buy("b1", "X", dec!(100), dec!(8), "2024-05-20 10:00")];
    let accounts = |b_treatment| {
        [
            AccountTrades { account: "A", treatment: TaxTreatment::Taxable, trades: &a },
            AccountTrades { account: "B", treatment: b_treatment, trades: &b },
        ]
    };
    let r = wash_sales_across(&accounts(TaxTreatment::Taxable), &IdenticalSecurities::default()).unwrap();
    assert_eq!((r.losses[0].account.as_str(), r.losses[0].sale.disallowed_loss), ("A", dec!(250)));
    let m = &r.matches[0];
    assert_eq!((m.loss_account.as_str(), m.replacement_account.as_str(), m.permanent), ("A", "B", false));
    assert_eq!((&*m.wash.replacement_trade_id, m.wash.basis_adjustment), ("b1", dec!(250)));
    assert_eq!(r.permanently_disallowed(), dec!(0));
    // The same purchase in an IRA (Rev. Rul. 2008-5): disallowed, with no basis adjustment: lost for good.
    let r = wash_sales_across(&accounts(TaxTreatment::TaxDeferred), &IdenticalSecurities::default()).unwrap();
    assert_eq!(r.losses[0].sale.disallowed_loss, dec!(250));
    assert!(r.matches[0].permanent && r.matches[0].wash.basis_adjustment.is_zero());
    assert_eq!(r.permanently_disallowed(), dec!(250));

    // The account's own replacement comes first: A buys back 50 on 10 June, B buys 100 on 12 June (after the sale).
    let a = vec![
        buy("a1", "X", dec!(100), dec!(10), "2024-03-01 10:00"),
        sell("a2", "X", dec!(100), dec!(7.5), "2024-06-03 10:00"),
        buy("a3", "X", dec!(50), dec!(8), "2024-06-10 10:00"),
    ];
    let b = vec![buy("b1", "X", dec!(100), dec!(8), "2024-06-12 10:00")];
    let accts = [
        AccountTrades { account: "A", treatment: TaxTreatment::Taxable, trades: &a },
        AccountTrades { account: "IRA", treatment: TaxTreatment::TaxDeferred, trades: &b },
    ];
    let r = wash_sales_across(&accts, &IdenticalSecurities::default()).unwrap();
    let pairs: Vec<(&str, &str, Decimal, bool)> = r
        .matches
        .iter()
        .map(|m| (&*m.wash.replacement_trade_id, m.replacement_account.as_str(), m.wash.qty, m.permanent))
        .collect();
    assert_eq!(pairs, [("a3", "A", dec!(50), false), ("b1", "IRA", dec!(50), true)]);
    assert_eq!(r.losses[0].sale.disallowed_loss, dec!(250));
    assert_eq!(r.permanently_disallowed(), dec!(125));
    // A loss in the IRA itself is no deductible loss: nothing recorded.
    let ira_only = vec![
        buy("i1", "Y", dec!(10), dec!(10), "2024-03-01 10:00"),
        sell("i2", "Y", dec!(10), dec!(5), "2024-03-05 10:00"),
    ];
    let r = wash_sales_across(
        &[AccountTrades { account: "IRA", treatment: TaxTreatment::TaxDeferred, trades: &ira_only }],
        &IdenticalSecurities::default(),
    )
    .unwrap();
    assert!(r.losses.is_empty() && r.matches.is_empty());
}

#[test]
fn a_wash_sale_is_followed_across_a_split() {
    use kairo_core::lots::{wash_sales_with_splits, IdenticalSecurities, Split};
    // 10 X bought at $100 on 1 March, sold at $80 on 4 March (a $200 loss); X splits 2-for-1 on 11 March; 10 shares
    // bought at $41 on 20 March replace half of the loss shares in today's terms (5 pre-split shares): $100 of the
    // loss is disallowed and goes into those 10 shares' basis ($410 + $100). Without the split, 10 new shares would
    // seem to replace all 10 old ones.
    let trades = vec![
        buy("b1", "X", dec!(10), dec!(100), "2024-03-01 10:00"),
        sell("s1", "X", dec!(10), dec!(80), "2024-03-04 10:00"),
        buy("b2", "X", dec!(10), dec!(41), "2024-03-20 10:00"),
    ];
    let split = Split { symbol: "X".into(), ex_date: "2024-03-11".parse().unwrap(), ratio: dec!(2) };
    let r = wash_sales_with_splits(&trades, &IdenticalSecurities::default(), std::slice::from_ref(&split)).unwrap();
    assert_eq!((r.losses[0].disallowed_loss, r.losses[0].allowed_loss), (dec!(100), dec!(100)));
    assert_eq!((r.matches[0].qty, r.matches[0].disallowed_loss), (dec!(10), dec!(100)));
    assert_eq!(r.deferred_by_symbol["X"], dec!(100));
    let plain = wash_sales(&trades).unwrap();
    assert_eq!(plain.losses[0].disallowed_loss, dec!(200));
    // a split before any trade of the symbol, or of another symbol, changes nothing
    let other = Split { symbol: "Y".into(), ex_date: "2024-03-11".parse().unwrap(), ratio: dec!(2) };
    assert_eq!(wash_sales_with_splits(&trades, &IdenticalSecurities::default(), &[other]).unwrap(), plain);
}
