//! The caller's credentials (§5): list, add through a challenge and a user action, activate and
//! deactivate.

use axum::Json;
use axum::extract::State;
use dfns_client::models::{
    AllowCredential, CreateCredentialRequest, Credential, CredentialChallenge,
    CredentialChallengeRequest, CredentialKind, CredentialList, CredentialUuidRequest,
    MessageResponse, NewCredential,
};

use super::challenges::{ChallengeKind, already_answered, issue, new_challenge, open_challenge};
use super::extract::{Caller, DfnsJson, Signed};
use super::factors::{Role, ensure_unregistered, new_credential_row};
use super::registration::{
    authenticator_selection, challenge_user, pub_key_cred_params, relying_party,
};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{ChallengeRow, CredentialRow, UserRow};
use crate::tokens::TokenKind;

fn to_model(row: CredentialRow) -> Credential {
    Credential {
        kind: CredentialKind::from(row.kind.as_str()),
        credential_id: row.credential_id,
        credential_uuid: row.uuid,
        date_created: row.date_created,
        is_active: row.is_active,
        name: row.name,
        public_key: row.public_key_pem,
        relying_party_id: row.relying_party_id,
        origin: row.origin,
    }
}

/// `GET /auth/credentials`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<CredentialList>> {
    let rows = state.store.credentials_of(&caller.user.id).await?;
    Ok(Json(CredentialList { items: rows.into_iter().map(to_model).collect() }))
}

/// `POST /auth/credentials/init`: a challenge for one new credential of the asked kind.
pub async fn init(
    State(state): State<AppState>,
    caller: Caller,
    DfnsJson(body): DfnsJson<CredentialChallengeRequest>,
) -> ApiResult<Json<CredentialChallenge>> {
    ensure_creatable(&body.kind)?;
    Ok(Json(
        credential_challenge(&state, &caller.user, body.kind, ChallengeKind::Credential).await?,
    ))
}

/// 400 unless a credential of `kind` can be added (Password and Totp are deprecated by Dfns).
pub fn ensure_creatable(kind: &CredentialKind) -> ApiResult<()> {
    match kind {
        CredentialKind::Fido2
        | CredentialKind::Key
        | CredentialKind::PasswordProtectedKey
        | CredentialKind::RecoveryKey => Ok(()),
        other => Err(ApiError::bad_request(format!("Credential kind {other} is not supported"))),
    }
}

/// A challenge of `challenge_kind` for one new credential of `kind` for `user`.
pub async fn credential_challenge(
    state: &AppState,
    user: &UserRow,
    kind: CredentialKind,
    challenge_kind: ChallengeKind,
) -> ApiResult<CredentialChallenge> {
    let fido2 = kind == CredentialKind::Fido2;
    let mut row = new_challenge(state, challenge_kind, &user.id, state.lifetimes.challenge_ms);
    row.credential_kind = Some(kind.to_string());
    let challenge_identifier = issue(state, &row, TokenKind::Challenge).await?;
    let exclude = if fido2 {
        let rows = state.store.credentials_of(&user.id).await?;
        Some(
            rows.iter()
                .filter(|row| row.kind == "Fido2")
                .map(|row| AllowCredential::public_key(&row.credential_id))
                .collect(),
        )
    } else {
        None
    };
    Ok(CredentialChallenge {
        kind,
        user: challenge_user(user),
        temporary_authentication_token: Some(challenge_identifier.clone()),
        challenge_identifier,
        challenge: row.challenge,
        rp: Some(relying_party(state)),
        authenticator_selection: fido2.then(authenticator_selection),
        attestation: Some("direct".to_owned()),
        pub_key_cred_params: pub_key_cred_params(),
        exclude_credentials: exclude,
    })
}

/// `POST /auth/credentials` (user action): verifies and stores the new credential.
pub async fn create(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<CreateCredentialRequest>,
) -> ApiResult<Json<Credential>> {
    let row = open_challenge(
        &state,
        &body.challenge_identifier,
        ChallengeKind::Credential,
        &caller.user.id,
    )
    .await?;
    Ok(Json(add_credential(&state, &caller.user, &row, body).await?))
}

/// Verifies the credential `body` made over the open challenge `row` and stores it for `user`,
/// spending the challenge.
pub async fn add_credential(
    state: &AppState,
    user: &UserRow,
    row: &ChallengeRow,
    body: CreateCredentialRequest,
) -> ApiResult<Credential> {
    if row.credential_kind.as_deref() != Some(body.credential_kind.as_str()) {
        return Err(ApiError::bad_request("credentialKind differs from the kind of the challenge"));
    }
    let role = if body.credential_kind == CredentialKind::RecoveryKey {
        Role::Recovery
    } else {
        Role::Signing
    };
    let new_credential = NewCredential {
        credential_kind: body.credential_kind,
        credential_info: body.credential_info,
        credential_name: Some(body.credential_name),
        encrypted_private_key: body.encrypted_private_key,
    };
    let credential = new_credential_row(state, user, &row.challenge, &new_credential, role)?;
    ensure_unregistered(state, std::slice::from_ref(&credential)).await?;
    if !state.store.add_credential(&row.id, &credential, state.now_ms()).await? {
        return Err(already_answered());
    }
    Ok(to_model(credential))
}

/// `PUT /auth/credentials/activate` (user action).
pub async fn activate(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<CredentialUuidRequest>,
) -> ApiResult<Json<MessageResponse>> {
    set_active(&state, &caller, &body.credential_uuid, true).await
}

/// `PUT /auth/credentials/deactivate` (user action).
pub async fn deactivate(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<CredentialUuidRequest>,
) -> ApiResult<Json<MessageResponse>> {
    set_active(&state, &caller, &body.credential_uuid, false).await
}

async fn set_active(
    state: &AppState,
    caller: &Caller,
    uuid: &str,
    active: bool,
) -> ApiResult<Json<MessageResponse>> {
    // Another user's credential is "not found": ids never reveal what exists elsewhere.
    let not_found = || {
        ApiError::not_found("Credential not found")
            .with_details(serde_json::json!({ "credentialUuid": uuid }))
    };
    let credential =
        state.store.credential_of(&caller.user.id, uuid).await?.ok_or_else(not_found)?;
    // Retired by a recovery: it may be on a lost or stolen device, so it never comes back.
    if active && credential.retired_at.is_some() {
        return Err(ApiError::bad_request(
            "Credential was invalidated by an account recovery and cannot be activated",
        )
        .with_details(serde_json::json!({ "credentialUuid": uuid })));
    }
    if !state.store.set_credential_active(&caller.user.id, uuid, active).await? {
        return Err(not_found());
    }
    let message = if active { "Credential activated" } else { "Credential deactivated" };
    Ok(Json(MessageResponse { message: message.to_owned() }))
}
