//! kairo-server on the KAIRO platform's own PostgreSQL database (tests/data/seed_schema.sql, the tables the Node
//! backend creates), and on a database kairo's migrations created: the same suite on both. Rows are written as the
//! backend's Prisma client writes them (its own UUIDs, NULL plans, trades stored before they are sent, customers
//! linked on `users."stripeCustomerId"`); the calls are the backend's two client functions (`sendTradeToPython`,
//! `getComparativeAnalysis`), Stripe's events, and the reads of compliance rows and metrics. PostgreSQL only.

mod common;

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::{PgPool, Row};
use uuid::Uuid;

const SEED_SCHEMA: &str = include_str!("data/seed_schema.sql");

/// A new empty database on the test cluster (None without one).
async fn database() -> Option<(String, PgPool)> {
    let (url, _) = common::fresh_database(common::Backend::Postgres).await?;
    let pool = PgPool::connect(&url).await.unwrap();
    Some((url, pool))
}

/// A database as the Node backend creates it: the seed's DDL.
async fn seed_database() -> Option<(String, PgPool)> {
    let (url, pool) = database().await?;
    sqlx::raw_sql(SEED_SCHEMA).execute(&pool).await.unwrap();
    Some((url, pool))
}

/// The columns of the seed's five tables: (table, column) → (type, nullable, default).
async fn columns(pool: &PgPool) -> std::collections::BTreeMap<(String, String), (String, String, Option<String>)> {
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text
           FROM information_schema.columns WHERE table_schema = 'public'
            AND table_name IN ('users', 'trades', 'compliance_audit', 'benchmarks', 'user_subscriptions')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().map(|(t, c, ty, n, d)| ((t, c), (ty, n, d))).collect()
}

/// The constraints of the seed's five tables, as PostgreSQL prints them (names aside).
async fn constraints(pool: &PgPool) -> std::collections::BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c
          WHERE c.conrelid::regclass::text IN ('users', 'trades', 'compliance_audit', 'benchmarks', 'user_subscriptions')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

/// Every row of the seed's tables as text, to see that a migration changed none.
async fn snapshot(pool: &PgPool) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["users", "trades", "compliance_audit", "benchmarks", "user_subscriptions"] {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t ORDER BY t::text"))
            .fetch_all(pool)
            .await
            .unwrap();
        out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
    }
    out
}

