//! Leaderboards over HTTP, on both backends: users off the boards until they opt in, only their display name shown,
//! eligibility (trades) enforced, ranks and order equal to a reference computed here from each user's own metrics
//! (`GET /users/{id}/metrics`, the same daily return series), ties sharing a rank, a user's own standing, opting
//! out, and the authorization of the boards.

mod common;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

/// Weekdays from 100 days ago to yesterday.
fn days() -> Vec<NaiveDate> {
    let today = chrono::Utc::now().date_naive();
    (1..=100)
        .rev()
        .map(|k| today - chrono::Duration::days(k))
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .collect()
}

/// Closes of `S0` .. `S4`, each with its own drift and wiggle.
async fn load_closes(app: &common::App) {
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let mut rows = Vec::new();
    for k in 0..5 {
        let mut close = 100.0f64;
        for (t, d) in days().into_iter().enumerate() {
            close *= 1.0 + 0.001 * (k as f64 - 2.0) + 0.01 * ((t * (k + 1)) as f64).sin();
            rows.push((format!("S{k}"), d, format!("{close:.4}").parse().unwrap()));
        }
    }
    store.load_prices(&rows, kairo_server::store::market::PriceSource::Csv).await.unwrap();
    store.close().await;
}

/// Five trades in `symbol` over the first days (10 shares held at the end), or only the first `n` of them.
async fn trade(app: &common::App, user: &str, symbol: &str, n: usize) {
    let d = days();
    let plan = [("BUY", "10", 0), ("BUY", "5", 1), ("SELL", "5", 2), ("BUY", "5", 3), ("SELL", "5", 4)];
    for (side, qty, day) in plan.into_iter().take(n) {
        let mut t = common::trade(user, side, qty, "100", &format!("{}T15:00:00Z", d[day]));
        t["symbol"] = json!(symbol);
        assert_eq!(app.post("/trades", &t).await.0, 201);
    }
    app.wait_for_audit(user, app.expected_audit_rows(user).await).await;
}

