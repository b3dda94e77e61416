//! The authorization matrix: no token, the service token, a user's JWT on their own and on another user's paths,
//! expired, forged and malformed JWTs, and a user token on an endpoint only the service may call.

mod common;

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

/// A JWT as the Node backend issues it (HS256, `sub` = user id, `exp` in seconds), signed with `secret`.
fn jwt(sub: &str, exp_from_now: i64, secret: &str) -> String {
    let exp = chrono::Utc::now().timestamp() + exp_from_now;
    encode(&Header::default(), &json!({ "sub": sub, "exp": exp }), &EncodingKey::from_secret(secret.as_bytes()))
        .unwrap()
}

async fn call(app: &common::App, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let url = format!("{}{path}", app.base);
    let mut req = match method {
        "GET" => app.client.get(url),
        _ => app.client.post(url).json(&json!({ "account_type": "cash" })),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authorization_matrix() {
    let Some(app) = common::app(common::Backend::Sqlite).await else { return };
    let alice = app.user("cash").await;
    let bob = app.user("margin").await;
    let secret = common::JWT_SECRET;
    let alice_token = jwt(&alice, 600, secret);

    // no token: 401 everywhere behind authentication
    assert_eq!(call(&app, "GET", &format!("/users/{alice}/metrics"), None).await.0, 401);
    // the service token reaches everything
    assert_eq!(call(&app, "GET", &format!("/users/{bob}"), Some(common::TOKEN)).await.0, 200);
    // a user reads their own paths
    for path in ["", "/metrics?set=basic", "/compliance"] {
        let (s, body) = call(&app, "GET", &format!("/users/{alice}{path}"), Some(&alice_token)).await;
        assert_eq!(s, 200, "{path}: {body}");
    }
    // ... the upper-case spelling of their id too
    let upper = alice.to_uppercase();
    assert_eq!(call(&app, "GET", &format!("/users/{upper}"), Some(&alice_token)).await.0, 200);
    // ... but not another user's: 403 with the error shape
    let (s, body) = call(&app, "GET", &format!("/users/{bob}/metrics"), Some(&alice_token)).await;
    assert_eq!((s, body["error"]["code"].as_str()), (403, Some("forbidden")), "{body}");
    // ... nor the service's endpoints
    assert_eq!(call(&app, "POST", "/users", Some(&alice_token)).await.0, 403);
    assert_eq!(call(&app, "POST", "/trades", Some(&alice_token)).await.0, 403);
    // expired, forged, malformed, and a sub that is not a user id: 401
    let expired = jwt(&alice, -5, secret);
    let (s, body) = call(&app, "GET", &format!("/users/{alice}"), Some(&expired)).await;
    assert_eq!(s, 401);
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"), "{body}");
    let forged = jwt(&alice, 600, "not-the-secret");
    let (s, body) = call(&app, "GET", &format!("/users/{alice}"), Some(&forged)).await;
    assert_eq!(s, 401);
    assert!(body["error"]["message"].as_str().unwrap().contains("signature"), "{body}");
    assert_eq!(call(&app, "GET", &format!("/users/{alice}"), Some("not.a.jwt")).await.0, 401);
    let not_a_user = jwt("alice", 600, secret);
    assert_eq!(call(&app, "GET", &format!("/users/{alice}"), Some(&not_a_user)).await.0, 401);
    // a token without exp is refused
    let no_exp =
        encode(&Header::default(), &json!({ "sub": alice }), &EncodingKey::from_secret(secret.as_bytes())).unwrap();
    assert_eq!(call(&app, "GET", &format!("/users/{alice}"), Some(&no_exp)).await.0, 401);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_follow_the_plan_and_the_token() {
    // free users: 3 requests a minute; the service token: 5
    let Some(app) = common::app_with(common::Backend::Sqlite, |c| {
        c.rate_limits = [("free".to_owned(), 3)].into_iter().collect();
        c.rate_limit_service = 5;
    })
    .await
    else {
        return;
    };
    let alice = app.user("cash").await; // service request 1
    let token = jwt(&alice, 600, common::JWT_SECRET);
    let path = format!("/users/{alice}/compliance");
    for i in 0..3 {
        assert_eq!(call(&app, "GET", &path, Some(&token)).await.0, 200, "request {i}");
    }
    let r = app.client.get(format!("{}{path}", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "Retry-After {retry}"); // one request every 20 s
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // another caller has its own allowance: the service token, up to its own limit
    for i in 1..5 {
        assert_eq!(call(&app, "GET", &path, Some(common::TOKEN)).await.0, 200, "service request {}", i + 1);
    }
    assert_eq!(call(&app, "GET", &path, Some(common::TOKEN)).await.0, 429);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_the_configured_origins_only() {
    let Some(app) = common::app_with(common::Backend::Sqlite, |c| {
        c.cors_origins = vec!["https://app.example.com".into()];
    })
    .await
    else {
        return;
    };
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/trades", app.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .send()
    };
    let ok = preflight("https://app.example.com").await.unwrap();
    assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), "https://app.example.com");
    let methods = ok.headers().get("access-control-allow-methods").unwrap().to_str().unwrap().to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let other = preflight("https://evil.example.net").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}
