//! The activity record, its kinds and their validation (the table is in the [module documentation](super)).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::error::ActivityError;
use crate::trade::{validate_symbol, validate_text, MAX_ID_BYTES, MAX_QTY};

/// The largest accepted amount of cash of one activity.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// What an activity is, with the values that kind of activity has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityKind {
    /// Cash deposited into the account.
    Deposit {
        /// The amount (> 0).
        amount: Decimal,
    },
    /// Cash withdrawn from the account.
    Withdrawal {
        /// The amount (> 0).
        amount: Decimal,
    },
    /// A cash dividend (a reinvestment is a separate purchase).
    Dividend {
        /// The symbol that paid it.
        symbol: String,
        /// The amount (≠ 0; negative when paid on a short position or reversed).
        amount: Decimal,
    },
    /// Interest on the cash (negative: margin interest charged).
    Interest {
        /// The amount (≠ 0).
        amount: Decimal,
    },
    /// A fee charged outside a fill (an account fee, an ADR fee, a regulatory fee).
    Fee {
        /// The symbol it is about, if any.
        symbol: Option<String>,
        /// The amount (> 0).
        amount: Decimal,
    },
    /// Tax withheld (e.g. on a dividend).
    Tax {
        /// The symbol it is about, if any.
        symbol: Option<String>,
        /// The amount (> 0).
        amount: Decimal,
    },
    /// A stock split (forward or reverse) on its ex-date.
    Split {
        /// The symbol.
        symbol: String,
        /// New shares per old share (> 0; 10 for a 10-for-1, 0.1 for a 1-for-10).
        ratio: Decimal,
        /// Cash paid for the fraction of a share the split left (≥ 0).
        cash_in_lieu: Decimal,
    },
    /// The symbol was renamed.
    SymbolChange {
        /// The old symbol.
        symbol: String,
        /// The new one.
        new_symbol: String,
    },
    /// Shares transferred into the account (ACATS), with their cost basis and acquisition date.
    TransferIn {
        /// The symbol.
        symbol: String,
        /// Shares (> 0).
        qty: Decimal,
        /// Their total cost basis (≥ 0).
        cost_basis: Decimal,
        /// When they were acquired (their holding period starts there).
        acquired: NaiveDate,
    },
    /// Shares transferred out of the account.
    TransferOut {
        /// The symbol.
        symbol: String,
        /// Shares (> 0).
        qty: Decimal,
    },
}

impl ActivityKind {
    /// Every type name, as the input spells them.
    pub const NAMES: [&'static str; 10] = [
        "DEPOSIT",
        "WITHDRAWAL",
        "DIVIDEND",
        "INTEREST",
        "FEE",
        "TAX",
        "SPLIT",
        "SYMBOL_CHANGE",
        "TRANSFER_IN",
        "TRANSFER_OUT",
    ];

    /// The type's name (`DEPOSIT`, `DIVIDEND`, `SYMBOL_CHANGE`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            ActivityKind::Deposit { .. } => "DEPOSIT",
            ActivityKind::Withdrawal { .. } => "WITHDRAWAL",
            ActivityKind::Dividend { .. } => "DIVIDEND",
            ActivityKind::Interest { .. } => "INTEREST",
            ActivityKind::Fee { .. } => "FEE",
            ActivityKind::Tax { .. } => "TAX",
            ActivityKind::Split { .. } => "SPLIT",
            ActivityKind::SymbolChange { .. } => "SYMBOL_CHANGE",
            ActivityKind::TransferIn { .. } => "TRANSFER_IN",
            ActivityKind::TransferOut { .. } => "TRANSFER_OUT",
        }
    }

    /// The order of activities of one date: corporate actions first (they take effect at the open of their
    /// ex-date), then transfers and cash in, then income and costs, then cash out.
    fn rank(&self) -> u8 {
        match self {
            ActivityKind::Split { .. } | ActivityKind::SymbolChange { .. } => 0,
            ActivityKind::TransferIn { .. } | ActivityKind::Deposit { .. } => 1,
            ActivityKind::Dividend { .. }
            | ActivityKind::Interest { .. }
            | ActivityKind::Fee { .. }
            | ActivityKind::Tax { .. } => 2,
            ActivityKind::TransferOut { .. } | ActivityKind::Withdrawal { .. } => 3,
        }
    }
}

