//! What happens to a brokerage account besides its fills: cash in and out (deposits, withdrawals), income
//! (dividends, interest), costs (stand-alone fees, taxes withheld), and corporate actions and moves of shares
//! (splits, symbol changes, transfers of shares in and out with their cost basis and acquisition date).
//!
//! An [`Activity`] is valid by construction: it is made by [`Activity::new`] or read from an [`ActivityInput`]
//! (every surface reads activities through it, under the policy of its module), and its fields are read through
//! accessors. Fills stay [`Trade`](crate::Trade)s; an account is its trades and its activities
//! ([`account`](crate::account)).
//!
//! | type | required | optional | cash effect |
//! |---|---|---|---|
//! | `DEPOSIT` | `amount` > 0 | | + amount (an external flow in) |
//! | `WITHDRAWAL` | `amount` > 0 | | − amount (an external flow out) |
//! | `DIVIDEND` | `symbol`, `amount` ≠ 0 | | + amount (income; negative: paid on a short or reversed) |
//! | `INTEREST` | `amount` ≠ 0 | | + amount (income; negative: charged) |
//! | `FEE` | `amount` > 0 | `symbol` | − amount (a cost) |
//! | `TAX` | `amount` > 0 | `symbol` | − amount (a cost, e.g. withholding on a dividend) |
//! | `SPLIT` | `symbol`, `ratio` > 0 | `cash_in_lieu` ≥ 0 | + cash in lieu; shares × ratio (rounded down to whole shares when cash is paid in lieu of the fraction) |
//! | `SYMBOL_CHANGE` | `symbol`, `new_symbol` | | none; the position, its lots and its wash-sale state move to the new symbol |
//! | `TRANSFER_IN` | `symbol`, `qty` > 0, `cost_basis` ≥ 0 | `acquired` (default: `date`) | none; shares in at their basis (an external flow in of their market value) |
//! | `TRANSFER_OUT` | `symbol`, `qty` > 0 | | none; shares out (an external flow out of their market value) |
//!
//! ```
//! use kairo_core::activity::{ActivityInput, ActivityKind};
//! let a: ActivityInput = serde_json::from_str(
//!     r#"{"user_id": "u1", "type": "dividend", "date": "2024-08-15", "symbol": "aapl", "amount": "2.50"}"#,
//! ).unwrap();
//! let a = a.into_activity().unwrap();
//! assert_eq!(a.kind().name(), "DIVIDEND");
//! assert_eq!(a.symbol(), Some("AAPL"));
//! assert_eq!(a.cash(), "2.50".parse().unwrap());
//! ```

mod input;
mod model;

pub use input::{read_all, ActivityInput};
pub use model::{in_order, Activity, ActivityKind, MAX_AMOUNT};
