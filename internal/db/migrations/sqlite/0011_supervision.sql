-- Supervision of major projects (重大项目督查, package program). The
-- milestones themselves stay in the contract's JSON column of
-- program_applications (fixed once the contract is signed); their
-- completion is kept here by position in that list. An inspection (督查)
-- records who checked the project on which day and what they found; a
-- required rectification has its due date and is closed on the day it was
-- rectified.

CREATE TABLE program_milestone_progress (
    application_id  INTEGER NOT NULL REFERENCES program_applications (id),
    milestone_index INTEGER NOT NULL CHECK (milestone_index >= 0),
    done_on         DATE NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER NOT NULL,
    recorded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, milestone_index)
);

CREATE TABLE program_inspections (
    id                     INTEGER PRIMARY KEY,
    application_id         INTEGER NOT NULL REFERENCES program_applications (id),
    inspected_on           DATE NOT NULL,
    inspectors             TEXT NOT NULL,
    findings               TEXT NOT NULL,
    rectification_required BOOLEAN NOT NULL DEFAULT FALSE,
    rectification_due      DATE,
    closed_on              DATE,
    recorded_by            INTEGER NOT NULL,
    recorded_at            TIMESTAMP NOT NULL,
    closed_by              INTEGER,
    closed_at              TIMESTAMP,
    CHECK (rectification_required OR (rectification_due IS NULL AND closed_on IS NULL)),
    CHECK (NOT rectification_required OR rectification_due IS NOT NULL)
);
CREATE INDEX program_inspections_application ON program_inspections (application_id, inspected_on);