/// One validated activity of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    id: String,
    user_id: String,
    date: NaiveDate,
    kind: ActivityKind,
}

impl Activity {
    /// A validated activity: ids non-empty (at most 256 bytes, no control character), symbols valid tickers,
    /// amounts, quantities and ratios within the bounds of the table in the module documentation.
    pub fn new(
        id: impl Into<String>,
        user_id: impl Into<String>,
        date: NaiveDate,
        kind: ActivityKind,
    ) -> Result<Activity, ActivityError> {
        let (id, user_id) = (id.into(), user_id.into());
        for (field, value) in [("id", &id), ("user_id", &user_id)] {
            if value.trim().is_empty() {
                return Err(ActivityError::Field(crate::error::TradeError::Empty { field }));
            }
            validate_text(field, value, MAX_ID_BYTES).map_err(ActivityError::Field)?;
        }
        validate_kind(&kind)?;
        Ok(Activity { id, user_id, date, kind })
    }

    /// The activity's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The account's owner.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The date it took effect (a split's or dividend's ex-date; the day cash moved).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// What it is.
    pub fn kind(&self) -> &ActivityKind {
        &self.kind
    }

    /// The symbol it is about, if any (the old symbol of a symbol change).
    pub fn symbol(&self) -> Option<&str> {
        match &self.kind {
            ActivityKind::Dividend { symbol, .. }
            | ActivityKind::Split { symbol, .. }
            | ActivityKind::SymbolChange { symbol, .. }
            | ActivityKind::TransferIn { symbol, .. }
            | ActivityKind::TransferOut { symbol, .. } => Some(symbol),
            ActivityKind::Fee { symbol, .. } | ActivityKind::Tax { symbol, .. } => symbol.as_deref(),
            ActivityKind::Deposit { .. } | ActivityKind::Withdrawal { .. } | ActivityKind::Interest { .. } => None,
        }
    }

    /// The activity's effect on the account's cash (signed).
    pub fn cash(&self) -> Decimal {
        match &self.kind {
            ActivityKind::Deposit { amount }
            | ActivityKind::Dividend { amount, .. }
            | ActivityKind::Interest { amount } => *amount,
            ActivityKind::Withdrawal { amount }
            | ActivityKind::Fee { amount, .. }
            | ActivityKind::Tax { amount, .. } => -*amount,
            ActivityKind::Split { cash_in_lieu, .. } => *cash_in_lieu,
            ActivityKind::SymbolChange { .. } | ActivityKind::TransferIn { .. } | ActivityKind::TransferOut { .. } => {
                Decimal::ZERO
            }
        }
    }

    /// The key activities are applied in: date, then the order of their types within a day (corporate actions,
    /// cash and shares in, income and costs, cash and shares out), then id.
    pub fn order_key(&self) -> (NaiveDate, u8, &str) {
        (self.date, self.kind.rank(), &self.id)
    }
}

/// `activities` in the order they are applied ([`Activity::order_key`]).
pub fn in_order(activities: &[Activity]) -> Vec<&Activity> {
    let mut out: Vec<&Activity> = activities.iter().collect();
    out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    out
}

fn positive(field: &'static str, value: Decimal, max: Decimal) -> Result<(), ActivityError> {
    if value <= Decimal::ZERO {
        return Err(ActivityError::NotPositive { field, value });
    }
    if value > max {
        return Err(ActivityError::Field(crate::error::TradeError::TooLarge { field, value, max }));
    }
    Ok(())
}

fn nonzero(field: &'static str, value: Decimal) -> Result<(), ActivityError> {
    if value.is_zero() {
        return Err(ActivityError::Zero { field });
    }
    if value.abs() > Decimal::from(MAX_AMOUNT) {
        return Err(ActivityError::Field(crate::error::TradeError::TooLarge {
            field,
            value,
            max: Decimal::from(MAX_AMOUNT),
        }));
    }
    Ok(())
}

