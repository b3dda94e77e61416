//! The binary: `import` (all rows validated, any bad row aborts with its line number, nothing stored), `demo`,
//! start-up errors for missing secrets, and graceful shutdown on SIGTERM.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kairo-server"));
    c.env_remove("KAIRO_SERVICE_TOKEN").env_remove("KAIRO_JWT_SECRET").env("RUST_LOG", "warn");
    c
}

#[tokio::test]
async fn import_is_all_or_nothing_and_names_bad_lines() {
    let (url, dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let dir = dir.unwrap();
    let out = bin().args(["migrate"]).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = kairo_server::store::Store::connect(&url, 1, 1).await.unwrap();
    let user = store.create_user_of_type("cash").await.unwrap();
    let csv = dir.0.join("trades.csv");
    let header = "user_id,symbol,side,qty,price,executed_at,external_id,fees\n";
    std::fs::write(
        &csv,
        format!("{header}{u},ABC,BUY,10,100,2024-07-01T14:00:00Z,e1,0\n{u},ABC,SELL,-1,101,2024-07-02T14:00:00Z,e2,\n{u},a bc,SELL,1,101,2024-07-02T14:00:00Z,e3,\n", u = user.id),
    )
    .unwrap();
    let out = bin().arg("import").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("2 bad row(s), nothing imported"), "{err}");
    assert!(err.contains("line 3: qty must be greater than zero"), "{err}");
    assert!(err.contains("line 4: symbol"), "{err}");
    assert_eq!(store.trades(user.id).await.unwrap().len(), 0);
    std::fs::write(
        &csv,
        format!(
            "{header}{u},ABC,BUY,10,100,2024-07-01T14:00:00Z,e1,0\n{u},ABC,SELL,4,101,2024-07-02T14:00:00Z,e2,1.5\n",
            u = user.id
        ),
    )
    .unwrap();
    let out = bin().arg("import").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 trade(s)"));
    let trades = store.trades(user.id).await.unwrap();
    assert_eq!(trades.len(), 2);
    assert_eq!(trades[1].fees.to_string(), "1.5");
    store.close().await;
}

#[tokio::test]
async fn demo_creates_a_user_with_trades() {
    let (url, _dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let out = bin().arg("demo").env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id: uuid::Uuid = stdout.split_whitespace().nth(2).unwrap().trim_end_matches(':').parse().unwrap();
    let store = kairo_server::store::Store::connect(&url, 1, 1).await.unwrap();
    assert!(store.trades(id).await.unwrap().len() >= 40);
    assert!(!store.prices(&["SPY".into()]).await.unwrap().is_empty());
    assert!(stdout.contains("SYNTHETIC"), "{stdout}");
    let states = store.price_states(None).await.unwrap();
    assert!(!states.is_empty());
    assert!(states.iter().all(|s| s.source == kairo_server::store::market::PriceSource::Synthetic), "{states:?}");
    assert!(store
        .user(id)
        .await
        .unwrap()
        .unwrap()
        .username
        .is_some_and(|n| n.starts_with("demo-trader-synthetic-data-")));
    store.close().await;
}

#[tokio::test]
async fn import_prices_is_all_or_nothing_and_marks_the_source() {
    let (url, dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let dir = dir.unwrap();
    let csv = dir.0.join("closes.csv");
    std::fs::write(
        &csv,
        "symbol,date,close\nSPY,2024-07-01,545.34\nSPY,2024-07-02,-1\nspy x,2024-07-03,1\nSPY,07/03/2024,1\n",
    )
    .unwrap();
    let out = bin().arg("import-prices").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("3 bad row(s), nothing imported"), "{err}");
    assert!(err.contains("line 3: close must be greater than zero, got -1"), "{err}");
    assert!(err.contains("line 4: symbol"), "{err}");
    assert!(err.contains("line 5: date must be YYYY-MM-DD"), "{err}");
    let store = kairo_server::store::Store::connect(&url, 1, 1).await.unwrap();
    store.migrate().await.unwrap();
    assert!(store.prices(&["SPY".into()]).await.unwrap().is_empty());
    std::fs::write(&csv, "symbol,date,close\nSPY,2024-07-01,545.34\nSPY,2024-07-02,546.990\nAGG,2024-07-01,97.5\n")
        .unwrap();
    let out = bin().arg("import-prices").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 3 close(s)"));
    let spy = store.prices(&["SPY".into()]).await.unwrap();
    assert_eq!(spy.iter().map(|(_, _, c)| c.to_string()).collect::<Vec<_>>(), ["545.34", "546.990"]);
    let states = store.price_states(None).await.unwrap();
    assert_eq!(states.iter().map(|s| s.symbol.as_str()).collect::<Vec<_>>(), ["AGG", "SPY"]);
    assert!(states
        .iter()
        .all(|s| s.source == kairo_server::store::market::PriceSource::Csv && s.refreshed_at.is_some()));
    store.close().await;
}

#[test]
fn serving_without_secrets_is_a_clear_error_outside_dev_mode() {
    let out = bin().arg("serve").env("DATABASE_URL", "sqlite::memory:").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("KAIRO_SERVICE_TOKEN must be set"), "{err}");
    // a secret shorter than 32 bytes is refused too, naming the variable
    for (token, jwt, refused) in
        [("short", "j".repeat(32), "KAIRO_SERVICE_TOKEN"), (&*"t".repeat(32), "j".repeat(31), "KAIRO_JWT_SECRET")]
    {
        let out = bin()
            .arg("serve")
            .env("DATABASE_URL", "sqlite::memory:")
            .env("KAIRO_SERVICE_TOKEN", token)
            .env("KAIRO_JWT_SECRET", &jwt)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(refused) && err.contains("at least 32 bytes"), "{err}");
    }
}

