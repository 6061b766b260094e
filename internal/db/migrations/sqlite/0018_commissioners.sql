-- S&T commissioners (科技特派员, package poverty): the registry of
-- commissioners (provincial, city or county level, expertise, employer),
-- their yearly appointments with the year's rating (a commissioner rated
-- 不合格 is not appointed again the next year), their assignments to
-- villages, households or enterprises in a year (a paired village's
-- assignment carries its assistance agreement), and their service logs and
-- trainings given.

CREATE TABLE poverty_commissioners (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county')),
    expertise   TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX poverty_commissioners_region ON poverty_commissioners (region_code, id);

CREATE TABLE poverty_commissioner_terms (
    commissioner_id INTEGER NOT NULL REFERENCES poverty_commissioners (id),
    year            INTEGER NOT NULL,
    rating          TEXT NOT NULL DEFAULT '' CHECK (rating IN ('', 'excellent', 'good', 'pass', 'fail')),
    appointed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (commissioner_id, year)
);

CREATE TABLE poverty_assignments (
    id              INTEGER PRIMARY KEY,
    commissioner_id INTEGER NOT NULL REFERENCES poverty_commissioners (id),
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('village', 'household', 'enterprise')),
    region_code     TEXT NOT NULL DEFAULT '',
    household_id    INTEGER REFERENCES poverty_households (id),
    enterprise_name TEXT NOT NULL DEFAULT '',
    agreement_no    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX poverty_assignments_commissioner ON poverty_assignments (commissioner_id, year);

CREATE TABLE poverty_services (
    id              INTEGER PRIMARY KEY,
    commissioner_id INTEGER NOT NULL REFERENCES poverty_commissioners (id),
    assignment_id   INTEGER REFERENCES poverty_assignments (id),
    served_on       TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('service', 'training')),
    topic           TEXT NOT NULL,
    trainees        INTEGER NOT NULL DEFAULT 0 CHECK (trainees >= 0),
    notes           TEXT NOT NULL DEFAULT '',
    created_by      INTEGER,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX poverty_services_commissioner ON poverty_services (commissioner_id, served_on);
