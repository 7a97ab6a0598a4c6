//! Key credentials (§2.3–2.5): private keys that sign user actions and public keys that verify
//! them, for the four key types Dfns accepts, loaded from and written to PEM.

use ecdsa::signature::{Signer as _, Verifier as _};
use p256::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _,
    LineEnding, SecretDocument,
};
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use sha2::{Digest as _, Sha256};

use crate::Secret;

/// Why a key could not be loaded or a signature made or checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The PEM is not a P-256, secp256k1, Ed25519 or RSA key in a format Dfns accepts.
    #[error(
        "the key is not a P-256, secp256k1, Ed25519 or RSA key in PEM (PKCS#8, SEC1, SPKI or PKCS#1)"
    )]
    UnsupportedKey,
    /// The signature does not verify against the key.
    #[error("the signature does not match the key and the signed bytes")]
    BadSignature,
    /// The key could not be written out.
    #[error("the key could not be encoded")]
    Encoding,
}

/// The four key types of Key credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// ECDSA over NIST P-256 with SHA-256, DER signatures.
    P256,
    /// ECDSA over secp256k1 with SHA-256, DER signatures.
    Secp256k1,
    /// Ed25519, raw 64-byte signatures.
    Ed25519,
    /// RSA PKCS#1 v1.5 with SHA-256.
    Rsa,
}

/// A private key that signs Key-credential challenges. `Debug` never shows the key.
#[derive(Clone)]
pub struct PrivateKey(PrivateInner);

#[derive(Clone)]
enum PrivateInner {
    P256(P256Key),
    Secp256k1(k256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Rsa(Box<rsa::RsaPrivateKey>),
}

/// A P-256 key held twice: the portable key gives the public key and the PEM/DER forms, AWS-LC's
/// copy of it (already linked for TLS) signs, several times faster than the portable arithmetic.
/// Both give ECDSA with SHA-256 as DER; AWS-LC draws a random nonce where the portable key uses
/// RFC 6979, and either signature verifies the same.
#[derive(Clone)]
struct P256Key {
    key: p256::ecdsa::SigningKey,
    signer: aws_lc_rs::signature::EcdsaKeyPair,
}

impl P256Key {
    fn new(key: p256::ecdsa::SigningKey) -> Self {
        // The key handed over through PKCS#8 DER, zeroed when dropped. A valid P-256 scalar
        // always encodes and AWS-LC always takes it back.
        let pkcs8 = key.to_pkcs8_der().expect("a P-256 key encodes as PKCS#8");
        let signer = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            pkcs8.as_bytes(),
        )
        .expect("AWS-LC loads a valid P-256 key");
        Self { key, signer }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        // AWS-LC draws the nonce itself (the argument is unused); it fails only on an internal
        // error, which leaves nothing to sign with.
        let signature = self
            .signer
            .sign(&aws_lc_rs::rand::SystemRandom::new(), message)
            .expect("AWS-LC signs with a loaded key");
        signature.as_ref().to_vec()
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({:?}, <redacted>)", self.algorithm())
    }
}

