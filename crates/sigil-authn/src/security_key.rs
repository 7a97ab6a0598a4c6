//! Security keys over CTAP2 (webauthn-authenticator-rs), on USB and, where a PC/SC service
//! runs, on NFC readers: the key is chosen among those present (or waited for), PIN and touch requests reach the person through the
//! [`Prompter`], and the ceremony runs on a blocking thread because the library's CTAP calls
//! block. The library waits forever for a key; [`crate::Passkeys`]'s timeout and cancellation
//! bound it, and dropping the ceremony stops the wait.

use std::path::Path;

use futures::StreamExt as _;
use tokio::sync::mpsc;
use url::Url;
use webauthn_authenticator_rs::AuthenticatorBackendHashedClientData;
use webauthn_authenticator_rs::ctap2::{CtapAuthenticator, select_one_device};
use webauthn_authenticator_rs::prelude::{
    CreationChallengeResponse, RequestChallengeResponse, WebauthnCError,
};
use webauthn_authenticator_rs::transport::{AnyToken, AnyTransport};
use webauthn_authenticator_rs::transport::{TokenEvent, Transport as _};
use webauthn_authenticator_rs::types::{CableRequestType, CableState, EnrollSampleStatus};
use webauthn_authenticator_rs::ui::UiCallback;

use crate::proto::{self, ClientData, from_library, parse};
use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{
    Authenticator, AuthenticatorKind, AuthnError, CancellationToken, PinReason, Prompt, Prompter,
};

/// A USB or NFC security key, chosen when the ceremony starts.
#[derive(Debug, Default)]
pub struct SecurityKey;

impl SecurityKey {
    /// A security-key authenticator.
    pub fn new() -> Self {
        Self
    }

    /// Whether a security key is plugged in and can be opened now.
    pub async fn present() -> bool {
        match AnyTransport::new().await {
            Ok(transport) => transport.tokens().await.is_ok_and(|tokens| !tokens.is_empty()),
            Err(_) => false,
        }
    }

    /// Runs `operation` on a chosen key, relaying the library's UI requests to `prompter`.
    async fn run<T: Send + 'static>(
        &self,
        prompter: &dyn Prompter,
        operation: impl FnOnce(
            &mut CtapAuthenticator<'_, AnyToken, UiBridge>,
        ) -> Result<T, WebauthnCError>
        + Send
        + 'static,
    ) -> Result<T, AuthnError> {
        if let Some(hint) = access_problem(Path::new("/sys/class/hidraw"), Path::new("/dev")) {
            return Err(AuthnError::DeviceAccess { hint });
        }
        let (events, mut requests) = mpsc::unbounded_channel();
        let stop = CancellationToken::new();
        // Dropping this ceremony (timeout, cancel) stops the wait for a key.
        let _stop_on_drop = stop.clone().drop_guard();
        let handle = tokio::runtime::Handle::current();
        let mut worker = tokio::task::spawn_blocking(move || {
            let bridge = UiBridge { events };
            let transport = handle.block_on(AnyTransport::new()).map_err(from_library)?;
            let chosen = handle.block_on(async {
                let stream = transport.watch().await.map_err(from_library)?;
                let mut stream = stream.peekable();
                // Nothing plugged in yet: ask for a key, then wait for one.
                let first = std::pin::Pin::new(&mut stream).peek().await;
                let prompt = match first {
                    Some(TokenEvent::EnumerationComplete) => Prompt::InsertKey,
                    _ => Prompt::ChooseKey,
                };
                let _ = bridge.events.send(UiEvent::Show(prompt));
                tokio::select! {
                    chosen = select_one_device(stream.boxed(), &bridge) => chosen.ok_or(AuthnError::NoAuthenticator),
                    () = stop.cancelled() => Err(AuthnError::Cancelled),
                }
            });
            let mut authenticator = chosen?;
            operation(&mut authenticator).map_err(from_library)
        });
        loop {
            tokio::select! {
                request = requests.recv() => match request {
                    Some(UiEvent::Show(prompt)) => prompter.show(prompt),
                    Some(UiEvent::Pin(reply)) => {
                        let pin = prompter.ask_pin(PinReason::SecurityKey { retries_left: None }).map(|pin| pin.expose().to_owned());
                        let _ = reply.send(pin);
                    }
                    // The bridge is gone: only the outcome is left to wait for.
                    None => return join(&mut worker).await,
                },
                outcome = &mut worker => return outcome.map_err(|error| AuthnError::Authenticator(error.to_string()))?,
            }
        }
    }
}

