//! Errors of the API: `{"error":{"code","message"}}` with a stable code.

use serde::{Deserialize, Serialize};

/// Defines [`ErrorCode`] with its wire names and HTTP statuses in one table.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal, $status:literal;)*) => {
        /// What went wrong, for programs: branch on this, never on the message. New codes may
        /// appear; an app reads an unknown one as [`ErrorCode::Unknown`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "CompanionCode"))]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
            /// A code this version does not know (sent by a newer companion).
            #[serde(other, rename = "UNKNOWN")]
            Unknown,
        }

        impl ErrorCode {
            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown => "UNKNOWN",
                }
            }

            /// The HTTP status the companion answers with.
            pub fn http_status(self) -> u16 {
                match self {
                    $(Self::$variant => $status,)*
                    Self::Unknown => 500,
                }
            }
        }
    };
}

error_codes! {
    /// The body, a header or a parameter is malformed; the message names it.
    InvalidRequest = "INVALID_REQUEST", 400;
    /// No session token, or one that is unknown, expired or signed out.
    Unauthenticated = "UNAUTHENTICATED", 401;
    /// The login code was never issued (or long gone).
    CodeUnknown = "CODE_UNKNOWN", 400;
    /// The login code's 60 seconds are over.
    CodeExpired = "CODE_EXPIRED", 400;
    /// The login code was redeemed before; the session it made is now revoked.
    CodeReplayed = "CODE_REPLAYED", 400;
    /// The PKCE verifier does not answer the code's challenge.
    PkceVerifierMismatch = "PKCE_VERIFIER_MISMATCH", 400;
    /// Only PKCE method S256 is accepted.
    PkceMethodUnsupported = "PKCE_METHOD_UNSUPPORTED", 400;
    /// The redirect URI differs from the one the code was issued for.
    RedirectUriMismatch = "REDIRECT_URI_MISMATCH", 400;
    /// The redirect URI is not on the companion's allow-list.
    RedirectUriNotAllowed = "REDIRECT_URI_NOT_ALLOWED", 400;
    /// Too many attempts; retry after the `Retry-After` seconds.
    RateLimited = "RATE_LIMITED", 429;
    /// The user is registered with Dfns already.
    AlreadyRegistered = "ALREADY_REGISTERED", 409;
    /// The user has not completed registration with Dfns yet.
    NotRegistered = "NOT_REGISTERED", 409;
    /// No registration was started by this session, or its challenge expired: start again.
    RegistrationNotStarted = "REGISTRATION_NOT_STARTED", 409;
    /// Dfns refused the credential (the message says why); make a new one.
    CredentialRejected = "CREDENTIAL_REJECTED", 400;
    /// This session may not start a recovery: it did not come from the website's recovery
    /// check (`/recover`), its ten minutes are over, or it started one already. Recover again
    /// from the website.
    RecoveryNotAllowed = "RECOVERY_NOT_ALLOWED", 403;
    /// No recovery kit is recorded for the user, or Dfns no longer accepts the recorded one.
    NoRecoveryKit = "NO_RECOVERY_KIT", 409;
    /// Too many recoveries of this account lately; retry after the `Retry-After` seconds.
    RecoveryRateLimited = "RECOVERY_RATE_LIMITED", 429;
    /// This session has no recovery under way: start one with `recovery/init`.
    RecoveryNotStarted = "RECOVERY_NOT_STARTED", 409;
    /// This session's recovery challenge expired: recover again from the website.
    RecoveryExpired = "RECOVERY_EXPIRED", 409;
    /// This session's recovery was completed already.
    RecoveryAlreadyCompleted = "RECOVERY_ALREADY_COMPLETED", 409;
    /// Dfns refused the recovery (the message says why): the recovery key's signature or a new
    /// credential. Nothing changed; the same challenge can be answered again.
    RecoveryRefused = "RECOVERY_REFUSED", 400;
    /// Dfns knows no active RecoveryKey credential of this user with this `credId`.
    RecoveryKitUnknown = "RECOVERY_KIT_UNKNOWN", 400;
    /// The network is not one the company offers.
    NetworkNotSupported = "NETWORK_NOT_SUPPORTED", 400;
    /// The Dfns account of this user is deactivated.
    DfnsUserInactive = "DFNS_USER_INACTIVE", 403;
    /// Dfns could not be reached; retry later.
    DfnsUnavailable = "DFNS_UNAVAILABLE", 503;
    /// Dfns answered something the companion did not expect.
    DfnsFailed = "DFNS_FAILED", 502;
    /// The companion's database is unreachable; retry later.
    StoreUnavailable = "STORE_UNAVAILABLE", 503;
    /// This companion serves no updates (it runs without `--updates-dir`).
    UpdatesOff = "UPDATES_OFF", 404;
    /// The app version in an update request is not a semantic version such as `1.2.3`.
    UpdateVersionInvalid = "UPDATE_VERSION_INVALID", 400;
    /// A release in the company's update folder cannot be served (its manifest, a file or a
    /// signature is missing or malformed); the companion's log names it.
    UpdateReleaseInvalid = "UPDATE_RELEASE_INVALID", 500;
    /// No such endpoint.
    NotFound = "NOT_FOUND", 404;
    /// The endpoint exists with another method.
    MethodNotAllowed = "METHOD_NOT_ALLOWED", 405;
    /// The body is larger than the companion accepts.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE", 413;
    /// The body is not `application/json`.
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", 415;
    /// Something failed inside the companion; the message does not say what (its log does).
    Internal = "INTERNAL", 500;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, for programs.
    pub code: ErrorCode,
    /// For people: what happened and what to do.
    pub message: String,
}

impl ErrorBody {
    /// An error body.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { error: ErrorDetail { code, message: message.into() } }
    }
}
