//! The one error shape the UI sees: `{code, message}`. The UI branches on `code`.

use serde::Serialize;

/// An IPC error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct IpcError {
    /// Stable, for the UI to branch on.
    pub code: String,
    /// For people.
    pub message: String,
}

impl IpcError {
    /// An error with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.to_owned(), message: message.into() }
    }

    /// An argument from the UI that cannot be used.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("INVALID_ARGUMENT", message)
    }
}

impl From<sigil_core::Error> for IpcError {
    fn from(error: sigil_core::Error) -> Self {
        Self { code: error.code().to_owned(), message: error.to_string() }
    }
}

impl From<sigil_authn::AuthnError> for IpcError {
    fn from(error: sigil_authn::AuthnError) -> Self {
        Self { code: error.code().to_owned(), message: error.to_string() }
    }
}

impl From<sigil_store::CacheError> for IpcError {
    fn from(error: sigil_store::CacheError) -> Self {
        Self { code: error.code().to_owned(), message: error.to_string() }
    }
}

/// The result of a command.
pub type IpcResult<T> = Result<T, IpcError>;