async fn join<T>(
    worker: &mut tokio::task::JoinHandle<Result<T, AuthnError>>,
) -> Result<T, AuthnError> {
    worker.await.map_err(|error| AuthnError::Authenticator(error.to_string()))?
}

#[async_trait::async_trait]
impl Authenticator for SecurityKey {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::SecurityKey
    }

    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let client_data = ClientData::new("webauthn.create", &options.challenge, origin);
        let request: CreationChallengeResponse = parse(options.to_json())?;
        let hash = client_data.hash;
        let created = self
            .run(prompter, move |key| key.perform_register(hash, request.public_key, 60_000))
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
        let hash = client_data.hash;
        let signed = self
            .run(prompter, move |key| key.perform_auth(hash, request.public_key, 60_000))
            .await?;
        Ok(proto::signed(&signed, Some(client_data.json)))
    }
}

/// What the library asks of the person, carried to the async side.
enum UiEvent {
    Show(Prompt),
    Pin(std::sync::mpsc::Sender<Option<String>>),
}

/// The library's UI callback: forwards to the ceremony, which asks the [`Prompter`].
struct UiBridge {
    events: mpsc::UnboundedSender<UiEvent>,
}

impl std::fmt::Debug for UiBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UiBridge")
    }
}

impl UiCallback for UiBridge {
    fn request_pin(&self) -> Option<String> {
        let (reply, answer) = std::sync::mpsc::channel();
        self.events.send(UiEvent::Pin(reply)).ok()?;
        answer.recv().ok().flatten()
    }

    fn request_touch(&self) {
        let _ = self.events.send(UiEvent::Show(Prompt::TouchKey));
    }

    fn processing(&self) {
        let _ = self.events.send(UiEvent::Show(Prompt::Processing));
    }

    // Biometric enrolment and caBLE are not used by Sigil's ceremonies.
    fn fingerprint_enrollment_feedback(
        &self,
        _remaining: u32,
        _feedback: Option<EnrollSampleStatus>,
    ) {
    }

    fn cable_qr_code(&self, _request_type: CableRequestType, _url: String) {}

    fn dismiss_qr_code(&self) {}

    fn cable_status_update(&self, _state: CableState) {}
}

/// The udev rule that lets the logged-in user open FIDO security keys.
/// systemd's `fido_id` recognises any FIDO token; `uaccess` gives it to the seated user.
pub const UDEV_RULE: &str = r#"ACTION=="add|change", SUBSYSTEM=="hidraw", IMPORT{program}="fido_id", ENV{ID_SECURITY_TOKEN}=="1", TAG+="uaccess""#;

/// On Linux, a FIDO key that is plugged in but cannot be opened: the library would skip it
/// silently and wait forever. `sysfs` is `/sys/class/hidraw`, `dev` is `/dev`.
pub(crate) fn access_problem(sysfs: &Path, dev: &Path) -> Option<String> {
    let entries = std::fs::read_dir(sysfs).ok()?;
    for entry in entries.flatten() {
        let descriptor =
            std::fs::read(entry.path().join("device/report_descriptor")).unwrap_or_default();
        if !is_fido(&descriptor) {
            continue;
        }
        let node = dev.join(entry.file_name());
        match std::fs::OpenOptions::new().read(true).write(true).open(&node) {
            Err(error) if error.kind() == std::io::ErrorKind::PermissionDenied => {
                return Some(format!(
                    "{} is a FIDO security key this user may not open. Add the udev rule \
                     /etc/udev/rules.d/70-fido.rules: {UDEV_RULE} then run `sudo udevadm control \
                     --reload-rules && sudo udevadm trigger` and plug the key in again \
                     (systemd 252 and later grant this by itself).",
                    node.display()
                ));
            }
            _ => continue,
        }
    }
    None
}

/// Whether a HID report descriptor declares the FIDO usage page (0xF1D0).
pub(crate) fn is_fido(descriptor: &[u8]) -> bool {
    // Usage Page is item 0x06 (two-byte data), little endian: 06 D0 F1.
    descriptor.windows(3).any(|item| item == [0x06, 0xD0, 0xF1])
}

#[cfg(test)]
mod tests;
