//! The account a rule set is checked against, loadable from JSON or TOML so that an operator can configure rules
//! without code.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::SettlementCycle;

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
///     r#"{"account_type": "margin", "equity": "30000", "restricted_symbols": ["XYZ"]}"#,
/// ).unwrap();
/// assert_eq!(ctx.account_type, AccountType::Margin);
/// assert!(ctx.is_restricted("XYZ"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountContext {
    /// Cash or margin.
    pub account_type: AccountType,
    /// Account equity at the start of the checked period, when known.
    pub equity: Option<Decimal>,
    /// Settled cash at the start of the checked period, when known.
    pub settled_cash: Option<Decimal>,
    /// The settlement cycle (by default T+1 from 28 May 2024, T+2 before).
    pub settlement: SettlementCycle,
    /// Symbols the account may not trade.
    pub restricted_symbols: BTreeSet<String>,
}

impl AccountContext {
    /// Whether `symbol` is on the restricted list.
    pub fn is_restricted(&self, symbol: &str) -> bool {
        self.restricted_symbols.contains(symbol)
    }
}
