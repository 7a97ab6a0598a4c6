//! A software passkey's private key sealed by the person's PIN: argon2id turns the PIN and a
//! random salt into a 256-bit key, XChaCha20-Poly1305 encrypts the COSE key under it, bound to
//! the credential it belongs to. Only the PIN opens it: the keyring entry alone signs nothing.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::AuthnError;
use crate::pin::Pin;

/// The argon2id cost of a new seal: 64 MiB of memory, 3 passes, 1 lane (the `argon2` crate
/// computes lanes one after the other, so more lanes would only add time). That is RFC 9106's
/// second recommended setting with one lane: a whole device-passkey signature took a median of
/// 282 ms on this project's 2-core test machine (`make bench-authn`), nearly all of it argon2id.
/// Quick enough for every signature; slow enough that trying all 10⁶ six-digit PINs against a
/// copied keyring entry costs about 80 core-hours and 64 MiB per guess in flight. The
/// parameters are stored with each seal, so raising them later keeps old seals readable.
pub(super) const KDF: Kdf = Kdf { memory_kib: 64 * 1024, iterations: 3, lanes: 1 };

/// The bounds a stored seal's parameters must stay in. Anything outside is a damaged (or
/// hostile) entry: a huge memory cost would stall the app, a tiny one would not protect.
const MIN_MEMORY_KIB: u32 = 19 * 1024;
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 16;
const MAX_LANES: u32 = 8;

const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// Argon2id parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Kdf {
    /// Memory, in KiB.
    #[serde(rename = "m")]
    pub memory_kib: u32,
    /// Passes over the memory.
    #[serde(rename = "t")]
    pub iterations: u32,
    /// Lanes.
    #[serde(rename = "p")]
    pub lanes: u32,
}

impl Kdf {
    fn argon2(self) -> Result<Argon2<'static>, String> {
        let sane = (MIN_MEMORY_KIB..=MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (1..=MAX_ITERATIONS).contains(&self.iterations)
            && (1..=MAX_LANES).contains(&self.lanes);
        if !sane {
            return Err(format!("unusable key-derivation parameters {self:?}"));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, Some(KEY_LEN))
            .map_err(|error| error.to_string())?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A sealed secret as stored: the argon2id parameters, salt, nonce and ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Sealed {
    kdf: Kdf,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// Why a seal did not open.
#[derive(Debug)]
pub(super) enum OpenError {
    /// The PIN is not the one it was sealed with (or the ciphertext was changed).
    WrongPin,
    /// The stored seal cannot be used at all.
    Damaged(String),
}

impl Sealed {
    /// Seals `secret` with `pin`, bound to `context` (the credential it belongs to).
    pub(super) fn seal(pin: &Pin, secret: &[u8], context: &[u8]) -> Result<Self, AuthnError> {
        let salt = random::<SALT_LEN>()?;
        let nonce = random::<NONCE_LEN>()?;
        let key = derive(KDF, pin, &salt).map_err(AuthnError::Authenticator)?;
        let ciphertext = cipher(&key)
            .encrypt(&XNonce::from(nonce), Payload { msg: secret, aad: context })
            .map_err(|_| AuthnError::Authenticator("the passkey could not be sealed".to_owned()))?;
        Ok(Self {
            kdf: KDF,
            salt: URL_SAFE_NO_PAD.encode(salt),
            nonce: URL_SAFE_NO_PAD.encode(nonce),
            ciphertext: URL_SAFE_NO_PAD.encode(ciphertext),
        })
    }

    /// The secret, if `pin` is the one it was sealed with and `context` the same.
    pub(super) fn open(&self, pin: &Pin, context: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let decode = |field: &str, value: &str| {
            URL_SAFE_NO_PAD.decode(value).map_err(|_| {
                OpenError::Damaged(format!("the sealed key's {field} is not base64url"))
            })
        };
        let salt = decode("salt", &self.salt)?;
        let nonce = XNonce::try_from(decode("nonce", &self.nonce)?.as_slice()).map_err(|_| {
            OpenError::Damaged("the sealed key's nonce has the wrong size".to_owned())
        })?;
        let ciphertext = decode("ciphertext", &self.ciphertext)?;
        if salt.len() < SALT_LEN {
            return Err(OpenError::Damaged("the sealed key's salt is too short".to_owned()));
        }
        let key = derive(self.kdf, pin, &salt).map_err(OpenError::Damaged)?;
        cipher(&key)
            .decrypt(&nonce, Payload { msg: &ciphertext, aad: context })
            .map(Zeroizing::new)
            .map_err(|_| OpenError::WrongPin)
    }
}

fn derive(kdf: Kdf, pin: &Pin, salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, String> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    kdf.argon2()?
        .hash_password_into(pin.expose(), salt, key.as_mut())
        .map_err(|error| error.to_string())?;
    Ok(key)
}

fn cipher(key: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&(*key).into())
}

fn random<const N: usize>() -> Result<[u8; N], AuthnError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|error| AuthnError::Authenticator(format!("no randomness: {error}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests;
