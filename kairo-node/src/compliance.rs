//! Compliance: `checkOrder` (pre-trade), `checkHistory` (batch, with an async variant), the streaming
//! `ComplianceEngine`, and the wash-sale, day-trade and PDT records. Results are the `compliance_audit` rows
//! `{ tradeId, checkName, status, reason, metadata }`; metadata is kairo-core's JSON (decimal strings, ISO dates).

use kairo_core::compliance::{
    check_history as core_check_history, check_history_with_activities, check_order as core_check_order,
    day_trades as core_day_trades, pdt_status as core_pdt_status, AccountContext, DayTradeCounting, Engine, RuleSet,
};
use kairo_core::lots::wash_sales as core_wash_sales;
use kairo_core::Trade;
use napi::bindgen_prelude::{AsyncTask, Object};
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{OrThrow, Result, TaskError};
use crate::input::{context, date, trade, trades as read_trades};
use crate::report::Js;
use crate::results::{JsDecision, Results};

/// The rule set for `checks` (every built-in check when `None`); the context was validated when it was read.
fn rules(checks: Option<Vec<String>>) -> Result<RuleSet> {
    RuleSet::for_checks(checks.as_deref()).or_throw()
}

/// Every applicable check on every trade (sorted by execution time first); with the account's `activities`, each
/// applied at the start of its date, so that the settlement checks see its cash.
#[napi(
    ts_args_type = "trades: TradeInput[], ctx?: AccountContext | null, checks?: CheckName[] | null, activities?: ActivityInput[] | null",
    ts_return_type = "Array<CheckResult>"
)]
pub fn check_history(
    trades: Vec<Object>,
    ctx: Option<Value>,
    checks: Option<Vec<String>>,
    activities: Option<Vec<Object>>,
) -> Result<Results> {
    let ctx = context(ctx)?;
    let rules = rules(checks)?;
    let trades = read_trades(&trades)?;
    let out = match activities {
        None => core_check_history(&trades, &rules, &ctx).or_throw()?,
        Some(list) => {
            let activities = crate::account::activities(&list)?;
            check_history_with_activities(&trades, &activities, &rules, &ctx).or_throw()?
        }
    };
    Results::new(&out)
}

/// The work of `checkHistoryAsync`: the input read on the calling thread (or the error reading it), checked on
/// the libuv thread pool.
pub struct CheckHistoryTask {
    input: Option<Result<(Vec<Trade>, RuleSet, AccountContext)>>,
}

impl Task for CheckHistoryTask {
    type Output = std::result::Result<Results, TaskError<kairo_core::ComplianceError>>;
    type JsValue = Results;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.input.take() {
            Some(Ok((trades, rules, ctx))) => match core_check_history(&trades, &rules, &ctx) {
                Ok(rows) => Results::new(&rows).map_err(TaskError::Js),
                Err(e) => Err(TaskError::Core(e)),
            },
            Some(Err(e)) => Err(TaskError::Js(e)),
            // `compute` runs once per task; a second call would find the input taken.
            None => Err(TaskError::Core(kairo_core::ComplianceError::InvalidConfig {
                field: "trades",
                reason: "the task ran twice".into(),
            })),
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Results> {
        output.map_err(TaskError::into_js)
    }
}

/// `checkHistory` off the event loop: a Promise of the same rows (rejected, never thrown, on bad input).
#[napi(
    ts_args_type = "trades: TradeInput[], ctx?: AccountContext | null, checks?: CheckName[] | null",
    ts_return_type = "Promise<Array<CheckResult>>"
)]
pub fn check_history_async(
    trades: Vec<Object>,
    ctx: Option<Value>,
    checks: Option<Vec<String>>,
) -> AsyncTask<CheckHistoryTask> {
    let input = context(ctx).and_then(|ctx| Ok((read_trades(&trades)?, rules(checks)?, ctx)));
    AsyncTask::new(CheckHistoryTask { input: Some(input) })
}

