//! Running a rule set: streaming ([`Engine`]), batch ([`check_history`]) and pre-trade ([`check_order`]), all on
//! the same rule states, so the three give the same answers.

use crate::error::TradeError;
use crate::trade::Trade;

use super::context::AccountContext;
use super::result::{CheckResult, Decision};
use super::rule::{RuleSet, RuleState};

/// The streaming engine of one account: push trades in execution order, get each one's results.
pub struct Engine {
    ctx: AccountContext,
    states: Vec<Box<dyn RuleState>>,
}

impl Engine {
    /// An engine for `ctx` running `rules`.
    pub fn new(rules: &RuleSet, ctx: AccountContext) -> Self {
        let states = rules.rules().iter().map(|r| r.start(&ctx)).collect();
        Engine { ctx, states }
    }

    /// The account context.
    pub fn context(&self) -> &AccountContext {
        &self.ctx
    }

    /// Checks `trade`, records it, and returns its results (one per applicable rule, in rule order).
    pub fn push(&mut self, trade: &Trade) -> Result<Vec<CheckResult>, TradeError> {
        trade.validate()?;
        let results = self.states.iter().filter_map(|s| s.check(trade, &self.ctx)).collect();
        for s in &mut self.states {
            s.record(trade, &self.ctx);
        }
        Ok(results)
    }

    /// Whether `order` would break a rule, given everything pushed so far; records nothing.
    pub fn check_order(&self, order: &Trade) -> Result<Decision, TradeError> {
        order.validate()?;
        Ok(Decision::from_results(self.states.iter().filter_map(|s| s.check(order, &self.ctx)).collect()))
    }
}

/// Every trade of a history checked against `rules`, in execution order (sorted by `executed_at`, then `id`):
/// one result per (trade, applicable rule).
///
/// ```
/// use kairo_core::compliance::{check_history, default_rules, AccountContext, Status};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let ctx: AccountContext = serde_json::from_str(r#"{"restricted_symbols": ["XYZ"]}"#).unwrap();
/// let t = Trade::new("t1", "u", "XYZ", Side::Buy, dec!(1), dec!(10), "2024-03-01T15:00:00Z".parse().unwrap()).unwrap();
/// let results = check_history(&[t], &default_rules(), &ctx).unwrap();
/// let restricted = results.iter().find(|r| r.check_name == "restricted_symbol").unwrap();
/// assert_eq!(restricted.status, Status::Fail);
/// ```
pub fn check_history(trades: &[Trade], rules: &RuleSet, ctx: &AccountContext) -> Result<Vec<CheckResult>, TradeError> {
    let mut ordered: Vec<&Trade> = trades.iter().collect();
    ordered.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
    let mut engine = Engine::new(rules, ctx.clone());
    let mut out = Vec::with_capacity(trades.len() * rules.rules().len());
    for t in ordered {
        out.extend(engine.push(t)?);
    }
    Ok(out)
}

/// Would `order` break a rule, given the account's `history`? Nothing is recorded.
pub fn check_order(
    history: &[Trade],
    order: &Trade,
    rules: &RuleSet,
    ctx: &AccountContext,
) -> Result<Decision, TradeError> {
    let mut ordered: Vec<&Trade> = history.iter().collect();
    ordered.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
    let mut engine = Engine::new(rules, ctx.clone());
    for t in ordered {
        engine.push(t)?;
    }
    engine.check_order(order)
}
