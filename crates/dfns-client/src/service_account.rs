use std::sync::Arc;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::models::{
    Authentication, CreateWalletRequest, DelegatedLoginRequest, DelegatedRecoveryRequest,
    DelegatedRegistrationRequest, EndUserRegistrationRequest, EndUserRegistrationResponse,
    RecoveryChallenge, RegistrationChallenge, RegistrationRequest, RegistrationResponse,
    SignedChallenge, Wallet,
};
use crate::reads::Reads;
use crate::transport::{ClientConfig, Repeat, Transport};
use crate::{CredentialSigner, Error, Secret};

/// The company's service account: its bearer token plus a signer for its Key credential. Every
/// write runs `/auth/action/init` → sign → `/auth/action` → request with `X-DFNS-USERACTION`.
///
/// Reads ([`Reads`]) are reached through `Deref`.
#[derive(Debug, Clone)]
pub struct ServiceAccountClient {
    transport: Transport,
    reads: Reads,
    signer: Arc<dyn CredentialSigner>,
}

impl std::ops::Deref for ServiceAccountClient {
    type Target = Reads;

    fn deref(&self) -> &Reads {
        &self.reads
    }
}

impl ServiceAccountClient {
    /// A client with the service account's `token`, signing with `signer`.
    pub fn new(
        config: ClientConfig,
        token: Secret,
        signer: Arc<dyn CredentialSigner>,
    ) -> Result<Self, Error> {
        let transport = Transport::new(config, Some(token))?;
        Ok(Self { reads: Reads { transport: transport.clone() }, transport, signer })
    }

    /// `POST /auth/registration/delegated`: creates the end user and a registration challenge.
    pub async fn create_delegated_registration_challenge(
        &self,
        request: &DelegatedRegistrationRequest,
    ) -> Result<RegistrationChallenge, Error> {
        self.signed(Method::POST, "/auth/registration/delegated", request).await
    }

    /// `POST /auth/registration`, authenticated with the registration's temporary token.
    pub async fn register(
        &self,
        temporary_token: &Secret,
        request: &RegistrationRequest,
    ) -> Result<RegistrationResponse, Error> {
        self.transport
            .with_token(temporary_token.clone())
            .call(Method::POST, "/auth/registration", request, Repeat::Never)
            .await
    }

    /// `POST /auth/registration/enduser`: registration plus wallets, with the temporary token.
    pub async fn register_end_user(
        &self,
        temporary_token: &Secret,
        request: &EndUserRegistrationRequest,
    ) -> Result<EndUserRegistrationResponse, Error> {
        self.transport
            .with_token(temporary_token.clone())
            .call(Method::POST, "/auth/registration/enduser", request, Repeat::Never)
            .await
    }

    /// `POST /auth/recover/user/delegated`: opens a recovery for an end user the company has
    /// verified again, with their recovery credential `credentialId`. The answer's temporary
    /// token completes it through [`crate::PublicClient::recover`].
    pub async fn create_delegated_recovery_challenge(
        &self,
        request: &DelegatedRecoveryRequest,
    ) -> Result<RecoveryChallenge, Error> {
        self.signed(Method::POST, "/auth/recover/user/delegated", request).await
    }

    /// `POST /auth/login/delegated`: a read token for the end user `username`.
    pub async fn delegated_login(
        &self,
        request: &DelegatedLoginRequest,
    ) -> Result<Authentication, Error> {
        self.signed(Method::POST, "/auth/login/delegated", request).await
    }

    /// `POST /wallets`: a wallet, delegated to `delegateTo` when set. Idempotent by `externalId`.
    pub async fn create_wallet(&self, request: &CreateWalletRequest) -> Result<Wallet, Error> {
        self.signed(Method::POST, "/wallets", request).await
    }

    /// Any write that needs the service account's user action.
    pub async fn signed<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<R, Error> {
        let pending = self.transport.action_init(method, path, body).await?;
        let first_factor = self.signer.sign(pending.challenge())?;
        let signed = SignedChallenge {
            challenge_identifier: pending.challenge().challenge_identifier.clone(),
            first_factor,
            second_factor: None,
        };
        self.transport.action_complete(pending, &signed).await
    }
}
