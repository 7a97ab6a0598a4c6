//! First sign-in: registration with Dfns through the companion, with the authenticator the user
//! chose, a recovery kit, and the default wallets. One resumable step: the credential is journaled before it
//! is sent, so after a crash the same credential is sent again (the companion's completion is
//! idempotent) and no second passkey is ever made for a registration that went through.

use sigil_api::{ErrorCode, Me, Registered, RegistrationCompleteRequest};
use sigil_authn::{CancellationToken, Passkeys, Prompter};
use sigil_store::{Journal, NewOperation, Operation, OperationState};

use crate::companion::CompanionError;
use crate::error::{Error, Result};
use crate::login::Auth;

/// The journal's kind for a registration.
const KIND: &str = "registration";
/// Where the journaled body goes.
const PATH: &str = "/api/v1/registration/complete";

/// What [`register`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Onboarded {
    /// The user was registered before; nothing was done.
    AlreadyRegistered(Me),
    /// Registration completed now (or was resumed): the user and their wallets.
    Registered(Registered),
}

/// Registers the signed-in user with Dfns, unless they are registered: resumes a journaled
/// registration first, else asks the companion for a challenge, makes the passkey with
/// `passkeys` (the user's chosen authenticator; `prompter` shows its prompts, `cancel` stops
/// it) and completes.
pub async fn register(
    auth: &Auth,
    journal: &Journal,
    passkeys: &Passkeys,
    passkey_name: Option<String>,
    prompter: &dyn Prompter,
    cancel: &CancellationToken,
    now_ms: i64,
) -> Result<Onboarded> {
    let session = auth.session().await?.ok_or(Error::SignedOut)?;
    let owner = session.user.id.clone();
    if let Some(unfinished) =
        journal.unfinished(&owner).await?.into_iter().find(|op| op.kind == KIND)
    {
        tracing::info!(operation = %unfinished.id, "resuming a registration");
        match complete(auth, journal, &unfinished, now_ms).await {
            Err(Error::Companion(CompanionError::Api {
                code: ErrorCode::RegistrationNotStarted,
                ..
            })) => {
                // The challenge expired before the credential reached Dfns: start over.
                journal.advance(&unfinished.id, OperationState::Abandoned, None, now_ms).await?;
            }
            done => return done.map(Onboarded::Registered),
        }
    }
    let me = auth.companion().me(&session.token).await;
    let me = match me {
        Ok(me) => me,
        Err(error) => return Err(auth.check_signed_out(error).await),
    };
    if me.registered {
        return Ok(Onboarded::AlreadyRegistered(me));
    }
    let challenge = match auth.companion().registration_init(&session.token).await {
        Ok(challenge) => challenge,
        Err(error) => return Err(auth.check_signed_out(error).await),
    };
    let credential = passkeys.register(&challenge.options, passkey_name, prompter, cancel).await?;
    // The kit is registered with the passkey; its code waits in the keyring to be shown.
    let (username, signed) = (&challenge.options.user.name, &challenge.options.challenge);
    let kit = crate::recovery::new_kit(auth.secrets(), username, signed).await?;
    let body = RegistrationCompleteRequest {
        first_factor_credential: credential,
        recovery_credential: Some(kit),
    };
    let body = serde_json::to_string(&body).map_err(|error| Error::Internal(error.to_string()))?;
    let intent = serde_json::json!({
        "action": "register",
        "user": session.user.email,
        "passkey": challenge.options.user.name,
    })
    .to_string();
    let operation = journal
        .record(
            &NewOperation {
                kind: KIND,
                owner: &owner,
                external_id: None,
                method: "POST",
                path: PATH,
                body: &body,
                intent: &intent,
                warnings: "[]",
            },
            now_ms,
        )
        .await?;
    complete(auth, journal, &operation, now_ms).await.map(Onboarded::Registered)
}

/// Sends a journaled completion and records the outcome.
async fn complete(
    auth: &Auth,
    journal: &Journal,
    operation: &Operation,
    now_ms: i64,
) -> Result<Registered> {
    let request: RegistrationCompleteRequest =
        serde_json::from_str(&operation.body).map_err(|error| {
            Error::Internal(format!("a journaled registration is unreadable: {error}"))
        })?;
    if operation.state != OperationState::Sent {
        journal.advance(&operation.id, OperationState::Sent, None, now_ms).await?;
    }
    let session = auth.token().await?;
    match auth.companion().registration_complete(&session, &request).await {
        Ok(registered) => {
            let result = serde_json::to_string(&registered.me).ok();
            journal.advance(&operation.id, OperationState::Done, result.as_deref(), now_ms).await?;
            tracing::info!(wallets = registered.wallets.len(), "registered with Dfns");
            Ok(registered)
        }
        Err(error @ CompanionError::Api { code: ErrorCode::CredentialRejected, .. }) => {
            let result =
                serde_json::json!({ "error": "CREDENTIAL_REJECTED", "message": error.to_string() });
            let result = result.to_string();
            journal.advance(&operation.id, OperationState::Failed, Some(&result), now_ms).await?;
            Err(error.into())
        }
        // Unknown outcome (unreachable, 5xx) stays `Sent`: the next attempt resumes it.
        Err(error) => Err(auth.check_signed_out(error).await),
    }
}
