//! Who a person on the website is. The authorize page only needs a signed-in company user; how
//! they proved it is the identity provider's business. The companion ships [`DemoIdentity`]
//! (email + password, argon2id, waits after failures); a company plugs in its own by implementing
//! [`IdentityProvider`] (an OIDC provider would map its subject to a company user the same way).

pub mod hashing;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use self::hashing::{Argon2id, Kdf, PasswordHashing};
use crate::limits::{ClientAddress, Limits, sign_in_account_key};
use crate::store::backoff::Attempt;
use crate::store::passwords::{needs_rehash, nobody_hash};
use crate::store::users::{Email, User};
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
    /// Too many failed sign-ins for this email from this address: wait.
    #[error("too many failed sign-ins: wait before trying again")]
    Delayed {
        /// How long until an attempt is checked, ms.
        retry_after_ms: i64,
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
            Self::Delayed { .. } => "RATE_LIMITED",
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

    /// Checks a sign-in from `client`.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &ClientAddress,
        now_ms: i64,
    ) -> Result<User, IdentityError>;
}

/// The demo identity provider: accounts in the companion's store, argon2id password hashes
/// (computed off the async workers, a limited number at once), growing waits after failed
/// sign-ins per email and address. An unknown email gets the same answers after the same work
/// as a wrong password, so neither tells which accounts exist.
#[derive(Debug, Clone)]
pub struct DemoIdentity {
    store: Store,
    limits: Limits,
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
        Self { store, limits: *limits, hashing }
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
        client: &ClientAddress,
        now_ms: i64,
    ) -> Result<User, IdentityError> {
        // First, so that an attempt refused for load has counted nothing.
        let slot = self.hashing.slot()?;
        // Counted before the check, so a parallel burst gets no more than the free attempts.
        let backoff = format!("sign-in:{}:{client}", sign_in_account_key(email));
        let counted = self.store.try_attempt(&backoff, &self.limits.sign_in_failures, now_ms);
        if let Attempt::Delayed { retry_after_ms } = counted.await? {
            return Err(IdentityError::Delayed { retry_after_ms });
        }
        let credentials = match Email::parse(email) {
            Ok(email) => self.store.credentials_by_email(&email).await?,
            Err(_) => None,
        };
        // An unknown email costs the same verification, against a hash of today's parameters.
        let (user, hash) = match credentials {
            Some(credentials) => (Some(credentials.user), credentials.password_hash),
            None => (None, nobody_hash()),
        };
        let password: Arc<str> = password.into();
        let verified = slot.verify(Arc::clone(&password), hash.clone()).await?;
        let Some(user) = user.filter(|_| verified) else {
            return Err(IdentityError::InvalidCredentials);
        };
        self.store.clear_backoff(&backoff).await?;
        self.store.record_sign_in(&user.id, now_ms).await?;
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