/// Would `order` break a rule, given the account's `history`? Nothing is recorded.
#[napi(
    ts_args_type = "history: TradeInput[], order: TradeInput, ctx?: AccountContext | null, checks?: CheckName[] | null",
    ts_return_type = "Decision"
)]
pub fn check_order(
    history: Vec<Object>,
    order: Object,
    ctx: Option<Value>,
    checks: Option<Vec<String>>,
) -> Result<JsDecision> {
    let ctx = context(ctx)?;
    let rules = rules(checks)?;
    let order = trade(&order, None)?;
    JsDecision::new(&core_check_order(&read_trades(&history)?, &order, &rules, &ctx).or_throw()?)
}

/// A streaming engine for one account: push trades in execution order; ask about an order before sending it.
/// Memory is bounded by the rules' windows, not by the history.
#[napi]
pub struct ComplianceEngine {
    engine: Engine,
}

#[napi]
impl ComplianceEngine {
    #[napi(constructor, ts_args_type = "ctx?: AccountContext | null, checks?: CheckName[] | null")]
    pub fn new(ctx: Option<Value>, checks: Option<Vec<String>>) -> Result<Self> {
        let ctx = context(ctx)?;
        let rules = rules(checks)?;
        Ok(ComplianceEngine { engine: Engine::new(&rules, ctx).or_throw()? })
    }

    /// Checks `trade`, records it, and returns its results.
    #[napi(ts_args_type = "trade: TradeInput", ts_return_type = "Array<CheckResult>")]
    pub fn push(&mut self, trade: Object) -> Result<Results> {
        let t = crate::input::trade(&trade, None)?;
        Results::new(&self.engine.push(&t).or_throw()?)
    }

    /// Records `trade` without checking it (loading history).
    #[napi(ts_args_type = "trade: TradeInput")]
    pub fn record(&mut self, trade: Object) -> Result<()> {
        let t = crate::input::trade(&trade, None)?;
        self.engine.record(&t).or_throw()
    }

    /// Would `order` break a rule now? Nothing is recorded.
    #[napi(ts_args_type = "order: TradeInput", ts_return_type = "Decision")]
    pub fn check_order(&self, order: Object) -> Result<JsDecision> {
        let t = crate::input::trade(&order, None)?;
        JsDecision::new(&self.engine.check_order(&t).or_throw()?)
    }

    /// The current signed position in `symbol`, as a decimal string.
    #[napi]
    pub fn position(&self, symbol: String) -> String {
        self.engine.position(&symbol).to_string()
    }
}

/// Wash sales (IRC §1091): one match per (loss sale, replacement lot), one entry per loss sale, and the
/// wash-sale-adjusted realized P&L.
#[napi(ts_args_type = "trades: TradeInput[]", ts_return_type = "WashSaleReport")]
pub fn wash_sales(trades: Vec<Object>) -> Result<Js<kairo_core::lots::WashSaleReport>> {
    Ok(Js(core_wash_sales(&read_trades(&trades)?).or_throw()?))
}

/// Day trades (FINRA 4210(f)(8)(B)); `counting` is `'transitions'` (FINRA's FAQ, default) or `'pairs'`.
#[napi(
    ts_args_type = "trades: TradeInput[], counting?: 'transitions' | 'pairs' | null",
    ts_return_type = "Array<DayTrade>"
)]
pub fn day_trades(trades: Vec<Object>, counting: Option<String>) -> Result<Js<Vec<kairo_core::compliance::DayTrade>>> {
    let counting = counting.unwrap_or_else(|| "transitions".into());
    let c: DayTradeCounting = counting.parse().or_throw()?;
    Ok(Js(core_day_trades(&read_trades(&trades)?, c).or_throw()?))
}

/// The pattern-day-trader test for the window of business days ending on `asOf` (`YYYY-MM-DD`).
#[napi(ts_args_type = "trades: TradeInput[], asOf: string, ctx?: AccountContext | null", ts_return_type = "PdtStatus")]
pub fn pdt_status(
    trades: Vec<Object>,
    as_of: String,
    ctx: Option<Value>,
) -> Result<Js<kairo_core::compliance::PdtStatus>> {
    let ctx = context(ctx)?;
    let as_of = date("asOf", &as_of)?;
    Ok(Js(core_pdt_status(&read_trades(&trades)?, &ctx.limits.pattern_day_trading, as_of).or_throw()?))
}

/// The names of the built-in checks, in their default order.
#[napi]
pub fn check_names() -> Vec<&'static str> {
    kairo_core::compliance::default_rules().names()
}
