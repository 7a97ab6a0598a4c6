//! Where Sigil keeps things on the user's machine, in three parts that fail differently:
//!
//! * **Secrets.** [`SecretStore`] is the seam; [`KeyringStore`] keeps secrets in the OS keyring
//!   (Secret Service on Linux, Credential Manager on Windows, Keychain on macOS) and
//!   [`MemoryStore`] keeps them in memory, for tests and for sessions that must not touch the OS.
//!   Secrets are bytes, wrapped in [`SecretBytes`] so that `Debug` and logs never show them and
//!   memory is wiped on drop. Failures are [`StoreError`]s (`KEYRING_*`).
//! * **The cache** ([`Cache`]): a SQLite file of what Sigil last read from Dfns, so the app shows
//!   it at once on start. It can always be rebuilt from Dfns, so it never stops the app: a damaged
//!   or newer file is moved aside and rebuilt, an unwritable one gives a cache in memory
//!   ([`CacheOpened`] says which). Failures are [`CacheError`]s (`CACHE_*`).
//! * **The operation journal** ([`Journal`]): a separate SQLite file where every signed action is
//!   recorded before it is sent, so an unknown outcome is reconciled by external id and nothing is
//!   sent twice. It is never rebuilt silently. Failures are [`JournalError`]s (`JOURNAL_*`).
//!
//! No secret is ever written to the cache or the journal.

mod address_book;
mod cache;
mod error;
mod journal;
mod keyring;
mod memory;
mod secret;
mod sqlite;

pub use address_book::{AddressBook, Contact};
pub use cache::{Cache, CacheOpened, RebuildReason};
pub use error::{CacheError, JournalError, StoreCode, StoreError};
pub use journal::{Journal, NewOperation, Operation, OperationState};
pub use keyring::KeyringStore;
pub use memory::MemoryStore;
pub use secret::{SecretBytes, SecretStore};
