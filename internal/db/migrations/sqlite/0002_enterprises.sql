-- Enterprises: one golden record per 统一社会信用代码, its versions, its
-- year-scoped facts and statuses, and the search index.

CREATE TABLE enterprises (
    id                 INTEGER PRIMARY KEY,
    credit_code        TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    name_initials      TEXT NOT NULL DEFAULT '',
    legal_rep          TEXT NOT NULL DEFAULT '',
    registered_on      TEXT,
    registered_capital INTEGER NOT NULL DEFAULT 0,
    address            TEXT NOT NULL DEFAULT '',
    region_code        TEXT NOT NULL REFERENCES regions (code),
    industry_code      TEXT NOT NULL DEFAULT '',
    tech_field         TEXT NOT NULL DEFAULT '',
    contact_name       TEXT NOT NULL DEFAULT '',
    contact_phone      TEXT NOT NULL DEFAULT '',
    blacklisted        BOOLEAN NOT NULL DEFAULT FALSE,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'closed')),
    merged_into        INTEGER REFERENCES enterprises (id),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region_code, name);
CREATE INDEX enterprises_initials ON enterprises (name_initials);

CREATE TABLE enterprise_versions (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    version       INTEGER NOT NULL,
    data          TEXT NOT NULL,
    changed_by    INTEGER,
    changed_name  TEXT NOT NULL,
    changed_at    TIMESTAMP NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enterprise_id, version)
);

CREATE TABLE enterprise_years (
    enterprise_id      INTEGER NOT NULL REFERENCES enterprises (id),
    year               INTEGER NOT NULL,
    revenue            INTEGER NOT NULL DEFAULT 0,
    hitech_revenue     INTEGER NOT NULL DEFAULT 0,
    total_assets       INTEGER NOT NULL DEFAULT 0,
    net_assets         INTEGER NOT NULL DEFAULT 0,
    total_cost_expense INTEGER NOT NULL DEFAULT 0,
    rd_total           INTEGER NOT NULL DEFAULT 0,
    rd_domestic        INTEGER NOT NULL DEFAULT 0,
    rd_categories      TEXT NOT NULL DEFAULT '',
    staff              INTEGER NOT NULL DEFAULT 0,
    st_staff           INTEGER NOT NULL DEFAULT 0,
    ip_class1          INTEGER NOT NULL DEFAULT 0,
    ip_class2          INTEGER NOT NULL DEFAULT 0,
    conversions        INTEGER NOT NULL DEFAULT 0,
    annual_report      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMP NOT NULL,
    updated_by         INTEGER,
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE enterprise_statuses (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    kind          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    number        TEXT NOT NULL DEFAULT '',
    valid_from    TEXT,
    valid_to      TEXT,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    created_by    INTEGER
);
CREATE INDEX enterprise_statuses_enterprise ON enterprise_statuses (enterprise_id, kind, year);
CREATE INDEX enterprise_statuses_kind ON enterprise_statuses (kind, year);

-- Chinese full-text search: trigram FTS5, maintained by the store.
CREATE VIRTUAL TABLE enterprise_search USING fts5(name, address, tokenize = 'trigram');
