//! Running a rule set: streaming ([`Engine`]), batch ([`check_history`]) and pre-trade ([`check_order`] and
//! [`Engine::check_order`]), all on the same rule states, so the three give the same answers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::calendar::new_york_local;
use crate::error::ComplianceError;
use crate::history::Trades;
use crate::trade::Trade;

use super::context::AccountContext;
use super::result::{CheckResult, Decision};
use super::rule::{ActivityEvent, Event, RuleSet, RuleState};
use crate::activity::{Activity, ActivityKind};

/// The streaming engine of one account: push trades in execution order, get each one's results.
///
/// Memory is bounded by the rules' windows and the number of symbols traded, not by the length of the history, so
/// an engine can run for the life of an account; keep one per account to answer pre-trade checks
/// ([`Engine::check_order`]) without replaying history.
///
/// ```
/// use kairo_core::compliance::{default_rules, AccountContext, Engine, Status};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "1000"}"#).unwrap();
/// let mut engine = Engine::new(&default_rules(), ctx).unwrap();
/// let at = |s: &str| s.parse().unwrap();
/// engine.push(&Trade::new("b1", "u", "AAPL", Side::Buy, dec!(5), dec!(180), at("2024-07-01T14:00:00Z")).unwrap()).unwrap();
/// // Selling 10 shares while holding 5 would be a short sale, which a cash account cannot make.
/// let order = Trade::new("o1", "u", "AAPL", Side::Sell, dec!(10), dec!(181), at("2024-07-01T15:00:00Z")).unwrap();
/// let decision = engine.check_order(&order).unwrap();
/// assert!(!decision.allowed);
/// let short = decision.results.iter().find(|r| r.check_name == "short_sale_cash_account").unwrap();
/// assert_eq!(short.status, Status::Fail);
/// ```
pub struct Engine {
    ctx: AccountContext,
    /// The check names of each state (one for most rules).
    checks: Vec<Vec<&'static str>>,
    states: Vec<Box<dyn RuleState>>,
    symbols: FxHashMap<String, usize>,
    /// Each symbol's name by its number, shared with the rules.
    names: Vec<Arc<str>>,
    positions: Vec<Decimal>,
    /// The execution time and id of the last trade pushed (the id copied into a buffer kept for the engine's
    /// life: no allocation or reference count per trade).
    last: Option<(DateTime<Utc>, String)>,
}

impl Engine {
    /// An engine for `ctx` running `rules`; fails when the context does not validate
    /// ([`AccountContext::validate`]).
    pub fn new(rules: &RuleSet, ctx: AccountContext) -> Result<Self, ComplianceError> {
        ctx.validate()?;
        let states = rules.rules().iter().map(|r| r.start(&ctx)).collect();
        let checks: Vec<Vec<&'static str>> = rules.rules().iter().map(|r| r.checks()).collect();
        let symbols = FxHashMap::default();
        Ok(Engine { checks, ctx, states, symbols, names: Vec::new(), positions: Vec::new(), last: None })
    }

    /// The account context.
    pub fn context(&self) -> &AccountContext {
        &self.ctx
    }

    /// The account's signed position in `symbol` from the trades pushed so far.
    pub fn position(&self, symbol: &str) -> Decimal {
        self.symbols.get(symbol).map_or(Decimal::ZERO, |&i| self.positions[i])
    }

