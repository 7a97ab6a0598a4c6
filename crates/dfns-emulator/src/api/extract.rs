//! Request extractors: who is calling (bearer token), the JSON body (typed, with Dfns-shaped
//! 400s), and the user action that must accompany a write.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, USER_ACTION_INVALID, USER_ACTION_USED};
use crate::state::AppState;
use crate::store::UserRow;
use crate::tokens::{Claims, TokenError, TokenKind};

/// An authenticated caller: a service account or an end user with a login token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: UserRow,
    /// The token's claims.
    pub claims: Claims,
}

impl Caller {
    /// Whether the caller is the org's service account.
    pub fn is_service_account(&self) -> bool {
        self.user.kind == "ServiceAccount"
    }

    /// 403 unless the caller is a service account; `permission` names what was needed.
    pub fn require_service_account(&self, permission: &str) -> Result<(), ApiError> {
        self.require(self.is_service_account(), permission)
    }

    /// 403 unless the caller is an end user; `permission` names what was needed.
    pub fn require_end_user(&self, permission: &str) -> Result<(), ApiError> {
        self.require(self.user.kind == "EndUser", permission)
    }

    fn require(&self, allowed: bool, permission: &str) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "{} {} is not authorized to perform operation ({permission})",
                self.user.kind, self.user.id
            )))
        }
    }
}

/// A caller holding a registration's temporary token.
#[derive(Debug, Clone)]
pub struct TemporaryCaller {
    /// The user being registered.
    pub user: UserRow,
    /// The token's claims; `jti` is the registration challenge.
    pub claims: Claims,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (user, claims) =
            authenticate(&parts.headers, state, &[TokenKind::Service, TokenKind::Login]).await?;
        Ok(Self { user, claims })
    }
}

impl FromRequestParts<AppState> for TemporaryCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (user, claims) = authenticate(&parts.headers, state, &[TokenKind::Temp]).await?;
        Ok(Self { user, claims })
    }
}

async fn authenticate(
    headers: &HeaderMap,
    state: &AppState,
    kinds: &[TokenKind],
) -> Result<(UserRow, Claims), ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::unauthorized("Unauthorized: missing bearer token"))?;
    let claims =
        state.tokens.verify(token.trim(), kinds, state.now_ms()).map_err(|error| match error {
            TokenError::Expired => ApiError::unauthorized("Unauthorized: the token has expired"),
            TokenError::Invalid => {
                ApiError::unauthorized("Unauthorized: the token is not valid for this request")
            }
        })?;
    let user = state
        .store
        .user(&claims.sub)
        .await?
        .ok_or_else(|| ApiError::unauthorized("User not found"))?;
    if state.store.is_revoked(&claims.jti) {
        return Err(ApiError::unauthorized("Unauthorized: the token was revoked by a logout"));
    }
    if claims.iat_ms < user.tokens_valid_after {
        return Err(ApiError::unauthorized(
            "Unauthorized: the user's sessions were ended (logout everywhere or account recovery)",
        ));
    }
    if !user.is_active {
        return Err(ApiError::bad_request("User account has been deactivated."));
    }
    Ok((user, claims))
}

/// A JSON body parsed into `T`; malformed JSON or wrong types give a Dfns-shaped 400. An empty
/// body reads as `{}`.
#[derive(Debug, Clone)]
pub struct DfnsJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for DfnsJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let (_, body) = parse_body(&bytes)?;
        Ok(Self(body))
    }
}

fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<(Value, T), ApiError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(bytes).map_err(|error| {
            ApiError::bad_request("Invalid request body: not valid JSON").with_reason(error)
        })?
    };
    let body = T::deserialize(&value)
        .map_err(|error| ApiError::bad_request("Invalid request body").with_reason(error))?;
    Ok((value, body))
}

/// A write that needs a user action: the caller, the typed body, and proof that the caller
/// signed exactly this method, path and payload. Checks run in order: token (401), body (400),
/// user action (403, or 400 if already used), so a bad body never spends a user action.
#[derive(Debug, Clone)]
pub struct Signed<T> {
    /// Who signed.
    pub caller: Caller,
    /// The body.
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Signed<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = request.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        let (value, body) = parse_body(&bytes)?;
        spend_user_action(state, &caller, &parts.headers, &parts.method, parts.uri.path(), &value)
            .await?;
        Ok(Self { caller, body })
    }
}

async fn spend_user_action(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    payload: &Value,
) -> Result<(), ApiError> {
    let invalid = |reason: &str| ApiError::forbidden(USER_ACTION_INVALID).with_reason(reason);
    let token = headers
        .get("x-dfns-useraction")
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| invalid("the X-DFNS-USERACTION header is missing"))?;
    let now = state.now_ms();
    let claims = state
        .tokens
        .verify(token.trim(), &[TokenKind::UserAction], now)
        .map_err(|error| invalid(&error.to_string()))?;
    let action = state
        .store
        .user_action(&claims.jti)
        .await?
        .ok_or_else(|| invalid("unknown user action"))?;
    if action.user_id != caller.user.id {
        return Err(invalid("the user action was signed by another user"));
    }
    if action.used_at.is_some() {
        return Err(ApiError::bad_request(USER_ACTION_USED));
    }
    if action.http_method != method.as_str() || action.http_path != path {
        return Err(invalid("the user action was signed for another method or path"));
    }
    // Compared as parsed JSON: SDKs sign one serialisation and may send another (§2.1, §10).
    if payload_value(&action.payload) != Some(payload.clone()) {
        return Err(invalid("the body differs from the payload that was signed"));
    }
    if !state.store.spend_user_action(&action.id, now).await? {
        return Err(ApiError::bad_request(USER_ACTION_USED));
    }
    Ok(())
}

/// A signed payload as JSON; `""` and `"{}"` both mean "no body".
fn payload_value(payload: &str) -> Option<Value> {
    if payload.trim().is_empty() {
        Some(Value::Object(serde_json::Map::new()))
    } else {
        serde_json::from_str(payload).ok()
    }
}

/// A query string parsed into `T`; bad values give a Dfns-shaped 400.
#[derive(Debug, Clone)]
pub struct DfnsQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for DfnsQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri).map(|query| Self(query.0)).map_err(
            |rejection| {
                ApiError::bad_request("Invalid query string").with_reason(rejection.body_text())
            },
        )
    }
}
