//! The wash-sale windows that constrain a rebalance (IRC §1091; IRS Publication 550, "Wash Sales"): a loss on a
//! sale is disallowed when substantially identical shares are bought within 30 days before or after it. So on the
//! rebalance date a symbol
//!
//! * sold at a loss in the last 30 days must not be bought (the purchase would be the replacement of that loss);
//! * bought in the last 30 days must not be sold at a loss (that purchase would be the replacement).
//!
//! Symbols are compared as given; substantially identical securities under other symbols are the caller's to map.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::lots::{Direction, LotReport, WASH_WINDOW_DAYS};
use crate::trade::{Side, Trade};

/// For each symbol, the last day in the window of a recent purchase or loss sale (the first day after it is safe).
#[derive(Debug, Default)]
pub(super) struct WashWindows {
    /// Symbol → last day on which a loss sale would be a wash sale (the latest recent purchase + 30 days).
    pub(super) no_loss_sale_until: BTreeMap<String, NaiveDate>,
    /// Symbol → last day on which a purchase would be a wash sale (the latest recent loss sale + 30 days).
    pub(super) no_purchase_until: BTreeMap<String, NaiveDate>,
}

impl WashWindows {
    pub(super) fn new<'a>(trades: impl Iterator<Item = &'a Trade>, lots: &LotReport, as_of: NaiveDate) -> Self {
        let window = Duration::days(WASH_WINDOW_DAYS);
        let recent = |d: NaiveDate| d <= as_of && d + window >= as_of;
        let mut w = WashWindows::default();
        for t in trades.filter(|t| t.side == Side::Buy) {
            let d = t.trade_date();
            if recent(d) {
                let until = w.no_loss_sale_until.entry(t.symbol.clone()).or_insert(d + window);
                *until = (*until).max(d + window);
            }
        }
        for c in lots.closed_lots.iter().filter(|c| c.direction == Direction::Long && c.realized_pnl.is_sign_negative())
        {
            if recent(c.close_date) && !c.realized_pnl.is_zero() {
                let until = w.no_purchase_until.entry(c.symbol.to_string()).or_insert(c.close_date + window);
                *until = (*until).max(c.close_date + window);
            }
        }
        w
    }
}
