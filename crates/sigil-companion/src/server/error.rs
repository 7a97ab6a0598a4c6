//! The API's error answer: `{"error":{"code","message"}}` with the status of its code. A 5xx
//! never shows its cause (the log does).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sigil_api::{ErrorBody, ErrorCode};

use crate::onboarding::OnboardingError;
use crate::store::StoreError;
use crate::store::login_codes::CodeRejection;
use crate::store::pkce::PkceError;

/// An error answer of `/api/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// What a person can do about it.
    pub message: String,
    /// For 429: seconds until a retry may succeed.
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after_secs: None }
    }

    /// 429 with `Retry-After` rounded up to whole seconds.
    pub fn rate_limited(retry_after_ms: i64) -> Self {
        let secs = u64::try_from(retry_after_ms.max(1).saturating_add(999) / 1000).unwrap_or(1);
        Self {
            retry_after_secs: Some(secs),
            ..Self::new(ErrorCode::RateLimited, format!("too many attempts: retry in {secs} s"))
        }
    }

    /// 401: no usable session.
    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "sign in again: the session token is missing, unknown, expired or signed out",
        )
    }

    /// 500, logging `cause` (which the answer does not show).
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed inside the companion");
        Self::new(ErrorCode::Internal, "the companion failed; its log has the details")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(ErrorBody::new(self.code, self.message))).into_response();
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            error if error.is_transient() => {
                tracing::warn!(%error, "the database is unavailable");
                Self::new(
                    ErrorCode::StoreUnavailable,
                    "the companion's database is unavailable: retry shortly",
                )
            }
            StoreError::InvalidInput { field, reason } => {
                Self::new(ErrorCode::InvalidRequest, format!("{field}: {reason}"))
            }
            StoreError::AlreadyRegistered => {
                Self::new(ErrorCode::AlreadyRegistered, "you are registered with Dfns already")
            }
            other => Self::internal(&other),
        }
    }
}

impl From<PkceError> for ApiError {
    fn from(error: PkceError) -> Self {
        match error {
            PkceError::UnsupportedMethod => {
                Self::new(ErrorCode::PkceMethodUnsupported, error.to_string())
            }
            PkceError::Randomness(_) => Self::internal(&error),
            PkceError::InvalidChallenge | PkceError::InvalidVerifier => {
                Self::new(ErrorCode::InvalidRequest, error.to_string())
            }
        }
    }
}

impl From<CodeRejection> for ApiError {
    fn from(rejection: CodeRejection) -> Self {
        let (code, message) = match rejection {
            CodeRejection::Unknown => {
                (ErrorCode::CodeUnknown, "this login code is unknown: sign in again")
            }
            CodeRejection::Expired => {
                (ErrorCode::CodeExpired, "this login code expired (codes last 60 s): sign in again")
            }
            CodeRejection::Replayed { .. } => (
                ErrorCode::CodeReplayed,
                "this login code was used before, so the session it opened is now signed out: \
                 sign in again",
            ),
            CodeRejection::VerifierMismatch => (
                ErrorCode::PkceVerifierMismatch,
                "the code verifier does not match the login's code challenge: sign in again",
            ),
            CodeRejection::RedirectUriMismatch => (
                ErrorCode::RedirectUriMismatch,
                "the redirect URI differs from the one the login started with: sign in again",
            ),
        };
        Self::new(code, message)
    }
}

impl From<OnboardingError> for ApiError {
    fn from(error: OnboardingError) -> Self {
        let message = error.to_string();
        match error {
            OnboardingError::AlreadyRegistered => Self::new(ErrorCode::AlreadyRegistered, message),
            OnboardingError::NotRegistered => Self::new(ErrorCode::NotRegistered, message),
            OnboardingError::NotStarted => Self::new(ErrorCode::RegistrationNotStarted, message),
            OnboardingError::CredentialRejected(_) => {
                Self::new(ErrorCode::CredentialRejected, message)
            }
            OnboardingError::NetworkNotOffered { .. } => {
                Self::new(ErrorCode::NetworkNotSupported, message)
            }
            OnboardingError::UserInactive => Self::new(ErrorCode::DfnsUserInactive, message),
            OnboardingError::InvalidRequest(_) => Self::new(ErrorCode::InvalidRequest, message),
            OnboardingError::RecoveryNotAllowed(_) => {
                Self::new(ErrorCode::RecoveryNotAllowed, message)
            }
            OnboardingError::NoRecoveryKit(_) => Self::new(ErrorCode::NoRecoveryKit, message),
            OnboardingError::RecoveryNotStarted => {
                Self::new(ErrorCode::RecoveryNotStarted, message)
            }
            OnboardingError::RecoveryExpired => Self::new(ErrorCode::RecoveryExpired, message),
            OnboardingError::RecoveryAlreadyCompleted => {
                Self::new(ErrorCode::RecoveryAlreadyCompleted, message)
            }
            OnboardingError::RecoveryRefused(_) => Self::new(ErrorCode::RecoveryRefused, message),
            OnboardingError::RecoveryKitUnknown => {
                Self::new(ErrorCode::RecoveryKitUnknown, message)
            }
            OnboardingError::Store(error) => error.into(),
            OnboardingError::Dfns(error) => {
                let unavailable = match error.status() {
                    None => matches!(error, dfns_client::Error::Transport { .. }),
                    Some(status) => status == 429 || status >= 500,
                };
                tracing::warn!(%error, "a Dfns call failed");
                if unavailable {
                    Self::new(ErrorCode::DfnsUnavailable, "Dfns is unavailable: retry shortly")
                } else {
                    Self::new(
                        ErrorCode::DfnsFailed,
                        "Dfns refused the request; the companion's log has the details",
                    )
                }
            }
        }
    }
}
