//! Ordering of decimals in the engines' inner loops.
//!
//! `Decimal`'s own comparison handles every case of its 96-bit mantissa, scaling one side up in 32-bit steps when
//! the scales differ (a price in cents against a limit in dollars, a cost basis split at 28 digits against
//! proceeds in cents). The rules and the lot engines compare amounts a few dozen times per trade, so [`cmp`] takes
//! the common case, mantissas within 64 bits, in one 128-bit multiplication and comparison, and leaves every other
//! case to `Decimal`. The ordering is the same in every case (checked against `Decimal::cmp` by a property test).

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// Powers of ten up to 10^38, the largest within `i128`.
const POW10: [i128; 39] = {
    let mut p = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// A mantissa below 2^64 times 10^18 or less stays below 2^124, within `i128`.
const MAX_SHIFT: usize = 18;

/// 10^`k`, if it fits in an `i128`.
#[inline]
pub(crate) fn pow10(k: u32) -> Option<i128> {
    POW10.get(k as usize).copied()
}

/// Below 2^64 in absolute value.
#[inline]
fn small(m: i128) -> bool {
    m.unsigned_abs() < 1 << 64
}

/// `a.cmp(&b)`.
#[inline]
pub(crate) fn cmp(a: Decimal, b: Decimal) -> Ordering {
    let (ma, mb) = (a.mantissa(), b.mantissa());
    let (sa, sb) = (a.scale(), b.scale());
    if sa == sb {
        return ma.cmp(&mb);
    }
    let diff = sa.abs_diff(sb) as usize;
    if diff <= MAX_SHIFT {
        if sa < sb && small(ma) {
            return (ma * POW10[diff]).cmp(&mb);
        }
        if sb < sa && small(mb) {
            return ma.cmp(&(mb * POW10[diff]));
        }
    }
    a.cmp(&b)
}

/// `a < b`.
#[inline]
pub(crate) fn lt(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) == Ordering::Less
}

/// `a <= b`.
#[inline]
pub(crate) fn le(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) != Ordering::Greater
}

/// `a == b` (by value: `1.50 == 1.5`).
#[inline]
pub(crate) fn eq(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) == Ordering::Equal
}

/// The smaller of `a` and `b` (`a` when equal, like `Ord::min`).
#[inline]
pub(crate) fn min(a: Decimal, b: Decimal) -> Decimal {
    if cmp(b, a) == Ordering::Less {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    /// Decimals of every scale, with mantissas both within and beyond 64 bits.
    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), any::<u32>(), 0u32..=28, any::<bool>()).prop_map(|(low, high, scale, wide)| {
            let m = if wide { (i128::from(high) << 64) | i128::from(low.unsigned_abs()) } else { i128::from(low) };
            let m = if low < 0 { -m } else { m };
            Decimal::try_from_i128_with_scale(m, scale).unwrap_or_else(|_| Decimal::new(low, scale))
        })
    }

    #[test]
    fn powers_of_ten() {
        assert_eq!(pow10(0), Some(1));
        assert_eq!(pow10(28), Some(10i128.pow(28)));
        assert_eq!(pow10(38), Some(10i128.pow(38)));
        assert_eq!(pow10(39), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn orders_like_decimal(a in decimal(), b in decimal()) {
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(min(a, b), a.min(b));
            prop_assert_eq!(eq(a, b), a == b);
        }

        #[test]
        fn orders_like_decimal_near_each_other(a in decimal(), shift in 0u32..20) {
            // The same value at another scale, and one unit of the last place away.
            let b = a.trunc_with_scale(a.scale().saturating_sub(shift));
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(cmp(b, a), b.cmp(&a));
        }
    }

    #[test]
    fn mixed_scales() {
        // Hand-checked: cents against dollars, zero signs, 28-digit splits.
        assert_eq!(cmp(dec!(4.99), dec!(5)), Ordering::Less);
        assert_eq!(cmp(dec!(5.00), dec!(5)), Ordering::Equal);
        assert_eq!(cmp(dec!(-0.00), dec!(0)), Ordering::Equal);
        assert_eq!(cmp(dec!(-1.5), dec!(-1.49)), Ordering::Less);
        assert_eq!(cmp(dec!(823.0466666666666666666666667), dec!(823.05)), Ordering::Less);
        assert_eq!(cmp(Decimal::MAX, dec!(0.1)), Ordering::Greater);
        assert_eq!(min(dec!(2.0), dec!(2)), dec!(2.0));
    }
}
