//! The account a rule set is checked against, and every rule's limits, loadable from JSON or TOML so that an
//! operator can configure rules without code. `examples/compliance.toml` is a complete, commented example.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::SettlementCycle;
use crate::error::ComplianceError;

/// The largest accepted account amount (equity, settled cash, limits): 10¹⁸.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000_000;

/// Cash or margin account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    /// A cash account: purchases are paid in full with settled funds, no short sales (Regulation T §220.8).
    #[default]
    Cash,
    /// A margin account (FINRA Rule 4210 applies).
    Margin,
}

/// The account and its configuration.
///
/// ```
/// use kairo_core::compliance::{AccountContext, AccountType};
/// let ctx: AccountContext = serde_json::from_str(
///     r#"{"account_type": "margin", "equity": "30000", "restricted_symbols": ["XYZ"],
///         "limits": {"max_notional": {"max": "50000", "action": "flag"}}}"#,
/// ).unwrap();
/// assert_eq!(ctx.account_type, AccountType::Margin);
/// assert!(ctx.is_restricted("XYZ"));
/// assert_eq!(ctx.limits.pattern_day_trading.min_equity, 25000.into());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
// The derived (de)serializers are inherent functions (`remote = "Self"`); the trait impls below add validation, so
// that a context read from JSON, TOML or a binding's dict always satisfies `validate`.
#[serde(remote = "Self")]
#[serde(default, deny_unknown_fields)]
pub struct AccountContext {
    /// Cash or margin.
    pub account_type: AccountType,
    /// Account equity at the start of the checked period, when known (pattern day trading, concentration).
    pub equity: Option<Decimal>,
    /// Settled cash at the start of the checked period, when known (the cash-account rules need it).
    pub settled_cash: Option<Decimal>,
    /// The settlement cycle (by default T+1 from 28 May 2024, T+2 before).
    pub settlement: SettlementCycle,
    /// Symbols the account may not trade.
    pub restricted_symbols: BTreeSet<String>,
    /// Current market prices by symbol, the reference of the fat-finger price band (a service fills them from its
    /// market data before a pre-trade check). They apply to every trade checked, so leave them empty when checking
    /// a history: the band then uses each day's earlier fills.
    pub reference_prices: BTreeMap<String, Decimal>,
    /// Groups of symbols the wash-sale rule treats as one security (share classes such as `GOOG` and `GOOGL`, a
    /// renamed symbol): the account holder's own judgement of "substantially identical" (IRC §1091(a)); none by
    /// default, each symbol identical only to itself. See [`IdenticalSecurities`](crate::lots::IdenticalSecurities).
    pub substantially_identical: Vec<BTreeSet<String>>,
    /// Per-rule limits.
    pub limits: Limits,
}

impl<'de> Deserialize<'de> for AccountContext {
    /// Reads the context and [validates](AccountContext::validate) it: a field no rule can use is a
    /// deserialization error naming it.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ctx = AccountContext::deserialize(deserializer)?;
        ctx.validate().map_err(serde::de::Error::custom)?;
        Ok(ctx)
    }
}

impl Serialize for AccountContext {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AccountContext::serialize(self, serializer)
    }
}

impl AccountContext {
    /// The context from JSON (a binding's dict or object, a request body), validated, with the error as kairo's:
    /// a value no rule can use names its field (`limits.max_notional.max`); JSON of the wrong shape (an unknown
    /// key, a wrong type) is an `InvalidConfig` of field `ctx` saying where.
    pub fn from_json(value: serde_json::Value) -> Result<AccountContext, ComplianceError> {
        let ctx = AccountContext::deserialize(value)
            .map_err(|e| ComplianceError::InvalidConfig { field: "ctx", reason: e.to_string() })?;
        ctx.validate()?;
        Ok(ctx)
    }

    /// Whether `symbol` is on the restricted list.
    pub fn is_restricted(&self, symbol: &str) -> bool {
        self.restricted_symbols.contains(symbol)
    }

