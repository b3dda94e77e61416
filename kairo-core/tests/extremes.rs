//! No panic on any input the input layer accepts: every computation kairo-core offers over trades (lots under each
//! method, P&L, wash sales, the time-weighted return and its metrics, the benchmark comparison, compliance in batch,
//! streaming and pre-trade, day trades and the PDT summary) is run on histories built from the extremes of what
//! `Trade::validate` accepts (quantities, prices and fees from 10⁻²⁸ to their bounds, execution times at both ends
//! of the accepted range) and from those just outside it. An error is an answer; a panic fails the test.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kairo_core::compare::{compare, Benchmark, CompareOptions};
use kairo_core::compliance::{check_history, day_trades, default_rules, pdt_status, AccountContext, Engine};
use kairo_core::lots::{match_lots, wash_sales, LotMethod};
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::returns::{daily_valuations, twr, PriceTable};
use kairo_core::trade::{EARLIEST_EXECUTION, END_OF_EXECUTIONS, MAX_FEES, MAX_PRICE, MAX_QTY, MIN_PRICE, MIN_QTY};
use kairo_core::{Side, Trade};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Amounts at and near the edges of the accepted ranges (and ordinary ones, so that lots match and close).
fn amount(max: i64) -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::new(1, 28)),
        Just(Decimal::new(1, 10)),
        Just(MIN_QTY),
        Just(Decimal::new(3, 9)),
        Just(Decimal::new(3, 1)),
        Just(Decimal::ONE),
        Just(Decimal::new(7, 0)),
        Just(Decimal::new(12345, 2)),
        Just(Decimal::from(max)),
        Just(Decimal::from(max) - Decimal::new(1, 28 - max.to_string().len() as u32)),
        (1i64..1_000_000, 0u32..12).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

fn fees() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        3 => Just(Decimal::ZERO),
        1 => Just(Decimal::new(1, 28)),
        1 => Just(Decimal::ONE),
        1 => Just(Decimal::from(MAX_FEES)),
    ]
}

/// Execution times: the first and last accepted instants, ordinary market hours, weekends, days near both ends.
fn executed_at() -> impl Strategy<Value = DateTime<Utc>> {
    let last = END_OF_EXECUTIONS - Duration::nanoseconds(1);
    prop_oneof![
        Just(EARLIEST_EXECUTION),
        Just(last),
        (0i64..5).prop_map(move |d| EARLIEST_EXECUTION + Duration::days(d) + Duration::hours(15)),
        (0i64..5).prop_map(move |d| last - Duration::days(d) - Duration::hours(9)),
        (0i64..40, 0i64..24 * 60).prop_map(|(d, m)| {
            "2024-03-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(d) + Duration::minutes(m)
        }),
    ]
}

fn trade() -> impl Strategy<Value = (usize, bool, Decimal, Decimal, Decimal, DateTime<Utc>)> {
    (0usize..2, any::<bool>(), amount(MAX_QTY), amount(MAX_PRICE), fees(), executed_at())
}

fn history(raw: Vec<(usize, bool, Decimal, Decimal, Decimal, DateTime<Utc>)>) -> Vec<Trade> {
    raw.into_iter()
        .enumerate()
        .filter_map(|(i, (sym, buy, qty, price, fees, at))| {
            let side = if buy { Side::Buy } else { Side::Sell };
            let symbol = ["AAPL", "MSFT"][sym];
            // Amounts just past a bound are refused here, as at every input; what is accepted goes on.
            Trade::new(format!("t{i:02}"), "u", symbol, side, qty, price, at).and_then(|t| t.with_fees(fees)).ok()
        })
        .collect()
}

/// Closes of both symbols and SPY on each trade date and the business days after it, at extreme levels too.
fn prices(trades: &[Trade], levels: &[Decimal]) -> PriceTable {
    let mut rows: Vec<(String, NaiveDate, Decimal)> = Vec::new();
    for (i, t) in trades.iter().enumerate() {
        for k in 0..3 {
            let Some(date) = t.trade_date().checked_add_days(chrono::Days::new(k)) else { continue };
            let level = levels[(i + k as usize) % levels.len()];
            for s in ["AAPL", "MSFT", "SPY"] {
                rows.push((s.to_owned(), date, level));
            }
        }
    }
    // A symbol-date may repeat: the table keeps one close per day, so only the last of each is given.
    let mut seen = HashMap::new();
    for (s, d, c) in rows {
        seen.insert((s, d), c);
    }
    PriceTable::from_rows(seen.into_iter().map(|((s, d), c)| (s, d, c))).unwrap()
}

