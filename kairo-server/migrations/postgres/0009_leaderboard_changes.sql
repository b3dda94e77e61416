-- Which boards the ranking pass must place again: every change of a score (an insert, a delete, including a
-- member's scores deleted with the member, a new value or display name) counts one more change of its board, by
-- trigger (inserts and deletes once per statement and board), whoever writes it. The pass ranks the boards listed here and removes a
-- board's row in the same transaction only if its count is still the one it read (a concurrent change holds the
-- row until it commits, then counts one more), so a change during the pass is ranked by the next one; an unchanged
-- board is not sorted again, at start-up or after other boards change.
CREATE TABLE IF NOT EXISTS kairo_leaderboard_changes (
    period  TEXT NOT NULL,
    metric  TEXT NOT NULL,
    changes BIGINT NOT NULL,
    PRIMARY KEY (period, metric)
);
INSERT INTO kairo_leaderboard_changes (period, metric, changes)
    SELECT DISTINCT period, metric, 1 FROM kairo_leaderboard_scores
    ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION kairo_leaderboard_count_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kairo_leaderboard_changes (period, metric, changes)
        SELECT period, metric, 1 FROM changed_rows GROUP BY period, metric ORDER BY period, metric
        ON CONFLICT (period, metric) DO UPDATE SET changes = kairo_leaderboard_changes.changes + 1;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS kairo_leaderboard_score_added ON kairo_leaderboard_scores;
CREATE TRIGGER kairo_leaderboard_score_added AFTER INSERT ON kairo_leaderboard_scores
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kairo_leaderboard_count_changes();
DROP TRIGGER IF EXISTS kairo_leaderboard_score_removed ON kairo_leaderboard_scores;
CREATE TRIGGER kairo_leaderboard_score_removed AFTER DELETE ON kairo_leaderboard_scores
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kairo_leaderboard_count_changes();
-- A new value or name, row by row (a transition table cannot go with a column list, and the ranking pass's own
-- update of `position` and `rank` must not count).
CREATE OR REPLACE FUNCTION kairo_leaderboard_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kairo_leaderboard_changes (period, metric, changes) VALUES (NEW.period, NEW.metric, 1)
        ON CONFLICT (period, metric) DO UPDATE SET changes = kairo_leaderboard_changes.changes + 1;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS kairo_leaderboard_score_changed ON kairo_leaderboard_scores;
CREATE TRIGGER kairo_leaderboard_score_changed AFTER UPDATE OF value, display_name ON kairo_leaderboard_scores
    FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION kairo_leaderboard_count_change();