impl PrivateKey {
    /// Loads a PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let inner = if let Ok(key) = p256::SecretKey::from_pkcs8_pem(pem) {
            PrivateInner::P256(P256Key::new(key.into()))
        } else if let Ok(key) = k256::SecretKey::from_pkcs8_pem(pem) {
            PrivateInner::Secp256k1(key.into())
        } else if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            PrivateInner::Ed25519(key)
        } else if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
            PrivateInner::Rsa(Box::new(key))
        } else if let Ok(key) = p256::SecretKey::from_sec1_pem(pem) {
            PrivateInner::P256(P256Key::new(key.into()))
        } else if let Ok(key) = k256::SecretKey::from_sec1_pem(pem) {
            PrivateInner::Secp256k1(key.into())
        } else if let Ok(key) = rsa::RsaPrivateKey::from_pkcs1_pem(pem) {
            PrivateInner::Rsa(Box::new(key))
        } else {
            return Err(KeyError::UnsupportedKey);
        };
        Ok(Self(inner))
    }

    /// Loads PKCS#8 DER, the form WebCrypto wraps keys in (recovery kits, §3.6).
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let inner = if let Ok(key) = p256::SecretKey::from_pkcs8_der(der) {
            PrivateInner::P256(P256Key::new(key.into()))
        } else if let Ok(key) = k256::SecretKey::from_pkcs8_der(der) {
            PrivateInner::Secp256k1(key.into())
        } else if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
            PrivateInner::Ed25519(key)
        } else if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
            PrivateInner::Rsa(Box::new(key))
        } else {
            return Err(KeyError::UnsupportedKey);
        };
        Ok(Self(inner))
    }

    /// The key as PKCS#8 DER, zeroed when dropped.
    pub(crate) fn to_pkcs8_der(&self) -> Result<SecretDocument, KeyError> {
        match &self.0 {
            PrivateInner::P256(key) => key.key.to_pkcs8_der(),
            PrivateInner::Secp256k1(key) => key.to_pkcs8_der(),
            PrivateInner::Ed25519(key) => key.to_pkcs8_der(),
            PrivateInner::Rsa(key) => key.to_pkcs8_der(),
        }
        .map_err(|_| KeyError::Encoding)
    }

    /// A new random key. RSA keys are 2048 bits.
    pub fn generate(algorithm: KeyAlgorithm) -> Self {
        let inner = match algorithm {
            KeyAlgorithm::P256 => PrivateInner::P256(P256Key::new(random_scalar(|bytes| {
                p256::ecdsa::SigningKey::from_slice(bytes).ok()
            }))),
            KeyAlgorithm::Secp256k1 => PrivateInner::Secp256k1(random_scalar(|bytes| {
                k256::ecdsa::SigningKey::from_slice(bytes).ok()
            })),
            KeyAlgorithm::Ed25519 => {
                PrivateInner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&random_bytes()))
            }
            KeyAlgorithm::Rsa => {
                let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
                // 2048 is a valid size; failure means no entropy.
                let key = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
                PrivateInner::Rsa(Box::new(key))
            }
        };
        Self(inner)
    }

    /// The key type.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.0 {
            PrivateInner::P256(_) => KeyAlgorithm::P256,
            PrivateInner::Secp256k1(_) => KeyAlgorithm::Secp256k1,
            PrivateInner::Ed25519(_) => KeyAlgorithm::Ed25519,
            PrivateInner::Rsa(_) => KeyAlgorithm::Rsa,
        }
    }

    /// Signs `message` the way Dfns expects for this key type (§2.3).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match &self.0 {
            PrivateInner::P256(key) => key.sign(message),
            PrivateInner::Secp256k1(key) => {
                let signature: k256::ecdsa::Signature = key.sign(message);
                signature.to_der().as_bytes().to_vec()
            }
            PrivateInner::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
            PrivateInner::Rsa(key) => {
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((**key).clone());
                let signature: rsa::pkcs1v15::Signature = signer.sign(message);
                Box::<[u8]>::from(signature).into_vec()
            }
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(match &self.0 {
            PrivateInner::P256(key) => PublicInner::P256(*key.key.verifying_key()),
            PrivateInner::Secp256k1(key) => PublicInner::Secp256k1(*key.verifying_key()),
            PrivateInner::Ed25519(key) => PublicInner::Ed25519(key.verifying_key()),
            PrivateInner::Rsa(key) => PublicInner::Rsa(Box::new(key.to_public_key())),
        })
    }

    /// The key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Result<Secret, KeyError> {
        let pem = match &self.0 {
            PrivateInner::P256(key) => key.key.to_pkcs8_pem(LineEnding::LF),
            PrivateInner::Secp256k1(key) => key.to_pkcs8_pem(LineEnding::LF),
            PrivateInner::Ed25519(key) => key.to_pkcs8_pem(LineEnding::LF),
            PrivateInner::Rsa(key) => key.to_pkcs8_pem(LineEnding::LF),
        }
        .map_err(|_| KeyError::Encoding)?;
        Ok(Secret::new(pem.as_str()))
    }
}

/// A public key that verifies Key-credential signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(PublicInner);

