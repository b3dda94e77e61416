//! Wash sales across the accounts of one person (IRC §1091 looks at the taxpayer, not at an account): a loss sold
//! in one taxable account is washed by the same stock bought in another of the person's accounts. A replacement
//! bought in a tax-deferred account (an IRA, a 401(k)) disallows the loss for good: Rev. Rul. 2008-5 holds that
//! the loss is disallowed and the IRA's basis is not increased, so the loss is never deducted. Sales in
//! tax-deferred accounts realize no deductible loss and wash nothing.
//!
//! Each account's own trades follow [`wash_sales`](super::wash_sales) (its lots, its replacements first); across
//! accounts, replacement shares held in another account in the 30 days before a loss sale, then shares bought in
//! another account in the 30 days after it, are matched in the order they were bought. Short positions are matched
//! within their account only.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::identical::IdenticalSecurities;
use super::pnl::Direction;
use super::wash_report::{LossSale, WashSaleMatch, WashSaleReport};
use super::wash_sale::SymbolLots;
use crate::decimal_cmp as dc;
use crate::error::LotError;
use crate::history::Trades;
use crate::trade::{Side, Trade};

/// How an account's gains and losses are taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxTreatment {
    /// Gains and losses are realized as the trades happen (an individual or joint brokerage account).
    Taxable,
    /// An IRA, a Roth IRA, a 401(k): no deductible loss, and a replacement bought there disallows a taxable
    /// account's loss for good (Rev. Rul. 2008-5).
    TaxDeferred,
}

/// One account of the person: its name, how it is taxed, its trades.
#[derive(Debug, Clone, Copy)]
pub struct AccountTrades<'a> {
    /// The account's name (any text that tells the accounts apart).
    pub account: &'a str,
    /// How it is taxed.
    pub treatment: TaxTreatment,
    /// Its trades.
    pub trades: &'a [Trade],
}

/// A loss sale of a taxable account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountLoss {
    /// The account that sold.
    pub account: String,
    /// The sale, its loss and the part disallowed.
    pub sale: LossSale,
}

/// A (loss sale, replacement) pair, with the accounts of each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountMatch {
    /// The account of the loss sale.
    pub loss_account: String,
    /// The account of the replacement shares.
    pub replacement_account: String,
    /// The disallowed loss is lost for good (the replacement is in a tax-deferred account: no basis adjustment).
    pub permanent: bool,
    /// The match (its `basis_adjustment` is 0 when `permanent`).
    pub wash: WashSaleMatch,
}

/// The wash sales of a person's accounts.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AccountWashSales {
    /// Every loss sale of the taxable accounts, in execution order.
    pub losses: Vec<AccountLoss>,
    /// Every (loss sale, replacement) pair, in the order they were found.
    pub matches: Vec<AccountMatch>,
}

impl AccountWashSales {
    /// The loss disallowed for good (replaced in a tax-deferred account).
    pub fn permanently_disallowed(&self) -> Decimal {
        self.matches.iter().filter(|m| m.permanent).map(|m| m.wash.disallowed_loss).sum()
    }
}