    /// Checks `trade`, records it, and returns its results (one per applicable rule, in rule order).
    pub fn push<'t>(&mut self, trade: &'t Trade) -> Result<Vec<CheckResult<'t>>, ComplianceError> {
        let mut out = Vec::with_capacity(self.states.len());
        self.push_into(trade, &mut out)?;
        Ok(out)
    }

    /// [`Engine::push`], appending the results to `out` (no allocation for the result list itself).
    pub fn push_into<'t>(&mut self, trade: &'t Trade, out: &mut Vec<CheckResult<'t>>) -> Result<(), ComplianceError> {
        self.admit(trade)?;
        self.push_valid_into(trade, out);
        Ok(())
    }

    /// [`Engine::push_into`] of a trade known to be valid and not older than the last one (a history's next).
    fn push_valid_into<'t>(&mut self, trade: &'t Trade, out: &mut Vec<CheckResult<'t>>) {
        let symbol = self.symbol_index(&trade.symbol);
        let id: Arc<str> = Arc::from(trade.id.as_str());
        let ev = event(trade, &id, symbol, &self.names[symbol], self.positions[symbol]);
        for (state, names) in self.states.iter_mut().zip(&self.checks) {
            if names.len() == 1 {
                if let Some(v) = state.push(&ev, &self.ctx) {
                    out.push(CheckResult::new(trade.id.as_str(), names[0], v));
                }
            } else {
                state.push_checks(&ev, &self.ctx, &mut |k, v| {
                    if let Some(&name) = names.get(k) {
                        out.push(CheckResult::new(trade.id.as_str(), name, v));
                    }
                });
            }
        }
        self.finish(trade, symbol, ev.position_after());
    }

    /// Records an executed `trade` without producing its results (replaying a history whose results are already
    /// stored). The engine ends in the same state as after [`Engine::push`].
    pub fn record(&mut self, trade: &Trade) -> Result<(), ComplianceError> {
        self.admit(trade)?;
        self.record_valid(trade);
        Ok(())
    }

    /// [`Engine::record`] of a trade known to be valid and not older than the last one.
    pub(crate) fn record_valid(&mut self, trade: &Trade) {
        let symbol = self.symbol_index(&trade.symbol);
        let id: Arc<str> = Arc::from(trade.id.as_str());
        let ev = event(trade, &id, symbol, &self.names[symbol], self.positions[symbol]);
        for state in &mut self.states {
            state.record(&ev, &self.ctx);
        }
        self.finish(trade, symbol, ev.position_after());
    }

    #[inline]
    fn symbol_index(&mut self, symbol: &str) -> usize {
        match self.symbols.get(symbol) {
            Some(&i) => i,
            None => {
                let i = self.positions.len();
                self.symbols.insert(symbol.to_owned(), i);
                self.names.push(Arc::from(symbol));
                self.positions.push(Decimal::ZERO);
                i
            }
        }
    }

    fn finish(&mut self, trade: &Trade, symbol: usize, position: Decimal) {
        self.positions[symbol] = position;
        match &mut self.last {
            Some((at, last_id)) => {
                *at = trade.executed_at;
                last_id.clear();
                last_id.push_str(&trade.id);
            }
            None => self.last = Some((trade.executed_at, trade.id.clone())),
        }
    }

    /// Records an activity of the account (a deposit, a dividend, a fee, a split, a symbol change, a transfer of
    /// shares): the settlement checks' cash ledger and the positions follow it. An activity takes effect at the
    /// start of its date, before that day's trades: its date must not be before the last trade pushed.
    ///
    /// ```
    /// use kairo_core::activity::{Activity, ActivityKind};
    /// use kairo_core::compliance::{default_rules, AccountContext, Engine, Status};
    /// use kairo_core::{Side, Trade};
    /// use rust_decimal_macros::dec;
    /// let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "0"}"#).unwrap();
    /// let mut engine = Engine::new(&default_rules(), ctx).unwrap();
    /// let at = |s: &str| s.parse().unwrap();
    /// // $1,000 deposited, then 5 bought at $180 and sold the same day: paid with settled cash, no violation
    /// let day = "2024-07-01".parse().unwrap();
    /// engine.push_activity(&Activity::new("d", "u", day, ActivityKind::Deposit { amount: dec!(1000) }).unwrap()).unwrap();
    /// engine.push(&Trade::new("b", "u", "AAPL", Side::Buy, dec!(5), dec!(180), at("2024-07-01T14:00:00Z")).unwrap()).unwrap();
    /// let sale = Trade::new("s", "u", "AAPL", Side::Sell, dec!(5), dec!(181), at("2024-07-01T15:00:00Z")).unwrap();
    /// let results = engine.push(&sale).unwrap();
    /// let freeriding = results.iter().find(|r| r.check_name == "freeriding").unwrap();
    /// assert_eq!(freeriding.status, Status::Pass);
    /// ```
    pub fn push_activity(&mut self, activity: &Activity) -> Result<(), ComplianceError> {
        if let Some((at, id)) = &self.last {
            let last_date = new_york_local(*at).date();
            if activity.date() < last_date {
                return Err(ComplianceError::ActivityOutOfOrder {
                    activity_id: activity.id().to_owned(),
                    date: activity.date(),
                    last_trade_id: id.clone(),
                    last_date,
                });
            }
        }
        let symbol = match activity.kind() {
            ActivityKind::SymbolChange { symbol, new_symbol } => {
                // The new symbol takes the old one's number: every rule's per-symbol state follows it.
                if let Some(i) = self.symbols.remove(symbol.as_str()) {
                    self.symbols.insert(new_symbol.clone(), i);
                    self.names[i] = Arc::from(new_symbol.as_str());
                }
                None
            }
            _ => activity.symbol().map(|s| self.symbol_index(s)),
        };
        if let Some(i) = symbol {
            match activity.kind() {
                ActivityKind::Split { ratio, cash_in_lieu, .. } => {
                    self.positions[i] *= *ratio;
                    if !cash_in_lieu.is_zero() {
                        self.positions[i] = self.positions[i].trunc();
                    }
                }
                ActivityKind::TransferIn { qty, .. } => self.positions[i] += *qty,
                ActivityKind::TransferOut { qty, .. } => self.positions[i] -= *qty,
                _ => {}
            }
        }
        let id: Arc<str> = Arc::from(activity.id());
        let ev = ActivityEvent { activity, id: &id, symbol };
        for state in &mut self.states {
            state.activity(&ev, &self.ctx);
        }
        Ok(())
    }

    /// Whether `order` would break a rule, given everything pushed so far; records nothing.
    pub fn check_order<'t>(&self, order: &'t Trade) -> Result<Decision<'t>, ComplianceError> {
        self.admit(order)?;
        let new_name: Arc<str>;
        let (symbol, name, position) = match self.symbols.get(order.symbol.as_str()) {
            Some(&i) => (i, &self.names[i], self.positions[i]),
            None => {
                new_name = Arc::from(order.symbol.as_str());
                (self.positions.len(), &new_name, Decimal::ZERO)
            }
        };
        let id: Arc<str> = Arc::from(order.id.as_str());
        let ev = event(order, &id, symbol, name, position);
        let mut results = Vec::with_capacity(self.states.len());
        for (state, names) in self.states.iter().zip(&self.checks) {
            state.check_checks(&ev, &self.ctx, &mut |k, v| {
                if let Some(&name) = names.get(k) {
                    results.push(CheckResult::new(order.id.as_str(), name, v));
                }
            });
        }
        Ok(Decision::from_results(results))
    }

    /// Validates `trade` and checks that it is not older than the last trade pushed.
    fn admit(&self, trade: &Trade) -> Result<(), ComplianceError> {
        trade.validate().map_err(|source| ComplianceError::InvalidTrade { trade_id: trade.id.clone(), source })?;
        if let Some((at, id)) = &self.last {
            if (trade.executed_at, trade.id.as_str()) < (*at, id.as_str()) {
                return Err(ComplianceError::OutOfOrder {
                    trade_id: trade.id.clone(),
                    executed_at: trade.executed_at,
                    last_trade_id: id.clone(),
                    last_executed_at: *at,
                });
            }
        }
        Ok(())
    }
}

