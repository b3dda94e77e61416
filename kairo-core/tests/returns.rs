//! Return series: the TWR formula on hand-computed portfolios, its invariants, and compounding against empyrical.

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::returns::{daily_valuations, resample, twr, Frequency, PriceTable, ReturnSeries};
use kairo_core::{ReturnsError, Side, Trade};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, day).unwrap()
}

/// 15:55 New York time on 2024-01-`day` (EST, UTC−5).
fn close_time(day: u32) -> DateTime<Utc> {
    format!("2024-01-{day:02}T20:55:00Z").parse().unwrap()
}

fn spy_prices() -> PriceTable {
    PriceTable::from_rows([
        ("SPY", d(2), dec!(100)),
        ("SPY", d(3), dec!(110)),
        ("SPY", d(4), dec!(99)),
        ("SPY", d(5), dec!(105)),
    ])
    .unwrap()
}

fn t(id: &str, side: Side, qty: Decimal, price: Decimal, day: u32) -> Trade {
    Trade::new(id, "u", "SPY", side, qty, price, close_time(day)).unwrap()
}

#[test]
fn trades_at_the_close_do_not_move_the_return() {
    // Hand computation, flows at the end of the day:
    // 2 Jan: buy 10 at the close 100: V = 1000, F = 1000, PnL 0 on the opened 1000 → 0.
    // 3 Jan: close 110, buy 5 at 110: V = 1650, F = 550, PnL = 1650 − 1000 − 550 = 100 on 1000 → 0.1.
    // 4 Jan: close 99, sell 5 at 99: V = 990, F = −495, PnL = 990 − 1650 + 495 = −165 on 1650 → −0.1.
    // 5 Jan: close 105: PnL 60 on 990 → 105/99 − 1.
    // The portfolio's return is the index's return, whatever was bought or sold at the close.
    let trades = vec![
        t("1", Side::Buy, dec!(10), dec!(100), 2),
        t("2", Side::Buy, dec!(5), dec!(110), 3),
        t("3", Side::Sell, dec!(5), dec!(99), 4),
    ];
    let days = daily_valuations(&trades, &spy_prices(), None).unwrap();
    let pnl: Vec<Decimal> = days.iter().map(|v| v.pnl).collect();
    assert_eq!(pnl, vec![dec!(0), dec!(100), dec!(-165), dec!(60)]);
    let r: Vec<f64> = days.iter().map(|v| v.daily_return).collect();
    assert_eq!(&r[..3], &[0.0, 0.1, -0.1]);
    assert!((r[3] - (105.0 / 99.0 - 1.0)).abs() < 1e-15);
    assert_eq!(days[3].market_value, dec!(1050));
}

#[test]
fn fees_and_intraday_prices_count() {
    // Buy 10 at 95 with a fee of 5 on 2 Jan: F = 955, V = 1000, PnL = 45 on the opened 950.
    let trades = vec![t("1", Side::Buy, dec!(10), dec!(95), 2).with_fees(dec!(5)).unwrap()];
    let days = daily_valuations(&trades, &spy_prices(), None).unwrap();
    assert_eq!((days[0].pnl, days[0].base), (dec!(45), dec!(950)));
}

