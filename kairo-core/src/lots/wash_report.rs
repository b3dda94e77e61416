//! What the wash-sale rule reports: each (loss, replacement) pair, each loss, and the adjusted P&L
//! ([`wash_sales`](super::wash_sales)).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::pnl::Direction;

/// Days before and after a loss sale in which a purchase washes it.
pub const WASH_WINDOW_DAYS: i64 = 30;

/// One (loss sale, replacement lot) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WashSaleMatch {
    /// The sale at a loss.
    pub loss_trade_id: Arc<str>,
    /// The purchase whose shares replace the shares sold.
    pub replacement_trade_id: Arc<str>,
    /// Shares matched.
    pub qty: Decimal,
    /// Loss disallowed on those shares.
    pub disallowed_loss: Decimal,
    /// Added to the basis of the replacement shares (equal to the disallowed loss).
    pub basis_adjustment: Decimal,
    /// Days of the sold shares' holding period added to the replacement shares'.
    pub holding_period_days_added: i64,
    /// `long`: a sale at a loss replaced by a purchase; `short`: a cover at a loss replaced by a short sale.
    pub direction: Direction,
}

/// One sale at a loss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossSale {
    /// The sale.
    pub trade_id: Arc<str>,
    /// The security.
    pub symbol: String,
    /// Trade date of the sale.
    pub date: NaiveDate,
    /// Shares sold at a loss.
    pub qty: Decimal,
    /// The loss (positive) before the wash-sale rule.
    pub loss: Decimal,
    /// The part of the loss disallowed.
    pub disallowed_loss: Decimal,
    /// The part of the loss that remains deductible.
    pub allowed_loss: Decimal,
    /// `long`: a sale of shares held; `short`: a purchase covering a short position.
    pub direction: Direction,
}

/// Everything the wash-sale rule changes in a history.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WashSaleReport {
    /// Every (loss sale, replacement) pair, in the order they were found.
    pub matches: Vec<WashSaleMatch>,
    /// Every sale at a loss, in execution order.
    pub losses: Vec<LossSale>,
    /// Realized P&L by symbol after the wash-sale rule (FIFO lots).
    pub realized_by_symbol: BTreeMap<String, Decimal>,
    /// Disallowed losses sitting in the basis of lots still open, by symbol (deducted when those lots are sold).
    pub deferred_by_symbol: BTreeMap<String, Decimal>,
}

impl WashSaleReport {
    /// Total realized P&L after the wash-sale rule.
    pub fn realized_pnl(&self) -> Decimal {
        self.realized_by_symbol.values().sum()
    }

    /// Total disallowed loss.
    pub fn disallowed_loss(&self) -> Decimal {
        self.losses.iter().map(|l| l.disallowed_loss).sum()
    }
}
