//! Rendering a tear sheet (kairo-core's `TearSheet::render`): 10 years of daily returns against a benchmark, with
//! a compliance timeline. benches/run-tear-sheet.sh records the median and the page's size in benches/tear-sheet.md.
#![allow(missing_docs)] // criterion_group! and criterion_main! generate undocumented items

use chrono::{Datelike, Days, NaiveDate};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kairo_core::compliance::Status;
use kairo_core::tear_sheet::{TearSheet, TimelineEvent};

fn bench_tear_sheet(c: &mut Criterion) {
    let mut dates = Vec::with_capacity(2520);
    let mut d = NaiveDate::from_ymd_opt(2015, 1, 2).expect("a date");
    while dates.len() < 2520 {
        if d.weekday().number_from_monday() <= 5 {
            dates.push(d);
        }
        d = d + Days::new(1);
    }
    let mut x = 11u64;
    let mut noise = || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let bench: Vec<f64> = (0..dates.len()).map(|_| 0.0003 + 0.03 * noise()).collect();
    let ours: Vec<f64> = bench.iter().map(|b| 0.0002 + 0.7 * b + 0.02 * noise()).collect();
    let events: Vec<TimelineEvent> = (0..200)
        .map(|i| TimelineEvent {
            date: dates[i * 12],
            check: ["wash_sale", "pattern_day_trading", "good_faith_violation"][i % 3].to_owned(),
            status: if i % 5 == 0 { Status::Fail } else { Status::Flag },
        })
        .collect();
    let sheet = TearSheet::new("Strategy", &dates, &ours).with_benchmark("SPY", &bench).with_compliance(&events);
    let page = sheet.render().expect("a page");
    // the size, for the record (benches/run-tear-sheet.sh reads it)
    println!("tear sheet bytes: {}", page.len());
    let mut group = c.benchmark_group("tear_sheet");
    group.bench_function("render_10y_daily_with_benchmark", |b| b.iter(|| black_box(sheet.render().expect("a page"))));
    group.finish();
}

criterion_group!(benches, bench_tear_sheet);
criterion_main!(benches);
