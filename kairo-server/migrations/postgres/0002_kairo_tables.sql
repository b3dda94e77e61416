-- kairo's own data, beside the seed's tables. Nothing here drops, renames or retypes a seed column, changes a row
-- of a seed table, or adds a constraint to one: kairo's data lives in `kairo_*` tables (each references the seed's
-- rows with ON DELETE CASCADE, so that kairo never stands in the way of the backend deleting a user or a trade),
-- and the seed's tables only get indexes. Money and quantities are NUMERIC (exact, read as rust_decimal).

-- The account type of a user, for the cash-account rules; a user without a row is a cash account (the stricter
-- rules apply until told otherwise).
CREATE TABLE IF NOT EXISTS kairo_accounts (
    user_id      UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    account_type TEXT NOT NULL CHECK (account_type IN ('cash', 'margin')),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Commissions and fees of trades that have any (the seed's `trades` has no such column; a trade without a row
-- paid none).
CREATE TABLE IF NOT EXISTS kairo_trade_fees (
    trade_id UUID PRIMARY KEY REFERENCES trades (id) ON DELETE CASCADE,
    fees     NUMERIC NOT NULL CHECK (fees > 0)
);

-- Broker ids kairo has stored, each with its trade: a repeated id returns the stored trade. The seed's `trades`
-- has no unique constraint on `external_id` (a database kairo did not write may hold one id twice), so the
-- uniqueness lives here; the ids already in `trades` are taken over, the earliest trade of each id first.
CREATE TABLE IF NOT EXISTS kairo_external_ids (
    external_id TEXT PRIMARY KEY,
    trade_id    UUID NOT NULL REFERENCES trades (id) ON DELETE CASCADE
);
INSERT INTO kairo_external_ids (external_id, trade_id)
SELECT DISTINCT ON (external_id) external_id, id FROM trades WHERE external_id IS NOT NULL
 ORDER BY external_id, created_at NULLS LAST, id
ON CONFLICT (external_id) DO NOTHING;

-- A user's history in execution order; a broker id looked up among trades another program stored.
CREATE INDEX IF NOT EXISTS kairo_trades_user_time ON trades (user_id, executed_at, id);
CREATE INDEX IF NOT EXISTS kairo_trades_external_id ON trades (external_id) WHERE external_id IS NOT NULL;
-- Trades stored by another program and not audited yet are found by their creation time.
CREATE INDEX IF NOT EXISTS kairo_trades_created ON trades (created_at);

-- A trade's audit rows, and a user's problems by check. One row per trade and check is kept by the writer (it
-- replaces a trade's rows under the user's lock); where the rows already satisfy it, a unique index holds it too.
CREATE INDEX IF NOT EXISTS kairo_compliance_audit_user ON compliance_audit (user_id, status, check_name);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM compliance_audit GROUP BY trade_id, check_name HAVING count(*) > 1) THEN
        CREATE UNIQUE INDEX IF NOT EXISTS kairo_compliance_audit_one ON compliance_audit (trade_id, check_name);
    ELSE
        RAISE NOTICE 'compliance_audit has several rows for one trade and check; kept as they are (kairo replaces a trade''s rows when it audits it again)';
        CREATE INDEX IF NOT EXISTS kairo_compliance_audit_trade ON compliance_audit (trade_id, check_name);
    END IF;
END
$$;

-- A user's subscription rows, newest first; one row per Stripe subscription.
CREATE INDEX IF NOT EXISTS kairo_user_subscriptions_user ON user_subscriptions (user_id, created_at);
CREATE INDEX IF NOT EXISTS kairo_user_subscriptions_stripe ON user_subscriptions (stripe_subscription_id);
-- Users by Stripe customer.
CREATE INDEX IF NOT EXISTS kairo_users_stripe_customer ON users ("stripeCustomerId");

-- The durable job queue: compliance and metric recomputation per user. `dirty_from`: the earliest execution time
-- among the trades a pending recompute must (re)write audit rows for (the job replays the history before it
-- without writing); NULL: every row of the user. At most one pending (unclaimed) job of a kind per user, so that
-- storing a trade enqueues its user's recompute with one race-free `INSERT ... ON CONFLICT`.
CREATE TABLE IF NOT EXISTS kairo_jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    user_id      UUID NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    run_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    dirty_from   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS kairo_jobs_due ON kairo_jobs (run_at);
CREATE INDEX IF NOT EXISTS kairo_jobs_user ON kairo_jobs (user_id);
CREATE UNIQUE INDEX IF NOT EXISTS kairo_jobs_pending ON kairo_jobs (kind, user_id) WHERE locked_until IS NULL;

-- Metrics computed by the jobs, per user; `trades` counts the user's trades when they were computed.
CREATE TABLE IF NOT EXISTS kairo_metrics_cache (
    user_id     UUID PRIMARY KEY,
    trades      BIGINT NOT NULL,
    body        JSONB NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Trades created after this time and not audited are swept into their users' jobs (trades another program stored).
CREATE TABLE IF NOT EXISTS kairo_sweep (
    id         BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    swept_to   TIMESTAMPTZ NOT NULL
);

-- Stripe: events already processed (Stripe retries deliveries), customers linked by a checkout (beside the seed's
-- `users."stripeCustomerId"`, which links them too), the order of each subscription's events, and events that
-- came before their customer was linked to a user (applied when the link appears).
CREATE TABLE IF NOT EXISTS kairo_webhook_events (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- a Stripe price the event named that no tier maps (it granted the free plan; /health lists them)
    unmapped_price TEXT
);
CREATE TABLE IF NOT EXISTS kairo_stripe_customers (
    customer_id TEXT PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS kairo_stripe_subscriptions (
    stripe_subscription_id TEXT PRIMARY KEY,
    user_id                UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_event_created     BIGINT NOT NULL,
    last_status            TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kairo_stripe_parked (
    event_id    TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    created     BIGINT NOT NULL,
    body        JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS kairo_stripe_parked_customer ON kairo_stripe_parked (customer_id, created);

-- Where each symbol's bars in `benchmarks` came from and when they were last loaded (the market-data cache's
-- freshness), and the audit log of state-changing requests and webhooks.
CREATE TABLE IF NOT EXISTS kairo_price_sources (
    symbol       TEXT PRIMARY KEY,
    source       TEXT NOT NULL CHECK (source IN ('alpaca', 'csv', 'synthetic')),
    refreshed_at TIMESTAMPTZ,
    attempted_at TIMESTAMPTZ,
    last_error   TEXT
);

CREATE TABLE IF NOT EXISTS kairo_audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT,
    status     INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    detail     JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS kairo_audit_log_at ON kairo_audit_log (at);
CREATE INDEX IF NOT EXISTS kairo_audit_log_actor ON kairo_audit_log (actor, at);
