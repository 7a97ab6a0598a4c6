-- The companion's schema. Portable SQL: it runs unchanged on SQLite and PostgreSQL.
-- Times are BIGINT milliseconds since the Unix epoch; flags are nullable times ("used_at",
-- "revoked_at"); secrets handed to callers (login codes, session tokens) are stored only as the
-- hex SHA-256 of the secret.

-- People who sign in on the company website (the demo identity provider).
CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    -- trimmed and lower-cased, so uniqueness is case-insensitive
    email                TEXT NOT NULL UNIQUE,
    -- argon2id PHC string
    password_hash        TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    -- failures counted in the window that started at failure_window_start
    failed_logins        BIGINT NOT NULL DEFAULT 0,
    failure_window_start BIGINT,
    locked_until         BIGINT,
    last_login_at        BIGINT
);

-- App and website sessions. The token is random and given to its owner once.
CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    token_hash          TEXT NOT NULL UNIQUE,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 'app' (the desktop app, from a login code) or 'web' (the website's cookie)
    kind                TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    -- sliding: last_seen_at + idle_timeout_ms, never past absolute_expires_at
    expires_at          BIGINT NOT NULL,
    idle_timeout_ms     BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    revoked_at          BIGINT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One-time deep-link login codes (RFC 8252 + PKCE S256).
CREATE TABLE login_codes (
    code_hash      TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_challenge TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT,
    -- the session the first redemption made: revoked when the code is replayed
    session_id     TEXT
);
CREATE INDEX login_codes_by_expiry ON login_codes (expires_at);

-- Company user -> Dfns user, once delegated registration completed.
CREATE TABLE dfns_users (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    dfns_user_id  TEXT NOT NULL UNIQUE,
    -- the username ("email") the companion sent to Dfns
    dfns_username TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);

-- A delegated registration that was started and not completed yet: at most one per user, bound
-- to the session that started it. The temporary token is a short-lived Dfns secret needed to
-- complete the registration.
CREATE TABLE dfns_pending_registrations (
    user_id         TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    dfns_username   TEXT NOT NULL,
    temporary_token TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);

-- Wallets the companion asked Dfns to create, keyed by the idempotent externalId it sent.
CREATE TABLE wallet_provisioning (
    external_id  TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    network      TEXT NOT NULL,
    wallet_id    TEXT UNIQUE,
    created_at   BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX wallet_provisioning_by_user ON wallet_provisioning (user_id);

-- Sliding-window rate-limit counters (two fixed windows, weighted), one row per bucket key.
CREATE TABLE rate_limits (
    bucket        TEXT PRIMARY KEY,
    window_ms     BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    current_hits  BIGINT NOT NULL,
    previous_hits BIGINT NOT NULL
);
