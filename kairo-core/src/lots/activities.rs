//! Lots through an account's activities: splits, symbol changes, and shares transferred in (with their basis and
//! acquisition date) and out (no P&L realized: the lots leave the account as they are).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::book::{choose, Book, Lot, LotBook};
use super::pro_rata::pro_rata;
use super::{Direction, LotMethod, LotReport, Split};
use crate::activity::{in_order, Activity, ActivityKind};
use crate::error::LotError;
use crate::history::Trades;

impl LotBook {
    /// Moves every user's position in `symbol`, its lots and their acquisition dates, to `new_symbol` (a symbol
    /// change); lots already held in `new_symbol` stay first. Errors when a user holds opposite positions in the two.
    pub fn rename(&mut self, activity_id: &str, symbol: &str, new_symbol: &str) -> Result<(), LotError> {
        for books in self.books.values_mut() {
            let Some(mut moved) = books.remove(symbol) else { continue };
            moved.symbol = Arc::from(new_symbol);
            match books.get_mut(new_symbol) {
                Some(held)
                    if held.direction.is_none() || moved.direction.is_none() || held.direction == moved.direction =>
                {
                    held.direction = held.direction.or(moved.direction);
                    held.qty += moved.qty;
                    held.basis += moved.basis;
                    held.lots.extend(moved.lots);
                }
                Some(_) => {
                    return Err(LotError::InvalidTransfer {
                        activity_id: activity_id.to_owned(),
                        symbol: symbol.to_owned(),
                        qty: moved.qty,
                        reason: "the account holds opposite positions in the old and the new symbol",
                    });
                }
                None => {
                    books.insert(new_symbol.to_owned(), moved);
                }
            }
        }
        Ok(())
    }

    /// Adds shares transferred in: a long lot of `qty` with total basis `cost_basis`, held since `acquired`.
    pub fn transfer_in(
        &mut self,
        activity_id: &str,
        user_id: &str,
        symbol: &str,
        qty: Decimal,
        cost_basis: Decimal,
        acquired: NaiveDate,
    ) -> Result<(), LotError> {
        let book = self.books.entry(user_id.to_owned()).or_default().entry(symbol.to_owned()).or_insert_with(|| Book {
            user_id: Arc::from(user_id),
            symbol: Arc::from(symbol),
            direction: None,
            qty: Decimal::ZERO,
            basis: Decimal::ZERO,
            lots: Default::default(),
        });
        if book.direction == Some(Direction::Short) {
            return Err(LotError::InvalidTransfer {
                activity_id: activity_id.to_owned(),
                symbol: symbol.to_owned(),
                qty,
                reason: "the account is short the symbol",
            });
        }
        book.direction = Some(Direction::Long);
        book.qty += qty;
        book.basis += cost_basis;
        book.lots.push_back(Lot {
            trade_id: Arc::from(activity_id),
            qty,
            basis: cost_basis,
            unit: None,
            opened_at: acquired.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            open_date: acquired,
        });
        Ok(())
    }

    /// Removes `qty` shares transferred out, from the lots the book's method would sell first; nothing is
    /// realized. Errors when the account holds fewer shares.
    pub fn transfer_out(
        &mut self,
        activity_id: &str,
        user_id: &str,
        symbol: &str,
        qty: Decimal,
    ) -> Result<(), LotError> {
        let method = self.method;
        let short = |reason| LotError::InvalidTransfer {
            activity_id: activity_id.to_owned(),
            symbol: symbol.to_owned(),
            qty,
            reason,
        };
        let book = self
            .books
            .get_mut(user_id)
            .and_then(|b| b.get_mut(symbol))
            .ok_or_else(|| short("the account holds none"))?;
        if book.direction != Some(Direction::Long) || book.qty < qty {
            return Err(short("the account holds fewer shares"));
        }
        let mut left = qty;
        while left > Decimal::ZERO {
            let i = choose(method, Direction::Long, &book.lots);
            let lot = &mut book.lots[i];
            let q = left.min(lot.qty);
            let basis = if method == LotMethod::AverageCost {
                pro_rata(book.basis, q, book.qty)
            } else {
                pro_rata(lot.basis, q, lot.qty)
            };
            if method != LotMethod::AverageCost {
                lot.basis -= basis;
            }
            lot.qty -= q;
            if lot.qty.is_zero() {
                book.lots.remove(i);
            }
            book.qty -= q;
            book.basis -= basis;
            left -= q;
        }
        if book.lots.is_empty() {
            book.direction = None;
            book.qty = Decimal::ZERO;
            book.basis = Decimal::ZERO;
        }
        Ok(())
    }

