-- A version per user, raised by every change to the user's trades or activities (by kairo-server or by any other
-- process writing the file, such as `kairo-server import`), and one for loaded closes (key `*prices`), raised by
-- every row of `kairo_price_sources` written: a read served from kairo-server's caches checks them with one indexed
-- lookup. (PostgreSQL announces the same changes with notifications instead, migration 0005 there.)
CREATE TABLE IF NOT EXISTS kairo_versions (
    key     TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS kairo_trades_inserted_version AFTER INSERT ON trades
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_trades_updated_version AFTER UPDATE ON trades
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
    INSERT INTO kairo_versions (key, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_trades_deleted_version AFTER DELETE ON trades
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_activities_inserted_version AFTER INSERT ON kairo_activities
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_activities_updated_version AFTER UPDATE ON kairo_activities
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (NEW.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
    INSERT INTO kairo_versions (key, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_activities_deleted_version AFTER DELETE ON kairo_activities
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES (OLD.user_id, 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_prices_inserted_version AFTER INSERT ON kairo_price_sources
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES ('*prices', 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER IF NOT EXISTS kairo_prices_updated_version AFTER UPDATE ON kairo_price_sources
BEGIN
    INSERT INTO kairo_versions (key, version) VALUES ('*prices', 1)
        ON CONFLICT (key) DO UPDATE SET version = version + 1;
END;
