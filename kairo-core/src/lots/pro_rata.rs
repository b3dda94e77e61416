//! Sharing an amount between the pieces of a quantity so that the pieces add up exactly.

use rust_decimal::Decimal;

/// `qty` of `of_qty`'s share of `total`, `total` itself when the whole quantity goes (so pieces add up exactly).
/// `qty ≤ of_qty`, so the result is at most `total`; when `total × qty` would overflow (only for very large
/// amounts and quantities), the unit amount is taken first.
#[inline(always)]
pub(crate) fn pro_rata(total: Decimal, qty: Decimal, of_qty: Decimal) -> Decimal {
    // The whole quantity (most pieces: a sale that takes whole lots) inline; a share out of line.
    if total.is_zero() || crate::decimal_cmp::eq(qty, of_qty) {
        total
    } else {
        part(total, qty, of_qty)
    }
}

/// `qty / of_qty` of `total`, for `qty < of_qty`.
#[inline(never)]
fn part(total: Decimal, qty: Decimal, of_qty: Decimal) -> Decimal {
    match total.checked_mul(qty) {
        Some(x) => x / of_qty,
        None => total / of_qty * qty,
    }
}
