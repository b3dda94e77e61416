//! What lot matching reports: open lots, closed lots with their realized P&L, positions and unrealized P&L.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::LotMethod;
use crate::error::LotError;

/// Long (bought first) or short (sold first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Opened by a buy, closed by a sell.
    Long,
    /// Opened by a sell, closed by a buy.
    Short,
}

impl Direction {
    /// `long` or `short`, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Long => "long",
            Direction::Short => "short",
        }
    }
}

/// Short-term or long-term, for capital gains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// Held one year or less.
    ShortTerm,
    /// Held more than one year.
    LongTerm,
}

impl Term {
    /// `short_term` or `long_term`, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Term::ShortTerm => "short_term",
            Term::LongTerm => "long_term",
        }
    }

    /// IRS Pub. 550, "Holding Period": a long position is long-term when sold after the one-year anniversary of
    /// its acquisition (the holding period starts the day after the trade date and must exceed one year). A short
    /// sale's gain or loss is short-term (IRC §1233(b), absent substantially identical property held long-term).
    pub fn of(direction: Direction, open_date: NaiveDate, close_date: NaiveDate) -> Term {
        match direction {
            Direction::Short => Term::ShortTerm,
            Direction::Long => match open_date.checked_add_months(Months::new(12)) {
                Some(anniversary) if close_date > anniversary => Term::LongTerm,
                _ => Term::ShortTerm,
            },
        }
    }
}

/// An open lot: what remains of one opening trade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLot {
    /// Owner.
    pub user_id: Arc<str>,
    /// Ticker.
    pub symbol: Arc<str>,
    /// The opening trade.
    pub trade_id: Arc<str>,
    /// Long or short.
    pub direction: Direction,
    /// Quantity still open, > 0.
    pub qty: Decimal,
    /// For a long lot its cost (price × qty plus its share of fees); for a short lot the net proceeds of the
    /// opening sale.
    pub basis: Decimal,
    /// `basis / qty`.
    pub unit_cost: Decimal,
    /// Execution time of the opening trade.
    pub opened_at: DateTime<Utc>,
    /// Trade date of the opening trade (America/New_York).
    pub open_date: NaiveDate,
}

/// A closed lot: a quantity opened by one trade and closed by another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedLot {
    /// Owner.
    pub user_id: Arc<str>,
    /// Ticker.
    pub symbol: Arc<str>,
    /// Long or short.
    pub direction: Direction,
    /// The trade that opened the quantity.
    pub open_trade_id: Arc<str>,
    /// The trade that closed it.
    pub close_trade_id: Arc<str>,
    /// Quantity closed.
    pub qty: Decimal,
    /// Net proceeds of the sale (of the closing sell for a long, of the opening sell for a short), after fees.
    pub proceeds: Decimal,
    /// Cost of the purchase (of the opening buy for a long, of the covering buy for a short), fees included.
    pub basis: Decimal,
    /// `proceeds − basis`.
    pub realized_pnl: Decimal,
    /// Execution time of the opening trade.
    pub opened_at: DateTime<Utc>,
    /// Execution time of the closing trade.
    pub closed_at: DateTime<Utc>,
    /// Trade date of the opening trade.
    pub open_date: NaiveDate,
    /// Trade date of the closing trade.
    pub close_date: NaiveDate,
    /// Calendar days from the opening to the closing trade date.
    pub holding_period_days: i64,
    /// Short- or long-term.
    pub term: Term,
}

/// The net position in one symbol of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Owner.
    pub user_id: Arc<str>,
    /// Ticker.
    pub symbol: Arc<str>,
    /// Signed quantity: > 0 long, < 0 short.
    pub qty: Decimal,
    /// Total basis of the open lots (cost for a long, net opening proceeds for a short).
    pub basis: Decimal,
    /// `basis / |qty|`.
    pub average_cost: Decimal,
}

/// Unrealized P&L of the open lots at given prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrealizedPnl {
    /// Total over every symbol: for a long lot `qty × price − basis`, for a short lot `basis − qty × price`.
    pub total: Decimal,
    /// Per symbol.
    pub by_symbol: BTreeMap<String, Decimal>,
    /// Signed market value of the open positions, `Σ ±qty × price`.
    pub market_value: Decimal,
}

/// The result of matching a history of trades into lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotReport {
    /// The method used.
    pub method: LotMethod,
    /// Open lots, by user, symbol, then opening order.
    pub open_lots: Vec<OpenLot>,
    /// Closed lots in the order they were closed.
    pub closed_lots: Vec<ClosedLot>,
    /// Sum of the closed lots' realized P&L.
    pub realized_pnl: Decimal,
}

/// Win/loss statistics of the closed lots (quantstats' `win_rate` and `profit_factor`, applied to closed lots
/// rather than to periods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TradeStats {
    /// Closed lots.
    pub closed_lots: usize,
    /// Closed lots with a realized gain (> 0).
    pub winners: usize,
    /// Closed lots with a realized loss (< 0).
    pub losers: usize,
    /// `winners / closed_lots`; NaN with no closed lot.
    pub win_rate: f64,
    /// Sum of the gains.
    pub gross_profit: Decimal,
    /// Sum of the losses, a positive amount.
    pub gross_loss: Decimal,
    /// `gross_profit / gross_loss`; +∞ with gains and no loss, NaN with neither.
    pub profit_factor: f64,
}

