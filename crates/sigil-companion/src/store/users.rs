//! Accounts of the demo identity provider: email and password hash. Failed sign-ins do not
//! touch the account: they slow down one account from one address (`backoff`).

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
}

/// A user with their password hash, for checking a sign-in.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// Their argon2id hash.
    pub password_hash: PasswordHash,
}

type UserRow = (String, String, i64, Option<i64>);

fn user_from_row((id, email, created_at, last_login_at): UserRow) -> User {
    User { id: UserId::from_db(id), email: Email(email), created_at, last_login_at }
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
             RETURNING id, email, created_at, last_login_at",
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
            "SELECT id, email, created_at, last_login_at FROM users WHERE id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(user_from_row))
    }

    /// The user with this email address.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query_as::<_, UserRow>(
            "SELECT id, email, created_at, last_login_at FROM users WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(user_from_row))
    }

    /// The user with this email address and their password hash, to check a sign-in.
    pub async fn credentials_by_email(&self, email: &Email) -> Result<Option<Credentials>> {
        let row = sqlx::query_as::<_, (String, String, i64, Option<i64>, String)>(
            "SELECT id, email, created_at, last_login_at, password_hash FROM users \
             WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, email, created_at, last_login_at, hash)| Credentials {
            user: user_from_row((id, email, created_at, last_login_at)),
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

    /// Records a successful sign-in.
    pub async fn record_sign_in(&self, id: &UserId, now_ms: i64) -> Result<()> {
        let done = sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
            .bind(id.as_str())
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "user" });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
