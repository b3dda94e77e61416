//! Lot matching: hand-computed examples and conservation properties.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kairo_core::lots::{match_lots, Direction, LotMethod, LotReport, Term};
use kairo_core::{Side, Trade};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn at(day: &str) -> DateTime<Utc> {
    format!("{day}T15:00:00Z").parse().unwrap()
}

fn trade(id: &str, side: Side, qty: Decimal, price: Decimal, day: &str) -> Trade {
    Trade::new(id, "u1", "AAPL", side, qty, price, at(day)).unwrap()
}

#[test]
fn fifo_splits_fees_pro_rata() {
    // Hand computation: basis 10 × 100 + 1 = 1001 and 10 × 110 + 1 = 1101; proceeds 15 × 120 − 1.5 = 1798.5.
    // FIFO: the first lot takes 10/15 of the proceeds = 1199 against 1001 → 198;
    // the second 5 units take the remaining 599.5 against 1101 × 5/10 = 550.5 → 49. Total 247.
    let trades = vec![
        trade("b1", Side::Buy, dec!(10), dec!(100), "2024-01-02").with_fees(dec!(1)).unwrap(),
        trade("b2", Side::Buy, dec!(10), dec!(110), "2024-01-03").with_fees(dec!(1)).unwrap(),
        trade("s1", Side::Sell, dec!(15), dec!(120), "2024-01-04").with_fees(dec!(1.5)).unwrap(),
    ];
    let r = match_lots(&trades, LotMethod::Fifo).unwrap();
    assert_eq!(r.closed_lots.len(), 2);
    assert_eq!((r.closed_lots[0].proceeds, r.closed_lots[0].basis), (dec!(1199), dec!(1001)));
    assert_eq!((r.closed_lots[1].proceeds, r.closed_lots[1].basis), (dec!(599.5), dec!(550.5)));
    assert_eq!(r.realized_pnl, dec!(247));
    assert_eq!(r.open_lots.len(), 1);
    assert_eq!((r.open_lots[0].qty, r.open_lots[0].basis), (dec!(5), dec!(550.5)));
}

#[test]
fn highest_cost_relieves_the_dearest_lot() {
    let trades = vec![
        trade("b1", Side::Buy, dec!(10), dec!(100), "2024-01-02"),
        trade("b2", Side::Buy, dec!(10), dec!(120), "2024-01-03"),
        trade("b3", Side::Buy, dec!(10), dec!(110), "2024-01-04"),
        trade("s1", Side::Sell, dec!(10), dec!(115), "2024-01-05"),
    ];
    let r = match_lots(&trades, LotMethod::HighestCost).unwrap();
    assert_eq!(&*r.closed_lots[0].open_trade_id, "b2");
    assert_eq!(r.realized_pnl, dec!(-50)); // 10 × (115 − 120)
}

#[test]
fn average_cost_pools_the_basis() {
    // Average cost of 20 shares: (1000 + 1200) / 20 = 110; selling 5 at 130 realizes 5 × 20 = 100.
    let trades = vec![
        trade("b1", Side::Buy, dec!(10), dec!(100), "2024-01-02"),
        trade("b2", Side::Buy, dec!(10), dec!(120), "2024-01-03"),
        trade("s1", Side::Sell, dec!(5), dec!(130), "2024-01-04"),
    ];
    let r = match_lots(&trades, LotMethod::AverageCost).unwrap();
    assert_eq!(r.realized_pnl, dec!(100));
    assert_eq!(&*r.closed_lots[0].open_trade_id, "b1"); // relieved oldest first for the holding period
    let bases: Vec<_> = r.open_lots.iter().map(|l| (&*l.trade_id, l.qty, l.basis)).collect();
    assert_eq!(bases, vec![("b1", dec!(5), dec!(550)), ("b2", dec!(10), dec!(1100))]);
}

#[test]
fn shorts_open_on_excess_sells_and_flip() {
    // Buy 5 at 10, sell 8 at 12: 5 close the long (+10), 3 open a short with proceeds 36.
    // Buy 3 at 11 covers it: 36 − 33 = +3.
    let trades = vec![
        trade("b1", Side::Buy, dec!(5), dec!(10), "2024-01-02"),
        trade("s1", Side::Sell, dec!(8), dec!(12), "2024-01-03"),
        trade("b2", Side::Buy, dec!(3), dec!(11), "2024-01-04"),
    ];
    let r = match_lots(&trades, LotMethod::Fifo).unwrap();
    assert_eq!(r.closed_lots.len(), 2);
    assert_eq!(r.closed_lots[0].direction, Direction::Long);
    assert_eq!(r.closed_lots[0].realized_pnl, dec!(10));
    let short = &r.closed_lots[1];
    assert_eq!((short.direction, &*short.open_trade_id, &*short.close_trade_id), (Direction::Short, "s1", "b2"));
    assert_eq!((short.proceeds, short.basis, short.realized_pnl), (dec!(36), dec!(33), dec!(3)));
    assert_eq!(short.term, Term::ShortTerm);
    assert!(r.open_lots.is_empty());
}