    /// Applies one activity: a split, a symbol change or a transfer of shares (cash activities leave the lots
    /// alone).
    pub fn apply_activity(&mut self, activity: &Activity) -> Result<(), LotError> {
        match activity.kind() {
            ActivityKind::Split { symbol, ratio, .. } => {
                self.apply_split(&Split { symbol: symbol.clone(), ex_date: activity.date(), ratio: *ratio });
                Ok(())
            }
            ActivityKind::SymbolChange { symbol, new_symbol } => self.rename(activity.id(), symbol, new_symbol),
            ActivityKind::TransferIn { symbol, qty, cost_basis, acquired } => {
                self.transfer_in(activity.id(), activity.user_id(), symbol, *qty, *cost_basis, *acquired)
            }
            ActivityKind::TransferOut { symbol, qty } => {
                self.transfer_out(activity.id(), activity.user_id(), symbol, *qty)
            }
            _ => Ok(()),
        }
    }
}

/// [`match_lots`](super::match_lots) through the account's activities and the splits of its prices: on each date,
/// the splits (each (symbol, ex-date) once, from either source) and the activities apply before the day's trades.
///
/// ```
/// use kairo_core::activity::{Activity, ActivityKind};
/// use kairo_core::lots::{match_lots_with_activities, LotMethod};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let d = |s: &str| s.parse().unwrap();
/// // 10 shares of FB transferred in (basis $1,800, bought 2019-03-01), renamed META, 4 sold at $300
/// let activities = [
///     Activity::new("t", "u", d("2021-01-04"), ActivityKind::TransferIn {
///         symbol: "FB".into(), qty: dec!(10), cost_basis: dec!(1800), acquired: d("2019-03-01") }).unwrap(),
///     Activity::new("c", "u", d("2022-06-09"), ActivityKind::SymbolChange {
///         symbol: "FB".into(), new_symbol: "META".into() }).unwrap(),
/// ];
/// let sale = Trade::new("s", "u", "META", Side::Sell, dec!(4), dec!(300), "2022-07-01T15:00:00Z".parse().unwrap()).unwrap();
/// let r = match_lots_with_activities(&[sale], LotMethod::Fifo, &activities, &[]).unwrap();
/// assert_eq!(r.realized_pnl, dec!(480)); // 4 × 300 − 4 × 180
/// assert_eq!(r.closed_lots[0].open_date, d("2019-03-01"));
/// assert_eq!(r.open_lots[0].qty, dec!(6));
/// ```
pub fn match_lots_with_activities<T: Trades + ?Sized>(
    trades: &T,
    method: LotMethod,
    activities: &[Activity],
    splits: &[Split],
) -> Result<LotReport, LotError> {
    let splits = super::split::in_order(splits)?;
    let ordered = trades.ordered()?;
    let activities = in_order(activities);
    // The price table's splits the activities do not already hold.
    let known = |s: &Split| {
        activities.iter().any(|a| {
            a.date() == s.ex_date && matches!(a.kind(), ActivityKind::Split { symbol, .. } if *symbol == s.symbol)
        })
    };
    let splits: Vec<&Split> = splits.into_iter().filter(|s| !known(s)).collect();
    let mut splits = splits.into_iter().peekable();
    let mut activities = activities.into_iter().peekable();
    let mut book = LotBook::with_capacity(method, ordered.len());
    let mut until = |book: &mut LotBook, date: Option<NaiveDate>| -> Result<(), LotError> {
        loop {
            let s = splits.peek().map(|s| s.ex_date).filter(|d| date.is_none_or(|t| *d <= t));
            let a = activities.peek().map(|a| a.date()).filter(|d| date.is_none_or(|t| *d <= t));
            match (s, a) {
                (Some(sd), Some(ad)) if sd <= ad => book.apply_split(splits.next().unwrap_or_else(|| unreachable!())),
                (Some(_), None) => book.apply_split(splits.next().unwrap_or_else(|| unreachable!())),
                (_, Some(_)) => book.apply_activity(activities.next().unwrap_or_else(|| unreachable!()))?,
                (None, None) => return Ok(()),
            }
        }
    };
    for t in ordered.iter() {
        until(&mut book, Some(t.trade_date()))?;
        book.apply(t);
    }
    until(&mut book, None)?;
    Ok(book.into_report())
}