fn event<'a>(
    trade: &'a Trade,
    id: &'a Arc<str>,
    symbol: usize,
    symbol_name: &'a Arc<str>,
    position: Decimal,
) -> Event<'a> {
    let local = new_york_local(trade.executed_at);
    Event { trade, id, symbol, symbol_name, local, date: local.date(), position, notional: trade.notional() }
}

/// Every trade of a history checked against `rules`, in execution order (sorted by `executed_at`, then `id`):
/// one result per (trade, applicable rule). The answers are those a streaming [`Engine`] gives when the trades are
/// pushed one by one in that order.
///
/// ```
/// use kairo_core::compliance::{check_history, default_rules, AccountContext, Status};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let ctx: AccountContext = serde_json::from_str(r#"{"restricted_symbols": ["XYZ"]}"#).unwrap();
/// let t = Trade::new("t1", "u", "XYZ", Side::Buy, dec!(1), dec!(10), "2024-03-01T15:00:00Z".parse().unwrap()).unwrap();
/// let trades = [t];
/// let results = check_history(&trades, &default_rules(), &ctx).unwrap();
/// let restricted = results.iter().find(|r| r.check_name == "restricted_symbol").unwrap();
/// assert_eq!(restricted.status, Status::Fail);
/// ```
pub fn check_history<'t, T: Trades + ?Sized>(
    trades: &'t T,
    rules: &RuleSet,
    ctx: &AccountContext,
) -> Result<Vec<CheckResult<'t>>, ComplianceError> {
    let mut out = Vec::new();
    check_history_into(trades, rules, ctx, &mut out)?;
    Ok(out)
}

