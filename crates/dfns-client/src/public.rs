use reqwest::Method;

use crate::models::{
    CreateCredentialRequest, Credential, CredentialChallenge, CredentialChallengeWithCodeRequest,
    MessageResponse, RecoverRequest, RecoveryChallenge, RecoveryChallengeRequest,
    RegistrationResponse, SendRecoveryCodeRequest,
};
use crate::transport::{ClientConfig, Repeat, Transport};
use crate::{Error, Secret};

/// The calls Dfns takes from someone who holds no credential and no token yet: a new device
/// adding its passkey with a one-time code (§5), and a recovery (§3.6) from its emailed code to
/// `recover` with the recovery's temporary token.
///
/// Each call spends or sends something once (a code, an email, a challenge), so none is retried
/// unless Dfns turned it away unprocessed (429 or 503 with a `Retry-After`).
#[derive(Debug, Clone)]
pub struct PublicClient {
    transport: Transport,
}

impl PublicClient {
    /// A client without a token.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        Ok(Self { transport: Transport::new(config, None)? })
    }

    /// `POST /auth/recover/user/code`: Dfns emails the user a verification code.
    pub async fn send_recovery_code(
        &self,
        request: &SendRecoveryCodeRequest,
    ) -> Result<MessageResponse, Error> {
        self.transport.call(Method::POST, "/auth/recover/user/code", request, Repeat::Never).await
    }

    /// `POST /auth/recover/user/init`: the emailed code opens a recovery.
    pub async fn create_recovery_challenge(
        &self,
        request: &RecoveryChallengeRequest,
    ) -> Result<RecoveryChallenge, Error> {
        self.transport.call(Method::POST, "/auth/recover/user/init", request, Repeat::Never).await
    }

    /// `POST /auth/recover/user` with the recovery's temporary token: the new credentials replace
    /// every earlier one.
    pub async fn recover(
        &self,
        temporary_token: &Secret,
        request: &RecoverRequest,
    ) -> Result<RegistrationResponse, Error> {
        self.transport
            .with_token(temporary_token.clone())
            .call(Method::POST, "/auth/recover/user", request, Repeat::Never)
            .await
    }

    /// `POST /auth/credentials/code/init`: a creation challenge for the user who made `code`.
    pub async fn create_credential_challenge_with_code(
        &self,
        request: &CredentialChallengeWithCodeRequest,
    ) -> Result<CredentialChallenge, Error> {
        self.transport
            .call(Method::POST, "/auth/credentials/code/init", request, Repeat::Never)
            .await
    }

    /// `POST /auth/credentials/code/verify`: the new credential, active at once.
    pub async fn create_credential_with_code(
        &self,
        request: &CreateCredentialRequest,
    ) -> Result<Credential, Error> {
        self.transport
            .call(Method::POST, "/auth/credentials/code/verify", request, Repeat::Never)
            .await
    }
}
