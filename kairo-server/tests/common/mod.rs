//! Test harness: the app on a random port against a fresh database per test, on SQLite and on PostgreSQL.
//! PostgreSQL tests need `KAIRO_TEST_PG_URL` (an admin URL of a throwaway cluster, which scripts/test-server.sh
//! starts); without it they are reported as skipped, loudly.
#![allow(dead_code)]

pub mod fake_alpaca;
pub mod faults;
pub mod process;
pub mod sse;

use std::time::Duration;

use kairo_server::config::Config;
use serde_json::Value;

pub const TOKEN: &str = "test-token-0123456789abcdef0123456789";
/// The secret of the users' JWTs in the tests.
pub const JWT_SECRET: &str = "test-secret-0123456789abcdef01234567";
/// The Stripe webhook signing secret in the tests.
pub const STRIPE_SECRET: &str = "whsec_test_secret";

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    pub server: Option<kairo_server::Server>,
    pub database_url: String,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("kairo-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database URL for `backend`, or None when PostgreSQL is not available.
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = temp_dir();
            let url = format!("sqlite://{}", dir.0.join("kairo.db").display());
            Some((url, Some(dir)))
        }
        Backend::Postgres => {
            let Ok(admin) = std::env::var("KAIRO_TEST_PG_URL") else {
                eprintln!("\n*** SKIPPED: PostgreSQL test (KAIRO_TEST_PG_URL is not set; scripts/test-server.sh starts a cluster) ***\n");
                return None;
            };
            let name = format!("kairo_test_{}", uuid::Uuid::new_v4().simple());
            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&pool).await.unwrap();
            pool.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
            Some((format!("{base}/{name}"), None))
        }
    }
}

pub fn config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_owned(),
        port: 0,
        host: "127.0.0.1".into(),
        service_token: Some(TOKEN.into()),
        jwt_secret: Some(JWT_SECRET.into()),
        stripe_webhook_secret: Some(STRIPE_SECRET.into()),
        stripe_price_tiers: [("price_pro_monthly".to_owned(), "pro".to_owned())].into_iter().collect(),
        max_body_bytes: 1024 * 1024,
        ..Config::default()
    }
}

/// Starts the app on `backend`; None when the backend is not available.
pub async fn app(backend: Backend) -> Option<App> {
    let (url, dir) = fresh_database(backend).await?;
    Some(app_on(&url, dir).await)
}

pub async fn app_on(url: &str, dir: Option<TempDir>) -> App {
    app_configured(config(url), dir).await
}

/// Starts the app on `backend` with the test configuration changed by `edit`.
#[allow(dead_code)] // not every test binary changes the configuration
pub async fn app_with(backend: Backend, edit: impl FnOnce(&mut Config)) -> Option<App> {
    let (url, dir) = fresh_database(backend).await?;
    let mut c = config(&url);
    edit(&mut c);
    Some(app_configured(c, dir).await)
}

pub async fn app_configured(c: Config, dir: Option<TempDir>) -> App {
    let url = c.database_url.clone();
    let server = kairo_server::start(c, TOKEN.into()).await.unwrap();
    let base = format!("http://{}", server.addr);
    App { base, client: reqwest::Client::new(), server: Some(server), database_url: url.to_owned(), _dir: dir }
}

impl App {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(format!("{}{path}", self.base)).bearer_auth(TOKEN).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// GET `path` with the service token, as text (`/metrics`).
    pub async fn get_text(&self, path: &str) -> String {
        let r = self.client.get(format!("{}{path}", self.base)).bearer_auth(TOKEN).send().await.unwrap();
        r.text().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self.client.post(format!("{}{path}", self.base)).bearer_auth(TOKEN).json(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> (u16, Value) {
        self.post_text(path, body, &[("authorization", &format!("Bearer {TOKEN}"))]).await
    }

    /// POSTs `body` as JSON text with `headers` (and no token unless one of them carries it).
    pub async fn post_text(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).header("content-type", "application/json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let r = req.body(body.to_owned()).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn user(&self, account_type: &str) -> String {
        let (s, u) = self.post("/users", &serde_json::json!({ "account_type": account_type })).await;
        assert_eq!(s, 201, "{u}");
        u["id"].as_str().unwrap().to_owned()
    }

    /// Waits until the user's audit has `n` rows (the jobs run in the background).
    pub async fn wait_for_audit(&self, user: &str, n: i64) -> Value {
        let mut last = Value::Null;
        for _ in 0..200 {
            let (_, body) = self.get(&format!("/users/{user}/compliance?limit=1000")).await;
            if body["total"].as_i64() == Some(n) {
                return body;
            }
            last = body["total"].clone();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("audit of {user} never reached {n} rows (last count {last})");
    }

    /// The number of audit rows kairo-core gives for the user's stored history (what the jobs must have written).
    pub async fn expected_audit_rows(&self, user: &str) -> i64 {
        let store = kairo_server::store::Store::connect(&self.database_url, 1, 2).await.unwrap();
        let id: uuid::Uuid = user.parse().unwrap();
        let u = store.user(id).await.unwrap().unwrap();
        let trades = store.trades(id).await.unwrap();
        let activities = store.activities(id).await.unwrap();
        store.close().await;
        kairo_server::services::analysis::audit_rows(&u, &trades, &activities, None).unwrap().len() as i64
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await;
        }
    }
}

/// An end user's HS256 JWT for `user`, valid ten minutes, signed with the tests' secret.
pub fn user_jwt(user: &str) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let exp = chrono::Utc::now().timestamp() + 600;
    let claims = serde_json::json!({ "sub": user, "exp": exp });
    encode(&Header::default(), &claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
}

pub fn trade(user: &str, side: &str, qty: &str, price: &str, at: &str) -> Value {
    serde_json::json!({ "user_id": user, "symbol": "ABC", "side": side, "qty": qty, "price": price, "executed_at": at })
}

/// Runs a test body on both backends.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = common::app(common::Backend::Sqlite).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = common::app(common::Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}
