//! Return series: daily valuation and time-weighted return of a portfolio from its trades and closing prices,
//! series alignment by date, and compounding into weeks, months, quarters and years.

mod align;
mod prices;
mod resample;
mod series;
mod twr;

pub use align::{align, Aligned};
pub use prices::PriceTable;
pub use resample::{resample, Frequency, PeriodReturn};
pub use series::{DatedDrawdown, ReturnSeries};
pub use twr::{daily_valuations, twr, DailyValuation};
pub(crate) use twr::{mark_at, valuations_in_order};