#[tokio::test]
async fn sigterm_stops_gracefully() {
    let (url, _dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = bin()
        .args(["--dev", "serve"])
        .env("DATABASE_URL", &url)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let start = Instant::now();
    while client.get(format!("http://127.0.0.1:{port}/health")).send().await.is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no exit 10 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(out.contains("dev mode: service token"), "{out}");
}

#[cfg(feature = "parquet")]
#[tokio::test]
async fn import_reads_parquet() {
    use polars::prelude::{df, ParquetWriter};
    let (url, dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let dir = dir.unwrap();
    let out = bin().args(["migrate"]).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success());
    let store = kairo_server::store::Store::connect(&url, 1, 1).await.unwrap();
    let user = store.create_user_of_type("cash").await.unwrap().id.to_string();
    let write = |qty: [&str; 2], name: &str| {
        let mut frame = df!(
            "user_id" => [user.as_str(), user.as_str()],
            "symbol" => ["ABC", "ABC"],
            "side" => ["BUY", "SELL"],
            "qty" => qty,
            "price" => ["100", "101.5"],
            "executed_at" => ["2024-07-01T14:00:00Z", "2024-07-02T14:00:00Z"],
            "external_id" => ["p1", "p2"],
        )
        .unwrap();
        let path = dir.0.join(name);
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut frame).unwrap();
        path
    };
    let bad = write(["0", "-4"], "bad.parquet");
    let out = bin().arg("import").arg(&bad).env("DATABASE_URL", &url).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // every bad row is reported, numbered from 1
    assert!(!out.status.success() && err.contains("row 1: qty must be greater than zero"), "{err}");
    assert!(err.contains("row 2: qty must be greater than zero"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");
    let good = write(["10", "4"], "good.parquet");
    let out = bin().arg("import").arg(&good).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let trades = store.trades(user.parse().unwrap()).await.unwrap();
    assert_eq!(trades.len(), 2);
    assert_eq!(trades[1].price.to_string(), "101.5");
    assert_eq!(trades[1].external_id.as_deref(), Some("p2"));
    store.close().await;
}

#[tokio::test]
async fn import_activities_reads_alpaca_and_csv_all_or_nothing() {
    let (url, dir) = common::fresh_database(common::Backend::Sqlite).await.unwrap();
    let dir = dir.unwrap();
    assert!(bin().args(["migrate"]).env("DATABASE_URL", &url).output().unwrap().status.success());
    let store = kairo_server::store::Store::connect(&url, 1, 1).await.unwrap();
    let user = store.create_user_of_type("cash").await.unwrap();
    // kairo's CSV: a bad amount on the second data line (record 1) aborts it all
    let csv = dir.0.join("activities.csv");
    let header = "id,user_id,type,date,symbol,amount,qty,ratio,cash_in_lieu,new_symbol,cost_basis,acquired\n";
    std::fs::write(
        &csv,
        format!("{header}d1,{u},DEPOSIT,2024-01-02,,5000,,,,,,\nw1,{u},WITHDRAWAL,2024-02-01,,-5,,,,,,\n", u = user.id),
    )
    .unwrap();
    let out = bin().arg("import-activities").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("record 1 (w1): amount: amount must be greater than zero"), "{err}");
    assert!(store.activities(user.id).await.unwrap().is_empty());
    std::fs::write(
        &csv,
        format!("{header}d1,{u},DEPOSIT,2024-01-02,,5000,,,,,,\nt1,{u},TRANSFER_IN,2024-01-05,AAPL,,10,,,,1800,2019-03-01\n", u = user.id),
    )
    .unwrap();
    let out = bin().arg("import-activities").arg(&csv).env("DATABASE_URL", &url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 activit(ies) (2 new)"));
    // Alpaca's JSON needs --user; a fill becomes a trade, a SPLIT is skipped and said so
    let json = dir.0.join("alpaca.json");
    std::fs::write(
        &json,
        r#"[{"id": "20240103150000000::a", "activity_type": "FILL", "transaction_time": "2024-01-03T15:00:00Z",
             "type": "fill", "price": "481.00", "qty": "2", "side": "buy", "symbol": "NVDA", "leaves_qty": "0",
             "order_id": "o1", "cum_qty": "2", "order_status": "filled"},
            {"id": "20240610000000000::s", "activity_type": "SPLIT", "date": "2024-06-10", "symbol": "NVDA", "qty": "18"}]"#,
    )
    .unwrap();
    let out = bin().arg("import-activities").arg(&json).env("DATABASE_URL", &url).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--user"));
    let out = bin()
        .arg("import-activities")
        .arg(&json)
        .args(["--user", &user.id.to_string()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 trade(s) (1 new), 0 activit(ies) (0 new), 1 skipped"), "{stdout}");
    assert!(stdout.contains("skipped record 1 (20240610000000000::s)"), "{stdout}");
    assert_eq!(store.trades(user.id).await.unwrap()[0].external_id.as_deref(), Some("20240103150000000::a"));
    store.close().await;
}
