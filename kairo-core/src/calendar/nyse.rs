//! The NYSE trading calendar: full holidays, early closes and regular hours, from the exchange's rules.
//!
//! Holidays (NYSE Rule 7.2, and the holiday calendars NYSE publishes each year):
//!
//! | holiday | date | when it falls on a weekend |
//! |---|---|---|
//! | New Year's Day | 1 January | Sunday → Monday 2 January; Saturday → no holiday (31 December stays open) |
//! | Martin Luther King, Jr. Day | third Monday of January (since 1998) | |
//! | Washington's Birthday | third Monday of February | |
//! | Good Friday | Friday before Easter Sunday (Gregorian computus) | |
//! | Memorial Day | last Monday of May | |
//! | Juneteenth National Independence Day | 19 June, from 2022 | Saturday → Friday; Sunday → Monday |
//! | Independence Day | 4 July | Saturday → Friday; Sunday → Monday |
//! | Labor Day | first Monday of September | |
//! | Thanksgiving Day | fourth Thursday of November | |
//! | Christmas Day | 25 December | Saturday → Friday; Sunday → Monday |
//!
//! Plus the special closures the exchange announced for national days of mourning, the one exception to the
//! rules (9 January 2025, President Carter; 5 December 2018, President G. H. W. Bush).
//!
//! Early closes at 13:00 New York time: the day after Thanksgiving; Christmas Eve when it is a weekday and not
//! itself the observed Christmas holiday; 3 July when it falls Monday to Thursday (Independence Day on a weekday
//! after it). Regular hours are 09:30–16:00 America/New_York, daylight saving included (chrono-tz).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::America::New_York;
use serde::{Deserialize, Serialize};

/// Special closures announced by the exchange outside its holiday rules (national days of mourning).
const SPECIAL_CLOSURES: [(i32, u32, u32); 2] = [(2018, 12, 5), (2025, 1, 9)];

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The `n`-th (1-based) `weekday` of a month.
pub(super) fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8).unwrap_or(NaiveDate::MIN)
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let next_month = if month == 12 { date(year + 1, 1, 1) } else { date(year, month + 1, 1) };
    let mut d = next_month - Duration::days(1);
    while d.weekday() != weekday {
        d -= Duration::days(1);
    }
    d
}

/// Easter Sunday of `year` (Gregorian; the anonymous "Meeus/Jones/Butcher" algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

/// A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday.
fn observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// A named NYSE holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// New Year's Day.
    NewYearsDay,
    /// Martin Luther King, Jr. Day.
    MartinLutherKingJrDay,
    /// Washington's Birthday.
    WashingtonsBirthday,
    /// Good Friday.
    GoodFriday,
    /// Memorial Day.
    MemorialDay,
    /// Juneteenth National Independence Day.
    Juneteenth,
    /// Independence Day.
    IndependenceDay,
    /// Labor Day.
    LaborDay,
    /// Thanksgiving Day.
    ThanksgivingDay,
    /// Christmas Day.
    ChristmasDay,
    /// A closure announced outside the rules (national day of mourning).
    SpecialClosure,
}

impl Holiday {
    /// The holiday's name as the exchange writes it.
    pub fn name(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "New Year's Day",
            Holiday::MartinLutherKingJrDay => "Martin Luther King, Jr. Day",
            Holiday::WashingtonsBirthday => "Washington's Birthday",
            Holiday::GoodFriday => "Good Friday",
            Holiday::MemorialDay => "Memorial Day",
            Holiday::Juneteenth => "Juneteenth National Independence Day",
            Holiday::IndependenceDay => "Independence Day",
            Holiday::LaborDay => "Labor Day",
            Holiday::ThanksgivingDay => "Thanksgiving Day",
            Holiday::ChristmasDay => "Christmas Day",
            Holiday::SpecialClosure => "a special closure",
        }
    }
}

