//! The US market calendar: NYSE holidays, early closes and hours ([`nyse`]), and settlement dates
//! ([`settlement`]).

mod clock;
pub mod nyse;
pub mod settlement;

pub use clock::new_york_local;
pub use nyse::{
    add_trading_days, easter_sunday, holiday_on, holidays, is_early_close, is_regular_hours, is_trading_day,
    next_trading_day, previous_trading_day, session, Holiday,
};
pub use settlement::{
    add_settlement_days, is_federal_reserve_holiday, is_settlement_day, next_settlement_day, SettlementCycle,
};
