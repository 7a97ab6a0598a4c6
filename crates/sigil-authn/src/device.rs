//! The device passkey: a software passkey kept by Sigil itself, for computers with no usable
//! security chip (and macOS for now). passkey-rs is the authenticator and the WebAuthn client;
//! the credentials live in one [`SecretStore`] entry (the OS keyring in the app), every private
//! key sealed by the person's PIN (argon2id, then XChaCha20-Poly1305: see `seal`), so the entry
//! alone signs nothing. Each use needs the person's approval (user presence) and the PIN, which
//! must open the key before user verification is reported. Wrong PINs cost a growing wait that
//! is kept in the entry. Passkeys stored before PINs existed are sealed at their next use, once
//! the person has set a PIN.
//!
//! What it protects against: another program (or person) that reads the keyring entry cannot
//! sign without guessing the PIN, and each guess costs an argon2id derivation. What it does not:
//! a copied entry can be attacked offline, at that cost per guess, with no lockout; malware
//! that watches the PIN being typed. The TPM platform passkey has neither weakness.

mod entry;
mod seal;

use std::sync::{Arc, Mutex, MutexGuard};

use passkey_authenticator::{
    Authenticator as Ctap2Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo,
    UiHint, UserCheck, UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData, WebauthnError};
use passkey_crypto::AvailableBackend;
use passkey_types::Passkey;
use passkey_types::ctap2::make_credential::{
    PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{self, Ctap2Error, StatusCode};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use sigil_store::{SecretBytes, SecretStore};
use url::Url;

use self::entry::{Entry, Meta, SealedEntry, SealedPasskey, UnsealedPasskey, WrongPins};
use crate::pin::{Clock, Pin, SystemClock};
use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{
    Approval, Authenticator, AuthenticatorKind, AuthnError, Operation, PinReason, Prompter,
};

/// The shortest PIN of a device passkey. Its seal can be attacked offline, so it asks for more
/// than the TPM passkey, whose chip limits guesses.
pub const DEVICE_PIN_MIN_LENGTH: usize = 6;

type SoftClient =
    Client<StoredPasskeys, PinCheck, AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A software passkey whose credentials are kept, sealed by a PIN, in a secret store under one
/// entry.
pub struct DevicePasskey {
    client: tokio::sync::Mutex<SoftClient>,
    ceremony: Arc<Mutex<Ceremony>>,
    store: Arc<dyn SecretStore>,
    entry: String,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for DevicePasskey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevicePasskey").field("entry", &self.entry).finish_non_exhaustive()
    }
}

