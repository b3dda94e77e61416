//! `wash_sale` (IRC §1091, IRS Publication 550): flags a sale at a loss whose loss is (partly) disallowed because
//! shares bought in the 30 days before it are still held, and a purchase that washes a loss sale of the 30 days
//! before it; for short positions (§1091(e), Treas. Reg. 1.1091-1(g)), a cover at a loss whose loss is disallowed
//! by a short opened in the 30 days before it and still open, and a short sale that washes a cover at a loss of
//! the 30 days before it. A loss not (yet) washed passes, with the date until which a trade would wash it. The matching
//! rules are those of [`wash_sales`](crate::lots::wash_sales), which reports the full (loss sale, replacement)
//! records and the adjusted P&L. Applies to every trade, cash and margin accounts alike.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use chrono::Duration;
use rust_decimal::Decimal;

use crate::activity::ActivityKind;
use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, ActivityEvent, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::lots::{BuyPlan, IdenticalSecurities, SalePlan, SymbolLots, WASH_WINDOW_DAYS};
use crate::trade::Side;

/// The `wash_sale` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct WashSaleRule;

const REFERENCE: &str = "IRC 1091; IRS Publication 550 (Wash Sales)";

const SHORT_REFERENCE: &str = "IRC 1091(e); Treas. Reg. 1.1091-1(g) (short sales)";

impl Rule for WashSaleRule {
    fn name(&self) -> &'static str {
        "wash_sale"
    }

    fn start(&self, ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(WashState {
            identical: IdenticalSecurities::from_groups(&ctx.substantially_identical),
            ..WashState::default()
        })
    }
}

/// The account's lots by security (a symbol, or a group of substantially identical symbols), and one sale plan and
/// one purchase plan reused for every trade (a plan is a few hundred bytes; filled in place, it is never copied).
#[derive(Default)]
struct WashState {
    books: Vec<SymbolLots>,
    /// The book of each of the engine's symbols (by its index), plus one; 0 before the symbol's first trade.
    book_of: Vec<usize>,
    /// The book of each group's key (looked up at a symbol's first trade only; a B-tree keeps this rare lookup from
    /// sharing the engine's hot hash-map code).
    group_books: std::collections::BTreeMap<String, usize>,
    identical: IdenticalSecurities,
    sale: SalePlan,
    buy: BuyPlan,
}

/// A sale's proceeds net of fees, or a purchase's cost with fees.
fn amount(ev: &Event<'_>) -> Decimal {
    match ev.trade.side {
        Side::Sell => ev.notional - ev.trade.fees,
        Side::Buy => ev.notional + ev.trade.fees,
    }
}

impl WashState {
    /// The book of the event's symbol, made at its first trade (a new one, or its group's).
    fn book_index(&mut self, ev: &Event<'_>) -> usize {
        if let Some(&b) = self.book_of.get(ev.symbol).filter(|b| **b > 0) {
            return b - 1;
        }
        let key = self.identical.key(&ev.trade.symbol);
        let index = match self.group_books.get(key) {
            Some(&b) => b,
            None => {
                self.books.push(SymbolLots::default());
                let b = self.books.len() - 1;
                if !self.identical.is_empty() {
                    self.group_books.insert(key.to_owned(), b);
                }
                b
            }
        };
        if self.book_of.len() <= ev.symbol {
            self.book_of.resize(ev.symbol + 1, 0);
        }
        self.book_of[ev.symbol] = index + 1;
        index
    }

    /// The book of the event's symbol as it stands, if it has one yet.
    fn book(&self, ev: &Event<'_>) -> Option<&SymbolLots> {
        let index = match self.book_of.get(ev.symbol).filter(|b| **b > 0) {
            Some(&b) => b - 1,
            None => *self.group_books.get(self.identical.key(&ev.trade.symbol))?,
        };
        self.books.get(index)
    }

