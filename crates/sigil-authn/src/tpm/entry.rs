//! The secret-store entry of the TPM passkeys: JSON, base64url for bytes. It holds no secret a
//! program could use by itself: the private keys are blobs only this computer's TPM can load,
//! and only with the PIN.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::chip::KeyBlob;
use crate::AuthnError;

const VERSION: u32 = 1;

/// Every TPM passkey of one entry.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct TpmEntry {
    version: u32,
    pub credentials: Vec<TpmCredential>,
}

impl TpmEntry {
    /// Reads the stored bytes; anything unreadable is damaged and must be left as it is.
    pub(super) fn parse(bytes: Option<&[u8]>) -> Result<Self, AuthnError> {
        let Some(bytes) = bytes else {
            return Ok(Self { version: VERSION, credentials: Vec::new() });
        };
        let entry: Self = serde_json::from_slice(bytes)
            .map_err(|error| AuthnError::PasskeyDamaged(error.to_string()))?;
        if entry.version != VERSION {
            return Err(AuthnError::PasskeyDamaged(format!(
                "format version {} is not one this Sigil reads",
                entry.version
            )));
        }
        Ok(entry)
    }

    pub(super) fn to_bytes(&self) -> Result<Vec<u8>, AuthnError> {
        serde_json::to_vec(self).map_err(|error| AuthnError::Authenticator(error.to_string()))
    }

    /// The index of the first passkey that may answer for `rp_id` with one of `allowed` (with
    /// any id when `None`).
    pub(super) fn find(&self, rp_id: &str, allowed: Option<&[Vec<u8>]>) -> Option<usize> {
        self.credentials.iter().position(|credential| {
            credential.rp_id == rp_id
                && allowed.is_none_or(|allowed| {
                    allowed.iter().any(|id| URL_SAFE_NO_PAD.encode(id) == credential.credential_id)
                })
        })
    }

    /// The passkey with `credential_id` (raw).
    pub(super) fn get_mut(&mut self, credential_id: &[u8]) -> Option<&mut TpmCredential> {
        let id = URL_SAFE_NO_PAD.encode(credential_id);
        self.credentials.iter_mut().find(|credential| credential.credential_id == id)
    }
}

/// One TPM passkey.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct TpmCredential {
    credential_id: String,
    pub rp_id: String,
    user_handle: String,
    /// TPM2B_PUBLIC, marshalled.
    public: String,
    /// TPM2B_PRIVATE: the private key as the TPM encrypted it.
    private: String,
    /// Wrong PINs given in a row; Sigil stops at its own limit, before the chip would lock.
    #[serde(default)]
    pub wrong_pins: u32,
}

impl TpmCredential {
    pub(super) fn new(
        credential_id: &[u8],
        rp_id: &str,
        user_handle: &[u8],
        blob: &KeyBlob,
    ) -> Self {
        Self {
            credential_id: URL_SAFE_NO_PAD.encode(credential_id),
            rp_id: rp_id.to_owned(),
            user_handle: URL_SAFE_NO_PAD.encode(user_handle),
            public: URL_SAFE_NO_PAD.encode(&blob.public),
            private: URL_SAFE_NO_PAD.encode(&blob.private),
            wrong_pins: 0,
        }
    }

    pub(super) fn credential_id(&self) -> Result<Vec<u8>, AuthnError> {
        decode("credential id", &self.credential_id)
    }

    pub(super) fn user_handle(&self) -> Result<Vec<u8>, AuthnError> {
        decode("user handle", &self.user_handle)
    }

    pub(super) fn blob(&self) -> Result<KeyBlob, AuthnError> {
        Ok(KeyBlob {
            public: decode("public part", &self.public)?,
            private: decode("key blob", &self.private)?,
        })
    }
}

fn decode(field: &str, value: &str) -> Result<Vec<u8>, AuthnError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| AuthnError::PasskeyDamaged(format!("the passkey's {field} is not base64url")))
}
