//! `pattern_day_trading` (FINRA Rule 4210(f)(8)(B)): in a margin account, each trade that completes a day trade is
//! checked against the pattern-day-trader test over the last five business days (see
//! [`day_trades`](crate::compliance::day_trades) for the definitions and the two counting conventions).
//!
//! - not a day trade: pass;
//! - a day trade that leaves the account below the pattern-day-trader test: pass, with the counts;
//! - a day trade that makes (or keeps) the account a pattern day trader: flag, or **fail** when the account's
//!   equity is known and below `limits.pattern_day_trading.min_equity` ($25,000, 4210(f)(8)(B)(iv)).
//!
//! Applies to every trade in margin accounts up to `limits.pattern_day_trading.in_force_until` (when set); cash
//! accounts cannot be pattern day traders (their day trading is limited by settled cash, see
//! `good_faith_violation`). FINRA's amendments to Rule 4210 replace the pattern-day-trader designation with
//! intraday margin standards; brokers moved over in 2026 on their own dates, so an operator sets
//! `in_force_until` to the broker's last PDT date, and the rule keeps answering for history before it.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use std::fmt::Write as _;

use crate::compliance::day_trades::{DayTrade, DayTradeCounter, Exec, PdtStatus};
use crate::compliance::{AccountContext, AccountType, Event, Metadata, Reason, Rule, RuleState, Status, Verdict};

/// The `pattern_day_trading` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct PatternDayTradingRule;

const REFERENCE: &str = "FINRA Rule 4210(f)(8)(B)";

impl Rule for PatternDayTradingRule {
    fn name(&self) -> &'static str {
        "pattern_day_trading"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(PdtState { counter: DayTradeCounter::new(&ctx.limits.pattern_day_trading), scratch: Vec::new() })
    }
}

struct PdtState {
    counter: DayTradeCounter,
    scratch: Vec<DayTrade>,
}

fn exec<'a>(ev: &'a Event<'a>) -> Exec<'a> {
    Exec {
        id: ev.id,
        symbol: &ev.trade.symbol,
        side: ev.trade.side,
        qty: ev.trade.qty,
        date: ev.date,
        position: ev.position,
    }
}

fn verdict(new: &[DayTrade], s: &PdtStatus, ctx: &AccountContext) -> Verdict {
    let limits = &ctx.limits.pattern_day_trading;
    if new.is_empty() {
        let meta = Metadata::with_capacity(2)
            .with("day_trades_in_window", s.day_trades_in_window)
            .with("total_trades_in_window", s.total_trades_in_window);
        return Verdict::pass("Not a day trade.", meta);
    }
    let mut meta = Metadata::with_capacity(9)
        .with("day_trades_in_window", s.day_trades_in_window)
        .with("total_trades_in_window", s.total_trades_in_window)
        .with("window_start", s.window_start)
        .with("window_end", s.window_end)
        .with("is_pattern_day_trader", s.is_pattern_day_trader);
    meta.insert("day_trades", new.len());
    meta.insert("open_trade_ids", new.iter().map(|d| d.open_trade_id.clone()).collect::<Vec<_>>());
    meta.insert("equity", ctx.equity);
    meta.insert("rule", REFERENCE);
    let (s, limits, equity) = (s.clone(), limits.clone(), ctx.equity);
    let status = match equity {
        _ if !s.is_pattern_day_trader => Status::Pass,
        Some(equity) if equity < limits.min_equity => Status::Fail,
        _ => Status::Flag,
    };
    let reason = Reason::later(move |_| {
        // The window sentence, then the rest.
        let mut reason = String::with_capacity(224);
        reason.push_str(if status == Status::Pass { "A day trade: " } else { "This day trade makes " });
        let _ = write!(
            reason,
            "{} day trades in the {} business days from {} to {} ({} trades in all)",
            s.day_trades_in_window, limits.window_days, s.window_start, s.window_end, s.total_trades_in_window
        );
        let _ = match (status, equity) {
            (Status::Pass, _) => write!(
                reason,
                "; {} or more (over {}% of trades) make a pattern day trader.",
                limits.day_trades, limits.min_share_percent
            ),
            (Status::Fail, Some(equity)) => write!(
                reason,
                ": a pattern day trader, who needs at least ${} of equity; the account has ${equity}.",
                limits.min_equity
            ),
            _ => write!(
                reason,
                ": the account is a pattern day trader and must keep at least ${} of equity.",
                limits.min_equity
            ),
        };
        reason
    });
    Verdict::new(status, reason, meta)
}

fn applies(ev: &Event<'_>, ctx: &AccountContext) -> bool {
    ctx.account_type == AccountType::Margin
        && ctx.limits.pattern_day_trading.in_force_until.is_none_or(|until| ev.date <= until)
}

impl RuleState for PdtState {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        if !applies(ev, ctx) {
            return None;
        }
        let new = self.counter.preview(ev.symbol, exec(ev));
        let n = u32::try_from(new.len()).unwrap_or(u32::MAX);
        let summary = self.counter.summary(ev.date, n, 1, &ctx.limits.pattern_day_trading);
        Some(verdict(&new, &summary, ctx))
    }

    fn record(&mut self, ev: &Event<'_>, ctx: &AccountContext) {
        if applies(ev, ctx) {
            self.counter.push(ev.symbol, exec(ev), &mut self.scratch);
            self.scratch.clear();
        }
    }

    fn push(&mut self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        if !applies(ev, ctx) {
            return None;
        }
        self.scratch.clear();
        self.counter.push(ev.symbol, exec(ev), &mut self.scratch);
        let summary = self.counter.summary(ev.date, 0, 0, &ctx.limits.pattern_day_trading);
        let v = verdict(&self.scratch, &summary, ctx);
        self.scratch.clear();
        Some(v)
    }
}
