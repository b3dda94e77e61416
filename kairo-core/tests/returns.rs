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
    let prices = nvda_raw();
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

/// NVDA's raw closes around the 10-for-1 split of 2024-06-10 and a close of $154.46 on 2024-11-29.
fn nvda_raw() -> kairo_core::returns::PriceTable {
    use rust_decimal_macros::dec;
    let mut prices = kairo_core::returns::PriceTable::new();
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
    prices
}

#[test]
fn the_total_return_index_runs_on_across_splits_and_reinvests_dividends() {
    use rust_decimal_macros::dec;
    let mut prices = nvda_raw();
    // NVDA paid $0.01 a (post-split) share with ex-date 2024-06-11.
    prices.insert_dividend("NVDA", "2024-06-11".parse().unwrap(), dec!(0.01)).unwrap();
    let index = prices.return_index("NVDA").unwrap();
    let at = |d: &str| index[&d.parse().unwrap()];
    // The first close, then Iₜ = Iₜ₋₁ · s · (c + d) / cₜ₋₁:
    assert_eq!(at("2024-06-06"), dec!(1209.98));
    assert_eq!(at("2024-06-07"), dec!(1208.88)); // 1209.98 · 1208.88 / 1209.98
                                                 // 06-10: one share at 1,208.88 becomes 10 at 121.79 = 1,217.90
    assert_eq!(at("2024-06-10").round_dp(10), dec!(1217.90));
    // 06-11: 10 shares at 120.91 plus 10 × $0.01 of dividends = 1,209.20
    assert_eq!(at("2024-06-11").round_dp(10), dec!(1209.20));
    // a benchmark on NVDA has no phantom day
    let bench = kairo_core::compare::Benchmark::symbol("NVDA").unwrap().returns(&prices).unwrap();
    assert!(bench.returns.iter().all(|r| r.abs() < 0.5), "{:?}", bench.returns);
    // a dividend that is not positive is refused, naming the field
    let e = kairo_core::returns::PriceTable::new().insert_dividend("X", "2024-01-02".parse().unwrap(), dec!(0));
    assert!(e.unwrap_err().to_string().starts_with("per_share:"));
}

#[test]
fn dividends_on_held_shares_are_income_of_their_ex_date() {
    use kairo_core::returns::daily_valuations;
    use kairo_core::{Side, Trade};
    use rust_decimal_macros::dec;
    let mut prices = nvda_raw();
    prices.insert_dividend("NVDA", "2024-06-11".parse().unwrap(), dec!(0.01)).unwrap();
    let buy =
        Trade::new("b", "u", "NVDA", Side::Buy, dec!(2), dec!(481), "2024-06-06T15:00:00Z".parse().unwrap()).unwrap();
    let v = daily_valuations(&[buy], &prices, None).unwrap();
    let day = v.iter().find(|x| x.date.to_string() == "2024-06-11").unwrap();
    // 20 shares × $0.01 = $0.20 of income; P&L = 20 × 120.91 − 20 × 121.79 + 0.20 = −17.40
    assert_eq!(day.income, dec!(0.20));
    assert_eq!(day.pnl, dec!(-17.40));
    assert!((day.daily_return - (-17.40 / 2435.80)).abs() < 1e-15);
}

#[test]
fn comparison_and_money_weighted_return_follow_the_split() {
    use kairo_core::compare::{compare, Benchmark, CompareOptions};
    use kairo_core::returns::{money_weighted_return, position_flows};
    use kairo_core::{Side, Trade};
    use rust_decimal_macros::dec;
    let prices = nvda_raw();
    let buy =
        Trade::new("b", "u", "NVDA", Side::Buy, dec!(2), dec!(481), "2024-06-06T15:00:00Z".parse().unwrap()).unwrap();
    let trades = [buy];
    let c = compare(&trades, &prices, &Benchmark::symbol("NVDA").unwrap(), &CompareOptions::default()).unwrap();
    assert_eq!(c.portfolio_pnl.unrealized, dec!(2127.20));
    assert!(c.portfolio_returns.iter().all(|r| *r > -0.5), "{:?}", c.portfolio_returns);
    // the flows: −962.00 on 2024-06-06, then 20 × 154.46 = 3,089.20 on 2024-11-29
    let flows = position_flows(&trades, &prices).unwrap();
    assert_eq!(
        flows,
        vec![("2024-06-06".parse().unwrap(), dec!(-962.00)), ("2024-11-29".parse().unwrap(), dec!(3089.20))]
    );
    // (3089.20 / 962)^(365 / 176) − 1
    let want = (3089.20f64 / 962.0).powf(365.0 / 176.0) - 1.0;
    assert!((money_weighted_return(&trades, &prices).unwrap() - want).abs() < 1e-9);
}
