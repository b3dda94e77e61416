//! Which open lot a closing trade consumes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::LotError;

/// The lot-relief method: which open lot a sell (or, for shorts, a buy to cover) closes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotMethod {
    /// First in, first out: the oldest lot first (the IRS default for stocks, Pub. 550 "Identifying stock or
    /// bonds sold").
    #[default]
    Fifo,
    /// Last in, first out: the newest lot first.
    Lifo,
    /// Highest cost first: for a long position the lot with the highest cost per unit; for a short position the
    /// lot sold at the lowest net price per unit. Either way the realized gain is as small as possible.
    HighestCost,
    /// Average cost: every open lot of a position carries the position's average cost per unit (the average basis
    /// method of Treas. Reg. §1.1012-1(e)); lots are still relieved oldest first, for their holding periods.
    AverageCost,
}

impl LotMethod {
    /// `fifo`, `lifo`, `highest_cost` or `average_cost`.
    pub fn as_str(self) -> &'static str {
        match self {
            LotMethod::Fifo => "fifo",
            LotMethod::Lifo => "lifo",
            LotMethod::HighestCost => "highest_cost",
            LotMethod::AverageCost => "average_cost",
        }
    }
}

impl fmt::Display for LotMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LotMethod {
    type Err = LotError;

    /// Reads a method name in any letter case; `hifo` is accepted for highest cost and `average` for average cost.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "fifo" => Ok(LotMethod::Fifo),
            "lifo" => Ok(LotMethod::Lifo),
            "highest_cost" | "hifo" => Ok(LotMethod::HighestCost),
            "average_cost" | "average" => Ok(LotMethod::AverageCost),
            _ => Err(LotError::UnknownMethod(s.to_owned())),
        }
    }
}
