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
mod settlement_violations;
mod short_sale_cash_account;
mod wash_sale;

pub use cash_liquidation::CashLiquidationRule;
pub use concentration::ConcentrationRule;
pub use freeriding::FreeridingRule;
pub use good_faith_violation::GoodFaithViolationRule;
pub use market_hours::MarketHoursRule;
pub use max_notional::MaxNotionalRule;
pub use pattern_day_trading::PatternDayTradingRule;
pub use penny_stock::PennyStockRule;
pub use price_band::PriceBandRule;
pub use restricted_symbol::RestrictedSymbolRule;
pub use self_match::SelfMatchRule;
pub use settlement_violations::SettlementViolationsRule;
pub use short_sale_cash_account::ShortSaleCashAccountRule;
pub use wash_sale::WashSaleRule;

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
        "wash_sale" => Box::new(WashSaleRule),
        "good_faith_violation" => Box::new(GoodFaithViolationRule),
        "freeriding" => Box::new(FreeridingRule),
        "cash_liquidation" => Box::new(CashLiquidationRule),
        "market_hours" => Box::new(MarketHoursRule),
        "restricted_symbol" => Box::new(RestrictedSymbolRule),
        "max_notional" => Box::new(MaxNotionalRule),
        "concentration" => Box::new(ConcentrationRule),
        "short_sale_cash_account" => Box::new(ShortSaleCashAccountRule),
        "penny_stock" => Box::new(PennyStockRule),
        "price_band" => Box::new(PriceBandRule),
        "self_match" => Box::new(SelfMatchRule),
        _ => return None,
    })
}

impl RuleSet {
    /// The rules of the checks named in `checks` (`pattern_day_trading`, `wash_sale`, ...), or every built-in rule
    /// when `None`: what every surface's `checks` argument means.
    ///
    /// ```
    /// use kairo_core::compliance::RuleSet;
    /// assert_eq!(RuleSet::for_checks(Some(&["wash_sale"])).unwrap().names(), ["wash_sale"]);
    /// assert_eq!(RuleSet::for_checks::<&str>(None).unwrap().names().len(), 13);
    /// assert_eq!(RuleSet::for_checks(Some(&["wash_sales"])).err().unwrap().field(), "checks");
    /// ```
    pub fn for_checks<S: AsRef<str>>(checks: Option<&[S]>) -> Result<RuleSet, ComplianceError> {
        match checks {
            None => Ok(all()),
            Some(names) => by_names(names),
        }
    }
}

/// Every built-in check, in the order of [`NAMES`] (the three settlement checks share one ledger).
pub fn all() -> RuleSet {
    by_names(&NAMES).unwrap_or_default()
}

/// The built-in checks named in `names`, in that order. Settlement checks named next to each other are answered
/// by one [`SettlementViolationsRule`] rule, with one cash ledger.
pub fn by_names<S: AsRef<str>>(names: &[S]) -> Result<RuleSet, ComplianceError> {
    let mut set = RuleSet::new();
    let mut i = 0;
    while i < names.len() {
        let run = names[i..].iter().take_while(|n| SettlementViolationsRule::of(&[n.as_ref()]).is_some()).count();
        if run > 1 {
            if let Some(rule) = SettlementViolationsRule::of(&names[i..i + run]) {
                set = set.with(rule);
                i += run;
                continue;
            }
        }
        let name = names[i].as_ref();
        let rule = by_name(name)
            .ok_or_else(|| ComplianceError::UnknownCheck { name: name.to_owned(), known: NAMES.join(", ") })?;
        set = set.with_boxed(rule);
        i += 1;
    }
    Ok(set)
}
