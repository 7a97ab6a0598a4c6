//! Wallet keys: generated here from the operating system's generator, used only inside the
//! emulator, and stored sealed with a vault key that lives in the data dir (never in the
//! database, so a copied database alone reveals no wallet key).

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize as _, Zeroizing};

use super::networks::Curve;
use crate::ids::random_bytes;

#[cfg(test)]
mod tests;

/// The vault key's file in the data dir.
pub const VAULT_KEY_FILE: &str = "wallet-keys.key";

/// Binds every sealed key to its purpose and format version, so a ciphertext made for anything
/// else with the same vault key can never be opened as a wallet key.
const SEAL_AAD: &[u8] = b"dfns-emulator wallet key v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Curve tag ‖ 32-byte secret.
const PLAINTEXT_LEN: usize = 33;
const SEALED_LEN: usize = NONCE_LEN + PLAINTEXT_LEN + TAG_LEN;

const TAG_SECP256K1: u8 = 1;
const TAG_ED25519: u8 = 2;

/// A wallet's private key. Its `Debug` shows the curve and public key only.
pub struct KeyPair(Inner);

enum Inner {
    Secp256k1(k256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl KeyPair {
    /// A new random key on `curve`.
    pub fn generate(curve: Curve) -> Self {
        loop {
            let secret = random_secret();
            // Only secp256k1 can refuse bytes (zero or ≥ the group order, odds about 2⁻¹²⁸).
            if let Some(key) = Self::from_secret(curve, &secret) {
                return key;
            }
        }
    }

    /// The key whose secret is `secret`: a secp256k1 scalar (big-endian) or an ed25519 seed.
    /// `None` if the bytes are not a valid secp256k1 scalar.
    pub(crate) fn from_secret(curve: Curve, secret: &[u8; 32]) -> Option<Self> {
        match curve {
            Curve::Secp256k1 => k256::ecdsa::SigningKey::from_slice(secret)
                .ok()
                .map(|key| Self(Inner::Secp256k1(key))),
            Curve::Ed25519 => {
                Some(Self(Inner::Ed25519(ed25519_dalek::SigningKey::from_bytes(secret))))
            }
        }
    }

    /// The key's curve.
    pub fn curve(&self) -> Curve {
        match &self.0 {
            Inner::Secp256k1(_) => Curve::Secp256k1,
            Inner::Ed25519(_) => Curve::Ed25519,
        }
    }

    /// The public key as Dfns shows it (`signingKey.publicKey`): lower-case hex without `0x`.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.public_key_bytes())
    }

    /// The public key: compressed SEC1 (33 bytes) for secp256k1, 32 bytes for ed25519.
    pub fn public_key_bytes(&self) -> Vec<u8> {
        match &self.0 {
            Inner::Secp256k1(key) => key.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
            Inner::Ed25519(key) => key.verifying_key().to_bytes().to_vec(),
        }
    }

    /// The secp256k1 signing key, if this is one.
    pub(crate) fn secp256k1(&self) -> Option<&k256::ecdsa::SigningKey> {
        match &self.0 {
            Inner::Secp256k1(key) => Some(key),
            Inner::Ed25519(_) => None,
        }
    }

    /// The ed25519 signing key, if this is one.
    pub(crate) fn ed25519(&self) -> Option<&ed25519_dalek::SigningKey> {
        match &self.0 {
            Inner::Ed25519(key) => Some(key),
            Inner::Secp256k1(_) => None,
        }
    }

    /// The curve tag and the secret, as sealed.
    fn plaintext(&self) -> Zeroizing<[u8; PLAINTEXT_LEN]> {
        let mut plaintext = Zeroizing::new([0u8; PLAINTEXT_LEN]);
        match &self.0 {
            Inner::Secp256k1(key) => {
                plaintext[0] = TAG_SECP256K1;
                let mut secret = key.to_bytes();
                plaintext[1..].copy_from_slice(&secret);
                secret[..].zeroize();
            }
            Inner::Ed25519(key) => {
                plaintext[0] = TAG_ED25519;
                plaintext[1..].copy_from_slice(&Zeroizing::new(key.to_bytes())[..]);
            }
        }
        plaintext
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("curve", &self.curve())
            .field("public_key", &self.public_key_hex())
            .finish_non_exhaustive()
    }
}

/// The key that seals wallet keys at rest. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Vault(Zeroizing<[u8; 32]>);

impl Vault {
    /// Opens DIR/wallet-keys.key (32 random bytes, created with mode 0600 if absent; a file of
    /// the wrong size is an error, never silently replaced: keys sealed with the old vault key
    /// would be lost for good).
    pub fn open_or_create(data_dir: &Path) -> Result<Self, VaultError> {
        let path = data_dir.join(VAULT_KEY_FILE);
        match read_key_file(&path)? {
            Some(vault) => Ok(vault),
            None => match create_key_file(&path) {
                Ok(vault) => Ok(vault),
                // Another process created it between our read and our create: use theirs.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    read_key_file(&path)?
                        .ok_or_else(|| VaultError::Io { path: path.clone(), source: error })
                }
                Err(source) => Err(VaultError::Io { path, source }),
            },
        }
    }

