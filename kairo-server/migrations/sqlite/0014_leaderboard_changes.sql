-- Which boards the ranking pass must place again: every change of a score (an insert, a delete, including a
-- member's scores deleted with the member, a new value or display name) counts one more change of its board, by
-- trigger, whoever writes it. The pass ranks the boards listed here and removes a board's row in the same
-- transaction only if its count is still the one it read, so a change during the pass is ranked by the next one;
-- an unchanged board is not sorted again, at start-up or after other boards change.
CREATE TABLE IF NOT EXISTS kairo_leaderboard_changes (
    period  TEXT NOT NULL,
    metric  TEXT NOT NULL,
    changes INTEGER NOT NULL,
    PRIMARY KEY (period, metric)
);
INSERT OR IGNORE INTO kairo_leaderboard_changes (period, metric, changes)
    SELECT DISTINCT period, metric, 1 FROM kairo_leaderboard_scores;
CREATE TRIGGER IF NOT EXISTS kairo_leaderboard_score_added AFTER INSERT ON kairo_leaderboard_scores BEGIN
    INSERT INTO kairo_leaderboard_changes (period, metric, changes) VALUES (NEW.period, NEW.metric, 1)
        ON CONFLICT (period, metric) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_leaderboard_score_removed AFTER DELETE ON kairo_leaderboard_scores BEGIN
    INSERT INTO kairo_leaderboard_changes (period, metric, changes) VALUES (OLD.period, OLD.metric, 1)
        ON CONFLICT (period, metric) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_leaderboard_score_changed
    AFTER UPDATE OF value, display_name ON kairo_leaderboard_scores
    WHEN NEW.value IS NOT OLD.value OR NEW.display_name IS NOT OLD.display_name
BEGIN
    INSERT INTO kairo_leaderboard_changes (period, metric, changes) VALUES (NEW.period, NEW.metric, 1)
        ON CONFLICT (period, metric) DO UPDATE SET changes = changes + 1;
END;
