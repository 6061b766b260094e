-- The half-year summary's draft of a district (package report): staff's
-- wording of each part over the generated sentence (texts, JSON: part key
-- → text), and, once locked, the snapshot of the whole draft — words,
-- figures and plan — that the documents print from then on.
CREATE TABLE report_drafts (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    year        INTEGER NOT NULL,
    texts       TEXT NOT NULL DEFAULT '{}',
    snapshot    TEXT NOT NULL DEFAULT '',
    locked_at   TIMESTAMP,
    locked_by   TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (region_code, year)
);
