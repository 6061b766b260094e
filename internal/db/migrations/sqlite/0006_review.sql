-- Expert review (package review): the expert registry with fields of
-- expertise and relations, staff dismissals of false-positive conflicts,
-- panels drawn by a stored seed (with the eligible pool, its hash and who
-- was excluded and why, so an auditor can replay the draw), their members
-- with declarations, rubric scores per member and criterion, and ranking
-- snapshots that lock when published.
--
-- experts.registry_region is the district whose registry holds the expert
-- (the data scope); experts.region_code is where the expert is, which may
-- lie outside the province and so is not a reference to regions.

CREATE TABLE experts (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER UNIQUE REFERENCES users (id),
    registry_region TEXT NOT NULL REFERENCES regions (code),
    name            TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    employer        TEXT NOT NULL DEFAULT '',
    region_code     TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    available       BOOLEAN NOT NULL DEFAULT TRUE,
    credit          TEXT NOT NULL DEFAULT 'good' CHECK (credit IN ('good', 'warned', 'banned')),
    credit_note     TEXT NOT NULL DEFAULT '',
    max_load        INTEGER NOT NULL DEFAULT 0 CHECK (max_load >= 0),
    note            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX experts_registry ON experts (registry_region, name);

CREATE TABLE expert_fields (
    expert_id INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    field     TEXT NOT NULL,
    PRIMARY KEY (expert_id, field)
);
CREATE INDEX expert_fields_field ON expert_fields (field, expert_id);

CREATE TABLE expert_relations (
    id         INTEGER PRIMARY KEY,
    expert_id  INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('same_employer', 'relative', 'collaborator', 'paid_service', 'declared')),
    party      TEXT NOT NULL,
    since      TEXT,
    until      TEXT,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX expert_relations_expert ON expert_relations (expert_id);

CREATE TABLE conflict_dismissals (
    id             INTEGER PRIMARY KEY,
    expert_id      INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    applicant_key  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    party          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    dismissed_by   INTEGER,
    dismissed_name TEXT NOT NULL,
    dismissed_at   TIMESTAMP NOT NULL,
    UNIQUE (expert_id, applicant_key, kind, party)
);
CREATE INDEX conflict_dismissals_applicant ON conflict_dismissals (applicant_key);

CREATE TABLE panels (
    id             INTEGER PRIMARY KEY,
    object_type    TEXT NOT NULL,
    object_id      INTEGER NOT NULL,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    applicant_key  TEXT NOT NULL,
    applicant_json TEXT NOT NULL,
    field          TEXT NOT NULL,
    draw_on        TEXT NOT NULL,
    seed           TEXT NOT NULL,
    algorithm      TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size > 0),
    pool_ids       TEXT NOT NULL,
    pool_hash      TEXT NOT NULL,
    excluded_json  TEXT NOT NULL,
    dismissed_json TEXT NOT NULL DEFAULT '[]',
    rubric_json    TEXT NOT NULL DEFAULT '',
    result_json    TEXT NOT NULL DEFAULT '',
    drawn_by       INTEGER,
    drawn_name     TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    closed_at      TIMESTAMP,
    closed_by      INTEGER,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (object_type, object_id)
);
CREATE INDEX panels_region ON panels (region_code, created_at);
CREATE INDEX panels_draw_on ON panels (draw_on);

CREATE TABLE panel_members (
    panel_id             INTEGER NOT NULL REFERENCES panels (id),
    expert_id            INTEGER NOT NULL REFERENCES experts (id),
    seq                  INTEGER NOT NULL,
    drawn_as             TEXT NOT NULL CHECK (drawn_as IN ('member', 'alternate')),
    role                 TEXT NOT NULL CHECK (role IN ('member', 'alternate')),
    status               TEXT NOT NULL CHECK (status IN ('standby', 'invited', 'accepted', 'declined', 'replaced')),
    replaces             INTEGER REFERENCES experts (id),
    replaced_by          INTEGER REFERENCES experts (id),
    reason               TEXT NOT NULL DEFAULT '',
    signed_at            TIMESTAMP,
    declared_no_conflict BOOLEAN NOT NULL DEFAULT FALSE,
    declaration_note     TEXT NOT NULL DEFAULT '',
    responded_at         TIMESTAMP,
    score_comment        TEXT NOT NULL DEFAULT '',
    scored_at            TIMESTAMP,
    PRIMARY KEY (panel_id, expert_id),
    UNIQUE (panel_id, seq)
);
CREATE INDEX panel_members_expert ON panel_members (expert_id, status);

CREATE TABLE panel_scores (
    panel_id     INTEGER NOT NULL,
    expert_id    INTEGER NOT NULL,
    criterion    TEXT NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),
    submitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (panel_id, expert_id, criterion),
    FOREIGN KEY (panel_id, expert_id) REFERENCES panel_members (panel_id, expert_id)
);

CREATE TABLE rankings (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    title        TEXT NOT NULL,
    items_json   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    published_by INTEGER
);
CREATE INDEX rankings_region ON rankings (region_code, created_at);
