//! Outbound webhooks on both backends: every event POSTed to a local receiver, retried with backoff until the
//! receiver acknowledges it, kept across a restart of the service while the receiver is down, visible in `/health`
//! and `/metrics` while failing, and signed so that the few lines of Node in kairo-server's documentation verify it.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

const SECRET: &str = "whsec_kairo_test_0123456789";

/// What the receiver saw: each request's event id, signature header and body, and whether it was acknowledged.
#[derive(Default)]
struct Seen {
    requests: Vec<(i64, String, String, bool)>,
    /// Requests to refuse (500) before acknowledging.
    refuse: usize,
}

/// A receiver on a new port of 127.0.0.1 that refuses the first `refuse` requests: its URL and what it saw.
async fn receiver(refuse: usize) -> (String, Arc<Mutex<Seen>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    (url, receive_on(listener, refuse))
}

/// A receiver on `listener` that refuses the first `refuse` requests.
fn receive_on(listener: tokio::net::TcpListener, refuse: usize) -> Arc<Mutex<Seen>> {
    let seen = Arc::new(Mutex::new(Seen { refuse, ..Seen::default() }));
    let state = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let state = state.clone();
            async move {
                let mut s = state.lock().unwrap();
                let id = headers["kairo-event-id"].to_str().unwrap().parse().unwrap();
                let signature = headers["kairo-signature"].to_str().unwrap().to_owned();
                assert_eq!(headers["idempotency-key"].to_str().unwrap(), format!("kairo-event-{id}"));
                let ack = s.refuse == 0;
                s.refuse = s.refuse.saturating_sub(1);
                s.requests.push((id, signature, body, ack));
                if ack {
                    StatusCode::OK
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    seen
}

/// The documented Node verification, run on a delivery: `true` when it accepts it.
fn node_verifies(body: &str, header: &str, secret: &str) -> bool {
    const VERIFY: &str = r#"
const crypto = require('node:crypto')
function verify(body, header, secret, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=')))
  const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex')
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= toleranceSeconds
  return fresh && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1 ?? ''))
}
process.stdout.write(String(verify(process.env.BODY, process.env.HEADER, process.env.SECRET)))
"#;
    let out = std::process::Command::new("node")
        .args(["-e", VERIFY])
        .env("BODY", body)
        .env("HEADER", header)
        .env("SECRET", secret)
        .output()
        .expect("node runs (the test suite installs it for kairo-node)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout) == "true"
}

fn naked_sale(user: &str) -> Value {
    json!({ "user_id": user, "symbol": "ABC", "side": "SELL", "qty": "1", "price": "10",
            "executed_at": "2024-03-04T15:00:00Z" })
}

async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) {
    let end = tokio::time::Instant::now() + limit;
    while !done() {
        assert!(tokio::time::Instant::now() < end, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn retried_until_acknowledged(backend: common::Backend) {
    let Some((db, _dir)) = common::fresh_database(backend).await else { return };
    let (url, seen) = receiver(2).await;
    let mut config = common::config(&db);
    config.webhooks = vec![kairo_server::config::Webhook { url, secret: SECRET.into() }];
    let app = common::app_configured(config, None).await;
    let user = app.user("cash").await;
    assert_eq!(app.post("/trades", &naked_sale(&user)).await.0, 201);

    // Two refusals, then the acknowledgement (after 2 s and 4 s of backoff); meanwhile /health names the failure.
    wait_until(Duration::from_secs(3), || seen.lock().unwrap().requests.len() >= 2).await;
    let (_, health) = app.get("/health").await;
    assert!(health["webhooks"]["failing"].as_i64() >= Some(1), "{health}");
    assert!(health["webhooks"]["last_error"].as_str().is_some_and(|e| e.contains("500")), "{health}");
    let metrics = app.get_text("/metrics").await;
    assert!(metrics.contains("kairo_webhook_deliveries_total{outcome=\"failed\"}"), "{metrics}");
    let fail_id = {
        let s = seen.lock().unwrap();
        s.requests.iter().find(|r| r.2.contains("\"compliance.fail\"")).map(|r| r.0)
    };
    let fail_id = fail_id.expect("the fail's event was attempted");
    wait_until(Duration::from_secs(30), || seen.lock().unwrap().requests.iter().any(|r| r.0 == fail_id && r.3)).await;

    let requests = seen.lock().unwrap().requests.clone();
    let attempts: Vec<_> = requests.iter().filter(|r| r.0 == fail_id).collect();
    assert!(attempts.len() >= 2, "the event was not retried: {} attempt(s)", attempts.len());
    let (_, header, body, _) = attempts.last().unwrap();
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!((event["id"].as_i64(), event["type"].as_str()), (Some(fail_id), Some("compliance.fail")));
    assert_eq!(event["data"]["check_name"], "short_sale_cash_account");
    assert!(node_verifies(body, header, SECRET), "Node refused the signature {header}");
    assert!(!node_verifies(body, header, "whsec_another_secret"), "Node accepted another secret");
    assert!(!node_verifies(&body.replace("fail", "pass"), header, SECRET), "Node accepted a changed body");
    // All delivered: nothing pending.
    let mut pending = -1;
    for _ in 0..100 {
        pending = app.get("/health").await.1["webhooks"]["pending"].as_i64().unwrap_or(-1);
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_sqlite() {
    retried_until_acknowledged(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_postgres() {
    retried_until_acknowledged(common::Backend::Postgres).await;
}

async fn kept_across_a_restart(backend: common::Backend) {
    let Some((db, _dir)) = common::fresh_database(backend).await else { return };
    // An endpoint nobody listens on: every attempt fails while the service runs.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut config = common::config(&db);
    config.webhooks =
        vec![kairo_server::config::Webhook { url: format!("http://127.0.0.1:{closed}/hook"), secret: SECRET.into() }];
    let app = common::app_configured(config.clone(), None).await;
    let user = app.user("cash").await;
    assert_eq!(app.post("/trades", &naked_sale(&user)).await.0, 201);
    let mut queued = 0;
    for _ in 0..100 {
        queued = app.get("/health").await.1["webhooks"]["failing"].as_i64().unwrap_or(0);
        if queued > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(queued > 0, "no failing delivery");
    app.stop().await;

    // The endpoint comes up; the service restarts and delivers what was queued while it was down.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", closed)).await.unwrap();
    let seen = receive_on(listener, 0);
    let app = common::app_configured(config, None).await;
    wait_until(Duration::from_secs(30), || {
        seen.lock().unwrap().requests.iter().any(|r| r.2.contains("\"compliance.fail\""))
    })
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_sqlite() {
    kept_across_a_restart(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_postgres() {
    kept_across_a_restart(common::Backend::Postgres).await;
}
