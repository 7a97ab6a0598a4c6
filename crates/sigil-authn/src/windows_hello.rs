//! Windows Hello through the Windows WebAuthn API (webauthn-authenticator-rs `win10`). Windows
//! builds the client data itself and shows its own prompts. Built on Windows only; it cannot be
//! compiled or tested on the Linux machines this project is developed on (see the README).

use url::Url;
use webauthn_authenticator_rs::AuthenticatorBackend as _;
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};
use webauthn_authenticator_rs::win10::Win10;

use crate::security_key::from_library;
use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{Authenticator, AuthenticatorKind, AuthnError, Prompt, Prompter};

/// Windows Hello (and the security keys Windows manages).
#[derive(Debug, Default)]
pub struct WindowsHello;

impl WindowsHello {
    /// Whether the Windows WebAuthn API is present.
    pub fn available() -> bool {
        Win10::api_version() >= 1
    }
}

#[async_trait::async_trait]
impl Authenticator for WindowsHello {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::WindowsHello
    }

    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let request: CreationChallengeResponse = serde_json::from_value(options.to_json())
            .map_err(|error| AuthnError::InvalidChallenge(error.to_string()))?;
        let origin = origin.clone();
        prompter.show(Prompt::Processing);
        let created = tokio::task::spawn_blocking(move || {
            Win10::default().perform_register(origin, request.public_key, 60_000)
        })
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))?
        .map_err(from_library)?;
        Ok(CreatedCredential {
            credential_id: created.raw_id.to_vec(),
            client_data_json: created.response.client_data_json.to_vec(),
            attestation_object: created.response.attestation_object.to_vec(),
        })
    }

    async fn sign(
        &self,
        origin: &Url,
        options: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        let request: RequestChallengeResponse = serde_json::from_value(options.to_json())
            .map_err(|error| AuthnError::InvalidChallenge(error.to_string()))?;
        let origin = origin.clone();
        prompter.show(Prompt::Processing);
        let signed = tokio::task::spawn_blocking(move || {
            Win10::default().perform_auth(origin, request.public_key, 60_000)
        })
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))?
        .map_err(from_library)?;
        Ok(SignedAssertion {
            credential_id: signed.raw_id.to_vec(),
            client_data_json: signed.response.client_data_json.to_vec(),
            authenticator_data: signed.response.authenticator_data.to_vec(),
            signature: signed.response.signature.to_vec(),
            user_handle: signed.response.user_handle.map(|handle| handle.to_vec()),
        })
    }
}