    /// Checks the account and its limits for values no rule can use (negative amounts, a zero window, amounts beyond
    /// 10¹⁸). [`Engine::new`](super::Engine::new) and the batch and pre-trade functions call it.
    pub fn validate(&self) -> Result<(), ComplianceError> {
        let l = &self.limits;
        let bad = |field: &'static str, reason: &str| {
            Err(ComplianceError::InvalidConfig { field, reason: reason.to_owned() })
        };
        let mut grouped = BTreeSet::new();
        for group in &self.substantially_identical {
            if group.len() < 2 {
                return bad("substantially_identical", "each group lists at least two symbols");
            }
            for symbol in group {
                if symbol.is_empty() || symbol.len() > 32 || *symbol != symbol.to_uppercase() {
                    return bad("substantially_identical", "symbols are 1 to 32 characters, in upper case");
                }
                if !grouped.insert(symbol.as_str()) {
                    return bad("substantially_identical", "a symbol belongs to one group only");
                }
            }
        }
        let amount_bound = Decimal::from(MAX_AMOUNT);
        if self.equity.is_some_and(|e| e < Decimal::ZERO || e > amount_bound) {
            return bad("equity", "must be between 0 and 10^18");
        }
        if self.settled_cash.is_some_and(|c| c.abs() > amount_bound) {
            return bad("settled_cash", "must be between -10^18 and 10^18");
        }
        if l.pattern_day_trading.day_trades == 0 {
            return bad("limits.pattern_day_trading.day_trades", "must be at least 1");
        }
        if !(1..=250).contains(&l.pattern_day_trading.window_days) {
            return bad("limits.pattern_day_trading.window_days", "must be between 1 and 250 business days");
        }
        if l.pattern_day_trading.min_equity < Decimal::ZERO {
            return bad("limits.pattern_day_trading.min_equity", "must not be negative");
        }
        if l.pattern_day_trading.min_share_percent < Decimal::ZERO
            || l.pattern_day_trading.min_share_percent > Decimal::ONE_HUNDRED
        {
            return bad("limits.pattern_day_trading.min_share_percent", "must be between 0 and 100");
        }
        if l.pattern_day_trading.min_equity > amount_bound {
            return bad("limits.pattern_day_trading.min_equity", "must be at most 10^18");
        }
        let c = &l.cash_account;
        if c.good_faith_violations == 0 || c.freeriding == 0 || c.cash_liquidations == 0 {
            return bad("limits.cash_account", "violation thresholds must be at least 1");
        }
        if !(1..=120).contains(&c.lookback_months) {
            return bad("limits.cash_account.lookback_months", "must be between 1 and 120");
        }
        if c.restriction_days > 3650 {
            return bad("limits.cash_account.restriction_days", "must be at most 3650");
        }
        if l.max_notional.as_ref().is_some_and(|m| m.max <= Decimal::ZERO) {
            return bad("limits.max_notional.max", "must be greater than zero");
        }
        if l.concentration.as_ref().is_some_and(|m| m.max_percent <= Decimal::ZERO) {
            return bad("limits.concentration.max_percent", "must be greater than zero");
        }
        if l.price_band.max_deviation_percent <= Decimal::ZERO {
            return bad("limits.price_band.max_deviation_percent", "must be greater than zero");
        }
        let max_price = Decimal::from(crate::trade::MAX_PRICE);
        if let Some((symbol, _)) = self.reference_prices.iter().find(|(_, p)| **p <= Decimal::ZERO || **p > max_price) {
            return Err(ComplianceError::InvalidConfig {
                field: "reference_prices",
                reason: format!("the price of {symbol} must be greater than zero and at most {max_price}"),
            });
        }
        Ok(())
    }
}

/// What a limit rule does when the limit is exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Fail the trade (a pre-trade check blocks it).
    #[default]
    Fail,
    /// Flag it for review.
    Flag,
}

impl Action {
    /// The status a result gets when the limit is exceeded.
    pub fn status(self) -> super::result::Status {
        match self {
            Action::Fail => super::result::Status::Fail,
            Action::Flag => super::result::Status::Flag,
        }
    }
}

/// Every rule's limits; each has a default, so only what differs needs configuring.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// `pattern_day_trading`.
    pub pattern_day_trading: PatternDayTrading,
    /// `good_faith_violation`, `freeriding`, `cash_liquidation`.
    pub cash_account: CashAccount,
    /// `max_notional`: absent means no limit (the rule does not apply).
    pub max_notional: Option<MaxNotional>,
    /// `concentration`: absent means no limit (the rule does not apply).
    pub concentration: Option<Concentration>,
    /// `penny_stock`.
    pub penny_stock: PennyStock,
    /// `price_band`.
    pub price_band: PriceBand,
    /// `self_match`.
    pub self_match: SelfMatch,
}

/// How several opening and closing trades of one symbol on one day are counted as day trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayTradeCounting {
    /// FINRA's convention (Regulatory Notice 21-13, examples A–F): each change from opening to closing the
    /// position is one day trade, however many executions each side has. Buy 100, buy 100, sell 200 is one.
    #[default]
    Transitions,
    /// Each (opening execution, closing execution) pair that shares quantity is one day trade, today's opening
    /// executions matched first in, first out. Buy 100, buy 100, sell 200 is two. Some brokers count this way.
    Pairs,
}

impl std::str::FromStr for DayTradeCounting {
    type Err = ComplianceError;

    /// `transitions` or `pairs`.
    ///
    /// ```
    /// use kairo_core::compliance::DayTradeCounting;
    /// assert_eq!("pairs".parse::<DayTradeCounting>().unwrap(), DayTradeCounting::Pairs);
    /// assert!("both".parse::<DayTradeCounting>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "transitions" => Ok(DayTradeCounting::Transitions),
            "pairs" => Ok(DayTradeCounting::Pairs),
            other => Err(ComplianceError::InvalidConfig {
                field: "counting",
                reason: format!("must be \"transitions\" or \"pairs\", got {other:?}"),
            }),
        }
    }
}

