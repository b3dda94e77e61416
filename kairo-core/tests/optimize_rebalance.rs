//! Tax-aware rebalancing on hand-made lots: each property of the plan checked against a hand computation.
//!
//! The wash-sale rule (IRC §1091; IRS Publication 550, "Wash Sales"): a loss on a sale of stock is disallowed
//! when substantially identical stock is bought within 30 days before or after the sale. A plan must therefore not
//! buy a symbol sold at a loss in the last 30 days, nor sell at a loss a symbol bought in the last 30 days.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kairo_core::lots::Term;
use kairo_core::optimize::{rebalance, RebalanceOptions, RebalancePlan, Shares};
use kairo_core::{ErrorCode, ErrorInfo, Side, Trade};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn trade(id: &str, symbol: &str, side: Side, qty: Decimal, price: Decimal, d: &str) -> Trade {
    Trade::new(id, "u1", symbol, side, qty, price, format!("{d}T15:00:00Z").parse().unwrap()).unwrap()
}

fn map<V: Copy>(items: &[(&str, V)]) -> BTreeMap<String, V> {
    items.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn plan(
    trades: &[Trade],
    prices: &[(&str, Decimal)],
    targets: &[(&str, f64)],
    opts: &RebalanceOptions,
) -> RebalancePlan {
    rebalance(trades, &map(prices), &map(targets), opts).unwrap()
}

/// Four AAPL lots at 150 on 2024-06-03: a loss of 30/share (bought at 180, short-term), a loss of 10/share (160,
/// short-term), a long-term gain of 50/share (100, bought 2022) and a short-term gain of 20/share (130).
fn aapl_lots() -> Vec<Trade> {
    vec![
        trade("lt_gain", "AAPL", Side::Buy, dec!(10), dec!(100), "2022-03-01"),
        trade("st_gain", "AAPL", Side::Buy, dec!(10), dec!(130), "2024-01-10"),
        trade("loss_10", "AAPL", Side::Buy, dec!(10), dec!(160), "2024-02-01"),
        trade("loss_30", "AAPL", Side::Buy, dec!(10), dec!(180), "2024-03-01"),
    ]
}

#[test]
fn lots_are_sold_losses_first_then_long_term_gains_then_short_term_gains() {
    // 40 shares × 150 = 6,000; target 0.25 AAPL → sell 30 shares (4,500), buy 4,500 of MSFT (15 at 300).
    let opts = RebalanceOptions::new(day("2024-06-03"), dec!(0));
    let p = plan(&aapl_lots(), &[("AAPL", dec!(150)), ("MSFT", dec!(300))], &[("AAPL", 0.25), ("MSFT", 0.75)], &opts);
    let sale = &p.orders[0];
    assert_eq!((sale.symbol.as_str(), sale.side, sale.qty), ("AAPL", Side::Sell, dec!(30)));
    let ids: Vec<&str> = sale.lots.iter().map(|l| l.trade_id.as_str()).collect();
    assert_eq!(ids, ["loss_30", "loss_10", "lt_gain"]);
    // losses: 10 × (150 − 180) + 10 × (150 − 160) = −400, short-term; gain 10 × (150 − 100) = +500, long-term
    assert_eq!(p.realized.short_term, dec!(-400));
    assert_eq!(p.realized.long_term, dec!(500));
    assert_eq!(sale.lots[2].term, Term::LongTerm);
    // the net gain of the sale is +100, so repurchasing is no wash sale concern
    assert_eq!(sale.no_repurchase_until, None);
    let buy = &p.orders[1];
    assert_eq!((buy.symbol.as_str(), buy.side, buy.qty, buy.value), ("MSFT", Side::Buy, dec!(15), dec!(4500)));
    assert_eq!(p.cash_after, dec!(0));
    // one-way turnover: (4,500 + 4,500) / (2 × 6,000)
    assert!((p.turnover - 0.75).abs() < 1e-12);
}

#[test]
fn a_symbol_bought_in_the_last_30_days_is_not_sold_at_a_loss() {
    // loss_30 was bought 2024-03-01; on 2024-03-20 another AAPL buy (recent) blocks loss sales until 2024-04-19.
    let mut trades = aapl_lots();
    trades.push(trade("recent", "AAPL", Side::Buy, dec!(1), dec!(150), "2024-03-20"));
    let opts = RebalanceOptions::new(day("2024-04-01"), dec!(0));
    // 41 × 150 = 6,150; AAPL to 0.5 → sell 3,075 / 150 = 20.5 → 20 shares.
    let p = plan(&trades, &[("AAPL", dec!(150)), ("MSFT", dec!(300))], &[("AAPL", 0.5), ("MSFT", 0.5)], &opts);
    let sale = &p.orders[0];
    // only lots without a loss may go: the long-term gain (10), then the short-term ones by gain per share, the
    // recent share bought at 150 (0) before 9 of the lot bought at 130 (20)
    let ids: Vec<&str> = sale.lots.iter().map(|l| l.trade_id.as_str()).collect();
    assert_eq!(ids, ["lt_gain", "recent", "st_gain"]);
    assert!(sale.lots.iter().all(|l| l.gain >= Decimal::ZERO));
    assert_eq!(p.realized.long_term, dec!(500));
    assert_eq!(p.realized.short_term, dec!(180));
    // the 3,000 of proceeds buy 10 MSFT of the 3,075 wanted: the rest is short of cash, not blocked
    assert!(p.skipped.iter().all(|s| s.reason == "cash" && s.symbol == "MSFT"));

    // selling everything: the loss lots (and the recent lot, at no gain) are left, with the reason and the window
    let all = plan(&trades, &[("AAPL", dec!(150))], &[], &opts);
    assert_eq!(all.orders[0].qty, dec!(21)); // 20 in gain lots + the 1 share bought at 150 (no loss)
    let skipped = &all.skipped[0];
    assert_eq!((skipped.symbol.as_str(), skipped.side, skipped.reason), ("AAPL", Side::Sell, "wash_sale_loss_sale"));
    assert_eq!(skipped.value, dec!(3000)); // the 20 loss shares at 150
    assert_eq!(skipped.until, Some(day("2024-04-19")));

    // unless asked: the losses are then sold first
    let mut allow = opts.clone();
    allow.allow_wash_sales = true;
    let p = plan(&trades, &[("AAPL", dec!(150))], &[], &allow);
    assert_eq!(p.orders[0].lots[0].trade_id, "loss_30");
    assert!(p.skipped.is_empty());
}

#[test]
fn a_symbol_sold_at_a_loss_in_the_last_30_days_is_not_bought() {
    let trades = vec![
        trade("b1", "TSLA", Side::Buy, dec!(10), dec!(250), "2024-01-02"),
        trade("s1", "TSLA", Side::Sell, dec!(10), dec!(200), "2024-05-20"), // a 500 loss
        trade("b2", "SPY", Side::Buy, dec!(10), dec!(500), "2023-01-03"),
    ];
    let opts = RebalanceOptions::new(day("2024-06-03"), dec!(2000));
    let p = plan(&trades, &[("TSLA", dec!(210)), ("SPY", dec!(520))], &[("TSLA", 0.3), ("SPY", 0.7)], &opts);
    assert!(p.orders.iter().all(|o| o.symbol != "TSLA"));
    let s = &p.skipped[0];
    assert_eq!((s.symbol.as_str(), s.side, s.reason), ("TSLA", Side::Buy, "wash_sale_purchase"));
    assert_eq!(s.until, Some(day("2024-06-19"))); // 2024-05-20 + 30 days
                                                  // value 2,000 + 5,200 = 7,200: TSLA target 2,160 skipped; SPY target 5,040 → sell 160 / 520 → 0 whole shares
    assert_eq!(s.value, dec!(2160.0));

    // 31 days after the loss sale the purchase is allowed
    let later = RebalanceOptions::new(day("2024-06-20"), dec!(2000));
    let p = plan(&trades, &[("TSLA", dec!(210)), ("SPY", dec!(520))], &[("TSLA", 0.3), ("SPY", 0.7)], &later);
    let buy = p.orders.iter().find(|o| o.symbol == "TSLA").unwrap();
    // 2,160 wanted but only the 2,000 of cash to spend (SPY's excess, 160, is less than a share): 2,000 / 210 → 9
    assert_eq!(buy.qty, dec!(9));
    assert_eq!(p.cash_after, dec!(2000) - dec!(9) * dec!(210));
    assert_eq!(p.skipped[0].reason, "cash");
}

#[test]
fn a_loss_sale_in_the_plan_says_until_when_not_to_buy_back() {
    let trades = vec![trade("b", "NFLX", Side::Buy, dec!(5), dec!(600), "2024-01-02")];
    let p = plan(&trades, &[("NFLX", dec!(500))], &[], &RebalanceOptions::new(day("2024-06-03"), dec!(0)));
    assert_eq!(p.realized.short_term, dec!(-500));
    assert_eq!(p.orders[0].no_repurchase_until, Some(day("2024-07-03")));
}

#[test]
fn the_turnover_limit_scales_every_trade_down() {
    // 40 AAPL × 150 = 6,000; full rebalance to 0 AAPL / 1.0 MSFT is turnover 1.0; the limit 0.25 allows a quarter
    let mut opts = RebalanceOptions::new(day("2024-06-03"), dec!(0));
    opts.turnover_limit = Some(0.25);
    let p = plan(&aapl_lots(), &[("AAPL", dec!(150)), ("MSFT", dec!(300))], &[("MSFT", 1.0)], &opts);
    // sell 6,000 × 0.25 = 1,500 → 10 shares: the lot with the largest loss
    assert_eq!(p.orders[0].qty, dec!(10));
    assert_eq!(p.orders[0].lots[0].trade_id, "loss_30");
    assert_eq!(p.orders[1].qty, dec!(5)); // 1,500 / 300
    assert!(p.turnover <= 0.25 + 1e-12);
}

#[test]
fn fractional_shares_and_cash_limits() {
    let trades = vec![trade("b", "SPY", Side::Buy, dec!(1), dec!(500), "2023-01-03")];
    let mut opts = RebalanceOptions::new(day("2024-06-03"), dec!(1000));
    opts.shares = Shares::Fractional(4);
    // value 1,000 + 520 = 1,520; QQQ 0.5 → 760 / 450 = 1.68888… → 1.6888
    let p = plan(&trades, &[("SPY", dec!(520)), ("QQQ", dec!(450))], &[("SPY", 0.5), ("QQQ", 0.5)], &opts);
    let q = p.orders.iter().find(|o| o.symbol == "QQQ").unwrap();
    assert_eq!(q.qty, dec!(1.6888));
    // SPY: target 760 against 520 held → buy 240 / 520 = 0.4615…; buys are 1,000 of cash for 1,000 wanted
    let spy = p.orders.iter().find(|o| o.symbol == "SPY").unwrap();
    assert_eq!(spy.qty, dec!(0.4615));
    assert_eq!(p.cash_after, dec!(1000) - q.value - spy.value);
    assert!(p.cash_after >= Decimal::ZERO);
}

#[test]
fn bad_input_names_the_field() {
    let opts = RebalanceOptions::new(day("2024-06-03"), dec!(0));
    let e = rebalance(&aapl_lots()[..], &map(&[("AAPL", dec!(150))]), &map(&[("AAPL", 0.7), ("MSFT", 0.6)]), &opts)
        .unwrap_err();
    assert_eq!(
        (e.code(), ErrorInfo::field(&e), e.kind()),
        (ErrorCode::InvalidArgument, Some("targets"), "out_of_range")
    );
    let e = rebalance(&aapl_lots()[..], &map(&[("AAPL", dec!(150))]), &map(&[("MSFT", 1.0)]), &opts).unwrap_err();
    assert_eq!((ErrorInfo::field(&e), e.kind()), (Some("prices"), "bad_value"));
    let mut limit = opts.clone();
    limit.turnover_limit = Some(0.0);
    let e = rebalance(&aapl_lots()[..], &map(&[("AAPL", dec!(150))]), &map(&[]), &limit).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("turnover_limit"));
    let rich = RebalanceOptions::new(day("2024-06-03"), dec!(1e20));
    let e = rebalance(&aapl_lots()[..], &map(&[("AAPL", dec!(150))]), &map(&[]), &rich).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("cash"));
    let e = rebalance(&aapl_lots()[..], &map(&[("AAPL", dec!(1e20))]), &map(&[]), &opts).unwrap_err();
    assert_eq!(ErrorInfo::field(&e), Some("prices"));
}
