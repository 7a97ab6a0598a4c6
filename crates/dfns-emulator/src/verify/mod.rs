//! Checks of what a client's authenticator or key produced: WebAuthn (Fido2) attestations and
//! assertions, and Key-credential attestations and assertions. Pure functions; the API layer
//! decides what status each failure gets.

mod client_data;
mod key;
mod webauthn;

#[cfg(test)]
mod tests;

pub use key::{verify_key_assertion, verify_key_registration, verify_recovery_assertion};
pub use webauthn::{RelyingParty, verify_fido2_assertion, verify_fido2_registration};

/// Which check refused the proof. The text is shown to the client as `details.reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A field is not valid base64url.
    #[error("{0} is not valid base64url")]
    Encoding(&'static str),
    /// clientData is not the JSON object the spec describes.
    #[error("clientData is not valid client data JSON")]
    ClientDataJson,
    /// clientData.type is not the one this ceremony needs.
    #[error("clientData.type is {found:?}, expected {expected:?}")]
    ClientDataType {
        /// What was sent.
        found: String,
        /// What this ceremony needs.
        expected: &'static str,
    },
    /// clientData.challenge is not this challenge, in either accepted form.
    #[error("clientData.challenge does not match the challenge")]
    ChallengeMismatch,
    /// clientData.origin is not an allowed origin of the relying party.
    #[error("clientData.origin {0:?} is not an allowed origin")]
    OriginNotAllowed(String),
    /// The attestation object is not valid CBOR of the expected shape.
    #[error("attestationObject is malformed: {0}")]
    AttestationObject(&'static str),
    /// The authenticator data is truncated or malformed.
    #[error("authenticatorData is malformed: {0}")]
    AuthenticatorData(&'static str),
    /// rpIdHash is not SHA-256 of our rp id.
    #[error("authenticatorData.rpIdHash is not the hash of the rp id {0:?}")]
    RpIdHash(String),
    /// The user-present flag is not set.
    #[error("the authenticator did not report user presence (UP flag)")]
    UserNotPresent,
    /// User verification was required and not reported.
    #[error("user verification is required and the authenticator did not report it (UV flag)")]
    UserNotVerified,
    /// The credential public key is not one we can use.
    #[error("credential public key is not supported: {0}")]
    UnsupportedKey(&'static str),
    /// The attestation statement format is not supported.
    #[error("attestation format {0:?} is not supported (none, packed and fido-u2f are)")]
    UnsupportedFormat(String),
    /// The attestation statement does not verify.
    #[error("attestation statement is invalid: {0}")]
    Attestation(&'static str),
    /// The credential id in credentialInfo is not the one in the authenticator data.
    #[error("credId does not match the credential id in the authenticator data")]
    CredentialIdMismatch,
    /// The signature does not verify.
    #[error("the signature does not verify against the credential's public key")]
    BadSignature,
    /// The authenticator's counter did not move forward.
    #[error(
        "the signature counter did not increase ({stored} then {received}): the authenticator may be cloned"
    )]
    CounterRegression {
        /// The last count seen.
        stored: u32,
        /// The count received.
        received: u32,
    },
    /// userHandle does not name the user of the challenge.
    #[error("userHandle does not match the user")]
    UserHandleMismatch,
}
