-- Leaderboards. A member opted in under a display name (nothing else of the user is shown); the jobs keep, per
-- member, whether the account is eligible (and why not) and its score per period and metric, a row only for the
-- boards it is ranked on. The ranking pass (kairo-server's, after scores change) writes each score's place on its
-- board (`position`, 1, 2, 3, ...) and rank (equal scores share one: 1, 2, 2, 4), and each board's size, so that a
-- page is one range of one index whatever its offset.
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
    position     INTEGER,
    rank         INTEGER,
    PRIMARY KEY (period, metric, user_id)
);
CREATE INDEX IF NOT EXISTS kairo_leaderboard_rank
    ON kairo_leaderboard_scores (period, metric, value DESC, display_name, user_id);
CREATE INDEX IF NOT EXISTS kairo_leaderboard_place ON kairo_leaderboard_scores (period, metric, position);
CREATE INDEX IF NOT EXISTS kairo_leaderboard_user ON kairo_leaderboard_scores (user_id);
CREATE TABLE IF NOT EXISTS kairo_leaderboard_boards (
    period    TEXT NOT NULL,
    metric    TEXT NOT NULL,
    entrants  INTEGER NOT NULL,
    ranked_at TEXT NOT NULL,
    PRIMARY KEY (period, metric)
);
