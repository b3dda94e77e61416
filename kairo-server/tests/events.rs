//! The event log over HTTP, on both backends: Server-Sent Events resumed with `Last-Event-ID` across a reconnect
//! and a restart of the service (nothing missed, nothing twice, by id), the live check and the recomputation
//! reporting each outcome once, the streams' authorization and heartbeats.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::sse::{self, Sse};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

/// A sale in a cash account of shares it does not hold: `short_sale_cash_account` fails it.
fn naked_sale(user: &str, i: usize) -> serde_json::Value {
    let at =
        chrono::DateTime::parse_from_rfc3339("2024-03-04T15:00:00Z").unwrap() + chrono::Duration::minutes(i as i64);
    json!({ "user_id": user, "symbol": "ABC", "side": "SELL", "qty": "1", "price": "10",
            "executed_at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) })
}

/// Posts `n` failing trades (numbered from `from`); their ids.
async fn post_failing(app: &common::App, user: &str, from: usize, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in from..from + n {
        let (s, t) = app.post("/trades", &naked_sale(user, i)).await;
        assert_eq!(s, 201, "{t}");
        ids.push(t["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// The trades of `events` that a `short_sale_cash_account` fail names.
fn failed_trades(events: &[Sse]) -> BTreeSet<String> {
    events
        .iter()
        .filter(|e| e.kind == "compliance.fail" && e.data["data"]["check_name"] == "short_sale_cash_account")
        .map(|e| e.data["data"]["trade_id"].as_str().unwrap().to_owned())
        .collect()
}

fn covers(ids: &[String]) -> impl Fn(&[Sse]) -> bool + '_ {
    move |seen: &[Sse]| ids.iter().all(|id| failed_trades(seen).contains(id))
}

async fn resume_across_reconnect_and_restart(backend: common::Backend) {
    let Some((url, _dir)) = common::fresh_database(backend).await else { return };
    let app = common::app_configured(common::config(&url), None).await;
    let user = app.user("cash").await;
    let path = format!("/users/{user}/events");

    // Connected: the fails of the first trades arrive, each with its envelope.
    let (_, stream) = sse::open(&app.base, &format!("{path}?after=0"), common::TOKEN, None).await;
    let mut stream = stream.unwrap();
    let first = post_failing(&app, &user, 0, 5).await;
    let mut seen = stream.until(WAIT, covers(&first)).await;
    assert_eq!(failed_trades(&seen), first.iter().cloned().collect::<BTreeSet<_>>());
    let e = seen.iter().find(|e| e.kind == "compliance.fail").unwrap();
    assert_eq!((e.data["id"].as_i64(), e.data["type"].as_str()), (Some(e.id), Some("compliance.fail")));
    assert_eq!(e.data["user_id"], user.as_str());
    assert_eq!(e.data["data"]["status"], "fail");
    assert!(e.data["data"]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    drop(stream);

    // Disconnected: trades go on; a reconnect with the last id gets exactly what came after it.
    let second = post_failing(&app, &user, 5, 5).await;
    let last = seen.last().unwrap().id;
    let (_, stream) = sse::open(&app.base, &path, common::TOKEN, Some(last)).await;
    let mut stream = stream.unwrap();
    let after = stream.until(WAIT, covers(&second)).await;
    assert!(after.iter().all(|e| e.id > last), "an event at or before Last-Event-ID was sent again");
    seen.extend(after);
    drop(stream);

    // The service restarts (its memory gone: no warm engines, no wake-ups); the log carries on.
    app.stop().await;
    let app = common::app_configured(common::config(&url), None).await;
    let last = seen.last().unwrap().id;
    let (_, stream) = sse::open(&app.base, &path, common::TOKEN, Some(last)).await;
    let mut stream = stream.unwrap();
    let third = post_failing(&app, &user, 10, 5).await;
    let after = stream.until(WAIT, covers(&third)).await;
    assert!(after.iter().all(|e| e.id > last));
    seen.extend(after);

    // Every trade's fail once, ids increasing without repeats across the three connections.
    let ids: Vec<i64> = seen.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids not increasing: {ids:?}");
    let all: Vec<String> = first.iter().chain(&second).chain(&third).cloned().collect();
    assert_eq!(failed_trades(&seen).len(), all.len());

    // After the recomputation ran (it reports the same outcomes), the whole log read from the start holds each
    // outcome once, and exactly the events the connections saw, plus what came later (metrics updates).
    app.wait_for_audit(&user, app.expected_audit_rows(&user).await).await;
    let (_, stream) = sse::open(&app.base, &format!("{path}?after=0"), common::TOKEN, None).await;
    let log = stream.unwrap().until(Duration::from_secs(2), |_| false).await;
    let mut outcomes = BTreeSet::new();
    for e in log.iter().filter(|e| e.kind.starts_with("compliance.")) {
        let key = (e.data["data"]["trade_id"].to_string(), e.data["data"]["check_name"].to_string());
        assert!(outcomes.insert(key.clone()), "outcome reported twice: {key:?}");
    }
    let log_ids: BTreeSet<i64> = log.iter().map(|e| e.id).collect();
    assert!(ids.iter().all(|id| log_ids.contains(id)));
    assert!(log.iter().any(|e| e.kind == "metrics.updated" && e.data["data"]["trades"] == 15));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_sqlite() {
    resume_across_reconnect_and_restart(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_postgres() {
    resume_across_reconnect_and_restart(common::Backend::Postgres).await;
}

both_backends!(streams_are_authorized_and_kept_alive, |app: common::App| async move {
    let user = app.user("cash").await;
    let other = app.user("cash").await;
    let own = common::user_jwt(&user);
    // the user's own stream with the user's token; nobody else's, and not everyone's
    let (s, stream) = sse::open(&app.base, &format!("/users/{user}/events"), &own, None).await;
    assert_eq!(s, 200);
    assert_eq!(sse::open(&app.base, &format!("/users/{other}/events"), &own, None).await.0, 403);
    assert_eq!(sse::open(&app.base, "/events", &own, None).await.0, 403);
    assert_eq!(sse::open(&app.base, "/events", "not-a-token", None).await.0, 401);
    let missing = uuid::Uuid::new_v4();
    assert_eq!(sse::open(&app.base, &format!("/users/{missing}/events"), common::TOKEN, None).await.0, 404);
    let r = app
        .client
        .get(format!("{}/events", app.base))
        .bearer_auth(common::TOKEN)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["details"]["field"], "Last-Event-ID");

    // everyone's stream (service token) sees both users' events; the user's own stream only theirs
    let (_, all) = sse::open(&app.base, "/events", common::TOKEN, None).await;
    let (mut all, mut own_stream) = (all.unwrap(), stream.unwrap());
    let mine = post_failing(&app, &user, 0, 1).await;
    let theirs = post_failing(&app, &other, 0, 1).await;
    let both: Vec<String> = mine.iter().chain(&theirs).cloned().collect();
    let seen = all.until(WAIT, covers(&both)).await;
    assert_eq!(failed_trades(&seen).len(), 2);
    let own_seen = own_stream.until(WAIT, covers(&mine)).await;
    assert!(own_seen.iter().all(|e| e.data["user_id"] == user.as_str()));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_keep_an_idle_stream_open() {
    let Some(app) = common::app_with(common::Backend::Sqlite, |c| c.event_heartbeat_seconds = 1).await else {
        return;
    };
    let (_, stream) = sse::open(&app.base, "/events", common::TOKEN, None).await;
    let mut stream = stream.unwrap();
    assert!(stream.next(Duration::from_millis(3500)).await.is_none());
    assert!(stream.comments >= 2, "{} heartbeats in 3.5 s", stream.comments);
}

both_backends!(wash_sales_and_pdt_changes_are_events, |app: common::App| async move {
    let user = app.user("margin").await;
    let (_, stream) = sse::open(&app.base, &format!("/users/{user}/events?after=0"), common::TOKEN, None).await;
    let mut stream = stream.unwrap();
    // a loss, then a purchase within 30 days that washes it
    for (side, price, at) in [
        ("BUY", "100", "2024-03-04T15:00:00Z"),
        ("SELL", "90", "2024-03-05T15:00:00Z"),
        ("BUY", "92", "2024-03-06T15:00:00Z"),
    ] {
        assert_eq!(app.post("/trades", &common::trade(&user, side, "10", price, at)).await.0, 201);
    }
    let seen = stream.until(WAIT, |s| s.iter().any(|e| e.kind == "wash_sale")).await;
    let wash = seen.iter().find(|e| e.kind == "wash_sale").unwrap();
    assert_eq!(wash.data["data"]["check_name"], "wash_sale");
    assert_eq!(wash.data["data"]["metadata"]["disallowed_loss"], "100");
    // four day trades in five business days (of 6 trades): a pattern day trader of an account under $25,000
    for day in 11..=14 {
        for (side, hour) in [("BUY", 14), ("SELL", 15)] {
            let mut t = common::trade(&user, side, "1", "50", &format!("2024-03-{day}T{hour}:00:00Z"));
            t["symbol"] = json!("XYZ");
            assert_eq!(app.post("/trades", &t).await.0, 201);
        }
    }
    let seen = stream.until(WAIT, |s| s.iter().any(|e| e.kind == "pdt.status_changed")).await;
    let change = seen.iter().find(|e| e.kind == "pdt.status_changed").unwrap();
    assert_eq!(change.data["data"]["is_pattern_day_trader"], true, "{:?}", change.data);
    assert_eq!(change.data["data"]["day_trades_in_window"], 4);
});
