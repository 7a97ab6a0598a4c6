-- The cache of what Sigil last read from Dfns. Everything here can be fetched again, so the file
-- may be thrown away at any time. Models are kept as their JSON; the other columns are only keys
-- and sort orders.

-- The Dfns user the data belongs to (one row at most).
CREATE TABLE owner (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    dfns_user_id TEXT NOT NULL
);

-- The wallet list, in the order Dfns last gave it.
CREATE TABLE wallets (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    json TEXT NOT NULL
);

-- The latest assets of each wallet.
CREATE TABLE assets (
    wallet_id TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

-- Confirmed on-chain movements. Dfns gives them no id: item_key is built from the fields that
-- tell one movement from another. at_ms is the timestamp in Unix milliseconds (0 when it does
-- not parse); seq breaks ties by insertion.
CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    wallet_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (wallet_id, item_key)
);
CREATE INDEX history_newest_first ON history (wallet_id, at_ms DESC, seq DESC);

-- Transfers, replaced by id as their status moves. at_ms is dateRequested in Unix milliseconds.
CREATE TABLE transfers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    wallet_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX transfers_newest_first ON transfers (wallet_id, at_ms DESC, seq DESC);

-- Where incremental sync of each wallet and stream left off.
CREATE TABLE cursors (
    wallet_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    cursor TEXT NOT NULL,
    PRIMARY KEY (wallet_id, stream)
);

-- The schema version, read before migrating: a file with a higher one was written by a newer
-- Sigil. Every later migration sets it to its own version.
PRAGMA user_version = 1;
