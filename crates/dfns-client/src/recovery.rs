//! The Dfns recovery kit (§3.6): a P-256 recovery key whose PKCS#8 private key is wrapped with a
//! key derived from a recovery code (`D1-…`), so Dfns can keep the wrapped key and only the person
//! holding the code can use it.
//!
//! The format is the one of the official browser SDK's recovery signer
//! (`packages/sdk-browser/signers/recovery.ts` and `worker/isolatedKey.ts` in dfns/dfns-sdk-ts),
//! so a kit made here opens with Dfns's own tools and the other way round:
//!
//! * code: `D1-` then 32 characters of `ABCDEFGHJKLMNPQRSTUVWXYZ23456789` in groups of
//!   6-5-5-5-5-6, e.g. `D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789`;
//! * salt: SHA-256 of the UTF-8 of `lower(trim(username))`;
//! * wrapping key: PBKDF2-HMAC-SHA-256 of the code's UTF-8 (dashes and prefix included), 100 000
//!   rounds, 32 bytes;
//! * wrapped key: AES-256-GCM with a random 16-byte IV and a 16-byte tag over the PKCS#8 DER
//!   private key (WebCrypto's `wrapKey('pkcs8', …)`);
//! * `encryptedPrivateKey`: standard base64 of the JSON `{"iv": base64(iv), "key":
//!   base64(ciphertext ‖ tag)}`;
//! * credential id: base64url of SHA-256 of the public key's SPKI DER.

use aes_gcm::aead::Aead as _;
use aes_gcm::aead::array::Array;
use aes_gcm::aead::consts::U16;
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::keys::{KeyAlgorithm, KeyError, PrivateKey, PublicKey};
use crate::models::{AllowedRecoveryCredential, CredentialKind, NewCredential, RecoveryAssertion};
use crate::{KeySigner, Secret};

const CODE_PREFIX: &str = "D1-";
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const GROUPS: [usize; 6] = [6, 5, 5, 5, 5, 6];
const CODE_CHARS: usize = 32;
const PBKDF2_ROUNDS: u32 = 100_000;
const IV_BYTES: usize = 16;

/// AES-256-GCM with the 16-byte IV the official signer uses (WebCrypto takes any IV length).
type KitCipher = AesGcm<Aes256, U16>;

/// Why a recovery kit could not be made or opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecoveryKitError {
    /// The text is not a recovery code (`D1-` and 32 characters of the code alphabet).
    #[error("this is not a recovery code: it starts with D1- and has 32 letters and digits")]
    MalformedCode,
    /// The wrapped key is not the kit's `{iv, key}` envelope.
    #[error("the wrapped recovery key is damaged: {0}")]
    MalformedKit(&'static str),
    /// No offered kit opens with this code and username.
    #[error("the recovery code does not open this account's recovery key")]
    WrongCode,
    /// The challenge offers no recovery credential to open.
    #[error("the recovery challenge offers no recovery key")]
    NoRecoveryCredential,
    /// The key could not be encoded, or the unwrapped key is not one Dfns accepts.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// A recovery code. `Debug` never shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCode(Secret);

impl RecoveryCode {
    /// A new random code (160 bits).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; CODE_CHARS]);
        // Without entropy no code is safe to hand out.
        getrandom::fill(bytes.as_mut_slice())
            .expect("the operating system's random number generator");
        // 256 is a multiple of 32: taking each byte modulo 32 keeps every character equally likely.
        let chars: Zeroizing<Vec<u8>> =
            Zeroizing::new(bytes.iter().map(|byte| ALPHABET[usize::from(byte % 32)]).collect());
        Self::from_chars(&chars)
    }

    /// Reads a code as a person types it back: any case, with or without the dashes and spaces.
    pub fn parse(text: &str) -> Result<Self, RecoveryKitError> {
        let upper = Zeroizing::new(text.trim().to_ascii_uppercase());
        let body = upper.strip_prefix("D1").ok_or(RecoveryKitError::MalformedCode)?;
        let chars: Zeroizing<Vec<u8>> =
            Zeroizing::new(body.bytes().filter(|byte| !matches!(byte, b'-' | b' ')).collect());
        if chars.len() != CODE_CHARS || !chars.iter().all(|byte| ALPHABET.contains(byte)) {
            return Err(RecoveryKitError::MalformedCode);
        }
        Ok(Self::from_chars(&chars))
    }

    /// The code in its canonical form, `D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX`.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// `D1-` and the 32 characters in their groups.
    fn from_chars(chars: &[u8]) -> Self {
        let mut text = String::from(CODE_PREFIX);
        let mut rest = chars;
        for (index, size) in GROUPS.into_iter().enumerate() {
            if index > 0 {
                text.push('-');
            }
            let (group, tail) = rest.split_at(size);
            text.extend(group.iter().map(|byte| char::from(*byte)));
            rest = tail;
        }
        Self(Secret::new(text))
    }
}

/// A recovery key: the credential Dfns knows (`credId`, public key, wrapped private key) and,
/// once made or opened, the private key that signs a recovery.
#[derive(Debug, Clone)]
pub struct RecoveryKey {
    signer: KeySigner,
    encrypted_private_key: String,
}

impl RecoveryKey {
    /// A new recovery key for `username`, wrapped with a new code. Show the code once: it is the
    /// only way to open the kit again.
    pub fn create(username: &str) -> Result<(Self, RecoveryCode), RecoveryKitError> {
        let code = RecoveryCode::generate();
        let key = PrivateKey::generate(KeyAlgorithm::P256);
        let wrapping = wrapping_key(&code, username);
        let encrypted_private_key = seal(&wrapping, key.to_pkcs8_der()?.as_bytes());
        let spki = key.public_key().to_spki_der()?;
        let credential_id = URL_SAFE_NO_PAD.encode(Sha256::digest(&spki));
        Ok((Self { signer: KeySigner::new(credential_id, key), encrypted_private_key }, code))
    }