async fn migrate(url: &str) {
    let store = kairo_server::store::Store::connect(url, 1, 2).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn migrations_create_the_seeds_tables_exactly() {
    let Some((_, seed)) = seed_database().await else { return };
    let Some((url, kairo)) = database().await else { return };
    migrate(&url).await;
    let (want, got) = (columns(&seed).await, columns(&kairo).await);
    assert_eq!(want.len(), 41, "the seed's five tables have 41 columns");
    for (key, column) in &want {
        assert_eq!(got.get(key), Some(column), "{key:?}");
    }
    // (only nullable or defaulted additions would be allowed; kairo adds none to the seed's tables)
    let added: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(added.is_empty(), "columns added to the seed's tables: {added:?}");
    assert_eq!(constraints(&kairo).await, constraints(&seed).await);
}

/// A brownfield database: the seed's tables with rows the backend wrote, including what a database kairo did not
/// write may hold (a broker id twice, NULL plans and, with `duplicate_audit`, two audit rows of one trade and check,
/// which a database kairo created refuses).
async fn backend_rows(pool: &PgPool, duplicate_audit: bool) -> Uuid {
    let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
    sqlx::query(
        r#"INSERT INTO users (id, email, username, "subscriptionPlan", "subscriptionStatus", "stripeCustomerId")
           VALUES ($1, 'alice@example.com', 'alice', NULL, NULL, NULL), ($2, 'bob@example.com', 'bob', 'free', NULL, NULL)"#,
    )
    .bind(alice)
    .bind(bob)
    .execute(pool)
    .await
    .unwrap();
    for (i, ext) in ["alp-1", "alp-1", "alp-2"].iter().enumerate() {
        sqlx::query(
            "INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at, external_id, raw)
             VALUES ($1, $2, 'MSFT', 'BUY', 1, 400.5, $3, $4, '{\"broker\": \"alpaca\"}')",
        )
        .bind(Uuid::new_v4())
        .bind(bob)
        .bind(chrono::Utc::now() - chrono::Duration::days(30 - i as i64))
        .bind(ext)
        .execute(pool)
        .await
        .unwrap();
    }
    let trade: Uuid = sqlx::query_scalar("SELECT id FROM trades LIMIT 1").fetch_one(pool).await.unwrap();
    for _ in 0..if duplicate_audit { 2 } else { 1 } {
        sqlx::query(
            "INSERT INTO compliance_audit (id, user_id, trade_id, check_name, status, reason, metadata)
             VALUES (gen_random_uuid(), $1, $2, 'market_hours', 'pass', NULL, NULL)",
        )
        .bind(bob)
        .bind(trade)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO benchmarks (id, symbol, date, open, high, low, close, volume) VALUES (gen_random_uuid(), 'SPY',
         '2024-01-02', 472.16, 473.67, 470.49, 472.65, 123623700), (gen_random_uuid(), 'QQQ', '2024-01-02', NULL, NULL,
         NULL, NULL, NULL)",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO user_subscriptions (id, user_id, stripe_subscription_id, tier, status) VALUES ($1, $2, NULL, NULL, NULL)",
    )
    .bind(Uuid::new_v4())
    .bind(bob)
    .execute(pool)
    .await
    .unwrap();
    alice
}

#[tokio::test]
async fn migrating_a_backend_database_changes_no_row() {
    let Some((url, pool)) = seed_database().await else { return };
    backend_rows(&pool, true).await;
    let before = snapshot(&pool).await;
    migrate(&url).await;
    migrate(&url).await; // twice: nothing left to do
    assert_eq!(snapshot(&pool).await, before);
    // the duplicate audit rows stayed, so no unique index could be made: the plain one is there
    let indexes: Vec<String> =
        sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE tablename = 'compliance_audit'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(indexes.contains(&"kairo_compliance_audit_trade".to_owned()), "{indexes:?}");
    assert!(!indexes.contains(&"kairo_compliance_audit_one".to_owned()), "{indexes:?}");
}

#[tokio::test]
async fn tables_that_do_not_fit_are_all_named_at_start() {
    let Some((url, pool)) = database().await else { return };
    // as a Prisma schema with `String @id` and an extra required column would create them
    let altered = SEED_SCHEMA
        .replace(
            "id UUID PRIMARY KEY,\n  user_id UUID REFERENCES users(id),\n  symbol",
            "id TEXT PRIMARY KEY,\n  user_id UUID REFERENCES users(id),\n  symbol",
        )
        .replace(
            "created_at TIMESTAMPTZ DEFAULT now()\n);\n\n-- Trades",
            "created_at TIMESTAMPTZ DEFAULT now(),\n  \"passwordHash\" TEXT NOT NULL\n);\n\n-- Trades",
        )
        .replace("trade_id UUID REFERENCES trades(id),", "trade_id TEXT REFERENCES trades(id),");
    assert_ne!(altered, SEED_SCHEMA);
    sqlx::raw_sql(&altered).execute(&pool).await.unwrap();
    let store = kairo_server::store::Store::connect(&url, 1, 2).await.unwrap();
    let e = store.migrate().await.unwrap_err().to_string();
    store.close().await;
    for named in [
        "trades.id is text, kairo needs uuid",
        "users.\"passwordHash\" is NOT NULL without a default",
        "compliance_audit.trade_id is text",
    ] {
        assert!(e.contains(named), "{named:?} not in {e}");
    }
    // nothing was migrated
    let kairo_tables: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'kairo_%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kairo_tables, 0);
    // the service starts, and /health names every problem
    let app = common::app_on(&url, None).await;
    let (s, h) = app.get("/health").await;
    assert_eq!((s, h["error"]["code"].as_str()), (503, Some("schema_incompatible")), "{h}");
    assert_eq!(h["error"]["details"]["problems"].as_array().map(Vec::len), Some(3), "{h}");
    app.stop().await;
}

/// The suite of the backend's calls, on a database whose seed tables exist (created by the seed's DDL or by
/// kairo's migrations) and hold the backend's rows.
async fn backend_calls(url: String, pool: PgPool, brownfield: bool) {
    let alice = backend_rows(&pool, brownfield).await;
    let mut config = common::config(&url);
    config.jwt_user_claim = "userId".into();
    config.stripe_price_tiers.insert("price_premium".into(), "premium".into());
    let app = common::app_configured(config, None).await;
    let auth = format!("bearer {}", common::TOKEN); // the scheme in lower case (RFC 7235: case-insensitive)

    // A user the backend inserted with a NULL plan reads as free.
    let (s, u) = app.get(&format!("/users/{alice}")).await;
    assert_eq!((s, u["subscription_plan"].as_str(), u["username"].as_str()), (200, Some("free"), Some("alice")), "{u}");

    // sendTradeToPython: the backend's JSON (numbers, Date.toISOString()), after storing the trade itself.
    let stored = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at) VALUES ($1, $2, 'AAPL', 'BUY', 10,
         190.25, '2024-01-02T15:00:00.000Z')",
    )
    .bind(stored)
    .bind(alice)
    .execute(&pool)
    .await
    .unwrap();
    let body = json!({ "id": stored, "user_id": alice, "symbol": "AAPL", "side": "BUY", "qty": 10, "price": 190.25,
                       "executed_at": "2024-01-02T15:00:00.000Z" })
    .to_string();
    let (s, t) = app.post_text("/trades", &body, &[("authorization", &auth)]).await;
    assert_eq!((s, t["id"].as_str()), (200, Some(stored.to_string().as_str())), "stored once: {t}");
    // a new trade without an id: stored, its payload kept in `raw`
    let body = json!({ "user_id": alice, "symbol": "AAPL", "side": "SELL", "qty": 4, "price": 191.5,
                       "executed_at": "2024-01-03T15:00:00.000Z" })
    .to_string();
    let (s, t) = app.post_text("/trades", &body, &[("authorization", &auth)]).await;
    assert_eq!(s, 201, "{t}");
    let raw: Value = sqlx::query_scalar("SELECT raw FROM trades WHERE id = $1::uuid")
        .bind(t["id"].as_str().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(raw["price"], json!(191.5));
    // a trade the backend stores and never sends is audited by the sweep
    let unsent = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO trades (id, user_id, symbol, side, qty, price, executed_at) VALUES ($1, $2, 'AAPL', 'BUY', 1,
         192, '2024-01-04T15:00:00Z')",
    )
    .bind(unsent)
    .bind(alice)
    .execute(&pool)
    .await
    .unwrap();
    let audited = |id: Uuid| {
        let pool = pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM compliance_audit WHERE trade_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    let started = std::time::Instant::now();
    while audited(unsent).await == 0 {
        assert!(started.elapsed() < Duration::from_secs(15), "the unsent trade was not audited");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(started.elapsed() < Duration::from_secs(11), "audited in {:?}", started.elapsed());
    assert!(audited(stored).await > 0);

    // The compliance rows are the seed's: UUID ids, the user's id, one per trade and check.
    let (s, c) = app.get(&format!("/users/{alice}/compliance?limit=1000")).await;
    assert_eq!(s, 200, "{c}");
    let rows = c["rows"].as_array().cloned().unwrap_or_default();
    assert!(!rows.is_empty(), "{c}");
    for r in &rows {
        assert!(r["id"].as_str().is_some_and(|id| id.parse::<Uuid>().is_ok()), "{r}");
    }
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM compliance_audit WHERE user_id = $1 GROUP BY trade_id, check_name
          HAVING count(*) > 1) d",
    )
    .bind(alice)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(twice, 0);

    // Metrics, and getComparativeAnalysis against SPY from the seed's `benchmarks` rows.
    for (day, spy, aapl) in [
        ("2024-01-02", "472.65", "185.64"),
        ("2024-01-03", "468.79", "184.25"),
        ("2024-01-04", "467.28", "181.91"),
        ("2024-01-05", "467.92", "181.18"),
    ] {
        sqlx::query(
            "INSERT INTO benchmarks (id, symbol, date, open, high, low, close, volume)
             VALUES (gen_random_uuid(), 'SPY', $1::date, NULL, NULL, NULL, $2::numeric, 1000),
                    (gen_random_uuid(), 'AAPL', $1::date, NULL, NULL, NULL, $3::numeric, 1000)
             ON CONFLICT (symbol, date) DO UPDATE SET close = excluded.close",
        )
        .bind(day)
        .bind(spy)
        .bind(aapl)
        .execute(&pool)
        .await
        .unwrap();
    }
    let (s, m) = app.get(&format!("/users/{alice}/metrics")).await;
    assert_eq!(s, 200, "{m}");
    let r = app
        .client
        .get(format!("{}/users/{alice}/comparative?benchmark=SPY&series=daily", app.base))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let cmp: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{cmp}");
    // money at cents (half to even), whatever the exact amounts' scale
    let cents = |v: &Value| v.as_str().is_some_and(|t| t.split_once('.').is_none_or(|(_, f)| f.len() <= 2));
    for point in cmp["equity_curve"].as_array().unwrap() {
        assert!(cents(&point["portfolio_value"]) && cents(&point["shadow_value"]), "{point}");
    }
    assert!(cents(&cmp["shadow"]["final_value"]), "{}", cmp["shadow"]);
    let (_, m) = app.get(&format!("/users/{alice}/metrics")).await;
    assert!(cents(&m["pnl"]["realized"]) && cents(&m["trade_stats"]["gross_profit"]), "{m}");

    // An end user's token as `jwt.sign({ userId }, secret)` makes it.
    let claims = json!({ "userId": alice, "exp": chrono::Utc::now().timestamp() + 600 });
    let key = jsonwebtoken::EncodingKey::from_secret(common::JWT_SECRET.as_bytes());
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    let r = app
        .client
        .get(format!("{}/users/{alice}/metrics?set=basic", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Stripe: the backend linked the customer on the user row; the subscription event comes with no checkout.
    sqlx::query(r#"UPDATE users SET "stripeCustomerId" = 'cus_alice' WHERE id = $1"#)
        .bind(alice)
        .execute(&pool)
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let sub = |status: &str, price: &str| {
        json!({ "id": "sub_alice", "object": "subscription", "customer": "cus_alice", "status": status,
                "current_period_end": now + 86_400, "metadata": {},
                "items": { "object": "list", "data": [ { "price": { "id": price, "object": "price" } } ] } })
    };
    let send = |id: &str, kind: &str, created: i64, object: Value| {
        let body =
            json!({ "id": id, "object": "event", "created": created, "type": kind, "data": { "object": object } })
                .to_string();
        let t = chrono::Utc::now().timestamp();
        let sig = kairo_server::stripe::sign(common::STRIPE_SECRET, t, body.as_bytes());
        let app = &app;
        async move { app.post_text("/webhooks/stripe", &body, &[("Stripe-Signature", &format!("t={t},v1={sig}"))]).await }
    };
    // same second, out of order: `updated(active)` then `created(incomplete)`: active stands
    let (s, b) = send("evt_s1", "customer.subscription.updated", now, sub("active", "price_premium")).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("applied")), "{b}");
    let (s, b) = send("evt_s2", "customer.subscription.created", now, sub("incomplete", "price_premium")).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("stale")), "{b}");
    let (_, u) = app.get(&format!("/users/{alice}")).await;
    assert_eq!((u["subscription_plan"].as_str(), u["subscription_status"].as_str()), (Some("premium"), Some("active")));
    let row = sqlx::query(
        "SELECT tier, status FROM user_subscriptions WHERE user_id = $1 AND stripe_subscription_id = 'sub_alice'",
    )
    .bind(alice)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((row.get::<String, _>("tier"), row.get::<String, _>("status")), ("premium".into(), "active".into()));
    // a one-off invoice (no subscription) that failed touches no subscription
    let invoice = json!({ "id": "in_x", "object": "invoice", "customer": "cus_alice", "subscription": null });
    let (s, b) = send("evt_s3", "invoice.payment_failed", now + 1, invoice).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("ignored")), "{b}");
    // an unknown price grants no paid plan
    let (s, b) = send("evt_s4", "customer.subscription.updated", now + 2, sub("active", "price_unknown")).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("applied")), "{b}");
    let (_, u) = app.get(&format!("/users/{alice}")).await;
    assert_eq!(u["subscription_plan"].as_str(), Some("free"));
    let (_, h) = app.get("/health").await;
    assert_eq!(h["stripe"]["unmapped_prices"][0]["price"], "price_unknown", "{h}");
    // a checkout without client_reference_id for a customer nobody knows: acknowledged, not a 400 Stripe retries
    let checkout =
        json!({ "id": "cs_x", "object": "checkout.session", "customer": "cus_nobody", "subscription": "sub_x" });
    let (s, b) = send("evt_s5", "checkout.session.completed", now + 3, checkout).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("ignored")), "{b}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backends_calls_on_its_own_database() {
    let Some((url, pool)) = seed_database().await else { return };
    backend_calls(url, pool, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backends_calls_on_a_database_kairo_created() {
    let Some((url, pool)) = database().await else { return };
    migrate(&url).await;
    backend_calls(url, pool, false).await;
}