async fn opt_in(app: &common::App, user: &str, name: &str) -> Value {
    let r = app
        .client
        .put(format!("{}/users/{user}/leaderboards", app.base))
        .bearer_auth(common::TOKEN)
        .json(&json!({ "display_name": name }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

/// Waits for the ranking pass to list `n` entries on `metric`'s ALL board (it runs 200 ms after scores change).
async fn wait_ranked(app: &common::App, metric: &str, n: usize) {
    for _ in 0..100 {
        let (_, page) = app.get(&format!("/leaderboards?metric={metric}&period=ALL&limit=50")).await;
        if page["entries"].as_array().map(Vec::len) == Some(n) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the {metric} board never listed {n} entries");
}

/// Competition ranks ("1224") of `scores` (name, value), best first, ties by name.
fn reference(mut scores: Vec<(String, f64)>) -> Vec<(i64, String, f64)> {
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<(i64, String, f64)> = Vec::new();
    for (i, (name, value)) in scores.into_iter().enumerate() {
        let rank = match out.last() {
            Some(last) if last.2 == value => last.0,
            _ => i as i64 + 1,
        };
        out.push((rank, name, value));
    }
    out
}

both_backends!(ranks_follow_the_users_metrics, |app: common::App| async move {
    load_closes(&app).await;
    // Five members on S0..S3 (two on S2: a tie), one member with two trades (not eligible), one user not opted in.
    let names = ["delta", "alpha", "carol", "bravo", "echo"];
    let symbols = ["S0", "S1", "S2", "S2", "S3"];
    let mut members = BTreeMap::new();
    for (name, symbol) in names.iter().zip(symbols) {
        let user = app.user("margin").await;
        trade(&app, &user, symbol, 5).await;
        let standing = opt_in(&app, &user, name).await;
        assert_eq!(
            (standing["opted_in"].as_bool(), standing["eligible"].as_bool()),
            (Some(true), Some(true)),
            "{standing}"
        );
        members.insert(name.to_string(), user);
    }
    let few = app.user("margin").await;
    trade(&app, &few, "S4", 2).await;
    let standing = opt_in(&app, &few, "foxtrot").await;
    assert_eq!(standing["eligible"], false);
    assert!(standing["reason"].as_str().is_some_and(|r| r.contains("2 trades")), "{standing}");
    let outsider = app.user("margin").await;
    trade(&app, &outsider, "S4", 5).await;

    wait_ranked(&app, "return", 5).await;
    // The reference: each member's own risk figures over the whole series.
    let mut risk = BTreeMap::new();
    for (name, user) in &members {
        let (s, m) = app.get(&format!("/users/{user}/metrics")).await;
        assert_eq!(s, 200, "{m}");
        risk.insert(name.clone(), m["risk"].clone());
    }
    for (metric, field) in [
        ("return", "cum_returns_final"),
        ("sharpe", "sharpe_ratio"),
        ("sortino", "sortino_ratio"),
        ("max_drawdown", "max_drawdown"),
        ("calmar", "calmar_ratio"),
    ] {
        let expected = reference(risk.iter().map(|(n, r)| (n.clone(), r[field].as_f64().unwrap())).collect());
        let (s, page) = app.get(&format!("/leaderboards?metric={metric}&period=all&limit=10")).await;
        assert_eq!(s, 200, "{page}");
        let got: Vec<(i64, String, f64)> = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["rank"].as_i64().unwrap(),
                    e["display_name"].as_str().unwrap().to_owned(),
                    e["value"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got.len(), 5, "{metric}: only the eligible members: {page}");
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!((g.0, &g.1), (e.0, &e.1), "{metric}: {got:?} against {expected:?}");
            assert!((g.2 - e.2).abs() <= 1e-12 * e.2.abs().max(1.0), "{metric}: {got:?} against {expected:?}");
        }
        // only names: no user id in an entry
        assert!(page["entries"][0].get("user_id").is_none());
        // the tie on S2: one rank, listed by name
        let tie: Vec<&(i64, String, f64)> = got.iter().filter(|g| g.1 == "carol" || g.1 == "bravo").collect();
        assert_eq!((tie[0].1.as_str(), tie[1].1.as_str(), tie[0].0), ("bravo", "carol", tie[1].0));
    }

    // Pages: the second page of two continues the ranks.
    let (_, p1) = app.get("/leaderboards?metric=sharpe&limit=2").await;
    let (_, p2) = app.get("/leaderboards?metric=sharpe&limit=2&offset=2").await;
    let (_, all) = app.get("/leaderboards?metric=sharpe&limit=5").await;
    let joined: Vec<Value> =
        p1["entries"].as_array().unwrap().iter().chain(p2["entries"].as_array().unwrap()).cloned().collect();
    assert_eq!(joined[..], all["entries"].as_array().unwrap()[..4]);
    assert_eq!((p1["has_more"].as_bool(), all["has_more"].as_bool()), (Some(true), Some(false)));
    // The shorter periods rank the same members (the closes cover 100 days).
    let (_, month) = app.get("/leaderboards?metric=return&period=1M").await;
    assert_eq!(month["entries"].as_array().unwrap().len(), 5, "{month}");

    // A member's own standing agrees with the board; opting out leaves it.
    let alpha = &members["alpha"];
    let (_, mine) = app.get(&format!("/users/{alpha}/leaderboards")).await;
    let sharpe =
        mine["standings"].as_array().unwrap().iter().find(|s| s["period"] == "ALL" && s["metric"] == "sharpe").unwrap();
    let on_board = all["entries"].as_array().unwrap().iter().find(|e| e["display_name"] == "alpha").unwrap();
    assert_eq!((sharpe["rank"].clone(), sharpe["entrants"].clone()), (on_board["rank"].clone(), json!(5)));
    let r = app
        .client
        .delete(format!("{}/users/{alpha}/leaderboards", app.base))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (_, after) = app.get("/leaderboards?metric=sharpe").await;
    assert!(after["entries"].as_array().unwrap().iter().all(|e| e["display_name"] != "alpha"));
    assert_eq!(app.get(&format!("/users/{alpha}/leaderboards")).await.1["opted_in"], false);
});

both_backends!(boards_are_validated_and_authorized, |app: common::App| async move {
    let user = app.user("cash").await;
    for (query, field) in [
        ("metric=alpha", "metric"),
        ("metric=return&period=2W", "period"),
        ("metric=return&limit=0", "limit"),
        ("metric=return&offset=-1", "offset"),
    ] {
        let (s, e) = app.get(&format!("/leaderboards?{query}")).await;
        assert_eq!((s, e["error"]["details"]["field"].as_str()), (400, Some(field)), "{query}: {e}");
    }
    let jwt = common::user_jwt(&user);
    let get = |path: String, token: String| {
        let client = app.client.clone();
        async move { client.get(path).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(format!("{}/leaderboards?metric=return", app.base), jwt.clone()).await, 403);
    assert_eq!(get(format!("{}/users/{user}/leaderboards", app.base), jwt.clone()).await, 200);
    let r = app
        .client
        .put(format!("{}/users/{user}/leaderboards", app.base))
        .bearer_auth(&jwt)
        .json(&json!({ "display_name": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .client
        .put(format!("{}/users/{user}/leaderboards", app.base))
        .bearer_auth(&jwt)
        .json(&json!({ "display_name": "me" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["opted_in"].as_bool(), body["eligible"].as_bool()), (Some(true), Some(false)));
});

both_backends!(a_pass_ranks_only_the_boards_whose_scores_changed, |app: common::App| async move {
    use kairo_server::services::leaderboards::Ranker;
    // The store is written directly: the server's ranking pass only runs when told of a change, so every pass here
    // is this test's own.
    let store = kairo_server::store::Store::connect(&app.database_url, 1, 2).await.unwrap();
    let boards = |b: Vec<(String, String, i64)>| b.into_iter().map(|(p, m, _)| format!("{p}/{m}")).collect::<Vec<_>>();
    let (a, b) = (app.user("margin").await, app.user("margin").await);
    let (ua, ub) = (a.parse().unwrap(), b.parse().unwrap());
    store.join_leaderboards(ua, "alpha").await.unwrap();
    store.join_leaderboards(ub, "bravo").await.unwrap();
    let scores = [("ALL", "return", 0.25), ("ALL", "sharpe", 1.5), ("1Y", "return", 0.2)];
    store.put_leaderboard_scores(ua, &scores, None).await.unwrap();
    store.put_leaderboard_scores(ub, &scores[..2], None).await.unwrap();
    assert_eq!(boards(store.changed_boards().await.unwrap()), ["1Y/return", "ALL/return", "ALL/sharpe"]);
    assert_eq!(Ranker::rank_all(&store).await.unwrap(), 5);
    // Nothing changed: nothing listed, nothing sorted again.
    assert!(store.changed_boards().await.unwrap().is_empty());
    assert_eq!(Ranker::rank_all(&store).await.unwrap(), 0);
    // The same scores written again change nothing; a new value changes its board only.
    store.put_leaderboard_scores(ua, &scores, None).await.unwrap();
    assert!(store.changed_boards().await.unwrap().is_empty());
    store.put_leaderboard_scores(ub, &[("ALL", "return", 0.5), ("ALL", "sharpe", 1.5)], None).await.unwrap();
    assert_eq!(boards(store.changed_boards().await.unwrap()), ["ALL/return"]);
    assert_eq!(Ranker::rank_all(&store).await.unwrap(), 2, "bravo moves up, alpha down");
    let page = store.leaderboard_page("ALL", "return", 10, 0).await.unwrap();
    assert_eq!(
        page.iter().map(|e| (e.rank, e.display_name.as_str())).collect::<Vec<_>>(),
        [(1, "bravo"), (2, "alpha")]
    );
    // A renamed member and a member who leaves change their boards.
    store.join_leaderboards(ub, "zulu").await.unwrap();
    assert_eq!(boards(store.changed_boards().await.unwrap()), ["ALL/return", "ALL/sharpe"]);
    Ranker::rank_all(&store).await.unwrap();
    assert!(store.leave_leaderboards(ua).await.unwrap());
    assert_eq!(boards(store.changed_boards().await.unwrap()), ["1Y/return", "ALL/return", "ALL/sharpe"]);
    Ranker::rank_all(&store).await.unwrap();
    let page = store.leaderboard_page("ALL", "sharpe", 10, 0).await.unwrap();
    assert_eq!(page.iter().map(|e| (e.rank, e.display_name.as_str())).collect::<Vec<_>>(), [(1, "zulu")]);
    assert!(store.changed_boards().await.unwrap().is_empty());
    store.close().await;
});
