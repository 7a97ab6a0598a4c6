//! What can go wrong with the secret store, the cache and the journal, with stable codes for the
//! UI.

use crate::journal::OperationState;

/// The stable codes of this crate's errors, serialised as the UI knows them
/// (`KEYRING_LOCKED`, `CACHE_CORRUPT`, `JOURNAL_CORRUPT`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum StoreCode {
    /// No OS keyring can be reached.
    KeyringUnavailable,
    /// The keyring is locked.
    KeyringLocked,
    /// Access to the keyring was refused.
    KeyringDenied,
    /// The entry name cannot be used.
    KeyringInvalidKey,
    /// The secret is too large for the keyring.
    KeyringValueTooLarge,
    /// The keyring failed in another way.
    KeyringFailed,
    /// The cache file is damaged.
    CacheCorrupt,
    /// The cache file cannot be used now.
    CacheUnavailable,
    /// The cache failed in another way.
    CacheFailed,
    /// The journal file is damaged.
    JournalCorrupt,
    /// The journal was written by a newer Sigil.
    JournalTooNew,
    /// The journal cannot be opened or written.
    JournalUnavailable,
    /// The operation is recorded already.
    JournalDuplicate,
    /// The operation cannot move to that state.
    JournalInvalidTransition,
    /// No such operation.
    JournalNotFound,
    /// The operation is malformed.
    JournalInvalidOperation,
    /// The journal failed in another way.
    JournalFailed,
}

impl StoreCode {
    /// The code as the UI sees it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for StoreCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for StoreCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

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
    pub fn code(&self) -> StoreCode {
        match self {
            Self::NoKeyring(_) => StoreCode::KeyringUnavailable,
            Self::Locked => StoreCode::KeyringLocked,
            Self::Denied => StoreCode::KeyringDenied,
            Self::InvalidKey { .. } => StoreCode::KeyringInvalidKey,
            Self::TooLarge { .. } => StoreCode::KeyringValueTooLarge,
            Self::Backend(_) => StoreCode::KeyringFailed,
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
    pub fn code(&self) -> StoreCode {
        match self {
            Self::Corrupt(_) => StoreCode::CacheCorrupt,
            Self::Unavailable(_) => StoreCode::CacheUnavailable,
            Self::Failed(_) => StoreCode::CacheFailed,
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
    pub fn code(&self) -> StoreCode {
        match self {
            Self::Corrupt { .. } => StoreCode::JournalCorrupt,
            Self::TooNew { .. } => StoreCode::JournalTooNew,
            Self::Unavailable { .. } => StoreCode::JournalUnavailable,
            Self::Duplicate { .. } => StoreCode::JournalDuplicate,
            Self::InvalidTransition { .. } => StoreCode::JournalInvalidTransition,
            Self::NotFound(_) => StoreCode::JournalNotFound,
            Self::InvalidOperation { .. } => StoreCode::JournalInvalidOperation,
            Self::Failed(_) => StoreCode::JournalFailed,
        }
    }
}
