//! The compliance examples shared with the Python and Node suites (`tests/vectors/compliance.json`): regulators'
//! and brokers' worked examples with the expected values they state. Each suite reads the same file.

use kairo_core::compliance::{
    check_history, check_order, day_trades, pdt_status, AccountContext, CheckResult, ComplianceConfig, DayTradeCounting,
};
use kairo_core::lots::wash_sales;
use kairo_core::Trade;
use rust_decimal::Decimal;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/compliance.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn trades(v: &Value) -> Vec<Trade> {
    serde_json::from_value(v.clone()).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

/// Checks that `results` hold every expected `(trade_id, check_name, status, metadata ⊇)` row.
fn assert_results(case: &str, results: &[CheckResult], expected: &Value) {
    for e in expected.as_array().unwrap() {
        let (id, check) = (e["trade_id"].as_str().unwrap(), e["check_name"].as_str().unwrap());
        let r = results
            .iter()
            .find(|r| &*r.trade_id == id && r.check_name == check)
            .unwrap_or_else(|| panic!("{case}: no {check} result for {id}"));
        assert_eq!(r.status.as_str(), e["status"], "{case}: {check} on {id}: {}", r.reason());
        if let Some(meta) = e.get("metadata") {
            let actual = r.metadata.to_json();
            for (k, v) in meta.as_object().unwrap() {
                assert_eq!(&actual[k], v, "{case}: {check} on {id}: metadata {k}");
            }
        }
    }
}

#[test]
fn shared_compliance_vectors() {
    let cases = cases();
    assert!(cases.len() >= 12);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let history = trades(&case["trades"]);
        let config = ComplianceConfig {
            checks: case.get("checks").and_then(|c| serde_json::from_value(c.clone()).ok()),
            account: case.get("ctx").map(|c| serde_json::from_value(c.clone()).unwrap()).unwrap_or_default(),
        };
        let ctx: &AccountContext = &config.account;
        let rules = config.rule_set().unwrap();
        let expect = &case["expect"];
        if let Some(expected) = expect.get("results") {
            assert_results(name, &check_history(&history, &rules, ctx).unwrap(), expected);
        }
        if let Some(d) = expect.get("day_trades") {
            for (counting, key) in [(DayTradeCounting::Transitions, "transitions"), (DayTradeCounting::Pairs, "pairs")]
            {
                if let Some(n) = d[key].as_u64() {
                    assert_eq!(day_trades(&history, counting).unwrap().len() as u64, n, "{name}: {key}");
                }
            }
        }
        if let Some(records) = expect.get("day_trade_records") {
            let found = day_trades(&history, DayTradeCounting::Transitions).unwrap();
            for (f, e) in found.iter().zip(records.as_array().unwrap()) {
                assert_eq!(f.date.to_string(), e["date"]);
                assert_eq!(f.symbol, e["symbol"]);
                assert_eq!(f.qty, dec(&e["qty"]));
                assert_eq!(*f.open_trade_id, *e["open_trade_id"].as_str().unwrap());
                assert_eq!(*f.close_trade_id, *e["close_trade_id"].as_str().unwrap());
            }
        }
        if let Some(p) = expect.get("pdt_status") {
            let as_of = p["as_of"].as_str().unwrap().parse().unwrap();
            let s = pdt_status(&history, &ctx.limits.pattern_day_trading, as_of).unwrap();
            assert_eq!(u64::from(s.day_trades_in_window), p["day_trades_in_window"].as_u64().unwrap(), "{name}");
            assert_eq!(u64::from(s.total_trades_in_window), p["total_trades_in_window"].as_u64().unwrap(), "{name}");
            assert_eq!(s.window_start.to_string(), p["window_start"], "{name}");
            assert_eq!(s.window_end.to_string(), p["window_end"], "{name}");
            assert_eq!(s.is_pattern_day_trader, p["is_pattern_day_trader"], "{name}");
        }
        if let Some(w) = expect.get("wash_sales") {
            let r = wash_sales(&history).unwrap();
            for (l, e) in r.losses.iter().zip(w["losses"].as_array().unwrap()) {
                assert_eq!(*l.trade_id, *e["trade_id"].as_str().unwrap(), "{name}");
                assert_eq!(
                    (l.loss, l.disallowed_loss, l.allowed_loss),
                    (dec(&e["loss"]), dec(&e["disallowed_loss"]), dec(&e["allowed_loss"])),
                    "{name}"
                );
            }
            for (m, e) in r.matches.iter().zip(w["matches"].as_array().unwrap()) {
                assert_eq!(*m.loss_trade_id, *e["loss_trade_id"].as_str().unwrap(), "{name}");
                assert_eq!(*m.replacement_trade_id, *e["replacement_trade_id"].as_str().unwrap(), "{name}");
                assert_eq!(
                    (m.qty, m.disallowed_loss, m.basis_adjustment),
                    (dec(&e["qty"]), dec(&e["disallowed_loss"]), dec(&e["basis_adjustment"])),
                    "{name}"
                );
                assert_eq!(m.holding_period_days_added, e["holding_period_days_added"].as_i64().unwrap(), "{name}");
            }
            assert_eq!(r.losses.len(), w["losses"].as_array().unwrap().len(), "{name}");
            assert_eq!(r.matches.len(), w["matches"].as_array().unwrap().len(), "{name}");
            assert_eq!(r.realized_pnl(), dec(&w["realized_pnl"]), "{name}");
            assert_eq!(r.disallowed_loss(), dec(&w["disallowed_loss"]), "{name}");
            for (symbol, v) in w["deferred_by_symbol"].as_object().unwrap() {
                assert_eq!(r.deferred_by_symbol[symbol], dec(v), "{name}");
            }
        }
        if let Some(o) = expect.get("order") {
            let order: Trade = serde_json::from_value(o["trade"].clone()).unwrap();
            let d = check_order(&history, &order, &rules, ctx).unwrap();
            assert_eq!(d.allowed, o["allowed"], "{name}");
            if let Some(expected) = o.get("results") {
                assert_results(name, &d.results, expected);
            }
        }
    }
}
