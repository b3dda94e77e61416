//! The compliance engine: streaming, batch and pre-trade give the same answers on random histories; no input makes
//! it panic; configuration from JSON, TOML and the example file; errors name the field.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{buy, sell};
use kairo_core::compliance::{
    check_history, check_order, default_rules, rules, AccountContext, AccountType, ComplianceConfig, Engine, RuleSet,
    Status,
};
use kairo_core::{ComplianceError, Side, Trade};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[test]
fn results_serialize_as_audit_rows() {
    let ctx: AccountContext = serde_json::from_str(r#"{"restricted_symbols": ["XYZ"]}"#).unwrap();
    let trades = [buy("t1", "XYZ", dec!(1), dec!(10), "2024-03-01 10:00")];
    let results = check_history(&trades, &default_rules(), &ctx).unwrap();
    let row = results.iter().find(|r| r.check_name == "restricted_symbol").unwrap();
    let json = serde_json::to_value(row).unwrap();
    assert_eq!(json["trade_id"], "t1");
    assert_eq!(json["check_name"], "restricted_symbol");
    assert_eq!(json["status"], "fail");
    assert_eq!(json["metadata"]["symbol"], "XYZ");
    assert!(json["reason"].as_str().unwrap().contains("restricted list"));
}

/// The check names of trade `id`'s results, in order.
fn checks_on(history: &[Trade], id: &str, ctx: &AccountContext) -> Vec<&'static str> {
    check_history(history, &default_rules(), ctx)
        .unwrap()
        .iter()
        .filter(|r| &*r.trade_id == id)
        .map(|r| r.check_name)
        .collect()
}

#[test]
fn a_cash_account_gets_the_cash_rules_and_a_margin_account_the_day_trading_rule() {
    let history = [
        buy("b", "AAPL", dec!(1), dec!(100), "2024-07-01 10:00"),
        sell("s", "AAPL", dec!(1), dec!(101), "2024-07-01 11:00"),
    ];
    let cash: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "1000"}"#).unwrap();
    let names = checks_on(&history, "s", &cash);
    assert_eq!(
        names,
        [
            "wash_sale",
            "good_faith_violation",
            "freeriding",
            "cash_liquidation",
            "market_hours",
            "restricted_symbol",
            "short_sale_cash_account",
            "penny_stock",
            "price_band",
            "self_match"
        ]
    );
    let margin: AccountContext = serde_json::from_str(r#"{"account_type": "margin", "equity": "30000"}"#).unwrap();
    let names = checks_on(&history, "s", &margin);
    assert_eq!(
        names,
        [
            "pattern_day_trading",
            "wash_sale",
            "market_hours",
            "restricted_symbol",
            "penny_stock",
            "price_band",
            "self_match"
        ]
    );
}

#[test]
fn out_of_order_pushes_are_rejected_and_batch_input_is_sorted() {
    let early = buy("a", "AAPL", dec!(1), dec!(100), "2024-07-01 10:00");
    let late = buy("b", "AAPL", dec!(1), dec!(100), "2024-07-01 11:00");
    let mut engine = Engine::new(&default_rules(), AccountContext::default()).unwrap();
    engine.push(&late).unwrap();
    let err = engine.push(&early).unwrap_err();
    assert!(matches!(err, ComplianceError::OutOfOrder { .. }));
    assert_eq!(err.field(), "executed_at");
    assert!(err.to_string().contains("earlier than trade b"), "{err}");
    let (in_order, reversed) = ([early.clone(), late.clone()], [late, early]);
    let forward = check_history(&in_order, &default_rules(), &AccountContext::default()).unwrap();
    let backward = check_history(&reversed, &default_rules(), &AccountContext::default()).unwrap();
    assert_eq!(forward, backward);
}

#[test]
fn an_invalid_trade_is_an_error_naming_the_field_and_nothing_is_returned() {
    let mut bad = buy("x", "AAPL", dec!(1), dec!(100), "2024-07-01 10:00");
    bad.qty = dec!(-5);
    let ok = buy("a", "AAPL", dec!(1), dec!(100), "2024-07-01 09:45");
    let mut out = Vec::new();
    let trades = [ok, bad];
    let err =
        kairo_core::compliance::check_history_into(&trades, &default_rules(), &AccountContext::default(), &mut out)
            .unwrap_err();
    assert_eq!(err.field(), "qty");
    assert!(err.to_string().starts_with("trade x: qty must be greater than zero"), "{err}");
    assert!(out.is_empty());
}

