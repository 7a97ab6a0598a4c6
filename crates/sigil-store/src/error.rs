//! What can go wrong with a secret store, with stable codes for the UI.

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
