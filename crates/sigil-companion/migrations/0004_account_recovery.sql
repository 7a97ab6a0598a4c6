-- Recovering access (issue 15): a website check (password and an emailed code) issues a login
-- code whose purpose is recovery; the session it opens may start one delegated recovery at
-- Dfns; the companion records each user's newest recovery kit; mails go out through SMTP or,
-- in development, into an outbox table.

-- 'sign_in' or 'recovery': what the website checked before issuing the code.
ALTER TABLE login_codes ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sign_in';
-- The purpose of the code the session was made from (website sessions: 'sign_in').
ALTER TABLE sessions ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sign_in';

-- The credId of the user's newest recovery kit (a RecoveryKey credential at Dfns); NULL when
-- there is none (never made, or retired by a recovery that made no new one).
ALTER TABLE dfns_users ADD COLUMN recovery_credential_id TEXT;

-- One-time codes emailed by the website's recovery check: the browser holds a random ticket
-- (stored as its SHA-256) and types the 6-digit code, stored as the SHA-256 of the ticket and
-- the code, so the database alone cannot tell the code. The authorize request it continues is
-- kept here, not in the page.
CREATE TABLE email_codes (
    ticket_hash    TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash      TEXT NOT NULL,
    state          TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    -- attempts counted before each is checked; at the limit the code is void
    attempts       BIGINT NOT NULL DEFAULT 0,
    used_at        BIGINT
);
CREATE INDEX email_codes_by_expiry ON email_codes (expires_at);

-- The delegated recovery a recovery session started: at most one per session (the primary key
-- is what makes it "once"). The temporary token is the Dfns secret that completes it; it is
-- cleared when the recovery completes.
CREATE TABLE dfns_recoveries (
    session_id      TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dfns_username   TEXT NOT NULL,
    credential_id   TEXT NOT NULL,
    temporary_token TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    completed_at    BIGINT
);

-- Mails "sent" when the companion runs with --mail-outbox (development and tests), newest
-- read first at /dev/outbox.
CREATE TABLE mail_outbox (
    id        TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    sent_at   BIGINT NOT NULL
);
CREATE INDEX mail_outbox_by_sent_at ON mail_outbox (sent_at);
