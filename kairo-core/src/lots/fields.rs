//! The lot reports as lists of named values ([`Value`]): what Python's dicts and Node's objects are built from,
//! so that a field added to a report reaches both (a test holds each list to the report's JSON).

use crate::report::Value;

use std::borrow::Cow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::pnl::{ClosedLot, LotReport, OpenLot, Position, TradeStats};
use super::wash_report::{LossSale, WashSaleMatch, WashSaleReport};

impl OpenLot {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("user_id", Value::text(&self.user_id)),
            ("symbol", Value::text(&self.symbol)),
            ("trade_id", Value::text(&self.trade_id)),
            ("direction", Value::text(self.direction.as_str())),
            ("qty", Value::Decimal(self.qty)),
            ("basis", Value::Money(self.basis)),
            ("unit_cost", Value::Decimal(self.unit_cost)),
            ("opened_at", Value::Time(self.opened_at)),
            ("open_date", Value::Date(self.open_date)),
        ]
    }
}

impl ClosedLot {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("user_id", Value::text(&self.user_id)),
            ("symbol", Value::text(&self.symbol)),
            ("direction", Value::text(self.direction.as_str())),
            ("open_trade_id", Value::text(&self.open_trade_id)),
            ("close_trade_id", Value::text(&self.close_trade_id)),
            ("qty", Value::Decimal(self.qty)),
            ("proceeds", Value::Money(self.proceeds)),
            ("basis", Value::Money(self.basis)),
            ("realized_pnl", Value::Money(self.realized_pnl)),
            ("opened_at", Value::Time(self.opened_at)),
            ("closed_at", Value::Time(self.closed_at)),
            ("open_date", Value::Date(self.open_date)),
            ("close_date", Value::Date(self.close_date)),
            ("holding_period_days", Value::Int(self.holding_period_days)),
            ("term", Value::text(self.term.as_str())),
        ]
    }
}

impl Position {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("user_id", Value::owned(self.user_id.to_string())),
            ("symbol", Value::owned(self.symbol.to_string())),
            ("qty", Value::Decimal(self.qty)),
            ("basis", Value::Money(self.basis)),
            ("average_cost", Value::Decimal(self.average_cost)),
        ]
    }
}

impl LotReport {
    /// Every field by name: those of its JSON, in order, with the open positions ([`LotReport::positions`]) before
    /// `realized_pnl`.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("method", Value::text(self.method.as_str())),
            ("open_lots", Value::List(self.open_lots.iter().map(|l| Value::Record(l.fields())).collect())),
            ("closed_lots", Value::List(self.closed_lots.iter().map(|l| Value::Record(l.fields())).collect())),
            ("positions", Value::List(self.positions().iter().map(|p| Value::Record(p.fields())).collect())),
            ("realized_pnl", Value::Money(self.realized_pnl)),
        ]
    }
}

impl WashSaleMatch {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("loss_trade_id", Value::text(&self.loss_trade_id)),
            ("replacement_trade_id", Value::text(&self.replacement_trade_id)),
            ("qty", Value::Decimal(self.qty)),
            ("disallowed_loss", Value::Money(self.disallowed_loss)),
            ("basis_adjustment", Value::Money(self.basis_adjustment)),
            ("holding_period_days_added", Value::Int(self.holding_period_days_added)),
            ("direction", Value::text(self.direction.as_str())),
        ]
    }
}

impl LossSale {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("trade_id", Value::text(&self.trade_id)),
            ("symbol", Value::text(&self.symbol)),
            ("date", Value::Date(self.date)),
            ("qty", Value::Decimal(self.qty)),
            ("loss", Value::Money(self.loss)),
            ("disallowed_loss", Value::Money(self.disallowed_loss)),
            ("allowed_loss", Value::Money(self.allowed_loss)),
            ("direction", Value::text(self.direction.as_str())),
        ]
    }
}

impl TradeStats {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        let count = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        vec![
            ("closed_lots", count(self.closed_lots)),
            ("winners", count(self.winners)),
            ("losers", count(self.losers)),
            ("win_rate", Value::Float(self.win_rate)),
            ("gross_profit", Value::Money(self.gross_profit)),
            ("gross_loss", Value::Money(self.gross_loss)),
            ("profit_factor", Value::Float(self.profit_factor)),
        ]
    }
}

fn amounts(m: &BTreeMap<String, Decimal>) -> Value<'_> {
    Value::Map(m.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::Money(*v))).collect())
}

impl WashSaleReport {
    /// Every field by name: those of its JSON, with the totals ([`WashSaleReport::realized_pnl`],
    /// [`WashSaleReport::disallowed_loss`]) after the lists.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("matches", Value::List(self.matches.iter().map(|m| Value::Record(m.fields())).collect())),
            ("losses", Value::List(self.losses.iter().map(|l| Value::Record(l.fields())).collect())),
            ("realized_pnl", Value::Money(self.realized_pnl())),
            ("disallowed_loss", Value::Money(self.disallowed_loss())),
            ("realized_by_symbol", amounts(&self.realized_by_symbol)),
            ("deferred_by_symbol", amounts(&self.deferred_by_symbol)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::lots::{match_lots, LotMethod};
    use crate::report::tests::same_as_json;
    use crate::{Side, Trade};
    use rust_decimal_macros::dec;

    #[test]
    fn the_lists_are_the_json() {
        let at = |s: &str| s.parse().unwrap();
        let trades = [
            Trade::new("b1", "u", "X", Side::Buy, dec!(10), dec!(10), at("2024-01-02T15:00:00Z")).unwrap(),
            Trade::new("s1", "u", "X", Side::Sell, dec!(4), dec!(12), at("2024-01-03T15:00:00Z")).unwrap(),
        ];
        let r = match_lots(&trades, LotMethod::Fifo).unwrap();
        same_as_json(&r.open_lots[0], &r.open_lots[0].fields());
        same_as_json(&r.closed_lots[0], &r.closed_lots[0].fields());
        let stats = r.trade_stats();
        same_as_json(&stats, &stats.fields());
        let p = &r.positions()[0];
        same_as_json(p, &p.fields());
        let mut fields = r.fields();
        fields.retain(|(k, _)| *k != "positions");
        same_as_json(&r, &fields);
    }

    #[test]
    fn the_wash_sale_lists_are_the_json() {
        use crate::lots::wash_sales;
        let at = |s: &str| s.parse().unwrap();
        let trades = [
            Trade::new("b1", "u", "X", Side::Buy, dec!(10), dec!(10), at("2024-01-02T15:00:00Z")).unwrap(),
            Trade::new("s1", "u", "X", Side::Sell, dec!(10), dec!(8), at("2024-01-03T15:00:00Z")).unwrap(),
            Trade::new("b2", "u", "X", Side::Buy, dec!(10), dec!(9), at("2024-01-04T15:00:00Z")).unwrap(),
        ];
        let r = wash_sales(&trades).unwrap();
        same_as_json(&r.matches[0], &r.matches[0].fields());
        same_as_json(&r.losses[0], &r.losses[0].fields());
        let mut fields = r.fields();
        fields.retain(|(k, _)| !matches!(*k, "realized_pnl" | "disallowed_loss"));
        same_as_json(&r, &fields);
    }
}
