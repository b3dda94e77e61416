//! What a check says about a trade: one [`CheckResult`] per (trade, check), as the `compliance_audit` table stores.

use serde::{Deserialize, Serialize};

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The trade satisfies the rule.
    Pass,
    /// The trade breaks the rule (a pre-trade check blocks it).
    Fail,
    /// The trade is allowed but needs attention (a warning, a designation, a review).
    Flag,
}

impl Status {
    /// `pass`, `fail` or `flag`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Flag => "flag",
        }
    }
}

/// The result of one check on one trade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The trade checked.
    pub trade_id: String,
    /// The stable name of the check (`market_hours`, `restricted_symbol`, ...).
    pub check_name: String,
    /// Pass, fail or flag.
    pub status: Status,
    /// A sentence a support agent can show the user.
    pub reason: String,
    /// The numbers behind the decision, and the rule reference.
    pub metadata: serde_json::Value,
}

impl CheckResult {
    /// A result for `trade_id` from check `check_name`.
    pub fn new(
        trade_id: impl Into<String>,
        check_name: &str,
        status: Status,
        reason: impl Into<String>,
        metadata: serde_json::Value,
    ) -> Self {
        CheckResult {
            trade_id: trade_id.into(),
            check_name: check_name.to_owned(),
            status,
            reason: reason.into(),
            metadata,
        }
    }
}

/// The answer of a pre-trade check: may the order go to the broker?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `false` when any check failed.
    pub allowed: bool,
    /// Every check's result for the order.
    pub results: Vec<CheckResult>,
}

impl Decision {
    /// A decision from results: allowed unless one of them failed.
    pub fn from_results(results: Vec<CheckResult>) -> Self {
        Decision { allowed: results.iter().all(|r| r.status != Status::Fail), results }
    }
}