fn symbol(field: &'static str, s: &str) -> Result<(), ActivityError> {
    validate_symbol(s).map_err(|e| match e {
        crate::error::TradeError::InvalidSymbol { symbol, reason } => {
            ActivityError::InvalidSymbol { field, symbol, reason }
        }
        other => ActivityError::Field(other),
    })
}

fn validate_kind(kind: &ActivityKind) -> Result<(), ActivityError> {
    let amount_max = Decimal::from(MAX_AMOUNT);
    match kind {
        ActivityKind::Deposit { amount } | ActivityKind::Withdrawal { amount } => {
            positive("amount", *amount, amount_max)
        }
        ActivityKind::Dividend { symbol: s, amount } => {
            symbol("symbol", s)?;
            nonzero("amount", *amount)
        }
        ActivityKind::Interest { amount } => nonzero("amount", *amount),
        ActivityKind::Fee { symbol: s, amount } | ActivityKind::Tax { symbol: s, amount } => {
            if let Some(s) = s {
                symbol("symbol", s)?;
            }
            positive("amount", *amount, amount_max)
        }
        ActivityKind::Split { symbol: s, ratio, cash_in_lieu } => {
            symbol("symbol", s)?;
            positive("ratio", *ratio, Decimal::from(1_000_000))?;
            if cash_in_lieu.is_sign_negative() && !cash_in_lieu.is_zero() {
                return Err(ActivityError::Negative { field: "cash_in_lieu", value: *cash_in_lieu });
            }
            Ok(())
        }
        ActivityKind::SymbolChange { symbol: s, new_symbol } => {
            symbol("symbol", s)?;
            symbol("new_symbol", new_symbol)?;
            if s == new_symbol {
                return Err(ActivityError::Unchanged);
            }
            Ok(())
        }
        ActivityKind::TransferIn { symbol: s, qty, cost_basis, .. } => {
            symbol("symbol", s)?;
            positive("qty", *qty, Decimal::from(MAX_QTY))?;
            if cost_basis.is_sign_negative() && !cost_basis.is_zero() {
                return Err(ActivityError::Negative { field: "cost_basis", value: *cost_basis });
            }
            Ok(())
        }
        ActivityKind::TransferOut { symbol: s, qty } => {
            symbol("symbol", s)?;
            positive("qty", *qty, Decimal::from(MAX_QTY))
        }
    }
}

impl Serialize for Activity {
    /// The input's shape: `{"id", "user_id", "type", "date", ...the type's fields}` with decimals as strings.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("user_id", &self.user_id)?;
        m.serialize_entry("type", self.kind.name())?;
        m.serialize_entry("date", &self.date)?;
        match &self.kind {
            ActivityKind::Deposit { amount }
            | ActivityKind::Withdrawal { amount }
            | ActivityKind::Interest { amount } => {
                m.serialize_entry("amount", amount)?;
            }
            ActivityKind::Dividend { symbol, amount } => {
                m.serialize_entry("symbol", symbol)?;
                m.serialize_entry("amount", amount)?;
            }
            ActivityKind::Fee { symbol, amount } | ActivityKind::Tax { symbol, amount } => {
                if let Some(symbol) = symbol {
                    m.serialize_entry("symbol", symbol)?;
                }
                m.serialize_entry("amount", amount)?;
            }
            ActivityKind::Split { symbol, ratio, cash_in_lieu } => {
                m.serialize_entry("symbol", symbol)?;
                m.serialize_entry("ratio", ratio)?;
                m.serialize_entry("cash_in_lieu", cash_in_lieu)?;
            }
            ActivityKind::SymbolChange { symbol, new_symbol } => {
                m.serialize_entry("symbol", symbol)?;
                m.serialize_entry("new_symbol", new_symbol)?;
            }
            ActivityKind::TransferIn { symbol, qty, cost_basis, acquired } => {
                m.serialize_entry("symbol", symbol)?;
                m.serialize_entry("qty", qty)?;
                m.serialize_entry("cost_basis", cost_basis)?;
                m.serialize_entry("acquired", acquired)?;
            }
            ActivityKind::TransferOut { symbol, qty } => {
                m.serialize_entry("symbol", symbol)?;
                m.serialize_entry("qty", qty)?;
            }
        }
        m.end()
    }
}