/// [`check_history`], appending to `out`. On an error nothing is appended.
pub fn check_history_into<'t, T: Trades + ?Sized>(
    trades: &'t T,
    rules: &RuleSet,
    ctx: &AccountContext,
    out: &mut Vec<CheckResult<'t>>,
) -> Result<(), ComplianceError> {
    let ordered = trades.ordered()?;
    let mut engine = Engine::new(rules, ctx.clone())?;
    out.reserve(ordered.len() * engine.states.len());
    for t in ordered.iter() {
        engine.push_valid_into(t, out);
    }
    Ok(())
}

/// [`check_history`] with the account's activities: each applied ([`Engine::push_activity`]) at the start of its
/// date, before that day's trades, so that the settlement checks see the account's cash.
pub fn check_history_with_activities<'t, T: Trades + ?Sized>(
    trades: &'t T,
    activities: &[Activity],
    rules: &RuleSet,
    ctx: &AccountContext,
) -> Result<Vec<CheckResult<'t>>, ComplianceError> {
    check_history_with_activities_from(trades, activities, rules, ctx, None)
}

/// [`check_history_with_activities`] giving the results of the trades executed at or after `from` only (the
/// history before is replayed without results, as [`check_history_from`] does).
pub fn check_history_with_activities_from<'t, T: Trades + ?Sized>(
    trades: &'t T,
    activities: &[Activity],
    rules: &RuleSet,
    ctx: &AccountContext,
    from: Option<DateTime<Utc>>,
) -> Result<Vec<CheckResult<'t>>, ComplianceError> {
    let ordered = trades.ordered()?;
    let activities = crate::activity::in_order(activities);
    let mut engine = Engine::new(rules, ctx.clone())?;
    let mut out = Vec::new();
    let mut next = activities.into_iter().peekable();
    for t in ordered.iter() {
        while let Some(a) = next.next_if(|a| a.date() <= t.trade_date()) {
            engine.push_activity(a)?;
        }
        if from.is_some_and(|f| t.executed_at < f) {
            engine.record_valid(t);
        } else {
            engine.push_valid_into(t, &mut out);
        }
    }
    Ok(out)
}

/// The results of the trades of a history executed at or after `from` (the trades before are replayed without
/// results, so that the rules' windows see them): what a service that stored the results of the earlier trades
/// computes when new ones arrive. The same results as those [`check_history`] gives for these trades.
pub fn check_history_from<'t, T: Trades + ?Sized>(
    trades: &'t T,
    rules: &RuleSet,
    ctx: &AccountContext,
    from: DateTime<Utc>,
) -> Result<Vec<CheckResult<'t>>, ComplianceError> {
    let ordered = trades.ordered()?;
    let mut engine = Engine::new(rules, ctx.clone())?;
    let mut out = Vec::new();
    for t in ordered.iter() {
        if t.executed_at < from {
            engine.record_valid(t);
        } else {
            engine.push_valid_into(t, &mut out);
        }
    }
    Ok(out)
}

/// Would `order` break a rule, given the account's `history`? Nothing is recorded.
///
/// This replays the history through a fresh [`Engine`]; a service answering many orders for an account keeps the
/// account's engine and calls [`Engine::check_order`], which costs the same whatever the length of the history.
pub fn check_order<'t, T: Trades + ?Sized>(
    history: &T,
    order: &'t Trade,
    rules: &RuleSet,
    ctx: &AccountContext,
) -> Result<Decision<'t>, ComplianceError> {
    let ordered = history.ordered()?;
    let mut engine = Engine::new(rules, ctx.clone())?;
    for t in ordered.iter() {
        engine.record_valid(t);
    }
    engine.check_order(order)
}
