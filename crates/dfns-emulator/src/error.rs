//! Errors in the Dfns shape: `{"error":{"id","status","message","details"?}}` (§6). A 5xx never
//! shows its cause; the cause is logged with the error id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A Dfns API error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The message Dfns gives for this case.
    pub message: String,
    /// Structured context.
    pub details: Option<Value>,
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// The contract's phrase for a missing or wrong user action (§1, §6).
pub const USER_ACTION_INVALID: &str = "user action signature is missing or invalid";
/// The contract's phrase for a user action sent twice.
pub const USER_ACTION_USED: &str = "user action has already been used";
/// The contract's phrase for a bad, used or expired challenge.
pub const CHALLENGE_INVALID: &str = "Challenge token is not valid.";

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), details: None }
    }

    /// Adds structured context.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Adds `{"reason": …}`, the specific check that failed.
    pub fn with_reason(self, reason: impl std::fmt::Display) -> Self {
        self.with_details(json!({ "reason": reason.to_string() }))
    }

    /// 400: the request is invalid.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401: no valid token, or the caller could not be authenticated.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403: a user action or a permission is missing.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: not found, or not the caller's.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 409: a conflicting entity exists.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 500: logs `cause` and answers without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
    }
}

impl From<crate::store::DbError> for ApiError {
    fn from(error: crate::store::DbError) -> Self {
        Self::internal(format_args!("database: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let id = crate::ids::new_id("er");
        if self.status.is_server_error() {
            tracing::error!(error_id = %id, status = %self.status, "answered with a server error");
        } else {
            tracing::debug!(error_id = %id, status = %self.status, message = %self.message, "refused");
        }
        let mut error = json!({
            "id": id,
            "status": self.status.as_u16(),
            "message": self.message,
        });
        if let (Some(details), Some(object)) = (self.details, error.as_object_mut()) {
            object.insert("details".to_owned(), details);
        }
        (self.status, axum::Json(json!({ "error": error }))).into_response()
    }
}
