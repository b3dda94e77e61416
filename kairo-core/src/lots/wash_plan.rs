//! What a trade does to one security's lots under the wash-sale rule, worked out before the lots change: the rule
//! answers a pre-trade check from a plan alone, and an executed trade applies the same plan
//! ([`SymbolLots`](super::wash_sale::SymbolLots)). A trade closes lots on one side (a sale closes long lots, a
//! purchase covers short ones) and opens a position on the other with what is left; both halves are planned the
//! same way for either side.

use rust_decimal::Decimal;
use smallvec::SmallVec;

/// A piece of a closed lot closed at a loss.
#[derive(Debug, Clone)]
pub(crate) struct LossPiece {
    pub(super) qty: Decimal,
    pub(super) loss: Decimal,
    pub(super) holding_days: i64,
}

/// (lot index after the closing's consumption, shares, loss piece index, disallowed loss).
pub(super) type Replacement = (usize, Decimal, usize, Decimal);

/// Closing lots: the shares closed, their realized P&L, the pieces closed at a loss and the open lots replacing
/// them. Inline up to two pieces and two matches (a trade rarely spans more): planning allocates nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClosePlan {
    /// Shares closed, and the part of the trade's amount they took.
    pub(super) qty: Decimal,
    pub(super) amount: Decimal,
    pub(super) realized: Decimal,
    pub(super) pieces: SmallVec<[LossPiece; 2]>,
    pub(super) matches: SmallVec<[Replacement; 2]>,
    /// Lots fully closed, and the quantity, amount and deferred loss taken from the next one.
    pub(super) consumed: usize,
    pub(super) partial_qty: Decimal,
    pub(super) partial_amount: Decimal,
    pub(super) partial_deferred: Decimal,
}

impl ClosePlan {
    /// The loss of the pieces closed at a loss.
    pub fn loss(&self) -> Decimal {
        self.pieces.iter().map(|p| p.loss).sum()
    }

    /// Shares closed at a loss.
    pub fn loss_qty(&self) -> Decimal {
        self.pieces.iter().map(|p| p.qty).sum()
    }

    /// Loss disallowed by open replacement lots.
    pub fn disallowed(&self) -> Decimal {
        self.matches.iter().map(|m| m.3).sum()
    }

    fn clear(&mut self) {
        // Every field named, so that a new one cannot be forgotten here.
        let ClosePlan {
            qty,
            amount,
            realized,
            pieces,
            matches,
            consumed,
            partial_qty,
            partial_amount,
            partial_deferred,
        } = self;
        pieces.clear();
        matches.clear();
        *consumed = 0;
        for x in [qty, amount, realized, partial_qty, partial_amount, partial_deferred] {
            *x = Decimal::ZERO;
        }
    }
}

/// Opening a position: the waiting losses of earlier closings on its side that it replaces (pending index,
/// shares, disallowed loss), and the waiting losses expired by its date.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpenPlan {
    pub(super) matches: SmallVec<[(usize, Decimal, Decimal); 2]>,
    pub(super) expired: usize,
}

impl OpenPlan {
    /// Loss of earlier closings disallowed by this opening.
    pub fn disallowed(&self) -> Decimal {
        self.matches.iter().map(|m| m.2).sum()
    }

    fn clear(&mut self) {
        self.matches.clear();
        self.expired = 0;
    }
}

/// What a sale does: long lots closed, then a short opened with the rest (`short_qty`, `short_proceeds`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SalePlan {
    pub(super) close: ClosePlan,
    pub(super) open: OpenPlan,
    pub(super) short_qty: Decimal,
    pub(super) short_proceeds: Decimal,
}

impl SalePlan {
    /// Realized P&L of the long lots sold, before wash-sale adjustments.
    pub fn realized(&self) -> Decimal {
        self.close.realized
    }

    /// Total loss of the sale's loss pieces.
    pub fn loss(&self) -> Decimal {
        self.close.loss()
    }

    /// Loss shares.
    pub fn loss_qty(&self) -> Decimal {
        self.close.loss_qty()
    }

    /// Loss disallowed by replacements bought before the sale.
    pub fn disallowed(&self) -> Decimal {
        self.close.disallowed()
    }

    /// Loss of earlier covers of short positions disallowed by the short this sale opens.
    pub fn short_disallowed(&self) -> Decimal {
        self.open.disallowed()
    }

    /// Back to an empty plan, keeping any room the vectors have.
    pub(super) fn clear(&mut self) {
        self.close.clear();
        self.open.clear();
        self.short_qty = Decimal::ZERO;
        self.short_proceeds = Decimal::ZERO;
    }
}

/// What a purchase does: short lots covered, then a long lot opened with the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuyPlan {
    pub(super) close: ClosePlan,
    pub(super) open: OpenPlan,
}

impl BuyPlan {
    /// Realized P&L of the shorts covered, before wash-sale adjustments.
    pub fn realized(&self) -> Decimal {
        self.close.realized
    }

    /// Loss disallowed by this purchase (earlier sales at a loss it replaces).
    pub fn disallowed(&self) -> Decimal {
        self.open.disallowed()
    }

    /// The loss of covering short lots above their proceeds.
    pub fn short_loss(&self) -> Decimal {
        self.close.loss()
    }

    /// Shares covered at a loss.
    pub fn short_loss_qty(&self) -> Decimal {
        self.close.loss_qty()
    }

    /// The part of the cover's loss disallowed by shorts opened in the 30 days before it.
    pub fn short_disallowed(&self) -> Decimal {
        self.close.disallowed()
    }

    /// Back to an empty plan, keeping any room the vectors have.
    pub(super) fn clear(&mut self) {
        self.close.clear();
        self.open.clear();
    }
}
