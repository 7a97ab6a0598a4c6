//! Windows Hello through the Windows WebAuthn API (webauthn-authenticator-rs `win10`). Windows
//! builds the client data itself and shows its own prompts. Built on Windows only; it cannot be
//! compiled or tested on the Linux machines this project is developed on (see the README).

use url::Url;
use webauthn_authenticator_rs::AuthenticatorBackend as _;
use webauthn_authenticator_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};
use webauthn_authenticator_rs::win10::Win10;

use crate::proto::{self, from_library, parse};
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
        let request: CreationChallengeResponse = parse(options.to_json())?;
        let origin = origin.clone();
        prompter.show(Prompt::Processing);
        let created =
            blocking(move || Win10::default().perform_register(origin, request.public_key, 60_000))
                .await?;
        Ok(proto::created(&created, None))
    }

    async fn sign(
        &self,
        origin: &Url,
        options: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        let request: RequestChallengeResponse = parse(options.to_json())?;
        let origin = origin.clone();
        prompter.show(Prompt::Processing);
        let signed =
            blocking(move || Win10::default().perform_auth(origin, request.public_key, 60_000))
                .await?;
        Ok(proto::signed(&signed, None))
    }
}

/// Runs a blocking Windows call off the async workers.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, webauthn_authenticator_rs::prelude::WebauthnCError>
    + Send
    + 'static,
) -> Result<T, AuthnError> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))?
        .map_err(from_library)
}
