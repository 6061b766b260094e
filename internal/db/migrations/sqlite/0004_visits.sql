-- Field work with enterprises: research visits (企业调研) and who went on
-- them, technical needs (技术难题需求) with their status history and the
-- batches that forwarded them to the city bureau, and 产学研 matchmaking.
-- Rows carry the enterprise's region for the data scope, and its name and
-- credit code as they were when the row was last saved.

CREATE TABLE visits (
    id              INTEGER PRIMARY KEY,
    visit_date      TEXT NOT NULL,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name TEXT NOT NULL,
    credit_code     TEXT NOT NULL,
    region_code     TEXT NOT NULL REFERENCES regions (code),
    topics          TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    off_day_note    TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX visits_region_date ON visits (region_code, visit_date);
CREATE INDEX visits_enterprise ON visits (enterprise_id, visit_date);

CREATE TABLE visit_staff (
    visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    user_id  INTEGER REFERENCES users (id),
    name     TEXT NOT NULL,
    PRIMARY KEY (visit_id, seq)
);
CREATE INDEX visit_staff_user ON visit_staff (user_id);

CREATE TABLE need_batches (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    number       TEXT NOT NULL,
    sent_on      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    need_count   INTEGER NOT NULL,
    created_by   INTEGER,
    created_name TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (region_code, number)
);
CREATE INDEX need_batches_sent ON need_batches (region_code, sent_on);

CREATE TABLE needs (
    id              INTEGER PRIMARY KEY,
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name TEXT NOT NULL,
    credit_code     TEXT NOT NULL,
    region_code     TEXT NOT NULL REFERENCES regions (code),
    category        TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    expected        TEXT NOT NULL DEFAULT '',
    budget          INTEGER NOT NULL DEFAULT 0,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL CHECK (source IN ('visit', 'self', 'staff')),
    visit_id        INTEGER REFERENCES visits (id),
    collected_on    TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'collected' CHECK (status IN ('collected', 'forwarded', 'matched', 'solved', 'closed')),
    batch_id        INTEGER REFERENCES need_batches (id),
    forwarded_on    TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX needs_region_status ON needs (region_code, status);
CREATE INDEX needs_enterprise ON needs (enterprise_id);
CREATE INDEX needs_visit ON needs (visit_id);
CREATE INDEX needs_collected ON needs (collected_on);

CREATE TABLE need_batch_items (
    batch_id INTEGER NOT NULL REFERENCES need_batches (id),
    need_id  INTEGER NOT NULL REFERENCES needs (id),
    seq      INTEGER NOT NULL,
    PRIMARY KEY (batch_id, need_id)
);
CREATE INDEX need_batch_items_need ON need_batch_items (need_id);

CREATE TABLE matchmakings (
    id               INTEGER PRIMARY KEY,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name  TEXT NOT NULL,
    credit_code      TEXT NOT NULL,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    need_id          INTEGER REFERENCES needs (id),
    partner          TEXT NOT NULL,
    partner_contact  TEXT NOT NULL DEFAULT '',
    partner_phone    TEXT NOT NULL DEFAULT '',
    event_date       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('meeting', 'visit', 'online')),
    topic            TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL DEFAULT '',
    agreement        BOOLEAN NOT NULL DEFAULT FALSE,
    agreement_on     TEXT,
    agreement_amount INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX matchmakings_region_date ON matchmakings (region_code, event_date);
CREATE INDEX matchmakings_need ON matchmakings (need_id);

CREATE TABLE needs_history (
    id          INTEGER PRIMARY KEY,
    need_id     INTEGER NOT NULL REFERENCES needs (id),
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    batch_id    INTEGER REFERENCES need_batches (id),
    match_id    INTEGER REFERENCES matchmakings (id),
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX needs_history_need ON needs_history (need_id, id);
