-- Incubators (package incubator, 科技企业孵化器) and annual targets with
-- responsibility tasks (package task, 目标任务 / 党风廉政建设任务分解).
--
-- An incubator is registered with its operator, district, level and space;
-- its tenants (在孵企业) carry their entry, exit and graduation; its yearly
-- figures are the statistics the evaluation reads; an assessment is the
-- grade of one year, kept with the inputs and the scheme that gave it.
-- Prospects are the 招商 list of the city innovation centre.

CREATE TABLE incubators (
    id               INTEGER PRIMARY KEY,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    name             TEXT NOT NULL,
    operator_name    TEXT NOT NULL DEFAULT '',
    operator_code    TEXT NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'city', 'none')),
    specialised      BOOLEAN NOT NULL DEFAULT FALSE,
    area_m2          INTEGER NOT NULL CHECK (area_m2 >= 0),
    tenant_area_m2   INTEGER NOT NULL CHECK (tenant_area_m2 >= 0),
    recognised_year  INTEGER,
    operating_since  TEXT,
    note             TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (operator_code, name),
    CHECK (tenant_area_m2 <= area_m2)
);
CREATE INDEX incubators_region ON incubators (region_code, id);

CREATE TABLE incubator_tenants (
    id             INTEGER PRIMARY KEY,
    incubator_id   INTEGER NOT NULL REFERENCES incubators (id),
    enterprise_id  INTEGER REFERENCES enterprises (id),
    name           TEXT NOT NULL,
    credit_code    TEXT NOT NULL,
    established_on TEXT,
    entered_on     TEXT NOT NULL,
    exited_on      TEXT,
    graduated      BOOLEAN NOT NULL DEFAULT FALSE,
    long_field     BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (incubator_id, credit_code, entered_on)
);
CREATE INDEX incubator_tenants_incubator ON incubator_tenants (incubator_id, exited_on);

CREATE TABLE incubator_years (
    incubator_id        INTEGER NOT NULL REFERENCES incubators (id),
    year                INTEGER NOT NULL,
    tenants             INTEGER NOT NULL DEFAULT 0,
    new_tenants         INTEGER NOT NULL DEFAULT 0,
    graduates           INTEGER NOT NULL DEFAULT 0,
    graduates_total     INTEGER NOT NULL DEFAULT 0,
    staff               INTEGER NOT NULL DEFAULT 0,
    staff_professional  INTEGER NOT NULL DEFAULT 0,
    mentors             INTEGER NOT NULL DEFAULT 0,
    fund                INTEGER NOT NULL DEFAULT 0,
    tenants_financed    INTEGER NOT NULL DEFAULT 0,
    fund_cases          INTEGER NOT NULL DEFAULT 0,
    tenants_patent      INTEGER NOT NULL DEFAULT 0,
    tenants_valid_ip    INTEGER NOT NULL DEFAULT 0,
    tenants_grown       INTEGER NOT NULL DEFAULT 0,
    services            INTEGER NOT NULL DEFAULT 0,
    service_income      INTEGER NOT NULL DEFAULT 0,
    total_income        INTEGER NOT NULL DEFAULT 0,
    statistics_reported BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by          INTEGER,
    updated_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (incubator_id, year),
    CHECK (tenants >= 0 AND new_tenants >= 0 AND graduates >= 0 AND graduates_total >= 0 AND staff >= 0
        AND staff_professional >= 0 AND mentors >= 0 AND fund >= 0 AND tenants_financed >= 0 AND fund_cases >= 0
        AND tenants_patent >= 0 AND tenants_valid_ip >= 0 AND tenants_grown >= 0 AND services >= 0
        AND service_income >= 0 AND total_income >= 0)
);

CREATE TABLE incubator_assessments (
    id            INTEGER PRIMARY KEY,
    incubator_id  INTEGER NOT NULL REFERENCES incubators (id),
    year          INTEGER NOT NULL,
    score_tenths  INTEGER NOT NULL CHECK (score_tenths BETWEEN 0 AND 1000),
    grade         TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    scheme        TEXT NOT NULL,
    inputs        TEXT NOT NULL DEFAULT '{}',
    note          TEXT NOT NULL DEFAULT '',
    assessed_by   INTEGER,
    assessed_at   TIMESTAMP NOT NULL,
    UNIQUE (incubator_id, year)
);

CREATE TABLE incubator_prospects (
    id            INTEGER PRIMARY KEY,
    incubator_id  INTEGER NOT NULL REFERENCES incubators (id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('institute', 'tech_sme', 'other')),
    contact       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('contacted', 'negotiating', 'signed', 'dropped')),
    note          TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX incubator_prospects_incubator ON incubator_prospects (incubator_id, status);

-- A target is one line of the year's plan; its metric, when set, names a
-- query of the system (a whitelisted key) that gives the achieved value,
-- else staff record the value by hand (manual_value).
CREATE TABLE targets (
    id            INTEGER PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions (code),
    year          INTEGER NOT NULL,
    title         TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    planned       INTEGER NOT NULL CHECK (planned >= 0),
    metric        TEXT NOT NULL DEFAULT '',
    manual_value  INTEGER NOT NULL DEFAULT 0,
    section       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX targets_region_year ON targets (region_code, year);

-- A responsibility task is one row of the 任务分解表: every task names at
-- least one responsible person (the CHECK backs the service's field error).
CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    region_code   TEXT NOT NULL REFERENCES regions (code),
    year          INTEGER NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    lead_leader   TEXT NOT NULL DEFAULT '',
    section       TEXT NOT NULL DEFAULT '',
    responsible   TEXT NOT NULL CHECK (responsible <> ''),
    deadline      TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'done')),
    done_on       TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX tasks_region_year ON tasks (region_code, year, id);
CREATE INDEX tasks_deadline ON tasks (state, deadline);

CREATE TABLE task_reports (
    id            INTEGER PRIMARY KEY,
    task_id       INTEGER NOT NULL REFERENCES tasks (id),
    reported_on   TEXT NOT NULL,
    text          TEXT NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX task_reports_task ON task_reports (task_id, id);
