//! End-user recovery (§3.6): the service account opens a recovery for a user the company verified
//! again (delegated), or the user opens one with a code the emulator "emails"; then the user's
//! recovery key signs, new credentials are made over the recovery challenge, and they replace
//! every earlier credential.
//!
//! Chosen behaviour, from Dfns's "Recover User" (PyPI dfns-sdk 1.0.4 `recover` docstring, and the
//! 2024 docs `user-credentials.md`): "all of the user's previous credentials and personal access
//! tokens will be invalidated". Here every earlier credential (the recovery key used included)
//! becomes inactive for good (retired: listed, never activated again), and every token issued to
//! the user before the recovery ends, since one may sit on the lost device.

use axum::Json;
use axum::extract::State;
use dfns_client::Secret;
use dfns_client::keys::PublicKey;
use dfns_client::models::{
    AllowedRecoveryCredential, DelegatedRecoveryRequest, MessageResponse, RecoverRequest,
    RecoveryAssertion, RecoveryChallenge, RecoveryChallengeRequest, RegistrationResponse,
    SendRecoveryCodeRequest,
};

use super::challenges::{ChallengeKind, already_answered, issue, load_open, new_challenge};
use super::extract::{DfnsJson, Signed, TemporaryCaller};
use super::factors::ensure_unregistered;
use super::one_time_codes::{self, Purpose};
use super::registration::{new_credential_rows, registered, registration_options};
use super::sessions::registered_end_user;
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::{CredentialRow, OutboxRow, UserRow};
use crate::tokens::TokenKind;
use crate::verify::{VerifyError, verify_recovery_assertion};

/// The contract's phrase for a credential that cannot recover (§6).
pub const NOT_A_RECOVERY_FACTOR: &str = "Credential cannot be used as a recovery factor.";

/// `POST /auth/recover/user/delegated` (service account, user action).
pub async fn delegated(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<DelegatedRecoveryRequest>,
) -> ApiResult<Json<RecoveryChallenge>> {
    caller.require_service_account("Auth:Recover:Delegated")?;
    let user = registered_end_user(&state, &body.username).await?;
    let credential = recovery_credential(&state, &user, &body.credential_id).await?;
    Ok(Json(open_recovery(&state, &user, &credential).await?))
}

/// `POST /auth/recover/user/code` (no token): "emails" the user a verification code, readable
/// at `GET /_emulator/outbox`. The answer is the same whether or not the user exists, since
/// anyone may call it.
pub async fn send_code(
    State(state): State<AppState>,
    DfnsJson(body): DfnsJson<SendRecoveryCodeRequest>,
) -> ApiResult<Json<MessageResponse>> {
    ensure_org(&state, &body.org_id)?;
    match end_user_if_any(&state, &body.username).await? {
        Some(user) => {
            let expires_at = state.now_ms().saturating_add(state.lifetimes.temporary_token_ms);
            let code =
                one_time_codes::issue(&state, Purpose::Recovery, &user.id, expires_at).await?;
            let message = OutboxRow {
                id: new_id("em"),
                recipient: user.username.clone(),
                kind: "RecoveryCode".to_owned(),
                subject: "Your recovery code".to_owned(),
                text: format!(
                    "Someone asked to recover the account {}. The code is {code}; it stops \
                     working in {} minutes. If this was not you, ignore this message.",
                    user.username,
                    state.lifetimes.temporary_token_ms / 60_000
                ),
                code: Some(code),
                date_sent: state.clock.now_iso(),
            };
            state.store.send_message(&message).await?;
            tracing::info!(user = %user.id, "recovery code sent");
        }
        None => tracing::debug!("recovery code asked for an unknown or inactive user"),
    }
    Ok(Json(MessageResponse {
        message: "If the user exists, a recovery code was sent to them.".to_owned(),
    }))
}

/// `POST /auth/recover/user/init` (no token): the emailed code opens a recovery.
pub async fn init(
    State(state): State<AppState>,
    DfnsJson(body): DfnsJson<RecoveryChallengeRequest>,
) -> ApiResult<Json<RecoveryChallenge>> {
    ensure_org(&state, &body.org_id)?;
    // An unknown user has no open code: the same answer as a wrong code.
    let user = end_user_if_any(&state, &body.username).await?;
    let open = match &user {
        Some(user) => {
            state
                .store
                .open_code_of_user(Purpose::Recovery.as_str(), &user.id, state.now_ms())
                .await?
        }
        None => None,
    };
    let presented = one_time_codes::normalize(body.verification_code.expose());
    let code = one_time_codes::check(&state, open, &presented).await?;
    let user = user.ok_or_else(|| ApiError::internal("a recovery code without its user"))?;
    // The credential is checked before the code is spent: a mistake there costs no new email.
    let credential = recovery_credential(&state, &user, &body.credential_id).await?;
    one_time_codes::spend(&state, &code).await?;
    Ok(Json(open_recovery(&state, &user, &credential).await?))
}

