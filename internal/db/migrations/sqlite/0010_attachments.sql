-- Attachments of programme applications (package program), kept in the
-- database so that backups and the SQLite <-> PostgreSQL export carry them
-- and no file name ever becomes a path on disk. slot is the key of the
-- call form's attachment; name the sanitised display name; content_type
-- the type sniffed from the bytes (never the client's claim); sha256 the
-- hex digest of data. A deleted attachment keeps its row and bytes with
-- deleted_at set. The names-only JSON column of the applications goes.

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES program_applications (id),
    slot           TEXT NOT NULL,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size >= 0),
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    uploaded_by    INTEGER NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX attachments_application ON attachments (application_id, slot);

ALTER TABLE program_applications DROP COLUMN attachments;
