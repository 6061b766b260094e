-- The spine: settings, regions, accounts, sessions, tokens, audit chain,
-- jobs, the holiday calendar and identifier overrides.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    parent_code TEXT REFERENCES regions (code),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    region_code          TEXT NOT NULL REFERENCES regions (code),
    enterprise_id        INTEGER,
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    lang                 TEXT NOT NULL DEFAULT 'zh-CN',
    password_hash        TEXT NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret          TEXT NOT NULL DEFAULT '',
    totp_last_step       BIGINT NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE password_history (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    changed_at    TIMESTAMP NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, changed_at);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    mfa_pending  BOOLEAN NOT NULL DEFAULT FALSE,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TIMESTAMP NOT NULL,
    ok       BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_head (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    seq            INTEGER NOT NULL,
    hash           TEXT NOT NULL,
    purged_through INTEGER NOT NULL DEFAULT 0,
    purged_hash    TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    alg         TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '{}',
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    locked_by    TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);

CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

CREATE TABLE ident_overrides (
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, value)
);
