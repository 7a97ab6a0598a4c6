//! The secret-store entry of the software passkeys: JSON, base64url for bytes.
//!
//! Two formats are read. Today's (`version` 2) keeps every private key sealed by the PIN and
//! counts wrong PINs; the first format (a bare array, from before PINs) keeps the COSE keys in
//! the clear and is sealed at its next use, once the person sets a PIN.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::{CborSerializable as _, CoseKey};
use passkey_types::{CredentialExtensions, Passkey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::seal::{OpenError, Sealed};
use crate::AuthnError;
use crate::pin::Pin;

const VERSION: u32 = 2;

/// What one entry holds.
#[derive(Debug)]
pub(super) enum Entry {
    /// Nothing yet.
    Empty,
    /// Passkeys from before PINs, keys in the clear.
    Unsealed(Vec<UnsealedPasskey>),
    /// Passkeys sealed by the PIN.
    Sealed(SealedEntry),
}

impl Entry {
    /// Reads the stored bytes; anything unreadable is damaged and must be left as it is.
    pub(super) fn parse(bytes: Option<&[u8]>) -> Result<Self, AuthnError> {
        let Some(bytes) = bytes else { return Ok(Self::Empty) };
        let damaged = |error: serde_json::Error| AuthnError::PasskeyDamaged(error.to_string());
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(damaged)?;
        if value.is_array() {
            return serde_json::from_value(value).map(Self::Unsealed).map_err(damaged);
        }
        let entry: SealedEntry = serde_json::from_value(value).map_err(damaged)?;
        if entry.version != VERSION {
            return Err(AuthnError::PasskeyDamaged(format!(
                "format version {} is not one this Sigil reads",
                entry.version
            )));
        }
        Ok(Self::Sealed(entry))
    }
}

/// Today's entry.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SealedEntry {
    version: u32,
    pub passkeys: Vec<SealedPasskey>,
    #[serde(default)]
    pub wrong_pins: WrongPins,
}

impl SealedEntry {
    pub(super) fn new(passkeys: Vec<SealedPasskey>) -> Self {
        Self { version: VERSION, passkeys, wrong_pins: WrongPins::default() }
    }

    pub(super) fn to_bytes(&self) -> Result<Vec<u8>, AuthnError> {
        serde_json::to_vec(self).map_err(|error| AuthnError::Authenticator(error.to_string()))
    }
}

/// What is known about a passkey besides its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Meta {
    pub credential_id: String,
    pub rp_id: String,
    pub user_handle: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub counter: Option<u32>,
}

impl Meta {
    pub(super) fn of(passkey: &Passkey) -> Self {
        Self {
            credential_id: URL_SAFE_NO_PAD.encode(&*passkey.credential_id),
            rp_id: passkey.rp_id.clone(),
            user_handle: passkey
                .user_handle
                .as_deref()
                .map(|handle| URL_SAFE_NO_PAD.encode(handle)),
            username: passkey.username.clone(),
            display_name: passkey.user_display_name.clone(),
            counter: passkey.counter,
        }
    }

    /// Whether it may answer for `rp_id` with one of `allowed` (raw ids).
    pub(super) fn answers(&self, rp_id: &str, allowed: &[Vec<u8>]) -> bool {
        self.rp_id == rp_id
            && allowed.iter().any(|id| URL_SAFE_NO_PAD.encode(id) == self.credential_id)
    }

    /// The associated data a sealed key is bound to, so a seal moved to another passkey's
    /// record does not open.
    fn seal_context(&self) -> Vec<u8> {
        format!("sigil device passkey v2\0{}\0{}", self.credential_id, self.rp_id).into_bytes()
    }

    fn passkey(&self, key: CoseKey) -> Result<Passkey, AuthnError> {
        let decode = |value: &str| {
            URL_SAFE_NO_PAD
                .decode(value)
                .map_err(|_| AuthnError::PasskeyDamaged(format!("{value:?} is not base64url")))
        };
        Ok(Passkey {
            key,
            credential_id: decode(&self.credential_id)?.into(),
            rp_id: self.rp_id.clone(),
            user_handle: self.user_handle.as_deref().map(decode).transpose()?.map(Into::into),
            username: self.username.clone(),
            user_display_name: self.display_name.clone(),
            counter: self.counter,
            extensions: CredentialExtensions { hmac_secret: None },
        })
    }
}

