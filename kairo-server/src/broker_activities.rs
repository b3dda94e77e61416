//! A brokerage account's history as the broker exports it, read into kairo-core's trades and activities: Alpaca's
//! account activities (`GET /v2/account/activities`: fills and non-trade activities) and kairo's CSV of activities.
//! Every record goes through kairo-core's input path; a record that does not read, or whose type kairo does not
//! take, is reported with its place, its id and why (never dropped silently).
//!
//! | Alpaca `activity_type` | kairo |
//! |---|---|
//! | `FILL` | a trade (`side` `buy` → BUY, `sell` / `sell_short` → SELL; the activity id is the trade's `external_id`) |
//! | `CSD`, `CSR` | DEPOSIT |
//! | `CSW` | WITHDRAWAL |
//! | `JNLC` (cash journal) | DEPOSIT when `net_amount` > 0, WITHDRAWAL when < 0 |
//! | `DIV`, `DIVCGL`, `DIVCGS`, `DIVFEE`, `DIVFT`, `DIVROC`, `DIVTXEX` | DIVIDEND (`net_amount`, on `symbol`) |
//! | `DIVNRA`, `DIVTW`, `INTNRA`, `INTTW` (tax withheld) | TAX (the amount withheld) |
//! | `INT` | INTEREST |
//! | `FEE`, `CFEE`, `PTC` | FEE (the amount charged) |
//! | `SPLIT` | covered by the corporate actions the market data reads (the split's ratio is the symbol's): reported as skipped |
//! | anything else (`ACATC`, `ACATS`, `JNLS`, `MA`, `NC`, `OPASN`, `OPEXP`, `REORG`, `SC`, `SPIN`, ...) | unsupported: an error, or skipped and reported with `skip_unsupported` |

use std::io::Read;

use kairo_core::activity::{Activity, ActivityInput};
use kairo_core::input::{Amount, Timestamp, TradeInput};
use kairo_core::Trade;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record that could not be imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    /// Its 0-based place in the input (a CSV's data lines from 0).
    pub index: usize,
    /// Its id, when it has one.
    pub id: Option<String>,
    /// Its type as the broker wrote it.
    pub activity_type: Option<String>,
    /// The field at fault (`activity_type` for a type kairo does not take).
    pub field: String,
    /// What is wrong, as a stable word (kairo-core's, or `unsupported_type`, `covered_by_corporate_actions`).
    pub kind: String,
    /// The message.
    pub message: String,
}

/// What an import reads.
#[derive(Debug, Default)]
pub struct Imported {
    /// Fills, validated.
    pub trades: Vec<(Trade, String)>,
    /// Activities, validated.
    pub activities: Vec<Activity>,
    /// Records left out on purpose, each with why.
    pub skipped: Vec<Rejected>,
}