#[test]
fn configuration_loads_from_json_and_toml_and_rejects_unknown_keys() {
    let toml_ctx: AccountContext = toml::from_str(
        r#"
        account_type = "margin"
        equity = "30000"
        restricted_symbols = ["XYZ", "ABC"]
        settlement = "t_plus1"
        [limits.pattern_day_trading]
        counting = "pairs"
        "#,
    )
    .unwrap();
    assert_eq!(toml_ctx.account_type, AccountType::Margin);
    assert_eq!(toml_ctx.equity, Some(dec!(30000)));
    assert!(toml_ctx.is_restricted("ABC"));
    assert_eq!(toml_ctx.limits.pattern_day_trading.counting, kairo_core::compliance::DayTradeCounting::Pairs);
    let err = serde_json::from_str::<AccountContext>(r#"{"acount_type": "cash"}"#).unwrap_err().to_string();
    assert!(err.contains("acount_type"), "{err}");
    let err = serde_json::from_str::<AccountContext>(r#"{"limits": {"max_notional": {"maximum": "5"}}}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("maximum"), "{err}");
}

#[test]
fn invalid_limits_and_unknown_checks_are_errors_naming_the_field() {
    // read from JSON, a context is validated as it is read ...
    let err = serde_json::from_str::<AccountContext>(r#"{"limits": {"pattern_day_trading": {"window_days": 0}}}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("limits.pattern_day_trading.window_days"), "{err}");
    let err = serde_json::from_str::<AccountContext>(r#"{"reference_prices": {"AAPL": "0"}}"#).unwrap_err();
    assert!(err.to_string().contains("reference_prices"), "{err}");
    // ... and one built in code when it is used
    let mut ctx = AccountContext::default();
    ctx.limits.pattern_day_trading.window_days = 0;
    let err = Engine::new(&default_rules(), ctx).err().unwrap();
    assert_eq!(err.field(), "limits.pattern_day_trading.window_days");
    let mut ctx = AccountContext::default();
    ctx.reference_prices.insert("AAPL".into(), rust_decimal::Decimal::ZERO);
    assert_eq!(check_history(&[], &default_rules(), &ctx).unwrap_err().field(), "reference_prices");
    let err = rules::by_names(&["wash_sale", "wash_sales"]).err().unwrap();
    assert_eq!(err.field(), "checks");
    assert!(err.to_string().contains("\"wash_sales\""), "{err}");
}

#[test]
fn the_example_configuration_file_loads_and_names_every_check() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/compliance.toml");
    let config: ComplianceConfig = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rules = config.rule_set().unwrap();
    assert_eq!(rules.names(), rules::NAMES);
    let ctx = &config.account;
    assert_eq!(ctx.account_type, AccountType::Margin);
    assert!(ctx.limits.max_notional.is_some() && ctx.limits.concentration.is_some());
    // The file spells out every limit at its default or an explicit value, so it documents them all.
    let text = std::fs::read_to_string(path).unwrap();
    for key in [
        "min_equity",
        "day_trades",
        "window_days",
        "min_share_percent",
        "counting",
        "good_faith_violations",
        "freeriding",
        "cash_liquidations",
        "lookback_months",
        "restriction_days",
        "max_percent",
        "below",
        "max_deviation_percent",
        "window_seconds",
        "reference_prices",
        "settled_cash",
        "settlement",
    ] {
        assert!(text.contains(key), "{key} is not documented in examples/compliance.toml");
    }
}

fn contexts() -> Vec<AccountContext> {
    [
        r#"{"account_type": "cash", "settled_cash": "4000", "restricted_symbols": ["XYZ"],
            "limits": {"max_notional": {"max": "3000"}, "concentration": {"max_percent": "40", "action": "flag"}}}"#,
        r#"{"account_type": "margin", "equity": "20000", "reference_prices": {"AAPL": "50"},
            "limits": {"pattern_day_trading": {"counting": "pairs"}}}"#,
        r#"{"account_type": "margin", "equity": "30000", "settlement": "t_plus2"}"#,
        r#"{"account_type": "cash"}"#,
        r#"{"account_type": "cash", "settled_cash": "2500", "substantially_identical": [["AAPL", "MSFT"]],
            "limits": {"cash_account": {"purchase_funding": "day_total"}}}"#,
    ]
    .iter()
    .map(|s| serde_json::from_str(s).unwrap())
    .collect()
}

