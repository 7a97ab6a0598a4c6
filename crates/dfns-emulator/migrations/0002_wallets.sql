-- Wallets, their keys, a simulated ledger per network, transfers, history and signatures.
-- Every list is read newest first through an index on (owner, seq): pages cost the same
-- whatever the total.

-- Wallet keys, sealed with the data dir's vault key (chain::keys::Vault).
CREATE TABLE wallet_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    curve        TEXT NOT NULL,                 -- secp256k1 | ed25519
    public_key   TEXT NOT NULL,                 -- hex
    sealed       BLOB NOT NULL,
    delegated_to TEXT REFERENCES users(id),
    date_created TEXT NOT NULL
);

CREATE TABLE wallets (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    network      TEXT NOT NULL,
    address      TEXT NOT NULL,
    key_id       TEXT NOT NULL REFERENCES wallet_keys(id),
    status       TEXT NOT NULL,
    name         TEXT,
    tags         TEXT NOT NULL,                 -- JSON array
    owner_id     TEXT REFERENCES users(id),     -- the end user it is delegated to
    created_by   TEXT NOT NULL REFERENCES users(id),
    external_id  TEXT UNIQUE,
    request_body TEXT NOT NULL,                 -- for externalId idempotency
    date_created TEXT NOT NULL
);
CREATE INDEX wallets_by_owner ON wallets(owner_id, seq);
CREATE INDEX wallets_by_address ON wallets(network, address);

-- Token metadata (Erc20 contracts, Spl mints).
CREATE TABLE tokens (
    network  TEXT NOT NULL,
    address  TEXT NOT NULL,
    kind     TEXT NOT NULL,                     -- Erc20 | Spl
    symbol   TEXT,
    decimals INTEGER NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (network, address)
);

-- Balances per address and asset ('' is the native coin), base-10 integers in the smallest unit.
CREATE TABLE balances (
    network TEXT NOT NULL,
    address TEXT NOT NULL,
    asset   TEXT NOT NULL,
    amount  TEXT NOT NULL,
    PRIMARY KEY (network, address, asset)
);

-- The simulated chain height per network, moved by each confirmation.
CREATE TABLE chain_heights (
    network      TEXT PRIMARY KEY NOT NULL,
    block_number INTEGER NOT NULL
);

CREATE TABLE transfers (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    wallet_id      TEXT NOT NULL REFERENCES wallets(id),
    network        TEXT NOT NULL,
    requester_id   TEXT NOT NULL,
    token_id       TEXT,
    request_body   TEXT NOT NULL,
    asset          TEXT NOT NULL,               -- '' native, else contract / mint
    asset_kind     TEXT NOT NULL,               -- Native | Erc20 | Spl
    from_address   TEXT NOT NULL,
    to_address     TEXT NOT NULL,
    amount         TEXT NOT NULL,
    fee            TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    tx_hash        TEXT NOT NULL,               -- shown from Broadcasted on
    external_id    TEXT UNIQUE,
    date_requested TEXT NOT NULL,
    executing_at   INTEGER NOT NULL,            -- unix ms of each step
    broadcast_at   INTEGER NOT NULL,
    confirm_at     INTEGER NOT NULL,
    settled        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX transfers_by_wallet ON transfers(wallet_id, seq);
CREATE INDEX transfers_open ON transfers(settled, executing_at);

CREATE TABLE history (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    direction TEXT NOT NULL,
    kind      TEXT NOT NULL,
    contract  TEXT,
    item      TEXT NOT NULL                     -- the JSON item as served
);
CREATE INDEX history_by_wallet ON history(wallet_id, seq);

CREATE TABLE signatures (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    key_id       TEXT NOT NULL REFERENCES wallet_keys(id),
    wallet_id    TEXT,
    external_id  TEXT UNIQUE,
    request_path TEXT NOT NULL,                 -- for externalId idempotency
    body         TEXT NOT NULL                  -- the JSON signature as served
);
CREATE INDEX signatures_by_key ON signatures(key_id, seq);
