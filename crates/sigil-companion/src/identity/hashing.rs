//! The password work of the demo identity provider: argon2id hashes and verifications, run on
//! the blocking pool (each takes tens of milliseconds of CPU and 19 MiB), through a [`Kdf`]:
//! the seam tests count and hold verifications through.

use std::fmt;
use std::sync::Arc;

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

/// Runs a [`Kdf`] on the blocking pool. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PasswordHashing {
    kdf: Arc<dyn Kdf>,
}

impl PasswordHashing {
    /// Password work done by `kdf`.
    pub fn new(kdf: Arc<dyn Kdf>) -> Self {
        Self { kdf }
    }

    /// A new hash of `password`.
    pub async fn hash(&self, password: Arc<str>) -> Result<PasswordHash, IdentityError> {
        let kdf = Arc::clone(&self.kdf);
        Ok(blocking(move || kdf.hash(&password)).await??)
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(
        &self,
        password: Arc<str>,
        hash: PasswordHash,
    ) -> Result<bool, IdentityError> {
        let kdf = Arc::clone(&self.kdf);
        blocking(move || kdf.verify(&password, &hash)).await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IdentityError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| IdentityError::Hashing(error.to_string()))
}
