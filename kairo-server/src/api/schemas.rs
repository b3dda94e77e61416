//! The response schemas of the OpenAPI document for the reads whose bodies kairo-core's reports make (metrics,
//! comparative, compliance, the pre-trade decision): each is derived from a sample body computed by the very
//! functions the handlers call, on a small fixed history, so that the document names every field the service
//! writes and cannot drift from it. A generated client (e.g. `openapi-typescript`) gets a type for each.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kairo_core::compare::{compare, Benchmark, CompareOptions};
use kairo_core::compliance::{check_history, AccountContext, Decision};
use kairo_core::report;
use kairo_core::returns::PriceTable;
use kairo_core::{History, Side, Trade};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

use crate::services::analysis;
use crate::store::User;

/// The objects of the bodies keyed by data (symbols) rather than by field names.
const MAPS: &[&str] = &["realized_by_symbol", "deferred_by_symbol"];

/// The schema of a JSON sample: objects with every key required (a `null` value makes its key nullable), arrays of
/// their first item's schema, strings (decimal amounts are decimal strings; `YYYY-MM-DD` a date, RFC 3339 a
/// date-time), integers, and numbers or null (a statistic that is not finite is written `null`).
///
/// With `strict` false (a document whose parts depend on the data: the metrics of a user without closed lots or
/// prices leave some out), no key is required and every value may be `null`.
pub fn from_sample(v: &Value, strict: bool) -> Schema {
    let ty = |t: Type| if strict { SchemaType::Type(t) } else { SchemaType::from_iter([t, Type::Null]) };
    match v {
        Value::Null => ObjectBuilder::new().schema_type(Type::Null).into(),
        Value::Bool(_) => ObjectBuilder::new().schema_type(ty(Type::Boolean)).into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => ObjectBuilder::new().schema_type(ty(Type::Integer)).into(),
        // a statistic: null when it is not a finite number (a ratio over a zero deviation, ...)
        Value::Number(_) => ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Number, Type::Null])).into(),
        Value::String(s) => {
            let b = ObjectBuilder::new().schema_type(ty(Type::String));
            if s.parse::<NaiveDate>().is_ok() {
                b.format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).into()
            } else if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
                b.format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))).into()
            } else if s.parse::<Decimal>().is_ok() {
                b.description(Some("A decimal string (money at cents, half to even)")).into()
            } else {
                b.into()
            }
        }
        Value::Array(items) => {
            let item = items.first().map_or_else(
                || ObjectBuilder::new().schema_type(SchemaType::AnyValue).into(),
                |i| from_sample(i, strict),
            );
            ArrayBuilder::new().schema_type(ty(Type::Array)).items(RefOr::T(item)).into()
        }
        Value::Object(map) => {
            let mut b = ObjectBuilder::new().schema_type(ty(Type::Object));
            for (k, v) in map {
                let schema = if MAPS.contains(&k.as_str()) {
                    // keyed by data (symbols): any key, each value of the first one's schema
                    let first = v.as_object().and_then(|m| m.values().next()).map_or_else(
                        || ObjectBuilder::new().schema_type(SchemaType::AnyValue).into(),
                        |f| from_sample(f, strict),
                    );
                    ObjectBuilder::new()
                        .schema_type(ty(Type::Object))
                        .additional_properties(Some(RefOr::T(first)))
                        .description(Some("By symbol"))
                        .into()
                } else if v.is_null() {
                    // (a value the sample lacks: any JSON, or null)
                    ObjectBuilder::new()
                        .schema_type(SchemaType::AnyValue)
                        .description(Some("null when not available"))
                        .into()
                } else {
                    from_sample(v, strict)
                };
                b = b.property(k, schema);
                if strict {
                    b = b.required(k);
                }
            }
            b.into()
        }
    }
}

