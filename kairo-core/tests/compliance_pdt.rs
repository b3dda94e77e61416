//! Pattern day trading (FINRA Rule 4210(f)(8)(B)): day-trade counting against FINRA's worked examples, the
//! five-business-day window across weekends and holidays, the 6% test, the $25,000 minimum, and the alternative
//! pair counting.

mod common;

use chrono::NaiveDate;
use common::{buy, meta, result, sell, status};
use kairo_core::compliance::{
    check_history, day_trades, default_rules, pdt_status, AccountContext, DayTradeCounting, PatternDayTrading, Status,
};
use kairo_core::Trade;
use rust_decimal_macros::dec;

fn count(trades: &[Trade], counting: DayTradeCounting) -> usize {
    day_trades(trades, counting).unwrap().len()
}

fn margin(equity: &str) -> AccountContext {
    serde_json::from_str(&format!(r#"{{"account_type": "margin", "equity": "{equity}"}}"#)).unwrap()
}

// FINRA Regulatory Notice 21-13 ("Day Trading", 2021), examples of how day trades are counted, as reproduced in
// brokers' PDT help pages (e.g. Alpaca's "Pattern Day Trader Protection"). All trades are on one day, 2024-06-03.
const DAY: &str = "2024-06-03";

fn at(minute: u32) -> String {
    format!("{DAY} {:02}:{:02}", 10 + minute / 60, minute % 60)
}

#[test]
fn finra_example_a_two_buys_one_sell_is_one_day_trade() {
    let t = [
        buy("1", "ABC", dec!(250), dec!(10), &at(0)),
        buy("2", "ABC", dec!(250), dec!(10), &at(1)),
        sell("3", "ABC", dec!(500), dec!(11), &at(2)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 1);
    let d = &day_trades(&t, DayTradeCounting::Transitions).unwrap()[0];
    assert_eq!((&*d.open_trade_id, &*d.close_trade_id, d.qty), ("1", "3", dec!(500)));
    // Counted by pairs, each buy paired with the sell: two.
    assert_eq!(count(&t, DayTradeCounting::Pairs), 2);
}

#[test]
fn finra_example_b_buy_sell_buy_sell_is_two_day_trades() {
    let t = [
        buy("1", "ABC", dec!(100), dec!(10), &at(0)),
        sell("2", "ABC", dec!(100), dec!(10), &at(1)),
        buy("3", "ABC", dec!(100), dec!(10), &at(2)),
        sell("4", "ABC", dec!(100), dec!(10), &at(3)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 2);
    assert_eq!(count(&t, DayTradeCounting::Pairs), 2);
}

#[test]
fn finra_example_c_one_buy_three_sells_is_one_day_trade() {
    let t = [
        buy("1", "ABC", dec!(500), dec!(10), &at(0)),
        sell("2", "ABC", dec!(100), dec!(10), &at(1)),
        sell("3", "ABC", dec!(100), dec!(10), &at(2)),
        sell("4", "ABC", dec!(300), dec!(10), &at(3)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 1);
    assert_eq!(count(&t, DayTradeCounting::Pairs), 3);
}

#[test]
fn finra_example_d_three_buys_two_sells_is_one_day_trade() {
    let t = [
        buy("1", "ABC", dec!(250), dec!(10), &at(0)),
        buy("2", "ABC", dec!(300), dec!(10), &at(1)),
        buy("3", "ABC", dec!(100), dec!(10), &at(2)),
        sell("4", "ABC", dec!(150), dec!(10), &at(3)),
        sell("5", "ABC", dec!(175), dec!(10), &at(4)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 1);
    // Pairs: sell 150 closes 150 of buy 1; sell 175 closes the other 100 of buy 1 and 75 of buy 2.
    assert_eq!(count(&t, DayTradeCounting::Pairs), 3);
}

#[test]
fn finra_example_e_alternating_runs_are_two_day_trades() {
    let t = [
        buy("1", "ABC", dec!(199), dec!(10), &at(0)),
        buy("2", "ABC", dec!(142), dec!(10), &at(1)),
        sell("3", "ABC", dec!(1), dec!(10), &at(2)),
        buy("4", "ABC", dec!(45), dec!(10), &at(3)),
        sell("5", "ABC", dec!(100), dec!(10), &at(4)),
        sell("6", "ABC", dec!(200), dec!(10), &at(5)),
    ];
    let found = day_trades(&t, DayTradeCounting::Transitions).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!((&*found[0].close_trade_id, &*found[1].open_trade_id, &*found[1].close_trade_id), ("3", "4", "5"));
}

#[test]
fn finra_example_f_two_securities_are_counted_separately() {
    let t = [
        buy("1", "ABC", dec!(100), dec!(10), &at(0)),
        buy("2", "XYZ", dec!(100), dec!(10), &at(1)),
        sell("3", "ABC", dec!(100), dec!(10), &at(2)),
        sell("4", "XYZ", dec!(100), dec!(10), &at(3)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 2);
}

#[test]
fn overnight_positions_follow_the_rules_exceptions() {
    // 4210(f)(8)(B)(i)(a): a long position held overnight and sold before any new purchase is not a day trade...
    let t = [
        buy("0", "ABC", dec!(100), dec!(10), "2024-05-31 15:00"),
        sell("1", "ABC", dec!(100), dec!(10), &at(0)),
        buy("2", "ABC", dec!(100), dec!(10), &at(1)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 0);
    // ...but buying more first and then selling is one, even though the overnight shares are the ones sold first in.
    let t = [
        buy("0", "ABC", dec!(100), dec!(10), "2024-05-31 15:00"),
        buy("1", "ABC", dec!(100), dec!(10), &at(0)),
        sell("2", "ABC", dec!(100), dec!(10), &at(1)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 1);
    // Selling 150 of 100 overnight + 50 today: the 50 bought today are the day trade.
    let t = [
        buy("0", "ABC", dec!(100), dec!(10), "2024-05-31 15:00"),
        buy("1", "ABC", dec!(50), dec!(10), &at(0)),
        sell("2", "ABC", dec!(150), dec!(10), &at(1)),
    ];
    assert_eq!(day_trades(&t, DayTradeCounting::Transitions).unwrap()[0].qty, dec!(50));
    // A trade late one evening and another early next morning are on different trade dates.
    let t = [
        buy("1", "ABC", dec!(100), dec!(10), "2024-06-03 19:30"),
        sell("2", "ABC", dec!(100), dec!(10), "2024-06-04 04:05"),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 0);
}

#[test]
fn short_sales_and_flips_count_like_long_trades() {
    // Sell short, buy to cover: "selling and purchasing" the same day.
    let t = [sell("1", "ABC", dec!(100), dec!(10), &at(0)), buy("2", "ABC", dec!(100), dec!(10), &at(1))];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 1);
    // Buy 100, sell 200 (close the long and open a short), buy 100 (cover): two day trades.
    let t = [
        buy("1", "ABC", dec!(100), dec!(10), &at(0)),
        sell("2", "ABC", dec!(200), dec!(10), &at(1)),
        buy("3", "ABC", dec!(100), dec!(10), &at(2)),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 2);
    // A short held overnight and covered before any new sale is not a day trade (exception (b)).
    let t = [sell("0", "ABC", dec!(100), dec!(10), "2024-05-31 15:00"), buy("1", "ABC", dec!(100), dec!(10), &at(0))];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 0);
}

/// One round trip (buy then sell 10 shares of `symbol`) at 10:00 and 10:05 New York time on `day`.
fn round_trip(id: &str, symbol: &str, day: &str) -> [Trade; 2] {
    [
        buy(&format!("{id}b"), symbol, dec!(10), dec!(20), &format!("{day} 10:00")),
        sell(&format!("{id}s"), symbol, dec!(10), dec!(20), &format!("{day} 10:05")),
    ]
}

#[test]
fn the_fourth_day_trade_in_five_business_days_fails_below_25000_and_is_flagged_above() {
    // Thursday 2024-06-13, Friday 14, Monday 17, Tuesday 18, Thursday 20: Wednesday 19 June is Juneteenth, so the
    // five business days ending on the 20th start on the 13th, across a weekend and a holiday.
    let mut trades = Vec::new();
    for (i, day) in ["2024-06-13", "2024-06-14", "2024-06-17", "2024-06-20"].iter().enumerate() {
        trades.extend(round_trip(&format!("d{i}"), "ABC", day));
    }
    let results = check_history(&trades, &default_rules(), &margin("24000")).unwrap();
    for id in ["d0s", "d1s", "d2s"] {
        assert_eq!(status(&results, id, "pattern_day_trading"), Status::Pass, "{id}");
    }
    let fourth = result(&results, "d3s", "pattern_day_trading");
    assert_eq!(fourth.status, Status::Fail, "{}", fourth.reason());
    assert_eq!(meta(fourth, "day_trades_in_window"), 4);
    assert_eq!(meta(fourth, "total_trades_in_window"), 8);
    assert_eq!(meta(fourth, "window_start"), "2024-06-13");
    assert_eq!(meta(fourth, "window_end"), "2024-06-20");
    assert_eq!(meta(fourth, "is_pattern_day_trader"), true);
    assert!(fourth.reason().contains("$25000"), "{}", fourth.reason());
    assert_eq!(status(&results, "d3b", "pattern_day_trading"), Status::Pass);
    let results = check_history(&trades, &default_rules(), &margin("30000")).unwrap();
    assert_eq!(status(&results, "d3s", "pattern_day_trading"), Status::Flag);
}

#[test]
fn day_trades_older_than_five_business_days_leave_the_window() {
    // Monday 10 to Friday 14 June, then Monday 17: the window ending on the 17th starts on Tuesday the 11th.
    let mut trades = Vec::new();
    for (i, day) in ["2024-06-10", "2024-06-11", "2024-06-12", "2024-06-17"].iter().enumerate() {
        trades.extend(round_trip(&format!("d{i}"), "ABC", day));
    }
    let results = check_history(&trades, &default_rules(), &margin("1000")).unwrap();
    let last = result(&results, "d3s", "pattern_day_trading");
    assert_eq!(last.status, Status::Pass);
    assert_eq!(meta(last, "day_trades_in_window"), 3);
    assert_eq!(meta(last, "window_start"), "2024-06-11");
    let s = pdt_status(&trades, &PatternDayTrading::default(), NaiveDate::from_ymd_opt(2024, 6, 12).unwrap()).unwrap();
    assert_eq!((s.day_trades_in_window, s.total_trades_in_window, s.is_pattern_day_trader), (3, 6, false));
}

#[test]
fn four_day_trades_that_are_six_percent_or_less_of_all_trades_do_not_make_a_pattern_day_trader() {
    // 4 day trades (8 trades) plus 59 other purchases in the window: 4 / 67 = 5.97% ≤ 6%.
    let mut trades = Vec::new();
    for (i, day) in ["2024-06-10", "2024-06-11", "2024-06-12", "2024-06-13"].iter().enumerate() {
        trades.extend(round_trip(&format!("d{i}"), "ABC", day));
    }
    for i in 0..59 {
        trades.push(buy(
            &format!("x{i:02}"),
            "XYZ",
            dec!(1),
            dec!(20),
            &format!("2024-06-10 {:02}:{:02}", 11 + i / 60, i % 60),
        ));
    }
    let results = check_history(&trades, &default_rules(), &margin("1000")).unwrap();
    let fourth = result(&results, "d3s", "pattern_day_trading");
    assert_eq!(meta(fourth, "total_trades_in_window"), 67);
    assert_eq!(fourth.status, Status::Pass, "{}", fourth.reason());
    // One purchase fewer: 4 / 66 = 6.06% > 6%.
    trades.pop();
    let results = check_history(&trades, &default_rules(), &margin("1000")).unwrap();
    assert_eq!(status(&results, "d3s", "pattern_day_trading"), Status::Fail);
}

#[test]
fn pair_counting_reaches_the_threshold_sooner() {
    // Two days of "buy 100, buy 100, sell 200": two day trades under FINRA's counting, four counted by pairs.
    let mut trades = Vec::new();
    for (i, day) in ["2024-06-10", "2024-06-11"].iter().enumerate() {
        trades.push(buy(&format!("{i}a"), "ABC", dec!(100), dec!(10), &format!("{day} 10:00")));
        trades.push(buy(&format!("{i}b"), "ABC", dec!(100), dec!(10), &format!("{day} 10:01")));
        trades.push(sell(&format!("{i}c"), "ABC", dec!(200), dec!(10), &format!("{day} 10:02")));
    }
    let results = check_history(&trades, &default_rules(), &margin("1000")).unwrap();
    assert_eq!(status(&results, "1c", "pattern_day_trading"), Status::Pass);
    let mut ctx = margin("1000");
    ctx.limits.pattern_day_trading.counting = DayTradeCounting::Pairs;
    let results = check_history(&trades, &default_rules(), &ctx).unwrap();
    let r = result(&results, "1c", "pattern_day_trading");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(meta(r, "day_trades"), 2);
}

#[test]
fn cash_accounts_and_trades_after_the_cut_over_date_are_not_checked() {
    let trades = round_trip("d", "ABC", "2024-06-10");
    let cash: AccountContext = serde_json::from_str(r#"{"account_type": "cash"}"#).unwrap();
    let results = check_history(&trades, &default_rules(), &cash).unwrap();
    assert!(results.iter().all(|r| r.check_name != "pattern_day_trading"));
    let mut ctx = margin("1000");
    ctx.limits.pattern_day_trading.in_force_until = NaiveDate::from_ymd_opt(2024, 6, 7);
    let results = check_history(&trades, &default_rules(), &ctx).unwrap();
    assert!(results.iter().all(|r| r.check_name != "pattern_day_trading"));
}

#[test]
fn daylight_saving_change_days_use_new_york_dates() {
    // Sunday 10 March 2024 is the spring change; Monday 11 March 09:35 EDT is 13:35 UTC, the sale at 15:55 EDT.
    let t = [
        buy("1", "ABC", dec!(10), dec!(20), "2024-03-11 09:35"),
        sell("2", "ABC", dec!(10), dec!(20), "2024-03-11 15:55"),
    ];
    let d = day_trades(&t, DayTradeCounting::Transitions).unwrap();
    assert_eq!(d[0].date, NaiveDate::from_ymd_opt(2024, 3, 11).unwrap());
    // 3 November 2024 (fall back): a buy at 20:30 EST on Friday 1 November is 00:30 UTC Saturday, still 1 November.
    let t = [
        buy("1", "ABC", dec!(10), dec!(20), "2024-11-01 20:30"),
        sell("2", "ABC", dec!(10), dec!(20), "2024-11-04 09:45"),
    ];
    assert_eq!(count(&t, DayTradeCounting::Transitions), 0);
}
