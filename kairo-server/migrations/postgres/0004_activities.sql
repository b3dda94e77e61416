-- An account's activities besides its fills (deposits, withdrawals, dividends, interest, fees, taxes, splits,
-- symbol changes, transfers of shares): each as kairo-core validated it (`body`, read back through the same input
-- path), unique per user by id so that a repeated import stores nothing twice.
CREATE TABLE IF NOT EXISTS kairo_activities (
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    type       TEXT NOT NULL,
    date       DATE NOT NULL,
    body       JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, id)
);
CREATE INDEX IF NOT EXISTS kairo_activities_date ON kairo_activities (user_id, date);