fn text(record: &Value, key: &str) -> Option<String> {
    match record.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn amount(record: &Value, key: &str) -> Option<Amount> {
    text(record, key).map(Amount::Text)
}

/// `net_amount`'s magnitude, for types whose direction is their type.
fn magnitude(record: &Value) -> Option<Amount> {
    let n = text(record, "net_amount")?;
    Some(Amount::Text(n.strip_prefix('-').map_or(n.clone(), str::to_owned)))
}

enum Mapped {
    Trade(TradeInput),
    Activity(ActivityInput),
    Skip(&'static str, &'static str),
    Unsupported,
}

fn map(user: &str, record: &Value) -> Mapped {
    let kind = text(record, "activity_type").unwrap_or_default().to_ascii_uppercase();
    let activity = |t: &str, amount: Option<Amount>, symbol: Option<String>| {
        Mapped::Activity(ActivityInput {
            id: text(record, "id"),
            user_id: Some(user.to_owned()),
            kind: Some(t.to_owned()),
            date: text(record, "date"),
            symbol,
            amount,
            ..ActivityInput::default()
        })
    };
    match kind.as_str() {
        "FILL" => Mapped::Trade(TradeInput {
            id: None,
            user_id: Some(user.to_owned()),
            symbol: text(record, "symbol"),
            side: text(record, "side").map(|s| if s.eq_ignore_ascii_case("sell_short") { "SELL".into() } else { s }),
            qty: amount(record, "qty"),
            price: amount(record, "price"),
            executed_at: text(record, "transaction_time").map(Timestamp::Text),
            external_id: text(record, "id"),
            fees: None,
        }),
        "CSD" | "CSR" => activity("DEPOSIT", magnitude(record), None),
        "CSW" => activity("WITHDRAWAL", magnitude(record), None),
        "JNLC" => {
            let out = text(record, "net_amount").is_some_and(|n| n.starts_with('-'));
            activity(if out { "WITHDRAWAL" } else { "DEPOSIT" }, magnitude(record), None)
        }
        "DIV" | "DIVCGL" | "DIVCGS" | "DIVFEE" | "DIVFT" | "DIVROC" | "DIVTXEX" => {
            activity("DIVIDEND", amount(record, "net_amount"), text(record, "symbol"))
        }
        "DIVNRA" | "DIVTW" | "INTNRA" | "INTTW" => activity("TAX", magnitude(record), text(record, "symbol")),
        "INT" => activity("INTEREST", amount(record, "net_amount"), None),
        "FEE" | "CFEE" | "PTC" => activity("FEE", magnitude(record), text(record, "symbol")),
        "SPLIT" => Mapped::Skip(
            "covered_by_corporate_actions",
            "a split is applied from the symbol's corporate actions (its ratio), which the market data reads",
        ),
        _ => Mapped::Unsupported,
    }
}

/// Reads Alpaca's account activities (a JSON array, as `GET /v2/account/activities` pages them) for `user`:
/// every record validated, all of them or none (every bad record listed); types kairo does not take are errors
/// unless `skip_unsupported`, when they are listed in [`Imported::skipped`].
pub fn from_alpaca(user: &str, records: &[Value], skip_unsupported: bool) -> Result<Imported, Vec<Rejected>> {
    let mut out = Imported::default();
    let mut bad = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let id = text(record, "id");
        let activity_type = text(record, "activity_type");
        let reject = |field: &str, kind: &str, message: String| Rejected {
            index,
            id: id.clone(),
            activity_type: activity_type.clone(),
            field: field.to_owned(),
            kind: kind.to_owned(),
            message,
        };
        match map(user, record) {
            Mapped::Trade(input) => match input.into_trade() {
                Ok(t) => out.trades.push((t, record.to_string())),
                Err(e) => bad.push(reject(e.field(), e.kind(), e.to_string())),
            },
            Mapped::Activity(input) => match input.into_activity_at(index) {
                Ok(a) => out.activities.push(a),
                Err(e) => bad.push(reject(e.field(), e.kind(), e.to_string())),
            },
            Mapped::Skip(kind, why) => out.skipped.push(reject("activity_type", kind, why.to_owned())),
            Mapped::Unsupported => {
                let r = reject(
                    "activity_type",
                    "unsupported_type",
                    format!("activity_type {:?} is not one kairo imports", activity_type.as_deref().unwrap_or("")),
                );
                if skip_unsupported {
                    out.skipped.push(r);
                } else {
                    bad.push(r);
                }
            }
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// A CSV row of kairo's activities: the input's columns (`id,user_id,type,date,symbol,amount,qty,ratio,
/// cash_in_lieu,new_symbol,cost_basis,acquired`); an empty cell or an absent column is an absent field.
#[derive(Deserialize)]
struct CsvRow {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    qty: Option<String>,
    #[serde(default)]
    ratio: Option<String>,
    #[serde(default)]
    cash_in_lieu: Option<String>,
    #[serde(default)]
    new_symbol: Option<String>,
    #[serde(default)]
    cost_basis: Option<String>,
    #[serde(default)]
    acquired: Option<String>,
}

/// Reads kairo's CSV of activities, all or nothing (every bad line listed; `index` 0 is the first data line).
pub fn from_csv(input: impl Read) -> Result<Vec<Activity>, Vec<Rejected>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input);
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    for (index, row) in reader.deserialize::<CsvRow>().enumerate() {
        let rejected = |field: &str, kind: &str, message: String, id: Option<String>| Rejected {
            index,
            id,
            activity_type: None,
            field: field.to_owned(),
            kind: kind.to_owned(),
            message,
        };
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                bad.push(rejected("", "invalid_csv", e.to_string(), None));
                continue;
            }
        };
        let cell = |v: Option<String>| v.filter(|s| !s.is_empty());
        let num = |v: Option<String>| cell(v).map(Amount::Text);
        let id = cell(row.id);
        let input = ActivityInput {
            id: id.clone(),
            user_id: cell(row.user_id),
            kind: cell(row.kind),
            date: cell(row.date),
            symbol: cell(row.symbol),
            amount: num(row.amount),
            qty: num(row.qty),
            ratio: num(row.ratio),
            cash_in_lieu: num(row.cash_in_lieu),
            new_symbol: cell(row.new_symbol),
            cost_basis: num(row.cost_basis),
            acquired: cell(row.acquired),
        };
        match input.into_activity_at(index) {
            Ok(a) => out.push(a),
            Err(e) => bad.push(rejected(e.field(), e.kind(), e.to_string(), id)),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}
