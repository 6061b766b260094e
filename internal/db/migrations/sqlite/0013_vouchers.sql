-- Innovation vouchers (package voucher, 科技创新券).
--
-- A batch holds the parameters (rate in basis points, caps, validity,
-- eligible services) and its whitelist of service providers; its money is
-- in the ledger (budget:voucher-batch:<id>). A voucher is one enterprise's
-- face value in one batch, committed from the batch budget when issued
-- (commit:voucher:<id>); used is what approved claims made payable and is
-- kept beside the ledger so a claim's approval can lock the row. A claim
-- is a redemption against a service contract with a whitelisted provider.

CREATE TABLE voucher_batches (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    budget         INTEGER NOT NULL CHECK (budget > 0),
    rate_bp        INTEGER NOT NULL CHECK (rate_bp BETWEEN 3000 AND 4000),
    enterprise_cap INTEGER NOT NULL CHECK (enterprise_cap > 0),
    claim_cap      INTEGER NOT NULL CHECK (claim_cap > 0),
    valid_from     TEXT NOT NULL,
    valid_to       TEXT NOT NULL,
    services       TEXT NOT NULL DEFAULT '[]',
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX voucher_batches_region ON voucher_batches (region_code, year);

CREATE TABLE voucher_providers (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES voucher_batches (id),
    credit_code  TEXT NOT NULL,
    name         TEXT NOT NULL,
    legal_rep    TEXT NOT NULL DEFAULT '',
    shareholders TEXT NOT NULL DEFAULT '[]',
    address      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    UNIQUE (batch_id, credit_code)
);

CREATE TABLE vouchers (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES voucher_batches (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    region_code   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('applied', 'issued', 'expired')),
    face          INTEGER NOT NULL CHECK (face > 0),
    used          INTEGER NOT NULL DEFAULT 0,
    shareholders  TEXT NOT NULL DEFAULT '[]',
    applied_at    TIMESTAMP NOT NULL,
    issued_by     INTEGER,
    issued_at     TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (batch_id, enterprise_id),
    CHECK (used >= 0 AND used <= face)
);
CREATE INDEX vouchers_enterprise ON vouchers (enterprise_id, id);

CREATE TABLE voucher_claims (
    id              INTEGER PRIMARY KEY,
    voucher_id      INTEGER NOT NULL REFERENCES vouchers (id),
    provider_id     INTEGER NOT NULL REFERENCES voucher_providers (id),
    service         TEXT NOT NULL,
    contract_no     TEXT NOT NULL,
    invoice_no      TEXT NOT NULL,
    paid_amount     INTEGER NOT NULL CHECK (paid_amount > 0),
    paid_on         TEXT NOT NULL,
    evidence        TEXT NOT NULL DEFAULT '',
    related         BOOLEAN NOT NULL DEFAULT FALSE,
    related_why     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('submitted', 'first_approved', 'approved', 'paid', 'refused')),
    estimate        INTEGER NOT NULL DEFAULT 0,
    payable         INTEGER NOT NULL DEFAULT 0,
    limit_reason    TEXT NOT NULL DEFAULT '',
    first_approver  INTEGER,
    approver        INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX voucher_claims_voucher ON voucher_claims (voucher_id, id);
CREATE INDEX voucher_claims_status ON voucher_claims (status, id);
