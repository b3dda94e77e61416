//! Settlement dates of US equity trades (SEC Rule 15c6-1).
//!
//! Regular-way trades settle two business days after the trade date (T+2) until 27 May 2024 and one business day
//! after it (T+1) from trades of 28 May 2024 on (SEC release 34-96930, compliance date 28 May 2024). Business days
//! are the trading days of the NYSE calendar.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::nyse::add_trading_days;

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

    /// The settlement date of a trade on `trade_date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use kairo_core::calendar::SettlementCycle;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // Friday 24 May 2024, T+2 over Memorial Day: Wednesday 29 May.
    /// assert_eq!(SettlementCycle::ByTradeDate.settlement_date(d(2024, 5, 24)), d(2024, 5, 29));
    /// // Tuesday 28 May 2024, the first T+1 trade date: Wednesday 29 May too.
    /// assert_eq!(SettlementCycle::ByTradeDate.settlement_date(d(2024, 5, 28)), d(2024, 5, 29));
    /// ```
    pub fn settlement_date(self, trade_date: NaiveDate) -> NaiveDate {
        add_trading_days(trade_date, self.days(trade_date))
    }
}
