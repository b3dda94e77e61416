//! The look-back periods of the comparison and the report (`period=1m|3m|6m|ytd|1y|3y|5y|max`): the first date
//! they cover, counted back from the last date asked for (or today).

use chrono::{Datelike, Months, NaiveDate};

/// The names accepted.
pub const NAMES: &str = "1m, 3m, 6m, ytd, 1y, 3y, 5y or max";

/// The first date of `period` ending on `end`; `None` for `max` (the whole history); `Err` for an unknown name.
///
/// `1m` from 2024-03-31 starts on 2024-03-01: a month back is 2024-02-29 (chrono's month arithmetic clamps to the
/// month's last day), and the day after it is the first day counted.
pub fn start(period: &str, end: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let months = match period.to_ascii_lowercase().as_str() {
        "max" | "all" => return Ok(None),
        "ytd" => return Ok(NaiveDate::from_ymd_opt(end.year(), 1, 1)),
        "1m" => 1,
        "3m" => 3,
        "6m" => 6,
        "1y" => 12,
        "3y" => 36,
        "5y" => 60,
        other => return Err(format!("period must be {NAMES}, got {other:?}")),
    };
    Ok(end.checked_sub_months(Months::new(months)).and_then(|d| d.succ_opt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_count_back_from_the_end() {
        assert_eq!(start("1m", d("2024-03-31")), Ok(Some(d("2024-03-01"))));
        assert_eq!(start("1Y", d("2024-07-15")), Ok(Some(d("2023-07-16"))));
        assert_eq!(start("ytd", d("2024-07-15")), Ok(Some(d("2024-01-01"))));
        assert_eq!(start("max", d("2024-07-15")), Ok(None));
        assert!(start("2w", d("2024-07-15")).unwrap_err().contains("period must be"));
    }
}
