//! One error for every ceremony, with a stable code the UI branches on and a message a person
//! can act on.

use std::time::Duration;

/// Why a passkey ceremony did not produce a credential or an assertion.
#[derive(Debug, thiserror::Error)]
pub enum AuthnError {
    /// The caller cancelled.
    #[error("The passkey request was cancelled.")]
    Cancelled,
    /// The authenticator did not answer in time.
    #[error("No answer from the authenticator within {} s. Try again, and touch or confirm when asked.", .0.as_secs())]
    TimedOut(Duration),
    /// No authenticator of the asked kind is present.
    #[error(
        "No authenticator is available: plug in a security key, or use a device passkey on this computer."
    )]
    NoAuthenticator,
    /// The authenticator holds none of the credentials the server allows.
    #[error(
        "This authenticator holds none of the passkeys this account accepts. Use the one you registered, or add this one as a new passkey first."
    )]
    NoCredential,
    /// The authenticator already holds a credential the server excluded.
    #[error("This authenticator is already registered for this account.")]
    AlreadyRegistered,
    /// The person declined on the authenticator or in the confirmation.
    #[error("The request was declined on the authenticator.")]
    Declined,
    /// The origin does not belong to the relying party, so the client refuses.
    #[error(
        "The origin {origin} does not belong to the passkey domain {rp_id}: check the app's origin setting."
    )]
    OriginMismatch {
        /// The configured origin.
        origin: String,
        /// The relying party id.
        rp_id: String,
    },
    /// The server's challenge cannot be turned into a WebAuthn request.
    #[error("The server sent a passkey challenge that cannot be used: {0}.")]
    InvalidChallenge(String),
    /// None of the algorithms the server accepts is one the authenticator can make.
    #[error("The authenticator supports none of the key algorithms the server accepts.")]
    UnsupportedAlgorithm,
    /// The security key needs its PIN and none was given.
    #[error("This security key needs its PIN.")]
    PinRequired,
    /// The PIN was wrong.
    #[error("Wrong PIN.{}", .retries.map(|n| format!(" {n} tries left before the key locks.")).unwrap_or_default())]
    PinInvalid {
        /// Tries left, when the key says.
        retries: Option<u32>,
    },
    /// The PIN is blocked after too many wrong tries.
    #[error(
        "The security key's PIN is blocked after too many wrong tries: reset the key to use it again."
    )]
    PinBlocked,
    /// Keys are present but this user may not open them.
    #[error("A security key is plugged in but cannot be opened: {hint}")]
    DeviceAccess {
        /// What to change, e.g. the udev rule that grants access.
        hint: String,
    },
    /// The store of device passkeys failed.
    #[error("The device passkey store failed: {0}")]
    Storage(#[from] sigil_store::StoreError),
    /// The authenticator answered with something that is not a usable credential or assertion.
    #[error("The authenticator's answer cannot be used: {0}.")]
    InvalidResponse(String),
    /// Any other authenticator failure.
    #[error("The authenticator failed: {0}.")]
    Authenticator(String),
}

impl AuthnError {
    /// A stable code for the UI.
    pub fn code(&self) -> AuthnCode {
        match self {
            Self::Cancelled => AuthnCode::AuthnCancelled,
            Self::TimedOut(_) => AuthnCode::AuthnTimeout,
            Self::NoAuthenticator => AuthnCode::AuthnNoAuthenticator,
            Self::NoCredential => AuthnCode::AuthnNoCredential,
            Self::AlreadyRegistered => AuthnCode::AuthnAlreadyRegistered,
            Self::Declined => AuthnCode::AuthnDeclined,
            Self::OriginMismatch { .. } => AuthnCode::AuthnOriginMismatch,
            Self::InvalidChallenge(_) => AuthnCode::AuthnInvalidChallenge,
            Self::UnsupportedAlgorithm => AuthnCode::AuthnUnsupportedAlgorithm,
            Self::PinRequired => AuthnCode::AuthnPinRequired,
            Self::PinInvalid { .. } => AuthnCode::AuthnPinInvalid,
            Self::PinBlocked => AuthnCode::AuthnPinBlocked,
            Self::DeviceAccess { .. } => AuthnCode::AuthnDeviceAccess,
            Self::Storage(_) => AuthnCode::AuthnStorage,
            Self::InvalidResponse(_) => AuthnCode::AuthnInvalidResponse,
            Self::Authenticator(_) => AuthnCode::AuthnAuthenticatorError,
        }
    }
}

/// The stable codes of [`AuthnError`], serialised as the UI knows them (`AUTHN_CANCELLED`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
// The wire names carry the prefix, so the variants do too.
#[allow(clippy::enum_variant_names)]
pub enum AuthnCode {
    /// `AUTHN_CANCELLED`.
    AuthnCancelled,
    /// `AUTHN_TIMEOUT`.
    AuthnTimeout,
    /// `AUTHN_NO_AUTHENTICATOR`.
    AuthnNoAuthenticator,
    /// `AUTHN_NO_CREDENTIAL`.
    AuthnNoCredential,
    /// `AUTHN_ALREADY_REGISTERED`.
    AuthnAlreadyRegistered,
    /// `AUTHN_DECLINED`.
    AuthnDeclined,
    /// `AUTHN_ORIGIN_MISMATCH`.
    AuthnOriginMismatch,
    /// `AUTHN_INVALID_CHALLENGE`.
    AuthnInvalidChallenge,
    /// `AUTHN_UNSUPPORTED_ALGORITHM`.
    AuthnUnsupportedAlgorithm,
    /// `AUTHN_PIN_REQUIRED`.
    AuthnPinRequired,
    /// `AUTHN_PIN_INVALID`.
    AuthnPinInvalid,
    /// `AUTHN_PIN_BLOCKED`.
    AuthnPinBlocked,
    /// `AUTHN_DEVICE_ACCESS`.
    AuthnDeviceAccess,
    /// `AUTHN_STORAGE`.
    AuthnStorage,
    /// `AUTHN_INVALID_RESPONSE`.
    AuthnInvalidResponse,
    /// `AUTHN_AUTHENTICATOR_ERROR`.
    AuthnAuthenticatorError,
}

impl AuthnCode {
    /// The code as the UI sees it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for AuthnCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for AuthnCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