/// A small fixed history: a buy, a partial sale at a loss and a buy back (a wash sale), of a symbol with closes
/// and SPY's, on a margin account.
fn sample() -> (User, History, PriceTable) {
    let at = |s: &str| s.parse().unwrap_or_default();
    let trade = |id: &str, side, qty: i64, price: Decimal, t: &str| {
        Trade::new(id, "u", "ABC", side, Decimal::from(qty), price, at(t))
    };
    let trades: Vec<Trade> = [
        trade("t1", Side::Buy, 10, Decimal::new(10025, 2), "2024-07-01T14:00:00Z"),
        trade("t2", Side::Sell, 4, Decimal::new(9510, 2), "2024-07-02T15:00:00Z"),
        trade("t3", Side::Buy, 3, Decimal::new(9633, 2), "2024-07-03T15:00:00Z"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let history = History::new(trades).unwrap_or_default();
    let mut prices = PriceTable::new();
    let closes = [
        ("2024-07-01", 100.5, 500.0),
        ("2024-07-02", 95.0, 503.2),
        ("2024-07-03", 97.25, 501.1),
        ("2024-07-05", 99.0, 505.75),
        ("2024-08-01", 101.0, 510.0),
    ];
    for (d, abc, spy) in closes {
        let date: NaiveDate = d.parse().unwrap_or_default();
        let dec = |x: f64| Decimal::try_from(x).unwrap_or_default();
        let _ = prices.insert("ABC".to_owned(), date, dec(abc));
        let _ = prices.insert("SPY".to_owned(), date, dec(spy));
    }
    let user = User {
        id: uuid::Uuid::nil(),
        email: Some("sample@kairo.invalid".into()),
        username: Some("sample".into()),
        account_type: "margin".into(),
        subscription_plan: "free".into(),
        subscription_status: "inactive".into(),
        created_at: None,
    };
    (user, history, prices)
}

/// The sample bodies by component name.
fn bodies() -> BTreeMap<&'static str, Value> {
    let (user, history, prices) = sample();
    let mut out = BTreeMap::new();
    let mut metrics = analysis::metrics_body(&history, &[], &prices);
    metrics["stale"] = json!(false);
    out.insert("MetricsBody", metrics);
    if let Ok(c) = compare(&history, &prices, &Benchmark::default(), &CompareOptions::default()) {
        let mut body = report::to_json(&c.fields(), Some(report::MONEY_SCALE));
        body["market_data"] = json!({ "stale": false, "symbols": [] });
        out.insert("ComparativeBody", body);
    }
    let ctx = AccountContext::default();
    if let Ok(results) = check_history(&history, &analysis::rules(), &ctx) {
        let rows: Vec<Value> = results.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
        out.insert(
            "CheckResult",
            rows.iter()
                .find(|r| r["metadata"].as_object().is_some_and(|m| !m.is_empty()))
                .cloned()
                .unwrap_or(Value::Null),
        );
        // (the decision's shape: `allowed` and the results, each a CheckResult)
        let decision = Decision::from_results(results.into_iter().take(1).collect());
        out.insert("Decision", serde_json::to_value(&decision).unwrap_or(Value::Null));
    }
    let summary = analysis::compliance_summary(&user, &history);
    out.insert("ComplianceSummary", summary);
    out
}

/// Adds the sample-derived components and points the 200 answers of the report reads at them.
pub struct ResponseSchemas;

impl utoipa::Modify for ResponseSchemas {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, body) in bodies() {
            let schema = match name {
                "CheckResult" => relax_metadata(from_sample(&body, true)),
                "Decision" => ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .property("allowed", ObjectBuilder::new().schema_type(Type::Boolean))
                    .required("allowed")
                    .property("results", ArrayBuilder::new().items(Ref::from_schema_name("CheckResult")))
                    .required("results")
                    .into(),
                // the metrics and the summary leave out what a user's data does not give
                "MetricsBody" | "ComplianceSummary" => match from_sample(&body, false) {
                    // (the document itself is an object, never null)
                    Schema::Object(mut o) => {
                        o.schema_type = SchemaType::Type(Type::Object);
                        Schema::Object(o)
                    }
                    other => other,
                },
                // the daily series come with `series=daily` only
                "ComparativeBody" => match from_sample(&body, true) {
                    Schema::Object(mut o) => {
                        o.required.retain(|k| !analysis::DAILY_FIELDS.contains(&k.as_str()));
                        Schema::Object(o)
                    }
                    other => other,
                },
                _ => from_sample(&body, true),
            };
            components.schemas.insert(name.to_owned(), RefOr::T(schema));
        }
        // The compliance page: the stored rows, the totals, the summary.
        let list = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("rows", ArrayBuilder::new().items(Ref::from_schema_name("AuditRow")))
            .required("rows")
            .property("total", ObjectBuilder::new().schema_type(Type::Integer))
            .required("total")
            .property("limit", ObjectBuilder::new().schema_type(Type::Integer))
            .required("limit")
            .property("offset", ObjectBuilder::new().schema_type(Type::Integer))
            .required("offset")
            .property("summary", Ref::from_schema_name("ComplianceSummary"))
            .required("summary");
        components.schemas.insert("ComplianceList".to_owned(), RefOr::T(list.into()));
        for (path, name) in [
            ("/users/{id}/metrics", "MetricsBody"),
            ("/users/{id}/comparative", "ComparativeBody"),
            ("/users/{id}/compliance", "ComplianceList"),
            ("/users/{id}/compliance/check", "Decision"),
        ] {
            let Some(item) = openapi.paths.paths.get_mut(path) else { continue };
            for op in [&mut item.get, &mut item.post].into_iter().flatten() {
                if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
                    ok.content.insert(
                        "application/json".to_owned(),
                        ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build(),
                    );
                }
            }
        }
    }
}

/// `metadata` of a check result as any object (its keys depend on the check).
fn relax_metadata(schema: Schema) -> Schema {
    let Schema::Object(mut o) = schema else { return schema };
    if o.properties.contains_key("metadata") {
        o.properties.insert(
            "metadata".to_owned(),
            RefOr::T(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .description(Some(
                        "The numbers behind the decision and the rule's reference; keys depend on the check",
                    ))
                    .into(),
            ),
        );
    }
    Schema::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_complete() {
        let b = bodies();
        for name in ["MetricsBody", "ComparativeBody", "CheckResult", "Decision", "ComplianceSummary"] {
            assert!(b.get(name).is_some_and(|v| !v.is_null()), "{name} has no sample");
        }
        // the sample has a wash sale and closed lots: the reports' optional parts are present
        let m = &b["MetricsBody"];
        assert!(m["risk"].is_object() && m["pnl"]["unrealized"].is_string(), "{m}");
        assert!(b["ComplianceSummary"]["wash_sales"].is_object());
    }
}
