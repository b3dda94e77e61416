-- The durable event log (what `/events` streams and the webhooks deliver): a compliance result that fails or flags,
-- a wash sale, a change of pattern-day-trader status, a metrics update, a subscription change. Ids grow with every
-- event (AUTOINCREMENT never reuses one), and kairo-server writes events under its single writer, so a reader that
-- has seen id N has seen every event up to N. `dedupe` names an outcome that two paths may report (the live check of
-- a posted trade and the recomputation after it): the second is not written again.
CREATE TABLE IF NOT EXISTS kairo_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    dedupe     TEXT,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kairo_events_user ON kairo_events (user_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS kairo_events_dedupe ON kairo_events (user_id, dedupe) WHERE dedupe IS NOT NULL;

-- One delivery per (event, webhook endpoint), queued with the event in its transaction, retried with backoff
-- until the endpoint answers 2xx, then deleted.
CREATE TABLE IF NOT EXISTS kairo_webhook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     INTEGER NOT NULL REFERENCES kairo_events (id) ON DELETE CASCADE,
    endpoint     TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       TEXT NOT NULL,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (event_id, endpoint)
);
CREATE INDEX IF NOT EXISTS kairo_webhook_deliveries_due ON kairo_webhook_deliveries (run_at);
