-- Workflow history: every transition of every object that a workflow
-- machine drives (project applications, award nominations, …), with who
-- took it, when and why. data holds the action's details as JSON, e.g. the
-- per-field reasons of a return for revision. The object's own row keeps
-- its current state; this table is its biography.

CREATE TABLE workflow_history (
    id          INTEGER PRIMARY KEY,
    machine     TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX workflow_history_object ON workflow_history (object_type, object_id, at);

-- Idempotency keys of submits: the first request with a key inserts it,
-- a retry finds it and returns the result already made.
CREATE TABLE idempotency_keys (
    key        TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);