/// The NYSE full holidays of `year`, in date order.
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::calendar::{holidays, Holiday};
/// // 2027: Juneteenth and Christmas fall on Saturdays and are observed on the Fridays before.
/// let h = holidays(2027);
/// assert!(h.contains(&(NaiveDate::from_ymd_opt(2027, 6, 18).unwrap(), Holiday::Juneteenth)));
/// assert!(h.contains(&(NaiveDate::from_ymd_opt(2027, 12, 24).unwrap(), Holiday::ChristmasDay)));
/// ```
pub fn holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let mut out = Vec::with_capacity(11);
    let new_year = date(year, 1, 1);
    match new_year.weekday() {
        Weekday::Sat => {}
        Weekday::Sun => out.push((new_year + Duration::days(1), Holiday::NewYearsDay)),
        _ => out.push((new_year, Holiday::NewYearsDay)),
    }
    if year >= 1998 {
        out.push((nth_weekday(year, 1, Weekday::Mon, 3), Holiday::MartinLutherKingJrDay));
    }
    out.push((nth_weekday(year, 2, Weekday::Mon, 3), Holiday::WashingtonsBirthday));
    out.push((easter_sunday(year) - Duration::days(2), Holiday::GoodFriday));
    out.push((last_weekday(year, 5, Weekday::Mon), Holiday::MemorialDay));
    if year >= 2022 {
        out.push((observed(date(year, 6, 19)), Holiday::Juneteenth));
    }
    out.push((observed(date(year, 7, 4)), Holiday::IndependenceDay));
    out.push((nth_weekday(year, 9, Weekday::Mon, 1), Holiday::LaborDay));
    out.push((nth_weekday(year, 11, Weekday::Thu, 4), Holiday::ThanksgivingDay));
    out.push((observed(date(year, 12, 25)), Holiday::ChristmasDay));
    for (y, m, d) in SPECIAL_CLOSURES {
        if y == year {
            out.push((date(y, m, d), Holiday::SpecialClosure));
        }
    }
    out.sort_by_key(|(d, _)| *d);
    out
}

/// The holiday on `day`, if the exchange is closed for one.
pub fn holiday_on(day: NaiveDate) -> Option<Holiday> {
    holidays(day.year()).into_iter().find(|(d, _)| *d == day).map(|(_, h)| h)
}

/// Whether the NYSE trades on `day`: a weekday that is not a holiday.
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::calendar::is_trading_day;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert!(!is_trading_day(d(2024, 3, 29)));  // Good Friday
/// assert!(is_trading_day(d(2021, 12, 31)));  // New Year's Day 2022 fell on a Saturday: open
/// assert!(!is_trading_day(d(2025, 1, 9)));   // national day of mourning
/// ```
pub fn is_trading_day(day: NaiveDate) -> bool {
    let year = day.year();
    if (TABLE_FIRST_YEAR..TABLE_FIRST_YEAR + TABLE_YEARS as i32).contains(&year) {
        let bits = &closed_table()[(year - TABLE_FIRST_YEAR) as usize].closed;
        let ordinal = day.ordinal0() as usize;
        return bits[ordinal / 64] & (1 << (ordinal % 64)) == 0;
    }
    is_open_by_rule(day)
}

fn is_open_by_rule(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && holiday_on(day).is_none()
}

/// The first year of the precomputed table of closed days.
const TABLE_FIRST_YEAR: i32 = 1970;
/// How many years the table covers (1970–2199); other years are computed from the rules on each call.
const TABLE_YEARS: usize = 230;

/// The closed days and the early closes of one year: one bit per day, by ordinal.
struct YearBits {
    closed: [u64; 6],
    early: [u64; 6],
}

fn set(bits: &mut [u64; 6], day: NaiveDate) {
    let ordinal = day.ordinal0() as usize;
    bits[ordinal / 64] |= 1 << (ordinal % 64);
}

/// The rules above evaluated once per year, so that the trading-day and early-close tests are bit lookups on the
/// hot paths (settlement dates, rolling windows, session checks).
fn closed_table() -> &'static [YearBits] {
    static TABLE: std::sync::OnceLock<Vec<YearBits>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_YEARS as i32)
            .map(|i| {
                let year = TABLE_FIRST_YEAR + i;
                let mut bits = YearBits { closed: [0; 6], early: [0; 6] };
                let closed_days = holidays(year);
                let mut day = date(year, 1, 1);
                while day.year() == year {
                    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                    if weekend || closed_days.iter().any(|(d, _)| *d == day) {
                        set(&mut bits.closed, day);
                    } else if is_early_close_date(day) {
                        set(&mut bits.early, day);
                    }
                    day += Duration::days(1);
                }
                bits
            })
            .collect()
    })
}

