//! Secrets and where their randomness comes from.
//!
//! Login codes and session tokens are 32 random bytes from the operating system, written as
//! base64url without padding (43 characters). The caller gets the secret once; the database keeps
//! only its SHA-256, so a copy of the database signs nobody in.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::store::error::{Result, StoreError};

/// Where random bytes come from: the operating system unless a test injects something else.
pub trait RandomSource: Send + Sync + fmt::Debug {
    /// Fills `bytes` with random bytes.
    fn fill(&self, bytes: &mut [u8]) -> Result<()>;
}

/// The operating system's random number generator (`getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, bytes: &mut [u8]) -> Result<()> {
        getrandom::fill(bytes).map_err(|error| StoreError::Randomness(error.to_string()))
    }
}

/// Defines a secret string type: `Debug` never shows it, memory is wiped on drop.
macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a secret received from outside (a request body, a Dfns reply).
            pub fn new(secret: impl Into<String>) -> Self {
                Self(Zeroizing::new(secret.into()))
            }

            /// The secret itself: only to hand it to its owner, or to send it where it belongs.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

secret_string!(
    /// A one-time deep-link login code (sent in `sigil://auth/callback?code=…`).
    LoginCode
);
secret_string!(
    /// A session token: the app's bearer token or the website's cookie value.
    SessionToken
);
secret_string!(
    /// The short-lived temporary token Dfns returns with a delegated registration or recovery
    /// challenge; it is needed to complete it.
    DfnsTemporaryToken
);
secret_string!(
    /// What the browser holds between the recovery check's password and its emailed code: it
    /// names the code and salts its hash.
    EmailTicket
);
secret_string!(
    /// A 6-digit one-time code sent by email.
    EmailCode
);

/// 32 random bytes as base64url without padding.
pub(crate) fn random_token(random: &dyn RandomSource) -> Result<Zeroizing<String>> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    random.fill(bytes.as_mut())?;
    Ok(Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())))
}

/// `n` random bytes as lower-case hex (for identifiers).
pub(crate) fn random_hex(random: &dyn RandomSource, n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    random.fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Whether two secrets (or their hashes) are equal, in a time that does not depend on where
/// they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hex SHA-256 of a secret: what the database stores and looks secrets up by.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests;
