-- A user's named benchmarks: a blend of symbols and weights (`SPY:0.6,AGG:0.4`, as kairo-core reads it), its
-- rebalancing rule (daily, monthly, quarterly, yearly, buy_and_hold), and optionally a start date and start value.
CREATE TABLE IF NOT EXISTS kairo_custom_benchmarks (
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    components  TEXT NOT NULL,
    rebalance   TEXT NOT NULL,
    start_date  DATE,
    start_value NUMERIC NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, name)
);
