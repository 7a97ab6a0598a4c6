-- Account recovery and one-time codes (dfns-api.md §3.6, §5).

-- Set when a recovery replaced the credential: it stays listed, inactive, and can never be
-- activated again.
ALTER TABLE credentials ADD COLUMN retired_at INTEGER;

-- Recovery challenges: the credId of the recovery key that may sign them.
ALTER TABLE challenges ADD COLUMN recovery_credential_id TEXT;

-- One-time codes: recovery verification codes (emailed) and new-device credential codes.
-- Only a hash is kept. A code is found by its user (recovery) or by its first characters, the
-- locator (credential codes, which come without a username), so wrong guesses count against it.
CREATE TABLE one_time_codes (
    id              TEXT PRIMARY KEY NOT NULL,
    purpose         TEXT NOT NULL,               -- Recovery | Credential
    user_id         TEXT NOT NULL REFERENCES users(id),
    locator         TEXT NOT NULL,
    code_hash       TEXT NOT NULL,               -- hex sha256 of the whole code
    expires_at      INTEGER NOT NULL,            -- unix ms
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used_at         INTEGER                      -- spent, replaced or burned by wrong guesses
);
CREATE INDEX one_time_codes_by_locator ON one_time_codes(purpose, locator);
CREATE INDEX one_time_codes_by_user ON one_time_codes(purpose, user_id);

-- What the emulator "emails", readable at GET /_emulator/outbox.
CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    kind      TEXT NOT NULL,                     -- RecoveryCode
    subject   TEXT NOT NULL,
    text      TEXT NOT NULL,
    code      TEXT,
    date_sent TEXT NOT NULL
);
CREATE INDEX outbox_by_recipient ON outbox(recipient, seq);