    /// Opens the kit among `offered` (a recovery challenge's `allowedRecoveryCredentials`) that
    /// `code` unwraps for `username`.
    pub fn open(
        username: &str,
        code: &RecoveryCode,
        offered: &[AllowedRecoveryCredential],
    ) -> Result<Self, RecoveryKitError> {
        if offered.is_empty() {
            return Err(RecoveryKitError::NoRecoveryCredential);
        }
        // One derivation serves every kit: the code and the salt are the same.
        let wrapping = wrapping_key(code, username);
        let (mut locked, mut damaged) = (false, None);
        for credential in offered {
            match unseal(&wrapping, &credential.encrypted_recovery_key) {
                Ok(der) => {
                    let key = PrivateKey::from_pkcs8_der(&der)?;
                    return Ok(Self {
                        signer: KeySigner::new(credential.id.clone(), key),
                        encrypted_private_key: credential.encrypted_recovery_key.clone(),
                    });
                }
                Err(RecoveryKitError::WrongCode) => locked = true,
                Err(error) => damaged = Some(error),
            }
        }
        // "Damaged" only when every kit is: a kit that stayed locked points at the code.
        Err(damaged.filter(|_| !locked).unwrap_or(RecoveryKitError::WrongCode))
    }

    /// The credential id (`credId`) Dfns knows this key by.
    pub fn credential_id(&self) -> &str {
        self.signer.cred_id()
    }

    /// The public key Dfns verifies the recovery with.
    pub fn public_key(&self) -> PublicKey {
        self.signer.public_key()
    }

    /// The wrapped private key, Dfns's `encryptedPrivateKey`.
    pub fn encrypted_private_key(&self) -> &str {
        &self.encrypted_private_key
    }

    /// This key as a new `RecoveryKey` credential answering `challenge` (registration, a new
    /// credential, or the new credentials of a recovery), with its wrapped private key.
    pub fn new_credential(
        &self,
        challenge: &str,
        name: Option<String>,
    ) -> Result<NewCredential, KeyError> {
        Ok(NewCredential {
            credential_kind: CredentialKind::RecoveryKey,
            credential_info: self.signer.credential_info(challenge)?,
            credential_name: name,
            encrypted_private_key: Some(self.encrypted_private_key.clone()),
        })
    }

    /// Signs a recovery challenge (`key.get` over the challenge, the newest official form).
    pub fn sign(&self, challenge: &str) -> RecoveryAssertion {
        RecoveryAssertion::RecoveryKey { credential_assertion: self.signer.assert(challenge) }
    }
}

/// PBKDF2-HMAC-SHA-256 of the code, salted with SHA-256 of `lower(trim(username))`.
fn wrapping_key(code: &RecoveryCode, username: &str) -> Zeroizing<[u8; 32]> {
    // Lowercase then trim, in the official order (JavaScript's toLowerCase().trim()).
    let salt = Sha256::digest(username.to_lowercase().trim().as_bytes());
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(
        code.expose().as_bytes(),
        &salt,
        PBKDF2_ROUNDS,
        key.as_mut_slice(),
    );
    key
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    iv: String,
    key: String,
}

fn seal(wrapping: &[u8; 32], plaintext: &[u8]) -> String {
    let mut iv = [0u8; IV_BYTES];
    // Without entropy the IV could repeat under the same key.
    getrandom::fill(&mut iv).expect("the operating system's random number generator");
    let cipher = KitCipher::new(&Array::from(*wrapping));
    // AES-GCM encryption of a few hundred bytes cannot fail.
    let sealed = cipher.encrypt(&Array::from(iv), plaintext).expect("AES-GCM encrypts");
    let envelope = Envelope { iv: STANDARD.encode(iv), key: STANDARD.encode(sealed) };
    // Two strings always serialise.
    STANDARD.encode(serde_json::to_vec(&envelope).expect("the envelope serialises"))
}

fn unseal(wrapping: &[u8; 32], encrypted: &str) -> Result<Zeroizing<Vec<u8>>, RecoveryKitError> {
    let envelope = decode_base64(encrypted).ok_or(RecoveryKitError::MalformedKit("not base64"))?;
    let envelope: Envelope = serde_json::from_slice(&envelope)
        .map_err(|_| RecoveryKitError::MalformedKit("not an {iv, key} envelope"))?;
    let iv = decode_base64(&envelope.iv).ok_or(RecoveryKitError::MalformedKit("iv"))?;
    let iv: [u8; IV_BYTES] =
        iv.try_into().map_err(|_| RecoveryKitError::MalformedKit("the iv is not 16 bytes"))?;
    let sealed = decode_base64(&envelope.key).ok_or(RecoveryKitError::MalformedKit("key"))?;
    let cipher = KitCipher::new(&Array::from(*wrapping));
    // The tag fails for a wrong code and for a wrong username alike.
    let plaintext = cipher
        .decrypt(&Array::from(iv), sealed.as_slice())
        .map_err(|_| RecoveryKitError::WrongCode)?;
    Ok(Zeroizing::new(plaintext))
}

/// Standard base64 as the official code writes it (padded); unpadded and URL-safe forms are read
/// too, since the field passes through other tools.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .ok()
}

#[cfg(test)]
mod tests;
