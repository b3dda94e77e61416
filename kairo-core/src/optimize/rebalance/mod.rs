//! Tax-aware rebalancing: from a user's trades (hence their open tax lots) and a target allocation, the orders
//! that move the account towards the target
//!
//! 1. selling, in each overweight symbol, the lots that cost the least tax first ([`tax_order`]): losses, then
//!    long-term gains, then short-term gains;
//! 2. never opening a wash sale ([`wash_window`]): no purchase of a symbol sold at a loss in the last 30 days and
//!    no loss sale of a symbol bought in the last 30 days, unless [`RebalanceOptions::allow_wash_sales`];
//! 3. within a turnover limit: one-way turnover, `(Σ sells + Σ buys) / (2 V)` with `V` the account's value (cash
//!    included); when the full rebalance would exceed it, every trade is scaled down by the same factor;
//! 4. buying with the cash and the proceeds only, whole or fractional shares rounded down;
//!
//! and reports the realized gains the sales would bring, by term (IRS Publication 550: more than one year held is
//! long-term), and what it left undone and why.

mod fields;
mod tax_order;
mod wash_window;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::history::Trades;
use crate::lots::{lots_in_order, Direction, LotMethod, OpenLot, Term};
use crate::trade::Side;

use super::allocation::Shares;
use super::error::OptimizeError;
use wash_window::WashWindows;

/// What a rebalance may do.
#[derive(Debug, Clone, PartialEq)]
pub struct RebalanceOptions {
    /// The date of the orders (the wash-sale windows and holding periods are counted to it).
    pub as_of: NaiveDate,
    /// Cash in the account besides the positions.
    pub cash: Decimal,
    /// The most one-way turnover allowed, as a fraction of the account's value (`None`: no limit).
    pub turnover_limit: Option<f64>,
    /// Allow orders that open a wash sale (the loss is then deferred into the replacement's basis).
    pub allow_wash_sales: bool,
    /// Whole or fractional shares.
    pub shares: Shares,
    /// How the trades' lots are matched to find the open lots (the broker's method; FIFO by default).
    pub lot_method: LotMethod,
}

impl RebalanceOptions {
    /// Whole shares, FIFO lots, no turnover limit, no wash sales, on `as_of` with `cash`.
    pub fn new(as_of: NaiveDate, cash: Decimal) -> Self {
        RebalanceOptions {
            as_of,
            cash,
            turnover_limit: None,
            allow_wash_sales: false,
            shares: Shares::Whole,
            lot_method: LotMethod::Fifo,
        }
    }
}

/// Shares of one lot sold by the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct LotSale {
    /// The trade that opened the lot.
    pub trade_id: String,
    /// The lot's trade date.
    pub opened: NaiveDate,
    /// Shares sold.
    pub qty: Decimal,
    /// Their cost basis.
    pub basis: Decimal,
    /// Their proceeds at the price given.
    pub proceeds: Decimal,
    /// `proceeds − basis`.
    pub gain: Decimal,
    /// Short- or long-term.
    pub term: Term,
}

/// One order of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RebalanceOrder {
    /// The symbol.
    pub symbol: String,
    /// Buy or sell.
    pub side: Side,
    /// Shares.
    pub qty: Decimal,
    /// The price used.
    pub price: Decimal,
    /// `qty × price`.
    pub value: Decimal,
    /// For a sale, the lots sold (specific identification).
    pub lots: Vec<LotSale>,
    /// For a sale at a net loss, the last day on which buying the symbol back would be a wash sale.
    pub no_repurchase_until: Option<NaiveDate>,
}

/// Realized gain (negative: loss) by term.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Realized {
    /// Held one year or less.
    pub short_term: Decimal,
    /// Held more than one year.
    pub long_term: Decimal,
}

