//! The tear sheet: every chart drawn, the numbers of the table those of `Metrics::compute`, the page within its size
//! budget for ten years of daily returns, bad input refused.

use chrono::{Days, NaiveDate};
use kairo_core::compliance::Status;
use kairo_core::metrics::{Metrics, MetricsOptions};
use kairo_core::tear_sheet::{TearSheet, TimelineEvent};

fn ten_years() -> (Vec<NaiveDate>, Vec<f64>, Vec<f64>) {
    let start = NaiveDate::from_ymd_opt(2015, 1, 2).unwrap();
    let mut dates = Vec::new();
    let mut d = start;
    while dates.len() < 2520 {
        if chrono::Datelike::weekday(&d).number_from_monday() <= 5 {
            dates.push(d);
        }
        d = d + Days::new(1);
    }
    let mut x = 7u64;
    let mut noise = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let bench: Vec<f64> = (0..2520).map(|_| 0.0003 + 0.03 * noise()).collect();
    let ours: Vec<f64> = bench.iter().map(|b| 0.0002 + 0.7 * b + 0.02 * noise()).collect();
    (dates, ours, bench)
}

#[test]
fn a_ten_year_report_draws_every_chart_within_budget() {
    let (dates, ours, bench) = ten_years();
    let events = vec![
        TimelineEvent { date: dates[100], check: "wash_sale".into(), status: Status::Flag },
        TimelineEvent { date: dates[900], check: "pattern_day_trading".into(), status: Status::Fail },
    ];
    let counts: Vec<(NaiveDate, u32)> = (0..60).map(|i| (dates[i * 40], (i % 6) as u32)).collect();
    let html = TearSheet::new("Strategy", &dates, &ours)
        .with_benchmark("SPY", &bench)
        .with_compliance(&events)
        .with_day_trades(&counts)
        .render()
        .unwrap();
    assert!(html.len() < 400 * 1024, "{} bytes", html.len());
    for id in [
        "cumulative",
        "cumulative-log",
        "underwater",
        "yearly",
        "monthly",
        "rolling-sharpe",
        "rolling-sortino",
        "rolling-volatility",
        "rolling-beta",
        "distribution",
        "compliance",
        "pdt-window",
    ] {
        let start = html.find(&format!(r#"<svg id="{id}""#)).unwrap_or_else(|| panic!("chart {id} missing"));
        let end = start + html[start..].find("</svg>").unwrap();
        let chart = &html[start..end];
        assert!(
            chart.contains("<path") || chart.contains("<rect class=\"bar\"") || chart.contains("<rect class=\"cell\""),
            "{id} draws nothing"
        );
    }
    // no script, no external resource (the only URL is the SVG namespace)
    assert!(!html.contains("<script") && !html.contains("https://"));
    assert_eq!(html.matches("http://").count(), html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count());
    // the table's Sharpe ratio is kairo's, to the two decimals shown
    let m = Metrics::compute(&ours, Some(&bench), &MetricsOptions::default()).unwrap();
    let row = html.split(r#"<tr data-metric="sharpe_ratio">"#).nth(1).unwrap();
    assert!(
        row.starts_with(&format!("<td>Sharpe ratio</td><td class=\"\">{:.2}</td>", m.sharpe_ratio)),
        "{}",
        &row[..80]
    );
}

#[test]
fn the_series_are_aligned_on_the_dates() {
    let (dates, ours, bench) = ten_years();
    let s = TearSheet::new("s", &dates, &ours).with_benchmark("SPY", &bench).series().unwrap();
    assert_eq!(s.cumulative.len(), 2520);
    assert_eq!(s.rolling_sharpe.len(), 2520);
    assert!(s.rolling_sharpe[124].is_nan() && s.rolling_sharpe[125].is_finite());
    let mut months: Vec<(i32, u32)> =
        dates.iter().map(|d| (chrono::Datelike::year(d), chrono::Datelike::month(d))).collect();
    months.dedup();
    assert_eq!(s.monthly.len(), months.len());
    assert_eq!(s.drawdowns.len(), 5);
    assert_eq!(s.distribution.iter().map(|b| b.count).sum::<usize>(), 2520);
    // a year's compounded return from its months
    let y2016: f64 = s.monthly.iter().filter(|m| m.year == 2016).map(|m| 1.0 + m.value).product::<f64>() - 1.0;
    let yearly = s.yearly.iter().find(|y| y.0 == 2016).unwrap().1;
    assert!((y2016 - yearly).abs() < 1e-12);
}

#[test]
fn bad_input_names_the_field() {
    let (dates, ours, bench) = ten_years();
    let err = TearSheet::new("s", &dates[1..], &ours).render().unwrap_err();
    assert!(err.to_string().contains("dates"), "{err}");
    let mut shuffled = dates.clone();
    shuffled.swap(3, 4);
    assert!(TearSheet::new("s", &shuffled, &ours).render().unwrap_err().to_string().contains("increase"));
    assert!(TearSheet::new("s", &dates, &ours).with_benchmark("SPY", &bench[1..]).render().is_err());
    // an empty series is a page that says so, not a panic
    let html = TearSheet::new("empty", &[], &[]).render().unwrap();
    assert!(html.contains("no periods"));
}
