//! Accounts of the demo identity provider: email, password hash, lockout after failed sign-ins.

use std::fmt;

use crate::store::Store;
use crate::store::error::{Result, StoreError, is_unique_violation};
use crate::store::ids::UserId;
use crate::store::passwords::PasswordHash;

/// An email address as accounts are keyed: trimmed and lower-cased, so `Ann@Example.org` and
/// `ann@example.org` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Normalises and checks an address typed by a person (one `@`, something on both sides, a
    /// dot-free or dotted domain without spaces, at most 254 characters).
    pub fn parse(raw: &str) -> Result<Self> {
        let email = raw.trim().to_lowercase();
        let invalid = |reason| Err(StoreError::InvalidInput { field: "email", reason });
        if email.is_empty() || email.len() > 254 {
            return invalid("an email address has 1 to 254 characters");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("an email address has no spaces or control characters");
        }
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') =>
            {
                Ok(Self(email))
            }
            _ => invalid("an email address looks like name@example.org"),
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A company user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's identifier.
    pub id: UserId,
    /// The normalised email address.
    pub email: Email,
    /// When the account was made, Unix ms.
    pub created_at: i64,
    /// When the last successful sign-in happened, Unix ms.
    pub last_login_at: Option<i64>,
    /// Until when sign-in is refused, Unix ms, if a lock was ever set (it may be in the past).
    pub locked_until: Option<i64>,
}

impl User {
    /// Whether sign-in is refused at `now_ms`.
    pub fn is_locked(&self, now_ms: i64) -> bool {
        self.locked_until.is_some_and(|until| until > now_ms)
    }
}

/// A user with their password hash, for checking a sign-in.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// Their argon2id hash.
    pub password_hash: PasswordHash,
}

/// When repeated failed sign-ins lock an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures within `window_ms` that lock the account.
    pub max_failures: u32,
    /// The window failures are counted in, from the first failure, ms.
    pub window_ms: i64,
    /// How long the account stays locked, ms.
    pub lock_ms: i64,
}

impl Default for LockoutPolicy {
    /// 5 failures within 15 minutes lock the account for 15 minutes.
    fn default() -> Self {
        Self { max_failures: 5, window_ms: 15 * 60_000, lock_ms: 15 * 60_000 }
    }
}

/// What a failed sign-in did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedLogin {
    /// Counted; the account stays open for `remaining` more failures in this window.
    Counted {
        /// Failures in the current window, this one included.
        failures: u32,
        /// Failures left before the lock.
        remaining: u32,
    },
    /// The account is locked (by this failure, or it was already).
    Locked {
        /// When the lock ends, Unix ms.
        until_ms: i64,
    },
}

type UserRow = (String, String, i64, Option<i64>, Option<i64>);

fn user_from_row((id, email, created_at, last_login_at, locked_until): UserRow) -> User {
    User { id: UserId::from_db(id), email: Email(email), created_at, last_login_at, locked_until }
}

