//! Secrets in memory.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::secret::check_key;
use crate::{SecretBytes, SecretStore, StoreError};

/// In memory, for tests and for a session that must not touch the OS. Each instance is its own
/// store: two `MemoryStore`s never see each other's entries, and everything is gone (and zeroed)
/// when the store is dropped.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, SecretBytes>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, SecretBytes>> {
        // A panic while holding the lock cannot leave the map half-updated: every operation is a
        // single map call.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").field("entries", &self.entries().len()).finish()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<SecretBytes>, StoreError> {
        check_key(key)?;
        Ok(self.entries().get(key).cloned())
    }

    fn set(&self, key: &str, value: &SecretBytes) -> Result<(), StoreError> {
        check_key(key)?;
        self.entries().insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        check_key(key)?;
        Ok(self.entries().remove(key).is_some())
    }
}
