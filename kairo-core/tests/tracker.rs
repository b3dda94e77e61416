//! The tracker equals the batch functions at every step: pushing a history trade by trade gives the results of
//! `check_history`, and its figures after each trade are `match_lots_with_splits`, `wash_sales_with_splits`, `twr`
//! and `money_weighted_return` of the history so far — with new symbols arriving, splits, and closes that grow.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kairo_core::compliance::{check_history, default_rules, AccountContext};
use kairo_core::lots::{match_lots_with_splits, wash_sales_with_splits, IdenticalSecurities, LotMethod, Split};
use kairo_core::returns::{money_weighted_return, twr, PriceTable};
use kairo_core::tracker::AccountTracker;
use kairo_core::{Side, Trade};
use rust_decimal::Decimal;

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn history(seed: u64, n: usize) -> (Vec<Trade>, PriceTable) {
    let mut g = Rng(seed | 1);
    let symbols = ["AAA", "BBB", "CCC", "DDD"];
    let start = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let mut prices = PriceTable::new();
    for (k, s) in symbols.iter().enumerate() {
        let mut p = 5_000 + 1_000 * k as i64;
        for day in 0..120 {
            if g.next() % 7 == 0 {
                continue; // gaps: a close missing now and then
            }
            p = (p + (g.next() % 200) as i64 - 100).max(100);
            prices.insert(*s, start + Duration::days(day), Decimal::new(p, 2)).unwrap();
        }
    }
    prices.insert_split("BBB", start + Duration::days(40), Decimal::TWO).unwrap();
    let mut held = [0i64; 4];
    let mut trades = Vec::new();
    for i in 0..n {
        let day = (i * 110 / n) as i64;
        let at = Utc.from_utc_datetime(&(start + Duration::days(day)).and_hms_opt(15, (i % 60) as u32, 0).unwrap());
        // symbols arrive over time: the valuation starts over when one does
        let s = (g.next() % (1 + (i * 4 / n) as u64)) as usize;
        let qty = 1 + (g.next() % 10) as i64;
        let side = if held[s] > 0 && g.next() % 2 == 0 { Side::Sell } else { Side::Buy };
        let qty = if side == Side::Sell { qty.min(held[s]) } else { qty };
        held[s] += if side == Side::Buy { qty } else { -qty };
        let price = Decimal::new(4_000 + (g.next() % 4_000) as i64, 2);
        trades.push(Trade::new(format!("t{i:04}"), "u", symbols[s], side, Decimal::from(qty), price, at).unwrap());
    }
    (trades, prices)
}

#[test]
fn the_tracker_equals_the_batch_functions_at_every_step() {
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "100000"}"#).unwrap();
    for seed in [3, 11, 2024] {
        let (trades, prices) = history(seed, 160);
        let splits: Vec<Split> = prices.splits();
        let mut tracker = AccountTracker::new(&default_rules(), ctx.clone(), splits.clone()).unwrap();
        let mut pushed = Vec::new();
        for (i, t) in trades.iter().enumerate() {
            pushed.extend(tracker.push(t.clone()).unwrap());
            if i % 7 != 0 && i != trades.len() - 1 {
                continue;
            }
            let so_far = &trades[..=i];
            let f = tracker.figures(&prices);
            let lots = match_lots_with_splits(so_far, LotMethod::Fifo, &splits).unwrap();
            assert_eq!(f.lots.realized_pnl, lots.realized_pnl, "seed {seed} step {i}");
            assert_eq!(f.lots.open_lots.len(), lots.open_lots.len());
            assert_eq!(f.lots.closed_lots.len(), lots.closed_lots.len());
            assert_eq!(format!("{:?}", f.lots.trade_stats()), format!("{:?}", lots.trade_stats()));
            let wash = wash_sales_with_splits(so_far, &IdenticalSecurities::default(), &splits).unwrap();
            assert_eq!(f.wash_sales, wash, "seed {seed} step {i}");
            assert_eq!(f.twr.as_ref().ok(), twr(so_far, &prices, None).ok().as_ref(), "seed {seed} step {i}");
            let mwr = money_weighted_return(so_far, &prices);
            assert_eq!(f.money_weighted_return.is_ok(), mwr.is_ok());
            if let (Ok(a), Ok(b)) = (f.money_weighted_return, mwr) {
                assert!(a == b || (a - b).abs() < 1e-12 || (a.is_nan() && b.is_nan()), "{a} {b}");
            }
        }
        assert_eq!(pushed, check_history(&trades, &default_rules(), &ctx).unwrap(), "seed {seed}");
    }
}

