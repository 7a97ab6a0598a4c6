//! A one-time code with which another computer of the same person adds its own passkey
//! (`POST /auth/credentials/code`, a user action). Not journaled: it moves no money, repeating it
//! only makes another short-lived code, and the code is a secret that stays out of SQLite.

use dfns_client::models::{
    CodeExpiration, CreateCredentialCodeRequest, CredentialCode, SignedChallenge,
};
use sigil_authn::{CancellationToken, Passkeys, Prompter};

use super::Actions;
use crate::error::{Error, Result};

/// How long a code works: Dfns allows two minutes at most; a little less keeps the countdown
/// the person sees ahead of Dfns's clock.
pub const COMPUTER_CODE_LIFETIME_MS: i64 = 110_000;

impl Actions {
    /// Makes a code for another computer, signed with the person's passkey.
    pub async fn create_computer_code(
        &self,
        passkeys: &Passkeys,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<CredentialCode> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let expires_at_s = (self.clock.now_ms() + COMPUTER_CODE_LIFETIME_MS) / 1000;
        let request =
            CreateCredentialCodeRequest { expiration: CodeExpiration::Unix(expires_at_s) };
        let init = |dfns: dfns_client::DelegatedClient| {
            let request = request.clone();
            async move { dfns.create_credential_code_init(&request).await.map(|p| (dfns, p)) }
        };
        let (dfns, pending) = self.dfns.call(init).await?;
        let assertion = passkeys.sign(pending.challenge(), prompter, cancel).await?;
        let signed = SignedChallenge {
            challenge_identifier: pending.challenge().challenge_identifier.clone(),
            first_factor: assertion,
            second_factor: None,
        };
        Ok(dfns.complete(pending, &signed).await?)
    }
}
