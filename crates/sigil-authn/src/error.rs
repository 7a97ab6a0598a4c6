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
    #[error("Wrong PIN.{}", .retries.map(|n| format!(" {n} tries left before the PIN is blocked.")).unwrap_or_default())]
    PinInvalid {
        /// Tries left, when the authenticator says.
        retries: Option<u32>,
    },
    /// A PIN was given that is empty or shorter than the authenticator accepts.
    #[error("The PIN is too short: use at least {min} characters.")]
    PinTooShort {
        /// The shortest PIN accepted.
        min: usize,
    },
    /// Wrong PINs were given recently: the next try is accepted only after a delay.
    #[error("Too many wrong PINs: wait {} s, then try again.", .wait.as_secs().max(1))]
    PinDelayed {
        /// How long to wait.
        wait: Duration,
    },
    /// No more PIN tries are accepted; what to do depends on who blocked them.
    #[error("{0}")]
    PinBlocked(PinBlock),
    /// Keys are present but this user may not open them.
    #[error("A security key is plugged in but cannot be opened: {hint}")]
    DeviceAccess {
        /// What to change, e.g. the udev rule that grants access.
        hint: String,
    },
    /// The computer's security chip (TPM) cannot be reached.
    #[error(
        "The computer's security chip (TPM) cannot be reached: {0}. Nothing was signed. Try again, or use a security key."
    )]
    TpmUnavailable(String),
    /// The security chip is busy with other work.
    #[error(
        "The computer's security chip (TPM) is busy. Nothing was signed: try again in a moment."
    )]
    TpmBusy,
    /// The security chip restarted or stopped answering during the request.
    #[error(
        "The computer's security chip (TPM) was reset or stopped answering during the request. Nothing was signed and your passkey is unchanged: try again."
    )]
    TpmReset,
    /// The security chip is there but this user may not open it.
    #[error(
        "This computer has a security chip (TPM, {device}) but your user may not use it. Add your user to the group tss (`sudo usermod -aG tss $USER`), then sign out of the computer and back in."
    )]
    TpmAccess {
        /// The device that could not be opened.
        device: String,
    },
    /// The passkey was made by another security chip (or this one was cleared since).
    #[error(
        "This passkey was made by another computer's security chip, or this computer's chip was cleared since, so it cannot sign here. Nothing was signed. Use another passkey or your recovery kit, then make a new passkey on this computer."
    )]
    TpmMismatch,
    /// The passkeys kept in the keyring cannot be read.
    #[error(
        "The passkeys saved on this computer cannot be read ({0}). Nothing was signed and the saved entry was left as it is. Use another passkey or your recovery kit."
    )]
    PasskeyDamaged(String),
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
            Self::PinTooShort { .. } => AuthnCode::AuthnPinTooShort,
            Self::PinDelayed { .. } => AuthnCode::AuthnPinDelayed,
            Self::PinBlocked(_) => AuthnCode::AuthnPinBlocked,
            Self::DeviceAccess { .. } => AuthnCode::AuthnDeviceAccess,
            Self::TpmUnavailable(_) => AuthnCode::AuthnTpmUnavailable,
            Self::TpmBusy => AuthnCode::AuthnTpmBusy,
            Self::TpmReset => AuthnCode::AuthnTpmReset,
            Self::TpmAccess { .. } => AuthnCode::AuthnTpmAccess,
            Self::TpmMismatch => AuthnCode::AuthnTpmMismatch,
            Self::PasskeyDamaged(_) => AuthnCode::AuthnPasskeyDamaged,
            Self::Storage(_) => AuthnCode::AuthnStorage,
            Self::InvalidResponse(_) => AuthnCode::AuthnInvalidResponse,
            Self::Authenticator(_) => AuthnCode::AuthnAuthenticatorError,
        }
    }
}

/// Who stopped accepting PIN tries, which says what the person can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinBlock {
    /// The security key blocked its PIN.
    SecurityKey,
    /// Sigil stopped taking PINs for this passkey before the security chip would lock itself.
    Passkey {
        /// The wrong PINs Sigil accepts for one passkey.
        limit: u32,
    },
    /// The security chip (TPM) is locked, or one more wrong PIN would lock it, after wrong
    /// tries that may come from other programs too.
    Chip {
        /// When the chip forgets one wrong try, if it says.
        recovers_in: Option<Duration>,
    },
}

impl std::fmt::Display for PinBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SecurityKey => f.write_str(
                "The security key's PIN is blocked after too many wrong tries: reset the key to use it again.",
            ),
            Self::Passkey { limit } => write!(
                f,
                "This passkey is blocked after {limit} wrong PINs, before the computer's security chip would lock itself. Sign in with another passkey or your recovery kit, then make a new passkey on this computer."
            ),
            Self::Chip { recovers_in } => {
                f.write_str(
                    "The computer's security chip (TPM) is locked, or one more wrong PIN would lock it, after too many wrong PINs (other programs' count too). ",
                )?;
                match recovers_in {
                    Some(wait) => write!(
                        f,
                        "It forgets one wrong try every {} minutes: try again later, or ask the computer's administrator to reset its lockout (`tpm2_dictionarylockout --clear-lockout`).",
                        wait.as_secs().div_ceil(60)
                    ),
                    None => f.write_str(
                        "Try again later, or ask the computer's administrator to reset its lockout (`tpm2_dictionarylockout --clear-lockout`).",
                    ),
                }
            }
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
    /// `AUTHN_PIN_TOO_SHORT`.
    AuthnPinTooShort,
    /// `AUTHN_PIN_DELAYED`.
    AuthnPinDelayed,
    /// `AUTHN_PIN_BLOCKED`.
    AuthnPinBlocked,
    /// `AUTHN_DEVICE_ACCESS`.
    AuthnDeviceAccess,
    /// `AUTHN_TPM_UNAVAILABLE`.
    AuthnTpmUnavailable,
    /// `AUTHN_TPM_BUSY`.
    AuthnTpmBusy,
    /// `AUTHN_TPM_RESET`.
    AuthnTpmReset,
    /// `AUTHN_TPM_ACCESS`.
    AuthnTpmAccess,
    /// `AUTHN_TPM_MISMATCH`.
    AuthnTpmMismatch,
    /// `AUTHN_PASSKEY_DAMAGED`.
    AuthnPasskeyDamaged,
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
