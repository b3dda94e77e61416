//! The account basis: the daily value of an account's cash and positions, from its trades and its activities
//! ([`activity`](crate::activity)), its time-weighted return with deposits, withdrawals and transfers of shares as
//! the external flows, and its totals ([`AccountSummary`]).
//!
//! # Formula (GIPS daily valuation)
//!
//! On each day t, `Vₜ = cashₜ + Σ qₛ · cₛ,ₜ` (positions at raw closes, shares multiplied on split ex-dates), `Iₜ`
//! the day's external inflows (deposits, shares transferred in at their market value) and `Oₜ` its outflows
//! (withdrawals, shares transferred out at their market value):
//!
//! ```text
//! PnLₜ = Vₜ − Vₜ₋₁ − Iₜ + Oₜ          rₜ = PnLₜ / (Vₜ₋₁ + Iₜ)
//! ```
//!
//! Inflows count from the start of their day (cash deposited in the morning is traded that day), outflows at its
//! end (cash withdrawn was at work until then), the two conventions of GIPS's daily valuation for flows of known
//! timing. A day whose base `Vₜ₋₁ + Iₜ` is not above zero returns 0. Dividends and interest are income, fees and
//! taxes costs, trades move cash into positions: none is a flow, all move `PnLₜ`.
//!
//! # Conventions
//!
//! * **Splits** are the price table's (corporate actions of the raw closes) and the account's `SPLIT` activities,
//!   each (symbol, ex-date) once; a split known to both with different ratios is an error. A `SPLIT` with cash in
//!   lieu rounds the position down to whole shares and adds the cash.
//! * **Dividends** are the account's `DIVIDEND` activities (cash received), not the price table's: on the account
//!   basis income is what the broker paid.
//! * **Opening cash**: an account whose history starts after it was funded gives its cash at the start
//!   ([`AccountOptions::opening_cash`]); without deposits or opening cash the account basis has no capital to
//!   return on, and the positions basis ([`twr`](crate::returns::twr)) is the one to use.

mod summary;
mod valuation;

pub use summary::{account_summary, AccountSummary};
pub use valuation::{account_twr, account_valuations, AccountDay, AccountOptions};