impl Store {
    /// Creates an account. Fails with `EMAIL_TAKEN` when the (normalised) email has one.
    pub async fn create_user(
        &self,
        email: &Email,
        password_hash: &PasswordHash,
        now_ms: i64,
    ) -> Result<User> {
        let id = UserId::generate(self.random.as_ref())?;
        let inserted = sqlx::query_as::<_, UserRow>(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (email) DO NOTHING \
             RETURNING id, email, created_at, last_login_at, locked_until",
        )
        .bind(id.as_str())
        .bind(email.as_str())
        .bind(password_hash.as_phc())
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "user id" }
            } else {
                error.into()
            }
        })?;
        let user = inserted.map(user_from_row).ok_or(StoreError::EmailTaken)?;
        tracing::info!(user_id = %user.id, "user created");
        Ok(user)
    }

    /// The user with this id.
    pub async fn user_by_id(&self, id: &UserId) -> Result<Option<User>> {
        let row = sqlx::query_as::<_, UserRow>(
            "SELECT id, email, created_at, last_login_at, locked_until FROM users WHERE id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(user_from_row))
    }

    /// The user with this email address.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query_as::<_, UserRow>(
            "SELECT id, email, created_at, last_login_at, locked_until FROM users \
             WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(user_from_row))
    }

    /// The user with this email address and their password hash, to check a sign-in.
    pub async fn credentials_by_email(&self, email: &Email) -> Result<Option<Credentials>> {
        let row = sqlx::query_as::<_, (String, String, i64, Option<i64>, Option<i64>, String)>(
            "SELECT id, email, created_at, last_login_at, locked_until, password_hash FROM users \
             WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, email, created_at, last_login_at, locked_until, hash)| Credentials {
            user: user_from_row((id, email, created_at, last_login_at, locked_until)),
            password_hash: PasswordHash::from_db(hash),
        }))
    }

    /// Replaces a user's password hash (a new password, or a rehash with today's parameters).
    pub async fn set_password_hash(&self, id: &UserId, password_hash: &PasswordHash) -> Result<()> {
        let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id.as_str())
            .bind(password_hash.as_phc())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "user" });
        }
        Ok(())
    }

    /// Counts a failed sign-in, and locks the account when `policy.max_failures` failures fall
    /// within `policy.window_ms`. One statement: concurrent failures on any instance all count.
    /// While the account is locked, failures change nothing (the lock is not extended). The
    /// count starts again after a lock.
    pub async fn record_failed_login(
        &self,
        id: &UserId,
        policy: &LockoutPolicy,
        now_ms: i64,
    ) -> Result<FailedLogin> {
        // All SET expressions see the row as it was before the statement. "fresh" = the window
        // has passed (or never started); n = the failures counting this one.
        let row = sqlx::query_as::<_, (i64, Option<i64>)>(
            "UPDATE users SET \
               failed_logins = CASE \
                 WHEN locked_until IS NOT NULL AND locked_until > $2 THEN failed_logins \
                 WHEN (CASE WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 \
                       THEN 1 ELSE failed_logins + 1 END) >= $4 THEN 0 \
                 WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 THEN 1 \
                 ELSE failed_logins + 1 END, \
               failure_window_start = CASE \
                 WHEN locked_until IS NOT NULL AND locked_until > $2 THEN failure_window_start \
                 WHEN (CASE WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 \
                       THEN 1 ELSE failed_logins + 1 END) >= $4 THEN NULL \
                 WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 THEN $2 \
                 ELSE failure_window_start END, \
               locked_until = CASE \
                 WHEN locked_until IS NOT NULL AND locked_until > $2 THEN locked_until \
                 WHEN (CASE WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 \
                       THEN 1 ELSE failed_logins + 1 END) >= $4 THEN $2 + $5 \
                 ELSE NULL END \
             WHERE id = $1 \
             RETURNING failed_logins, locked_until",
        )
        .bind(id.as_str())
        .bind(now_ms)
        .bind(policy.window_ms)
        .bind(i64::from(policy.max_failures.max(1)))
        .bind(policy.lock_ms)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "user" })?;
        let outcome = match row {
            (_, Some(until_ms)) if until_ms > now_ms => FailedLogin::Locked { until_ms },
            (failures, _) => {
                let failures = u32::try_from(failures).unwrap_or(u32::MAX);
                FailedLogin::Counted {
                    failures,
                    remaining: policy.max_failures.max(1).saturating_sub(failures),
                }
            }
        };
        if let FailedLogin::Locked { until_ms } = outcome {
            tracing::warn!(user_id = %id, until_ms, "account locked after failed sign-ins");
        }
        Ok(outcome)
    }

    /// Records a successful sign-in: clears the failure count. Fails with `ACCOUNT_LOCKED` (and
    /// changes nothing) if the account is locked at `now_ms`, so a password checked just before
    /// another instance set the lock cannot lift it.
    pub async fn record_successful_login(&self, id: &UserId, now_ms: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE users SET failed_logins = 0, failure_window_start = NULL, \
               locked_until = NULL, last_login_at = $2 \
             WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(id.as_str())
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        match self.locked_until(id, now_ms).await? {
            Some(until_ms) => Err(StoreError::AccountLocked { until_ms }),
            None => Err(StoreError::NotFound { what: "user" }),
        }
    }

    /// Until when the account is locked, if it is locked at `now_ms`. `NOT_FOUND` for an
    /// unknown user.
    pub async fn locked_until(&self, id: &UserId, now_ms: i64) -> Result<Option<i64>> {
        let row =
            sqlx::query_as::<_, (Option<i64>,)>("SELECT locked_until FROM users WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound { what: "user" })?;
        Ok(row.0.filter(|until| *until > now_ms))
    }
}

#[cfg(test)]
mod tests;