    /// Seals a key: random nonce ‖ XChaCha20-Poly1305 ciphertext of (curve tag ‖ 32-byte
    /// secret), authenticated, so any change to the stored bytes is detected on opening.
    pub fn seal(&self, key: &KeyPair) -> Vec<u8> {
        let nonce = XNonce::from(random_bytes::<NONCE_LEN>());
        let plaintext = key.plaintext();
        // XChaCha20-Poly1305 only refuses messages longer than 2³⁸ bytes; this one is 33.
        let ciphertext = self
            .cipher()
            .encrypt(&nonce, Payload { msg: &plaintext[..], aad: SEAL_AAD })
            .expect("a 33-byte message is within the AEAD's limits");
        let mut sealed = Vec::with_capacity(SEALED_LEN);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Opens what [`Vault::seal`] produced with this vault key.
    pub fn open(&self, sealed: &[u8]) -> Result<KeyPair, VaultError> {
        if sealed.len() != SEALED_LEN {
            return Err(VaultError::Decrypt);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| VaultError::Decrypt)?;
        let plaintext = Zeroizing::new(
            self.cipher()
                .decrypt(&nonce, Payload { msg: ciphertext, aad: SEAL_AAD })
                .map_err(|_| VaultError::Decrypt)?,
        );
        let curve = match plaintext[0] {
            TAG_SECP256K1 => Curve::Secp256k1,
            TAG_ED25519 => Curve::Ed25519,
            _ => return Err(VaultError::InvalidKey),
        };
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&plaintext[1..]);
        KeyPair::from_secret(curve, &secret).ok_or(VaultError::InvalidKey)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault(..)")
    }
}

/// Why the vault key could not be loaded or a sealed key could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The key file could not be read or created.
    #[error("wallet key file {path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The key file exists but is not 32 bytes long; it is left as it is.
    #[error(
        "wallet key file {path} is {len} bytes long, expected 32; it was left untouched: \
         restore the original file (keys sealed with another key cannot be opened)"
    )]
    WrongSize {
        /// The key file.
        path: PathBuf,
        /// Its length.
        len: u64,
    },
    /// The sealed key does not open: another vault key sealed it, or it was altered.
    #[error("a sealed wallet key does not decrypt: wrong vault key or altered data")]
    Decrypt,
    /// The sealed key decrypts but does not hold a valid key.
    #[error("a sealed wallet key decrypts to an invalid key")]
    InvalidKey,
}

/// The vault in `path`, `None` if the file does not exist.
fn read_key_file(path: &Path) -> Result<Option<Vault>, VaultError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(VaultError::Io { path: path.to_owned(), source });
        }
    };
    let key = <[u8; 32]>::try_from(&bytes[..])
        .map_err(|_| VaultError::WrongSize { path: path.to_owned(), len: bytes.len() as u64 })?;
    Ok(Some(Vault(Zeroizing::new(key))))
}

/// Creates `path` with a new random key, failing if it already exists.
fn create_key_file(path: &Path) -> std::io::Result<Vault> {
    let key = Zeroizing::new(random_bytes::<32>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Owner-only from the first byte: the key never sits in a world-readable file.
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(&key[..])?;
    // Durable before any key is sealed with it.
    file.sync_all()?;
    Ok(Vault(key))
}

fn random_secret() -> Zeroizing<[u8; 32]> {
    Zeroizing::new(random_bytes::<32>())
}