/// Limits of `pattern_day_trading` (FINRA Rule 4210(f)(8)(B)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatternDayTrading {
    /// Minimum equity of a pattern day trader: $25,000 (4210(f)(8)(B)(iv)).
    pub min_equity: Decimal,
    /// Day trades in the window that make a pattern day trader: 4.
    pub day_trades: u32,
    /// The window, in business days: 5.
    pub window_days: u32,
    /// Day trades must be more than this percentage of all trades in the window: 6.
    pub min_share_percent: Decimal,
    /// How day trades are counted.
    pub counting: DayTradeCounting,
    /// Last trade date the rule applies to, if any. FINRA's amended Rule 4210 replaces the pattern-day-trader
    /// framework with intraday margin standards, and brokers retired it on their own cut-over dates in 2026 (e.g.
    /// Alpaca on 6 July 2026); set the broker's last PDT date here so later trades are not checked.
    pub in_force_until: Option<chrono::NaiveDate>,
}

impl Default for PatternDayTrading {
    fn default() -> Self {
        PatternDayTrading {
            min_equity: Decimal::from(25_000),
            day_trades: 4,
            window_days: 5,
            min_share_percent: Decimal::from(6),
            counting: DayTradeCounting::Transitions,
            in_force_until: None,
        }
    }
}

/// Violation thresholds of the cash-account rules: reaching one within the lookback window restricts the account
/// to settled-cash purchases for `restriction_days` (the restriction the brokers apply; Regulation T §220.8(c) for
/// freeriding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CashAccount {
    /// Good-faith violations that restrict the account: 3.
    pub good_faith_violations: u32,
    /// FreeridingRule violations that restrict the account: 1.
    pub freeriding: u32,
    /// Cash-liquidation violations that restrict the account: 3.
    pub cash_liquidations: u32,
    /// The rolling window violations are counted in, in months: 12.
    pub lookback_months: u32,
    /// Length of the restriction, in calendar days: 90.
    pub restriction_days: u32,
    /// How purchases are funded when deciding freeriding (see [`PurchaseFunding`]): one by one (the default) or
    /// a day's purchases together.
    pub purchase_funding: PurchaseFunding,
    /// Settlement days after which a deposit's funds count as settled (0: at once). Shares bought with a deposit
    /// not yet settled and sold before it is are a good-faith violation.
    #[serde(default)]
    pub deposit_settlement_days: u32,
}

/// How the cash ledger funds a day's purchases, for freeriding: sources differ, so it is a setting
/// ([`compliance::sources`](crate::compliance::sources)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseFunding {
    /// Each purchase in time order from the settled cash and unsettled proceeds available when it is made
    /// (Regulation T §220.8(a) reads purchase by purchase): with $3,000 settled, buying X for $3,000 then Y for
    /// $1,000 leaves X paid for and Y unfunded.
    #[default]
    PerPurchase,
    /// A day's purchases taken together against the funds: the unfunded part is shared by all of the day's
    /// purchases in proportion to their cost (X and Y above are each 75 % funded), the reading of brokers that
    /// compare the day's purchases with the day's settled cash; selling X that day is then freeriding.
    DayTotal,
}

impl Default for CashAccount {
    fn default() -> Self {
        CashAccount {
            good_faith_violations: 3,
            freeriding: 1,
            cash_liquidations: 3,
            lookback_months: 12,
            restriction_days: 90,
            purchase_funding: PurchaseFunding::PerPurchase,
            deposit_settlement_days: 0,
        }
    }
}

/// Limit of `max_notional`: the largest order value (quantity × price).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxNotional {
    /// The largest allowed notional.
    pub max: Decimal,
    /// Fail (default) or flag.
    #[serde(default)]
    pub action: Action,
}

/// Limit of `concentration`: the largest position value as a percentage of account equity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concentration {
    /// The largest allowed position value, in percent of equity.
    pub max_percent: Decimal,
    /// Fail (default) or flag.
    #[serde(default)]
    pub action: Action,
}

/// Threshold of `penny_stock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PennyStock {
    /// Prices below this are flagged: $5 (SEC Rule 3a51-1).
    pub below: Decimal,
}

impl Default for PennyStock {
    fn default() -> Self {
        PennyStock { below: Decimal::from(5) }
    }
}

/// Band of `price_band`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceBand {
    /// The largest deviation from the reference price, in percent: 10.
    pub max_deviation_percent: Decimal,
}

impl Default for PriceBand {
    fn default() -> Self {
        PriceBand { max_deviation_percent: Decimal::from(10) }
    }
}

/// Window of `self_match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelfMatch {
    /// A buy and a sell at the same price this many seconds apart or less are flagged: 60.
    pub window_seconds: u32,
}

impl Default for SelfMatch {
    fn default() -> Self {
        SelfMatch { window_seconds: 60 }
    }
}
