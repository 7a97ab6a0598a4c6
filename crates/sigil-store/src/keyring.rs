//! Secrets in the OS keyring, through `keyring-core` and the platform's own store crate (never a
//! mock: a platform without a supported keyring answers `KEYRING_UNAVAILABLE`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use keyring_core::{CredentialStore, Entry};

use crate::secret::check_key;
use crate::{SecretBytes, SecretStore, StoreError};

/// The OS keyring: Secret Service on Linux, Credential Manager on Windows, Keychain on macOS.
/// `service` names the app (e.g. `"io.sigil.wallet"`); `key` is the entry name.
///
/// The connection to the keyring is made on first use and kept; when it fails or breaks, the next
/// call tries again, so starting or unlocking the keyring later is enough. Every call blocks on the
/// keyring (and on its unlock prompt, if it shows one).
pub struct KeyringStore {
    service: String,
    backend: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeyringStore {
    /// A store for the entries of `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into(), backend: Mutex::new(None) }
    }

    fn cached_backend(&self) -> MutexGuard<'_, Option<Arc<CredentialStore>>> {
        self.backend.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The keyring entry for `key`, connecting to the keyring if need be.
    fn entry(&self, key: &str) -> Result<Entry, StoreError> {
        check_key(key)?;
        if self.service.is_empty() {
            return Err(StoreError::InvalidKey {
                key: String::new(),
                reason: "the store's service name is empty".to_owned(),
            });
        }
        let store = {
            let mut cached = self.cached_backend();
            match cached.as_ref() {
                Some(store) => Arc::clone(store),
                None => {
                    let store = platform::connect()?;
                    *cached = Some(Arc::clone(&store));
                    store
                }
            }
        };
        Entry::new_in_store(&store, &self.service, key).map_err(|err| map_error(err, key))
    }

    /// Logs a failure and, when the keyring itself may be gone, forgets the connection so the
    /// next call reconnects.
    fn failed(&self, op: &'static str, key: &str, err: StoreError) -> StoreError {
        tracing::warn!(service = %self.service, key, op, code = %err.code(), error = %err, "keyring operation failed");
        if matches!(err, StoreError::NoKeyring(_) | StoreError::Backend(_)) {
            *self.cached_backend() = None;
        }
        err
    }
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("service", &self.service)
            .field("connected", &self.cached_backend().is_some())
            .finish()
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<SecretBytes>, StoreError> {
        let found = self
            .entry(key)
            .and_then(|entry| match entry.get_secret() {
                Ok(bytes) => Ok(Some(SecretBytes::new(bytes))),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(err) => Err(map_error(err, key)),
            })
            .map_err(|err| self.failed("get", key, err))?;
        tracing::debug!(service = %self.service, key, found = found.is_some(), "keyring get");
        Ok(found)
    }

    fn set(&self, key: &str, value: &SecretBytes) -> Result<(), StoreError> {
        self.entry(key)
            .and_then(|entry| entry.set_secret(value.expose()).map_err(|err| map_error(err, key)))
            .map_err(|err| self.failed("set", key, err))?;
        tracing::debug!(service = %self.service, key, "keyring set");
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let deleted = self
            .entry(key)
            .and_then(|entry| match entry.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring_core::Error::NoEntry) => Ok(false),
                Err(err) => Err(map_error(err, key)),
            })
            .map_err(|err| self.failed("delete", key, err))?;
        tracing::debug!(service = %self.service, key, deleted, "keyring delete");
        Ok(deleted)
    }
}

/// Maps a keyring error for the entry `key` (a missing entry is handled before this). Never
/// formats the error with `Debug`: some variants carry the secret's bytes.
fn map_error(err: keyring_core::Error, key: &str) -> StoreError {
    use keyring_core::Error as E;
    match err {
        E::NoStorageAccess(err) => platform::no_access(err.as_ref()),
        E::PlatformFailure(err) => platform::failure(err.as_ref()),
        E::TooLong(what, limit) if what == "secret" => StoreError::TooLarge { limit },
        E::TooLong(what, limit) => StoreError::InvalidKey {
            key: key.escape_debug().to_string(),
            reason: format!("the keyring allows at most {limit} characters in its {what}"),
        },
        E::Invalid(what, reason) => StoreError::InvalidKey {
            key: key.escape_debug().to_string(),
            reason: format!("the keyring says its {what} {reason}"),
        },
        E::Ambiguous(entries) => StoreError::Backend(format!(
            "{} keyring entries match this key; remove the duplicates with the keyring manager",
            entries.len()
        )),
        other => StoreError::Backend(other.to_string()),
    }
}

