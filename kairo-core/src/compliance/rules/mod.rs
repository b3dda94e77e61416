//! The built-in rules, one per file.

mod market_hours;
mod restricted_symbol;

pub use market_hours::MarketHours;
pub use restricted_symbol::RestrictedSymbol;
