//! The one way a rule writes a reason ([`Sentence`]): the checks write millions of sentences in a batch run, so
//! amounts, dates and lists are appended directly, without the formatting machinery.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_decimal::Decimal;

/// A reason being written: `Sentence::new(200).s("Sold ").money(x).s(" of ").s(symbol).done()`.
pub(crate) struct Sentence(String);

impl Sentence {
    /// An empty reason with room for `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Sentence(String::with_capacity(capacity))
    }

    /// Appends text.
    pub fn s(mut self, text: &str) -> Self {
        self.0.push_str(text);
        self
    }

    /// Appends an amount rounded to cents ([`push_money`]).
    pub fn money(mut self, amount: Decimal) -> Self {
        push_money(&mut self.0, amount);
        self
    }

    /// Appends a decimal as its `Display` writes it ([`push_decimal`]).
    pub fn decimal(mut self, d: Decimal) -> Self {
        push_decimal(&mut self.0, d);
        self
    }

    /// Appends a signed count.
    pub fn signed(mut self, n: i64) -> Self {
        if n < 0 {
            self.0.push('-');
        }
        push_digits(&mut self.0, u128::from(n.unsigned_abs()));
        self
    }

    /// Appends a count.
    pub fn int(mut self, n: u64) -> Self {
        push_digits(&mut self.0, u128::from(n));
        self
    }

    /// Appends a date, `YYYY-MM-DD`.
    pub fn date(mut self, d: NaiveDate) -> Self {
        push_date(&mut self.0, d);
        self
    }

    /// Appends a local date and time, `YYYY-MM-DD HH:MM:SS`.
    pub fn local_time(mut self, t: NaiveDateTime) -> Self {
        push_local_time(&mut self.0, t);
        self
    }

    /// Appends ids separated by ", ".
    pub fn ids(mut self, ids: &[Arc<str>]) -> Self {
        push_ids(&mut self.0, ids);
        self
    }

    /// The text.
    pub fn done(self) -> String {
        self.0
    }
}

/// Appends `amount` rounded to cents (banker's rounding, like `Decimal::round_dp`) with two decimals: `1234.50`,
/// `-0.07`.
pub(crate) fn push_money(out: &mut String, amount: Decimal) {
    let rounded = if amount.scale() > 2 { amount.round_dp(2) } else { amount };
    let cents = rounded.mantissa().unsigned_abs() * 10u128.pow(2 - rounded.scale().min(2));
    if rounded.is_sign_negative() && cents != 0 {
        out.push('-');
    }
    push_digits(out, cents / 100);
    out.push('.');
    push_two(out, (cents % 100) as u32);
}

/// Appends `d` exactly as its `Display` implementation writes it (every digit of its scale: `1050.00`, `-0.5`).
pub(crate) fn push_decimal(out: &mut String, d: Decimal) {
    let mut buf = [0u8; 40];
    let digits = digits(&mut buf, d.mantissa().unsigned_abs());
    if d.is_sign_negative() && !d.is_zero() {
        out.push('-');
    }
    let scale = d.scale() as usize;
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    }
}

/// Appends a date, `YYYY-MM-DD` (chrono's `Display` for years 0 to 9999).
pub(crate) fn push_date(out: &mut String, d: NaiveDate) {
    match u32::try_from(d.year()) {
        Ok(year) if year <= 9999 => {
            push_two(out, year / 100);
            push_two(out, year % 100);
            out.push('-');
            push_two(out, d.month());
            out.push('-');
            push_two(out, d.day());
        }
        _ => out.push_str(&d.to_string()),
    }
}

/// Appends a date and time, `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn push_local_time(out: &mut String, t: NaiveDateTime) {
    push_date(out, t.date());
    out.push(' ');
    for (i, part) in [t.hour(), t.minute(), t.second()].into_iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        push_two(out, part);
    }
}

/// Appends `n` (below 100) as two digits.
fn push_two(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_digits(out: &mut String, n: u128) {
    let mut buf = [0u8; 40];
    out.push_str(digits(&mut buf, n));
}

/// The decimal digits of `n`, written at the end of `buf` (64-bit arithmetic when `n` fits, as it nearly always
/// does).
fn digits(buf: &mut [u8; 40], n: u128) -> &str {
    let mut i = buf.len();
    match u64::try_from(n) {
        Ok(mut n) => loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        },
        Err(_) => {
            let mut n = n;
            loop {
                i -= 1;
                buf[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("")
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

    #[test]
    fn counts_match_display() {
        for n in [0_i64, 7, -7, 60, i64::MAX, i64::MIN] {
            assert_eq!(Sentence::new(0).signed(n).done(), n.to_string());
        }
        assert_eq!(Sentence::new(0).int(u64::MAX).done(), u64::MAX.to_string());
    }

    #[test]
    fn decimal_matches_display() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "1",
            "-1",
            "1050.00",
            "0.5",
            "-0.5",
            "0.0001",
            "-0.000120",
            "25000",
            "123456789.123456789",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "18446744073709551616",
            "18446744073709551615.5",
        ]
        .iter()
        .map(|t| Decimal::from_str(t).unwrap())
        .collect();
        values.push(Decimal::new(-0, 3));
        values.push(Decimal::from_i128_with_scale(-12_345, 28));
        for d in values {
            let mut s = String::new();
            push_decimal(&mut s, d);
            assert_eq!(s, d.to_string(), "{d:?}");
        }
    }

    #[test]
    fn dates_and_times_match_chrono() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for d in [day(2024, 1, 2), day(1999, 12, 31), day(5, 6, 7), day(9999, 12, 31), day(10_000, 1, 1), day(-1, 3, 4)]
        {
            let mut s = String::new();
            push_date(&mut s, d);
            assert_eq!(s, d.to_string());
            let t = d.and_hms_opt(9, 5, 7).unwrap();
            assert_eq!(Sentence::new(0).local_time(t).done(), t.format("%Y-%m-%d %H:%M:%S").to_string());
        }
        assert_eq!(Sentence::new(0).int(0).s(" and ").int(u64::MAX).done(), format!("0 and {}", u64::MAX));
    }
}
