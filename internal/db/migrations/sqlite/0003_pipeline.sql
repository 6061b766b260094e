-- The 高企/科小 pipeline: enterprise self-registration, the cultivation
-- pool, yearly applications, stored rule evaluations, and awards.

CREATE TABLE enterprise_registrations (
    id            INTEGER PRIMARY KEY,
    credit_code   TEXT NOT NULL,
    name          TEXT NOT NULL,
    region_code   TEXT NOT NULL REFERENCES regions (code),
    contact_name  TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    username      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reason        TEXT NOT NULL DEFAULT '',
    ip            TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    decided_by    INTEGER,
    decided_at    TIMESTAMP,
    enterprise_id INTEGER REFERENCES enterprises (id),
    user_id       INTEGER REFERENCES users (id)
);
CREATE INDEX enterprise_registrations_status ON enterprise_registrations (status, region_code);
CREATE INDEX enterprise_registrations_ip ON enterprise_registrations (ip, created_at);

CREATE TABLE cultivation_pool (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    entered_on    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    exited_on     TEXT,
    exit_reason   TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX cultivation_pool_enterprise ON cultivation_pool (enterprise_id, exited_on);

CREATE TABLE hte_applications (
    id             INTEGER PRIMARY KEY,
    enterprise_id  INTEGER NOT NULL REFERENCES enterprises (id),
    year           INTEGER NOT NULL,
    batch          INTEGER NOT NULL DEFAULT 1,
    kind           TEXT NOT NULL CHECK (kind IN ('first', 'recert')),
    status         TEXT NOT NULL,
    certificate_no TEXT NOT NULL DEFAULT '',
    decided_on     TEXT,
    note           TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, year)
);
CREATE INDEX hte_applications_year ON hte_applications (year, status);

CREATE TABLE rule_evaluations (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    rule_id       TEXT NOT NULL,
    document      TEXT NOT NULL,
    params        TEXT NOT NULL,
    facts         TEXT NOT NULL,
    result        TEXT NOT NULL,
    pass          BOOLEAN NOT NULL,
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX rule_evaluations_enterprise ON rule_evaluations (enterprise_id, created_at);

CREATE TABLE enterprise_awards (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year          INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    result        TEXT NOT NULL DEFAULT '',
    amount        INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX enterprise_awards_enterprise ON enterprise_awards (enterprise_id, year);
