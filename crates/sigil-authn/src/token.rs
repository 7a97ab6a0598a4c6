//! The test token: webauthn-authenticator-rs's `SoftToken` through the interface its CTAP2
//! authenticators implement (client data hashed by us, `packed` attestation with a certificate),
//! saved to a file so a token can be used across processes. Its credentials are not
//! discoverable. For tests and development only: the file holds the private keys unprotected.

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

use url::Url;
use webauthn_authenticator_rs::AuthenticatorBackendHashedClientData;
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, WebauthnCError,
};
use webauthn_authenticator_rs::softtoken::{SoftToken, SoftTokenFile};

use crate::proto::{self, ClientData, from_library, parse};
use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{Authenticator, AuthenticatorKind, AuthnError, Prompt, Prompter};

/// A software token kept in a file, saved after every use.
pub struct TestToken {
    token: Arc<Mutex<Option<SoftTokenFile>>>,
}

impl std::fmt::Debug for TestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestToken").finish_non_exhaustive()
    }
}

impl TestToken {
    /// A new token written to `path` (replacing what is there).
    pub fn create(path: &Path) -> Result<Self, AuthnError> {
        // The token has no user to verify; it reports UV so relying parties that require it accept it.
        let (token, _ca) = SoftToken::new(true).map_err(from_library)?;
        let file =
            File::create(path).map_err(|error| AuthnError::Authenticator(error.to_string()))?;
        Ok(Self::wrap(SoftTokenFile::new(token, file)))
    }

    /// The token saved at `path`.
    pub fn open(path: &Path) -> Result<Self, AuthnError> {
        let file =
            File::options().read(true).write(true).open(path).map_err(|error| {
                AuthnError::Authenticator(format!("{}: {error}", path.display()))
            })?;
        Ok(Self::wrap(SoftTokenFile::open(file).map_err(from_library)?))
    }

    fn wrap(token: SoftTokenFile) -> Self {
        Self { token: Arc::new(Mutex::new(Some(token))) }
    }

    /// Runs `operation` on the token off the async workers (the library's calls block).
    async fn with_token<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&mut SoftTokenFile) -> Result<T, WebauthnCError> + Send + 'static,
    ) -> Result<T, AuthnError> {
        let token = self.token.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = token
                .lock()
                .map_err(|_| AuthnError::Authenticator("the token is poisoned".to_owned()))?;
            let token = guard.as_mut().ok_or(AuthnError::NoAuthenticator)?;
            operation(token).map_err(from_library)
        })
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))?
    }
}

#[async_trait::async_trait]
impl Authenticator for TestToken {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::TestToken
    }

    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let client_data = ClientData::new("webauthn.create", &options.challenge, origin);
        // SoftToken cannot keep discoverable credentials. Dfns names the allowed credentials in
        // every challenge, so a non-discoverable one serves all the same.
        let mut json = options.to_json();
        json["publicKey"]["authenticatorSelection"]["residentKey"] = "discouraged".into();
        json["publicKey"]["authenticatorSelection"]["requireResidentKey"] = false.into();
        let request: CreationChallengeResponse = parse(json)?;
        prompter.show(Prompt::TouchKey);
        let hash = client_data.hash;
        let created = self
            .with_token(move |token| token.perform_register(hash, request.public_key, 60_000))
            .await?;
        Ok(proto::created(&created, Some(client_data.json)))
    }

    async fn sign(
        &self,
        origin: &Url,
        options: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        let client_data = ClientData::new("webauthn.get", &options.challenge, origin);
        let request: RequestChallengeResponse = parse(options.to_json())?;
        prompter.show(Prompt::TouchKey);
        let hash = client_data.hash;
        let signed = self
            .with_token(move |token| token.perform_auth(hash, request.public_key, 60_000))
            .await?;
        Ok(proto::signed(&signed, Some(client_data.json)))
    }
}
