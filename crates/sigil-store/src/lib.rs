//! Where Sigil keeps things on the user's machine.
//!
//! For now: secrets. [`SecretStore`] is the seam; [`KeyringStore`] keeps secrets in the OS keyring
//! (Secret Service on Linux, Credential Manager on Windows, Keychain on macOS) and [`MemoryStore`]
//! keeps them in memory, for tests and for sessions that must not touch the OS. Secrets are bytes,
//! wrapped in [`SecretBytes`] so that `Debug` and logs never show them and memory is wiped on drop.
//!
//! The SQLite cache and operation journal will live here too.

mod error;
mod keyring;
mod memory;
mod secret;

pub use error::StoreError;
pub use keyring::KeyringStore;
pub use memory::MemoryStore;
pub use secret::{SecretBytes, SecretStore};
