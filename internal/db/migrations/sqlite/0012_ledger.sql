-- Ledger (package ledger): a double-entry money ledger in fen.
--
-- Postings are signed: debit +, credit −; the postings of a transaction sum
-- to 0. An account's kept balance is in its normal direction: normal_sign is
-- +1 for debit-normal kinds (asset, expense) and −1 for credit-normal kinds
-- (liability, equity, income), so balance = normal_sign × Σ postings. A
-- floored account (floor_zero) may not go below 0 in its normal direction;
-- the guarded UPDATE that moves the balance refuses it. Transactions are
-- never edited: a reversal is a new transaction that names the one it
-- reverses (at most one reversal each). Every transaction carries its
-- idempotency key and a digest of its content, so a retry is recognised
-- and a reused key with other content is refused.

CREATE TABLE ledger_accounts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense')),
    normal_sign INTEGER NOT NULL CHECK (normal_sign IN (1, -1)),
    floor_zero  INTEGER NOT NULL DEFAULT 0 CHECK (floor_zero IN (0, 1)),
    region_code TEXT NOT NULL DEFAULT '',
    balance     INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    CHECK (floor_zero = 0 OR balance >= 0)
);

CREATE TABLE ledger_transactions (
    id          INTEGER PRIMARY KEY,
    idem_key    TEXT NOT NULL UNIQUE,
    digest      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    memo        TEXT NOT NULL DEFAULT '',
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    posted_at   TIMESTAMP NOT NULL,
    reverses    INTEGER UNIQUE REFERENCES ledger_transactions (id)
);
CREATE INDEX ledger_transactions_object ON ledger_transactions (object_type, object_id);

CREATE TABLE ledger_postings (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id     INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount         INTEGER NOT NULL CHECK (amount <> 0)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, id);
CREATE INDEX ledger_postings_transaction ON ledger_postings (transaction_id);
