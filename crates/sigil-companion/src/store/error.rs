//! The one error type of the store, with stable codes.

use crate::store::Backend;

/// Everything the store can fail with. [`StoreError::code`] is stable; the messages are for
/// people and never contain a secret (URLs are shown with their password replaced by `***`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL names a scheme this build cannot use.
    #[error(
        "unsupported database URL `{url}`: use `sqlite://PATH?mode=rwc` (the default, a file) \
         or `postgres://USER@HOST:PORT/DATABASE`"
    )]
    UnsupportedUrl {
        /// The URL as given, password redacted.
        url: String,
    },
    /// The database could not be opened or reached when connecting.
    #[error("cannot open the {backend} database at `{url}`: {source}{hint}")]
    Unavailable {
        /// Which kind of database the URL names.
        backend: Backend,
        /// The URL, password redacted.
        url: String,
        /// What the person running the companion may check.
        hint: &'static str,
        /// What sqlx reported.
        #[source]
        source: sqlx::Error,
    },
    /// The embedded migrations could not be applied.
    #[error("cannot bring the {backend} database at `{url}` to this version's schema: {source}")]
    Migration {
        /// Which kind of database the URL names.
        backend: Backend,
        /// The URL, password redacted.
        url: String,
        /// What sqlx reported.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed (connection lost, pool exhausted, constraint, ...).
    #[error("the database failed: {0}")]
    Database(#[source] sqlx::Error),
    /// An account with this email address exists already.
    #[error("an account with this email address exists already")]
    EmailTaken,
    /// The record named does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. "user".
        what: &'static str,
    },
    /// The write would contradict a record that exists (e.g. another wallet for an externalId).
    #[error("{what} conflicts with an existing record")]
    Conflict {
        /// What conflicted, e.g. "wallet provisioning".
        what: &'static str,
    },
    /// The user completed delegated registration with Dfns already.
    #[error("this user is registered with Dfns already")]
    AlreadyRegistered,
    /// A value from outside is malformed.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// Which input, e.g. "email".
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A row holds a value this version cannot read.
    #[error("the database holds a value this version cannot read: {what}")]
    Corrupt {
        /// Which value.
        what: String,
    },
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
    /// Hashing a password failed (or a stored hash is not a PHC string).
    #[error("password hashing failed: {0}")]
    PasswordHashing(String),
}

impl StoreError {
    /// A stable, machine-readable code for this error (the server maps it to its HTTP errors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedUrl { .. } => "STORE_URL_UNSUPPORTED",
            Self::Unavailable { .. } => "STORE_UNAVAILABLE",
            Self::Migration { .. } => "STORE_MIGRATION_FAILED",
            Self::Database(error) if is_unavailable(error) => "STORE_UNAVAILABLE",
            Self::Database(_) => "STORE_FAILED",
            Self::EmailTaken => "EMAIL_TAKEN",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Conflict { .. } => "CONFLICT",
            Self::AlreadyRegistered => "ALREADY_REGISTERED",
            Self::InvalidInput { .. } => "INVALID_INPUT",
            Self::Corrupt { .. } => "STORE_CORRUPT",
            Self::Randomness(_) => "RANDOMNESS_UNAVAILABLE",
            Self::PasswordHashing(_) => "PASSWORD_HASHING_FAILED",
        }
    }

    /// Whether retrying later may succeed (the database was unreachable or busy).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unavailable { .. } => true,
            Self::Database(error) => is_unavailable(error),
            _ => false,
        }
    }
}

/// Whether a query error means "the database is not reachable right now".
fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_)
    )
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Whether a query failed on a UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The result type of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
