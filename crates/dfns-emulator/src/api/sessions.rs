//! Delegated login (§3.4) and logout (§3.5).

use axum::Json;
use axum::extract::State;
use dfns_client::Secret;
use dfns_client::models::{Authentication, DelegatedLoginRequest, LogoutRequest, MessageResponse};

use super::extract::{Caller, DfnsJson, Signed};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::UserRow;
use crate::tokens::TokenKind;

/// `POST /auth/login/delegated` (service account, user action): an end user's read token.
pub async fn delegated_login(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<DelegatedLoginRequest>,
) -> ApiResult<Json<Authentication>> {
    caller.require_service_account("Auth:Login:Delegated")?;
    let user = registered_end_user(&state, &body.username).await?;
    let now = state.now_ms();
    let token = state.tokens.issue(
        TokenKind::Login,
        &user.id,
        &state.org_id,
        new_id("to"),
        now,
        state.lifetimes.login_token_ms,
    );
    Ok(Json(Authentication { token: Secret::new(token) }))
}

/// The registered end user `username`: 401 "User not found" when there is none, 400 when the
/// account is deactivated (§3.4).
pub async fn registered_end_user(state: &AppState, username: &str) -> ApiResult<UserRow> {
    let user = state
        .store
        .user_by_username(username.trim())
        .await?
        .filter(|user| user.kind == "EndUser" && user.is_registered)
        .ok_or_else(|| ApiError::unauthorized("User not found"))?;
    if !user.is_active {
        return Err(ApiError::bad_request("User account has been deactivated."));
    }
    Ok(user)
}

/// `PUT /auth/logout`: ends the calling token, or with `allSessions` every token of the user.
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    DfnsJson(body): DfnsJson<LogoutRequest>,
) -> ApiResult<Json<MessageResponse>> {
    if body.all_sessions == Some(true) {
        // Every token issued up to and including this millisecond ends, the calling one too.
        state.store.end_sessions(&caller.user.id, state.now_ms() + 1).await?;
    } else {
        state.store.revoke_token(&caller.claims.jti, caller.claims.exp_ms).await?;
    }
    Ok(Json(MessageResponse { message: "User logged out".to_owned() }))
}