/// A passkey of the first format: its COSE key in the clear.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct UnsealedPasskey {
    #[serde(flatten)]
    pub meta: Meta,
    key: String,
}

impl UnsealedPasskey {
    /// The same passkey with its key sealed by `pin`.
    pub(super) fn seal(&self, pin: &Pin) -> Result<SealedPasskey, AuthnError> {
        let key =
            Zeroizing::new(URL_SAFE_NO_PAD.decode(&self.key).map_err(|_| {
                AuthnError::PasskeyDamaged("a stored key is not base64url".to_owned())
            })?);
        CoseKey::from_slice(&key)
            .map_err(|_| AuthnError::PasskeyDamaged("a stored key is not a COSE key".to_owned()))?;
        let sealed = Sealed::seal(pin, &key, &self.meta.seal_context())?;
        Ok(SealedPasskey { meta: self.meta.clone(), sealed })
    }
}

/// A passkey whose COSE key is sealed by the PIN.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SealedPasskey {
    #[serde(flatten)]
    pub meta: Meta,
    sealed: Sealed,
}

impl SealedPasskey {
    /// `passkey` (just made) with its key sealed by `pin`.
    pub(super) fn new(passkey: &Passkey, pin: &Pin) -> Result<Self, AuthnError> {
        let meta = Meta::of(passkey);
        let key = Zeroizing::new(
            passkey
                .key
                .clone()
                .to_vec()
                .map_err(|error| AuthnError::Authenticator(error.to_string()))?,
        );
        let sealed = Sealed::seal(pin, &key, &meta.seal_context())?;
        Ok(Self { meta, sealed })
    }

    /// The passkey with its key, if `pin` opens it. A wrong PIN is `Ok(None)`.
    pub(super) fn open(&self, pin: &Pin) -> Result<Option<Passkey>, AuthnError> {
        match self.sealed.open(pin, &self.meta.seal_context()) {
            Ok(key) => {
                let key = CoseKey::from_slice(&key).map_err(|_| {
                    AuthnError::PasskeyDamaged("a sealed key is not a COSE key".to_owned())
                })?;
                self.meta.passkey(key).map(Some)
            }
            Err(OpenError::WrongPin) => Ok(None),
            Err(OpenError::Damaged(reason)) => Err(AuthnError::PasskeyDamaged(reason)),
        }
    }
}

/// Wrong PINs given in a row, and when the last one was. After [`WrongPins::FREE`] of them,
/// each further try waits: 30 s, doubling with every wrong PIN, at most an hour. The count and
/// time live in the keyring entry, so restarting Sigil does not reset them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct WrongPins {
    count: u32,
    /// Seconds since the Unix epoch.
    last: Option<u64>,
}

impl WrongPins {
    /// Wrong PINs that cost no wait (typos).
    pub(super) const FREE: u32 = 3;
    const FIRST_WAIT: Duration = Duration::from_secs(30);
    const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

    /// How long to wait before the next try, at `now`.
    pub(super) fn wait(&self, now: SystemTime) -> Option<Duration> {
        let delay = self.delay();
        let last = UNIX_EPOCH + Duration::from_secs(self.last?);
        // A clock set back (or a time in the future) counts as no time passed.
        let elapsed = now.duration_since(last).unwrap_or_default();
        delay.checked_sub(elapsed).filter(|wait| !wait.is_zero())
    }

    /// Wrong tries left before waits begin, if any.
    pub(super) fn tries_left(&self) -> Option<u32> {
        Some(Self::FREE.saturating_sub(self.count)).filter(|left| *left > 0)
    }

    /// One more wrong PIN at `now`.
    pub(super) fn record(&mut self, now: SystemTime) {
        self.count = self.count.saturating_add(1);
        self.last = Some(now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs());
    }

    /// Whether any wrong PIN is counted.
    pub(super) fn any(&self) -> bool {
        self.count > 0
    }

    fn delay(&self) -> Duration {
        let Some(beyond) = self.count.checked_sub(Self::FREE) else { return Duration::ZERO };
        let factor = 1u32.checked_shl(beyond).unwrap_or(u32::MAX);
        Self::FIRST_WAIT.saturating_mul(factor).min(Self::LONGEST_WAIT)
    }
}