/// The wash sales of a person's accounts, taken together.
///
/// ```
/// use kairo_core::lots::{wash_sales_across, AccountTrades, IdenticalSecurities, TaxTreatment};
/// use kairo_core::{Side, Trade};
/// use rust_decimal_macros::dec;
/// let at = |d: &str| format!("{d}T15:00:00Z").parse().unwrap();
/// // Rev. Rul. 2008-5: sold at a $250 loss in the brokerage account, bought back in the IRA 10 days later.
/// let taxable = [
///     Trade::new("b1", "u", "X", Side::Buy, dec!(100), dec!(10), at("2024-03-01")).unwrap(),
///     Trade::new("s1", "u", "X", Side::Sell, dec!(100), dec!(7.5), at("2024-06-03")).unwrap(),
/// ];
/// let ira = [Trade::new("i1", "u", "X", Side::Buy, dec!(100), dec!(8), at("2024-06-13")).unwrap()];
/// let r = wash_sales_across(
///     &[
///         AccountTrades { account: "brokerage", treatment: TaxTreatment::Taxable, trades: &taxable },
///         AccountTrades { account: "ira", treatment: TaxTreatment::TaxDeferred, trades: &ira },
///     ],
///     &IdenticalSecurities::default(),
/// )
/// .unwrap();
/// assert_eq!(r.losses[0].sale.disallowed_loss, dec!(250));
/// assert_eq!(r.permanently_disallowed(), dec!(250));
/// assert_eq!(r.matches[0].wash.basis_adjustment, dec!(0));
/// ```
pub fn wash_sales_across(
    accounts: &[AccountTrades<'_>],
    identical: &IdenticalSecurities,
) -> Result<AccountWashSales, LotError> {
    let mut all: Vec<(usize, &Trade)> = Vec::new();
    for (a, acct) in accounts.iter().enumerate() {
        all.extend(acct.trades.ordered()?.iter().map(|t| (a, t)));
    }
    all.sort_by(|(a1, t1), (a2, t2)| (t1.executed_at, a1, &t1.id).cmp(&(t2.executed_at, a2, &t2.id)));
    let mut books: BTreeMap<(usize, &str), SymbolLots> = BTreeMap::new();
    let mut report = WashSaleReport::default();
    // The account of each loss record, and (loss account, replacement account, permanent) of each match.
    let mut loss_accounts: Vec<usize> = Vec::new();
    let mut match_accounts: Vec<(usize, usize, bool)> = Vec::new();
    for &(a, t) in &all {
        let key = identical.key(&t.symbol);
        let taxable = accounts[a].treatment == TaxTreatment::Taxable;
        let id: Arc<str> = Arc::from(t.id.as_str());
        let date = t.trade_date();
        let book = books.entry((a, key)).or_default();
        let (losses_before, matches_before) = (report.losses.len(), report.matches.len());
        match t.side {
            Side::Sell => {
                let plan = book.plan_sale(t.qty, t.notional() - t.fees, date);
                book.apply_sale(&plan, &id, &t.symbol, date, taxable.then_some(&mut report));
                if !taxable {
                    book.forget_losses();
                }
            }
            Side::Buy => {
                let cost = t.notional() + t.fees;
                let plan = book.plan_buy(t.qty, cost, date);
                book.apply_buy(&plan, &id, &t.symbol, t.qty, cost, date, taxable.then_some(&mut report));
            }
        }
        loss_accounts.resize(report.losses.len(), a);
        match_accounts.resize(report.matches.len(), (a, a, false));
        debug_assert!(losses_before <= report.losses.len() && matches_before <= report.matches.len());
        match t.side {
            Side::Sell if taxable => {
                replace_loss_elsewhere(&mut books, accounts, a, key, &id, date, &mut report, &mut match_accounts)
            }
            Side::Buy => {
                replace_losses_elsewhere(&mut books, accounts, a, key, &id, date, &mut report, &mut match_accounts)
            }
            Side::Sell => {}
        }
    }
    let name = |i: usize| accounts[i].account.to_owned();
    Ok(AccountWashSales {
        losses: report
            .losses
            .into_iter()
            .zip(loss_accounts)
            .map(|(sale, a)| AccountLoss { account: name(a), sale })
            .collect(),
        matches: report
            .matches
            .into_iter()
            .zip(match_accounts)
            .map(|(wash, (l, r, permanent))| AccountMatch {
                loss_account: name(l),
                replacement_account: name(r),
                permanent,
                wash,
            })
            .collect(),
    })
}

/// Records `m` shares of loss `(book, index)` replaced in account `r` (`permanent` when tax-deferred); returns the
/// disallowed loss and holding days to move into the replacement (none when permanent).
#[allow(clippy::too_many_arguments)]
fn record(
    loss_book: &mut SymbolLots,
    index: usize,
    m: Decimal,
    replacement: &Arc<str>,
    accounts: (usize, usize, bool),
    report: &mut WashSaleReport,
    match_accounts: &mut Vec<(usize, usize, bool)>,
) -> Option<(Decimal, i64)> {
    let (d, days, loss_index, loss_trade) = loss_book.take_loss(index, m)?;
    let permanent = accounts.2;
    report.matches.push(WashSaleMatch {
        loss_trade_id: loss_trade,
        replacement_trade_id: replacement.clone(),
        qty: m,
        disallowed_loss: d,
        basis_adjustment: if permanent { Decimal::ZERO } else { d },
        holding_period_days_added: if permanent { 0 } else { days },
        direction: Direction::Long,
    });
    match_accounts.push(accounts);
    if let Some(loss) = report.losses.get_mut(loss_index) {
        loss.disallowed_loss = (loss.disallowed_loss + d).min(loss.loss);
        loss.allowed_loss = loss.loss - loss.disallowed_loss;
    }
    (!permanent).then_some((d, days))
}

/// The loss of sale `id` in account `a` still waiting for a replacement, matched to shares bought in the 30 days
/// before it and held in the person's other accounts, in purchase order.
#[allow(clippy::too_many_arguments)]
fn replace_loss_elsewhere<'t>(
    books: &mut BTreeMap<(usize, &'t str), SymbolLots>,
    accounts: &[AccountTrades<'_>],
    a: usize,
    key: &'t str,
    id: &Arc<str>,
    date: NaiveDate,
    report: &mut WashSaleReport,
    match_accounts: &mut Vec<(usize, usize, bool)>,
) {
    let waiting = books.get(&(a, key)).map(|b| b.losses_of(id)).unwrap_or_default();
    if waiting.is_empty() {
        return;
    }
    // candidates: (bought, account, lot index, shares), oldest first
    let mut candidates: Vec<(NaiveDate, usize, usize, Decimal)> = Vec::new();
    for (&(b, k), book) in books.iter() {
        if b != a && k == key {
            candidates.extend(book.replacement_lots(date).into_iter().map(|(i, bought, q)| (bought, b, i, q)));
        }
    }
    candidates.sort_by_key(|c| (c.0, c.1, c.2));
    // Lots split by a match shift the later indexes of their book by one.
    let mut offsets: BTreeMap<usize, usize> = BTreeMap::new();
    let mut waiting = waiting.into_iter();
    let Some((mut loss_index, mut loss_left)) = waiting.next() else { return };
    for (_, b, lot, mut free) in candidates {
        while free > Decimal::ZERO && loss_left > Decimal::ZERO {
            let m = dc::min(free, loss_left);
            let permanent = accounts[b].treatment == TaxTreatment::TaxDeferred;
            let at = lot + offsets.get(&b).copied().unwrap_or(0);
            let Some(replacement) = books.get(&(b, key)).and_then(|book| book.lot_trade_id(at)) else { break };
            let Some(loss_book) = books.get_mut(&(a, key)) else { return };
            let moved = record(loss_book, loss_index, m, &replacement, (a, b, permanent), report, match_accounts);
            if books.get_mut(&(b, key)).is_some_and(|book| book.absorb_replacement(at, m, moved)) {
                *offsets.entry(b).or_default() += 1;
            }
            free -= m;
            loss_left -= m;
        }
        if loss_left.is_zero() {
            match waiting.next() {
                Some((i, q)) => (loss_index, loss_left) = (i, q),
                None => return,
            }
        }
    }
}

/// Shares bought by `id` in account `b` that did not replace a loss of their own account, matched to losses of the
/// person's taxable accounts waiting for a replacement (sold in the 30 days before), oldest first.
#[allow(clippy::too_many_arguments)]
fn replace_losses_elsewhere<'t>(
    books: &mut BTreeMap<(usize, &'t str), SymbolLots>,
    accounts: &[AccountTrades<'_>],
    b: usize,
    key: &'t str,
    id: &Arc<str>,
    date: NaiveDate,
    report: &mut WashSaleReport,
    match_accounts: &mut Vec<(usize, usize, bool)>,
) {
    let Some((mut lot, mut free)) = books.get(&(b, key)).and_then(|book| book.newest_replacement(id, date)) else {
        return;
    };
    let mut waiting: Vec<(NaiveDate, usize, usize, Decimal)> = Vec::new();
    for (&(a, k), book) in books.iter() {
        if a != b && k == key && accounts[a].treatment == TaxTreatment::Taxable {
            waiting.extend(book.waiting_losses(date).into_iter().map(|(i, sold, q)| (sold, a, i, q)));
        }
    }
    waiting.sort_by_key(|w| (w.0, w.1, w.2));
    let permanent = accounts[b].treatment == TaxTreatment::TaxDeferred;
    for (_, a, index, qty) in waiting {
        if free.is_zero() {
            break;
        }
        let m = dc::min(free, qty);
        let Some(loss_book) = books.get_mut(&(a, key)) else { continue };
        let moved = record(loss_book, index, m, id, (a, b, permanent), report, match_accounts);
        if let Some(book) = books.get_mut(&(b, key)) {
            // the matched shares split off the front of the new lot; the rest stays newest
            if book.absorb_replacement(lot, m, moved) {
                lot += 1;
            }
        }
        free -= m;
    }
}
