//! Turning what a client sent (a new credential, or an assertion) into verified facts, with the
//! store lookups and the status codes around the pure checks of `crate::verify`.

use dfns_client::keys::PublicKey;
use dfns_client::models::{CredentialKind, FactorAssertion, NewCredential};

use crate::error::ApiError;
use crate::ids::new_id;
use crate::state::AppState;
use crate::store::{CredentialRow, UserRow};
use crate::verify::{
    VerifyError, verify_fido2_assertion, verify_fido2_registration, verify_key_assertion,
    verify_key_registration,
};

/// End users' passkeys must verify the user (the challenges say `required`).
pub const USER_VERIFICATION_REQUIRED: bool = true;

/// Which role a new credential plays, and so which kinds it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A signing credential (first or second factor, or one added later).
    Signing,
    /// A recovery credential.
    Recovery,
}

/// Checks a new credential against `challenge` and returns the row to store for `user`.
pub fn new_credential_row(
    state: &AppState,
    user: &UserRow,
    challenge: &str,
    credential: &NewCredential,
    role: Role,
) -> Result<CredentialRow, ApiError> {
    let kind = &credential.credential_kind;
    let allowed = match role {
        Role::Signing => {
            matches!(
                kind,
                CredentialKind::Fido2 | CredentialKind::Key | CredentialKind::PasswordProtectedKey
            )
        }
        Role::Recovery => matches!(kind, CredentialKind::RecoveryKey),
    };
    if !allowed {
        return Err(ApiError::bad_request(format!("Credential kind {kind} cannot be used here")));
    }
    if matches!(kind, CredentialKind::PasswordProtectedKey)
        && credential.encrypted_private_key.is_none()
    {
        return Err(ApiError::bad_request(
            "PasswordProtectedKey credentials need encryptedPrivateKey",
        ));
    }
    let rejected =
        |error: VerifyError| ApiError::bad_request("Invalid credential").with_reason(error);
    let info = &credential.credential_info;
    let (credential_id, public_key, sign_count, origin) = match kind {
        CredentialKind::Fido2 => {
            let verified =
                verify_fido2_registration(&state.rp, challenge, USER_VERIFICATION_REQUIRED, info)
                    .map_err(rejected)?;
            (verified.credential_id, verified.public_key, verified.sign_count, verified.origin)
        }
        _ => {
            let verified = verify_key_registration(challenge, info).map_err(rejected)?;
            // Key signers may leave the origin out; the org's first origin stands in.
            let origin = verified
                .origin
                .unwrap_or_else(|| state.rp.origins[0].origin().ascii_serialization());
            (info.cred_id.clone(), verified.public_key, 0, origin)
        }
    };
    let public_key_pem = public_key.to_pem().map_err(ApiError::internal)?;
    Ok(CredentialRow {
        uuid: new_id("cr"),
        user_id: user.id.clone(),
        kind: kind.to_string(),
        credential_id,
        public_key_pem,
        sign_count: i64::from(sign_count),
        name: credential.credential_name.clone().unwrap_or_else(|| default_name(kind)),
        is_active: true,
        relying_party_id: state.rp.id.clone(),
        origin,
        encrypted_private_key: credential.encrypted_private_key.clone(),
        date_created: state.clock.now_iso(),
        retired_at: None,
    })
}

fn default_name(kind: &CredentialKind) -> String {
    match kind {
        CredentialKind::Fido2 => "Passkey".to_owned(),
        CredentialKind::RecoveryKey => "Recovery key".to_owned(),
        other => format!("{other} credential"),
    }
}

/// 400 when a credential id is already registered, to anyone.
pub async fn ensure_unregistered(state: &AppState, rows: &[CredentialRow]) -> Result<(), ApiError> {
    for (index, row) in rows.iter().enumerate() {
        let repeated = rows[..index].iter().any(|other| other.credential_id == row.credential_id);
        if repeated || state.store.credential_by_credential_id(&row.credential_id).await?.is_some()
        {
            return Err(ApiError::bad_request("Credential already registered")
                .with_reason(format!("credId {} is already registered", row.credential_id)));
        }
    }
    Ok(())
}

/// Checks one factor of a signed challenge made by `user`; returns the credential used.
/// Fido2 counters are moved forward on success.
pub async fn verify_factor(
    state: &AppState,
    user: &UserRow,
    challenge: &str,
    factor: &FactorAssertion,
) -> Result<CredentialRow, ApiError> {
    let (cred_id, kinds): (&str, &[&str]) = match factor {
        FactorAssertion::Fido2 { credential_assertion } => {
            (&credential_assertion.cred_id, &["Fido2"])
        }
        FactorAssertion::Key { credential_assertion } => (&credential_assertion.cred_id, &["Key"]),
        FactorAssertion::PasswordProtectedKey { credential_assertion } => {
            (&credential_assertion.cred_id, &["PasswordProtectedKey"])
        }
    };
    let not_allowed = || {
        ApiError::unauthorized("Credential is not allowed for this challenge").with_reason(format!(
            "credId {cred_id} is not an active credential of the user of the kind sent"
        ))
    };
    let credential = state
        .store
        .credential_by_credential_id(cred_id.trim_end_matches('='))
        .await?
        .filter(|row| row.user_id == user.id && row.is_active && kinds.contains(&row.kind.as_str()))
        .ok_or_else(not_allowed)?;
    let public_key = PublicKey::from_pem(&credential.public_key_pem).map_err(ApiError::internal)?;
    let rejected = |error: VerifyError| {
        ApiError::unauthorized("The credential assertion could not be verified").with_reason(error)
    };
    match factor {
        FactorAssertion::Fido2 { credential_assertion } => {
            let stored = u32::try_from(credential.sign_count).unwrap_or(u32::MAX);
            let count = verify_fido2_assertion(
                &state.rp,
                challenge,
                USER_VERIFICATION_REQUIRED,
                &user.id,
                &public_key,
                stored,
                credential_assertion,
            )
            .map_err(rejected)?;
            state.store.set_sign_count(&credential.uuid, i64::from(count)).await?;
        }
        FactorAssertion::Key { credential_assertion }
        | FactorAssertion::PasswordProtectedKey { credential_assertion } => {
            verify_key_assertion(challenge, &public_key, credential_assertion).map_err(rejected)?;
        }
    }
    Ok(credential)
}