#[test]
fn closes_that_change_are_valued_again() {
    let (trades, mut prices) = history(5, 60);
    let mut tracker = AccountTracker::new(&default_rules(), AccountContext::default(), prices.splits()).unwrap();
    for t in &trades {
        tracker.record(t.clone()).unwrap();
    }
    let before = tracker.figures(&prices).twr.unwrap();
    // the closes of AAA's first weeks corrected: the kept days are valued again
    let early: Vec<(NaiveDate, Decimal)> =
        prices.series("AAA").unwrap().iter().take(20).map(|(d, c)| (*d, *c * Decimal::TWO)).collect();
    for (d, c) in early {
        prices.insert("AAA", d, c).unwrap();
    }
    let after = tracker.figures(&prices).twr.unwrap();
    assert_eq!(after, twr(&trades, &prices, None).unwrap());
    assert_ne!(before, after);
}

#[test]
fn the_tracker_follows_the_accounts_activities() {
    use kairo_core::activity::{read_all, ActivityInput};
    use kairo_core::input::TradeInput;
    use kairo_core::lots::{match_lots_with_activities, wash_sales_with_activities};
    let v: serde_json::Value = serde_json::from_str(include_str!("vectors/real_account.json")).unwrap();
    let trades: Vec<Trade> = serde_json::from_value::<Vec<TradeInput>>(v["trades"].clone())
        .unwrap()
        .into_iter()
        .map(|t| t.into_trade().unwrap())
        .collect();
    let activities = read_all(serde_json::from_value::<Vec<ActivityInput>>(v["activities"].clone()).unwrap()).unwrap();
    let mut prices = PriceTable::new();
    for c in v["prices"]["closes"].as_array().unwrap() {
        let (s, d, x) = (c["symbol"].as_str().unwrap(), c["date"].as_str().unwrap(), c["close"].as_str().unwrap());
        prices.insert(s, d.parse().unwrap(), x.parse().unwrap()).unwrap();
    }
    // the splits come with the activities only (the price table has none): applied once, in date order
    let ctx: AccountContext = serde_json::from_str(r#"{"account_type": "cash", "settled_cash": "0"}"#).unwrap();
    let mut tracker = AccountTracker::new(&default_rules(), ctx, Vec::new()).unwrap();
    let ordered = kairo_core::activity::in_order(&activities);
    let mut next = ordered.into_iter().peekable();
    for t in &trades {
        while let Some(a) = next.next_if(|a| a.date() <= t.trade_date()) {
            tracker.push_activity(a).unwrap();
        }
        tracker.push(t.clone()).unwrap();
    }
    for a in next {
        tracker.push_activity(a).unwrap();
    }
    let f = tracker.figures(&prices);
    let lots = match_lots_with_activities(&trades, kairo_core::lots::LotMethod::Fifo, &activities, &[]).unwrap();
    let open = |r: &kairo_core::lots::LotReport| {
        r.open_lots.iter().map(|l| (l.symbol.to_string(), l.qty, l.basis)).collect::<Vec<_>>()
    };
    assert_eq!(open(&f.lots), open(&lots));
    assert_eq!(f.lots.realized_pnl, lots.realized_pnl);
    let wash = wash_sales_with_activities(&trades, &IdenticalSecurities::default(), &activities, &[]).unwrap();
    assert_eq!(f.wash_sales, wash);
    assert_eq!(wash.disallowed_loss(), "1734.20".parse().unwrap());
}