#[test]
fn short_only_position_and_unrealized() {
    let trades = vec![trade("s1", Side::Sell, dec!(10), dec!(50), "2024-01-02")];
    let r = match_lots(&trades, LotMethod::Fifo).unwrap();
    let p = r.positions();
    assert_eq!((p[0].qty, p[0].basis, p[0].average_cost), (dec!(-10), dec!(500), dec!(50)));
    let u = r.unrealized(&HashMap::from([("AAPL".to_string(), dec!(45))])).unwrap();
    assert_eq!((u.total, u.market_value), (dec!(50), dec!(-450)));
    assert!(r.unrealized(&HashMap::new()).is_err());
}

#[test]
fn long_term_starts_after_the_anniversary() {
    // IRS Pub. 550, "Holding Period": bought 2023-03-15, the holding period starts 2023-03-16;
    // sold on 2024-03-15 it is short-term, on 2024-03-16 long-term.
    for (sell_day, term, days) in [("2024-03-15", Term::ShortTerm, 366), ("2024-03-16", Term::LongTerm, 367)] {
        let trades = vec![
            trade("b", Side::Buy, dec!(1), dec!(10), "2023-03-15"),
            trade("s", Side::Sell, dec!(1), dec!(12), sell_day),
        ];
        let r = match_lots(&trades, LotMethod::Fifo).unwrap();
        assert_eq!(r.closed_lots[0].term, term, "{sell_day}");
        assert_eq!(r.closed_lots[0].holding_period_days, days);
    }
}

#[test]
fn input_order_is_not_trusted() {
    let mut trades = vec![
        trade("b1", Side::Buy, dec!(10), dec!(100), "2024-01-02"),
        trade("b2", Side::Buy, dec!(10), dec!(120), "2024-01-03"),
        trade("s1", Side::Sell, dec!(12), dec!(130), "2024-01-04"),
    ];
    let sorted = match_lots(&trades, LotMethod::Fifo).unwrap();
    trades.reverse();
    assert_eq!(match_lots(&trades, LotMethod::Fifo).unwrap(), sorted);
}

#[test]
fn invalid_trades_are_named() {
    let mut t = trade("bad", Side::Buy, dec!(1), dec!(1), "2024-01-02");
    t.qty = dec!(-1);
    let err = match_lots(&[t], LotMethod::Fifo).unwrap_err().to_string();
    assert!(err.contains("bad") && err.contains("qty"), "{err}");
    assert!("hifo".parse::<LotMethod>().is_ok());
    assert!("random".parse::<LotMethod>().is_err());
}

fn arb_trades() -> impl Strategy<Value = Vec<Trade>> {
    prop::collection::vec((any::<bool>(), 0usize..2, 1u32..500, 1u32..100_000, 0u32..300, 0u32..500), 1..60).prop_map(
        |rows| {
            let start = at("2023-01-03");
            rows.into_iter()
                .enumerate()
                .map(|(i, (buy, sym, qty, cents, fee_cents, minutes))| {
                    let side = if buy { Side::Buy } else { Side::Sell };
                    let symbol = ["AAPL", "BRK.B"][sym];
                    Trade::new(
                        format!("t{i:03}"),
                        "u1",
                        symbol,
                        side,
                        Decimal::from(qty) / dec!(4),
                        Decimal::new(cents as i64, 2),
                        start + Duration::minutes(minutes as i64 * 97),
                    )
                    .unwrap()
                    .with_fees(Decimal::new(fee_cents as i64, 2))
                    .unwrap()
                })
                .collect()
        },
    )
}