/// Whether `day` is an early close (13:00 New York time) trading day.
pub fn is_early_close(day: NaiveDate) -> bool {
    let year = day.year();
    if (TABLE_FIRST_YEAR..TABLE_FIRST_YEAR + TABLE_YEARS as i32).contains(&year) {
        let bits = &closed_table()[(year - TABLE_FIRST_YEAR) as usize].early;
        let ordinal = day.ordinal0() as usize;
        return bits[ordinal / 64] & (1 << (ordinal % 64)) != 0;
    }
    is_trading_day(day) && is_early_close_date(day)
}

/// Whether `day` falls on one of the early-close dates of the rules (whether or not the exchange opens that day).
fn is_early_close_date(day: NaiveDate) -> bool {
    let year = day.year();
    let after_thanksgiving = nth_weekday(year, 11, Weekday::Thu, 4) + Duration::days(1);
    let christmas_eve = date(year, 12, 24);
    let july_3 = date(year, 7, 3);
    day == after_thanksgiving
        || day == christmas_eve
        || (day == july_3 && matches!(july_3.weekday(), Weekday::Mon | Weekday::Tue | Weekday::Wed | Weekday::Thu))
}

/// The regular session of a trading day, in UTC: 09:30 to 16:00 (13:00 on an early close) America/New_York.
/// `None` when the exchange is closed.
pub fn session(day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if !is_trading_day(day) {
        return None;
    }
    let close = if is_early_close(day) { NaiveTime::from_hms_opt(13, 0, 0) } else { NaiveTime::from_hms_opt(16, 0, 0) };
    let open = NaiveTime::from_hms_opt(9, 30, 0)?;
    let local = |t: NaiveTime| New_York.from_local_datetime(&day.and_time(t)).single().map(|d| d.with_timezone(&Utc));
    Some((local(open)?, local(close?)?))
}

/// Whether `at` falls in a regular session (open inclusive, close exclusive).
///
/// ```
/// use kairo_core::calendar::is_regular_hours;
/// // 14:45 UTC is 09:45 in New York in winter (EST) and 10:45 in summer (EDT).
/// assert!(is_regular_hours("2024-01-10T14:45:00Z".parse().unwrap()));
/// // 13:45 UTC on 10 July 2024 is 09:45 EDT: open; on 10 January it is 08:45 EST: closed.
/// assert!(is_regular_hours("2024-07-10T13:45:00Z".parse().unwrap()));
/// assert!(!is_regular_hours("2024-01-10T13:45:00Z".parse().unwrap()));
/// ```
pub fn is_regular_hours(at: DateTime<Utc>) -> bool {
    let day = at.with_timezone(&New_York).date_naive();
    session(day).is_some_and(|(open, close)| at >= open && at < close)
}

/// The trading day after `day`.
pub fn next_trading_day(day: NaiveDate) -> NaiveDate {
    let mut d = day + Duration::days(1);
    while !is_trading_day(d) {
        d += Duration::days(1);
    }
    d
}

/// The trading day before `day`.
pub fn previous_trading_day(day: NaiveDate) -> NaiveDate {
    let mut d = day - Duration::days(1);
    while !is_trading_day(d) {
        d -= Duration::days(1);
    }
    d
}

/// `day` moved forward by `n` trading days (`day` itself need not be a trading day).
pub fn add_trading_days(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    for _ in 0..n {
        d = next_trading_day(d);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_rules_on_every_day_it_covers() {
        let mut day = date(TABLE_FIRST_YEAR, 1, 1);
        let end = date(TABLE_FIRST_YEAR + TABLE_YEARS as i32, 1, 1);
        while day < end {
            assert_eq!(is_trading_day(day), is_open_by_rule(day), "{day}");
            assert_eq!(is_early_close(day), is_open_by_rule(day) && is_early_close_date(day), "{day}");
            day += Duration::days(1);
        }
        assert_eq!(is_trading_day(date(2250, 12, 25)), is_open_by_rule(date(2250, 12, 25)));
        assert!(!is_trading_day(date(2250, 12, 25)));
    }
}
