//! Sharing an amount between the pieces of a quantity so that the pieces add up exactly.

use rust_decimal::Decimal;

/// `qty` of `of_qty`'s share of `total`, `total` itself when the whole quantity goes (so pieces add up exactly).
/// `qty ≤ of_qty`, so the result is at most `total`; when `total × qty` would overflow (only for very large
/// amounts and quantities), the unit amount is taken first.
#[inline]
pub(crate) fn pro_rata(total: Decimal, qty: Decimal, of_qty: Decimal) -> Decimal {
    if total.is_zero() || crate::decimal_cmp::eq(qty, of_qty) {
        total
    } else {
        match total.checked_mul(qty) {
            Some(x) => x / of_qty,
            None => total / of_qty * qty,
        }
    }
}
