//! Which authenticator a ceremony uses: Windows Hello where present, else the TPM platform
//! passkey where this computer has a usable TPM (Linux), else a security key if one is plugged
//! in, else the PIN-sealed device passkey. The caller can force one.

use std::sync::Arc;

use sigil_store::SecretStore;

use crate::{Authenticator, AuthnError, DevicePasskey, SecurityKey};

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

#[cfg(windows)]
fn windows_hello() -> Option<Arc<dyn Authenticator>> {
    crate::windows_hello::WindowsHello::available()
        .then(|| Arc::new(crate::windows_hello::WindowsHello) as Arc<dyn Authenticator>)
}

#[cfg(not(windows))]
fn windows_hello() -> Option<Arc<dyn Authenticator>> {
    None
}

/// The TPM passkey if this computer has a TPM this user can use.
#[cfg(target_os = "linux")]
async fn platform_tpm(
    store: Arc<dyn SecretStore>,
    entry: &str,
) -> Result<Option<Arc<dyn Authenticator>>, AuthnError> {
    use crate::{PlatformTpm, TpmPresence};
    match TpmPresence::detect().await {
        TpmPresence::Usable { tcti } => {
            Ok(Some(Arc::new(PlatformTpm::new(store, format!("{entry}.tpm"), &tcti)?)))
        }
        TpmPresence::NoAccess { device } => {
            Err(AuthnError::TpmAccess { device: device.display().to_string() })
        }
        TpmPresence::Absent => Ok(None),
    }
}

#[cfg(not(target_os = "linux"))]
async fn platform_tpm(
    _store: Arc<dyn SecretStore>,
    _entry: &str,
) -> Result<Option<Arc<dyn Authenticator>>, AuthnError> {
    Ok(None)
}
