-- The operation journal: every signed action of the user, written before anything is sent to
-- Dfns, so an unknown outcome can be reconciled by external id and nothing is sent twice.
-- Rows are never deleted.

CREATE TABLE operations (
    -- Insertion order, for stable sorting among operations created in the same millisecond.
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    external_id TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    intent TEXT NOT NULL,
    state TEXT NOT NULL CHECK (
        state IN ('prepared', 'initiated', 'signed', 'sent', 'done', 'failed', 'abandoned')
    ),
    result TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    -- NULLs are distinct in SQLite: operations without an external id never collide.
    UNIQUE (owner, external_id)
);
CREATE INDEX operations_by_owner ON operations (owner, created_at_ms, seq);

-- The schema version, read before migrating: a file with a higher one was written by a newer
-- Sigil. Every later migration sets it to its own version.
PRAGMA user_version = 1;
