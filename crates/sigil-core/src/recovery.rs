//! Never locked out (DESIGN.md §3): the recovery kit, recovering access with it after the website
//! checked the person again, and the one-time code with which a computer that has a passkey lets
//! another computer make its own.
//!
//! A kit's code is shown once and must be typed back. Until it is, it waits in the OS keyring
//! (never in a file), so a crash between making the kit and the person writing it down shows the
//! same code again instead of leaving a kit nobody can open.

use std::sync::Arc;

use dfns_client::models::{
    CreateCredentialRequest, Credential, CredentialChallengeWithCodeRequest, CredentialKind,
    NewCredential,
};
use dfns_client::recovery::{RecoveryCode, RecoveryKey, RecoveryKitError};
use dfns_client::{ClientConfig, PublicClient, Secret};
use serde::{Deserialize, Serialize};
use sigil_api::{
    Recovered, RecoveryChallenge, RecoveryCompleteRequest, RegistrationCompleteRequest,
};
use sigil_authn::{CancellationToken, Passkeys, Prompter};
use sigil_store::{SecretBytes, SecretStore};

use crate::error::{Error, Result};
use crate::login::{Auth, keyring};

/// The keyring entry of the kit whose code the person has not typed back yet.
const KIT_TO_CONFIRM: &str = "recovery-kit-to-confirm";

/// The name a kit gets at Dfns.
pub const KIT_NAME: &str = "Recovery kit";

/// The name of a passkey added with a code from another computer.
pub const COMPUTER_PASSKEY_NAME: &str = "Added with a code";

/// A kit whose code waits to be typed back.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KitToConfirm {
    code: String,
    credential_id: String,
}

/// A new recovery kit for `username`, as the credential answering `challenge` (a registration,
/// a new credential or a recovery) and its code, kept until typed back.
pub async fn new_kit(
    secrets: &Arc<dyn SecretStore>,
    username: &str,
    challenge: &str,
) -> Result<NewCredential> {
    let (key, code) = RecoveryKey::create(username).map_err(kit_error)?;
    let credential = key
        .new_credential(challenge, Some(KIT_NAME.to_owned()))
        .map_err(|error| Error::Internal(format!("a recovery key: {error}")))?;
    let kept = KitToConfirm {
        code: code.expose().to_owned(),
        credential_id: key.credential_id().to_owned(),
    };
    let bytes =
        SecretBytes::new(serde_json::to_vec(&kept).map_err(|e| Error::Internal(e.to_string()))?);
    keyring(secrets, move |store| store.set(KIT_TO_CONFIRM, &bytes)).await?;
    Ok(credential)
}

/// The code of the kit the person has not confirmed yet, if any.
pub async fn kit_to_confirm(secrets: &Arc<dyn SecretStore>) -> Result<Option<Secret>> {
    Ok(pending(secrets).await?.map(|kit| Secret::new(kit.code)))
}

/// The person typed the code back: the same code (any case, dashes optional) ends the wait;
/// another is `RECOVERY_CODE_MISMATCH` and the code stays to be shown again.
pub async fn confirm_kit(secrets: &Arc<dyn SecretStore>, typed: &str) -> Result<()> {
    let kit = pending(secrets).await?.ok_or(Error::NoRecoveryKitToConfirm)?;
    let typed = RecoveryCode::parse(typed).map_err(|_| Error::RecoveryCodeMismatch)?;
    if typed.expose() != kit.code {
        return Err(Error::RecoveryCodeMismatch);
    }
    keyring(secrets, |store| store.delete(KIT_TO_CONFIRM)).await.map(drop)
}

/// Forgets a kit that will never reach Dfns (its action was dropped).
pub async fn drop_kit(secrets: &Arc<dyn SecretStore>) -> Result<()> {
    keyring(secrets, |store| store.delete(KIT_TO_CONFIRM)).await.map(drop)
}

/// The credential id of the kit waiting to be confirmed.
pub async fn kit_to_confirm_id(secrets: &Arc<dyn SecretStore>) -> Result<Option<String>> {
    Ok(pending(secrets).await?.map(|kit| kit.credential_id))
}

async fn pending(secrets: &Arc<dyn SecretStore>) -> Result<Option<KitToConfirm>> {
    let Some(bytes) = keyring(secrets, |store| store.get(KIT_TO_CONFIRM)).await? else {
        return Ok(None);
    };
    match serde_json::from_slice(bytes.expose()) {
        Ok(kit) => Ok(Some(kit)),
        Err(_) => {
            // Nothing can show a damaged entry; a new kit can be made.
            tracing::warn!("an unreadable recovery kit entry was removed");
            keyring(secrets, |store| store.delete(KIT_TO_CONFIRM)).await?;
            Ok(None)
        }
    }
}

