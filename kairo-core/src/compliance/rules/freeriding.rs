//! `freeriding` (Regulation T §220.8(a) and (c)): in a cash account, a sale of shares bought without funds to pay
//! for them (no settled cash, no unsettled proceeds), before the purchase settles, so that the sale pays for the
//! purchase. Regulation T requires a 90-day freeze after one: with `limits.cash_account.freeriding` = 1 (the
//! default) every freeriding sale fails. The ledger is described in [`cash`](crate::compliance::cash). Applies to
//! sells in cash accounts whose `settled_cash` is given.

use crate::compliance::cash::{start, Violation};
use crate::compliance::{AccountContext, Rule, RuleState};

/// The `freeriding` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct Freeriding;

impl Rule for Freeriding {
    fn name(&self) -> &'static str {
        "freeriding"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        start(&[Violation::Freeriding], ctx)
    }
}
