//! Which authenticator a ceremony uses: Windows Hello where present, else a security key if one
//! is plugged in, else the device passkey. The caller can force one.

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
    /// The device passkey.
    DevicePasskey,
}

/// The authenticator for `choice`. The device passkey keeps its credentials in `store` under
/// `entry`.
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
        Choice::Automatic => {
            if let Some(hello) = windows_hello() {
                Ok(hello)
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