fn run_everything(trades: &[Trade], levels: &[Decimal]) {
    for method in [LotMethod::Fifo, LotMethod::Lifo, LotMethod::HighestCost, LotMethod::AverageCost] {
        if let Ok(report) = match_lots(trades, method) {
            let _ = report.trade_stats();
            let _ = report.positions();
            let _ = report.realized_by_symbol();
            let marks: HashMap<String, Decimal> = ["AAPL", "MSFT"].iter().map(|s| (s.to_string(), levels[0])).collect();
            let _ = report.unrealized(&marks);
        }
    }
    if let Ok(w) = wash_sales(trades) {
        let _ = (w.realized_pnl(), w.disallowed_loss());
    }
    let table = prices(trades, levels);
    let _ = daily_valuations(trades, &table, None);
    if let Ok(series) = twr(trades, &table, None) {
        let _ = Metrics::compute(&series.returns, None, &MetricsOptions::default());
    }
    let _ = compare(trades, &table, &Benchmark::symbol("SPY").unwrap(), &CompareOptions::default());
    for account in [r#"{"account_type":"margin","equity":"24000"}"#, r#"{"account_type":"cash","settled_cash":"1000"}"#]
    {
        let ctx: AccountContext = serde_json::from_str(account).unwrap();
        let rules = default_rules();
        let _ = check_history(trades, &rules, &ctx);
        if let Ok(mut engine) = Engine::new(&rules, ctx.clone()) {
            for t in trades {
                let _ = engine.check_order(t);
                let _ = engine.push(t);
            }
        }
        let _ = day_trades(trades, ctx.limits.pattern_day_trading.counting);
        if let Some(last) = trades.iter().map(|t| t.trade_date()).max() {
            let _ = pdt_status(trades, &ctx.limits.pattern_day_trading, last);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_accepted_extremes(
        raw in prop::collection::vec(trade(), 1..8),
        levels in prop::collection::vec(amount(MAX_PRICE), 1..4),
    ) {
        let trades = history(raw);
        run_everything(&trades, &levels);
    }
}

/// The cases the reliability review found (fees at the bound on a fill of 10⁻²⁸ × 10⁻²⁸, refused now, and on the
/// smallest accepted fill; the earliest and latest days), written out so that they always run.
#[test]
fn reported_extremes_do_not_panic() {
    let tiny = Decimal::new(1, 28);
    let at: DateTime<Utc> = "2024-03-04T15:00:00Z".parse().unwrap();
    assert_eq!(Trade::new("b", "u", "AAPL", Side::Buy, tiny, Decimal::ONE, at).unwrap_err().field(), "qty");
    assert_eq!(Trade::new("b", "u", "AAPL", Side::Buy, Decimal::ONE, tiny, at).unwrap_err().field(), "price");
    let buy = Trade::new("b", "u", "AAPL", Side::Buy, MIN_QTY, MIN_PRICE, at)
        .unwrap()
        .with_fees(Decimal::from(MAX_FEES))
        .unwrap();
    let sell = Trade::new("s", "u", "AAPL", Side::Sell, MIN_QTY, Decimal::ONE, at + Duration::days(1)).unwrap();
    run_everything(&[buy, sell], &[tiny, MIN_PRICE, Decimal::from(MAX_PRICE)]);
    let first = Trade::new("f", "u", "AAPL", Side::Buy, Decimal::ONE, Decimal::ONE, EARLIEST_EXECUTION).unwrap();
    let last = Trade::new(
        "l",
        "u",
        "AAPL",
        Side::Sell,
        Decimal::ONE,
        Decimal::ONE,
        END_OF_EXECUTIONS - Duration::nanoseconds(1),
    )
    .unwrap();
    run_everything(&[first, last], &[Decimal::ONE]);
}