    /// Records the trade in its symbol's lots; with `verdict`, first the verdict on it from the lots before it.
    fn step(&mut self, ev: &Event<'_>, verdict: bool) -> Option<Verdict> {
        let index = self.book_index(ev);
        let WashState { books, sale, buy, .. } = self;
        let book = &mut books[index];
        let t = ev.trade;
        let amount = amount(ev);
        match t.side {
            Side::Sell => {
                book.plan_sale_into(t.qty, amount, ev.date, sale);
                let verdict = verdict.then(|| sale_verdict(book, sale, ev));
                book.apply_sale(sale, ev.id, &t.symbol, ev.date, None);
                verdict
            }
            Side::Buy => {
                book.plan_buy_into(t.qty, amount, ev.date, buy);
                let verdict = verdict.then(|| buy_verdict(book, buy, ev));
                book.apply_buy(buy, ev.id, &t.symbol, t.qty, amount, ev.date, None);
                verdict
            }
        }
    }
}

fn sale_verdict(book: &SymbolLots, plan: &SalePlan, ev: &Event<'_>) -> Verdict {
    let loss = plan.loss();
    if loss.is_zero() || plan.disallowed().is_zero() {
        let short = plan.short_disallowed();
        if !short.is_zero() {
            return short_sale_verdict(book, plan, ev, short);
        }
    }
    if loss.is_zero() {
        return Verdict::pass("No shares are sold at a loss.", Metadata::new());
    }
    let disallowed = plan.disallowed();
    let window_end = ev.date + Duration::days(WASH_WINDOW_DAYS);
    if disallowed.is_zero() {
        // Nothing disallowed yet: the loss and the last day a purchase would wash it.
        return Verdict::pass(
            "This sale realizes a loss; buying the same security within 30 days after it would make it a wash sale.",
            Metadata::with_capacity(2).with("loss", loss).with("window_end", window_end),
        );
    }
    let ids = book.replacement_ids(plan);
    let meta = Metadata::with_capacity(7)
        .with("loss", loss)
        .with("loss_qty", plan.loss_qty())
        .with("disallowed_loss", disallowed)
        .with("allowed_loss", loss - disallowed)
        .with("window_end", window_end);
    let symbol = ev.symbol_name.clone();
    let reason = Reason::later(move |m| {
        Sentence::new(220)
            .s("Wash sale: $")
            .money(disallowed)
            .s(" of this sale's $")
            .money(loss)
            .s(" loss is disallowed because ")
            .s(&symbol)
            .s(" shares bought within 30 days before it are still held (trade ")
            .ids(m.ids("replacement_trade_ids"))
            .s("); the disallowed loss is added to their cost basis.")
            .done()
    });
    Verdict::flag(reason, meta.with("replacement_trade_ids", ids).with("rule", REFERENCE))
}

/// A short sale replacing shares of covers at a loss in the 30 days before it (§1091(e)).
fn short_sale_verdict(book: &SymbolLots, plan: &SalePlan, ev: &Event<'_>, disallowed: Decimal) -> Verdict {
    let ids = book.pending_short_ids(plan);
    let symbol = ev.symbol_name.clone();
    let reason = Reason::later(move |m| {
        Sentence::new(220)
            .s("Wash sale: this short sale comes within 30 days after a short position in ")
            .s(&symbol)
            .s(" was covered at a loss (trade ")
            .ids(m.ids("loss_trade_ids"))
            .s("); $")
            .money(disallowed)
            .s(" of that loss is disallowed and reduces the proceeds of this short sale.")
            .done()
    });
    let meta = Metadata::with_capacity(4)
        .with("disallowed_loss", disallowed)
        .with("loss_trade_ids", ids)
        .with("direction", "short")
        .with("rule", SHORT_REFERENCE);
    Verdict::flag(reason, meta)
}

