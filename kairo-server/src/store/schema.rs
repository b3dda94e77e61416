//! The start-up check of the seed's tables on PostgreSQL: a database the Node backend created may differ from the
//! seed's schema (a column renamed, an id stored as text, a NOT NULL column kairo does not fill). Every
//! incompatibility is named in one list before kairo migrates or serves, instead of one 500 at a time later.
//! SQLite is kairo's own database and is not checked.

use std::collections::BTreeMap;

use sqlx::PgPool;

use super::StoreResult;

/// A column kairo reads or writes: its table, its name, and the types it may have (as `information_schema`
/// names them).
struct Needed {
    table: &'static str,
    column: &'static str,
    types: &'static [&'static str],
}

const UUID: &[&str] = &["uuid"];
const TEXT: &[&str] = &["text", "character varying"];
const NUMERIC: &[&str] = &["numeric"];
const TIME: &[&str] = &["timestamp with time zone"];
const JSON: &[&str] = &["jsonb", "json"];
const DATE: &[&str] = &["date"];

macro_rules! needed {
    ($($table:literal: $($column:literal $types:ident),+;)+) => {
        &[$($(Needed { table: $table, column: $column, types: $types }),+),+]
    };
}

/// The seed's columns kairo uses (every column of the seed's five tables).
const NEEDED: &[Needed] = needed! {
    "users": "id" UUID, "email" TEXT, "username" TEXT, "subscriptionPlan" TEXT, "subscriptionStatus" TEXT,
        "stripeCustomerId" TEXT, "created_at" TIME;
    "trades": "id" UUID, "user_id" UUID, "symbol" TEXT, "side" TEXT, "qty" NUMERIC, "price" NUMERIC,
        "executed_at" TIME, "external_id" TEXT, "raw" JSON, "created_at" TIME;
    "compliance_audit": "id" UUID, "user_id" UUID, "trade_id" UUID, "check_name" TEXT, "status" TEXT,
        "reason" TEXT, "metadata" JSON, "created_at" TIME;
    "benchmarks": "id" UUID, "symbol" TEXT, "date" DATE, "open" NUMERIC, "high" NUMERIC, "low" NUMERIC,
        "close" NUMERIC, "volume" NUMERIC, "created_at" TIME;
    "user_subscriptions": "id" UUID, "user_id" UUID, "stripe_subscription_id" TEXT, "tier" TEXT, "status" TEXT,
        "current_period_end" TIME, "created_at" TIME;
};

/// The columns kairo's inserts set, by table: any other NOT NULL column without a default would fail them.
const INSERTED: &[(&str, &[&str])] = &[
    ("users", &["id", "email", "username"]),
    ("trades", &["id", "user_id", "symbol", "side", "qty", "price", "executed_at", "external_id", "raw"]),
    ("compliance_audit", &["id", "trade_id", "user_id", "check_name", "status", "reason", "metadata"]),
    ("benchmarks", &["id", "symbol", "date", "close"]),
    ("user_subscriptions", &["id", "user_id", "stripe_subscription_id", "tier", "status", "current_period_end"]),
];

/// Every way the seed's tables in the current schema differ from what kairo needs; empty when they fit (or do not
/// exist yet: the migrations create them).
pub async fn problems(p: &PgPool) -> StoreResult<Vec<String>> {
    let tables: Vec<&str> = INSERTED.iter().map(|(t, _)| *t).collect();
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, column_default::text
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = ANY($1)",
    )
    .bind(&tables)
    .fetch_all(p)
    .await?;
    let mut columns: BTreeMap<&str, BTreeMap<String, (String, bool, bool)>> = BTreeMap::new();
    for (table, column, ty, nullable, default) in &rows {
        if let Some(t) = tables.iter().find(|t| **t == table) {
            columns.entry(t).or_default().insert(column.clone(), (ty.clone(), nullable == "YES", default.is_some()));
        }
    }
    let mut out = Vec::new();
    for n in NEEDED {
        // A table that does not exist is created by the migrations.
        let Some(table) = columns.get(n.table) else { continue };
        match table.get(n.column) {
            None => out.push(format!("{}.{} is missing", n.table, quoted(n.column))),
            Some((ty, _, _)) if !n.types.contains(&ty.as_str()) => {
                out.push(format!("{}.{} is {ty}, kairo needs {}", n.table, quoted(n.column), n.types.join(" or ")))
            }
            Some(_) => {}
        }
    }
    for (table, set) in INSERTED {
        let Some(cols) = columns.get(table) else { continue };
        for (column, (_, nullable, has_default)) in cols {
            if !nullable && !has_default && !set.contains(&column.as_str()) {
                out.push(format!(
                    "{table}.{} is NOT NULL without a default, and kairo's inserts do not set it",
                    quoted(column)
                ));
            }
        }
    }
    if columns.contains_key("benchmarks") {
        let unique: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                 WHERE c.relname = 'benchmarks' AND c.relnamespace = current_schema()::regnamespace AND i.indisunique
                   AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey)) = ARRAY['date', 'symbol'])",
        )
        .fetch_one(p)
        .await?;
        if !unique {
            out.push("benchmarks has no UNIQUE (symbol, date), which kairo's cache upserts on".to_owned());
        }
    }
    Ok(out)
}

/// A column name as SQL writes it (camelCase names quoted).
fn quoted(column: &str) -> String {
    if column.chars().any(|c| c.is_ascii_uppercase()) {
        format!("\"{column}\"")
    } else {
        column.to_owned()
    }
}
