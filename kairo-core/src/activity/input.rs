//! One way in for activities, under the trades' policy ([`input`](crate::input)): amounts as decimal strings,
//! integers or floats (read from their shortest round-trip text), `type` and symbols in any letter case
//! (normalised to upper case), and every field a type does not use refused by name.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{Activity, ActivityKind};
use crate::error::{ActivityError, InvalidActivity, TradeError};
use crate::input::{parse_timestamp, Amount};

/// An activity as received, before validation. Every field is optional here so that a missing one is reported by
/// name.
///
/// `date` is a date (`2024-08-15`) or a time (RFC 3339, or ISO 8601 without an offset read as UTC), whose New York
/// date is taken. Without an `id`, the id is `user_id:TYPE:date:n` with `n` the record's position given by the
/// caller ([`ActivityInput::into_activity_at`]), so a list read twice gets the same ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// The activity's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The owner.
    #[serde(default)]
    pub user_id: Option<String>,
    /// `DEPOSIT`, `WITHDRAWAL`, `DIVIDEND`, `INTEREST`, `FEE`, `TAX`, `SPLIT`, `SYMBOL_CHANGE`, `TRANSFER_IN`,
    /// `TRANSFER_OUT`, any letter case.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The date it took effect.
    #[serde(default)]
    pub date: Option<String>,
    /// The symbol.
    #[serde(default)]
    pub symbol: Option<String>,
    /// Cash.
    #[serde(default)]
    pub amount: Option<Amount>,
    /// Shares of a transfer.
    #[serde(default)]
    pub qty: Option<Amount>,
    /// New shares per old share of a split.
    #[serde(default)]
    pub ratio: Option<Amount>,
    /// Cash paid in lieu of a fractional share after a split.
    #[serde(default)]
    pub cash_in_lieu: Option<Amount>,
    /// The new symbol of a symbol change.
    #[serde(default)]
    pub new_symbol: Option<String>,
    /// The total cost basis of shares transferred in.
    #[serde(default)]
    pub cost_basis: Option<Amount>,
    /// The acquisition date of shares transferred in.
    #[serde(default)]
    pub acquired: Option<String>,
}

fn required<T>(value: Option<T>, field: &'static str) -> Result<T, ActivityError> {
    value.ok_or(ActivityError::Field(TradeError::Missing { field }))
}

fn decimal(value: Option<Amount>, field: &'static str) -> Result<Decimal, ActivityError> {
    required(value, field)?.decimal(field).map_err(ActivityError::Field)
}

fn upper(s: Option<String>) -> Option<String> {
    s.map(|mut s| {
        s.make_ascii_uppercase();
        s
    })
}

/// A date, or the New York date of a time.
fn date(field: &'static str, text: &str) -> Result<NaiveDate, ActivityError> {
    let t = text.trim();
    if let Ok(d) = t.parse::<NaiveDate>() {
        return Ok(d);
    }
    parse_timestamp(t)
        .map(|at| crate::calendar::new_york_local(at).date())
        .map_err(|_| ActivityError::InvalidDate { field, value: text.to_owned() })
}

impl ActivityInput {
    /// The validated activity (a missing id made from `user_id`, type, date and 0).
    pub fn into_activity(self) -> Result<Activity, ActivityError> {
        self.into_activity_at(0)
    }

    /// The validated activity; `position` (the record's place in its list) makes the id of a record without one.
    pub fn into_activity_at(self, position: usize) -> Result<Activity, ActivityError> {
        let user_id = required(self.user_id, "user_id")?;
        let kind_name = upper(Some(required(self.kind, "type")?)).unwrap_or_default();
        let day = date("date", &required(self.date, "date")?)?;
        let symbol = upper(self.symbol);
        let name: &'static str = ActivityKind::NAMES
            .iter()
            .find(|n| **n == kind_name)
            .ok_or_else(|| ActivityError::UnknownType { value: kind_name.clone() })?;
        // The fields each type reads; any other one given is refused.
        let uses: &[&str] = match name {
            "DEPOSIT" | "WITHDRAWAL" | "INTEREST" => &["amount"],
            "DIVIDEND" | "FEE" | "TAX" => &["symbol", "amount"],
            "SPLIT" => &["symbol", "ratio", "cash_in_lieu"],
            "SYMBOL_CHANGE" => &["symbol", "new_symbol"],
            "TRANSFER_IN" => &["symbol", "qty", "cost_basis", "acquired"],
            _ => &["symbol", "qty"],
        };
        let given = [
            ("symbol", symbol.is_some()),
            ("amount", self.amount.is_some()),
            ("qty", self.qty.is_some()),
            ("ratio", self.ratio.is_some()),
            ("cash_in_lieu", self.cash_in_lieu.is_some()),
            ("new_symbol", self.new_symbol.is_some()),
            ("cost_basis", self.cost_basis.is_some()),
            ("acquired", self.acquired.is_some()),
        ];
        if let Some((field, _)) = given.iter().find(|(f, set)| *set && !uses.contains(f)) {
            return Err(ActivityError::NotApplicable { field, kind: name });
        }
        let kind = match name {
            "DEPOSIT" => ActivityKind::Deposit { amount: decimal(self.amount, "amount")? },
            "WITHDRAWAL" => ActivityKind::Withdrawal { amount: decimal(self.amount, "amount")? },
            "INTEREST" => ActivityKind::Interest { amount: decimal(self.amount, "amount")? },
            "DIVIDEND" => {
                ActivityKind::Dividend { symbol: required(symbol, "symbol")?, amount: decimal(self.amount, "amount")? }
            }
            "FEE" => ActivityKind::Fee { symbol, amount: decimal(self.amount, "amount")? },
            "TAX" => ActivityKind::Tax { symbol, amount: decimal(self.amount, "amount")? },
            "SPLIT" => ActivityKind::Split {
                symbol: required(symbol, "symbol")?,
                ratio: decimal(self.ratio, "ratio")?,
                cash_in_lieu: match self.cash_in_lieu {
                    Some(c) => c.decimal("cash_in_lieu").map_err(ActivityError::Field)?,
                    None => Decimal::ZERO,
                },
            },
            "SYMBOL_CHANGE" => ActivityKind::SymbolChange {
                symbol: required(symbol, "symbol")?,
                new_symbol: required(upper(self.new_symbol), "new_symbol")?,
            },
            "TRANSFER_IN" => ActivityKind::TransferIn {
                symbol: required(symbol, "symbol")?,
                qty: decimal(self.qty, "qty")?,
                cost_basis: decimal(self.cost_basis, "cost_basis")?,
                acquired: match self.acquired {
                    Some(a) => date("acquired", &a)?,
                    None => day,
                },
            },
            _ => ActivityKind::TransferOut { symbol: required(symbol, "symbol")?, qty: decimal(self.qty, "qty")? },
        };
        let id = self.id.unwrap_or_else(|| format!("{user_id}:{name}:{day}:{position}"));
        Activity::new(id, user_id, day, kind)
    }
}

/// Reads a list of activities, all or nothing: the first record at fault is named by its position and id.
pub fn read_all(inputs: Vec<ActivityInput>) -> Result<Vec<Activity>, InvalidActivity> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            let id = input.id.clone();
            input.into_activity_at(i).map_err(|source| InvalidActivity { row: i, activity_id: id, source })
        })
        .collect()
}
