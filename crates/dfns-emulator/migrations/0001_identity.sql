-- Identity and user-action state of the emulated Dfns org.

-- Emulator-wide values: org id, token signing key, the service account's bootstrap secrets.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY NOT NULL,
    org_id             TEXT NOT NULL,
    username           TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL,            -- EndUser | ServiceAccount
    external_id        TEXT,
    is_active          INTEGER NOT NULL DEFAULT 1,
    is_registered      INTEGER NOT NULL DEFAULT 0,
    -- Tokens issued before this instant (unix ms) are void: "log out of every session".
    tokens_valid_after INTEGER NOT NULL DEFAULT 0,
    date_created       TEXT NOT NULL
);

CREATE TABLE credentials (
    uuid                  TEXT PRIMARY KEY NOT NULL,
    user_id               TEXT NOT NULL REFERENCES users(id),
    kind                  TEXT NOT NULL,         -- Fido2 | Key | RecoveryKey | PasswordProtectedKey
    credential_id         TEXT NOT NULL UNIQUE,  -- base64url, as sent by the client
    public_key_pem        TEXT NOT NULL,
    sign_count            INTEGER NOT NULL DEFAULT 0,
    name                  TEXT NOT NULL,
    is_active             INTEGER NOT NULL DEFAULT 1,
    relying_party_id      TEXT NOT NULL,
    origin                TEXT NOT NULL,
    encrypted_private_key TEXT,
    date_created          TEXT NOT NULL
);
CREATE INDEX credentials_by_user ON credentials(user_id);

-- Every challenge handed out: user-action, registration and new-credential challenges.
CREATE TABLE challenges (
    id              TEXT PRIMARY KEY NOT NULL,   -- jti of the challengeIdentifier / temporary token
    kind            TEXT NOT NULL,               -- UserAction | Registration | Credential
    user_id         TEXT NOT NULL REFERENCES users(id),
    challenge       TEXT NOT NULL,
    http_method     TEXT,
    http_path       TEXT,
    payload         TEXT,
    credential_kind TEXT,
    expires_at      INTEGER NOT NULL,            -- unix ms
    used_at         INTEGER
);

-- Signed user actions, each good for one request.
CREATE TABLE user_actions (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    http_method TEXT NOT NULL,
    http_path   TEXT NOT NULL,
    payload     TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- Tokens ended by logout before their expiry.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY NOT NULL,
    expires_at INTEGER NOT NULL
);
