//! Tax lots and realized / unrealized P&L.
//!
//! Trades are applied in chronological order (`executed_at`, then `id`; input order is never trusted). A buy opens
//! or adds to a long position, or covers a short; a sell closes long lots, and a sell beyond the long quantity
//! opens a short with the rest (a buy beyond a short likewise flips it long). Fees go into the basis of a buy and
//! come off the proceeds of a sell; a trade that is split across lots shares its cash pro rata by quantity, the
//! last piece taking the remainder, so that basis and proceeds are conserved to the last decimal place.
//!
//! [`match_lots`] runs a whole history; [`LotBook`] takes one trade at a time for streaming use;
//! [`match_lots_with_splits`] applies stock splits on their ex-dates.

mod accounts;
mod activities;
mod book;
mod fields;
mod identical;
mod method;
mod pnl;
mod pro_rata;
mod split;
mod wash_book;
mod wash_plan;
mod wash_report;
mod wash_sale;
mod wash_tracker;

pub use accounts::{wash_sales_across, AccountLoss, AccountMatch, AccountTrades, AccountWashSales, TaxTreatment};
pub use activities::match_lots_with_activities;
pub use book::LotBook;
pub use identical::IdenticalSecurities;
pub use method::LotMethod;
pub use pnl::{ClosedLot, Direction, LotReport, OpenLot, Position, Term, TradeStats, UnrealizedPnl};
pub(crate) use pro_rata::pro_rata;
pub use split::Split;
pub(crate) use wash_plan::{BuyPlan, SalePlan};
pub use wash_report::{LossSale, WashSaleMatch, WashSaleReport, WASH_WINDOW_DAYS};
pub(crate) use wash_sale::SymbolLots;
pub use wash_tracker::{wash_sales, wash_sales_with, wash_sales_with_activities, wash_sales_with_splits, WashTracker};

use crate::error::LotError;
use crate::history::Trades;
use crate::trade::Trade;

/// Matches a history of trades into lots with `method`.
///
/// ```
/// use kairo_core::lots::{match_lots, Direction, LotMethod};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// let trades = vec![
///     Trade::new("b1", "u", "MSFT", Side::Buy, dec!(10), dec!(300), at("2024-01-02")).unwrap(),
///     Trade::new("b2", "u", "MSFT", Side::Buy, dec!(10), dec!(320), at("2024-01-03")).unwrap(),
///     Trade::new("s1", "u", "MSFT", Side::Sell, dec!(15), dec!(330), at("2024-01-04")).unwrap(),
/// ];
/// let fifo = match_lots(&trades, LotMethod::Fifo).unwrap();
/// assert_eq!(fifo.realized_pnl, dec!(350)); // 10 × 30 + 5 × 10
/// let lifo = match_lots(&trades, LotMethod::Lifo).unwrap();
/// assert_eq!(lifo.realized_pnl, dec!(250)); // 10 × 10 + 5 × 30
/// assert_eq!(&*lifo.open_lots[0].trade_id, "b1");
/// assert_eq!(lifo.open_lots[0].direction, Direction::Long);
/// ```
pub fn match_lots<T: Trades + ?Sized>(trades: &T, method: LotMethod) -> Result<LotReport, LotError> {
    let ordered = trades.ordered()?;
    Ok(lots_in_order(ordered.iter(), Some(ordered.len()), method, &[]))
}

/// [`match_lots`] with the stock splits of the traded symbols applied on their ex-dates (before the trades of that
/// day, and those after the last trade at the end), so that quantities and costs per share are in today's shares
/// while every basis and realized P&L stays what was paid and received.
///
/// ```
/// use std::collections::HashMap;
/// use kairo_core::lots::{match_lots_with_splits, LotMethod, Split};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// // 2 NVDA bought at $481.00 before the 10-for-1 split of 2024-06-10, valued at $154.46 a share today:
/// // 20 × 154.46 − 962.00 = +2,127.20.
/// let buy = Trade::new("b", "u", "NVDA", Side::Buy, dec!(2), dec!(481), "2024-06-03T15:00:00Z".parse().unwrap()).unwrap();
/// let split = Split { symbol: "NVDA".into(), ex_date: "2024-06-10".parse().unwrap(), ratio: dec!(10) };
/// let report = match_lots_with_splits(&[buy], LotMethod::Fifo, &[split]).unwrap();
/// assert_eq!(report.open_lots[0].qty, dec!(20));
/// let prices = HashMap::from([("NVDA".to_owned(), dec!(154.46))]);
/// assert_eq!(report.unrealized(&prices).unwrap().total, dec!(2127.20));
/// ```
pub fn match_lots_with_splits<T: Trades + ?Sized>(
    trades: &T,
    method: LotMethod,
    splits: &[Split],
) -> Result<LotReport, LotError> {
    let splits = split::in_order(splits)?;
    let ordered = trades.ordered()?;
    Ok(lots_in_order(ordered.iter(), Some(ordered.len()), method, &splits))
}

/// [`match_lots_with_splits`] over trades already validated and in execution order, with splits checked and in
/// ex-date order; `len` is the number of trades, or `None` for a report without its closed lots (realized P&L and
/// open lots only).
pub(crate) fn lots_in_order<'a>(
    trades: impl Iterator<Item = &'a Trade>,
    len: Option<usize>,
    method: LotMethod,
    splits: &[&Split],
) -> LotReport {
    let mut next = splits.iter().peekable();
    let mut book = match len {
        Some(len) => LotBook::with_capacity(method, len),
        None => LotBook::totals_only(method),
    };
    for t in trades {
        while let Some(split) = next.next_if(|s| s.ex_date <= t.trade_date()) {
            book.apply_split(split);
        }
        book.apply(t);
    }
    for split in next {
        book.apply_split(split);
    }
    book.into_report()
}
