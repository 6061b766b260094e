-- S&T awards (package award): one round a year per district with its
-- nomination window, its levels and their quotas as JSON data, the length
-- of the objection window in calendar days and the committee's size; the
-- nominations, which the workflow machine "award" drives from nomination
-- to awarded (its history is workflow_history); the committee session of a
-- round with its members and attendance; the ballots per nomination and
-- level; and the objections of the publicity.

CREATE TABLE award_rounds (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    opens_on       TEXT NOT NULL,
    closes_on      TEXT NOT NULL,
    levels         TEXT NOT NULL DEFAULT '[]',
    objection_days INTEGER NOT NULL DEFAULT 30 CHECK (objection_days >= 1),
    panel_size     INTEGER NOT NULL CHECK (panel_size >= 1),
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (region_code, year)
);

CREATE TABLE award_nominations (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES award_rounds (id),
    region_code     TEXT NOT NULL REFERENCES regions (code),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name TEXT NOT NULL,
    nominator_kind  TEXT NOT NULL CHECK (nominator_kind IN ('enterprise', 'staff')),
    nominated_by    INTEGER NOT NULL,
    title           TEXT NOT NULL,
    units           TEXT NOT NULL DEFAULT '[]',
    contributors    TEXT NOT NULL DEFAULT '[]',
    summary         TEXT NOT NULL DEFAULT '',
    proposed_level  INTEGER NOT NULL,
    state           TEXT NOT NULL,
    submitted_at    TIMESTAMP,
    awarded_level   INTEGER NOT NULL DEFAULT 0,
    publicity_start TEXT,
    publicity_end   TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (round_id, enterprise_id, title)
);
CREATE INDEX award_nominations_round ON award_nominations (round_id, state);
CREATE INDEX award_nominations_region ON award_nominations (region_code, state);
CREATE INDEX award_nominations_enterprise ON award_nominations (enterprise_id);

CREATE TABLE award_sessions (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL UNIQUE REFERENCES award_rounds (id),
    held_on    TEXT NOT NULL,
    members    TEXT NOT NULL DEFAULT '[]',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE award_votes (
    nomination_id INTEGER NOT NULL REFERENCES award_nominations (id),
    level         INTEGER NOT NULL,
    yes           INTEGER NOT NULL CHECK (yes >= 0),
    no            INTEGER NOT NULL CHECK (no >= 0),
    abstain       INTEGER NOT NULL CHECK (abstain >= 0),
    recorded_by   INTEGER,
    recorded_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (nomination_id, level)
);

CREATE TABLE award_objections (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES award_nominations (id),
    text          TEXT NOT NULL,
    received_on   TEXT NOT NULL,
    raised_by     INTEGER,
    raised_at     TIMESTAMP NOT NULL,
    answer        TEXT NOT NULL DEFAULT '',
    answered_by   INTEGER,
    answered_at   TIMESTAMP
);
CREATE INDEX award_objections_nomination ON award_objections (nomination_id);
