//! Which authenticator a ceremony uses: Windows Hello where present, else the TPM platform
//! passkey where this computer has a usable TPM (Linux), else a security key if one is plugged
//! in, else the PIN-sealed device passkey. The caller can force one.

use std::sync::Arc;

use sigil_store::SecretStore;
use url::Url;

use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{Authenticator, AuthenticatorKind, AuthnError, DevicePasskey, Prompter, SecurityKey};

/// The person's or the app's choice of authenticator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    /// The best one present.
    #[default]
    Automatic,
    /// A USB or NFC security key.
    SecurityKey,
    /// Windows Hello.
    WindowsHello,
    /// The PIN-sealed software passkey.
    DevicePasskey,
    /// The TPM platform passkey (Linux).
    PlatformTpm,
}

/// The authenticator for `choice`. The device passkey keeps its credentials in `store` under
/// `entry`, the TPM passkey under `entry` + `.tpm`. A TPM this user may not open is an error
/// that says how to fix it (`AUTHN_TPM_ACCESS`), not a silent fall back to a weaker passkey.
pub async fn choose(
    choice: Choice,
    store: Arc<dyn SecretStore>,
    entry: &str,
) -> Result<Arc<dyn Authenticator>, AuthnError> {
    let device =
        || -> Arc<dyn Authenticator> { Arc::new(DevicePasskey::new(store.clone(), entry)) };
    match choice {
        Choice::SecurityKey => Ok(Arc::new(SecurityKey::new())),
        Choice::DevicePasskey => Ok(device()),
        Choice::WindowsHello => windows_hello().ok_or(AuthnError::NoAuthenticator),
        Choice::PlatformTpm => platform_tpm(store.clone(), entry).await?.ok_or_else(|| {
            AuthnError::TpmUnavailable("this computer has no usable TPM 2.0".to_owned())
        }),
        Choice::Automatic => {
            if let Some(hello) = windows_hello() {
                Ok(hello)
            } else if let Some(tpm) = platform_tpm(store.clone(), entry).await? {
                Ok(tpm)
            } else if SecurityKey::present().await {
                Ok(Arc::new(SecurityKey::new()))
            } else {
                Ok(device())
            }
        }
    }
}

/// The authenticator that answers a challenge: the one of this computer (the TPM passkey, then
/// the software passkey) that holds a credential the challenge allows, else `otherwise` (a
/// security key, or Windows Hello, which keep their passkeys to themselves). Which one holds
/// what is read from their keyring entries, so a passkey made on this computer signs here
/// whatever the preferred authenticator is now.
pub struct Signer {
    locals: Vec<Arc<dyn Authenticator>>,
    otherwise: Arc<dyn Authenticator>,
    expected: AuthenticatorKind,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("expected", &self.expected).finish_non_exhaustive()
    }
}

impl Signer {
    /// The signer over this computer's passkeys in `store` under `entry` (as [`choose`] keeps
    /// them) for `rp_id`; its kind is the one expected to sign (the challenge decides).
    pub async fn new(
        store: Arc<dyn SecretStore>,
        entry: &str,
        otherwise: Arc<dyn Authenticator>,
        rp_id: &str,
    ) -> Result<Self, AuthnError> {
        let mut locals = Vec::new();
        if let (Some(tpm), _) = tpm_passkeys(store.clone(), entry).await? {
            locals.push(tpm);
        }
        locals.push(Arc::new(DevicePasskey::new(store, entry)));
        Self::over(locals, otherwise, rp_id).await
    }

    /// The signer over `locals`, in order of preference.
    pub async fn over(
        locals: Vec<Arc<dyn Authenticator>>,
        otherwise: Arc<dyn Authenticator>,
        rp_id: &str,
    ) -> Result<Self, AuthnError> {
        let mut signer = Self { expected: otherwise.kind(), locals, otherwise };
        signer.expected = signer.pick(rp_id, None).await?.kind();
        Ok(signer)
    }

    async fn pick(
        &self,
        rp_id: &str,
        allowed: Option<&[Vec<u8>]>,
    ) -> Result<&Arc<dyn Authenticator>, AuthnError> {
        for local in &self.locals {
            if local.holds(rp_id, allowed).await? {
                return Ok(local);
            }
        }
        Ok(&self.otherwise)
    }
}

#[async_trait::async_trait]
impl Authenticator for Signer {
    fn kind(&self) -> AuthenticatorKind {
        self.expected
    }

    /// A new passkey on the authenticator expected to sign.
    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let expected = self.locals.iter().find(|local| local.kind() == self.expected);
        expected.unwrap_or(&self.otherwise).create(origin, options, prompter).await
    }

    async fn sign(
        &self,
        origin: &Url,
        options: &RequestOptions,
        prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        let holder = self.pick(&options.rp_id, Some(&options.allow)).await?;
        tracing::debug!(kind = ?holder.kind(), "the signer for this challenge");
        holder.sign(origin, options, prompter).await
    }

    async fn holds(&self, rp_id: &str, allowed: Option<&[Vec<u8>]>) -> Result<bool, AuthnError> {
        for local in &self.locals {
            if local.holds(rp_id, allowed).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(windows)]
fn windows_hello() -> Option<Arc<dyn Authenticator>> {
    crate::windows_hello::WindowsHello::available()
        .then(|| Arc::new(crate::windows_hello::WindowsHello) as Arc<dyn Authenticator>)
}

#[cfg(not(windows))]
fn windows_hello() -> Option<Arc<dyn Authenticator>> {
    None
}

/// The TPM passkey if this computer has a TPM this user can use; one this user may not open is
/// `AUTHN_TPM_ACCESS`, never a silent fall back.
async fn platform_tpm(
    store: Arc<dyn SecretStore>,
    entry: &str,
) -> Result<Option<Arc<dyn Authenticator>>, AuthnError> {
    let (keeper, access) = tpm_passkeys(store, entry).await?;
    match access {
        Some(device) => Err(AuthnError::TpmAccess { device }),
        None => Ok(keeper),
    }
}

/// The keeper of this computer's TPM passkeys when it has a TPM, with the device this user may
/// not open if so: those passkeys are still this computer's, and signing with one then says how
/// to get access instead of asking for a security key.
#[cfg(target_os = "linux")]
async fn tpm_passkeys(
    store: Arc<dyn SecretStore>,
    entry: &str,
) -> Result<(Option<Arc<dyn Authenticator>>, Option<String>), AuthnError> {
    use crate::{PlatformTpm, TpmPresence};
    let (tcti, access) = match TpmPresence::detect().await {
        TpmPresence::Usable { tcti } => (tcti, None),
        TpmPresence::NoAccess { device } => {
            (format!("device:{}", device.display()), Some(device.display().to_string()))
        }
        TpmPresence::Absent => return Ok((None, None)),
    };
    let keeper: Arc<dyn Authenticator> =
        Arc::new(PlatformTpm::new(store, format!("{entry}.tpm"), &tcti)?);
    Ok((Some(keeper), access))
}

#[cfg(not(target_os = "linux"))]
async fn tpm_passkeys(
    _store: Arc<dyn SecretStore>,
    _entry: &str,
) -> Result<(Option<Arc<dyn Authenticator>>, Option<String>), AuthnError> {
    Ok((None, None))
}
