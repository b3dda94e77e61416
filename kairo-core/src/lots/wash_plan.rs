//! What a trade does to one symbol's lots under the wash-sale rule, worked out before the lots change: the rule
//! answers a pre-trade check from a plan alone, and an executed trade applies the same plan
//! ([`SymbolLots`](super::wash_sale::SymbolLots)).

use rust_decimal::Decimal;
use smallvec::SmallVec;

/// A loss piece of a sale.
#[derive(Debug, Clone)]
pub(crate) struct LossPiece {
    pub(super) qty: Decimal,
    pub(super) loss: Decimal,
    pub(super) holding_days: i64,
}

/// What a sale does, worked out without changing the lots.
#[derive(Debug, Clone, Default)]
pub(crate) struct SalePlan {
    /// Long quantity sold and its realized P&L before adjustments.
    pub long_qty: Decimal,
    pub realized: Decimal,
    /// Inline up to two (a sale rarely spans more lots at a loss): planning a sale allocates nothing.
    pub(super) pieces: SmallVec<[LossPiece; 2]>,
    /// (lot index after the sale's consumption, shares, loss piece index, disallowed).
    pub(super) matches: SmallVec<[(usize, Decimal, usize, Decimal); 2]>,
    /// Lots fully consumed, and the quantity, basis and deferred loss taken from the next one.
    pub(super) consumed_lots: usize,
    pub(super) partial_qty: Decimal,
    pub(super) partial_basis: Decimal,
    pub(super) partial_deferred: Decimal,
    /// Shares opened short, and their proceeds.
    pub(super) short_qty: Decimal,
    pub(super) short_proceeds: Decimal,
    /// (pending short loss index, shares, disallowed): the short opened replaces shares of earlier covers at a
    /// loss (§1091(e)).
    pub(super) short_matches: SmallVec<[(usize, Decimal, Decimal); 2]>,
    /// Pending short losses expired by this sale's date.
    pub(super) short_expired: usize,
}

impl SalePlan {
    /// Total loss of the sale's loss pieces.
    pub fn loss(&self) -> Decimal {
        self.pieces.iter().map(|p| p.loss).sum()
    }

    /// Loss shares.
    pub fn loss_qty(&self) -> Decimal {
        self.pieces.iter().map(|p| p.qty).sum()
    }

    /// Loss disallowed by replacements bought before the sale.
    pub fn disallowed(&self) -> Decimal {
        self.matches.iter().map(|m| m.3).sum()
    }

    /// Loss of earlier covers of short positions disallowed by the short this sale opens.
    pub fn short_disallowed(&self) -> Decimal {
        self.short_matches.iter().map(|m| m.2).sum()
    }

    /// Back to an empty plan, keeping any room the vectors have.
    pub(super) fn clear(&mut self) {
        // Every field named, so that a new one cannot be forgotten here.
        let SalePlan {
            long_qty,
            realized,
            pieces,
            matches,
            consumed_lots,
            partial_qty,
            partial_basis,
            partial_deferred,
            short_qty,
            short_proceeds,
            short_matches,
            short_expired,
        } = self;
        pieces.clear();
        matches.clear();
        short_matches.clear();
        *consumed_lots = 0;
        *short_expired = 0;
        for amount in [long_qty, realized, partial_qty, partial_basis, partial_deferred, short_qty, short_proceeds] {
            *amount = Decimal::ZERO;
        }
    }
}

/// What a purchase does.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuyPlan {
    /// Shares covering a short, and the realized P&L of covering.
    pub(super) cover_qty: Decimal,
    /// The part of the purchase's cost that covers shorts.
    pub(super) cover_cost: Decimal,
    pub realized: Decimal,
    /// (pending index, shares, disallowed) matches against earlier loss sales.
    pub(super) matches: SmallVec<[(usize, Decimal, Decimal); 2]>,
    /// Pending losses expired by this purchase's date.
    pub(super) expired: usize,
    /// The loss pieces of covering short lots above their proceeds.
    pub(super) short_pieces: SmallVec<[LossPiece; 2]>,
    /// (short lot index after the cover's consumption, shares, loss piece index, disallowed): shorts opened in the
    /// 30 days before the cover and still open after it replace the covered shares (§1091(e)).
    pub(super) short_matches: SmallVec<[(usize, Decimal, usize, Decimal); 2]>,
    /// Short lots fully covered, and the quantity, proceeds and deferred loss taken from the next one.
    pub(super) consumed_shorts: usize,
    pub(super) partial_short_qty: Decimal,
    pub(super) partial_short_proceeds: Decimal,
    pub(super) partial_short_deferred: Decimal,
}

impl BuyPlan {
    /// Loss disallowed by this purchase.
    pub fn disallowed(&self) -> Decimal {
        self.matches.iter().map(|m| m.2).sum()
    }

    /// The loss of covering short lots above their proceeds.
    pub fn short_loss(&self) -> Decimal {
        self.short_pieces.iter().map(|p| p.loss).sum()
    }

    /// Shares covered at a loss.
    pub fn short_loss_qty(&self) -> Decimal {
        self.short_pieces.iter().map(|p| p.qty).sum()
    }

    /// The part of the cover's loss disallowed by shorts opened in the 30 days before it.
    pub fn short_disallowed(&self) -> Decimal {
        self.short_matches.iter().map(|m| m.3).sum()
    }

    /// Back to an empty plan, keeping any room the vectors have.
    pub(super) fn clear(&mut self) {
        let BuyPlan {
            cover_qty,
            cover_cost,
            realized,
            matches,
            expired,
            short_pieces,
            short_matches,
            consumed_shorts,
            partial_short_qty,
            partial_short_proceeds,
            partial_short_deferred,
        } = self;
        matches.clear();
        short_pieces.clear();
        short_matches.clear();
        *expired = 0;
        *consumed_shorts = 0;
        for amount in
            [cover_qty, cover_cost, realized, partial_short_qty, partial_short_proceeds, partial_short_deferred]
        {
            *amount = Decimal::ZERO;
        }
    }
}
