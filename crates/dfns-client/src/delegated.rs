use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::models::{
    CreateCredentialRequest, Credential, CredentialChallenge, CredentialChallengeRequest,
    CredentialKind, CredentialList, CredentialUuidRequest, LogoutRequest, MessageResponse,
    SignedChallenge,
};
use crate::transport::{ClientConfig, PendingAction, Repeat, Transport};
use crate::{Error, Secret};

/// An end user's client: their token from delegated login and no signer. Reads are plain calls;
/// every write is an `*_init` that returns a [`PendingAction`] holding the challenge, and
/// [`DelegatedClient::complete`] that sends the same bytes with the user's signature.
#[derive(Debug, Clone)]
pub struct DelegatedClient {
    transport: Transport,
}

impl DelegatedClient {
    /// A client for the end user holding `token`.
    pub fn new(config: ClientConfig, token: Secret) -> Result<Self, Error> {
        Ok(Self {
            transport: Transport::new(config, token)?,
        })
    }

    /// The same client with a fresh token (after a refresh).
    pub fn with_token(&self, token: Secret) -> Self {
        Self {
            transport: self.transport.with_token(token),
        }
    }

    /// `GET /auth/credentials`.
    pub async fn list_credentials(&self) -> Result<CredentialList, Error> {
        self.transport.get("/auth/credentials").await
    }

    /// `POST /auth/credentials/init`: a challenge for a new credential of `kind`.
    pub async fn create_credential_challenge(
        &self,
        kind: CredentialKind,
    ) -> Result<CredentialChallenge, Error> {
        let body = CredentialChallengeRequest { kind };
        self.transport
            .call(Method::POST, "/auth/credentials/init", &body, Repeat::Safe)
            .await
    }

    /// `POST /auth/credentials`, step 1.
    pub async fn create_credential_init(
        &self,
        request: &CreateCredentialRequest,
    ) -> Result<PendingAction<Credential>, Error> {
        self.transport
            .action_init(Method::POST, "/auth/credentials", request)
            .await
    }

    /// `PUT /auth/credentials/activate`, step 1.
    pub async fn activate_credential_init(
        &self,
        credential_uuid: &str,
    ) -> Result<PendingAction<MessageResponse>, Error> {
        let body = CredentialUuidRequest {
            credential_uuid: credential_uuid.to_owned(),
        };
        self.transport
            .action_init(Method::PUT, "/auth/credentials/activate", &body)
            .await
    }

    /// `PUT /auth/credentials/deactivate`, step 1.
    pub async fn deactivate_credential_init(
        &self,
        credential_uuid: &str,
    ) -> Result<PendingAction<MessageResponse>, Error> {
        let body = CredentialUuidRequest {
            credential_uuid: credential_uuid.to_owned(),
        };
        self.transport
            .action_init(Method::PUT, "/auth/credentials/deactivate", &body)
            .await
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

    /// `PUT /auth/logout`: ends this token, or every session of the user.
    pub async fn logout(&self, all_sessions: bool) -> Result<MessageResponse, Error> {
        let body = LogoutRequest {
            all_sessions: all_sessions.then_some(true),
        };
        self.transport
            .call(Method::PUT, "/auth/logout", &body, Repeat::Never)
            .await
    }
}
