-- kairo's tables on SQLite. Money and quantities are TEXT holding exact decimal strings (never REAL); times are
-- RFC 3339 UTC text, which sorts chronologically. `users` keeps the camelCase column names of the PostgreSQL schema.
CREATE TABLE IF NOT EXISTS users (
    id          TEXT PRIMARY KEY,
    email       TEXT UNIQUE,
    "fullName"  TEXT,
    "accountType" TEXT NOT NULL DEFAULT 'cash' CHECK ("accountType" IN ('cash', 'margin')),
    "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS trades (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    symbol      TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    qty         TEXT NOT NULL,
    price       TEXT NOT NULL,
    fees        TEXT NOT NULL DEFAULT '0',
    executed_at TEXT NOT NULL,
    external_id TEXT UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS trades_user_time ON trades (user_id, executed_at, id);

CREATE TABLE IF NOT EXISTS compliance_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trade_id    TEXT NOT NULL REFERENCES trades (id),
    user_id     TEXT NOT NULL,
    check_name  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'flag')),
    reason      TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (trade_id, check_name)
);
CREATE INDEX IF NOT EXISTS compliance_audit_user ON compliance_audit (user_id, status, check_name);

CREATE TABLE IF NOT EXISTS benchmarks (
    symbol      TEXT NOT NULL,
    date        TEXT NOT NULL,
    close       TEXT NOT NULL,
    PRIMARY KEY (symbol, date)
);

CREATE TABLE IF NOT EXISTS user_subscriptions (
    user_id                 TEXT PRIMARY KEY REFERENCES users (id),
    stripe_customer_id      TEXT,
    stripe_subscription_id  TEXT UNIQUE,
    plan                    TEXT NOT NULL DEFAULT 'free',
    status                  TEXT NOT NULL DEFAULT 'inactive',
    current_period_end      TEXT,
    updated_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS kairo_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    locked_until TEXT,
    last_error  TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS kairo_jobs_due ON kairo_jobs (run_at);

CREATE TABLE IF NOT EXISTS kairo_metrics_cache (
    user_id     TEXT PRIMARY KEY,
    trades      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS kairo_webhook_events (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
