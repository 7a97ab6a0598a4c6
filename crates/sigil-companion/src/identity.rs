//! Who a person on the website is. The authorize page only needs a signed-in company user; how
//! they proved it is the identity provider's business. The companion ships [`DemoIdentity`]
//! (email + password, argon2id, lockout); a company plugs in its own by implementing
//! [`IdentityProvider`] (an OIDC provider would map its subject to a company user the same way).

pub mod hashing;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use self::hashing::{Argon2id, Kdf, PasswordHashing};
use crate::limits::Limits;
use crate::store::passwords::{needs_rehash, nobody_hash};
use crate::store::users::{Email, FailedLogin, LockoutPolicy, User};
use crate::store::{Store, StoreError};

/// Shortest and longest password accepted at sign-up, in characters.
pub const PASSWORD_LENGTH: std::ops::RangeInclusive<usize> = 10..=256;

/// Why signing up or in failed.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The email address is malformed.
    #[error("{0}")]
    InvalidEmail(String),
    /// The password does not meet the rules.
    #[error("{0}")]
    WeakPassword(String),
    /// An account with this email exists.
    #[error("an account with this email address exists already: sign in instead")]
    EmailTaken,
    /// Unknown email or wrong password (never saying which).
    #[error("wrong email address or password")]
    InvalidCredentials,
    /// As many password checks as allowed at once are running: retry in a moment (HTTP 503).
    #[error("the site is checking many passwords right now: try again in a moment")]
    Busy,
    /// Too many failed sign-ins: the account is locked for a while.
    #[error("too many failed sign-ins: this account is locked for now")]
    Locked {
        /// When the lock ends, Unix ms.
        until_ms: i64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password hashing task did not finish.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl IdentityError {
    /// A stable code for pages and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidEmail(_) => "EMAIL_INVALID",
            Self::WeakPassword(_) => "PASSWORD_WEAK",
            Self::EmailTaken => "EMAIL_TAKEN",
            Self::InvalidCredentials => "CREDENTIALS_INVALID",
            Self::Busy => "SERVER_BUSY",
            Self::Locked { .. } => "ACCOUNT_LOCKED",
            Self::Store(error) => error.code(),
            Self::Hashing(_) => "PASSWORD_HASHING_FAILED",
        }
    }
}

/// Signs people up and in on the company website.
#[async_trait]
pub trait IdentityProvider: Send + Sync + fmt::Debug {
    /// Makes an account; the person is signed in afterwards.
    async fn sign_up(
        &self,
        email: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<User, IdentityError>;

    /// Checks a sign-in.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<User, IdentityError>;
}

/// The demo identity provider: accounts in the companion's store, argon2id password hashes
/// (computed off the async workers, a limited number at once), lockout after repeated failures.
#[derive(Debug, Clone)]
pub struct DemoIdentity {
    store: Store,
    lockout: LockoutPolicy,
    hashing: PasswordHashing,
}

impl DemoIdentity {
    /// Accounts in `store` under `limits`, argon2id hashes.
    pub fn new(store: Store, limits: &Limits) -> Self {
        Self::with_kdf(store, limits, Arc::new(Argon2id))
    }

    /// The same, the password work done by `kdf` (tests observe it).
    pub fn with_kdf(store: Store, limits: &Limits, kdf: Arc<dyn Kdf>) -> Self {
        let hashing = PasswordHashing::new(kdf, limits.concurrent_password_hashes);
        Self { store, lockout: limits.lockout, hashing }
    }
}

#[async_trait]
impl IdentityProvider for DemoIdentity {
    async fn sign_up(
        &self,
        email: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<User, IdentityError> {
        let email = Email::parse(email).map_err(|error| match error {
            StoreError::InvalidInput { reason, .. } => IdentityError::InvalidEmail(reason.into()),
            other => IdentityError::Store(other),
        })?;
        check_password(password, &email)?;
        let hash = self.hashing.slot()?.hash(password.into()).await?;
        match self.store.create_user(&email, &hash, now_ms).await {
            Err(StoreError::EmailTaken) => Err(IdentityError::EmailTaken),
            other => Ok(other?),
        }
    }

    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<User, IdentityError> {
        // First, so that an attempt refused for load has done nothing.
        let slot = self.hashing.slot()?;
        let password: Arc<str> = password.into();
        let credentials = match Email::parse(email) {
            Ok(email) => self.store.credentials_by_email(&email).await?,
            Err(_) => None,
        };
        let Some(credentials) = credentials else {
            // As slow as a real check, so timing does not tell which accounts exist.
            slot.verify(password, nobody_hash()).await?;
            return Err(IdentityError::InvalidCredentials);
        };
        let user = credentials.user;
        if let Some(until_ms) = user.locked_until.filter(|until| *until > now_ms) {
            return Err(IdentityError::Locked { until_ms });
        }
        let hash = credentials.password_hash;
        let good = slot.verify(Arc::clone(&password), hash.clone()).await?;
        if !good {
            return match self.store.record_failed_login(&user.id, &self.lockout, now_ms).await? {
                FailedLogin::Locked { until_ms } => Err(IdentityError::Locked { until_ms }),
                FailedLogin::Counted { .. } => Err(IdentityError::InvalidCredentials),
            };
        }
        match self.store.record_successful_login(&user.id, now_ms).await {
            Err(StoreError::AccountLocked { until_ms }) => {
                return Err(IdentityError::Locked { until_ms });
            }
            other => other?,
        }
        if needs_rehash(&hash) {
            self.rehash(&user, password).await;
        }
        Ok(user)
    }
}

impl DemoIdentity {
    /// Replaces a hash made with older parameters; a failure (or no free slot) only costs the
    /// upgrade, done at a later sign-in.
    async fn rehash(&self, user: &User, password: Arc<str>) {
        let Ok(slot) = self.hashing.slot() else { return };
        if let Ok(fresh) = slot.hash(password).await
            && let Err(error) = self.store.set_password_hash(&user.id, &fresh).await
        {
            tracing::warn!(user_id = %user.id, %error, "could not store the upgraded password hash");
        }
    }
}

/// The sign-up password rules: a length range, and not the email address.
fn check_password(password: &str, email: &Email) -> Result<(), IdentityError> {
    let length = password.chars().count();
    if !PASSWORD_LENGTH.contains(&length) {
        return Err(IdentityError::WeakPassword(format!(
            "use a password of {} to {} characters",
            PASSWORD_LENGTH.start(),
            PASSWORD_LENGTH.end()
        )));
    }
    if password.trim().eq_ignore_ascii_case(email.as_str()) {
        return Err(IdentityError::WeakPassword(
            "use a password other than your email address".into(),
        ));
    }
    Ok(())
}
