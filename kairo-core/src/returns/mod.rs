//! Return series: daily valuation and time-weighted return of a portfolio from its trades and closing prices,
//! series alignment by date, compounding into weeks, months, quarters and years, and money-weighted returns
//! (the internal rate of return of dated cash flows, the modified Dietz return of a period).

mod align;
mod money_weighted;
mod prices;
mod resample;
mod series;
mod twr;

pub use align::{align, Aligned};
pub use money_weighted::{modified_dietz, money_weighted_return, position_flows, xirr};
pub use prices::PriceTable;
pub use resample::{resample, Frequency, PeriodReturn};
pub(crate) use series::to_f64;
pub use series::{DatedDrawdown, ReturnSeries};
pub use twr::{daily_valuations, twr, DailyValuation};
pub(crate) use twr::{mark_at, valuations_in_order, Valuer};
