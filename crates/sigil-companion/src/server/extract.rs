//! Request parts turned into types at the edge: JSON bodies, the app's bearer session, and the
//! client address for rate limits.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts as RequestParts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use sigil_api::ErrorCode;

use super::error::ApiError;
use super::state::AppState;
use crate::limits::ClientAddress;
use crate::store::SessionToken;
use crate::store::sessions::{Session, SessionKind};
use crate::store::users::User;

/// A JSON body; a malformed one is a `{code, message}` answer naming the problem.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                ),
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("the body is larger than {} KiB", super::BODY_LIMIT / 1024),
                ),
                _ => ApiError::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "the JSON body is not what this endpoint takes: {}",
                        rejection.body_text()
                    ),
                ),
            }),
        }
    }
}

/// The app's session: `Authorization: Bearer <session token>` from `POST /api/v1/session`.
/// Using it slides its expiry.
#[derive(Debug, Clone)]
pub struct AppSession {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

impl FromRequestParts<AppState> for AppSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut RequestParts,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty() && token.len() <= 256)
            .ok_or_else(ApiError::unauthenticated)?;
        let token = SessionToken::new(token);
        let store = state.store();
        let session = store
            .session_by_token(SessionKind::App, &token, state.now_ms())
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let user =
            store.user_by_id(&session.user_id).await?.ok_or_else(ApiError::unauthenticated)?;
        Ok(Self { session, user })
    }
}

/// The client's address, for per-address rate limits: the TCP peer, or the last
/// `X-Forwarded-For` entry when the companion is told it sits behind a proxy; an IPv6 address
/// counts as its /64.
impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut RequestParts,
        state: &AppState,
    ) -> Result<Self, Infallible> {
        if state.config().trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return Ok(Self::of(ip));
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Ok(peer.map_or_else(Self::unknown, Self::of))
    }
}