#[derive(Debug, Clone, PartialEq, Eq)]
enum PublicInner {
    P256(p256::ecdsa::VerifyingKey),
    Secp256k1(k256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(Box<rsa::RsaPublicKey>),
}

impl PublicKey {
    /// Loads an SPKI (`PUBLIC KEY`) PEM, or a PKCS#1 (`RSA PUBLIC KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let inner = if let Ok(key) = p256::PublicKey::from_public_key_pem(pem) {
            PublicInner::P256(key.into())
        } else if let Ok(key) = k256::PublicKey::from_public_key_pem(pem) {
            PublicInner::Secp256k1(key.into())
        } else if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            PublicInner::Ed25519(key)
        } else if let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(pem) {
            PublicInner::Rsa(Box::new(key))
        } else if let Ok(key) = rsa::RsaPublicKey::from_pkcs1_pem(pem) {
            PublicInner::Rsa(Box::new(key))
        } else {
            return Err(KeyError::UnsupportedKey);
        };
        Ok(Self(inner))
    }

    /// A key from DER SubjectPublicKeyInfo (as in an X.509 certificate).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let inner = if let Ok(key) = p256::PublicKey::from_public_key_der(der) {
            PublicInner::P256(key.into())
        } else if let Ok(key) = k256::PublicKey::from_public_key_der(der) {
            PublicInner::Secp256k1(key.into())
        } else if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            PublicInner::Ed25519(key)
        } else if let Ok(key) = rsa::RsaPublicKey::from_public_key_der(der) {
            PublicInner::Rsa(Box::new(key))
        } else {
            return Err(KeyError::UnsupportedKey);
        };
        Ok(Self(inner))
    }

    /// A P-256 key from its SEC1 point (`04‖x‖y`).
    pub fn p256_from_sec1(point: &[u8]) -> Result<Self, KeyError> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(|key| Self(PublicInner::P256(key)))
            .map_err(|_| KeyError::UnsupportedKey)
    }

    /// An Ed25519 key from its 32 bytes.
    pub fn ed25519_from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::UnsupportedKey)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(|key| Self(PublicInner::Ed25519(key)))
            .map_err(|_| KeyError::UnsupportedKey)
    }

    /// An RSA key from its big-endian modulus and exponent.
    pub fn rsa_from_components(modulus: &[u8], exponent: &[u8]) -> Result<Self, KeyError> {
        let n = rsa::BoxedUint::from_be_slice_vartime(modulus);
        let e = rsa::BoxedUint::from_be_slice_vartime(exponent);
        rsa::RsaPublicKey::new(n, e)
            .map(|key| Self(PublicInner::Rsa(Box::new(key))))
            .map_err(|_| KeyError::UnsupportedKey)
    }

    /// The key type.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.0 {
            PublicInner::P256(_) => KeyAlgorithm::P256,
            PublicInner::Secp256k1(_) => KeyAlgorithm::Secp256k1,
            PublicInner::Ed25519(_) => KeyAlgorithm::Ed25519,
            PublicInner::Rsa(_) => KeyAlgorithm::Rsa,
        }
    }

    /// Checks `signature` over `message`: ECDSA as DER (raw `r‖s` also accepted, as WebCrypto
    /// produces it), Ed25519 raw, RSA PKCS#1 v1.5, all with SHA-256.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let verified = match &self.0 {
            PublicInner::P256(key) => verify_p256(key, message, signature),
            PublicInner::Secp256k1(key) => k256::ecdsa::Signature::from_der(signature)
                .or_else(|_| k256::ecdsa::Signature::from_slice(signature))
                .is_ok_and(|sig| key.verify(message, &sig).is_ok()),
            PublicInner::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            PublicInner::Rsa(key) => {
                let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new((**key).clone());
                rsa::pkcs1v15::Signature::try_from(signature)
                    .is_ok_and(|sig| verifier.verify(message, &sig).is_ok())
            }
        };
        if verified { Ok(()) } else { Err(KeyError::BadSignature) }
    }

    /// The key as DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        match &self.0 {
            PublicInner::P256(key) => key.to_public_key_der(),
            PublicInner::Secp256k1(key) => key.to_public_key_der(),
            PublicInner::Ed25519(key) => key.to_public_key_der(),
            PublicInner::Rsa(key) => key.to_public_key_der(),
        }
        .map(|document| document.into_vec())
        .map_err(|_| KeyError::Encoding)
    }

    /// The key as SPKI PEM, the form Dfns shows and Key attestations carry.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        match &self.0 {
            PublicInner::P256(key) => key.to_public_key_pem(LineEnding::LF),
            PublicInner::Secp256k1(key) => key.to_public_key_pem(LineEnding::LF),
            PublicInner::Ed25519(key) => key.to_public_key_pem(LineEnding::LF),
            PublicInner::Rsa(key) => key.to_public_key_pem(LineEnding::LF),
        }
        .map_err(|_| KeyError::Encoding)
    }
}

/// Hex SHA-256 of `bytes`, as Key attestations write `clientDataHash`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Draws 32 random bytes until they form a valid scalar (all but a 2^-128 sliver do at once).
fn random_scalar<K>(from_bytes: impl Fn(&[u8]) -> Option<K>) -> K {
    loop {
        if let Some(key) = from_bytes(&random_bytes::<32>()) {
            return key;
        }
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS RNG failing leaves nothing safe to do.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator");
    bytes
}

#[cfg(test)]
mod tests;

/// A P-256 signature, DER or raw `r‖s`, checked by AWS-LC (already linked for TLS): its
/// assembly verifies several times faster than the portable arithmetic, and the emulator checks
/// one on every user action.
fn verify_p256(key: &p256::ecdsa::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_FIXED, UnparsedPublicKey,
    };
    let point = key.to_sec1_point(false);
    let verify = |algorithm| {
        UnparsedPublicKey::new(algorithm, point.as_bytes()).verify(message, signature).is_ok()
    };
    verify(&ECDSA_P256_SHA256_ASN1) || (signature.len() == 64 && verify(&ECDSA_P256_SHA256_FIXED))
}
