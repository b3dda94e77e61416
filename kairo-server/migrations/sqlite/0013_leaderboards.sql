-- Leaderboards. A member opted in under a display name (nothing else of the user is shown); the jobs keep, per
-- member, whether the account is eligible (and why not) and its score per period and metric, a row only for the
-- boards it is ranked on. Scores carry the display name so that a page is read in rank order from one index.
CREATE TABLE IF NOT EXISTS kairo_leaderboard_members (
    user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    eligible     INTEGER NOT NULL DEFAULT 0,
    reason       TEXT,
    joined_at    TEXT NOT NULL,
    computed_at  TEXT
);
CREATE TABLE IF NOT EXISTS kairo_leaderboard_scores (
    period       TEXT NOT NULL,
    metric       TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    value        REAL NOT NULL,
    PRIMARY KEY (period, metric, user_id)
);
CREATE INDEX IF NOT EXISTS kairo_leaderboard_rank
    ON kairo_leaderboard_scores (period, metric, value DESC, display_name, user_id);
CREATE INDEX IF NOT EXISTS kairo_leaderboard_user ON kairo_leaderboard_scores (user_id);
