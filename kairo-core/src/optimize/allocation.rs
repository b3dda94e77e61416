//! Discrete allocation: turning weights and a cash budget into share quantities at the latest prices. Money and
//! quantities are `Decimal`; the weights' shortfalls are compared as `f64`.
//!
//! Whole shares use the greedy method of PyPortfolioOpt's `DiscreteAllocation.greedy_portfolio`: first buy
//! `⌊w_i · budget / p_i⌋` shares of each asset, then spend what is left one share at a time on the asset furthest
//! below its weight that the cash still affords. Fractional shares (where the broker allows them) are
//! `w_i · budget / p_i` rounded down to `fraction_digits` decimals.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::error::OptimizeError;

/// The largest budget or cash amount accepted (a quadrillion): every product of an amount, a weight and a share
/// count then stays far inside `Decimal`'s range.
pub(crate) const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The largest price per share accepted.
pub(crate) const MAX_PRICE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// How shares are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shares {
    /// Whole shares only.
    Whole,
    /// Fractional shares, to this many decimal places (Alpaca accepts 9).
    Fractional(u32),
}

/// Shares to buy of each asset and the cash left.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Shares of each asset, in the input's order.
    pub shares: Vec<Decimal>,
    /// The budget not spent.
    pub leftover: Decimal,
}

/// Allocates `budget` to long-only `weights` (summing to 1) at `prices`.
///
/// ```
/// use kairo_core::optimize::{allocate, Shares};
/// use rust_decimal_macros::dec;
/// let a = allocate(&[0.5, 0.5], &[dec!(100), dec!(30)], dec!(1000), Shares::Whole).unwrap();
/// // 5 × 100 and 16 × 30 = 980, then no asset is affordable with 20 left
/// assert_eq!((a.shares, a.leftover), (vec![dec!(5), dec!(16)], dec!(20)));
/// ```
pub fn allocate(
    weights: &[f64],
    prices: &[Decimal],
    budget: Decimal,
    shares: Shares,
) -> Result<Allocation, OptimizeError> {
    if weights.len() != prices.len() {
        return Err(OptimizeError::shape("prices", format!("{} prices for {} weights", prices.len(), weights.len())));
    }
    if let Some(i) = weights.iter().position(|w| !(*w >= 0.0) || !w.is_finite()) {
        return Err(OptimizeError::out_of_range("weights", format!("weight {i} must be finite and ≥ 0 (long only)")));
    }
    if let Some(i) = prices.iter().position(|p| *p <= Decimal::ZERO || *p > MAX_PRICE) {
        return Err(OptimizeError::bad_value("prices", format!("price {i} must be in (0, {MAX_PRICE}]")));
    }
    if budget <= Decimal::ZERO || budget > MAX_AMOUNT {
        return Err(OptimizeError::out_of_range("budget", format!("must be in (0, {MAX_AMOUNT}]")));
    }
    let total: f64 = weights.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(OptimizeError::out_of_range("weights", format!("must sum to 1, sum to {total}")));
    }
    let target = |i: usize| -> Decimal { Decimal::try_from(weights[i]).unwrap_or(Decimal::ZERO) * budget };
    let mut left = budget;
    let mut held: Vec<Decimal> = Vec::with_capacity(weights.len());
    for (i, p) in prices.iter().enumerate() {
        let q = match shares {
            Shares::Whole => (target(i) / p).floor(),
            Shares::Fractional(dp) => (target(i) / p).round_dp_with_strategy(dp, RoundingStrategy::ToZero),
        };
        let cost = q * p;
        let q = if cost > left { Decimal::ZERO } else { q };
        left -= q * p;
        held.push(q);
    }
    if shares == Shares::Whole {
        spend_leftover(weights, prices, &mut held, &mut left);
    }
    Ok(Allocation { shares: held, leftover: left })
}

/// [`allocate`] over named weights as a user holds them (PyPortfolioOpt's `DiscreteAllocation` input): assets
/// with a weight ≤ 0 are left out (no shares, no price needed), the others' weights rescaled to sum to 1; `prices`
/// gives each entry's price (`None` where the caller has none). The shares are in the input's order.
///
/// ```
/// use kairo_core::optimize::{allocate_named, Shares};
/// use rust_decimal_macros::dec;
/// let a = allocate_named(&[("AAA", 3.0), ("BBB", 0.0), ("CCC", 2.0)], &[Some(dec!(333)), None, Some(dec!(50))], dec!(1100), Shares::Whole).unwrap();
/// assert_eq!((a.shares, a.leftover), (vec![dec!(2), dec!(0), dec!(8)], dec!(34)));
/// ```
pub fn allocate_named<S: AsRef<str>>(
    weights: &[(S, f64)],
    prices: &[Option<Decimal>],
    budget: Decimal,
    shares: Shares,
) -> Result<Allocation, OptimizeError> {
    if prices.len() != weights.len() {
        return Err(OptimizeError::shape("prices", format!("{} prices for {} weights", prices.len(), weights.len())));
    }
    let held: Vec<usize> = (0..weights.len()).filter(|&i| weights[i].1 > 0.0).collect();
    if held.is_empty() {
        return Err(OptimizeError::out_of_range("weights", "no asset has a positive weight"));
    }
    let total: f64 = held.iter().map(|&i| weights[i].1).sum();
    let mut w = Vec::with_capacity(held.len());
    let mut p = Vec::with_capacity(held.len());
    for &i in &held {
        let name = weights[i].0.as_ref();
        p.push(prices[i].ok_or_else(|| OptimizeError::bad_value("prices", format!("no price for {name}")))?);
        w.push(weights[i].1 / total);
    }
    let a = allocate(&w, &p, budget, shares)?;
    let mut all = vec![Decimal::ZERO; weights.len()];
    for (&i, q) in held.iter().zip(a.shares) {
        all[i] = q;
    }
    Ok(Allocation { shares: all, leftover: a.leftover })
}

/// The greedy second round: one share at a time of the affordable asset furthest below its weight.
fn spend_leftover(weights: &[f64], prices: &[Decimal], held: &mut [Decimal], left: &mut Decimal) {
    loop {
        let value: Vec<f64> = held.iter().zip(prices).map(|(q, p)| (q * p).to_f64().unwrap_or(0.0)).collect();
        let total: f64 = value.iter().sum();
        let best = (0..weights.len())
            .filter(|&i| prices[i] <= *left)
            .map(|i| (i, weights[i] - if total > 0.0 { value[i] / total } else { 0.0 }))
            .filter(|&(_, deficit)| deficit > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((i, _)) = best else { return };
        held[i] += Decimal::ONE;
        *left -= prices[i];
    }
}

/// Weights tidied for people and orders (PyPortfolioOpt `clean_weights`): those below `cutoff` in absolute value
/// set to 0, the rest rounded to `rounding` decimals when given (the sum is not renormalised, as in
/// PyPortfolioOpt).
///
/// ```
/// let w = kairo_core::optimize::clean_weights(&[0.61234567, 0.00004, 0.38761433], 1e-4, Some(5));
/// assert_eq!(w, vec![0.61235, 0.0, 0.38761]);
/// ```
pub fn clean_weights(weights: &[f64], cutoff: f64, rounding: Option<u32>) -> Vec<f64> {
    weights
        .iter()
        .map(|&w| if w.abs() < cutoff { 0.0 } else { w })
        .map(|w| match rounding {
            Some(d) => {
                let k = 10f64.powi(d.min(15) as i32);
                (w * k).round() / k
            }
            None => w,
        })
        .map(|w| w + 0.0)
        .collect()
}
