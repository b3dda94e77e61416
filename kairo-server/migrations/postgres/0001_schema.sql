-- kairo's tables on PostgreSQL. Money and quantities are NUMERIC (exact, read as rust_decimal without loss).
-- `users` keeps the quoted camelCase column names of the Node backend that owns the table; kairo only reads the
-- id and inserts rows for standalone use, so rows written by the backend are never changed.
CREATE TABLE IF NOT EXISTS users (
    id          UUID PRIMARY KEY,
    email       TEXT UNIQUE,
    "fullName"  TEXT,
    "accountType" TEXT NOT NULL DEFAULT 'cash' CHECK ("accountType" IN ('cash', 'margin')),
    "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "updatedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS trades (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id),
    symbol      TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    qty         NUMERIC NOT NULL CHECK (qty > 0),
    price       NUMERIC NOT NULL CHECK (price > 0),
    fees        NUMERIC NOT NULL DEFAULT 0 CHECK (fees >= 0),
    executed_at TIMESTAMPTZ NOT NULL,
    external_id TEXT UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS trades_user_time ON trades (user_id, executed_at, id);

CREATE TABLE IF NOT EXISTS compliance_audit (
    id          BIGSERIAL PRIMARY KEY,
    trade_id    UUID NOT NULL REFERENCES trades (id),
    user_id     UUID NOT NULL,
    check_name  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'flag')),
    reason      TEXT NOT NULL,
    metadata    JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (trade_id, check_name)
);
CREATE INDEX IF NOT EXISTS compliance_audit_user ON compliance_audit (user_id, status, check_name);

CREATE TABLE IF NOT EXISTS benchmarks (
    symbol      TEXT NOT NULL,
    date        DATE NOT NULL,
    close       NUMERIC NOT NULL CHECK (close > 0),
    PRIMARY KEY (symbol, date)
);

CREATE TABLE IF NOT EXISTS user_subscriptions (
    user_id                 UUID PRIMARY KEY REFERENCES users (id),
    stripe_customer_id      TEXT,
    stripe_subscription_id  TEXT UNIQUE,
    plan                    TEXT NOT NULL DEFAULT 'free',
    status                  TEXT NOT NULL DEFAULT 'inactive',
    current_period_end      TIMESTAMPTZ,
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The durable job queue: compliance and metric recomputation per user.
CREATE TABLE IF NOT EXISTS kairo_jobs (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     UUID NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until TIMESTAMPTZ,
    last_error  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS kairo_jobs_due ON kairo_jobs (run_at);

-- Metrics computed by the jobs, per user; `version` counts the user's trades when they were computed.
CREATE TABLE IF NOT EXISTS kairo_metrics_cache (
    user_id     UUID PRIMARY KEY,
    trades      BIGINT NOT NULL,
    body        JSONB NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Webhook events already processed (Stripe retries deliveries).
CREATE TABLE IF NOT EXISTS kairo_webhook_events (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
