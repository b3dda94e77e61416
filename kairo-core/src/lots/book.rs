//! The streaming lot engine: open lots by user and symbol, relieved by the book's method as trades close them.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::pnl::{ClosedLot, Direction, LotReport, OpenLot, Term};
use super::pro_rata::pro_rata;
use super::{LotMethod, Split};
use crate::trade::{Side, Trade};

/// One open lot inside a position.
#[derive(Debug, Clone)]
pub(super) struct Lot {
    pub(super) trade_id: Arc<str>,
    pub(super) qty: Decimal,
    pub(super) basis: Decimal,
    /// The exact basis per unit when the opening trade paid no fees (its price): pieces are then `q × unit`, with
    /// no division.
    pub(super) unit: Option<Decimal>,
    pub(super) opened_at: DateTime<Utc>,
    pub(super) open_date: NaiveDate,
}

/// The open lots of one (user, symbol), all in one direction.
#[derive(Debug, Clone)]
pub(super) struct Book {
    pub(super) user_id: Arc<str>,
    pub(super) symbol: Arc<str>,
    pub(super) direction: Option<Direction>,
    pub(super) qty: Decimal,
    pub(super) basis: Decimal,
    pub(super) lots: VecDeque<Lot>,
}

/// A streaming lot engine: apply trades one at a time, in chronological order.
#[derive(Debug, Clone)]
pub struct LotBook {
    pub(super) method: LotMethod,
    pub(super) books: FxHashMap<String, FxHashMap<String, Book>>,
    pub(super) closed: Vec<ClosedLot>,
    pub(super) realized: Decimal,
    /// Whether closed lots are recorded (a book kept for its totals and open lots only records none).
    pub(super) keep_closed: bool,
}

impl LotBook {
    /// An empty book.
    pub fn new(method: LotMethod) -> Self {
        LotBook { method, books: FxHashMap::default(), closed: Vec::new(), realized: Decimal::ZERO, keep_closed: true }
    }

    /// An empty book that records no closed lots: its realized P&L and open lots only (what a valuation needs, at
    /// less cost for a long history).
    pub(crate) fn totals_only(method: LotMethod) -> Self {
        LotBook { keep_closed: false, ..LotBook::new(method) }
    }

    /// An empty book with room for about `closed_lots` closed lots.
    pub fn with_capacity(method: LotMethod, closed_lots: usize) -> Self {
        LotBook { closed: Vec::with_capacity(closed_lots), ..LotBook::new(method) }
    }

    /// The method of this book.
    pub fn method(&self) -> LotMethod {
        self.method
    }

    /// Applies one trade (already validated, later than or equal to every trade applied before) and returns the
    /// lots it closed.
    pub fn apply(&mut self, trade: &Trade) -> &[ClosedLot] {
        let first_new = self.closed.len();
        let method = self.method;
        let books = match self.books.get_mut(trade.user_id.as_str()) {
            Some(b) => b,
            None => self.books.entry(trade.user_id.clone()).or_default(),
        };
        let book = match books.get_mut(trade.symbol.as_str()) {
            Some(b) => b,
            None => books.entry(trade.symbol.clone()).or_insert_with(|| Book {
                user_id: Arc::from(trade.user_id.as_str()),
                symbol: Arc::from(trade.symbol.as_str()),
                direction: None,
                qty: Decimal::ZERO,
                basis: Decimal::ZERO,
                lots: VecDeque::new(),
            }),
        };
        // One shared copy of the trade's id for every lot it closes or opens.
        let trade_id: Arc<str> = Arc::from(trade.id.as_str());
        let close_date = trade.trade_date();
        let closing = match (trade.side, book.direction) {
            (Side::Sell, Some(Direction::Long)) => Some(Direction::Long),
            (Side::Buy, Some(Direction::Short)) => Some(Direction::Short),
            _ => None,
        };
        // Cash of the trade still to allocate: cost of a buy, net proceeds of a sell.
        let mut cash = match trade.side {
            Side::Buy => trade.notional() + trade.fees,
            Side::Sell => trade.notional() - trade.fees,
        };
        let mut remaining = trade.qty;
        // Without fees every piece of the trade's cash is exactly `q × price`.
        let trade_unit = if trade.fees.is_zero() { Some(trade.price) } else { None };
        if let Some(direction) = closing {
            while remaining > Decimal::ZERO && !book.lots.is_empty() {
                let idx = choose(method, direction, &book.lots);
                let lot = &mut book.lots[idx];
                let q = remaining.min(lot.qty);
                let lot_part = match (method, lot.unit) {
                    (LotMethod::AverageCost, _) => pro_rata(book.basis, q, book.qty),
                    (_, Some(unit)) if q != lot.qty => q * unit,
                    _ => pro_rata(lot.basis, q, lot.qty),
                };
                let cash_part = match trade_unit {
                    Some(unit) if q != remaining => q * unit,
                    _ => pro_rata(cash, q, remaining),
                };
                let (proceeds, basis) = match direction {
                    Direction::Long => (cash_part, lot_part),
                    Direction::Short => (lot_part, cash_part),
                };
                let realized_pnl = proceeds - basis;
                self.realized += realized_pnl;
                if self.keep_closed {
                    self.closed.push(ClosedLot {
                        user_id: book.user_id.clone(),
                        symbol: book.symbol.clone(),
                        direction,
                        open_trade_id: lot.trade_id.clone(),
                        close_trade_id: trade_id.clone(),
                        qty: q,
                        proceeds,
                        basis,
                        realized_pnl,
                        opened_at: lot.opened_at,
                        closed_at: trade.executed_at,
                        open_date: lot.open_date,
                        close_date,
                        holding_period_days: (close_date - lot.open_date).num_days(),
                        term: Term::of(direction, lot.open_date, close_date),
                    });
                }
                // Under average cost a lot's own basis is never read (the book's is), so it is left alone.
                if method != LotMethod::AverageCost {
                    lot.basis -= lot_part;
                }
                lot.qty -= q;
                if lot.qty.is_zero() {
                    book.lots.remove(idx);
                }
                book.qty -= q;
                book.basis -= lot_part;
                remaining -= q;
                cash -= cash_part;
            }
            if book.lots.is_empty() {
                book.direction = None;
                book.qty = Decimal::ZERO;
                book.basis = Decimal::ZERO;
            }
        }
        if remaining > Decimal::ZERO {
            let direction = match trade.side {
                Side::Buy => Direction::Long,
                Side::Sell => Direction::Short,
            };
            book.direction = Some(direction);
            book.qty += remaining;
            book.basis += cash;
            book.lots.push_back(Lot {
                trade_id,
                qty: remaining,
                basis: cash,
                unit: trade_unit,
                opened_at: trade.executed_at,
                open_date: close_date,
            });
        }
        &self.closed[first_new..]
    }

