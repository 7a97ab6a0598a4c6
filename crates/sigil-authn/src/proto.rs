//! Glue for the backends built on webauthn-authenticator-rs (test token, security keys,
//! Windows Hello): client data we hash ourselves, the library's request and response types,
//! and its errors in ours.

use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};
use url::Url;
use webauthn_authenticator_rs::prelude::{
    PublicKeyCredential, RegisterPublicKeyCredential, WebauthnCError,
};

use crate::webauthn::{CreatedCredential, SignedAssertion, client_data_json};
use crate::{AuthnError, PinBlock};

/// The clientDataJSON of a ceremony and its SHA-256, which CTAP2 authenticators sign.
pub(crate) struct ClientData {
    pub json: Vec<u8>,
    pub hash: Vec<u8>,
}

impl ClientData {
    pub fn new(kind: &str, challenge: &[u8], origin: &Url) -> Self {
        let json = client_data_json(kind, challenge, origin);
        let hash = Sha256::digest(&json).to_vec();
        Self { json, hash }
    }
}

/// One of the library's request types, from our WebAuthn JSON.
pub(crate) fn parse<R: DeserializeOwned>(json: serde_json::Value) -> Result<R, AuthnError> {
    serde_json::from_value(json).map_err(|error| AuthnError::InvalidChallenge(error.to_string()))
}

/// A new credential; `client_data` is ours, or `None` to keep the one the platform wrote.
pub(crate) fn created(
    credential: &RegisterPublicKeyCredential,
    client_data: Option<Vec<u8>>,
) -> CreatedCredential {
    CreatedCredential {
        credential_id: credential.raw_id.to_vec(),
        client_data_json: client_data
            .unwrap_or_else(|| credential.response.client_data_json.to_vec()),
        attestation_object: credential.response.attestation_object.to_vec(),
    }
}

/// An assertion; `client_data` as for [`created`].
pub(crate) fn signed(
    credential: &PublicKeyCredential,
    client_data: Option<Vec<u8>>,
) -> SignedAssertion {
    SignedAssertion {
        credential_id: credential.raw_id.to_vec(),
        client_data_json: client_data
            .unwrap_or_else(|| credential.response.client_data_json.to_vec()),
        authenticator_data: credential.response.authenticator_data.to_vec(),
        signature: credential.response.signature.to_vec(),
        user_handle: credential.response.user_handle.as_ref().map(|handle| handle.to_vec()),
    }
}

/// CTAP status codes (CTAP 2.1 §8.2) that mean something to the person.
const CREDENTIAL_EXCLUDED: u8 = 0x19;
const OPERATION_DENIED: u8 = 0x27;
const NO_CREDENTIALS: u8 = 0x2E;
const PIN_INVALID: u8 = 0x31;
const PIN_BLOCKED: u8 = 0x32;
const PIN_REQUIRED: u8 = 0x36;

/// The library's errors, in ours.
pub(crate) fn from_library(error: WebauthnCError) -> AuthnError {
    match error {
        WebauthnCError::Ctap(ctap) => match u8::from(ctap) {
            CREDENTIAL_EXCLUDED => AuthnError::AlreadyRegistered,
            OPERATION_DENIED => AuthnError::Declined,
            NO_CREDENTIALS => AuthnError::NoCredential,
            PIN_INVALID => AuthnError::PinInvalid { retries: None },
            PIN_BLOCKED => AuthnError::PinBlocked(PinBlock::SecurityKey),
            PIN_REQUIRED => AuthnError::PinRequired,
            code => AuthnError::Authenticator(format!("CTAP status 0x{code:02x}")),
        },
        WebauthnCError::UserVerificationRequired => AuthnError::PinRequired,
        WebauthnCError::NoSelectedToken | WebauthnCError::NoHidDevices => {
            AuthnError::NoAuthenticator
        }
        WebauthnCError::PermissionDenied => AuthnError::Declined,
        WebauthnCError::Cancelled => AuthnError::Cancelled,
        other => AuthnError::Authenticator(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests;
