-- Patents (package patent, 专利): one row per application number (专利申请号,
-- checked by ident.ParsePatentNumber and stored normalised, e.g.
-- 201911050262.8), its legal-status history, the patent agencies (代理机构),
-- patent pledge loans (专利质押贷款) with the patents they pledge, the
-- column mappings of import sources, and the resident population per region
-- and year (for 万人发明专利拥有量).
--
-- enterprise_id is set when the applicant is linked to an enterprise: by
-- credit code, or by a name match staff confirmed (candidate_id holds an
-- unconfirmed match). region_code is the enterprise's township when linked,
-- else the one the import or staff gave. Dates are calendar dates
-- ('YYYY-MM-DD' text here, DATE on PostgreSQL).

CREATE TABLE patent_agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL UNIQUE,
    contact     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  INTEGER
);

CREATE TABLE patents (
    id               INTEGER PRIMARY KEY,
    app_no           TEXT NOT NULL UNIQUE,
    type             TEXT NOT NULL CHECK (type IN ('invention', 'utility', 'design')),
    pct              BOOLEAN NOT NULL DEFAULT FALSE,
    title            TEXT NOT NULL,
    applicants       TEXT NOT NULL DEFAULT '',
    enterprise_id    INTEGER REFERENCES enterprises (id),
    candidate_id     INTEGER REFERENCES enterprises (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    inventors        INTEGER NOT NULL DEFAULT 0 CHECK (inventors >= 0),
    application_date TEXT NOT NULL,
    grant_date       TEXT,
    status           TEXT NOT NULL CHECK (status IN ('applied', 'granted', 'rejected', 'withdrawn', 'lapsed', 'valid')),
    ipc_main         TEXT NOT NULL DEFAULT '',
    agency_id        INTEGER REFERENCES patent_agencies (id),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
-- The statistics count by date range, type, region and enterprise: the date
-- indexes hold those columns, so the counts are read from the index alone.
-- The lists filter by township and sort by date.
CREATE INDEX patents_app ON patents (application_date, type, region_code, enterprise_id);
CREATE INDEX patents_grant ON patents (grant_date, type, region_code, enterprise_id);
CREATE INDEX patents_in_force ON patents (type, status, grant_date, region_code);
CREATE INDEX patents_region ON patents (region_code, application_date);
CREATE INDEX patents_enterprise ON patents (enterprise_id, application_date);
CREATE INDEX patents_candidate ON patents (candidate_id);
CREATE INDEX patents_agency ON patents (agency_id);

CREATE TABLE patent_status_history (
    id          INTEGER PRIMARY KEY,
    patent_id   INTEGER NOT NULL REFERENCES patents (id),
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    effective   TEXT,
    source      TEXT NOT NULL DEFAULT '',
    changed_by  INTEGER,
    changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX patent_status_history_patent ON patent_status_history (patent_id, id);

CREATE TABLE pledge_loans (
    id               INTEGER PRIMARY KEY,
    enterprise_id    INTEGER NOT NULL REFERENCES enterprises (id),
    region_code      TEXT NOT NULL REFERENCES regions (code),
    pledgor          TEXT NOT NULL,
    bank             TEXT NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount > 0),
    term_months      INTEGER NOT NULL CHECK (term_months > 0),
    start_date       TEXT NOT NULL,
    assessed_value   INTEGER NOT NULL DEFAULT 0 CHECK (assessed_value >= 0),
    assessor         TEXT NOT NULL DEFAULT '',
    registration_no  TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('applying', 'registered', 'repaid', 'defaulted')),
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX pledge_loans_region ON pledge_loans (region_code, start_date);
CREATE INDEX pledge_loans_enterprise ON pledge_loans (enterprise_id);

CREATE TABLE pledge_loan_patents (
    loan_id   INTEGER NOT NULL REFERENCES pledge_loans (id),
    patent_id INTEGER NOT NULL REFERENCES patents (id),
    PRIMARY KEY (loan_id, patent_id)
);
CREATE INDEX pledge_loan_patents_patent ON pledge_loan_patents (patent_id);

CREATE TABLE patent_import_sources (
    name        TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL DEFAULT '{}',
    updated_by  INTEGER,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE region_populations (
    region_code TEXT NOT NULL REFERENCES regions (code),
    year        INTEGER NOT NULL,
    population  INTEGER NOT NULL CHECK (population > 0),
    source      TEXT NOT NULL DEFAULT '',
    updated_by  INTEGER,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (region_code, year)
);
