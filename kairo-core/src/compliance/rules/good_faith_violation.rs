//! `good_faith_violation` (Regulation T §220.8): in a cash account, a sale of shares that were bought with unsettled
//! sale proceeds, before those proceeds settle. A violation is flagged; the one that reaches
//! `limits.cash_account.good_faith_violations` (3) within `lookback_months` (12) fails, since brokers then restrict
//! the account to settled-cash purchases for `restriction_days` (90). The ledger is described in
//! [`settlement_ledger`](crate::compliance::settlement_ledger). Applies to sells in cash accounts whose `settled_cash` is given.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::settlement_ledger::{start, Violation};
use crate::compliance::{AccountContext, Rule, RuleState};

/// The `good_faith_violation` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoodFaithViolationRule;

impl Rule for GoodFaithViolationRule {
    fn name(&self) -> &'static str {
        "good_faith_violation"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        start(&[Violation::GoodFaith], ctx)
    }
}
