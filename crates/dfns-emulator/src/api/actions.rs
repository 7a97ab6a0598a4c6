//! `POST /auth/action/init` and `POST /auth/action` (§2.1, §2.2).

use axum::Json;
use axum::extract::State;
use dfns_client::Secret;
use dfns_client::models::{
    AllowCredential, AllowCredentials, CredentialKind, SignedChallenge, SupportedCredentialKind,
    UserActionChallenge, UserActionInitRequest, UserActionToken, UserVerification,
};

use super::challenges::{ChallengeKind, already_answered, issue, new_challenge, open_challenge};
use super::extract::{Caller, DfnsJson};
use super::factors::verify_factor;
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::UserActionRow;
use crate::tokens::TokenKind;

const METHODS: [&str; 4] = ["POST", "PUT", "DELETE", "GET"];

/// Creates a challenge over the request the caller is about to send.
pub async fn init(
    State(state): State<AppState>,
    caller: Caller,
    DfnsJson(body): DfnsJson<UserActionInitRequest>,
) -> ApiResult<Json<UserActionChallenge>> {
    if !METHODS.contains(&body.user_action_http_method.as_str()) {
        return Err(ApiError::bad_request("userActionHttpMethod must be POST, PUT, DELETE or GET"));
    }
    if !body.user_action_http_path.starts_with('/') {
        return Err(ApiError::bad_request("userActionHttpPath must be an absolute path"));
    }
    if body.user_action_server_kind.as_deref().is_some_and(|kind| kind != "Api") {
        return Err(ApiError::bad_request("userActionServerKind must be Api"));
    }
    let credentials = state.store.credentials_of(&caller.user.id).await?;
    let signing = |kind: &str| {
        credentials
            .iter()
            .filter(|row| row.is_active && row.kind == kind)
            .map(|row| AllowCredential::public_key(&row.credential_id))
            .collect::<Vec<_>>()
    };
    let allow_credentials = AllowCredentials {
        key: signing("Key"),
        webauthn: signing("Fido2"),
        password_protected_key: None,
    };
    let mut supported = Vec::new();
    if !allow_credentials.webauthn.is_empty() {
        supported.push(first_factor(CredentialKind::Fido2));
    }
    if !allow_credentials.key.is_empty() {
        supported.push(first_factor(CredentialKind::Key));
    }
    if supported.is_empty() {
        return Err(ApiError::bad_request("The user has no active credential to sign with"));
    }
    let mut row = new_challenge(
        &state,
        ChallengeKind::UserAction,
        &caller.user.id,
        state.lifetimes.challenge_ms,
    );
    // Stored without the query: SDKs differ on whether they sign it (§2.1).
    let path = body.user_action_http_path.split('?').next().unwrap_or_default().to_owned();
    row.http_method = Some(body.user_action_http_method);
    row.http_path = Some(path);
    row.payload = Some(body.user_action_payload);
    let challenge_identifier = issue(&state, &row, TokenKind::Challenge).await?;
    Ok(Json(UserActionChallenge {
        challenge: row.challenge,
        challenge_identifier,
        supported_credential_kinds: supported,
        user_verification: UserVerification::Required,
        attestation: Some("direct".to_owned()),
        allow_credentials,
        external_authentication_url: Some(String::new()),
        rp: None,
    }))
}

fn first_factor(kind: CredentialKind) -> SupportedCredentialKind {
    SupportedCredentialKind { kind, factor: "first".to_owned(), requires_second_factor: false }
}

/// Verifies the signed challenge and hands out a single-use user action.
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    DfnsJson(body): DfnsJson<SignedChallenge>,
) -> ApiResult<Json<UserActionToken>> {
    let row = open_challenge(
        &state,
        &body.challenge_identifier,
        ChallengeKind::UserAction,
        &caller.user.id,
    )
    .await?;
    let first = verify_factor(&state, &caller.user, &row.challenge, &body.first_factor).await?;
    if let Some(second) = &body.second_factor {
        let second = verify_factor(&state, &caller.user, &row.challenge, second).await?;
        if second.uuid == first.uuid {
            return Err(ApiError::bad_request("The second factor must be another credential"));
        }
    }
    let now = state.now_ms();
    let action = UserActionRow {
        id: new_id("ua"),
        user_id: caller.user.id.clone(),
        http_method: row.http_method.unwrap_or_default(),
        http_path: row.http_path.unwrap_or_default(),
        payload: row.payload.unwrap_or_default(),
        expires_at: now.saturating_add(state.lifetimes.user_action_ms),
        used_at: None,
    };
    if !state.store.answer_user_action(&row.id, &action, now).await? {
        return Err(already_answered());
    }
    let token = state.tokens.issue(
        TokenKind::UserAction,
        &caller.user.id,
        &state.org_id,
        action.id,
        now,
        state.lifetimes.user_action_ms,
    );
    Ok(Json(UserActionToken { user_action: Secret::new(token) }))
}
