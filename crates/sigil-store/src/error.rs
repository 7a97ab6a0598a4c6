//! What can go wrong with the secret store, the cache and the journal, with stable codes for the
//! UI.

use crate::journal::OperationState;

/// Why a secret store could not do what was asked. A missing entry is not an error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No OS keyring can be reached (no Secret Service on the session bus, no session bus, no
    /// keychain for this session); the text says what was tried.
    #[error(
        "no OS keyring is available ({0}): on Linux start a Secret Service such as gnome-keyring \
         (with a D-Bus session) and unlock it; on Windows and macOS sign in to a desktop session"
    )]
    NoKeyring(String),
    /// The keyring (or the entry) is locked and could not be unlocked without the user.
    #[error(
        "the OS keyring is locked: unlock it (sign in again or open your keyring manager) and retry"
    )]
    Locked,
    /// The OS refused access, or the user dismissed the unlock prompt.
    #[error(
        "access to the OS keyring was refused or its unlock prompt was dismissed: \
         allow Sigil to use the keyring and retry"
    )]
    Denied,
    /// The key (entry name) or the store's service name cannot be used as a keyring entry name.
    #[error("\"{key}\" cannot name a keyring entry: {reason}")]
    InvalidKey {
        /// The offending name, escaped.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The secret is larger than this OS keyring accepts.
    #[error("the secret is too large for the OS keyring (at most {limit} bytes here)")]
    TooLarge {
        /// The platform's limit in bytes.
        limit: u32,
    },
    /// The keyring failed in another way; the text is the platform's own (never a secret).
    #[error("the OS keyring failed: {0}; retry, or restart the keyring service")]
    Backend(String),
}

impl StoreError {
    /// A stable code for this error, for the UI to branch on (never on the text).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoKeyring(_) => "KEYRING_UNAVAILABLE",
            Self::Locked => "KEYRING_LOCKED",
            Self::Denied => "KEYRING_DENIED",
            Self::InvalidKey { .. } => "KEYRING_INVALID_KEY",
            Self::TooLarge { .. } => "KEYRING_VALUE_TOO_LARGE",
            Self::Backend(_) => "KEYRING_FAILED",
        }
    }
}

/// Why a cache read or write failed. The cache is only a copy of what Dfns says: callers log this
/// and carry on from Dfns; nothing a user owns is lost.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The cache file was damaged while Sigil was running.
    #[error("the local cache is damaged ({0}): restart Sigil to rebuild it from Dfns")]
    Corrupt(String),
    /// The cache file cannot be read or written now (disk full, permissions, I/O error, locked).
    #[error(
        "the local cache cannot be used right now ({0}): free some disk space or check that the \
         app data folder is writable; Sigil keeps working from Dfns meanwhile"
    )]
    Unavailable(String),
    /// SQLite failed in another way; the text is its own.
    #[error(
        "the local cache failed ({0}): Sigil keeps working from Dfns; restart it if this repeats"
    )]
    Failed(String),
}

impl CacheError {
    /// A stable code for this error, for the UI to branch on (never on the text).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Corrupt(_) => "CACHE_CORRUPT",
            Self::Unavailable(_) => "CACHE_UNAVAILABLE",
            Self::Failed(_) => "CACHE_FAILED",
        }
    }
}

/// Why the operation journal refused or failed. The journal is never rebuilt behind the user's
/// back: it is the only record of operations whose outcome may still be unknown.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The journal file is not a SQLite database or fails its integrity check.
    #[error(
        "the operation journal {path} is damaged ({detail}): Sigil will not sign or send anything \
         until it can read it; keep the file, restore it from a backup or contact support"
    )]
    Corrupt {
        /// The journal file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// The journal file was written by a newer version of Sigil.
    #[error(
        "the operation journal {path} was written by a newer Sigil (schema {found}, this one knows \
         up to {known}): install the newer Sigil again"
    )]
    TooNew {
        /// The journal file.
        path: String,
        /// The file's schema version.
        found: i64,
        /// The newest schema version this build knows.
        known: i64,
    },
    /// The journal file or its folder cannot be created, opened or written.
    #[error(
        "the operation journal {path} cannot be opened or written ({detail}): check that its \
         folder exists and is writable by you and that the disk is not full, then retry"
    )]
    Unavailable {
        /// The journal file.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// An operation with this owner and external id is already recorded.
    #[error(
        "an operation with external id {external_id} is already in the journal ({existing}): \
         check how that one ended instead of sending it again"
    )]
    Duplicate {
        /// The external id.
        external_id: String,
        /// The id of the operation already recorded.
        existing: String,
    },
    /// The operation cannot move to that state from where it stands.
    #[error(
        "operation {id} cannot go from {from} to {to}: reload it and continue from where it stands"
    )]
    InvalidTransition {
        /// The operation.
        id: String,
        /// Where it stands.
        from: OperationState,
        /// Where it was asked to go.
        to: OperationState,
    },
    /// No operation has this id.
    #[error("there is no operation {0} in the journal: reload the list of operations")]
    NotFound(String),
    /// The operation to record is incomplete or malformed.
    #[error("the operation cannot be recorded: its {field} {reason}")]
    InvalidOperation {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// SQLite (or the system's random source) failed in another way; the text is its own.
    #[error("the operation journal failed ({0}): retry, and restart Sigil if this repeats")]
    Failed(String),
}

impl JournalError {
    /// A stable code for this error, for the UI to branch on (never on the text).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Corrupt { .. } => "JOURNAL_CORRUPT",
            Self::TooNew { .. } => "JOURNAL_TOO_NEW",
            Self::Unavailable { .. } => "JOURNAL_UNAVAILABLE",
            Self::Duplicate { .. } => "JOURNAL_DUPLICATE",
            Self::InvalidTransition { .. } => "JOURNAL_INVALID_TRANSITION",
            Self::NotFound(_) => "JOURNAL_NOT_FOUND",
            Self::InvalidOperation { .. } => "JOURNAL_INVALID_OPERATION",
            Self::Failed(_) => "JOURNAL_FAILED",
        }
    }
}