impl LotReport {
    /// Win rate and profit factor over the closed lots (a lot closed at exactly zero counts in `closed_lots` but
    /// is neither a winner nor a loser).
    ///
    /// ```
    /// use kairo_core::lots::{match_lots, LotMethod};
    /// use kairo_core::{Side, Trade};
    /// use rust_decimal_macros::dec;
    /// let t = |id: &str, side, price, at: &str| Trade::new(id, "u", "X", side, dec!(1), price, at.parse().unwrap()).unwrap();
    /// let trades = [
    ///     t("1", Side::Buy, dec!(10), "2024-01-02T15:00:00Z"), t("2", Side::Sell, dec!(13), "2024-01-03T15:00:00Z"),
    ///     t("3", Side::Buy, dec!(10), "2024-01-04T15:00:00Z"), t("4", Side::Sell, dec!(9), "2024-01-05T15:00:00Z"),
    /// ];
    /// let s = match_lots(&trades, LotMethod::Fifo).unwrap().trade_stats();
    /// // one gain of 3, one loss of 1
    /// assert_eq!((s.winners, s.losers, s.win_rate, s.profit_factor), (1, 1, 0.5, 3.0));
    /// ```
    pub fn trade_stats(&self) -> TradeStats {
        let (mut winners, mut losers) = (0, 0);
        let (mut gross_profit, mut gross_loss) = (Decimal::ZERO, Decimal::ZERO);
        for lot in &self.closed_lots {
            if lot.realized_pnl > Decimal::ZERO {
                winners += 1;
                gross_profit += lot.realized_pnl;
            } else if lot.realized_pnl < Decimal::ZERO {
                losers += 1;
                gross_loss -= lot.realized_pnl;
            }
        }
        let n = self.closed_lots.len();
        let win_rate = if n == 0 { f64::NAN } else { winners as f64 / n as f64 };
        let profit = f64::try_from(gross_profit).unwrap_or(f64::NAN);
        let loss = f64::try_from(gross_loss).unwrap_or(f64::NAN);
        let profit_factor = if loss > 0.0 {
            profit / loss
        } else if profit > 0.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
        TradeStats { closed_lots: n, winners, losers, win_rate, gross_profit, gross_loss, profit_factor }
    }

    /// The net position of every (user, symbol) with open lots.
    pub fn positions(&self) -> Vec<Position> {
        let mut out: Vec<Position> = Vec::new();
        for lot in &self.open_lots {
            let signed = match lot.direction {
                Direction::Long => lot.qty,
                Direction::Short => -lot.qty,
            };
            match out.last_mut() {
                Some(p) if p.user_id == lot.user_id && p.symbol == lot.symbol => {
                    p.qty += signed;
                    p.basis += lot.basis;
                }
                _ => out.push(Position {
                    user_id: lot.user_id.clone(),
                    symbol: lot.symbol.clone(),
                    qty: signed,
                    basis: lot.basis,
                    average_cost: Decimal::ZERO,
                }),
            }
        }
        for p in &mut out {
            p.average_cost = p.basis / p.qty.abs();
        }
        out
    }

    /// Realized P&L per symbol.
    pub fn realized_by_symbol(&self) -> BTreeMap<String, Decimal> {
        let mut out = BTreeMap::new();
        for c in &self.closed_lots {
            *out.entry(c.symbol.to_string()).or_insert(Decimal::ZERO) += c.realized_pnl;
        }
        out
    }

    /// Unrealized P&L of the open lots at `prices` (symbol → price). Every symbol with open lots needs a price.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use kairo_core::lots::{match_lots, LotMethod};
    /// use kairo_core::{Side, Trade};
    /// use rust_decimal_macros::dec;
    ///
    /// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
    /// let trades = vec![
    ///     Trade::new("1", "u", "AAPL", Side::Buy, dec!(10), dec!(100), at("2024-01-02")).unwrap(),
    ///     Trade::new("2", "u", "AAPL", Side::Sell, dec!(4), dec!(110), at("2024-01-03")).unwrap(),
    /// ];
    /// let report = match_lots(&trades, LotMethod::Fifo).unwrap();
    /// assert_eq!(report.realized_pnl, dec!(40)); // 4 × (110 − 100)
    /// let u = report.unrealized(&HashMap::from([("AAPL".to_string(), dec!(105))])).unwrap();
    /// assert_eq!(u.total, dec!(30)); // 6 × (105 − 100)
    /// ```
    pub fn unrealized(&self, prices: &HashMap<String, Decimal>) -> Result<UnrealizedPnl, LotError> {
        let mut by_symbol = BTreeMap::new();
        let mut total = Decimal::ZERO;
        let mut market_value = Decimal::ZERO;
        for lot in &self.open_lots {
            let price =
                prices.get(&*lot.symbol).ok_or_else(|| LotError::MissingPrice { symbol: lot.symbol.to_string() })?;
            let value = lot.qty * price;
            let (pnl, signed_value) = match lot.direction {
                Direction::Long => (value - lot.basis, value),
                Direction::Short => (lot.basis - value, -value),
            };
            *by_symbol.entry(lot.symbol.to_string()).or_insert(Decimal::ZERO) += pnl;
            total += pnl;
            market_value += signed_value;
        }
        Ok(UnrealizedPnl { total, by_symbol, market_value })
    }
}
