//! `short_sale_cash_account`: a sale of more shares than the cash account holds fails. Short sales need a margin
//! account: Regulation T §220.8(a) lets a cash account sell only a security it holds (or will deliver by
//! settlement), and §220.12 (FINRA Rule 4210(c)) sets the margin a short sale needs. Applies to sells in cash
//! accounts.
//!
//! Sources, worked examples and conventions: [`compliance::sources`](crate::compliance::sources).

use crate::compliance::text::Sentence;
use crate::compliance::{AccountContext, AccountType, Event, Metadata, Reason, Rule, RuleState, Verdict};
use crate::decimal_cmp as dc;
use crate::trade::Side;

/// The `short_sale_cash_account` rule.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShortSaleCashAccountRule;

const REFERENCE: &str = "Regulation T 12 CFR 220.8(a) (cash account sales of securities held)";

impl Rule for ShortSaleCashAccountRule {
    fn name(&self) -> &'static str {
        "short_sale_cash_account"
    }

    fn start(&self, _ctx: &AccountContext) -> Box<dyn RuleState> {
        Box::new(ShortSaleCashAccountRule)
    }
}

impl RuleState for ShortSaleCashAccountRule {
    fn check(&self, ev: &Event<'_>, ctx: &AccountContext) -> Option<Verdict> {
        if ctx.account_type != AccountType::Cash || ev.trade.side != Side::Sell {
            return None;
        }
        let held = ev.position.max(rust_decimal::Decimal::ZERO);
        let mut meta = Metadata::with_capacity(2).with("qty", ev.trade.qty).with("held", held);
        if dc::le(ev.trade.qty, held) {
            return Some(Verdict::pass("The sale does not exceed the shares held.", meta));
        }
        meta.insert("rule", REFERENCE);
        let (symbol, qty) = (ev.symbol_name.clone(), ev.trade.qty);
        let reason = Reason::later(move |_| {
            Sentence::new(120)
                .s("Selling ")
                .decimal(qty)
                .s(" ")
                .s(&symbol)
                .s(" while holding ")
                .decimal(held)
                .s(" would be a short sale, which a cash account cannot make.")
                .done()
        });
        Some(Verdict::fail(reason, meta))
    }

    fn record(&mut self, _ev: &Event<'_>, _ctx: &AccountContext) {}
}