/// Histories over three symbols and about three weeks (weekends, the Juneteenth holiday, overnight hours), prices
/// around $50 in cents and quantities that often match earlier ones, so that day trades, wash sales and settlement
/// violations all occur.
fn arb_history() -> impl Strategy<Value = Vec<Trade>> {
    prop::collection::vec((0usize..3, 0i64..30_000, any::<bool>(), 1i64..8, 4_000i64..6_000), 0..60).prop_map(|rows| {
        let start: DateTime<Utc> = "2024-06-10T13:00:00Z".parse().unwrap();
        rows.into_iter()
            .enumerate()
            .map(|(i, (s, minutes, is_buy, q, cents))| {
                let side = if is_buy { Side::Buy } else { Side::Sell };
                Trade::new(
                    format!("t{i:02}"),
                    "u1",
                    ["AAPL", "XYZ", "BRK.B"][s],
                    side,
                    Decimal::from(q * 10),
                    Decimal::new(cents, 2),
                    start + Duration::minutes(minutes),
                )
                .unwrap()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Pushing trades one by one gives what the batch gives; a pre-trade check of the next trade gives what pushing
    /// it gives; recording without results leaves the engine where pushing does.
    #[test]
    fn streaming_equals_batch_and_pre_trade(history in arb_history()) {
        for ctx in contexts() {
            let rules = default_rules();
            let batch = check_history(&history, &rules, &ctx).unwrap();
            let mut sorted = history.clone();
            kairo_core::trade::sort_chronologically(&mut sorted);
            let mut engine = Engine::new(&rules, ctx.clone()).unwrap();
            let mut recorder = Engine::new(&rules, ctx.clone()).unwrap();
            let mut streamed = Vec::new();
            for (i, t) in sorted.iter().enumerate() {
                let pre = engine.check_order(t).unwrap();
                prop_assert_eq!(&pre, &recorder.check_order(t).unwrap());
                let stateless = check_order(&sorted[..i], t, &rules, &ctx).unwrap();
                prop_assert_eq!(&pre, &stateless);
                let pushed = engine.push(t).unwrap();
                recorder.record(t).unwrap();
                prop_assert_eq!(&pre.results, &pushed);
                prop_assert_eq!(pre.allowed, pushed.iter().all(|r| r.status != Status::Fail));
                streamed.extend(pushed);
            }
            prop_assert_eq!(batch, streamed);
        }
    }

    /// The three settlement checks answered together from one ledger give exactly what the three separate rules
    /// give.
    #[test]
    fn shared_settlement_ledger_equals_separate_rules(history in arb_history()) {
        let ctx = &contexts()[0];
        let separate = RuleSet::new().with(rules::GoodFaithViolationRule).with(rules::FreeridingRule).with(rules::CashLiquidationRule);
        let together = RuleSet::new().with(rules::SettlementViolationsRule::all());
        prop_assert_eq!(together.names(), separate.names());
        prop_assert_eq!(check_history(&history, &together, ctx).unwrap(), check_history(&history, &separate, ctx).unwrap());
        let mut a = Engine::new(&together, ctx.clone()).unwrap();
        let mut b = Engine::new(&separate, ctx.clone()).unwrap();
        let mut sorted = history.clone();
        kairo_core::trade::sort_chronologically(&mut sorted);
        for t in &sorted {
            prop_assert_eq!(a.check_order(t).unwrap(), b.check_order(t).unwrap());
            a.push(t).unwrap();
            b.push(t).unwrap();
        }
    }

    /// Any trades (any decimals within the trade bounds, any times from 1900 to 2200, symbols seen and unseen) and
    /// any context: results or an error, never a panic.
    #[test]
    fn no_input_panics(
        rows in prop::collection::vec(
            (0usize..4, any::<bool>(), 1u64..u64::MAX, 0u32..29, 1u64..u64::MAX, 0u32..29, 0u64..1000, -2_208_988_800i64..7_258_118_400),
            0..30,
        ),
        ctx_pick in 0usize..4,
        settled in any::<i64>(),
    ) {
        let mut ctx = contexts().swap_remove(ctx_pick);
        if ctx.settled_cash.is_some() {
            ctx.settled_cash = Some(Decimal::from(settled) / dec!(1000));
        }
        let trades: Vec<Trade> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (s, is_buy, q, qs, p, ps, fee, secs))| Trade {
                id: format!("t{i}"),
                user_id: "u".into(),
                symbol: ["AAPL", "XYZ", "BRK.B", "Z"][s].into(),
                side: if is_buy { Side::Buy } else { Side::Sell },
                qty: Decimal::from_i128_with_scale(i128::from(q % 1_000_000_000_000_000_000), qs),
                price: Decimal::from_i128_with_scale(i128::from(p % 1_000_000_000_000_000_000), ps),
                executed_at: DateTime::from_timestamp(secs, 0).unwrap(),
                external_id: None,
                fees: Decimal::from(fee),
            })
            .collect();
        let _ = check_history(&trades, &default_rules(), &ctx);
        if let Some((last, rest)) = trades.split_last() {
            let _ = check_order(rest, last, &default_rules(), &ctx);
        }
    }
}
