-- Programmes (package program): calls for applications (专项申报通知) kept as
-- data — type, window with a grace period, eligibility conditions, the form
-- definition as JSON, publicity length, default installment plan and
-- budget — and the applications to them, which the workflow machine
-- "project" drives from draft to closing (its history is workflow_history).
-- Applications carry the enterprise's region for the data scope and its
-- name as it was when the draft was made. Objections raised during the
-- publicity and the contract's installments have their own rows.

CREATE TABLE program_calls (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    type           TEXT NOT NULL,
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    opens_at       TIMESTAMP NOT NULL,
    closes_at      TIMESTAMP NOT NULL,
    grace_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (grace_minutes >= 0),
    eligibility    TEXT NOT NULL DEFAULT '[]',
    form           TEXT NOT NULL DEFAULT '{}',
    publicity_days INTEGER NOT NULL DEFAULT 5 CHECK (publicity_days >= 1),
    plan           TEXT NOT NULL DEFAULT '[]',
    budget         INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX program_calls_region ON program_calls (region_code, year);

CREATE TABLE program_applications (
    id                  INTEGER PRIMARY KEY,
    call_id             INTEGER NOT NULL REFERENCES program_calls (id),
    region_code         TEXT NOT NULL REFERENCES regions (code),
    enterprise_id       INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name     TEXT NOT NULL,
    state               TEXT NOT NULL,
    answers             TEXT NOT NULL DEFAULT '{}',
    attachments         TEXT NOT NULL DEFAULT '{}',
    submitted_at        TIMESTAMP,
    score               TEXT NOT NULL DEFAULT '',
    rank_no             INTEGER NOT NULL DEFAULT 0,
    publicity_start     TEXT,
    publicity_end       TEXT,
    goals               TEXT NOT NULL DEFAULT '',
    milestones          TEXT NOT NULL DEFAULT '[]',
    budget              INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    contract_start      TEXT,
    contract_end        TEXT,
    signed_on           TEXT,
    extensions          INTEGER NOT NULL DEFAULT 0,
    extension_until     TEXT,
    rectification_due   TEXT,
    version             INTEGER NOT NULL DEFAULT 1,
    created_by          INTEGER,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (call_id, enterprise_id)
);
CREATE INDEX program_applications_call ON program_applications (call_id, state);
CREATE INDEX program_applications_region ON program_applications (region_code, state);
CREATE INDEX program_applications_enterprise ON program_applications (enterprise_id);

CREATE TABLE program_objections (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES program_applications (id),
    text           TEXT NOT NULL,
    raised_by      INTEGER,
    raised_at      TIMESTAMP NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    answered_by    INTEGER,
    answered_at    TIMESTAMP
);
CREATE INDEX program_objections_application ON program_objections (application_id);

CREATE TABLE program_installments (
    application_id INTEGER NOT NULL REFERENCES program_applications (id),
    seq            INTEGER NOT NULL,
    share_bp       INTEGER NOT NULL CHECK (share_bp >= 0 AND share_bp <= 10000),
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    due            TEXT NOT NULL CHECK (due IN ('signing', 'midterm', 'acceptance')),
    status         TEXT NOT NULL CHECK (status IN ('planned', 'payable', 'paid', 'cancelled')),
    bank_ref       TEXT NOT NULL DEFAULT '',
    paid_on        TEXT,
    paid_by        INTEGER,
    PRIMARY KEY (application_id, seq)
);
