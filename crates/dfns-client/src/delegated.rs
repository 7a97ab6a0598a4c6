use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::models::{
    CreateCredentialCodeRequest, CreateCredentialRequest, CreateWalletRequest, Credential,
    CredentialChallenge, CredentialChallengeRequest, CredentialCode, CredentialKind,
    CredentialUuidRequest, LogoutRequest, MessageResponse, Signature, SignatureRequest,
    SignedChallenge, Transfer, TransferRequest, UserActionToken, Wallet,
};
use crate::reads::{Reads, segment};
use crate::transport::{ClientConfig, PendingAction, Repeat, Transport};
use crate::{Error, Secret};

/// An end user's client: their token from delegated login and no signer. Reads are plain calls;
/// every write is an `*_init` that returns a [`PendingAction`] holding the challenge, and
/// [`DelegatedClient::complete`] that sends the same bytes with the user's signature.
///
/// Reads ([`Reads`]) are reached through `Deref`.
#[derive(Debug, Clone)]
pub struct DelegatedClient {
    transport: Transport,
    reads: Reads,
}

impl std::ops::Deref for DelegatedClient {
    type Target = Reads;

    fn deref(&self) -> &Reads {
        &self.reads
    }
}

impl DelegatedClient {
    /// A client for the end user holding `token`.
    pub fn new(config: ClientConfig, token: Secret) -> Result<Self, Error> {
        let transport = Transport::new(config, Some(token))?;
        Ok(Self { reads: Reads { transport: transport.clone() }, transport })
    }

    /// The same client with a fresh token (after a refresh).
    pub fn with_token(&self, token: Secret) -> Self {
        let transport = self.transport.with_token(token);
        Self { reads: Reads { transport: transport.clone() }, transport }
    }

    /// `POST /wallets`, step 1: a wallet on `network`, delegated to the user.
    pub async fn create_wallet_init(
        &self,
        request: &CreateWalletRequest,
    ) -> Result<PendingAction<Wallet>, Error> {
        self.transport.action_init(Method::POST, "/wallets", request).await
    }

    /// `POST /wallets/{id}/transfers`, step 1.
    pub async fn transfer_asset_init(
        &self,
        wallet_id: &str,
        request: &TransferRequest,
    ) -> Result<PendingAction<Transfer>, Error> {
        let path = format!("/wallets/{}/transfers", segment(wallet_id));
        self.transport.action_init(Method::POST, &path, request).await
    }

    /// `POST /wallets/{id}/signatures`, step 1 (Dfns deprecates it for the keys endpoint).
    pub async fn generate_signature_init(
        &self,
        wallet_id: &str,
        request: &SignatureRequest,
    ) -> Result<PendingAction<Signature>, Error> {
        let path = format!("/wallets/{}/signatures", segment(wallet_id));
        self.transport.action_init(Method::POST, &path, request).await
    }

    /// `POST /keys/{keyId}/signatures`, step 1; `blockchainKind` says how to read the payload.
    pub async fn generate_key_signature_init(
        &self,
        key_id: &str,
        request: &SignatureRequest,
    ) -> Result<PendingAction<Signature>, Error> {
        let path = format!("/keys/{}/signatures", segment(key_id));
        self.transport.action_init(Method::POST, &path, request).await
    }

    /// `POST /auth/credentials/init`: a challenge for a new credential of `kind`.
    pub async fn create_credential_challenge(
        &self,
        kind: CredentialKind,
    ) -> Result<CredentialChallenge, Error> {
        let body = CredentialChallengeRequest { kind };
        self.transport.call(Method::POST, "/auth/credentials/init", &body, Repeat::Safe).await
    }

    /// `POST /auth/credentials`, step 1.
    pub async fn create_credential_init(
        &self,
        request: &CreateCredentialRequest,
    ) -> Result<PendingAction<Credential>, Error> {
        self.transport.action_init(Method::POST, "/auth/credentials", request).await
    }

    /// `POST /auth/credentials/code`, step 1: a one-time code with which another device adds a
    /// credential of this user (through [`crate::PublicClient`]).
    pub async fn create_credential_code_init(
        &self,
        request: &CreateCredentialCodeRequest,
    ) -> Result<PendingAction<CredentialCode>, Error> {
        self.transport.action_init(Method::POST, "/auth/credentials/code", request).await
    }

    /// `PUT /auth/credentials/activate`, step 1.
    pub async fn activate_credential_init(
        &self,
        credential_uuid: &str,
    ) -> Result<PendingAction<MessageResponse>, Error> {
        let body = CredentialUuidRequest { credential_uuid: credential_uuid.to_owned() };
        self.transport.action_init(Method::PUT, "/auth/credentials/activate", &body).await
    }

    /// `PUT /auth/credentials/deactivate`, step 1.
    pub async fn deactivate_credential_init(
        &self,
        credential_uuid: &str,
    ) -> Result<PendingAction<MessageResponse>, Error> {
        let body = CredentialUuidRequest { credential_uuid: credential_uuid.to_owned() };
        self.transport.action_init(Method::PUT, "/auth/credentials/deactivate", &body).await
    }

    /// Step 1 of any write whose body was built before (and kept, e.g. in a journal): `body`
    /// must be the JSON text of the request; it is signed and later sent byte for byte.
    pub async fn action_init_text<R>(
        &self,
        method: Method,
        path: &str,
        body: String,
    ) -> Result<PendingAction<R>, Error> {
        self.transport.action_init_text(method, path, body).await
    }

    /// Step 2 of any write: `POST /auth/action` with the user's signature, then the request
    /// with exactly the bytes step 1 signed.
    pub async fn complete<R: DeserializeOwned>(
        &self,
        pending: PendingAction<R>,
        signed: &SignedChallenge,
    ) -> Result<R, Error> {
        self.transport.action_complete(pending, signed).await
    }

    /// Step 2a: `POST /auth/action` with the user's signature, for the one-time token of the
    /// action. Nothing of the action is sent yet: a refusal here (e.g. an expired challenge)
    /// leaves it unsent, and it may be initiated again.
    pub async fn sign_action(&self, signed: &SignedChallenge) -> Result<UserActionToken, Error> {
        self.transport.action_sign(signed).await
    }

    /// Step 2b: the request with exactly the bytes step 1 signed, and the token of step 2a.
    pub async fn send_signed<R: DeserializeOwned>(
        &self,
        pending: PendingAction<R>,
        token: &UserActionToken,
    ) -> Result<R, Error> {
        self.transport.action_send(pending, token).await
    }

    /// `PUT /auth/logout`: ends this token, or every session of the user.
    pub async fn logout(&self, all_sessions: bool) -> Result<MessageResponse, Error> {
        let body = LogoutRequest { all_sessions: all_sessions.then_some(true) };
        self.transport.call(Method::PUT, "/auth/logout", &body, Repeat::Never).await
    }
}
