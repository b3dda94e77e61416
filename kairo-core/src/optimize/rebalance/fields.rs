//! The rebalance plan as a report ([`Value`] records): the one definition of its fields that the Python dict, the
//! Node object and the HTTP JSON are built from.

use crate::report::Value;

use super::{LotSale, Realized, RebalanceOrder, RebalancePlan, Skipped};

fn date_or_null(d: Option<chrono::NaiveDate>) -> Value<'static> {
    d.map_or(Value::Null, Value::Date)
}

impl LotSale {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("trade_id", Value::text(&self.trade_id)),
            ("opened", Value::Date(self.opened)),
            ("qty", Value::Decimal(self.qty)),
            ("basis", Value::Money(self.basis)),
            ("proceeds", Value::Money(self.proceeds)),
            ("gain", Value::Money(self.gain)),
            ("term", Value::text(self.term.as_str())),
        ]
    }
}

impl RebalanceOrder {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("symbol", Value::text(&self.symbol)),
            ("side", Value::text(self.side.as_str())),
            ("qty", Value::Decimal(self.qty)),
            ("price", Value::Decimal(self.price)),
            ("value", Value::Money(self.value)),
            ("lots", Value::List(self.lots.iter().map(|l| Value::Record(l.fields())).collect())),
            ("no_repurchase_until", date_or_null(self.no_repurchase_until)),
        ]
    }
}

impl Realized {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("short_term", Value::Money(self.short_term)),
            ("long_term", Value::Money(self.long_term)),
            ("total", Value::Money(self.short_term + self.long_term)),
        ]
    }
}

impl Skipped {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("symbol", Value::text(&self.symbol)),
            ("side", Value::text(self.side.as_str())),
            ("value", Value::Money(self.value)),
            ("reason", Value::text(self.reason)),
            ("until", date_or_null(self.until)),
        ]
    }
}

impl RebalancePlan {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("orders", Value::List(self.orders.iter().map(|o| Value::Record(o.fields())).collect())),
            ("realized", Value::Record(self.realized.fields())),
            ("turnover", Value::Float(self.turnover)),
            ("value", Value::Money(self.value)),
            ("cash_after", Value::Money(self.cash_after)),
            ("skipped", Value::List(self.skipped.iter().map(|s| Value::Record(s.fields())).collect())),
        ]
    }
}
