//! Passkeys on the user's machine. Every authenticator (security key, Windows Hello, the platform
//! passkey held by the TPM on Linux, the PIN-sealed device passkey Sigil keeps itself, the test
//! token) sits behind [`Authenticator`]; [`Passkeys`] runs a ceremony on one of them for a Dfns
//! challenge, with a timeout, cancellation and prompts, and gives back exactly what Dfns expects.

mod ceremony;
mod choice;
mod device;
mod error;
mod pin;
mod prompt;
mod proto;
mod security_key;
mod token;
#[cfg(target_os = "linux")]
mod tpm;
pub mod webauthn;
#[cfg(windows)]
mod windows_hello;

pub use ceremony::Passkeys;
pub use choice::{Choice, Signer, choose};
pub use device::{DEVICE_PIN_MIN_LENGTH, DevicePasskey};
pub use error::{AuthnCode, AuthnError, PinBlock};
pub use pin::{Clock, SystemClock};
pub use prompt::{Approval, CancellationToken, Operation, PinReason, Prompt, Prompter};
pub use security_key::{SecurityKey, UDEV_RULE};
pub use token::TestToken;
#[cfg(target_os = "linux")]
pub use tpm::{PlatformTpm, TPM_PIN_MIN_LENGTH, TPM_WRONG_PIN_LIMIT, TpmPresence};
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
    /// A software passkey kept by Sigil in the OS keyring, sealed by the person's PIN.
    DevicePasskey,
    /// A platform passkey held by the computer's TPM 2.0, the PIN checked by the chip (Linux).
    PlatformTpm,
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

    /// Whether it keeps a passkey for `rp_id` (one of `allowed`, raw ids, when given), known
    /// without the person. Authenticators that keep their passkeys to themselves (security keys,
    /// Windows Hello) cannot tell and say no.
    async fn holds(&self, rp_id: &str, allowed: Option<&[Vec<u8>]>) -> Result<bool, AuthnError> {
        let _ = (rp_id, allowed);
        Ok(false)
    }
}
