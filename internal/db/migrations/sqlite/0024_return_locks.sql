-- Statistical returns (package report): a return of a period locked
-- (报送/锁定) for a region keeps the figures as they were then — the
-- snapshot (JSON of the filled table) the page and the Excel show until it
-- is unlocked. One lock at most per return, period and region; every lock
-- and unlock (with its reason) is a row of the history.
CREATE TABLE return_locks (
    id          INTEGER PRIMARY KEY,
    return_code TEXT NOT NULL,
    period      TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    snapshot    TEXT NOT NULL,
    locked_at   TIMESTAMP NOT NULL,
    locked_by   TEXT NOT NULL,
    UNIQUE (return_code, period, region_code)
);

CREATE TABLE return_lock_history (
    id          INTEGER PRIMARY KEY,
    return_code TEXT NOT NULL,
    period      TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    action      TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
    reason      TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX return_lock_history_return ON return_lock_history (return_code, period, region_code, id);
