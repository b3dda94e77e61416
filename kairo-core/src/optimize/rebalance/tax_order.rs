//! Which lots to sell: the least tax first. A sale of a lot at a loss saves tax, a long-term gain is taxed at the
//! lower long-term rate (IRC §1(h)), a short-term gain at the ordinary rate; so lots are sold in the order
//! losses (largest loss per share first), then long-term gains, then short-term gains (smallest gain per share
//! first within each). Lots at a loss are left alone while a loss sale would be a wash sale.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::lots::{Direction, OpenLot, Term};

use super::LotSale;

/// The tax class of selling a lot at `price` on `date`: 0 loss, 1 long-term gain, 2 short-term gain.
fn class(lot: &OpenLot, price: Decimal, date: NaiveDate) -> (u8, Decimal) {
    let gain_per_share = price - lot.unit_cost;
    let rank = if gain_per_share.is_sign_negative() && !gain_per_share.is_zero() {
        0
    } else if Term::of(Direction::Long, lot.open_date, date) == Term::LongTerm {
        1
    } else {
        2
    };
    (rank, gain_per_share)
}

/// Sells `qty` shares from `lots` (one symbol's long lots) at `price` on `date`, least tax first; lots at a loss
/// only if `losses_allowed`. Returns the lots sold (fewer shares than `qty` when the lots allowed run out).
pub(super) fn sell(
    lots: &[&OpenLot],
    qty: Decimal,
    price: Decimal,
    date: NaiveDate,
    losses_allowed: bool,
) -> Vec<LotSale> {
    let mut order: Vec<(&OpenLot, (u8, Decimal))> = lots.iter().map(|l| (*l, class(l, price, date))).collect();
    order.sort_by(|a, b| match a.1 .0.cmp(&b.1 .0) {
        Ordering::Equal => a.1 .1.cmp(&b.1 .1),
        o => o,
    });
    let mut left = qty;
    let mut out = Vec::new();
    for (lot, (rank, _)) in order {
        if left <= Decimal::ZERO {
            break;
        }
        if rank == 0 && !losses_allowed {
            continue;
        }
        let q = left.min(lot.qty);
        let basis = if q == lot.qty { lot.basis } else { lot.basis * q / lot.qty };
        let proceeds = q * price;
        out.push(LotSale {
            trade_id: lot.trade_id.to_string(),
            opened: lot.open_date,
            qty: q,
            basis,
            proceeds,
            gain: proceeds - basis,
            term: Term::of(Direction::Long, lot.open_date, date),
        });
        left -= q;
    }
    out
}
