//! New York wall-clock time of an instant, the hot path of every per-trade rule.
//!
//! Since 2007 (Energy Policy Act of 2005) US daylight saving time runs from 02:00 local time on the second Sunday of
//! March (07:00 UTC) to 02:00 local daylight time on the first Sunday of November (06:00 UTC): New York is UTC−4
//! then and UTC−5 otherwise. Applying that rule directly costs a few comparisons; instants before 2007 or from
//! 2100 on go through the tz database (chrono-tz, whose tables stop applying the rule in 2100). A test checks the
//! two agree on every hour from 2007 to 2099.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::America::New_York;

/// The New York local date and time of `at`.
///
/// ```
/// use kairo_core::calendar::new_york_local;
/// let t = new_york_local("2024-03-10T07:00:00Z".parse().unwrap()); // the spring change: 03:00 EDT
/// assert_eq!(t.to_string(), "2024-03-10 03:00:00");
/// let t = new_york_local("2024-03-10T06:59:59Z".parse().unwrap()); // a second earlier: 01:59:59 EST
/// assert_eq!(t.to_string(), "2024-03-10 01:59:59");
/// ```
pub fn new_york_local(at: DateTime<Utc>) -> NaiveDateTime {
    let utc = at.naive_utc();
    let year = utc.year();
    match usize::try_from(year - FIRST_YEAR).ok().and_then(|i| dst_table().get(i)) {
        Some(&(start, end)) => utc - Duration::hours(if utc >= start && utc < end { 4 } else { 5 }),
        None => at.with_timezone(&New_York).naive_local(),
    }
}

const FIRST_YEAR: i32 = 2007;

/// Start and end of daylight saving time in UTC for each year from 2007 to 2099.
fn dst_table() -> &'static [(NaiveDateTime, NaiveDateTime)] {
    static TABLE: std::sync::OnceLock<Vec<(NaiveDateTime, NaiveDateTime)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (FIRST_YEAR..2100)
            .filter_map(|year| {
                let sunday = |month, n| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n);
                Some((sunday(3, 2)?.and_hms_opt(7, 0, 0)?, sunday(11, 1)?.and_hms_opt(6, 0, 0)?))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_tz_database_every_hour_from_2007_to_2099() {
        let mut at: DateTime<Utc> = "2007-01-01T00:00:00Z".parse().unwrap();
        let end: DateTime<Utc> = "2100-01-01T06:00:00Z".parse().unwrap();
        while at < end {
            for delta in [0, 1, 3599] {
                let t = at + Duration::seconds(delta);
                assert_eq!(new_york_local(t), t.with_timezone(&New_York).naive_local(), "{t}");
            }
            at += Duration::hours(1);
        }
    }
}
