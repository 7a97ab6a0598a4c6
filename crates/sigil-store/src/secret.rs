//! The secret value and the store seam.

use zeroize::Zeroizing;

use crate::StoreError;

/// A secret value; `Debug` never shows it, and its memory is zeroed when dropped.
#[derive(Clone)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret itself, for the one place that must use it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}

/// Where secrets live. Implementations fail safe: a missing entry is `Ok(None)`, never an error.
///
/// Calls may block (the OS keyring answers over IPC and may show an unlock prompt): from async
/// code, call them inside `spawn_blocking`.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret stored under `key`, or `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<SecretBytes>, StoreError>;
    /// Stores `value` under `key`, replacing what was there.
    fn set(&self, key: &str, value: &SecretBytes) -> Result<(), StoreError>;
    /// Deletes the secret under `key`; `true` if something was deleted.
    fn delete(&self, key: &str) -> Result<bool, StoreError>;
}

/// The longest key (entry name) accepted, in bytes; well inside every OS keyring's limit.
const MAX_KEY_LEN: usize = 256;

/// Keys are names, not data: non-empty, short, printable. Every store checks them the same way,
/// so a key that works in tests works with the OS keyring.
pub(crate) fn check_key(key: &str) -> Result<(), StoreError> {
    let reason = if key.is_empty() {
        "it is empty"
    } else if key.len() > MAX_KEY_LEN {
        "it is longer than 256 bytes"
    } else if key.chars().any(char::is_control) {
        "it contains control characters"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidKey { key: key.escape_debug().to_string(), reason: reason.to_owned() })
}

#[cfg(test)]
mod tests;
