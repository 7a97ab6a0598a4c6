//! The password work of the demo identity provider: argon2id hashes and verifications, run on
//! the blocking pool (each takes tens of milliseconds of CPU and 19 MiB), through a [`Kdf`]:
//! the seam tests count and hold verifications through.
//!
//! At most a set number run at once: beyond it a sign-in or sign-up is refused at once
//! ([`IdentityError::Busy`], HTTP 503 with `Retry-After`) rather than queued, so a burst of
//! password checks, each allowed by the per-address limits, cannot exhaust memory. The limit is
//! per process (a semaphore), not counted in the database: it protects this machine, and each
//! instance has its own.

use std::fmt;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::IdentityError;
use crate::store::StoreError;
use crate::store::passwords::{PasswordHash, hash_password, verify_password};

/// Hashes and verifies passwords (synchronously: [`PasswordHashing`] runs it off the async
/// workers).
pub trait Kdf: Send + Sync + fmt::Debug {
    /// A new salted hash of `password`.
    fn hash(&self, password: &str) -> Result<PasswordHash, StoreError>;

    /// Whether `password` matches `hash`.
    fn verify(&self, password: &str, hash: &PasswordHash) -> bool;
}

/// argon2id with today's parameters (`store::passwords`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Argon2id;

impl Kdf for Argon2id {
    fn hash(&self, password: &str) -> Result<PasswordHash, StoreError> {
        hash_password(password)
    }

    fn verify(&self, password: &str, hash: &PasswordHash) -> bool {
        verify_password(password, hash)
    }
}

/// Seconds a refused client is told to wait: a check takes tens of milliseconds.
pub const BUSY_RETRY_AFTER_SECS: u64 = 1;

/// Runs a [`Kdf`] on the blocking pool, at most `limit` at once. Cheap to clone (clones share
/// the limit).
#[derive(Debug, Clone)]
pub struct PasswordHashing {
    kdf: Arc<dyn Kdf>,
    slots: Arc<Semaphore>,
}

impl PasswordHashing {
    /// Password work done by `kdf`, at most `limit` (at least 1) at once.
    pub fn new(kdf: Arc<dyn Kdf>, limit: usize) -> Self {
        Self { kdf, slots: Arc::new(Semaphore::new(limit.clamp(1, Semaphore::MAX_PERMITS))) }
    }

    /// Room for one hash or verification, or [`IdentityError::Busy`] when `limit` are running.
    pub fn slot(&self) -> Result<HashSlot, IdentityError> {
        let permit = Arc::clone(&self.slots).try_acquire_owned().map_err(|_| {
            tracing::info!("password checks at their limit: refusing one");
            IdentityError::Busy
        })?;
        Ok(HashSlot { kdf: Arc::clone(&self.kdf), permit })
    }
}

/// Room for one hash or verification. The work holds it until the work ends, even when the
/// request that asked for it is gone (the blocking task runs on).
#[derive(Debug)]
pub struct HashSlot {
    kdf: Arc<dyn Kdf>,
    permit: OwnedSemaphorePermit,
}

impl HashSlot {
    /// A new hash of `password`.
    pub async fn hash(self, password: Arc<str>) -> Result<PasswordHash, IdentityError> {
        let Self { kdf, permit } = self;
        Ok(blocking(move || {
            let _slot = permit;
            kdf.hash(&password)
        })
        .await??)
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(
        self,
        password: Arc<str>,
        hash: PasswordHash,
    ) -> Result<bool, IdentityError> {
        let Self { kdf, permit } = self;
        blocking(move || {
            let _slot = permit;
            kdf.verify(&password, &hash)
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IdentityError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| IdentityError::Hashing(error.to_string()))
}
