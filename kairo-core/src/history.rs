//! An account's trades validated and put in execution order once: [`History`], and the [`Trades`] every function
//! over a history accepts (a slice, which the function validates and orders, or a `History`, already both).
//!
//! Execution order is `executed_at`, then `id` ([`Trade::chronological_key`]); input order is never trusted. A slice
//! already in that order (a store's `ORDER BY executed_at, id`) is read in place, without a copy or a sort.

use std::ops::Deref;

use crate::error::InvalidTrade;
use crate::trade::Trade;

/// Trades that passed [`Trade::validate`], in execution order. Read-only: it cannot be made invalid or unordered.
///
/// ```
/// use kairo_core::lots::{match_lots, LotMethod};
/// use kairo_core::{History, Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |s: &str| s.parse().unwrap();
/// let sell = Trade::new("s", "u", "X", Side::Sell, dec!(5), dec!(12), at("2024-03-04T15:00:00Z")).unwrap();
/// let buy = Trade::new("b", "u", "X", Side::Buy, dec!(5), dec!(10), at("2024-03-01T15:00:00Z")).unwrap();
/// let history = History::new(vec![sell, buy]).unwrap();
/// assert_eq!(history[0].id, "b"); // in execution order
/// // Every function over a history takes it without validating or sorting again.
/// assert_eq!(match_lots(&history, LotMethod::Fifo).unwrap().realized_pnl, dec!(10));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History(Vec<Trade>);

impl History {
    /// Validates every trade and sorts them into execution order (no sort when they already are).
    pub fn new(mut trades: Vec<Trade>) -> Result<Self, InvalidTrade> {
        for t in &trades {
            check(t)?;
        }
        if !in_order(&trades) {
            trades.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
        }
        Ok(History(trades))
    }

    /// The trades, in execution order.
    pub fn trades(&self) -> &[Trade] {
        &self.0
    }

    /// Adds a trade the caller knows valid and not before the last one (an engine admitted it).
    pub(crate) fn push_admitted(&mut self, trade: Trade) {
        self.0.push(trade);
    }

    /// The trades, in execution order.
    pub fn into_trades(self) -> Vec<Trade> {
        self.0
    }
}

impl Deref for History {
    type Target = [Trade];

    fn deref(&self) -> &[Trade] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a History {
    type Item = &'a Trade;
    type IntoIter = std::slice::Iter<'a, Trade>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl TryFrom<Vec<Trade>> for History {
    type Error = InvalidTrade;

    fn try_from(trades: Vec<Trade>) -> Result<Self, InvalidTrade> {
        History::new(trades)
    }
}

fn check(t: &Trade) -> Result<(), InvalidTrade> {
    t.validate().map_err(|source| InvalidTrade { trade_id: t.id.clone(), source })
}

fn in_order(trades: &[Trade]) -> bool {
    trades.is_sorted_by(|a, b| a.chronological_key() <= b.chronological_key())
}

/// Validated trades in execution order, borrowed: the input itself when it is in order, else references to it
/// sorted.
#[derive(Debug, Clone)]
pub enum Ordered<'a> {
    /// The input, already in execution order.
    InOrder(&'a [Trade]),
    /// References to the input's trades, sorted.
    Sorted(Vec<&'a Trade>),
}

impl<'a> Ordered<'a> {
    /// The trades, in execution order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Trade> + '_ {
        let (slice, refs) = match self {
            Ordered::InOrder(s) => (*s, &[][..]),
            Ordered::Sorted(v) => (&[][..], v.as_slice()),
        };
        slice.iter().chain(refs.iter().copied())
    }

    /// The number of trades.
    pub fn len(&self) -> usize {
        match self {
            Ordered::InOrder(s) => s.len(),
            Ordered::Sorted(v) => v.len(),
        }
    }

    /// Whether there is no trade.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// References to the trades, in execution order.
    pub fn to_refs(&self) -> Vec<&'a Trade> {
        self.iter().collect()
    }
}

/// What a function over an account's history accepts: a slice, array or `Vec` of trades (validated and put in
/// execution order by the call) or a [`History`] (both done when it was made).
pub trait Trades {
    /// The trades, validated, in execution order.
    fn ordered(&self) -> Result<Ordered<'_>, InvalidTrade>;
}

impl Trades for [Trade] {
    fn ordered(&self) -> Result<Ordered<'_>, InvalidTrade> {
        for t in self {
            check(t)?;
        }
        if in_order(self) {
            return Ok(Ordered::InOrder(self));
        }
        let mut refs: Vec<&Trade> = self.iter().collect();
        refs.sort_by(|a, b| a.chronological_key().cmp(&b.chronological_key()));
        Ok(Ordered::Sorted(refs))
    }
}

impl Trades for Vec<Trade> {
    fn ordered(&self) -> Result<Ordered<'_>, InvalidTrade> {
        self.as_slice().ordered()
    }
}

impl<const N: usize> Trades for [Trade; N] {
    fn ordered(&self) -> Result<Ordered<'_>, InvalidTrade> {
        self.as_slice().ordered()
    }
}

impl Trades for History {
    fn ordered(&self) -> Result<Ordered<'_>, InvalidTrade> {
        Ok(Ordered::InOrder(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Side;
    use rust_decimal_macros::dec;

    fn t(id: &str, at: &str) -> Trade {
        Trade::new(id, "u", "X", Side::Buy, dec!(1), dec!(10), at.parse().unwrap()).unwrap()
    }

    #[test]
    fn in_order_input_is_borrowed_and_other_input_sorted() {
        let sorted = [t("a", "2024-01-02T15:00:00Z"), t("b", "2024-01-02T15:00:00Z"), t("c", "2024-01-03T15:00:00Z")];
        assert!(matches!(sorted.ordered().unwrap(), Ordered::InOrder(_)));
        let shuffled = [sorted[2].clone(), sorted[1].clone(), sorted[0].clone()];
        let ordered = shuffled.ordered().unwrap();
        assert!(matches!(ordered, Ordered::Sorted(_)));
        assert_eq!(ordered.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        let history = History::new(shuffled.to_vec()).unwrap();
        assert_eq!(history.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn an_invalid_trade_is_named() {
        let mut bad = t("bad", "2024-01-02T15:00:00Z");
        bad.qty = dec!(0);
        let e = History::new(vec![t("a", "2024-01-02T15:00:00Z"), bad.clone()]).unwrap_err();
        assert_eq!(e.trade_id, "bad");
        assert_eq!(e.source.field(), "qty");
        assert_eq!([bad].ordered().unwrap_err().trade_id, "bad");
    }
}
