-- Failed sign-ins no longer lock an account for everyone (anyone could lock anyone out, and
-- the lock told which accounts exist): they slow down one account from one address, in
-- backoffs, whether or not the account exists.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN failure_window_start;
ALTER TABLE users DROP COLUMN locked_until;

-- Growing waits after failed attempts, one row per bucket key (e.g. account and address).
CREATE TABLE backoffs (
    bucket        TEXT PRIMARY KEY,
    -- attempts counted since the streak began, each before it was checked; a success deletes
    -- the row
    failures      BIGINT NOT NULL,
    -- the wait after the last counted attempt (doubles), ms
    delay_ms      BIGINT NOT NULL,
    -- no attempt is checked before this time
    blocked_until BIGINT NOT NULL,
    -- from this time the streak is over and the row can go
    forget_at     BIGINT NOT NULL,
    -- 1 when the last attempt was refused: what the upsert answers
    refused       BIGINT NOT NULL
);
CREATE INDEX backoffs_by_forget_at ON backoffs (forget_at);
