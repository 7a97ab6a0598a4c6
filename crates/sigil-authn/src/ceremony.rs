use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use dfns_client::models::{
    CredentialChallenge, FactorAssertion, NewCredential, RegistrationOptions, UserActionChallenge,
};
use futures::FutureExt as _;

use crate::webauthn::{CreationOptions, RelyingParty, RequestOptions};
use crate::{Authenticator, AuthenticatorKind, AuthnError, CancellationToken, Prompter};

/// Runs passkey ceremonies for Dfns challenges on one authenticator.
#[derive(Clone)]
pub struct Passkeys {
    authenticator: Arc<dyn Authenticator>,
    rp: RelyingParty,
    timeout: Duration,
}

impl std::fmt::Debug for Passkeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passkeys")
            .field("authenticator", &self.authenticator.kind())
            .field("rp", &self.rp)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Passkeys {
    /// Ceremonies on `authenticator` for `rp`, each allowed 60 s (the browser SDK's default).
    pub fn new(authenticator: Arc<dyn Authenticator>, rp: RelyingParty) -> Self {
        Self { authenticator, rp, timeout: Duration::from_secs(60) }
    }

    /// The time a ceremony may take, prompts included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The authenticator's kind.
    pub fn kind(&self) -> AuthenticatorKind {
        self.authenticator.kind()
    }

    /// A new passkey for a delegated registration challenge.
    pub async fn register(
        &self,
        challenge: &RegistrationOptions,
        name: Option<String>,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<NewCredential, AuthnError> {
        let options = CreationOptions::for_registration(&self.rp, challenge)?;
        self.create(&options, name, prompter, cancel).await
    }

    /// A new passkey for an existing user (`POST /auth/credentials/init`, kind Fido2).
    pub async fn add(
        &self,
        challenge: &CredentialChallenge,
        name: Option<String>,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<NewCredential, AuthnError> {
        let options = CreationOptions::for_new_credential(&self.rp, challenge)?;
        self.create(&options, name, prompter, cancel).await
    }

    /// Signs a user-action challenge with one of the credentials it allows.
    pub async fn sign(
        &self,
        challenge: &UserActionChallenge,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<FactorAssertion, AuthnError> {
        let options = RequestOptions::for_user_action(&self.rp, challenge)?;
        let signed = self
            .bounded(cancel, self.authenticator.sign(self.rp.origin(), &options, prompter))
            .await?;
        // Never hand back a credential the server did not ask for.
        if !options.allow.contains(&signed.credential_id) {
            return Err(AuthnError::InvalidResponse(
                "the authenticator answered with a credential the challenge does not allow"
                    .to_owned(),
            ));
        }
        Ok(signed.into_dfns())
    }

    async fn create(
        &self,
        options: &CreationOptions,
        name: Option<String>,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<NewCredential, AuthnError> {
        let created = self
            .bounded(cancel, self.authenticator.create(self.rp.origin(), options, prompter))
            .await?;
        if options.exclude.contains(&created.credential_id) {
            return Err(AuthnError::AlreadyRegistered);
        }
        Ok(created.into_dfns(name))
    }

    /// Runs a ceremony until it ends, the caller cancels, or the timeout passes. An authenticator
    /// whose code panics (a device library dying with the device) ends the ceremony with an
    /// error like any other failure: no assertion, and the app carries on.
    async fn bounded<T>(
        &self,
        cancel: &CancellationToken,
        ceremony: impl Future<Output = Result<T, AuthnError>>,
    ) -> Result<T, AuthnError> {
        // Unwind safety: on a panic the ceremony's borrows (options, prompter) are only read
        // again by the caller, which gets an error and starts any new ceremony afresh.
        let ceremony = AssertUnwindSafe(ceremony).catch_unwind().map(|outcome| {
            outcome.unwrap_or_else(|_| {
                tracing::error!("the authenticator failed inside during the ceremony");
                Err(AuthnError::Authenticator(
                    "it stopped during the ceremony (was it removed?); nothing was signed".into(),
                ))
            })
        });
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => Err(AuthnError::Cancelled),
            outcome = tokio::time::timeout(self.timeout, ceremony) => {
                outcome.unwrap_or(Err(AuthnError::TimedOut(self.timeout)))
            }
        };
        // A cancel that came while the ceremony was finishing wins, even when both happened in
        // one poll (a prompt answered "stop" and the authenticator answered at once): the
        // person said stop.
        if cancel.is_cancelled() {
            return Err(AuthnError::Cancelled);
        }
        outcome
    }
}