    /// Realized P&L so far.
    pub fn realized_pnl(&self) -> Decimal {
        self.realized
    }

    /// Lots closed so far.
    pub fn closed_lots(&self) -> &[ClosedLot] {
        &self.closed
    }

    /// The signed open quantity of `symbol` for `user_id` (> 0 long, < 0 short, 0 flat).
    pub fn position(&self, user_id: &str, symbol: &str) -> Decimal {
        match self.books.get(user_id).and_then(|b| b.get(symbol)) {
            Some(Book { direction: Some(Direction::Long), qty, .. }) => *qty,
            Some(Book { direction: Some(Direction::Short), qty, .. }) => -*qty,
            _ => Decimal::ZERO,
        }
    }

    /// The open lots, by user, symbol, then opening order.
    pub fn open_lots(&self) -> Vec<OpenLot> {
        let mut users: Vec<&String> = self.books.keys().collect();
        users.sort();
        let mut out = Vec::new();
        for user in users {
            let books = &self.books[user];
            let mut symbols: Vec<&String> = books.keys().collect();
            symbols.sort();
            for symbol in symbols {
                let book = &books[symbol];
                let Some(direction) = book.direction else { continue };
                let mut basis_left = book.basis;
                let mut qty_left = book.qty;
                for lot in &book.lots {
                    let basis = if self.method == LotMethod::AverageCost {
                        let part = pro_rata(basis_left, lot.qty, qty_left);
                        basis_left -= part;
                        qty_left -= lot.qty;
                        part
                    } else {
                        lot.basis
                    };
                    out.push(OpenLot {
                        user_id: book.user_id.clone(),
                        symbol: book.symbol.clone(),
                        trade_id: lot.trade_id.clone(),
                        direction,
                        qty: lot.qty,
                        basis,
                        unit_cost: basis / lot.qty,
                        opened_at: lot.opened_at,
                        open_date: lot.open_date,
                    });
                }
            }
        }
        out
    }

    /// Applies a stock split of `symbol` (every user's position): each open lot's quantity is multiplied by the
    /// split's ratio and its basis, a total, is unchanged, so the cost per share is divided by the ratio and a later
    /// sale realizes the same P&L as without the split. Holding periods and acquisition dates stay.
    pub fn apply_split(&mut self, split: &Split) {
        for books in self.books.values_mut() {
            let Some(book) = books.get_mut(split.symbol.as_str()) else { continue };
            book.qty *= split.ratio;
            for lot in &mut book.lots {
                lot.qty *= split.ratio;
                // the per-share price no longer prices a share exactly: pieces divide the basis instead
                lot.unit = None;
            }
        }
    }

    /// The report of everything applied so far, the book kept (the closed lots copied).
    pub fn report(&self) -> LotReport {
        LotReport {
            method: self.method,
            open_lots: self.open_lots(),
            closed_lots: self.closed.clone(),
            realized_pnl: self.realized,
        }
    }

    /// The report of everything applied so far.
    pub fn into_report(self) -> LotReport {
        LotReport {
            method: self.method,
            open_lots: self.open_lots(),
            closed_lots: self.closed,
            realized_pnl: self.realized,
        }
    }
}

/// Index of the lot to relieve next.
pub(super) fn choose(method: LotMethod, direction: Direction, lots: &VecDeque<Lot>) -> usize {
    match method {
        LotMethod::Fifo | LotMethod::AverageCost => 0,
        LotMethod::Lifo => lots.len() - 1,
        LotMethod::HighestCost => {
            let mut best = 0;
            for (i, lot) in lots.iter().enumerate() {
                // Unit costs compared without dividing: basis_a / qty_a > basis_b / qty_b ⇔
                // basis_a · qty_b > basis_b · qty_a (quantities are positive).
                let (a, b) = match (lot.basis.checked_mul(lots[best].qty), lots[best].basis.checked_mul(lot.qty)) {
                    (Some(a), Some(b)) => (a, b),
                    _ => (lot.basis / lot.qty, lots[best].basis / lots[best].qty),
                };
                let better = match direction {
                    Direction::Long => a > b,
                    Direction::Short => a < b,
                };
                if better {
                    best = i;
                }
            }
            best
        }
    }
}
