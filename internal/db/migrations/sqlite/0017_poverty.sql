-- S&T poverty alleviation (package poverty, 科技精准扶贫): the paired
-- village's registered households (贫困户) and their members, income by
-- year, the one-household-one-plan measures (一户一策), follow-up visits,
-- change requests, and the poverty-alleviation projects.
--
-- Resident ID numbers and phones are personal data: they are stored sealed
-- with SM4-GCM (the AAD binds the ciphertext to its table, row and column),
-- looked up through a keyed blind index (HMAC-SM3), and shown masked
-- (3412**********1234, 138****1234). The plaintext is never stored.

CREATE TABLE poverty_households (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    head_name      TEXT NOT NULL,
    head_id_sealed TEXT NOT NULL,
    head_id_index  TEXT NOT NULL,
    head_id_masked TEXT NOT NULL,
    phone_sealed   TEXT NOT NULL DEFAULT '',
    phone_masked   TEXT NOT NULL DEFAULT '',
    members_count  INTEGER NOT NULL CHECK (members_count BETWEEN 1 AND 30),
    cause_code     TEXT NOT NULL,
    cause_note     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('not_out', 'out', 'monitoring')),
    status_on      TEXT NOT NULL DEFAULT '',
    cadre          TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX poverty_households_head_id ON poverty_households (head_id_index);
CREATE INDEX poverty_households_region ON poverty_households (region_code, id);

CREATE TABLE poverty_members (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES poverty_households (id),
    name          TEXT NOT NULL,
    relation      TEXT NOT NULL,
    id_sealed     TEXT NOT NULL,
    id_index      TEXT NOT NULL,
    id_masked     TEXT NOT NULL,
    labour        TEXT NOT NULL DEFAULT '',
    health        TEXT NOT NULL DEFAULT '',
    schooling     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX poverty_members_id ON poverty_members (id_index);
CREATE INDEX poverty_members_household ON poverty_members (household_id, id);

-- Per-capita net income (fen) of a household in a year.
CREATE TABLE poverty_incomes (
    household_id INTEGER NOT NULL REFERENCES poverty_households (id),
    year         INTEGER NOT NULL,
    per_capita   INTEGER NOT NULL CHECK (per_capita >= 0),
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (household_id, year)
);

-- 一户一策: the assistance measures of a household's plan.
CREATE TABLE poverty_measures (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES poverty_households (id),
    measure      TEXT NOT NULL,
    cadre        TEXT NOT NULL,
    target_on    TEXT NOT NULL,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    done_on      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX poverty_measures_household ON poverty_measures (household_id, id);

-- 走访记录: follow-up visits.
CREATE TABLE poverty_visits (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES poverty_households (id),
    visited_on   TEXT NOT NULL,
    visitor      TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX poverty_visits_household ON poverty_visits (household_id, visited_on);

-- 变更申请: a proposed change of a household's fields (JSON), through
-- draft → submitted → approved (applied, the diff kept) or rejected. The
-- transitions are in workflow_history.
CREATE TABLE poverty_changes (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES poverty_households (id),
    region_code  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected')),
    proposed     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    diff         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_name TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP
);
CREATE INDEX poverty_changes_household ON poverty_changes (household_id, id);
CREATE INDEX poverty_changes_state ON poverty_changes (region_code, state);

-- 科技扶贫项目: funds (fen), the townships served (JSON list of codes), the
-- beneficiary households and people, the village collective's added income.
CREATE TABLE poverty_projects (
    id                INTEGER PRIMARY KEY,
    region_code       TEXT NOT NULL REFERENCES regions (code),
    year              INTEGER NOT NULL,
    title             TEXT NOT NULL,
    funds             INTEGER NOT NULL CHECK (funds > 0),
    townships         TEXT NOT NULL DEFAULT '[]',
    households        INTEGER NOT NULL CHECK (households >= 0),
    people            INTEGER NOT NULL CHECK (people >= 0),
    collective_income INTEGER NOT NULL DEFAULT 0 CHECK (collective_income >= 0),
    progress          INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    progress_note     TEXT NOT NULL DEFAULT '',
    created_by        INTEGER,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX poverty_projects_region ON poverty_projects (region_code, year);