impl DevicePasskey {
    /// A device passkey keeping its credentials in `store` under the entry `entry`.
    pub fn new(store: Arc<dyn SecretStore>, entry: impl Into<String>) -> Self {
        let entry = entry.into();
        let ceremony = Arc::new(Mutex::new(Ceremony::default()));
        let credentials = StoredPasskeys {
            store: store.clone(),
            entry: entry.clone(),
            ceremony: ceremony.clone(),
        };
        let mut authenticator = Ctap2Authenticator::new(
            ctap2::Aaguid::new_empty(),
            credentials,
            PinCheck { ceremony: ceremony.clone() },
            AvailableBackend,
        );
        // A counter lets the relying party notice a copied credential.
        authenticator.set_make_credentials_with_signature_counter(true);
        Self {
            client: tokio::sync::Mutex::new(
                Client::new(authenticator).allows_insecure_localhost(true),
            ),
            ceremony,
            store,
            entry,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same passkey timing PIN waits with `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    async fn load(&self) -> Result<Entry, AuthnError> {
        let (store, name) = (self.store.clone(), self.entry.clone());
        blocking(move || read(store.as_ref(), &name)).await?
    }

    async fn save(&self, entry: &SealedEntry) -> Result<(), AuthnError> {
        let bytes = SecretBytes::new(entry.to_bytes()?);
        let (store, name) = (self.store.clone(), self.entry.clone());
        blocking(move || store.set(&name, &bytes)).await?.map_err(AuthnError::from)
    }

    /// The PIN, checked by opening the passkey at `which` in `entry`. Wrong PINs are counted
    /// in the entry; while a wait is due, no PIN is asked.
    async fn unlock(
        &self,
        entry: &mut SealedEntry,
        which: usize,
        prompter: &dyn Prompter,
    ) -> Result<(Pin, Passkey), AuthnError> {
        if let Some(wait) = entry.wrong_pins.wait(self.clock.now()) {
            return Err(AuthnError::PinDelayed { wait });
        }
        let reason = PinReason::Passkey { tries_left: entry.wrong_pins.tries_left() };
        let pin = Pin::ask(prompter, reason, DEVICE_PIN_MIN_LENGTH)?;
        let sealed = entry.passkeys.get(which).cloned().ok_or(AuthnError::NoCredential)?;
        let (pin, opened) = blocking(move || {
            let opened = sealed.open(&pin);
            (pin, opened)
        })
        .await?;
        match opened? {
            Some(passkey) => {
                if entry.wrong_pins.any() {
                    entry.wrong_pins = WrongPins::default();
                    self.save(entry).await?;
                }
                Ok((pin, passkey))
            }
            None => {
                entry.wrong_pins.record(self.clock.now());
                tracing::info!(entry = %self.entry, "a wrong device passkey PIN");
                // Only the count changes: every sealed key is written back as it was read.
                self.save(entry).await?;
                Err(AuthnError::PinInvalid { retries: entry.wrong_pins.tries_left() })
            }
        }
    }

    /// Asks the person to set a PIN, and seals `unsealed` (passkeys of the first format) with
    /// it, saved before anything else happens.
    async fn set_pin(
        &self,
        unsealed: Vec<UnsealedPasskey>,
        prompter: &dyn Prompter,
    ) -> Result<(SealedEntry, Pin), AuthnError> {
        let reason = PinReason::NewPin { min_length: DEVICE_PIN_MIN_LENGTH };
        let pin = Pin::ask(prompter, reason, DEVICE_PIN_MIN_LENGTH)?;
        let (sealed, pin) = blocking(move || {
            let sealed =
                unsealed.iter().map(|passkey| passkey.seal(&pin)).collect::<Result<Vec<_>, _>>();
            (sealed, pin)
        })
        .await?;
        let entry = SealedEntry::new(sealed?);
        if !entry.passkeys.is_empty() {
            self.save(&entry).await?;
            tracing::info!(
                entry = %self.entry,
                count = entry.passkeys.len(),
                "device passkeys sealed with the new PIN"
            );
        }
        Ok((entry, pin))
    }

    /// Hands what the person gave to passkey-rs for one call; dropping the guard forgets it.
    fn begin(&self, given: Ceremony) -> Forget<'_> {
        *lock(&self.ceremony) = given;
        Forget(&self.ceremony)
    }

    /// The call's outcome, with the store's own error when passkey-rs reduced it to a status.
    fn outcome<T>(&self, outcome: Result<T, WebauthnError>) -> Result<T, AuthnError> {
        let failure = lock(&self.ceremony).failure.take();
        outcome.map_err(|error| failure.unwrap_or_else(|| from_webauthn(error)))
    }
}

#[async_trait::async_trait]
impl Authenticator for DevicePasskey {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::DevicePasskey
    }

    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let approval = Approval {
            operation: Operation::Create,
            rp_id: options.rp_id.clone(),
            user_name: Some(options.user_name.clone()),
        };
        if !prompter.approve(&approval) {
            return Err(AuthnError::Declined);
        }
        let request = serde_json::from_value(options.to_json())
            .map_err(|error| AuthnError::InvalidChallenge(error.to_string()))?;
        let mut client = self.client.lock().await;
        let excluded = |meta: &Meta| meta.answers(&options.rp_id, &options.exclude);
        let pin = match self.load().await? {
            Entry::Empty => self.set_pin(Vec::new(), prompter).await?.1,
            Entry::Unsealed(unsealed) => {
                if unsealed.iter().any(|passkey| excluded(&passkey.meta)) {
                    return Err(AuthnError::AlreadyRegistered);
                }
                self.set_pin(unsealed, prompter).await?.1
            }
            Entry::Sealed(mut entry) => {
                if entry.passkeys.iter().any(|passkey| excluded(&passkey.meta)) {
                    return Err(AuthnError::AlreadyRegistered);
                }
                // One PIN seals every passkey of the entry: the new one takes the PIN that
                // opens the others.
                self.unlock(&mut entry, 0, prompter).await?.0
            }
        };
        // The PIN was set by the person now, or it opened a sealed key: either verifies them.
        let given =
            Ceremony { approved: true, verified: true, pin: Some(pin), ..Ceremony::default() };
        let _forget = self.begin(given);
        let created = client.register(origin, request, DefaultClientData).await;
        let created = self.outcome(created)?;
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
        let approval =
            Approval { operation: Operation::Sign, rp_id: options.rp_id.clone(), user_name: None };
        if !prompter.approve(&approval) {
            return Err(AuthnError::Declined);
        }
        let request = serde_json::from_value(options.to_json())
            .map_err(|error| AuthnError::InvalidChallenge(error.to_string()))?;
        let mut client = self.client.lock().await;
        let answers = |meta: &Meta| meta.answers(&options.rp_id, &options.allow);
        let opened = match self.load().await? {
            Entry::Empty => return Err(AuthnError::NoCredential),
            Entry::Unsealed(unsealed) => {
                if !unsealed.iter().any(|passkey| answers(&passkey.meta)) {
                    return Err(AuthnError::NoCredential);
                }
                // Sealed with a new PIN first, then opened with it like any sealed passkey.
                let (mut entry, pin) = self.set_pin(unsealed, prompter).await?;
                let which = entry.passkeys.iter().position(|passkey| answers(&passkey.meta));
                let which = which.ok_or(AuthnError::NoCredential)?;
                let sealed = entry.passkeys.swap_remove(which);
                blocking(move || sealed.open(&pin)).await??.ok_or_else(|| {
                    AuthnError::Authenticator("a passkey sealed just now did not open".to_owned())
                })?
            }
            Entry::Sealed(mut entry) => {
                let which = entry.passkeys.iter().position(|passkey| answers(&passkey.meta));
                let which = which.ok_or(AuthnError::NoCredential)?;
                self.unlock(&mut entry, which, prompter).await?.1
            }
        };
        let given = Ceremony {
            approved: true,
            verified: true,
            opened: Some(opened),
            ..Ceremony::default()
        };
        let _forget = self.begin(given);
        let signed = client.authenticate(origin, request, DefaultClientData).await;
        let signed = self.outcome(signed)?;
        Ok(SignedAssertion {
            credential_id: signed.raw_id.to_vec(),
            client_data_json: signed.response.client_data_json.to_vec(),
            authenticator_data: signed.response.authenticator_data.to_vec(),
            signature: signed.response.signature.to_vec(),
            user_handle: signed.response.user_handle.map(|handle| handle.to_vec()),
        })
    }

    async fn holds(&self, rp_id: &str, allowed: Option<&[Vec<u8>]>) -> Result<bool, AuthnError> {
        let holds = |meta: &Meta| match allowed {
            Some(allowed) => meta.answers(rp_id, allowed),
            None => meta.rp_id == rp_id,
        };
        Ok(match self.load().await? {
            Entry::Empty => false,
            Entry::Unsealed(unsealed) => unsealed.iter().any(|passkey| holds(&passkey.meta)),
            Entry::Sealed(entry) => entry.passkeys.iter().any(|passkey| holds(&passkey.meta)),
        })
    }
}

/// The entry `name` of `store`, parsed.
fn read(store: &dyn SecretStore, name: &str) -> Result<Entry, AuthnError> {
    let stored = store.get(name)?;
    Entry::parse(stored.as_ref().map(SecretBytes::expose))
}

/// Runs `work` off the async workers: the OS keyring may block, argon2id takes a while.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthnError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))
}

/// CTAP status codes the device passkey can answer with (CTAP 2.1 §8.2).
const CREDENTIAL_EXCLUDED: u8 = 0x19;
const OPERATION_DENIED: u8 = 0x27;
const NO_CREDENTIALS: u8 = 0x2E;

fn from_webauthn(error: WebauthnError) -> AuthnError {
    match error {
        WebauthnError::CredentialNotFound | WebauthnError::AuthenticatorError(NO_CREDENTIALS) => {
            AuthnError::NoCredential
        }
        WebauthnError::AuthenticatorError(CREDENTIAL_EXCLUDED) => AuthnError::AlreadyRegistered,
        WebauthnError::AuthenticatorError(OPERATION_DENIED) => AuthnError::Declined,
        WebauthnError::TimeoutError => AuthnError::TimedOut(std::time::Duration::ZERO),
        other => AuthnError::Authenticator(format!("{other:?}")),
    }
}

/// What the person gave for the ceremony in progress, shared by the credential store and the
/// user check; emptied when the ceremony ends.
#[derive(Default)]
struct Ceremony {
    /// The person approved this operation (user presence).
    approved: bool,
    /// The PIN opened a sealed key, or was set by the person in this ceremony (user
    /// verification).
    verified: bool,
    /// The PIN that seals a passkey made in this ceremony.
    pin: Option<Pin>,
    /// The passkey the PIN opened, the only one that may sign.
    opened: Option<Passkey>,
    /// Why the store failed, which passkey-rs reduces to a CTAP status.
    failure: Option<AuthnError>,
}

fn lock(ceremony: &Mutex<Ceremony>) -> MutexGuard<'_, Ceremony> {
    // A panic elsewhere cannot leave the state half-written in a way that grants anything:
    // every field is set whole.
    ceremony.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Forgets the ceremony's PIN and opened key when dropped.
struct Forget<'a>(&'a Mutex<Ceremony>);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        *lock(self.0) = Ceremony::default();
    }
}

/// User presence is the person's approval; user verification is the PIN having opened the key
/// (or having been set) in this ceremony. Nothing else sets either flag.
struct PinCheck {
    ceremony: Arc<Mutex<Ceremony>>,
}

#[async_trait::async_trait]
impl UserValidationMethod for PinCheck {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        hint: UiHint<'a, Passkey>,
        presence: bool,
        _verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        match hint {
            UiHint::InformExcludedCredentialFound(_) => Err(Ctap2Error::CredentialExcluded),
            UiHint::InformNoCredentialsFound => Err(Ctap2Error::NoCredentials),
            UiHint::RequestNewCredential(..) | UiHint::RequestExistingCredential(_) => {
                let ceremony = lock(&self.ceremony);
                Ok(UserCheck {
                    presence: presence && ceremony.approved,
                    verification: ceremony.verified,
                })
            }
        }
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// The credential store passkey-rs sees: it finds only the passkey the PIN opened in this
/// ceremony, seals new passkeys with the ceremony's PIN, and moves counters forward.
struct StoredPasskeys {
    store: Arc<dyn SecretStore>,
    entry: String,
    ceremony: Arc<Mutex<Ceremony>>,
}

impl StoredPasskeys {
    /// Reads the entry fresh, changes it with `change`, writes it back, all off the async
    /// workers; a failure is kept for the caller and reported to passkey-rs as a CTAP error.
    async fn update(
        &self,
        change: impl FnOnce(Entry) -> Result<SealedEntry, AuthnError> + Send + 'static,
    ) -> Result<(), StatusCode> {
        let (store, name) = (self.store.clone(), self.entry.clone());
        let updated = blocking(move || {
            let changed = change(read(store.as_ref(), &name)?)?;
            store.set(&name, &SecretBytes::new(changed.to_bytes()?)).map_err(AuthnError::from)
        })
        .await;
        updated.and_then(|updated| updated).map_err(|error| {
            tracing::warn!(%error, "device passkeys could not be updated");
            lock(&self.ceremony).failure = Some(error);
            Ctap2Error::Other.into()
        })
    }
}

#[async_trait::async_trait]
impl CredentialStore for StoredPasskeys {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        ids: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        _user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        let ceremony = lock(&self.ceremony);
        let allowed = |passkey: &Passkey| {
            passkey.rp_id == rp_id
                && ids.is_none_or(|ids| ids.iter().any(|d| d.id == passkey.credential_id))
        };
        match ceremony.opened.as_ref().filter(|passkey| allowed(passkey)) {
            Some(passkey) => Ok(vec![passkey.clone()]),
            None => Err(Ctap2Error::NoCredentials.into()),
        }
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: ctap2::make_credential::Options,
    ) -> Result<(), StatusCode> {
        let pin = lock(&self.ceremony).pin.take();
        let Some(pin) = pin else {
            lock(&self.ceremony).failure = Some(AuthnError::PinRequired);
            return Err(Ctap2Error::Other.into());
        };
        self.update(move |entry| {
            let sealed = SealedPasskey::new(&passkey, &pin)?;
            let mut entry = match entry {
                Entry::Empty => SealedEntry::new(Vec::new()),
                Entry::Sealed(entry) => entry,
                Entry::Unsealed(_) => {
                    return Err(AuthnError::PasskeyDamaged(
                        "the entry was replaced by unsealed passkeys during the ceremony"
                            .to_owned(),
                    ));
                }
            };
            entry.passkeys.push(sealed);
            Ok(entry)
        })
        .await
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), StatusCode> {
        let updated = Meta::of(passkey);
        self.update(move |entry| {
            let Entry::Sealed(mut entry) = entry else {
                return Err(AuthnError::PasskeyDamaged(
                    "the entry changed during the ceremony".to_owned(),
                ));
            };
            let slot =
                entry.passkeys.iter_mut().find(|p| p.meta.credential_id == updated.credential_id);
            let slot = slot.ok_or(AuthnError::NoCredential)?;
            // Only the counter moves: the sealed key stays exactly as it was.
            slot.meta.counter = updated.counter;
            Ok(entry)
        })
        .await
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo { discoverability: DiscoverabilitySupport::Full }
    }
}

#[cfg(test)]
mod tests;
