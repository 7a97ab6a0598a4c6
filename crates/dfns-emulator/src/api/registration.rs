//! Delegated registration (§3.1–3.3): the service account creates the end user and a challenge;
//! the client completes with the temporary token and the new credentials.

use axum::Json;
use axum::extract::State;
use dfns_client::Secret;
use dfns_client::models::{
    Authentication, AuthenticatorSelection, ChallengeUser, CredentialKind,
    DelegatedRegistrationRequest, EndUserRegistrationRequest, EndUserRegistrationResponse,
    PubKeyCredParam, RegisteredCredential, RegisteredUser, RegistrationChallenge,
    RegistrationOptions, RegistrationRequest, RegistrationResponse, RelyingParty,
    SupportedFactorKinds, UserKind, UserVerification,
};

use super::challenges::{ChallengeKind, already_answered, issue, load_open, new_challenge};
use super::extract::{DfnsJson, Signed, TemporaryCaller};
use super::factors::{Role, ensure_unregistered, new_credential_row};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::{CredentialRow, UserRow};
use crate::tokens::TokenKind;

/// The rp name shown by authenticators.
pub const RP_NAME: &str = "Dfns Emulator";

/// WebAuthn creation parameters every new passkey gets: ES256 and RS256, as Dfns offers.
pub fn pub_key_cred_params() -> Vec<PubKeyCredParam> {
    [-7, -257].map(|alg| PubKeyCredParam { kind: "public-key".to_owned(), alg }).to_vec()
}

/// Discoverable passkeys with user verification.
pub fn authenticator_selection() -> AuthenticatorSelection {
    AuthenticatorSelection {
        authenticator_attachment: None,
        resident_key: "required".to_owned(),
        require_resident_key: true,
        user_verification: UserVerification::Required,
    }
}

/// The rp of the emulated org.
pub fn relying_party(state: &AppState) -> RelyingParty {
    RelyingParty { id: state.rp.id.clone(), name: RP_NAME.to_owned() }
}

/// The WebAuthn user of `user`.
pub fn challenge_user(user: &UserRow) -> ChallengeUser {
    ChallengeUser {
        id: user.id.clone(),
        name: user.username.clone(),
        display_name: user.username.clone(),
    }
}

/// `POST /auth/registration/delegated` (service account, user action).
pub async fn delegated(
    State(state): State<AppState>,
    Signed { caller, body }: Signed<DelegatedRegistrationRequest>,
) -> ApiResult<Json<RegistrationChallenge>> {
    caller.require_service_account("Auth:Register:Delegated")?;
    if body.kind != UserKind::EndUser {
        return Err(ApiError::bad_request("kind must be EndUser"));
    }
    let username = body.email.trim();
    if username.is_empty() {
        return Err(ApiError::bad_request("email must not be empty"));
    }
    let user = match state.store.user_by_username(username).await? {
        Some(user) if user.is_registered => {
            return Err(ApiError::unauthorized("User already exists."));
        }
        // A user who began registration and did not finish gets a new challenge.
        Some(user) => user,
        None => {
            let user = UserRow {
                id: new_id("us"),
                org_id: state.org_id.clone(),
                username: username.to_owned(),
                kind: "EndUser".to_owned(),
                external_id: body.external_id.clone(),
                is_active: true,
                is_registered: false,
                tokens_valid_after: 0,
                date_created: state.clock.now_iso(),
            };
            state.store.insert_user(&user).await?;
            user
        }
    };
    let row = new_challenge(
        &state,
        ChallengeKind::Registration,
        &user.id,
        state.lifetimes.temporary_token_ms,
    );
    // The temporary token is the challenge's identifier: it completes this registration only.
    let temporary = issue(&state, &row, TokenKind::Temp).await?;
    Ok(Json(RegistrationChallenge {
        temporary_authentication_token: Secret::new(temporary),
        options: registration_options(&state, &user, row.challenge),
    }))
}

