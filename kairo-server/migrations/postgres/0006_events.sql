-- The durable event log (what `/events` streams and the webhooks deliver): a compliance result that fails or flags,
-- a wash sale, a change of pattern-day-trader status, a metrics update, a subscription change. Every transaction
-- that writes events takes the advisory lock `kairo_events` first, so ids are committed in the order they are
-- drawn: a reader that has seen id N has seen every committed event up to N (a sequence alone would let a later id
-- commit before an earlier one). `dedupe` names an outcome that two paths may report (the live check of a posted
-- trade and the recomputation after it): the second is not written again.
CREATE TABLE IF NOT EXISTS kairo_events (
    id         BIGSERIAL PRIMARY KEY,
    user_id    UUID NOT NULL,
    kind       TEXT NOT NULL,
    dedupe     TEXT,
    data       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS kairo_events_user ON kairo_events (user_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS kairo_events_dedupe ON kairo_events (user_id, dedupe) WHERE dedupe IS NOT NULL;

-- One delivery per (event, webhook endpoint), queued with the event in its transaction, retried with backoff
-- until the endpoint answers 2xx, then deleted.
CREATE TABLE IF NOT EXISTS kairo_webhook_deliveries (
    id           BIGSERIAL PRIMARY KEY,
    event_id     BIGINT NOT NULL REFERENCES kairo_events (id) ON DELETE CASCADE,
    endpoint     TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint)
);
CREATE INDEX IF NOT EXISTS kairo_webhook_deliveries_due ON kairo_webhook_deliveries (run_at);