fn check_conservation(trades: &[Trade], r: &LotReport) {
    for symbol in ["AAPL", "BRK.B"] {
        let of = |t: &&Trade| t.symbol == symbol;
        let net: Decimal = trades.iter().filter(of).map(|t| t.signed_qty()).sum();
        let pos: Decimal = r.positions().iter().filter(|p| &*p.symbol == symbol).map(|p| p.qty).sum();
        assert_eq!(net, pos, "quantity of {symbol}");
        let bought: Decimal =
            trades.iter().filter(of).filter(|t| t.side == Side::Buy).map(|t| t.notional() + t.fees).sum();
        let sold: Decimal =
            trades.iter().filter(of).filter(|t| t.side == Side::Sell).map(|t| t.notional() - t.fees).sum();
        let closed = r.closed_lots.iter().filter(|c| &*c.symbol == symbol);
        let closed_basis: Decimal = closed.clone().map(|c| c.basis).sum();
        let closed_proceeds: Decimal = closed.map(|c| c.proceeds).sum();
        let open_long: Decimal = r
            .open_lots
            .iter()
            .filter(|l| &*l.symbol == symbol && l.direction == Direction::Long)
            .map(|l| l.basis)
            .sum();
        let open_short: Decimal = r
            .open_lots
            .iter()
            .filter(|l| &*l.symbol == symbol && l.direction == Direction::Short)
            .map(|l| l.basis)
            .sum();
        let tolerance = dec!(0.000000000001);
        assert!((bought - closed_basis - open_long).abs() <= tolerance, "cost of {symbol}");
        assert!((sold - closed_proceeds - open_short).abs() <= tolerance, "proceeds of {symbol}");
    }
    let sum: Decimal = r.closed_lots.iter().map(|c| c.realized_pnl).sum();
    assert_eq!(sum, r.realized_pnl);
    for c in &r.closed_lots {
        assert_eq!(c.realized_pnl, c.proceeds - c.basis);
        assert!(c.qty > Decimal::ZERO);
    }
}

proptest! {
    #[test]
    fn lots_conserve_quantity_and_cash(trades in arb_trades(), method in 0usize..4) {
        let method = [LotMethod::Fifo, LotMethod::Lifo, LotMethod::HighestCost, LotMethod::AverageCost][method];
        let r = match_lots(&trades, method).unwrap();
        check_conservation(&trades, &r);
        let mut shuffled = trades.clone();
        shuffled.reverse();
        prop_assert_eq!(match_lots(&shuffled, method).unwrap(), r);
    }
}

#[test]
fn splits_multiply_shares_and_keep_every_basis_and_realized_pnl() {
    use kairo_core::lots::{match_lots_with_splits, Split};
    use kairo_core::{ErrorInfo, Side, Trade};
    use rust_decimal_macros::dec;
    let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
    let t = |id: &str, side, qty, price, d: &str| Trade::new(id, "u", "AAPL", side, qty, price, at(d)).unwrap();
    // AAPL's 4-for-1 of 2020-08-31: 10 shares bought at $400 ($4,000) become 40 at $100 a share; selling all 40 at
    // $130 realizes 40 × 130 − 4,000 = $1,200, what 10 × (520 − 400) would have been.
    let aapl = Split { symbol: "AAPL".into(), ex_date: "2020-08-31".parse().unwrap(), ratio: dec!(4) };
    let trades =
        [t("b", Side::Buy, dec!(10), dec!(400), "2020-08-25"), t("s", Side::Sell, dec!(40), dec!(130), "2020-09-15")];
    let r = match_lots_with_splits(&trades, LotMethod::Fifo, std::slice::from_ref(&aapl)).unwrap();
    assert_eq!(r.realized_pnl, dec!(1200));
    assert!(r.open_lots.is_empty());
    // half sold after the split: the other half's basis is what it cost, $2,000 for 20 shares
    let half =
        [t("b", Side::Buy, dec!(10), dec!(400), "2020-08-25"), t("s", Side::Sell, dec!(20), dec!(130), "2020-09-15")];
    let r = match_lots_with_splits(&half, LotMethod::Fifo, std::slice::from_ref(&aapl)).unwrap();
    assert_eq!((r.realized_pnl, r.open_lots[0].qty, r.open_lots[0].basis), (dec!(600), dec!(20), dec!(2000)));
    // a split before the first trade or of another symbol changes nothing
    let r = match_lots_with_splits(&trades[1..], LotMethod::Fifo, std::slice::from_ref(&aapl)).unwrap();
    assert_eq!(r.open_lots[0].qty, dec!(40)); // a short of 40 opened after the split
                                              // a 1-for-10 reverse split: 100 shares at $2 become 10 at $20; sold at $25: 250 − 200 = $50
    let reverse = Split { symbol: "AAPL".into(), ex_date: "2021-01-04".parse().unwrap(), ratio: dec!(0.1) };
    let trades =
        [t("b", Side::Buy, dec!(100), dec!(2), "2020-12-01"), t("s", Side::Sell, dec!(10), dec!(25), "2021-02-01")];
    let r = match_lots_with_splits(&trades, LotMethod::Fifo, &[reverse]).unwrap();
    assert_eq!(r.realized_pnl, dec!(50));
    // a ratio that is not positive is refused, naming the field
    let bad = Split { symbol: "AAPL".into(), ex_date: "2021-01-04".parse().unwrap(), ratio: dec!(0) };
    let e = match_lots_with_splits(&trades, LotMethod::Fifo, &[bad]).unwrap_err();
    assert_eq!((e.field(), e.kind()), (Some("ratio"), "not_positive"));
}
