//! The day-trade records as lists of named values ([`Value`]): what Python's dicts and Node's objects are built
//! from (a test holds each list to the record's JSON).

use crate::report::Value;

use super::day_trades::{DayTrade, PdtStatus};

impl DayTrade {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        vec![
            ("date", Value::Date(self.date)),
            ("symbol", Value::text(&self.symbol)),
            ("qty", Value::Decimal(self.qty)),
            ("open_trade_id", Value::text(&self.open_trade_id)),
            ("close_trade_id", Value::text(&self.close_trade_id)),
        ]
    }
}

impl PdtStatus {
    /// Every field by name, in the order of its JSON.
    pub fn fields(&self) -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("day_trades_in_window", Value::Int(i64::from(self.day_trades_in_window))),
            ("total_trades_in_window", Value::Int(i64::from(self.total_trades_in_window))),
            ("window_start", Value::Date(self.window_start)),
            ("window_end", Value::Date(self.window_end)),
            ("is_pattern_day_trader", Value::Bool(self.is_pattern_day_trader)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::compliance::{day_trades, pdt_status, DayTradeCounting, PatternDayTrading};
    use crate::report::tests::same_as_json;
    use crate::{Side, Trade};
    use rust_decimal_macros::dec;

    #[test]
    fn the_lists_are_the_json() {
        let at = |s: &str| s.parse().unwrap();
        let trades = [
            Trade::new("b1", "u", "X", Side::Buy, dec!(10), dec!(10), at("2024-06-03T14:00:00Z")).unwrap(),
            Trade::new("s1", "u", "X", Side::Sell, dec!(10), dec!(11), at("2024-06-03T15:00:00Z")).unwrap(),
        ];
        let d = &day_trades(&trades, DayTradeCounting::Transitions).unwrap()[0];
        same_as_json(d, &d.fields());
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let s = pdt_status(&trades, &PatternDayTrading::default(), as_of).unwrap();
        same_as_json(&s, &s.fields());
    }
}
