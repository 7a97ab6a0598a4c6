//! Passkeys on the user's machine. Every authenticator (security key, Windows Hello, the device
//! passkey Sigil keeps itself, the test token) sits behind [`Authenticator`]; [`Passkeys`] runs a
//! ceremony on one of them for a Dfns challenge, with a timeout, cancellation and prompts, and
//! gives back exactly what Dfns expects.

mod ceremony;
mod choice;
mod device;
mod error;
mod prompt;
mod proto;
mod security_key;
mod token;
pub mod webauthn;
#[cfg(windows)]
mod windows_hello;

pub use ceremony::Passkeys;
pub use choice::{Choice, choose};
pub use device::DevicePasskey;
pub use error::{AuthnCode, AuthnError};
pub use prompt::{Approval, CancellationToken, Operation, Prompt, Prompter};
pub use security_key::{SecurityKey, UDEV_RULE};
pub use token::TestToken;
#[cfg(windows)]
pub use windows_hello::WindowsHello;

use url::Url;
use webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};

/// The kinds of authenticator, as the UI names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticatorKind {
    /// A USB or NFC security key (CTAP2).
    SecurityKey,
    /// Windows Hello.
    WindowsHello,
    /// A software passkey kept by Sigil in the OS keyring.
    DevicePasskey,
    /// A software token for tests.
    TestToken,
}

/// One authenticator. Backends only talk to their device; the conversion to and from Dfns and
/// the timeout, cancellation and allow-list checks are [`Passkeys`]'s.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync {
    /// What it is.
    fn kind(&self) -> AuthenticatorKind;

    /// `navigator.credentials.create` at `origin`.
    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError>;

    /// `navigator.credentials.get` at `origin`, answered only by a credential in `options.allow`.
    async fn sign(
        &self,
        origin: &Url,
        options: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError>;
}
