-- Budget lines in the ledger, and subsidies (package subsidy).
--
-- purpose names the budget account an account's money belongs to (a
-- budget account names itself; its commitments and payables name it), so
-- the finance views can show appropriated, available, committed, payable
-- and paid per budget line and check that they add up. Accounts opened
-- before this migration are filled in from the calls and voucher batches.

ALTER TABLE ledger_accounts ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
UPDATE ledger_accounts SET purpose = code WHERE code LIKE 'budget:%';
UPDATE ledger_accounts SET purpose = (SELECT 'budget:call:' || a.call_id FROM program_applications a
    WHERE a.id = CAST(substr(ledger_accounts.code, length('commit:application:') + 1) AS INTEGER))
    WHERE code LIKE 'commit:application:%';
UPDATE ledger_accounts SET purpose = (SELECT 'budget:call:' || a.call_id FROM program_applications a
    WHERE a.id = CAST(substr(ledger_accounts.code, length('payable:application:') + 1) AS INTEGER))
    WHERE code LIKE 'payable:application:%';
UPDATE ledger_accounts SET purpose = (SELECT 'budget:voucher-batch:' || v.batch_id FROM vouchers v
    WHERE v.id = CAST(substr(ledger_accounts.code, length('commit:voucher:') + 1) AS INTEGER))
    WHERE code LIKE 'commit:voucher:%';
UPDATE ledger_accounts SET purpose = (SELECT 'budget:voucher-batch:' || v.batch_id FROM vouchers v
    WHERE v.id = CAST(substr(ledger_accounts.code, length('payable:voucher:') + 1) AS INTEGER))
    WHERE code LIKE 'payable:voucher:%';
UPDATE ledger_accounts SET purpose = '' WHERE purpose IS NULL;
CREATE INDEX ledger_accounts_purpose ON ledger_accounts (purpose);

-- A subsidy policy is one version of an official rule: its kind (the
-- calculator), document number, effective window and parameters as JSON.
-- A new year's policy is a new row.
CREATE TABLE subsidy_policies (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('equipment', 'purchase', 'patent')),
    title          TEXT NOT NULL,
    document_no    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL DEFAULT '',
    params         TEXT NOT NULL,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (kind, effective_from)
);

-- A subsidy budget is a year's money for one kind of subsidy in a
-- district (budget:subsidy:<region>:<year>:<kind> in the ledger). Every
-- approval bumps approvals first: the row lock serialises the approvals
-- of one budget, so each sees what the ones before it granted.
CREATE TABLE subsidy_budgets (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    year        INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    approvals   INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (region_code, year, kind)
);

-- A claim is an enterprise's application for one subsidy: its input, the
-- amount the policy gives with the rule's lines, and its state
-- (submitted → approved → paid, or rejected). item and ref (a patent
-- application number, a loan contract) make a claim unique per item.
CREATE TABLE subsidy_claims (
    id              INTEGER PRIMARY KEY,
    policy_id       INTEGER NOT NULL REFERENCES subsidy_policies (id),
    kind            TEXT NOT NULL,
    region_code     TEXT NOT NULL REFERENCES regions (code),
    year            INTEGER NOT NULL,
    quarter         INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    enterprise_id   INTEGER NOT NULL REFERENCES enterprises (id),
    enterprise_name TEXT NOT NULL,
    credit_code     TEXT NOT NULL,
    item            TEXT NOT NULL DEFAULT '',
    ref             TEXT NOT NULL DEFAULT '',
    input           TEXT NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    lines           TEXT NOT NULL DEFAULT '[]',
    state           TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'paid', 'pending')),
    reason          TEXT NOT NULL DEFAULT '',
    idem_key        TEXT NOT NULL UNIQUE,
    submitted_by    INTEGER,
    submitted_at    TIMESTAMP NOT NULL,
    decided_by      INTEGER,
    decided_at      TIMESTAMP,
    paid_by         INTEGER,
    paid_at         TIMESTAMP,
    bank_ref        TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX subsidy_claims_list ON subsidy_claims (region_code, year, quarter, state);
CREATE INDEX subsidy_claims_enterprise ON subsidy_claims (enterprise_id, kind, year);
CREATE INDEX subsidy_claims_ref ON subsidy_claims (kind, item, ref);