/// `POST /auth/recover/user` (the recovery's temporary token, no user action).
pub async fn recover(
    State(state): State<AppState>,
    caller: TemporaryCaller,
    DfnsJson(body): DfnsJson<RecoverRequest>,
) -> ApiResult<Json<RegistrationResponse>> {
    let row =
        load_open(&state, &caller.claims.jti, ChallengeKind::Recovery, &caller.user.id).await?;
    let RecoveryAssertion::RecoveryKey { credential_assertion } = &body.recovery;
    let cred_id = credential_assertion.cred_id.trim_end_matches('=');
    // Only the recovery key the recovery was opened for may sign it.
    if row.recovery_credential_id.as_deref() != Some(cred_id) {
        return Err(not_a_recovery_factor(cred_id));
    }
    let credential = recovery_credential(&state, &caller.user, cred_id).await?;
    let public_key = PublicKey::from_pem(&credential.public_key_pem).map_err(ApiError::internal)?;
    verify_recovery_assertion(
        &row.challenge,
        &public_key,
        credential_assertion,
        &body.new_credentials,
    )
    .map_err(|error: VerifyError| {
        ApiError::unauthorized("The credential assertion could not be verified").with_reason(error)
    })?;
    let rows = new_credential_rows(&state, &caller.user, &row.challenge, &body.new_credentials)?;
    ensure_unregistered(&state, &rows).await?;
    if !state.store.complete_recovery(&row.id, &caller.user.id, &rows, state.now_ms()).await? {
        return Err(already_answered());
    }
    tracing::info!(user = %caller.user.id, credentials = rows.len(), "end user recovered");
    Ok(Json(registered(&caller.user, &rows[0])))
}

/// A recovery challenge for `user`, signable by `credential`, with the temporary token that
/// completes it.
async fn open_recovery(
    state: &AppState,
    user: &UserRow,
    credential: &CredentialRow,
) -> ApiResult<RecoveryChallenge> {
    let mut row =
        new_challenge(state, ChallengeKind::Recovery, &user.id, state.lifetimes.temporary_token_ms);
    row.recovery_credential_id = Some(credential.credential_id.clone());
    let temporary = issue(state, &row, TokenKind::Temp).await?;
    tracing::info!(user = %user.id, "recovery opened");
    Ok(RecoveryChallenge {
        temporary_authentication_token: Secret::new(temporary),
        allowed_recovery_credentials: vec![AllowedRecoveryCredential {
            id: credential.credential_id.clone(),
            // A recovery key registered without a wrapped key is held by the client itself.
            encrypted_recovery_key: credential.encrypted_private_key.clone().unwrap_or_default(),
        }],
        options: registration_options(state, user, row.challenge),
    })
}

/// The user's active RecoveryKey credential `credential_id`; anything else is 401.
async fn recovery_credential(
    state: &AppState,
    user: &UserRow,
    credential_id: &str,
) -> ApiResult<CredentialRow> {
    state
        .store
        .credential_by_credential_id(credential_id.trim_end_matches('='))
        .await?
        .filter(|row| row.user_id == user.id && row.kind == "RecoveryKey" && row.is_active)
        .ok_or_else(|| not_a_recovery_factor(credential_id))
}

fn not_a_recovery_factor(credential_id: &str) -> ApiError {
    ApiError::unauthorized(NOT_A_RECOVERY_FACTOR).with_reason(format!(
        "credId {credential_id} is not an active recovery key of the user or of this recovery"
    ))
}

/// The registered, active end user `username`, if there is one.
async fn end_user_if_any(state: &AppState, username: &str) -> ApiResult<Option<UserRow>> {
    match registered_end_user(state, username).await {
        Ok(user) => Ok(Some(user)),
        Err(error) if error.status.is_server_error() => Err(error),
        Err(_) => Ok(None),
    }
}

/// 400 unless `org_id` is this org.
fn ensure_org(state: &AppState, org_id: &str) -> ApiResult<()> {
    if org_id == state.org_id {
        Ok(())
    } else {
        Err(ApiError::bad_request("Unknown orgId")
            .with_details(serde_json::json!({ "orgId": org_id })))
    }
}
