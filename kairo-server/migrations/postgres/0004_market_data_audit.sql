-- Where each symbol's closes in `benchmarks` came from and when they were last loaded (the market-data cache's
-- freshness), and the audit log of state-changing requests and webhooks.
CREATE TABLE IF NOT EXISTS kairo_price_sources (
    symbol       TEXT PRIMARY KEY,
    source       TEXT NOT NULL CHECK (source IN ('alpaca', 'csv', 'synthetic')),
    refreshed_at TIMESTAMPTZ,
    attempted_at TIMESTAMPTZ,
    last_error   TEXT
);

CREATE TABLE IF NOT EXISTS kairo_audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    status      INTEGER NOT NULL,
    request_id  TEXT NOT NULL,
    detail      JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS kairo_audit_log_at ON kairo_audit_log (at);
CREATE INDEX IF NOT EXISTS kairo_audit_log_actor ON kairo_audit_log (actor, at);
