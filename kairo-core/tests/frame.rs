//! The polars batch API gives the same answers as the row-by-row API.
#![cfg(feature = "polars")]

use kairo_core::frame::{
    metrics_by_user, positions_by_user, prices_from_frame, realized_pnl_by_user, trades_from_frame,
};
use kairo_core::lots::{match_lots, LotMethod};
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::returns::twr;
use kairo_core::FrameError;
use polars::prelude::*;

fn trades_frame() -> DataFrame {
    let col = |name: &str, v: Vec<&str>| Column::new(name.into(), v);
    DataFrame::new_infer_height(vec![
        col("id", vec!["a1", "b1", "a2", "b2", "a3"]),
        col("user_id", vec!["alice", "bob", "alice", "bob", "alice"]),
        col("symbol", vec!["SPY", "AAPL", "SPY", "AAPL", "AAPL"]),
        col("side", vec!["BUY", "BUY", "SELL", "SELL", "BUY"]),
        Column::new("qty".into(), vec![10.0, 5.0, 4.0, 8.0, 2.5]),
        col("price", vec!["400", "100", "404", "120", "114"]),
        col(
            "executed_at",
            vec![
                "2024-01-02T20:55:00Z",
                "2024-01-02T20:55:00Z",
                "2024-01-03T20:55:00Z",
                "2024-01-03T20:55:00Z",
                "2024-01-04T20:55:00Z",
            ],
        ),
    ])
    .unwrap()
}

fn prices_frame() -> DataFrame {
    DataFrame::new_infer_height(vec![
        Column::new("symbol".into(), vec!["SPY", "SPY", "SPY", "AAPL", "AAPL", "AAPL"]),
        Column::new(
            "date".into(),
            vec!["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-02", "2024-01-03", "2024-01-04"],
        ),
        Column::new("close".into(), vec![400.0, 404.0, 399.96, 100.0, 120.0, 114.0]),
    ])
    .unwrap()
}

#[test]
fn per_user_results_equal_the_row_api() {
    let df = trades_frame();
    let trades = trades_from_frame(&df).unwrap();
    let pnl = realized_pnl_by_user(&df, LotMethod::Fifo).unwrap();
    let users: Vec<&str> = pnl.column("user_id").unwrap().str().unwrap().iter().map(|v| v.unwrap()).collect();
    assert_eq!(users, vec!["alice", "bob"]);
    for (i, user) in users.iter().enumerate() {
        let mine: Vec<_> = trades.iter().filter(|t| t.user_id == *user).cloned().collect();
        let report = match_lots(&mine, LotMethod::Fifo).unwrap();
        let got = pnl.column("realized_pnl").unwrap().str().unwrap().get(i).unwrap().to_owned();
        assert_eq!(got, report.realized_pnl.normalize().to_string());
    }
    // bob: bought 5 at 100, sold 8 at 120 → +100 realized and 3 short at 120.
    assert_eq!(pnl.column("realized_pnl").unwrap().str().unwrap().get(1), Some("100"));
    let pos = positions_by_user(&df, LotMethod::Fifo).unwrap();
    assert_eq!(pos.height(), 3);
    let qty: Vec<&str> = pos.column("qty").unwrap().str().unwrap().iter().map(|v| v.unwrap()).collect();
    assert_eq!(qty, vec!["2.5", "6", "-3"]);

    let prices = prices_from_frame(&prices_frame()).unwrap();
    let m = metrics_by_user(&df, &prices_frame(), &MetricsOptions::default()).unwrap();
    let alice: Vec<_> = trades.iter().filter(|t| t.user_id == "alice").cloned().collect();
    let series = twr(&alice, &prices, None).unwrap();
    let expected = Metrics::compute(&series.returns, None, &MetricsOptions::default()).unwrap();
    let got = m.column("annual_volatility").unwrap().f64().unwrap().get(0).unwrap();
    assert_eq!(got, expected.annual_volatility);
}

#[test]
fn errors_name_the_column_and_row() {
    let df = trades_frame().drop("side").unwrap();
    assert_eq!(trades_from_frame(&df).unwrap_err(), FrameError::MissingColumn { column: "side".into() });
    let mut df = trades_frame();
    df.with_column(Column::new("qty".into(), vec![10.0, 5.0, -4.0, 8.0, 2.5])).unwrap();
    match trades_from_frame(&df).unwrap_err() {
        FrameError::InvalidValue { row, source } => assert_eq!((row, source.field()), (2, "qty")),
        other => panic!("{other:?}"),
    }
    let mut df = trades_frame();
    df.with_column(Column::new("price".into(), vec![Some(1.0), None, Some(1.0), Some(1.0), Some(1.0)])).unwrap();
    assert_eq!(trades_from_frame(&df).unwrap_err(), FrameError::Null { column: "price".into(), row: 1 });
}
