//! `GET /users/{id}/report` (the tear sheet) and `GET /app` (the dashboard) on both backends: an HTML page with
//! every chart, the figures of `/comparative`, the same authorization and plan gating, kept in memory until the
//! trades change.

mod common;

use serde_json::json;

async fn seeded(app: &common::App) -> String {
    let user = app.user("margin").await;
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let mut rows = Vec::new();
    for (i, day) in
        ["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05", "2024-07-08", "2024-07-09"].iter().enumerate()
    {
        rows.push(("ABC".to_owned(), d(day), format!("{}", 100 + 3 * i as i64 - 2 * (i as i64 % 2)).parse().unwrap()));
        rows.push(("SPY".to_owned(), d(day), format!("{}", 500 + i as i64).parse().unwrap()));
    }
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
    let mut t = common::trade(&user, "BUY", "10", "100", "2024-07-01T19:59:00Z");
    t["symbol"] = json!("ABC");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    // the compliance rows the timeline shows are written by a background job
    for _ in 0..200 {
        if app.get(&format!("/users/{user}/compliance?limit=1")).await.1["total"].as_i64() > Some(0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    user
}

/// A user's JWT, valid for an hour.
fn user_token(user: &str) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    let exp = chrono::Utc::now().timestamp() + 3600;
    let claims = json!({ "sub": user, "exp": exp });
    encode(&Header::default(), &claims, &EncodingKey::from_secret(common::JWT_SECRET.as_bytes())).unwrap()
}

async fn html(app: &common::App, path: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

both_backends!(the_report_is_the_tear_sheet_of_the_comparison, |app: common::App| async move {
    let user = seeded(&app).await;
    let (status, kind, page) = html(&app, &format!("/users/{user}/report?benchmark=SPY"), Some(common::TOKEN)).await;
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"), "{page}");
    assert!(page.starts_with("<!DOCTYPE html>") && !page.contains("<script"));
    for id in ["cumulative", "underwater", "yearly", "monthly", "rolling-sharpe", "distribution", "pdt-window"] {
        assert!(page.contains(&format!(r#"<svg id="{id}""#)), "chart {id} missing");
    }
    // the table's cumulative return is the comparison's
    let (_, c) = app.get(&format!("/users/{user}/comparative?benchmark=SPY")).await;
    let total = c["portfolio_total_return"].as_f64().unwrap();
    let cell = format!("{:.1}%", total * 100.0);
    let row = page.split(r#"<tr data-metric="cum_returns_final">"#).nth(1).unwrap();
    assert!(row.contains(&cell), "{cell} not in {}", &row[..120]);
    assert!(page.contains("Unrealized P&amp;L"));
    // kept in memory: the second read is a hit; a new trade computes it again
    let (_, _, again) = html(&app, &format!("/users/{user}/report?benchmark=SPY"), Some(common::TOKEN)).await;
    assert_eq!(again, page);
    let metrics = app.get_text("/metrics").await;
    assert!(metrics.contains(r#"kairo_report_cache_total{result="hit"}"#), "no cache hit counted");
    let mut t = common::trade(&user, "BUY", "5", "103", "2024-07-03T19:59:00Z");
    t["symbol"] = json!("ABC");
    assert_eq!(app.post("/trades", &t).await.0, 201);
    let (_, _, after) = html(&app, &format!("/users/{user}/report?benchmark=SPY"), Some(common::TOKEN)).await;
    assert_ne!(after, page, "a new trade changes the report");
    app.stop().await;
});

both_backends!(the_report_is_gated_like_the_reads, |app: common::App| async move {
    let user = seeded(&app).await;
    // no token: 401; another user's JWT: 403; the user's own JWT: 200
    assert_eq!(html(&app, &format!("/users/{user}/report"), None).await.0, 401);
    let other = app.user("cash").await;
    assert_eq!(html(&app, &format!("/users/{user}/report"), Some(&user_token(&other))).await.0, 403);
    assert_eq!(html(&app, &format!("/users/{user}/report"), Some(&user_token(&user))).await.0, 200);
    // a blend needs a paid plan (a free user's JWT)
    let (status, _, body) =
        html(&app, &format!("/users/{user}/report?benchmark=SPY:0.5,ABC:0.5"), Some(&user_token(&user))).await;
    assert_eq!(status, 402, "{body}");
    // a look-back period, and a bad one named
    assert_eq!(html(&app, &format!("/users/{user}/report?period=max"), Some(common::TOKEN)).await.0, 200);
    let (status, _, body) = html(&app, &format!("/users/{user}/report?period=2w"), Some(common::TOKEN)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"]["details"]["field"], "period");
    // a user without trades: 422 with the JSON error body
    let (status, _, body) = html(&app, &format!("/users/{other}/report"), Some(common::TOKEN)).await;
    assert_eq!(status, 422);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"]["code"], "no_trades");
    app.stop().await;
});

both_backends!(the_dashboard_is_served_from_the_binary, |app: common::App| async move {
    let (status, kind, page) = html(&app, "/app", None).await;
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(page.contains(r#"id="token""#) && page.contains("/report?"));
    // nothing outside the service: no http(s) URL in the page
    assert!(!page.contains("http://") && !page.contains("https://"));
    app.stop().await;
});
