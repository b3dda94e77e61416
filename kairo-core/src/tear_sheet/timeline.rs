//! The compliance results a tear sheet draws on its timeline.

use chrono::NaiveDate;
use serde::Serialize;

use crate::compliance::Status;

/// A compliance result on the timeline: its date, check and status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEvent {
    /// The trade's date.
    pub date: NaiveDate,
    /// The check (`pattern_day_trading`, `wash_sale`, ...).
    pub check: String,
    /// Flag or fail (passes are not drawn).
    pub status: Status,
}
