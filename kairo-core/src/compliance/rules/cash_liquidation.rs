//! `cash_liquidation` (Regulation T §220.8(a)): in a cash account, a sale made after the date of a purchase that
//! had no funds, whose proceeds pay for that purchase (and settle after it). Flagged; the violation that reaches
//! `limits.cash_account.cash_liquidations` (3) within `lookback_months` (12) fails, as brokers then restrict the
//! account for `restriction_days` (90). The ledger is described in [`settlement_ledger`](crate::compliance::settlement_ledger). Applies to
//! sells in cash accounts whose `settled_cash` is given.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::settlement_ledger::{start, Violation};
use crate::compliance::{AccountContext, Rule, RuleState};

/// The `cash_liquidation` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct CashLiquidationRule;

impl Rule for CashLiquidationRule {
    fn name(&self) -> &'static str {
        "cash_liquidation"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        start(&[Violation::CashLiquidationRule], ctx)
    }
}
