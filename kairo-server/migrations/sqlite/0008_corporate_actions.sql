-- Corporate actions of the symbols in `benchmarks`, whose closes are raw (unadjusted): splits (ratio = new shares
-- per old share), cash dividends (value = cash per share) and name changes (new_symbol), by ex-date.
CREATE TABLE IF NOT EXISTS kairo_corporate_actions (
    symbol     TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('split', 'cash_dividend', 'name_change')),
    ex_date    TEXT NOT NULL,
    value      TEXT,
    new_symbol TEXT,
    PRIMARY KEY (symbol, kind, ex_date)
);
