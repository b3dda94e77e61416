//! Settlement dates of US equity trades (SEC Rule 15c6-1).
//!
//! Regular-way trades settle two business days after the trade date (T+2) until 27 May 2024 and one business day
//! after it (T+1) from trades of 28 May 2024 on (SEC release 34-96930, compliance date 28 May 2024).
//!
//! Settlement days are not the exchange's trading days: DTC settles through the Federal Reserve's payment systems,
//! so a day is a settlement day when the NYSE trades and the Federal Reserve Banks are open. Two federal holidays
//! are trading days without settlement: Columbus Day (the second Monday of October) and Veterans Day (11
//! November; on a Sunday the Banks close the Monday after, on a Saturday they stay open the Friday before, as the
//! Federal Reserve's holiday schedule states), and Martin Luther King, Jr. Day was one from 1986 (a federal
//! holiday) until the NYSE closed for it in 1998. SIFMA's US holiday recommendations close the markets it covers on
//! the same days. The rules give the days; there is no table to keep up to date.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::nyse::{date, is_trading_day, nth_weekday};

/// Whether the Federal Reserve Banks are closed on `day` for a holiday on which the NYSE trades (Columbus Day,
/// Veterans Day, and Martin Luther King, Jr. Day from 1986 to 1997).
pub fn is_federal_reserve_holiday(day: NaiveDate) -> bool {
    let year = day.year();
    if day.weekday() != Weekday::Mon && !(year >= 1978 && day.month() == 11 && day.day() == 11) {
        return false;
    }
    let columbus = year >= 1971 && day == nth_weekday(year, 10, Weekday::Mon, 2);
    let veterans = if year >= 1978 {
        let nov11 = date(year, 11, 11);
        match nov11.weekday() {
            Weekday::Sat => false,
            Weekday::Sun => day == nov11 + Duration::days(1),
            _ => day == nov11,
        }
    } else {
        // 1971-1977: the fourth Monday of October
        year >= 1971 && day == nth_weekday(year, 10, Weekday::Mon, 4)
    };
    let king = (1986..1998).contains(&year) && day == nth_weekday(year, 1, Weekday::Mon, 3);
    columbus || veterans || king
}

/// Whether US equity trades settle on `day`: an NYSE trading day on which the Federal Reserve Banks are open.
///
/// ```
/// use chrono::NaiveDate;
/// use kairo_core::calendar::{is_settlement_day, is_trading_day};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert!(is_trading_day(d(2024, 11, 11)) && !is_settlement_day(d(2024, 11, 11))); // Veterans Day
/// assert!(is_trading_day(d(2024, 10, 14)) && !is_settlement_day(d(2024, 10, 14))); // Columbus Day
/// assert!(is_settlement_day(d(2023, 11, 10))); // Veterans Day 2023 fell on a Saturday: the Banks were open
/// assert!(!is_settlement_day(d(2024, 3, 29))); // Good Friday: no trading, no settlement
/// ```
pub fn is_settlement_day(day: NaiveDate) -> bool {
    is_trading_day(day) && !is_federal_reserve_holiday(day)
}

/// The settlement day after `day`.
pub fn next_settlement_day(day: NaiveDate) -> NaiveDate {
    let mut d = day + Duration::days(1);
    while !is_settlement_day(d) {
        d += Duration::days(1);
    }
    d
}

/// `day` moved forward by `n` settlement days (`day` itself need not be one).
pub fn add_settlement_days(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    for _ in 0..n {
        d = next_settlement_day(d);
    }
    d
}

/// The first trade date that settles T+1.
pub fn t_plus_one_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 28).unwrap_or(NaiveDate::MIN)
}

/// A settlement cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementCycle {
    /// T+1 for trades from 28 May 2024, T+2 before (the default).
    #[default]
    ByTradeDate,
    /// Always T+1.
    TPlus1,
    /// Always T+2.
    TPlus2,
}

impl SettlementCycle {
    /// Business days from trade to settlement for a trade on `trade_date`.
    pub fn days(self, trade_date: NaiveDate) -> u32 {
        match self {
            SettlementCycle::TPlus1 => 1,
            SettlementCycle::TPlus2 => 2,
            SettlementCycle::ByTradeDate => {
                if trade_date >= t_plus_one_from() {
                    1
                } else {
                    2
                }
            }
        }
    }