/// Part of the rebalance the plan did not do, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The symbol.
    pub symbol: String,
    /// The side not traded.
    pub side: Side,
    /// The value not traded.
    pub value: Decimal,
    /// `wash_sale_purchase` (the symbol was sold at a loss in the last 30 days), `wash_sale_loss_sale` (bought in
    /// the last 30 days and only lots at a loss were left to sell), `cash` (proceeds and cash fell short).
    pub reason: &'static str,
    /// For a wash-sale reason, the last day of the window.
    pub until: Option<NaiveDate>,
}

/// The plan: orders (sales first), estimated realized gains and turnover.
#[derive(Debug, Clone, PartialEq)]
pub struct RebalancePlan {
    /// Sales, then purchases, by symbol.
    pub orders: Vec<RebalanceOrder>,
    /// Realized gains of the sales.
    pub realized: Realized,
    /// The plan's one-way turnover (fraction of the account's value).
    pub turnover: f64,
    /// The account's value before the plan.
    pub value: Decimal,
    /// Cash after the plan.
    pub cash_after: Decimal,
    /// What was left undone.
    pub skipped: Vec<Skipped>,
}

/// Plans the rebalance of the account whose history is `trades` to `targets` (symbol → weight of the account's
/// value; weights ≥ 0 summing to at most 1, the rest stays cash; a symbol held but not listed goes to 0), at
/// `prices` (one per symbol held or targeted).
///
/// ```
/// use std::collections::BTreeMap;
/// use kairo_core::optimize::{rebalance, RebalanceOptions};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
///
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// let trades = vec![
///     Trade::new("a", "u", "AAPL", Side::Buy, dec!(10), dec!(100), at("2023-01-05")).unwrap(),
///     Trade::new("b", "u", "AAPL", Side::Buy, dec!(10), dec!(180), at("2024-05-01")).unwrap(),
/// ];
/// let prices = BTreeMap::from([("AAPL".to_string(), dec!(150)), ("MSFT".to_string(), dec!(300))]);
/// let targets = BTreeMap::from([("AAPL".to_string(), 0.5), ("MSFT".to_string(), 0.5)]);
/// let d = "2024-06-03".parse().unwrap();
/// let plan = rebalance(&trades[..], &prices, &targets, &RebalanceOptions::new(d, dec!(0))).unwrap();
/// // 10 of 20 AAPL shares are sold: the lot bought at 180 first (a loss), none of the long-term gain
/// assert_eq!(plan.orders[0].lots[0].trade_id, "b");
/// assert_eq!(plan.realized.short_term, dec!(-300));
/// assert_eq!((plan.orders[1].symbol.as_str(), plan.orders[1].qty), ("MSFT", dec!(5)));
/// ```
pub fn rebalance<T: Trades + ?Sized>(
    trades: &T,
    prices: &BTreeMap<String, Decimal>,
    targets: &BTreeMap<String, f64>,
    opts: &RebalanceOptions,
) -> Result<RebalancePlan, OptimizeError> {
    check(targets, opts)?;
    let ordered = trades.ordered().map_err(crate::error::LotError::from)?;
    let report = lots_in_order(ordered.iter(), Some(ordered.len()), opts.lot_method, &[]);
    let windows = WashWindows::new(ordered.iter(), &report, opts.as_of);
    let mut held: BTreeMap<&str, Vec<&OpenLot>> = BTreeMap::new();
    for lot in &report.open_lots {
        if lot.direction == Direction::Short {
            return Err(OptimizeError::bad_value(
                "trades",
                format!("{} is held short; rebalancing covers long positions", lot.symbol),
            ));
        }
        held.entry(&lot.symbol).or_default().push(lot);
    }
    let price = |s: &str| -> Result<Decimal, OptimizeError> {
        match prices.get(s) {
            Some(p) if *p > Decimal::ZERO && *p <= super::allocation::MAX_PRICE => Ok(*p),
            Some(p) => Err(OptimizeError::bad_value(
                "prices",
                format!("{s}: {p} is not a price in (0, {}]", super::allocation::MAX_PRICE),
            )),
            None => Err(OptimizeError::bad_value("prices", format!("no price for {s}"))),
        }
    };
    let mut positions: BTreeMap<&str, Decimal> = BTreeMap::new();
    for (s, lots) in &held {
        positions.insert(s, lots.iter().map(|l| l.qty).sum::<Decimal>() * price(s)?);
    }
    let value = opts.cash + positions.values().copied().sum::<Decimal>();
    if value <= Decimal::ZERO {
        return Err(OptimizeError::out_of_range("cash", "the account has no value to rebalance"));
    }
    // desired change of value per symbol
    let mut symbols: Vec<&str> = positions.keys().copied().collect();
    symbols.extend(targets.keys().map(String::as_str).filter(|s| !positions.contains_key(s)));
    let mut delta: Vec<(&str, Decimal)> = Vec::with_capacity(symbols.len());
    for s in symbols {
        let w = targets.get(s).copied().unwrap_or(0.0);
        let target =
            Decimal::try_from(w).map_err(|_| OptimizeError::bad_value("targets", format!("{s}: {w}")))? * value;
        price(s)?;
        delta.push((s, target - positions.get(s).copied().unwrap_or_default()));
    }
    let gross: Decimal = delta.iter().map(|(_, d)| d.abs()).sum();
    let turnover = ratio(gross, Decimal::TWO * value);
    let scale = match opts.turnover_limit {
        Some(limit) if turnover > limit => Decimal::try_from(limit / turnover).unwrap_or(Decimal::ZERO),
        _ => Decimal::ONE,
    };
    let mut plan = RebalancePlan {
        orders: Vec::new(),
        realized: Realized::default(),
        turnover: 0.0,
        value,
        cash_after: opts.cash,
        skipped: Vec::new(),
    };
    for &(s, d) in delta.iter().filter(|(_, d)| d.is_sign_negative() && !d.is_zero()) {
        let p = price(s)?;
        let lots = held.get(s).map(Vec::as_slice).unwrap_or(&[]);
        let whole = targets.get(s).copied().unwrap_or(0.0) == 0.0 && scale == Decimal::ONE;
        let qty = if whole { lots.iter().map(|l| l.qty).sum() } else { round(-d * scale / p, opts.shares) };
        sell(&mut plan, s, lots, qty, p, &windows, opts);
    }
    let wanted: Vec<(&str, Decimal)> =
        delta.iter().filter(|(_, d)| d.is_sign_positive() && !d.is_zero()).map(|&(s, d)| (s, d * scale)).collect();
    buy(&mut plan, &wanted, &windows, opts, &price)?;
    let traded: Decimal = plan.orders.iter().map(|o| o.value).sum();
    plan.turnover = ratio(traded, Decimal::TWO * value);
    Ok(plan)
}