/// A platform error as the keyring crates box it.
type PlatformError = dyn std::error::Error + Send + Sync + 'static;

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
mod platform {
    //! Secret Service over D-Bus (gnome-keyring, KWallet, KeePassXC…), transport encrypted.

    use std::sync::Arc;

    use dbus_secret_service::Error as SsError;
    use keyring_core::CredentialStore;

    use super::PlatformError;
    use crate::StoreError;

    /// D-Bus errors that mean nobody provides the Secret Service (or the bus itself is gone).
    fn means_no_service(name: &str) -> bool {
        matches!(
            name,
            "org.freedesktop.DBus.Error.ServiceUnknown"
                | "org.freedesktop.DBus.Error.NameHasNoOwner"
                | "org.freedesktop.DBus.Error.NoServer"
                | "org.freedesktop.DBus.Error.Disconnected"
                | "org.freedesktop.DBus.Error.FileNotFound"
        ) || name.starts_with("org.freedesktop.DBus.Error.Spawn.")
    }

    pub(super) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        // Connecting opens the session bus and a Secret Service session: any failure means
        // there is no usable Secret Service.
        let store = dbus_secret_service_keyring_store::Store::new()
            .map_err(|err| StoreError::NoKeyring(format!("Secret Service: {err}")))?;
        Ok(store)
    }

    pub(super) fn no_access(err: &PlatformError) -> StoreError {
        match err.downcast_ref::<SsError>() {
            Some(SsError::Prompt) => StoreError::Denied,
            Some(SsError::NoResult) => StoreError::NoKeyring(
                "the Secret Service has no default keyring (collection)".to_owned(),
            ),
            _ => StoreError::Locked,
        }
    }

    pub(super) fn failure(err: &PlatformError) -> StoreError {
        match err.downcast_ref::<SsError>() {
            Some(SsError::Locked) => StoreError::Locked,
            Some(SsError::Prompt) => StoreError::Denied,
            Some(SsError::Unavailable) => StoreError::NoKeyring(format!("Secret Service: {err}")),
            Some(SsError::Dbus(dbus)) if dbus.name().is_some_and(means_no_service) => {
                StoreError::NoKeyring(format!("Secret Service: {err}"))
            }
            _ => StoreError::Backend(err.to_string()),
        }
    }
}

#[cfg(windows)]
mod platform {
    //! Windows Credential Manager (generic credentials, at most 2560 bytes per secret).

    use std::sync::Arc;

    use keyring_core::CredentialStore;

    use super::PlatformError;
    use crate::StoreError;

    pub(super) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        match windows_native_keyring_store::Store::new() {
            Ok(store) => Ok(store),
            Err(err) => Err(StoreError::NoKeyring(format!("Credential Manager: {err}"))),
        }
    }

    /// The only access error Windows reports is `ERROR_NO_SUCH_LOGON_SESSION`.
    pub(super) fn no_access(err: &PlatformError) -> StoreError {
        StoreError::NoKeyring(format!("Credential Manager has no logon session: {err}"))
    }

    pub(super) fn failure(err: &PlatformError) -> StoreError {
        StoreError::Backend(err.to_string())
    }
}

#[cfg(target_os = "macos")]
mod platform {
    //! The macOS login keychain.

    use std::sync::Arc;

    use keyring_core::CredentialStore;

    use super::PlatformError;
    use crate::StoreError;

    pub(super) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        match apple_native_keyring_store::keychain::Store::new() {
            Ok(store) => Ok(store),
            Err(err) => Err(StoreError::NoKeyring(format!("Keychain: {err}"))),
        }
    }

    /// Keychain access errors are permission errors (another app's item, a read-only keychain).
    pub(super) fn no_access(_err: &PlatformError) -> StoreError {
        StoreError::Denied
    }

    pub(super) fn failure(err: &PlatformError) -> StoreError {
        StoreError::Backend(err.to_string())
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    windows,
    target_os = "macos"
)))]
mod platform {
    //! No supported keyring: every call says so.

    use std::sync::Arc;

    use keyring_core::CredentialStore;

    use super::PlatformError;
    use crate::StoreError;

    pub(super) fn connect() -> Result<Arc<CredentialStore>, StoreError> {
        Err(StoreError::NoKeyring("Sigil supports no OS keyring on this platform".to_owned()))
    }

    pub(super) fn no_access(_err: &PlatformError) -> StoreError {
        StoreError::Denied
    }

    pub(super) fn failure(err: &PlatformError) -> StoreError {
        StoreError::Backend(err.to_string())
    }
}

#[cfg(test)]
mod tests;
