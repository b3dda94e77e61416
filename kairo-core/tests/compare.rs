//! Benchmark comparison: blends, the same-dollar shadow, and identities that must hold.

use chrono::{DateTime, NaiveDate, Utc};
use kairo_core::compare::{compare, Benchmark, CompareOptions};
use kairo_core::returns::{daily_valuations, PriceTable};
use kairo_core::{ReturnsError, Side, Trade};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, day).unwrap()
}

fn at_close(day: u32) -> DateTime<Utc> {
    format!("2024-01-{day:02}T20:55:00Z").parse().unwrap()
}

fn prices() -> PriceTable {
    PriceTable::from_rows([
        ("SPY", d(2), dec!(400)),
        ("SPY", d(3), dec!(404)),
        ("SPY", d(4), dec!(399.96)),
        ("SPY", d(5), dec!(408)),
        ("AGG", d(2), dec!(50)),
        ("AGG", d(3), dec!(49)),
        ("AGG", d(4), dec!(49.49)),
        ("AGG", d(5), dec!(49.49)),
        ("AAPL", d(2), dec!(100)),
        ("AAPL", d(3), dec!(120)),
        ("AAPL", d(4), dec!(114)),
        ("AAPL", d(5), dec!(125.4)),
    ])
    .unwrap()
}

#[test]
fn blend_levels_rebalance_daily() {
    // Hand computation: 3 Jan: SPY +1 %, AGG −2 % → 1 + 0.6 · 0.01 + 0.4 · (−0.02) = 0.998.
    // 4 Jan: SPY −1 %, AGG +1 % → 0.998 · (1 − 0.006 + 0.004) = 0.998 · 0.998.
    let b: Benchmark = "SPY:0.6,AGG:0.4".parse().unwrap();
    let levels = b.levels(&prices()).unwrap();
    assert_eq!(levels[&d(2)], dec!(1));
    assert_eq!(levels[&d(3)], dec!(0.998));
    assert_eq!(levels[&d(4)], dec!(0.996004));
}

#[test]
fn shadow_earns_the_benchmark_on_the_same_dollars() {
    // Buy 10 AAPL at 100 on 2 Jan (1000 into SPY at 400 → 2.5 units); sell them at 120 on 3 Jan
    // (1200 out of SPY at 404 → −2.970297… units). Shadow value at 5 Jan: units × 408;
    // its P&L = value + 1200 − 1000. The user's P&L is 200, all realized.
    let trades = vec![
        Trade::new("1", "u", "AAPL", Side::Buy, dec!(10), dec!(100), at_close(2)).unwrap(),
        Trade::new("2", "u", "AAPL", Side::Sell, dec!(10), dec!(120), at_close(3)).unwrap(),
    ];
    let c = compare(&trades, &prices(), &Benchmark::symbol("SPY").unwrap(), &CompareOptions::default()).unwrap();
    let units = dec!(1000) / dec!(400) - dec!(1200) / dec!(404);
    assert_eq!(c.shadow.units, units);
    assert_eq!((c.shadow.contributions, c.shadow.withdrawals), (dec!(1000), dec!(1200)));
    assert_eq!(c.shadow.final_value, units * dec!(408));
    assert_eq!(c.shadow.pnl, c.shadow.final_value + dec!(1200) - dec!(1000));
    // = 1000 · (408/400 − 1) − 1200 · (408/404 − 1) = 20 − 11.8811… = 8.1188…
    let by_hand =
        dec!(1000) * (dec!(408) / dec!(400) - Decimal::ONE) - dec!(1200) * (dec!(408) / dec!(404) - Decimal::ONE);
    assert!((c.shadow.pnl - by_hand).abs() < dec!(0.000000000000000001));
    assert_eq!((c.portfolio_pnl.realized, c.portfolio_pnl.unrealized), (dec!(200), dec!(0)));
    assert_eq!(c.equity_curve.len(), c.dates.len());
    assert_eq!(c.monthly.len(), 1);
}

#[test]
fn holding_the_benchmark_itself_matches_it() {
    let trades = vec![
        Trade::new("1", "u", "SPY", Side::Buy, dec!(3), dec!(400), at_close(2)).unwrap(),
        Trade::new("2", "u", "SPY", Side::Buy, dec!(2), dec!(404), at_close(3)).unwrap(),
    ];
    let c = compare(&trades, &prices(), &Benchmark::symbol("SPY").unwrap(), &CompareOptions::default()).unwrap();
    assert_eq!(c.portfolio_returns, c.benchmark_returns);
    assert!((c.beta - 1.0).abs() < 1e-12);
    assert!(c.alpha.abs() < 1e-12);
    assert_eq!(c.excess_return, 0.0);
    // Bought at the closes: the shadow is the portfolio.
    assert_eq!(c.shadow.pnl, c.portfolio_pnl.total);
    let last = c.equity_curve.last().unwrap();
    assert_eq!(last.portfolio_value, last.shadow_value);
}

#[test]
fn total_pnl_is_final_value_minus_net_flows() {
    let trades = vec![
        Trade::new("1", "u", "AAPL", Side::Buy, dec!(10), dec!(101), at_close(2)).unwrap().with_fees(dec!(1)).unwrap(),
        Trade::new("2", "u", "AAPL", Side::Sell, dec!(4), dec!(118), at_close(3)).unwrap(),
        Trade::new("3", "u", "SPY", Side::Buy, dec!(1), dec!(401), at_close(4)).unwrap(),
    ];
    let p = prices();
    let c = compare(&trades, &p, &Benchmark::symbol("SPY").unwrap(), &CompareOptions::default()).unwrap();
    let days = daily_valuations(&trades, &p, None).unwrap();
    let flows: Decimal = days.iter().map(|v| v.net_flow).sum();
    assert_eq!(c.portfolio_pnl.total, days.last().unwrap().market_value - flows);
    assert_eq!(c.portfolio_pnl.realized, dec!(4) * dec!(118) - dec!(4) * dec!(101.1));
}

#[test]
fn bad_benchmarks_are_rejected() {
    for bad in ["", "spy", "SPY:0.5,AGG:0.4", "SPY:1.2,AGG:-0.2", "SPY:0.5,SPY:0.5", "SPY:abc"] {
        assert!(bad.parse::<Benchmark>().is_err(), "{bad}");
    }
    let trades = vec![Trade::new("1", "u", "AAPL", Side::Buy, dec!(1), dec!(100), at_close(2)).unwrap()];
    let err = compare(&trades, &prices(), &Benchmark::symbol("QQQ").unwrap(), &CompareOptions::default()).unwrap_err();
    assert_eq!(err, ReturnsError::NoPrices { symbol: "QQQ".into() });
}
