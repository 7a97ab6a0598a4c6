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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Cancelled => "AUTHN_CANCELLED",
            Self::TimedOut(_) => "AUTHN_TIMEOUT",
            Self::NoAuthenticator => "AUTHN_NO_AUTHENTICATOR",
            Self::NoCredential => "AUTHN_NO_CREDENTIAL",
            Self::AlreadyRegistered => "AUTHN_ALREADY_REGISTERED",
            Self::Declined => "AUTHN_DECLINED",
            Self::OriginMismatch { .. } => "AUTHN_ORIGIN_MISMATCH",
            Self::InvalidChallenge(_) => "AUTHN_INVALID_CHALLENGE",
            Self::UnsupportedAlgorithm => "AUTHN_UNSUPPORTED_ALGORITHM",
            Self::PinRequired => "AUTHN_PIN_REQUIRED",
            Self::PinInvalid { .. } => "AUTHN_PIN_INVALID",
            Self::PinBlocked => "AUTHN_PIN_BLOCKED",
            Self::DeviceAccess { .. } => "AUTHN_DEVICE_ACCESS",
            Self::Storage(_) => "AUTHN_STORAGE",
            Self::InvalidResponse(_) => "AUTHN_INVALID_RESPONSE",
            Self::Authenticator(_) => "AUTHN_AUTHENTICATOR_ERROR",
        }
    }
}
