//! `restricted_symbol`: fails a trade in a symbol on the account's restricted list (a firm's restricted or
//! watch list, an employee's blackout list, a security under a trading halt).

use serde_json::json;

use crate::compliance::{AccountContext, CheckResult, Rule, RuleState, Status};
use crate::trade::Trade;

/// The `restricted_symbol` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestrictedSymbol;

const NAME: &str = "restricted_symbol";

impl Rule for RestrictedSymbol {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(RestrictedSymbol)
    }
}

impl RuleState for RestrictedSymbol {
    fn check(&self, trade: &Trade, ctx: &AccountContext) -> Option<CheckResult> {
        let restricted = ctx.is_restricted(&trade.symbol);
        let (status, reason) = if restricted {
            (Status::Fail, format!("{} is on this account's restricted list and cannot be traded.", trade.symbol))
        } else {
            (Status::Pass, format!("{} is not restricted.", trade.symbol))
        };
        Some(CheckResult::new(
            trade.id.clone(),
            NAME,
            status,
            reason,
            json!({"symbol": trade.symbol, "restricted": restricted, "rule": "account restricted list"}),
        ))
    }

    fn record(&mut self, _trade: &Trade, _ctx: &AccountContext) {}
}
