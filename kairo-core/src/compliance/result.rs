//! What a check says about a trade: one [`CheckResult`] per (trade, check), as the `compliance_audit` table stores.

use std::borrow::Cow;
use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::metadata::Metadata;
use super::reason::Reason;

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

/// What a rule decides about one trade; the engine adds the trade id and the rule's name to make a [`CheckResult`].
#[derive(Clone)]
pub struct Verdict {
    /// Pass, fail or flag.
    pub status: Status,
    /// A sentence a support agent can show the user ([`Verdict::reason_text`] reads it).
    pub reason: Reason,
    /// The numbers behind the decision, and the rule reference.
    pub metadata: Metadata,
}

impl Verdict {
    /// A verdict.
    #[inline]
    pub fn new(status: Status, reason: impl Into<Reason>, metadata: Metadata) -> Self {
        Verdict { status, reason: reason.into(), metadata }
    }

    /// A pass.
    #[inline]
    pub fn pass(reason: impl Into<Reason>, metadata: Metadata) -> Self {
        Verdict::new(Status::Pass, reason, metadata)
    }

    /// A flag.
    #[inline]
    pub fn flag(reason: impl Into<Reason>, metadata: Metadata) -> Self {
        Verdict::new(Status::Flag, reason, metadata)
    }

    /// A failure.
    #[inline]
    pub fn fail(reason: impl Into<Reason>, metadata: Metadata) -> Self {
        Verdict::new(Status::Fail, reason, metadata)
    }

    /// The reason's sentence.
    pub fn reason_text(&self) -> Cow<'_, str> {
        self.reason.text(&self.metadata)
    }
}

impl PartialEq for Verdict {
    /// Equal status, metadata and sentence.
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.metadata == other.metadata && self.reason_text() == other.reason_text()
    }
}

impl fmt::Debug for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verdict")
            .field("status", &self.status)
            .field("reason", &self.reason_text())
            .field("metadata", &self.metadata)
            .finish()
    }
}

/// The result of one check on one trade: a row of the `compliance_audit` table.
///
/// Serializes as `{"trade_id", "check_name", "status", "reason", "metadata"}` with `metadata` a JSON object.
///
/// A result borrows its trade's id from the trade checked (`'t`): a batch gives a dozen results per trade, millions
/// in all, and a borrowed id costs neither a copy nor a shared count per result. [`CheckResult::into_owned`] makes
/// a result that outlives the trade. Its sentence is written when read ([`CheckResult::reason`]; see [`Reason`]).
#[derive(Clone)]
pub struct CheckResult<'t> {
    /// The trade checked.
    pub trade_id: Cow<'t, str>,
    /// The stable name of the check (`market_hours`, `restricted_symbol`, ...).
    pub check_name: &'static str,
    /// Pass, fail or flag.
    pub status: Status,
    reason: Reason,
    /// The numbers behind the decision, and the rule reference.
    pub metadata: Metadata,
}

impl<'t> CheckResult<'t> {
    /// The result of check `check_name` on trade `trade_id`.
    #[inline]
    pub fn new(trade_id: impl Into<Cow<'t, str>>, check_name: &'static str, verdict: Verdict) -> Self {
        let trade_id = trade_id.into();
        CheckResult { trade_id, check_name, status: verdict.status, reason: verdict.reason, metadata: verdict.metadata }
    }

    /// A sentence a support agent can show the user.
    pub fn reason(&self) -> Cow<'_, str> {
        self.reason.text(&self.metadata)
    }

    /// The result with its own copy of the trade id, free of the trade it was computed from.
    pub fn into_owned(self) -> CheckResult<'static> {
        let CheckResult { trade_id, check_name, status, reason, metadata } = self;
        CheckResult { trade_id: Cow::Owned(trade_id.into_owned()), check_name, status, reason, metadata }
    }
}

impl PartialEq for CheckResult<'_> {
    /// Equal trade, check, status, metadata and sentence.
    fn eq(&self, other: &Self) -> bool {
        self.trade_id == other.trade_id
            && self.check_name == other.check_name
            && self.status == other.status
            && self.metadata == other.metadata
            && self.reason() == other.reason()
    }
}

impl fmt::Debug for CheckResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckResult")
            .field("trade_id", &self.trade_id)
            .field("check_name", &self.check_name)
            .field("status", &self.status)
            .field("reason", &self.reason())
            .field("metadata", &self.metadata)
            .finish()
    }
}

impl Serialize for CheckResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut row = s.serialize_struct("CheckResult", 5)?;
        row.serialize_field("trade_id", &self.trade_id)?;
        row.serialize_field("check_name", self.check_name)?;
        row.serialize_field("status", &self.status)?;
        row.serialize_field("reason", &self.reason())?;
        row.serialize_field("metadata", &self.metadata)?;
        row.end()
    }
}

/// The answer of a pre-trade check: may the order go to the broker?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision<'t> {
    /// `false` when any check failed.
    pub allowed: bool,
    /// Every check's result for the order.
    pub results: Vec<CheckResult<'t>>,
}

impl<'t> Decision<'t> {
    /// A decision from results: allowed unless one of them failed.
    pub fn from_results(results: Vec<CheckResult<'t>>) -> Self {
        Decision { allowed: results.iter().all(|r| r.status != Status::Fail), results }
    }
}
