//! The NYSE calendar against the exchange's published holiday and early-close lists, 2020–2027.

use chrono::{Datelike, NaiveDate};
use kairo_core::calendar::{
    holidays, is_early_close, is_regular_hours, is_trading_day, next_trading_day, session, SettlementCycle,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// NYSE's published full-day closures (NYSE holiday calendars as announced for each year; 2025–2027 from the
/// NYSE Group announcement of 8 November 2024; 9 January 2025 the national day of mourning for President Carter).
fn published_holidays(year: i32) -> Vec<NaiveDate> {
    let md: &[(u32, u32)] = match year {
        2020 => &[(1, 1), (1, 20), (2, 17), (4, 10), (5, 25), (7, 3), (9, 7), (11, 26), (12, 25)],
        2021 => &[(1, 1), (1, 18), (2, 15), (4, 2), (5, 31), (7, 5), (9, 6), (11, 25), (12, 24)],
        2022 => &[(1, 17), (2, 21), (4, 15), (5, 30), (6, 20), (7, 4), (9, 5), (11, 24), (12, 26)],
        2023 => &[(1, 2), (1, 16), (2, 20), (4, 7), (5, 29), (6, 19), (7, 4), (9, 4), (11, 23), (12, 25)],
        2024 => &[(1, 1), (1, 15), (2, 19), (3, 29), (5, 27), (6, 19), (7, 4), (9, 2), (11, 28), (12, 25)],
        2025 => &[(1, 1), (1, 9), (1, 20), (2, 17), (4, 18), (5, 26), (6, 19), (7, 4), (9, 1), (11, 27), (12, 25)],
        2026 => &[(1, 1), (1, 19), (2, 16), (4, 3), (5, 25), (6, 19), (7, 3), (9, 7), (11, 26), (12, 25)],
        2027 => &[(1, 1), (1, 18), (2, 15), (3, 26), (5, 31), (6, 18), (7, 5), (9, 6), (11, 25), (12, 24)],
        _ => unreachable!(),
    };
    md.iter().map(|&(m, day)| d(year, m, day)).collect()
}

/// NYSE's published 13:00 early closes.
fn published_early_closes(year: i32) -> Vec<NaiveDate> {
    let md: &[(u32, u32)] = match year {
        2020 => &[(11, 27), (12, 24)],
        2021 => &[(11, 26)],
        2022 => &[(11, 25)],
        2023 => &[(7, 3), (11, 24)],
        2024 => &[(7, 3), (11, 29), (12, 24)],
        2025 => &[(7, 3), (11, 28), (12, 24)],
        2026 => &[(11, 27), (12, 24)],
        2027 => &[(11, 26)],
        _ => unreachable!(),
    };
    md.iter().map(|&(m, day)| d(year, m, day)).collect()
}

#[test]
fn holidays_match_the_published_lists() {
    for year in 2020..=2027 {
        let ours: Vec<NaiveDate> = holidays(year).into_iter().map(|(day, _)| day).collect();
        assert_eq!(ours, published_holidays(year), "{year}");
    }
}

#[test]
fn early_closes_match_the_published_lists() {
    for year in 2020..=2027 {
        let mut ours = Vec::new();
        let mut day = d(year, 1, 1);
        while day.year() == year {
            if is_early_close(day) {
                ours.push(day);
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(ours, published_early_closes(year), "{year}");
    }
}

#[test]
fn sessions_follow_daylight_saving() {
    // 2024-03-08 (EST, UTC−5) and 2024-03-11 (EDT, UTC−4), across the 10 March change.
    let (open, close) = session(d(2024, 3, 8)).unwrap();
    assert_eq!(
        (open.to_rfc3339(), close.to_rfc3339()),
        ("2024-03-08T14:30:00+00:00".into(), "2024-03-08T21:00:00+00:00".into())
    );
    let (open, _) = session(d(2024, 3, 11)).unwrap();
    assert_eq!(open.to_rfc3339(), "2024-03-11T13:30:00+00:00");
    // Early close: 13:00 EST on 29 November 2024.
    let (_, close) = session(d(2024, 11, 29)).unwrap();
    assert_eq!(close.to_rfc3339(), "2024-11-29T18:00:00+00:00");
    assert!(!is_regular_hours("2024-11-29T18:30:00Z".parse().unwrap()));
    assert!(session(d(2024, 11, 28)).is_none());
    // The 3 November 2024 change back to EST: Monday 4 November opens at 14:30 UTC.
    assert!(!is_regular_hours("2024-11-04T14:00:00Z".parse().unwrap()));
    assert!(is_regular_hours("2024-11-04T14:30:00Z".parse().unwrap()));
}

#[test]
fn weekends_and_holidays_are_skipped() {
    assert!(!is_trading_day(d(2024, 6, 15)));
    assert_eq!(next_trading_day(d(2024, 7, 3)), d(2024, 7, 5));
    assert_eq!(next_trading_day(d(2024, 3, 28)), d(2024, 4, 1)); // over Good Friday and the weekend
}

#[test]
fn settlement_switches_to_t_plus_one() {
    // SEC Rule 15c6-1 as amended: T+2 for trades to 27 May 2024, T+1 from 28 May 2024.
    let s = SettlementCycle::ByTradeDate;
    assert_eq!(s.settlement_date(d(2024, 5, 23)), d(2024, 5, 28)); // Thursday, T+2 over the weekend and Memorial Day
    assert_eq!(s.settlement_date(d(2024, 5, 28)), d(2024, 5, 29));
    assert_eq!(s.settlement_date(d(2024, 7, 3)), d(2024, 7, 5)); // over Independence Day
    assert_eq!(s.settlement_date(d(2023, 12, 22)), d(2023, 12, 27)); // T+2 over Christmas
}
