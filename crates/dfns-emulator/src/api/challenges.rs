//! Handing out challenges and taking them back: every challenge is a stored row plus a signed
//! identifier; answering one checks kind, owner, expiry and that it is answered only once.

use crate::error::{ApiError, CHALLENGE_INVALID};
use crate::ids::{new_id, random_token};
use crate::state::AppState;
use crate::store::ChallengeRow;
use crate::tokens::{Claims, TokenKind};

/// The kinds of challenge, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeKind {
    /// Signs a user action.
    UserAction,
    /// Registers a user's first credentials.
    Registration,
    /// Adds a credential.
    Credential,
    /// Adds a credential for whoever holds a one-time code: answered without a token or a user
    /// action, so it must never be mistaken for [`Self::Credential`].
    CodeCredential,
    /// Replaces every credential of a user who recovers.
    Recovery,
}

impl ChallengeKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::UserAction => "UserAction",
            Self::Registration => "Registration",
            Self::Credential => "Credential",
            Self::CodeCredential => "CodeCredential",
            Self::Recovery => "Recovery",
        }
    }
}

/// A new challenge row for `user_id`, good for `ttl_ms`; fill in the kind-specific fields.
pub fn new_challenge(
    state: &AppState,
    kind: ChallengeKind,
    user_id: &str,
    ttl_ms: i64,
) -> ChallengeRow {
    ChallengeRow {
        id: new_id("ch"),
        kind: kind.as_str().to_owned(),
        user_id: user_id.to_owned(),
        challenge: random_token::<32>(),
        http_method: None,
        http_path: None,
        payload: None,
        credential_kind: None,
        recovery_credential_id: None,
        expires_at: state.now_ms().saturating_add(ttl_ms),
        used_at: None,
    }
}

/// Stores `row` and returns its signed identifier (`challengeIdentifier`).
pub async fn issue(
    state: &AppState,
    row: &ChallengeRow,
    token_kind: TokenKind,
) -> Result<String, ApiError> {
    state.store.insert_challenge(row).await?;
    let now = state.now_ms();
    Ok(state.tokens.issue(
        token_kind,
        &row.user_id,
        &state.org_id,
        row.id.clone(),
        now,
        row.expires_at - now,
    ))
}

/// The open challenge of `kind` behind `identifier`, if it belongs to `user_id`. Used, expired,
/// foreign or forged identifiers all get the contract's 400.
pub async fn open_challenge(
    state: &AppState,
    identifier: &str,
    kind: ChallengeKind,
    user_id: &str,
) -> Result<ChallengeRow, ApiError> {
    let claims = identifier_claims(state, identifier)?;
    load_open(state, &claims.jti, kind, user_id).await
}

/// The open challenge of `kind` behind `identifier`, for a caller who has no token: the user is
/// the one the challenge was issued to.
pub async fn open_challenge_of_issued_user(
    state: &AppState,
    identifier: &str,
    kind: ChallengeKind,
) -> Result<ChallengeRow, ApiError> {
    let claims = identifier_claims(state, identifier)?;
    load_open(state, &claims.jti, kind, &claims.sub).await
}

fn identifier_claims(state: &AppState, identifier: &str) -> Result<Claims, ApiError> {
    state
        .tokens
        .verify(identifier, &[TokenKind::Challenge], state.now_ms())
        .map_err(|error| ApiError::bad_request(CHALLENGE_INVALID).with_reason(error.to_string()))
}

/// The open challenge `id` of `kind` belonging to `user_id`.
pub async fn load_open(
    state: &AppState,
    id: &str,
    kind: ChallengeKind,
    user_id: &str,
) -> Result<ChallengeRow, ApiError> {
    let invalid = |reason: &str| ApiError::bad_request(CHALLENGE_INVALID).with_reason(reason);
    let row = state.store.challenge(id).await?.ok_or_else(|| invalid("unknown challenge"))?;
    if row.kind != kind.as_str() || row.user_id != user_id {
        return Err(invalid("the challenge belongs to another user or ceremony"));
    }
    if row.used_at.is_some() {
        return Err(invalid("the challenge has already been answered"));
    }
    if state.now_ms() >= row.expires_at {
        return Err(invalid("the challenge has expired"));
    }
    Ok(row)
}

/// The contract's 400 for a challenge answered twice (the loser of a race).
pub fn already_answered() -> ApiError {
    ApiError::bad_request(CHALLENGE_INVALID).with_reason("the challenge has already been answered")
}
