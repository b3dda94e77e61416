-- The seed's columns kairo reads and writes beside its own: a user's `username` (unique, as in the seed), and a
-- trade's original payload (`raw`). The seed's `fullName`-less users table is PostgreSQL's; here `"fullName"`
-- stays for databases written before, and is no longer read.
ALTER TABLE users ADD COLUMN username TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (username);
ALTER TABLE trades ADD COLUMN raw TEXT;

-- Stripe events that came before their customer was linked to a user (applied when the link appears).
CREATE TABLE IF NOT EXISTS kairo_stripe_parked (
    event_id    TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    created     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS kairo_stripe_parked_customer ON kairo_stripe_parked (customer_id, created);
-- The status of the last event applied to a subscription (events of one second are ordered by it).
ALTER TABLE user_subscriptions ADD COLUMN last_status TEXT;
-- A Stripe price an event named that no tier maps (it granted the free plan; /health lists them).
ALTER TABLE kairo_webhook_events ADD COLUMN unmapped_price TEXT;