fn check(targets: &BTreeMap<String, f64>, opts: &RebalanceOptions) -> Result<(), OptimizeError> {
    if let Some((s, w)) = targets.iter().find(|(_, w)| !(**w >= 0.0) || !w.is_finite()) {
        return Err(OptimizeError::out_of_range("targets", format!("{s}: weight {w} must be finite and ≥ 0")));
    }
    let total: f64 = targets.values().sum();
    if total > 1.0 + 1e-9 {
        return Err(OptimizeError::out_of_range("targets", format!("weights sum to {total}, more than 1")));
    }
    if let Some(l) = opts.turnover_limit {
        if !(l > 0.0) || !l.is_finite() {
            return Err(OptimizeError::out_of_range("turnover_limit", format!("must be positive, got {l}")));
        }
    }
    if opts.cash.is_sign_negative() && !opts.cash.is_zero() {
        return Err(OptimizeError::out_of_range("cash", "must not be negative"));
    }
    if opts.cash > super::allocation::MAX_AMOUNT {
        return Err(OptimizeError::out_of_range("cash", format!("must be at most {}", super::allocation::MAX_AMOUNT)));
    }
    Ok(())
}

fn sell(
    plan: &mut RebalancePlan,
    s: &str,
    lots: &[&OpenLot],
    qty: Decimal,
    p: Decimal,
    w: &WashWindows,
    opts: &RebalanceOptions,
) {
    let blocked_until = w.no_loss_sale_until.get(s).copied().filter(|_| !opts.allow_wash_sales);
    let sales = tax_order::sell(lots, qty, p, opts.as_of, blocked_until.is_none());
    let sold: Decimal = sales.iter().map(|l| l.qty).sum();
    if sold < qty {
        plan.skipped.push(Skipped {
            symbol: s.to_owned(),
            side: Side::Sell,
            value: (qty - sold) * p,
            reason: "wash_sale_loss_sale",
            until: blocked_until,
        });
    }
    if sold.is_zero() {
        return;
    }
    let gain: Decimal = sales.iter().map(|l| l.gain).sum();
    for l in &sales {
        match l.term {
            Term::ShortTerm => plan.realized.short_term += l.gain,
            Term::LongTerm => plan.realized.long_term += l.gain,
        }
    }
    let value = sold * p;
    plan.cash_after += value;
    let no_repurchase_until =
        (gain < Decimal::ZERO).then(|| opts.as_of + Duration::days(crate::lots::WASH_WINDOW_DAYS));
    plan.orders.push(RebalanceOrder {
        symbol: s.to_owned(),
        side: Side::Sell,
        qty: sold,
        price: p,
        value,
        lots: sales,
        no_repurchase_until,
    });
}