/// What a client needs to make `user`'s first credentials (registration) or new ones (recovery)
/// over `challenge`.
pub fn registration_options(
    state: &AppState,
    user: &UserRow,
    challenge: String,
) -> RegistrationOptions {
    let kinds = vec![CredentialKind::Fido2, CredentialKind::Key];
    RegistrationOptions {
        user: challenge_user(user),
        challenge,
        rp: Some(relying_party(state)),
        supported_credential_kinds: SupportedFactorKinds {
            first_factor: kinds.clone(),
            second_factor: kinds,
        },
        authenticator_selection: authenticator_selection(),
        attestation: "direct".to_owned(),
        pub_key_cred_params: pub_key_cred_params(),
        exclude_credentials: Vec::new(),
        otp_url: Some(String::new()),
    }
}

/// `POST /auth/registration` (temporary token, no user action).
pub async fn complete(
    State(state): State<AppState>,
    caller: TemporaryCaller,
    DfnsJson(body): DfnsJson<RegistrationRequest>,
) -> ApiResult<Json<RegistrationResponse>> {
    Ok(Json(register(&state, &caller, &body).await?))
}

/// `POST /auth/registration/enduser`: registration, then wallets delegated to the new user.
pub async fn end_user(
    State(state): State<AppState>,
    caller: TemporaryCaller,
    DfnsJson(body): DfnsJson<EndUserRegistrationRequest>,
) -> ApiResult<Json<EndUserRegistrationResponse>> {
    // Refuse unknown networks before anything is spent.
    for wallet in &body.wallets {
        super::wallets::supported_network(&wallet.network)?;
    }
    let registered = register(&state, &caller, &body.registration()).await?;
    let user = state
        .store
        .user(&registered.user.id)
        .await?
        .ok_or_else(|| ApiError::internal("the user just registered is gone"))?;
    let wallets = super::wallets::create_for_new_user(&state, &user, &body.wallets).await?;
    let now = state.now_ms();
    let token = state.tokens.issue(
        TokenKind::Login,
        &registered.user.id,
        &state.org_id,
        new_id("to"),
        now,
        state.lifetimes.login_token_ms,
    );
    Ok(Json(EndUserRegistrationResponse {
        credential: registered.credential,
        user: registered.user,
        authentication: Authentication { token: Secret::new(token) },
        wallets,
    }))
}

/// Verifies every credential against the registration challenge, then stores them all at once.
async fn register(
    state: &AppState,
    caller: &TemporaryCaller,
    body: &RegistrationRequest,
) -> ApiResult<RegistrationResponse> {
    // A leftover temporary token must not add credentials to a live account.
    if caller.user.is_registered {
        return Err(ApiError::unauthorized("User already exists."));
    }
    let row =
        load_open(state, &caller.claims.jti, ChallengeKind::Registration, &caller.user.id).await?;
    let rows = new_credential_rows(state, &caller.user, &row.challenge, body)?;
    ensure_unregistered(state, &rows).await?;
    if !state.store.complete_registration(&row.id, &caller.user.id, &rows, state.now_ms()).await? {
        return Err(already_answered());
    }
    tracing::info!(user = %caller.user.id, credentials = rows.len(), "end user registered");
    Ok(registered(&caller.user, &rows[0]))
}

/// Checks every credential of a registration or recovery against `challenge` (all of them sign
/// the same one, §3.2) and returns the rows to store, the first factor first.
pub fn new_credential_rows(
    state: &AppState,
    user: &UserRow,
    challenge: &str,
    body: &RegistrationRequest,
) -> ApiResult<Vec<CredentialRow>> {
    let mut rows = vec![new_credential_row(
        state,
        user,
        challenge,
        &body.first_factor_credential,
        Role::Signing,
    )?];
    if let Some(second) = &body.second_factor_credential {
        rows.push(new_credential_row(state, user, challenge, second, Role::Signing)?);
    }
    if let Some(recovery) = &body.recovery_credential {
        rows.push(new_credential_row(state, user, challenge, recovery, Role::Recovery)?);
    }
    Ok(rows)
}

/// The answer of a registration or a recovery: `user` and their new first factor.
pub fn registered(user: &UserRow, first: &CredentialRow) -> RegistrationResponse {
    RegistrationResponse {
        credential: RegisteredCredential {
            uuid: first.uuid.clone(),
            kind: CredentialKind::from(first.kind.as_str()),
            name: first.name.clone(),
        },
        user: RegisteredUser {
            id: user.id.clone(),
            username: user.username.clone(),
            org_id: user.org_id.clone(),
        },
    }
}
