//! Confirming a prepared action: Init → passkey → Complete with exactly the journaled method,
//! path and bytes; or giving it up.

use dfns_client::models::{
    Credential, CredentialUuidRequest, Signature, SignedChallenge, Transfer, Wallet,
};
use dfns_client::{DelegatedClient, Method};
use serde_json::Value;
use sigil_authn::{CancellationToken, Passkeys, Prompter};
use sigil_store::{Operation, OperationState};

use super::{ActionKind, Actions, PREPARED_LIFETIME_MS, internal, kind_of};
use crate::error::{Error, Result};

/// What a confirmed action produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The transfer, as Dfns accepted it.
    Transfer(Transfer),
    /// The signature.
    Signature(Signature),
    /// The new wallet.
    Wallet(Wallet),
    /// The new passkey.
    PasskeyAdded(Credential),
    /// The passkey is deactivated.
    PasskeyDeactivated {
        /// Its uuid.
        credential_uuid: String,
    },
}

impl Actions {
    /// Signs and sends a prepared action with the user's passkey, exactly as journaled. An
    /// operation whose earlier attempt has an unknown outcome is first looked up at Dfns; it is
    /// signed again only if Dfns never received it.
    pub async fn confirm(
        &self,
        owner: &str,
        operation_id: &str,
        passkeys: &Passkeys,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<Outcome> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let operation = self.operation(owner, operation_id).await?;
        if operation.state.is_final() {
            return Err(Error::OperationFinished(operation.state.to_string()));
        }
        // Nothing of it went out yet (a `Sent` one is reconciled, however old).
        if operation.state != OperationState::Sent
            && self.clock.now_ms() - operation.created_at_ms >= PREPARED_LIFETIME_MS
        {
            self.advance(&operation, OperationState::Abandoned, None).await?;
            return Err(Error::OperationExpired { minutes: PREPARED_LIFETIME_MS / 60_000 });
        }
        let kind = kind_of(&operation)?;
        if operation.state == OperationState::Sent
            && let Some(outcome) = self.look_up(kind, &operation).await?
        {
            return self.finish(&operation, outcome).await;
        }
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|_| internal(format!("a journaled method {:?}", operation.method)))?;
        let (path, body) = (operation.path.clone(), operation.body.clone());
        let init = |dfns: DelegatedClient| {
            let (method, path, body) = (method.clone(), path.clone(), body.clone());
            async move { dfns.action_init_text::<Value>(method, &path, body).await.map(|p| (dfns, p)) }
        };
        // A challenge that expired while the person approved is asked for once more: nothing
        // was sent, so a fresh challenge signs the same journaled bytes.
        let mut fresh_challenge = true;
        let (dfns, pending, token) = loop {
            let (dfns, pending) = self.dfns.call(init).await?;
            if fresh_challenge {
                self.advance(&operation, OperationState::Initiated, None).await?;
            }
            let assertion = passkeys.sign(pending.challenge(), prompter, cancel).await?;
            let signed = SignedChallenge {
                challenge_identifier: pending.challenge().challenge_identifier.clone(),
                first_factor: assertion,
                second_factor: None,
            };
            match dfns.sign_action(&signed).await {
                Ok(token) => break (dfns, pending, token),
                Err(error) if error.status() == Some(401) => {
                    self.dfns.forget().await;
                    return Err(Error::SessionEndedDuringAction);
                }
                Err(error)
                    if fresh_challenge
                        && error.status().is_some_and(|s| (400..500).contains(&s) && s != 429) =>
                {
                    tracing::info!(operation = %operation.id, %error, "the signature was refused; asking for a fresh challenge once");
                    fresh_challenge = false;
                }
                // Nothing was sent: the action stays open to be confirmed again.
                Err(error) => return Err(error.into()),
            }
        };
        self.advance(&operation, OperationState::Sent, None).await?;
        match dfns.send_signed(pending, &token).await {
            Ok(answer) => {
                let outcome = outcome_of(kind, &operation, answer)?;
                self.finish(&operation, outcome).await
            }
            Err(error) if error.status().is_some_and(|s| (400..500).contains(&s) && s != 429) => {
                let result =
                    serde_json::json!({ "status": error.status(), "message": error.to_string() });
                self.journal
                    .advance(
                        &operation.id,
                        OperationState::Failed,
                        Some(&result.to_string()),
                        self.clock.now_ms(),
                    )
                    .await?;
                Err(error.into())
            }
            // No answer, or a 5xx: the outcome is unknown; the operation stays `Sent`.
            Err(error) => Err(Error::OutcomeUnknown(error.to_string())),
        }
    }

    /// Gives up a prepared action the user did not confirm.
    pub async fn cancel(&self, owner: &str, operation_id: &str) -> Result<()> {
        let operation = self.operation(owner, operation_id).await?;
        if operation.state == OperationState::Sent {
            // It may have happened: only reconciliation may close it.
            return Err(Error::OutcomeUnknown("the request may have been sent".into()));
        }
        self.advance(&operation, OperationState::Abandoned, None).await
    }
}

/// The typed outcome of Dfns's answer.
fn outcome_of(kind: ActionKind, operation: &Operation, answer: Value) -> Result<Outcome> {
    Ok(match kind {
        ActionKind::Transfer => {
            Outcome::Transfer(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::Signature => {
            Outcome::Signature(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::CreateWallet => {
            Outcome::Wallet(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::AddPasskey => {
            Outcome::PasskeyAdded(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::DeactivatePasskey => {
            let body: CredentialUuidRequest =
                serde_json::from_str(&operation.body).map_err(internal)?;
            Outcome::PasskeyDeactivated { credential_uuid: body.credential_uuid }
        }
    })
}