/// The body that registers a new kit for a signed-in user (`POST /auth/credentials`, kind
/// `RecoveryKey`), signed like any other action.
pub async fn new_kit_request(
    secrets: &Arc<dyn SecretStore>,
    username: &str,
    challenge: &dfns_client::models::CredentialChallenge,
) -> Result<CreateCredentialRequest> {
    let credential = new_kit(secrets, username, &challenge.challenge).await?;
    Ok(CreateCredentialRequest {
        credential_kind: CredentialKind::RecoveryKey,
        credential_info: credential.credential_info,
        credential_name: KIT_NAME.to_owned(),
        challenge_identifier: challenge.challenge_identifier.clone(),
        encrypted_private_key: credential.encrypted_private_key,
    })
}

/// Opens the kit `code` unwraps among those the recovery offers; a wrong code is
/// `RECOVERY_CODE_WRONG` and nothing is sent.
pub fn open_kit(challenge: &RecoveryChallenge, code: &str) -> Result<RecoveryKey> {
    let code = RecoveryCode::parse(code).map_err(kit_error)?;
    let offered = &challenge.challenge.allowed_recovery_credentials;
    RecoveryKey::open(&challenge.challenge.options.user.name, &code, offered).map_err(kit_error)
}

/// Recovers access with `old` (the opened kit) for a recovery the companion opened
/// (`challenge`): a new passkey is made with `passkeys` (this computer), a new kit replaces the
/// spent one, the old key signs, and the companion completes it.
pub async fn recover(
    auth: &Auth,
    challenge: &RecoveryChallenge,
    old: &RecoveryKey,
    passkeys: &Passkeys,
    prompter: &dyn Prompter,
    cancel: &CancellationToken,
) -> Result<Recovered> {
    let options = &challenge.challenge.options;
    let passkey = passkeys.register(options, None, prompter, cancel).await?;
    let kit = new_kit(auth.secrets(), &options.user.name, &options.challenge).await?;
    let request = RecoveryCompleteRequest {
        new_credentials: RegistrationCompleteRequest {
            first_factor_credential: passkey,
            recovery_credential: Some(kit),
        },
        recovery: old.sign(&options.challenge),
    };
    let session = auth.token().await?;
    let recovered = match auth.companion().recovery_complete(&session, &request).await {
        Ok(recovered) => recovered,
        Err(error) => {
            drop_kit(auth.secrets()).await?;
            return Err(auth.check_signed_out(error).await);
        }
    };
    auth.end_recovery().await?;
    tracing::info!(user = %recovered.user.id, "access recovered");
    Ok(recovered)
}

/// Adds a passkey made with `passkeys` on this computer to the account of whoever made `code`
/// on another computer (Dfns at `dfns_api_url`; the code is the only authority). A code Dfns
/// refuses is `COMPUTER_CODE_REFUSED`.
pub async fn add_this_computer(
    dfns_api_url: &str,
    code: &str,
    passkeys: &Passkeys,
    prompter: &dyn Prompter,
    cancel: &CancellationToken,
) -> Result<Credential> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Err(Error::ComputerCodeRefused("type the code the other computer shows".into()));
    }
    let public = PublicClient::new(ClientConfig::new(dfns_api_url)?)?;
    let refused = |error: dfns_client::Error| match error.status() {
        Some(400..=499) => Error::ComputerCodeRefused(error.to_string()),
        _ => Error::Dfns(error),
    };
    let request = CredentialChallengeWithCodeRequest {
        credential_kind: CredentialKind::Fido2,
        code: Secret::new(code),
    };
    let challenge =
        public.create_credential_challenge_with_code(&request).await.map_err(refused)?;
    let name = COMPUTER_PASSKEY_NAME.to_owned();
    let credential = passkeys.add(&challenge, Some(name.clone()), prompter, cancel).await?;
    let request = CreateCredentialRequest {
        credential_kind: credential.credential_kind,
        credential_info: credential.credential_info,
        credential_name: name,
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    public.create_credential_with_code(&request).await.map_err(refused)
}

fn kit_error(error: RecoveryKitError) -> Error {
    match error {
        RecoveryKitError::MalformedCode => Error::RecoveryCodeMalformed,
        RecoveryKitError::WrongCode => Error::RecoveryCodeWrong,
        other => Error::RecoveryKitUnusable(other.to_string()),
    }
}