    /// The settlement date of a trade on `trade_date`: [`SettlementCycle::days`] settlement days after it
    /// ([`is_settlement_day`]).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use kairo_core::calendar::SettlementCycle;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // Friday 24 May 2024, T+2 over Memorial Day: Wednesday 29 May.
    /// assert_eq!(SettlementCycle::ByTradeDate.settlement_date(d(2024, 5, 24)), d(2024, 5, 29));
    /// // Tuesday 28 May 2024, the first T+1 trade date: Wednesday 29 May too.
    /// assert_eq!(SettlementCycle::ByTradeDate.settlement_date(d(2024, 5, 28)), d(2024, 5, 29));
    /// // Friday 8 November 2024, T+1 over Veterans Day (a trading day without settlement): Tuesday 12 November.
    /// assert_eq!(SettlementCycle::ByTradeDate.settlement_date(d(2024, 11, 8)), d(2024, 11, 12));
    /// ```
    pub fn settlement_date(self, trade_date: NaiveDate) -> NaiveDate {
        add_settlement_days(trade_date, self.days(trade_date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        date(y, m, day)
    }

    /// The trading days on which the markets do not settle, 2020-2027: Columbus Day and Veterans Day as the
    /// federal holiday calendar (5 U.S.C. 6103) and the Federal Reserve's holiday schedule give them (Veterans Day
    /// 2023 fell on a Saturday, and the Banks were open on Friday the 10th).
    const TRADING_WITHOUT_SETTLEMENT: [(i32, u32, u32); 15] = [
        (2020, 10, 12),
        (2020, 11, 11),
        (2021, 10, 11),
        (2021, 11, 11),
        (2022, 10, 10),
        (2022, 11, 11),
        (2023, 10, 9),
        (2024, 10, 14),
        (2024, 11, 11),
        (2025, 10, 13),
        (2025, 11, 11),
        (2026, 10, 12),
        (2026, 11, 11),
        (2027, 10, 11),
        (2027, 11, 11),
    ];

    #[test]
    fn settlement_days_2020_to_2027_are_trading_days_but_columbus_and_veterans_day() {
        let mut day = d(2020, 1, 1);
        let mut without = Vec::new();
        while day < d(2028, 1, 1) {
            if is_settlement_day(day) {
                assert!(is_trading_day(day), "{day}");
            } else if is_trading_day(day) {
                without.push((day.year(), day.month(), day.day()));
            }
            day += Duration::days(1);
        }
        assert_eq!(without, TRADING_WITHOUT_SETTLEMENT);
    }

    #[test]
    fn veterans_day_on_a_weekend_and_king_day_before_the_exchange_closed_for_it() {
        // Sunday 11 November 2018: the Banks closed Monday the 12th, the NYSE traded
        assert!(is_trading_day(d(2018, 11, 12)) && !is_settlement_day(d(2018, 11, 12)));
        // Saturday 11 November 2023: open Friday the 10th
        assert!(is_settlement_day(d(2023, 11, 10)));
        // Martin Luther King, Jr. Day 1997: the NYSE traded, the Banks were closed
        assert!(is_trading_day(d(1997, 1, 20)) && !is_settlement_day(d(1997, 1, 20)));
        assert!(!is_trading_day(d(1998, 1, 19)));
    }

    #[test]
    fn settlement_dates_across_the_t_plus_one_change_and_federal_holidays() {
        let c = SettlementCycle::ByTradeDate;
        // T+2 before 28 May 2024, over Columbus Day 2023 (Friday 6 October → Wednesday 11 October)
        assert_eq!(c.settlement_date(d(2023, 10, 6)), d(2023, 10, 11));
        // T+2 on Thursday 23 May 2024 → Tuesday 28 May (Memorial Day); Friday 24 May → Wednesday 29 May
        assert_eq!(c.settlement_date(d(2024, 5, 23)), d(2024, 5, 28));
        assert_eq!(c.settlement_date(d(2024, 5, 24)), d(2024, 5, 29));
        // T+1 from Tuesday 28 May 2024: Wednesday 29 May
        assert_eq!(c.settlement_date(d(2024, 5, 28)), d(2024, 5, 29));
        // T+1 over Columbus Day 2024: Friday 11 October → Tuesday 15 October; a trade on the holiday itself too
        assert_eq!(c.settlement_date(d(2024, 10, 11)), d(2024, 10, 15));
        assert_eq!(c.settlement_date(d(2024, 10, 14)), d(2024, 10, 15));
        // T+1 over Veterans Day 2024: Friday 8 November → Tuesday 12 November
        assert_eq!(c.settlement_date(d(2024, 11, 8)), d(2024, 11, 12));
    }
}
