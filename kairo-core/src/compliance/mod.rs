//! Compliance: rules that decide, for each trade, `pass`, `fail` or `flag`, with a reason a person can read and the
//! numbers behind it.
//!
//! A [`RuleSet`] of [`Rule`]s runs three ways with the same answers: streaming ([`Engine::push`]), batch
//! ([`check_history`]) and pre-trade ([`check_order`], [`Engine::check_order`]). Each rule keeps only what its
//! window needs, so an engine's memory does not grow with the length of the history. The account and its
//! configuration are an [`AccountContext`] (or a [`ComplianceConfig`] naming the checks too), loadable from JSON or
//! TOML.
//!
//! The built-in checks, by `check_name` ([`rules::NAMES`]): `pattern_day_trading`, `wash_sale`,
//! `good_faith_violation`, `freeriding`, `cash_liquidation`, `market_hours`, `restricted_symbol`, `max_notional`,
//! `concentration`, `short_sale_cash_account`, `penny_stock`, `price_band`, `self_match`. Each file under
//! [`rules`] documents its regulation and when it applies. A rule may answer several checks that share state
//! ([`Rule::checks`]): the three settlement checks read one cash ledger ([`rules::SettlementViolationsRule`]). Day trades ([`day_trades()`], [`pdt_status`]) and wash
//! sales ([`wash_sales`](crate::lots::wash_sales)) are also available as records. Where each rule comes from, the
//! worked examples its tests reproduce and the conventions chosen where sources differ: [`sources`].

mod config;
mod context;
pub mod day_trades;
mod engine;
mod fields;
mod metadata;
mod reason;
mod result;
mod rule;
pub mod rules;
pub mod settlement_ledger;
#[doc = include_str!("../../docs/compliance-sources.md")]
pub mod sources {}
mod text;

pub use config::ComplianceConfig;
pub use context::{
    AccountContext, AccountType, Action, CashAccount, Concentration, DayTradeCounting, Limits, MaxNotional,
    PatternDayTrading, PennyStock, PriceBand, PurchaseFunding, SelfMatch,
};
pub use day_trades::{day_trades, pdt_status, DayTrade, PdtStatus};
pub use engine::{
    check_history, check_history_from, check_history_into, check_history_with_activities,
    check_history_with_activities_from, check_order, Engine,
};
pub use metadata::{Field, Metadata};
pub use reason::Reason;
pub use result::{CheckResult, Decision, Status, Verdict};
pub use rule::{ActivityEvent, Event, Rule, RuleSet, RuleState};

/// Every built-in rule, in the order their results are reported ([`rules::NAMES`]).
pub fn default_rules() -> RuleSet {
    rules::all()
}
