//! Credentials for a new device (§5, "Create Credential With Code"): a device that holds a
//! credential makes a one-time code with a user action; the new device, with no token, turns the
//! code into a creation challenge and then into an active credential.

use axum::Json;
use axum::extract::State;
use dfns_client::Secret;
use dfns_client::models::{
    CodeExpiration, CreateCredentialCodeRequest, CreateCredentialRequest, Credential,
    CredentialChallenge, CredentialChallengeWithCodeRequest, CredentialCode,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::challenges::{ChallengeKind, open_challenge_of_issued_user};
use super::credentials::{add_credential, credential_challenge, ensure_creatable};
use super::extract::{DfnsJson, Signed};
use super::one_time_codes::{self, Purpose, code_invalid};
use crate::clock::iso_from_ms;
use crate::error::{ApiError, ApiResult, CHALLENGE_INVALID};
use crate::state::AppState;
use crate::store::UserRow;

/// The longest a credential code may live. Dfns documents one minute; a little more leaves room
/// for a clock that runs behind.
pub const CODE_MAX_LIFETIME_MS: i64 = 2 * 60_000;

/// Unix timestamps from here on are read as milliseconds (10^11 seconds is the year 5138).
const MILLISECONDS_FROM: i64 = 100_000_000_000;

/// `POST /auth/credentials/code` (end user, user action): a one-time code.
pub async fn create(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<CreateCredentialCodeRequest>,
) -> ApiResult<Json<CredentialCode>> {
    caller.require_end_user("Auth:Credentials:Code:Create")?;
    let now = state.now_ms();
    let expires_at = expiration_ms(&body.expiration)?;
    if expires_at <= now {
        return Err(ApiError::bad_request("expiration must be in the future"));
    }
    if expires_at - now > CODE_MAX_LIFETIME_MS {
        return Err(ApiError::bad_request(format!(
            "expiration must be at most {} seconds away",
            CODE_MAX_LIFETIME_MS / 1000
        )));
    }
    let code =
        one_time_codes::issue(&state, Purpose::Credential, &caller.user.id, expires_at).await?;
    tracing::info!(user = %caller.user.id, "credential code made");
    Ok(Json(CredentialCode { code: Secret::new(code), expiration: iso_from_ms(expires_at) }))
}

/// `POST /auth/credentials/code/init` (no token): spends the code and answers a creation
/// challenge for its user.
pub async fn init(
    State(state): State<AppState>,
    DfnsJson(body): DfnsJson<CredentialChallengeWithCodeRequest>,
) -> ApiResult<Json<CredentialChallenge>> {
    // A kind we cannot make is refused before the code is looked at: it stays good.
    ensure_creatable(&body.credential_kind)?;
    let presented = one_time_codes::normalize(body.code.expose());
    let locator = one_time_codes::locator(&presented);
    let open = state
        .store
        .open_code_by_locator(Purpose::Credential.as_str(), locator, state.now_ms())
        .await?;
    let code = one_time_codes::check(&state, open, &presented).await?;
    let user = usable_user(&state, &code.user_id).await?.ok_or_else(code_invalid)?;
    one_time_codes::spend(&state, &code).await?;
    let challenge =
        credential_challenge(&state, &user, body.credential_kind, ChallengeKind::CodeCredential)
            .await?;
    Ok(Json(challenge))
}

/// `POST /auth/credentials/code/verify` (no token): verifies and stores the new credential.
pub async fn verify(
    State(state): State<AppState>,
    DfnsJson(body): DfnsJson<CreateCredentialRequest>,
) -> ApiResult<Json<Credential>> {
    let row = open_challenge_of_issued_user(
        &state,
        &body.challenge_identifier,
        ChallengeKind::CodeCredential,
    )
    .await?;
    let user = usable_user(&state, &row.user_id).await?.ok_or_else(|| {
        ApiError::bad_request(CHALLENGE_INVALID).with_reason("the user is no longer active")
    })?;
    Ok(Json(add_credential(&state, &user, &row, body).await?))
}

/// The registered, active user `user_id`.
async fn usable_user(state: &AppState, user_id: &str) -> ApiResult<Option<UserRow>> {
    Ok(state.store.user(user_id).await?.filter(|user| user.is_active && user.is_registered))
}

/// An expiration as Unix milliseconds.
fn expiration_ms(expiration: &CodeExpiration) -> ApiResult<i64> {
    match expiration {
        CodeExpiration::Iso(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map(|time| i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
            .map_err(|error| {
                ApiError::bad_request("expiration is not an ISO 8601 time").with_reason(error)
            }),
        CodeExpiration::Unix(value) if *value >= MILLISECONDS_FROM => Ok(*value),
        CodeExpiration::Unix(seconds) => Ok(seconds.saturating_mul(1000)),
    }
}
