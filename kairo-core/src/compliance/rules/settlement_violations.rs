//! `good_faith_violation`, `freeriding` and `cash_liquidation` answered together from one cash ledger. Each check
//! is documented in its own file; this rule is what [`all`](super::all) and [`by_names`](super::by_names) use when
//! the checks are configured next to each other, so that the ledger is kept once per account, not once per check.
//! The results are the same as those of the three separate rules.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::settlement_ledger::{start, Violation};
use crate::compliance::{AccountContext, Rule, RuleState};

/// The settlement checks, answered together.
#[derive(Debug, Clone)]
pub struct SettlementViolationsRule {
    kinds: Vec<Violation>,
}

impl SettlementViolationsRule {
    /// All three checks, in the order `good_faith_violation`, `freeriding`, `cash_liquidation`.
    pub fn all() -> Self {
        SettlementViolationsRule {
            kinds: vec![Violation::GoodFaith, Violation::FreeridingRule, Violation::CashLiquidationRule],
        }
    }

    /// The checks named in `names` (each one of the three), in that order; `None` if a name is not one of them.
    pub fn of<S: AsRef<str>>(names: &[S]) -> Option<Self> {
        let kinds = names
            .iter()
            .map(|n| match n.as_ref() {
                "good_faith_violation" => Some(Violation::GoodFaith),
                "freeriding" => Some(Violation::FreeridingRule),
                "cash_liquidation" => Some(Violation::CashLiquidationRule),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        (!kinds.is_empty()).then_some(SettlementViolationsRule { kinds })
    }
}

impl Rule for SettlementViolationsRule {
    fn name(&self) -> &'static str {
        self.kinds.first().map_or("good_faith_violation", |k| k.name())
    }

    fn checks(&self) -> Vec<&'static str> {
        self.kinds.iter().map(|k| k.name()).collect()
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        start(&self.kinds, ctx)
    }
}
