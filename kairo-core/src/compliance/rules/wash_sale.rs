//! `wash_sale` (IRC §1091, IRS Publication 550): flags a sale at a loss whose loss is (partly) disallowed because
//! shares bought in the 30 days before it are still held, and a purchase that washes a loss sale of the 30 days
//! before it. A loss sale not (yet) washed passes, with the date until which a purchase would wash it. The matching
//! rules are those of [`wash_sales`](crate::lots::wash_sales), which reports the full (loss sale, replacement)
//! records and the adjusted P&L. Applies to every trade, cash and margin accounts alike.

use chrono::Duration;
use rust_decimal::Decimal;

use crate::compliance::text::Reason;
use crate::compliance::{AccountContext, Event, Metadata, Rule, RuleState, Verdict};
use crate::lots::{BuyPlan, SalePlan, SymbolLots, WASH_WINDOW_DAYS};
use crate::trade::Side;

/// The `wash_sale` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct WashSaleRule;

const REFERENCE: &str = "IRC 1091; IRS Publication 550 (Wash Sales)";

impl Rule for WashSaleRule {
    fn name(&self) -> &'static str {
        "wash_sale"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(WashState::default())
    }
}

/// The account's lots by symbol, and one sale plan and one purchase plan reused for every trade (a plan is a few
/// hundred bytes; filled in place, it is never copied).
#[derive(Default)]
struct WashState {
    books: Vec<SymbolLots>,
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
    /// Records the trade in its symbol's lots; with `verdict`, first the verdict on it from the lots before it.
    fn step(&mut self, ev: &Event<'_>, verdict: bool) -> Option<Verdict> {
        if self.books.len() <= ev.symbol {
            self.books.resize_with(ev.symbol + 1, SymbolLots::default);
        }
        let WashState { books, sale, buy } = self;
        let book = &mut books[ev.symbol];
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
                book.apply_buy(buy, ev.id, t.qty, amount, ev.date, None);
                verdict
            }
        }
    }
}

fn sale_verdict(book: &SymbolLots, plan: &SalePlan, ev: &Event<'_>) -> Verdict {
    let t = ev.trade;
    let loss = plan.loss();
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
    let reason = Reason::new(220)
        .s("Wash sale: $")
        .money(disallowed)
        .s(" of this sale's $")
        .money(loss)
        .s(" loss is disallowed because ")
        .s(&t.symbol)
        .s(" shares bought within 30 days before it are still held (trade ")
        .ids(&ids)
        .s("); the disallowed loss is added to their cost basis.")
        .done();
    Verdict::flag(reason, meta.with("replacement_trade_ids", ids).with("rule", REFERENCE))
}

fn buy_verdict(book: &SymbolLots, plan: &BuyPlan, ev: &Event<'_>) -> Verdict {
    let t = ev.trade;
    let disallowed = plan.disallowed();
    if disallowed.is_zero() {
        return Verdict::pass("This purchase does not replace shares sold at a loss.", Metadata::new());
    }
    let ids = book.pending_ids(plan);
    let reason = Reason::new(200)
        .s("Wash sale: this purchase comes within 30 days after a sale of ")
        .s(&t.symbol)
        .s(" at a loss (trade ")
        .ids(&ids)
        .s("); $")
        .money(disallowed)
        .s(" of that loss is disallowed and added to the cost basis of these shares.")
        .done();
    let meta = Metadata::with_capacity(3)
        .with("disallowed_loss", disallowed)
        .with("loss_trade_ids", ids)
        .with("rule", REFERENCE);
    Verdict::flag(reason, meta)
}

impl RuleState for WashState {
    fn check(&self, ev: &Event<'_>, _ctx: &AccountContext) -> Option<Verdict> {
        let t = ev.trade;
        let empty = SymbolLots::default();
        let book = self.books.get(ev.symbol).unwrap_or(&empty);
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
