//! A complete compliance configuration: which checks run, and the account they run for.

use serde::{Deserialize, Serialize};

use crate::error::ComplianceError;

use super::context::AccountContext;
use super::rule::RuleSet;

/// A complete compliance configuration: which checks run, and the account they run for.
///
/// ```
/// use kairo_core::compliance::ComplianceConfig;
/// let config: ComplianceConfig = toml::from_str(r#"
///     checks = ["pattern_day_trading", "wash_sale"]
///     [account]
///     account_type = "margin"
///     equity = "30000"
/// "#).unwrap();
/// assert_eq!(config.rule_set().unwrap().names(), ["pattern_day_trading", "wash_sale"]);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceConfig {
    /// The checks to run, in the order of their results; absent means every built-in check.
    pub checks: Option<Vec<String>>,
    /// The account and its limits.
    pub account: AccountContext,
}

impl ComplianceConfig {
    /// The rule set the configuration names (every built-in rule when `checks` is absent), after validating the
    /// account's limits.
    pub fn rule_set(&self) -> Result<RuleSet, ComplianceError> {
        self.account.validate()?;
        RuleSet::for_checks(self.checks.as_deref())
    }
}
