//! `freeriding` (Regulation T §220.8(a) and (c)): in a cash account, a sale of shares bought without funds to pay
//! for them (no settled cash, no unsettled proceeds), before the purchase settles, so that the sale pays for the
//! purchase. Regulation T requires a 90-day freeze after one: with `limits.cash_account.freeriding` = 1 (the
//! default) every freeriding sale fails. The ledger is described in [`settlement_ledger`](crate::compliance::settlement_ledger). Applies to
//! sells in cash accounts whose `settled_cash` is given.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::settlement_ledger::{start, Violation};
use crate::compliance::{AccountContext, Rule, RuleState};

/// The `freeriding` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct FreeridingRule;

impl Rule for FreeridingRule {
    fn name(&self) -> &'static str {
        "freeriding"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        start(&[Violation::FreeridingRule], ctx)
    }
}
