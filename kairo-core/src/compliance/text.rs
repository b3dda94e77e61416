//! Writing reasons without the formatting machinery: the checks write millions of sentences in a batch run, so
//! amounts and lists are appended directly.

use std::sync::Arc;

use rust_decimal::Decimal;

/// Appends `amount` rounded to cents (banker's rounding, like `Decimal::round_dp`) with two decimals: `1234.50`,
/// `-0.07`.
pub(crate) fn push_money(out: &mut String, amount: Decimal) {
    let rounded = amount.round_dp(2);
    let scale = rounded.scale().min(2);
    let cents = rounded.mantissa().unsigned_abs()
        * if scale == 2 {
            1
        } else if scale == 1 {
            10
        } else {
            100
        };
    if rounded.is_sign_negative() && cents != 0 {
        out.push('-');
    }
    push_u128(out, cents / 100);
    out.push('.');
    let c = (cents % 100) as u8;
    out.push(char::from(b'0' + c / 10));
    out.push(char::from(b'0' + c % 10));
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_u128(out: &mut String, mut n: u128) {
    let mut buf = [0u8; 40];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// An amount shown in a reason: rounded to cents, always two decimals.
pub(crate) struct Money(pub Decimal);

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::with_capacity(24);
        push_money(&mut s, self.0);
        f.write_str(&s)
    }
}

/// Appends ids separated by ", ".
pub(crate) fn push_ids(out: &mut String, ids: &[Arc<str>]) {
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_matches_rounded_display() {
        for text in [
            "0",
            "1",
            "1234.5",
            "1234.505",
            "1234.515",
            "-0.004",
            "-0.005",
            "-12.3456",
            "187.5",
            "0.1",
            "99999999999.999",
        ] {
            let d = Decimal::from_str(text).unwrap();
            let mut s = String::new();
            push_money(&mut s, d);
            let expected = format!("{:.2}", d.round_dp(2));
            let expected = if expected == "-0.00" { "0.00".to_owned() } else { expected };
            assert_eq!(s, expected, "{text}");
        }
    }
}