#[test]
fn flat_days_return_zero_and_prices_carry_forward() {
    // Bought and sold on 2 Jan, flat on 3 Jan; bought again on Saturday 6 Jan (no close): marked at the trade.
    let trades = vec![
        t("1", Side::Buy, dec!(1), dec!(100), 2),
        t("2", Side::Sell, dec!(1), dec!(100), 2),
        Trade::new("3", "u", "SPY", Side::Buy, dec!(2), dec!(104), "2024-01-06T16:00:00Z".parse().unwrap()).unwrap(),
    ];
    let s = twr(&trades, &spy_prices(), Some(d(8))).unwrap();
    assert_eq!(s.dates, vec![d(2), d(3), d(4), d(5), d(6)]);
    assert_eq!(s.returns, vec![0.0, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
fn short_positions_earn_on_gross_exposure() {
    // Short 10 at the close of 3 Jan (110); 4 Jan closes at 99: PnL = +110 on a gross exposure of 1100 → +0.1.
    let trades = vec![t("1", Side::Sell, dec!(10), dec!(110), 3)];
    let days = daily_valuations(&trades, &spy_prices(), None).unwrap();
    assert_eq!(days[1].pnl, dec!(110));
    assert_eq!(days[1].daily_return, 0.1);
}

#[test]
fn a_symbol_without_prices_is_an_error() {
    let trades = vec![Trade::new("1", "u", "QQQ", Side::Buy, dec!(1), dec!(1), close_time(2)).unwrap()];
    assert_eq!(twr(&trades, &spy_prices(), None).unwrap_err(), ReturnsError::NoPrices { symbol: "QQQ".into() });
    assert!(PriceTable::from_rows([("SPY", d(2), dec!(0))]).is_err());
}

#[test]
fn aggregate_returns_match_empyrical() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/empyrical.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let agg = &doc["aggregate_returns"];
    let series = ReturnSeries {
        dates: agg["dates"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse().unwrap()).collect(),
        returns: agg["returns"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect(),
    };
    for (name, frequency) in [
        ("weekly", Frequency::Weekly),
        ("monthly", Frequency::Monthly),
        ("quarterly", Frequency::Quarterly),
        ("yearly", Frequency::Yearly),
    ] {
        let got = resample(&series, frequency);
        let want = agg[name].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(want) {
            let key: Vec<i64> = w[0].as_array().unwrap().iter().map(|k| k.as_i64().unwrap()).collect();
            assert_eq!(key[0], g.year as i64, "{name}");
            if frequency != Frequency::Yearly {
                assert_eq!(key[1], g.period as i64, "{name}");
            }
            let want = w[1].as_f64().unwrap();
            assert!((g.value - want).abs() <= 1e-12 * want.abs().max(1e-300), "{name}: {} vs {want}", g.value);
        }
    }
}

proptest! {
    /// Scaling every trade's quantity by the same factor leaves the time-weighted return unchanged.
    #[test]
    fn twr_is_invariant_to_trade_size(
        rows in prop::collection::vec((any::<bool>(), 1u32..50, 90u32..120, 2u32..6), 1..12),
        scale in 1u32..1000,
    ) {
        let make = |k: Decimal| -> Vec<Trade> {
            rows.iter().enumerate().map(|(i, &(buy, q, p, day))| {
                let side = if buy { Side::Buy } else { Side::Sell };
                t(&format!("{i}"), side, Decimal::from(q) * k, Decimal::from(p), day)
            }).collect()
        };
        let base = twr(&make(Decimal::ONE), &spy_prices(), None).unwrap();
        let scaled = twr(&make(Decimal::from(scale)), &spy_prices(), None).unwrap();
        prop_assert_eq!(&base.dates, &scaled.dates);
        for (a, b) in base.returns.iter().zip(&scaled.returns) {
            prop_assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "{} vs {}", a, b);
        }
    }
}

#[test]
fn raw_closes_with_splits_value_the_shares_held_after_the_split() {
    use kairo_core::lots::{match_lots_with_splits, LotMethod};
    use kairo_core::returns::{daily_valuations, twr, PriceTable};
    use kairo_core::{Side, Trade};
    use rust_decimal_macros::dec;
    // 2 NVDA bought at $481.00; raw closes $1,208.88 on Friday 2024-06-07 and $121.79 on Monday 2024-06-10, the
    // ex-date of the 10-for-1 split. The Monday return is (20 × 121.79 − 2 × 1,208.88) / (2 × 1,208.88) = +0.746 %,
    // not −89.9 %; today's unrealized P&L at $154.46 is 20 × 154.46 − 962.00 = +2,127.20.
    let buy =
        Trade::new("b", "u", "NVDA", Side::Buy, dec!(2), dec!(481), "2024-06-06T15:00:00Z".parse().unwrap()).unwrap();
    let mut prices = PriceTable::new();
    for (d, c) in [
        ("2024-06-06", dec!(1209.98)),
        ("2024-06-07", dec!(1208.88)),
        ("2024-06-10", dec!(121.79)),
        ("2024-06-11", dec!(120.91)),
        ("2024-11-29", dec!(154.46)),
    ] {
        prices.insert("NVDA", d.parse().unwrap(), c).unwrap();
    }
    prices.insert_split("NVDA", "2024-06-10".parse().unwrap(), dec!(10)).unwrap();
    let trades = [buy];
    let v = daily_valuations(&trades, &prices, None).unwrap();
    let monday = v.iter().find(|x| x.date.to_string() == "2024-06-10").unwrap();
    assert_eq!(monday.market_value, dec!(2435.80));
    let want = (2435.80 - 2417.76) / 2417.76;
    assert!((monday.daily_return - want).abs() < 1e-12, "{}", monday.daily_return);
    let series = twr(&trades, &prices, None).unwrap();
    assert!(series.returns.iter().all(|r| *r > -0.5), "no phantom day: {:?}", series.returns);
    assert_eq!(v.last().unwrap().market_value, dec!(3089.20));
    // the lots, with the table's splits: +2,127.20 unrealized
    let lots = match_lots_with_splits(&trades, LotMethod::Fifo, &prices.splits()).unwrap();
    let marks = std::collections::HashMap::from([("NVDA".to_owned(), dec!(154.46))]);
    assert_eq!(lots.unrealized(&marks).unwrap().total, dec!(2127.20));
    // a split ratio that is not positive is refused
    assert!(PriceTable::new().insert_split("X", "2024-01-02".parse().unwrap(), dec!(-2)).is_err());
}
