//! The built-in rules, one per file. [`all`] is every rule in the order its results are reported; [`by_names`]
//! builds a set from configured names.

mod cash_liquidation;
mod concentration;
mod freeriding;
mod good_faith_violation;
mod market_hours;
mod max_notional;
mod pattern_day_trading;
mod penny_stock;
mod price_band;
mod restricted_symbol;
mod self_match;
mod short_sale_cash_account;
mod wash_sale;

pub use cash_liquidation::CashLiquidation;
pub use concentration::ConcentrationLimit;
pub use freeriding::Freeriding;
pub use good_faith_violation::GoodFaithViolation;
pub use market_hours::MarketHours;
pub use max_notional::MaxNotionalLimit;
pub use pattern_day_trading::PatternDayTradingRule;
pub use penny_stock::PennyStockRule;
pub use price_band::PriceBandRule;
pub use restricted_symbol::RestrictedSymbol;
pub use self_match::SelfMatchRule;
pub use short_sale_cash_account::ShortSaleCashAccount;
pub use wash_sale::WashSale;

use super::rule::{Rule, RuleSet};
use crate::error::ComplianceError;

/// The `check_name` of every built-in rule, in report order.
pub const NAMES: [&str; 13] = [
    "pattern_day_trading",
    "wash_sale",
    "good_faith_violation",
    "freeriding",
    "cash_liquidation",
    "market_hours",
    "restricted_symbol",
    "max_notional",
    "concentration",
    "short_sale_cash_account",
    "penny_stock",
    "price_band",
    "self_match",
];

/// The built-in rule named `name`.
pub fn by_name(name: &str) -> Option<Box<dyn Rule>> {
    Some(match name {
        "pattern_day_trading" => Box::new(PatternDayTradingRule),
        "wash_sale" => Box::new(WashSale),
        "good_faith_violation" => Box::new(GoodFaithViolation),
        "freeriding" => Box::new(Freeriding),
        "cash_liquidation" => Box::new(CashLiquidation),
        "market_hours" => Box::new(MarketHours),
        "restricted_symbol" => Box::new(RestrictedSymbol),
        "max_notional" => Box::new(MaxNotionalLimit),
        "concentration" => Box::new(ConcentrationLimit),
        "short_sale_cash_account" => Box::new(ShortSaleCashAccount),
        "penny_stock" => Box::new(PennyStockRule),
        "price_band" => Box::new(PriceBandRule),
        "self_match" => Box::new(SelfMatchRule),
        _ => return None,
    })
}

/// Every built-in rule, in the order of [`NAMES`].
pub fn all() -> RuleSet {
    NAMES.iter().filter_map(|n| by_name(n)).fold(RuleSet::new(), RuleSet::with_boxed)
}

/// The built-in rules named in `names`, in that order.
pub fn by_names<S: AsRef<str>>(names: &[S]) -> Result<RuleSet, ComplianceError> {
    names.iter().try_fold(RuleSet::new(), |set, name| {
        let name = name.as_ref();
        by_name(name)
            .map(|rule| set.with_boxed(rule))
            .ok_or_else(|| ComplianceError::UnknownCheck { name: name.to_owned(), known: NAMES.join(", ") })
    })
}
