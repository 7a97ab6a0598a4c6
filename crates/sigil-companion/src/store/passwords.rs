//! Password hashing for the demo identity provider: argon2id with the `argon2` crate's
//! recommended parameters (OWASP: m = 19 MiB, t = 2, p = 1), stored as a PHC string.
//!
//! Hashing and verifying take tens of milliseconds of CPU on purpose: call them from
//! `tokio::task::spawn_blocking`, not on an async worker.

use std::fmt;

use argon2::password_hash::{self, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::store::error::{Result, StoreError};
use crate::store::secret::{OsRandom, RandomSource};

/// An argon2id password hash as a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
/// `Debug` shows neither salt nor hash.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Accepts a PHC string made elsewhere (e.g. imported accounts); it must be argon2.
    pub fn from_phc(phc: impl Into<String>) -> Result<Self> {
        let phc = phc.into();
        let parsed = password_hash::PasswordHash::new(&phc)
            .map_err(|error| StoreError::PasswordHashing(format!("not a PHC string: {error}")))?;
        if !matches!(parsed.algorithm.as_str(), "argon2id" | "argon2i" | "argon2d") {
            return Err(StoreError::PasswordHashing(format!(
                "unsupported algorithm {}",
                parsed.algorithm
            )));
        }
        Ok(Self(phc))
    }

    /// The PHC string, for storing.
    pub fn as_phc(&self) -> &str {
        &self.0
    }

    /// A hash read back from the database (written by this crate).
    pub(crate) fn from_db(phc: String) -> Self {
        Self(phc)
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// The hasher with today's parameters.
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a password with argon2id, a fresh 16-byte salt from the operating system.
pub fn hash_password(password: &str) -> Result<PasswordHash> {
    hash_password_with(password, &OsRandom)
}

/// Hashes a password with argon2id, the salt drawn from `random`.
pub fn hash_password_with(password: &str, random: &dyn RandomSource) -> Result<PasswordHash> {
    let mut salt = [0u8; 16];
    random.fill(&mut salt)?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|error| StoreError::PasswordHashing(error.to_string()))?;
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|error| StoreError::PasswordHashing(error.to_string()))?;
    Ok(PasswordHash(hash.to_string()))
}

/// Whether `password` matches `hash` (constant time in the comparison).
pub fn verify_password(password: &str, hash: &PasswordHash) -> bool {
    match password_hash::PasswordHash::new(&hash.0) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(error) => {
            tracing::error!(%error, "a stored password hash is not a PHC string");
            false
        }
    }
}

/// A hash with today's parameters that no password is known to match: the sign-in of an unknown
/// email verifies against it, so it costs the same argon2id work as a wrong password and the
/// time taken does not tell which accounts exist. A constant, so the first such sign-in costs no
/// extra hash; `needs_rehash` of it is false (a test holds it to today's parameters).
pub fn nobody_hash() -> PasswordHash {
    PasswordHash(
        "$argon2id$v=19$m=19456,t=2,p=1$864NnYhIAKYFK2TW+REnZA$\
         dezQBJa5Yi5594yCJggtewo+keVP8M4eFUtA3CtvGPY"
            .to_owned(),
    )
}

/// Whether `hash` was made with other parameters than today's, so it should be replaced
/// (with [`hash_password`] and `Store::set_password_hash`) after a successful sign-in.
pub fn needs_rehash(hash: &PasswordHash) -> bool {
    let Ok(parsed) = password_hash::PasswordHash::new(&hash.0) else { return true };
    if parsed.algorithm.as_str() != "argon2id" {
        return true;
    }
    match Params::try_from(&parsed) {
        Ok(params) => {
            let current = Params::default();
            params.m_cost() != current.m_cost()
                || params.t_cost() != current.t_cost()
                || params.p_cost() != current.p_cost()
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests;
