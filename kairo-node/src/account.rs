//! The account basis and lots through activities: JavaScript activity objects (`{ id?, userId, type, date, symbol?,
//! amount?, qty?, ratio?, cashInLieu?, newSymbol?, costBasis?, acquired? }`) read by kairo-core's input path.

use chrono::{DateTime, Utc};
use kairo_core::account::{
    account_summary, account_valuations, AccountDay, AccountOptions as CoreOptions, AccountSummary,
};
use kairo_core::activity::{read_all, Activity, ActivityInput};
use kairo_core::input::Amount;
use kairo_core::lots::{match_lots_with_activities, LotReport};
use kairo_core::report::Value;
use napi::bindgen_prelude::{Either, Object};
use napi_derive::napi;

use crate::errors::{error, Code, OrThrow, Result};
use crate::input::{
    date, decimal, method, prices as price_table, splits as read_splits, trades as read_trades, Prices, StockSplit,
};
use crate::report::{Fields, Js};

/// A field of an activity object, refused by name when it is not of the JavaScript type it must be.
fn get<V: napi::bindgen_prelude::FromNapiValue + napi::bindgen_prelude::ValidateNapiValue>(
    obj: &Object,
    index: usize,
    field: &'static str,
    expected: &str,
) -> Result<Option<V>> {
    obj.get::<V>(field)
        .map_err(|_| error(Code::InvalidInput, field, format!("activities[{index}].{field}: must be {expected}")))
}

/// Activities from a list of JavaScript objects, all or nothing (`KAIRO_INVALID_INPUT` naming the record and field).
pub fn activities(list: &[Object]) -> Result<Vec<Activity>> {
    let mut inputs = Vec::with_capacity(list.len());
    for (i, obj) in list.iter().enumerate() {
        let text = |field: &'static str| get::<String>(obj, i, field, "a string");
        let amount = |field: &'static str| -> Result<Option<Amount>> {
            Ok(get::<Either<String, f64>>(obj, i, field, "a decimal string or a number")?.map(|v| match v {
                Either::A(s) => Amount::Text(s),
                Either::B(f) => Amount::Float(f),
            }))
        };
        let day = |field: &'static str| -> Result<Option<String>> {
            Ok(get::<Either<String, DateTime<Utc>>>(obj, i, field, "a Date or a YYYY-MM-DD string")?.map(|v| match v {
                Either::A(s) => s,
                Either::B(d) => d.to_rfc3339(),
            }))
        };
        inputs.push(ActivityInput {
            id: text("id")?,
            user_id: text("userId")?,
            kind: text("type")?,
            date: day("date")?,
            symbol: text("symbol")?,
            amount: amount("amount")?,
            qty: amount("qty")?,
            ratio: amount("ratio")?,
            cash_in_lieu: amount("cashInLieu")?,
            new_symbol: text("newSymbol")?,
            cost_basis: amount("costBasis")?,
            acquired: day("acquired")?,
        });
    }
    read_all(inputs).or_throw()
}

/// Options of `account`.
#[napi(object)]
pub struct AccountOptions {
    /// Stock splits of the raw closes.
    pub splits: Option<Vec<StockSplit>>,
    /// Cash before the history (default 0).
    pub opening_cash: Option<Either<String, f64>>,
    /// The last day valued, `YYYY-MM-DD`.
    pub end: Option<String>,
    /// Add the daily valuations (`days`).
    pub daily: Option<bool>,
}

/// The summary and, on request, the days.
pub struct AccountReport {
    summary: Option<AccountSummary>,
    days: Option<Vec<AccountDay>>,
}

impl Fields for AccountReport {
    fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
        let mut out = self.summary.as_ref().map(AccountSummary::fields).unwrap_or_default();
        if let Some(days) = &self.days {
            out.push(("days", Value::List(days.iter().map(|d| Value::Record(d.fields())).collect())));
        }
        out
    }
}

/// The account basis: cash and positions valued at every close from the trades and the account's activities,
/// deposits, withdrawals and transfers being the external flows (kairo-core's `AccountSummary`, money as decimal
/// strings); `options.daily` adds the valuations.
#[napi(
    ts_args_type = "trades: TradeInput[], activities: ActivityInput[], prices: Prices, options?: AccountOptions | null",
    ts_return_type = "AccountSummary"
)]
pub fn account(
    trades: Vec<Object>,
    activities: Vec<Object>,
    prices: Prices,
    options: Option<AccountOptions>,
) -> Result<Js<AccountReport>> {
    let trades = read_trades(&trades)?;
    let activities = self::activities(&activities)?;
    let mut table = price_table(&prices)?;
    let options = options.unwrap_or(AccountOptions { splits: None, opening_cash: None, end: None, daily: None });
    for s in read_splits(options.splits.as_deref().unwrap_or_default())? {
        table.insert_split(s.symbol, s.ex_date, s.ratio).or_throw()?;
    }
    let core = CoreOptions {
        opening_cash: options
            .opening_cash
            .as_ref()
            .map(|c| decimal("openingCash", c))
            .transpose()
            .or_throw()?
            .unwrap_or_default(),
        end: options.end.as_deref().map(|e| date("end", e)).transpose()?,
    };
    let summary = account_summary(&trades, &activities, &table, &core).or_throw()?;
    let days = match options.daily {
        Some(true) => Some(account_valuations(&trades, &activities, &table, &core).or_throw()?),
        _ => None,
    };
    Ok(Js(AccountReport { summary, days }))
}

/// Tax lots through activities (splits, symbol changes, transfers of shares).
pub fn lots_with_activities(
    trades: &[Object],
    method_name: Option<String>,
    activities: &[Object],
    splits: &[StockSplit],
) -> Result<LotReport> {
    let m = method(method_name)?;
    let trades = read_trades(trades)?;
    let activities = self::activities(activities)?;
    let splits = read_splits(splits)?;
    match_lots_with_activities(&trades, m, &activities, &splits).or_throw()
}