fn buy(
    plan: &mut RebalancePlan,
    wanted: &[(&str, Decimal)],
    w: &WashWindows,
    opts: &RebalanceOptions,
    price: &dyn Fn(&str) -> Result<Decimal, OptimizeError>,
) -> Result<(), OptimizeError> {
    let mut allowed = Vec::with_capacity(wanted.len());
    for &(s, v) in wanted {
        match w.no_purchase_until.get(s).filter(|_| !opts.allow_wash_sales) {
            Some(&until) => plan.skipped.push(Skipped {
                symbol: s.to_owned(),
                side: Side::Buy,
                value: v,
                reason: "wash_sale_purchase",
                until: Some(until),
            }),
            None => allowed.push((s, v)),
        }
    }
    let total: Decimal = allowed.iter().map(|(_, v)| *v).sum();
    let fund = if total > plan.cash_after && total > Decimal::ZERO { plan.cash_after / total } else { Decimal::ONE };
    for (s, v) in allowed {
        let p = price(s)?;
        let qty = round(v * fund / p, opts.shares);
        let cost = qty * p;
        if v - cost >= p * unit(opts.shares) {
            plan.skipped.push(Skipped {
                symbol: s.to_owned(),
                side: Side::Buy,
                value: v - cost,
                reason: "cash",
                until: None,
            });
        }
        if qty > Decimal::ZERO && cost <= plan.cash_after {
            plan.cash_after -= cost;
            plan.orders.push(RebalanceOrder {
                symbol: s.to_owned(),
                side: Side::Buy,
                qty,
                price: p,
                value: cost,
                lots: Vec::new(),
                no_repurchase_until: None,
            });
        }
    }
    Ok(())
}

/// The smallest quantity that can be traded: a share, or `10^-digits` of one.
fn unit(shares: Shares) -> Decimal {
    match shares {
        Shares::Whole => Decimal::ONE,
        Shares::Fractional(dp) => Decimal::new(1, dp.min(28)),
    }
}

fn round(qty: Decimal, shares: Shares) -> Decimal {
    match shares {
        Shares::Whole => qty.floor(),
        Shares::Fractional(dp) => qty.round_dp_with_strategy(dp, RoundingStrategy::ToZero),
    }
}

fn ratio(a: Decimal, b: Decimal) -> f64 {
    (a / b).to_f64().unwrap_or(f64::NAN)
}