/// A purchase covering a short position at a loss (§1091(e)).
fn cover_verdict(book: &SymbolLots, plan: &BuyPlan, ev: &Event<'_>, loss: Decimal) -> Verdict {
    let disallowed = plan.short_disallowed();
    let window_end = ev.date + Duration::days(WASH_WINDOW_DAYS);
    if disallowed.is_zero() {
        return Verdict::pass(
            "This purchase covers a short position at a loss; selling the same security short within 30 days after \
             it would make it a wash sale.",
            Metadata::with_capacity(3).with("loss", loss).with("window_end", window_end).with("direction", "short"),
        );
    }
    let ids = book.short_replacement_ids(plan);
    let symbol = ev.symbol_name.clone();
    let reason = Reason::later(move |m| {
        Sentence::new(240)
            .s("Wash sale: $")
            .money(disallowed)
            .s(" of this cover's $")
            .money(loss)
            .s(" loss is disallowed because a short sale of ")
            .s(&symbol)
            .s(" opened within 30 days before it is still open (trade ")
            .ids(m.ids("replacement_trade_ids"))
            .s("); the disallowed loss reduces that short sale's proceeds.")
            .done()
    });
    let meta = Metadata::with_capacity(8)
        .with("loss", loss)
        .with("loss_qty", plan.short_loss_qty())
        .with("disallowed_loss", disallowed)
        .with("allowed_loss", loss - disallowed)
        .with("window_end", window_end)
        .with("replacement_trade_ids", ids)
        .with("direction", "short")
        .with("rule", SHORT_REFERENCE);
    Verdict::flag(reason, meta)
}

fn buy_verdict(book: &SymbolLots, plan: &BuyPlan, ev: &Event<'_>) -> Verdict {
    let disallowed = plan.disallowed();
    let short_loss = plan.short_loss();
    if disallowed.is_zero() && !short_loss.is_zero() {
        return cover_verdict(book, plan, ev, short_loss);
    }
    if disallowed.is_zero() {
        return Verdict::pass("This purchase does not replace shares sold at a loss.", Metadata::new());
    }
    let ids = book.pending_ids(plan);
    let symbol = ev.symbol_name.clone();
    let reason = Reason::later(move |m| {
        Sentence::new(200)
            .s("Wash sale: this purchase comes within 30 days after a sale of ")
            .s(&symbol)
            .s(" at a loss (trade ")
            .ids(m.ids("loss_trade_ids"))
            .s("); $")
            .money(disallowed)
            .s(" of that loss is disallowed and added to the cost basis of these shares.")
            .done()
    });
    let meta = Metadata::with_capacity(3)
        .with("disallowed_loss", disallowed)
        .with("loss_trade_ids", ids)
        .with("rule", REFERENCE);
    Verdict::flag(reason, meta)
}

impl RuleState for WashState {
    fn activity(&mut self, ev: &ActivityEvent<'_>, _ctx: &AccountContext) {
        // A split multiplies the shares of the lots and of the losses waiting for a replacement; a symbol change
        // keeps the engine's number of the symbol, so the book follows it.
        if let (ActivityKind::Split { ratio, .. }, Some(symbol)) = (ev.activity.kind(), ev.symbol) {
            if let Some(&b) = self.book_of.get(symbol).filter(|b| **b > 0) {
                if let Some(book) = self.books.get_mut(b - 1) {
                    book.apply_split(*ratio);
                }
            }
        }
    }

    fn check(&self, ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        let t = ev.trade;
        let empty = SymbolLots::default();
        let book = self.book(ev).unwrap_or(&empty);
        Some(match t.side {
            Side::Sell => sale_verdict(book, &book.plan_sale(t.qty, amount(ev), ev.date), ev),
            Side::Buy => buy_verdict(book, &book.plan_buy(t.qty, amount(ev), ev.date), ev),
        })
    }

    fn record(&mut self, ev: &Event<'_>, _ctx: &AccountContext) {
        self.step(ev, false);
    }

    fn push(&mut self, ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        self.step(ev, true)
    }
}
