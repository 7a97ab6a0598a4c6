//! The platform passkey on Linux, held by the computer's TPM 2.0 ("This computer (security
//! chip)"). The P-256 key is made inside the TPM under the owner hierarchy's storage key and
//! leaves it only as a blob the TPM encrypted; blob, public part and credential id are kept in
//! a [`SecretStore`] entry (the OS keyring in the app). A copy of that entry signs nothing on
//! another computer (the blob loads only under this TPM's storage key) and nothing here without
//! the PIN: the PIN is the key's authorization value, checked by the TPM itself, whose
//! dictionary-attack protection limits guesses.
//!
//! That protection is global to the chip (disk encryption may rely on it too), so Sigil counts
//! wrong PINs itself, in the entry, and stops at [`TPM_WRONG_PIN_LIMIT`] or one try before the chip
//! would lock, whichever comes first. User verification is reported only in data the TPM
//! signs after it accepted the PIN; user presence only after the person approved.
//!
//! The signature counter is always 0, which WebAuthn allows for authenticators without one. The
//! key cannot leave the TPM, so there is no clone for a counter to reveal: a copied entry is the
//! same key on the same chip, and useless on another. A counter in the entry would be rolled
//! back with it; a TPM NV counter would need an NV index defined with the owner's
//! authorization and a write to the chip's flash on every signature, to prove nothing the
//! TPM binding does not already prove.

mod chip;
mod entry;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ciborium::Value;
use coset::CoseKeyBuilder;
use coset::iana;
use passkey_crypto::AvailableBackend;
use passkey_types::ctap2::{Aaguid, AttestedCredentialData, AuthenticatorData, Flags};
use sha2::{Digest as _, Sha256};
use sigil_store::{SecretBytes, SecretStore};
use tss_esapi::structures::Auth;
use url::Url;

use self::chip::{Chip, EcdsaSignature, Failure, Lockout, Tcti};
use self::entry::{TpmCredential, TpmEntry};
use crate::pin::Pin;
use crate::proto::ClientData;
use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{
    Approval, Authenticator, AuthenticatorKind, AuthnError, Operation, PinBlock, PinReason, Prompt,
    Prompter,
};

/// The shortest PIN of a TPM passkey: the chip, not the PIN's length, limits guesses.
pub const TPM_PIN_MIN_LENGTH: usize = 4;

/// Wrong PINs in a row Sigil accepts for one TPM passkey. A correct PIN starts the count again.
pub const TPM_WRONG_PIN_LIMIT: u32 = 5;

/// The kernel's TPM resource manager, which lets several programs share the chip.
const RESOURCE_MANAGER: &str = "/dev/tpmrm0";

/// The TCTI settings read, in this order, before the resource manager is tried.
const TCTI_VARIABLES: [&str; 2] = ["SIGIL_TPM_TCTI", "TPM2TOOLS_TCTI"];

/// COSE ES256, the only algorithm a TPM passkey makes.
const ES256: i64 = -7;

const CREDENTIAL_ID_LEN: usize = 32;

/// Whether this computer has a TPM this user can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TpmPresence {
    /// A TPM answered at this TCTI.
    Usable {
        /// The TCTI configuration.
        tcti: String,
    },
    /// A TPM device is there but this user may not open it (not in the `tss` group).
    NoAccess {
        /// The device.
        device: PathBuf,
    },
    /// No TPM answered.
    Absent,
}

impl TpmPresence {
    /// Looks for a TPM: the TCTI in `SIGIL_TPM_TCTI` or `TPM2TOOLS_TCTI` if set, else the
    /// kernel's resource manager `/dev/tpmrm0` (never `/dev/tpm0`, which one program owns).
    pub async fn detect() -> Self {
        let configured = TCTI_VARIABLES
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|value| !value.trim().is_empty()));
        if configured.is_none() && !Path::new(RESOURCE_MANAGER).exists() {
            return Self::Absent;
        }
        let config = configured.unwrap_or_else(|| format!("device:{RESOURCE_MANAGER}"));
        let Some(tcti) = Tcti::parse(&config) else {
            tracing::warn!(%config, "the TPM setting is not a TCTI tss2 understands");
            return Self::Absent;
        };
        let probe = tokio::task::spawn_blocking(move || {
            Chip::open(&tcti).and_then(|mut chip| chip.lockout()).map(|_| tcti)
        });
        match probe.await {
            Ok(Ok(tcti)) => Self::Usable { tcti: tcti.to_string() },
            Ok(Err(Failure::AccessDenied(device))) => Self::NoAccess { device },
            Ok(Err(failure)) => {
                tracing::warn!(?failure, "the TPM does not answer");
                Self::Absent
            }
            Err(error) => {
                tracing::warn!(%error, "the TPM probe failed");
                Self::Absent
            }
        }
    }
}

/// Passkeys held by the TPM at one TCTI, kept in a secret store under one entry.
pub struct PlatformTpm {
    store: Arc<dyn SecretStore>,
    entry: String,
    tcti: Tcti,
    // One ceremony at a time: each reads, then writes back, the entry.
    busy: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for PlatformTpm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformTpm")
            .field("entry", &self.entry)
            .field("tcti", &self.tcti.to_string())
            .finish_non_exhaustive()
    }
}

impl PlatformTpm {
    /// TPM passkeys on the TPM at `tcti` (as [`TpmPresence::Usable`] names it), kept in `store`
    /// under `entry`.
    pub fn new(
        store: Arc<dyn SecretStore>,
        entry: impl Into<String>,
        tcti: &str,
    ) -> Result<Self, AuthnError> {
        let tcti = Tcti::parse(tcti).ok_or_else(|| {
            AuthnError::TpmUnavailable(format!("{tcti:?} is not a TPM connection tss2 understands"))
        })?;
        Ok(Self { store, entry: entry.into(), tcti, busy: tokio::sync::Mutex::new(()) })
    }

    async fn load(&self) -> Result<TpmEntry, AuthnError> {
        let (store, name) = (self.store.clone(), self.entry.clone());
        blocking(move || {
            let stored = store.get(&name)?;
            TpmEntry::parse(stored.as_ref().map(SecretBytes::expose))
        })
        .await?
    }

    /// Reads the entry fresh, changes it, writes it back; nothing is written if it cannot be
    /// read.
    async fn update(
        &self,
        change: impl FnOnce(&mut TpmEntry) -> Result<(), AuthnError> + Send + 'static,
    ) -> Result<(), AuthnError> {
        let (store, name) = (self.store.clone(), self.entry.clone());
        blocking(move || {
            let stored = store.get(&name)?;
            let mut entry = TpmEntry::parse(stored.as_ref().map(SecretBytes::expose))?;
            change(&mut entry)?;
            store.set(&name, &SecretBytes::new(entry.to_bytes()?)).map_err(AuthnError::from)
        })
        .await?
    }

    async fn set_wrong_pins(
        &self,
        credential_id: Vec<u8>,
        wrong_pins: u32,
    ) -> Result<(), AuthnError> {
        self.update(move |entry| {
            let credential = entry.get_mut(&credential_id).ok_or(AuthnError::NoCredential)?;
            credential.wrong_pins = wrong_pins;
            Ok(())
        })
        .await
    }

    /// Opens the TPM, runs `work` on it off the async workers, and closes it.
    async fn on_chip<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Chip) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let tcti = self.tcti.clone();
        tokio::task::spawn_blocking(move || Chip::open(&tcti).and_then(|mut chip| work(&mut chip)))
            .await
            .unwrap_or_else(|error| Err(Failure::Other(error.to_string())))
    }
}

#[async_trait::async_trait]
impl Authenticator for PlatformTpm {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::PlatformTpm
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
        if !options.algorithms.contains(&ES256) {
            return Err(AuthnError::UnsupportedAlgorithm);
        }
        let _busy = self.busy.lock().await;
        if self.load().await?.find(&options.rp_id, Some(&options.exclude)).is_some() {
            return Err(AuthnError::AlreadyRegistered);
        }
        // The chip answers (and is not locked) before the person is asked for anything.
        let lockout =
            self.on_chip(Chip::lockout).await.map_err(|failure| to_authn(failure, None))?;
        if lockout.locked {
            return Err(chip_blocked(&lockout));
        }
        let reason = PinReason::NewPin { min_length: TPM_PIN_MIN_LENGTH };
        let auth = auth_value(&Pin::ask(prompter, reason, TPM_PIN_MIN_LENGTH)?)?;
        prompter.show(Prompt::Processing);

        let credential_id = random_id()?;
        let client_data = ClientData::new("webauthn.create", &options.challenge, origin);
        let rp_id = options.rp_id.clone();
        let id = credential_id.clone();
        let client_data_hash = client_data.hash.clone();
        // UP: the person approved above. UV: the person set this PIN, and the TPM checks it
        // before it signs these bytes (the self-attestation), so they exist only if it did.
        let attest = move |x: &[u8], y: &[u8]| {
            let key = CoseKeyBuilder::new_ec2_pub_key(
                iana::EllipticCurve::P_256,
                coordinate(x)?,
                coordinate(y)?,
            )
            .algorithm(iana::Algorithm::ES256)
            .build();
            let attested = AttestedCredentialData::new(Aaguid::new_empty(), id, key)
                .map_err(|error| error.to_string())?;
            let auth_data = AuthenticatorData::new(&rp_id, None, &AvailableBackend)
                .set_flags(Flags::UP | Flags::UV)
                .set_attested_credential_data(attested)
                .to_vec();
            let digest = signed_digest(&auth_data, &client_data_hash);
            Ok((auth_data, digest))
        };
        let (blob, auth_data, signature) = self
            .on_chip(move |chip| chip.create(&auth, attest))
            .await
            .map_err(|failure| to_authn(failure, Some(&lockout)))?;

        let credential =
            TpmCredential::new(&credential_id, &options.rp_id, &options.user_id, &blob);
        self.update(move |entry| {
            entry.credentials.push(credential);
            Ok(())
        })
        .await?;
        tracing::info!(entry = %self.entry, rp_id = %options.rp_id, "a TPM passkey was made");
        Ok(CreatedCredential {
            credential_id,
            client_data_json: client_data.json,
            attestation_object: attestation_object(auth_data, &der(&signature)?)?,
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
        let _busy = self.busy.lock().await;
        let entry = self.load().await?;
        let at =
            entry.find(&options.rp_id, Some(&options.allow)).ok_or(AuthnError::NoCredential)?;
        let credential = entry.credentials[at].clone();
        let credential_id = credential.credential_id()?;
        let blob = credential.blob()?;

        let own_left = TPM_WRONG_PIN_LIMIT.saturating_sub(credential.wrong_pins);
        if own_left == 0 {
            return Err(AuthnError::PinBlocked(PinBlock::Passkey { limit: TPM_WRONG_PIN_LIMIT }));
        }
        let lockout =
            self.on_chip(Chip::lockout).await.map_err(|failure| to_authn(failure, None))?;
        if lockout.locked || lockout.tries_left() == 0 {
            return Err(chip_blocked(&lockout));
        }
        let tries_left = own_left.min(lockout.tries_left());
        let reason = PinReason::Passkey { tries_left: Some(tries_left) };
        let auth = auth_value(&Pin::ask(prompter, reason, TPM_PIN_MIN_LENGTH)?)?;
        prompter.show(Prompt::Processing);

        let client_data = ClientData::new("webauthn.get", &options.challenge, origin);
        // UP: the person approved above. UV: the TPM signs only if it accepts the PIN.
        let auth_data = AuthenticatorData::new(&options.rp_id, None, &AvailableBackend)
            .set_flags(Flags::UP | Flags::UV)
            .to_vec();
        let digest = signed_digest(&auth_data, &client_data.hash);
        match self.on_chip(move |chip| chip.sign(&blob, &auth, digest)).await {
            Ok(signature) => {
                if credential.wrong_pins > 0 {
                    self.set_wrong_pins(credential_id.clone(), 0).await?;
                }
                Ok(SignedAssertion {
                    credential_id,
                    client_data_json: client_data.json,
                    authenticator_data: auth_data,
                    signature: der(&signature)?,
                    user_handle: Some(credential.user_handle()?),
                })
            }
            Err(Failure::WrongPin) => {
                tracing::info!(entry = %self.entry, "a wrong TPM passkey PIN");
                self.set_wrong_pins(credential_id, credential.wrong_pins.saturating_add(1)).await?;
                Err(AuthnError::PinInvalid { retries: Some(tries_left - 1) })
            }
            Err(failure) => Err(to_authn(failure, Some(&lockout))),
        }
    }

    async fn holds(&self, rp_id: &str, allowed: Option<&[Vec<u8>]>) -> Result<bool, AuthnError> {
        Ok(self.load().await?.find(rp_id, allowed).is_some())
    }
}

/// The PIN as the key's authorization value: its SHA-256, so a PIN of any length fits the
/// 32 bytes the TPM takes for a key named with SHA-256.
fn auth_value(pin: &Pin) -> Result<Auth, AuthnError> {
    Auth::try_from(Sha256::digest(pin.expose()).to_vec())
        .map_err(|error| AuthnError::Authenticator(error.to_string()))
}

/// What an assertion signs: SHA-256(authenticatorData ‖ SHA-256(clientDataJSON)).
fn signed_digest(auth_data: &[u8], client_data_hash: &[u8]) -> [u8; 32] {
    Sha256::new().chain_update(auth_data).chain_update(client_data_hash).finalize().into()
}

/// A P-256 coordinate as 32 bytes (the TPM may drop leading zeros).
fn coordinate(value: &[u8]) -> Result<Vec<u8>, String> {
    if value.len() > 32 {
        return Err("a key coordinate longer than 32 bytes".to_owned());
    }
    let mut padded = vec![0u8; 32 - value.len()];
    padded.extend_from_slice(value);
    Ok(padded)
}

/// The TPM's (r, s) as the DER signature WebAuthn's ES256 uses.
fn der(signature: &EcdsaSignature) -> Result<Vec<u8>, AuthnError> {
    let scalar = |value: &[u8]| {
        let padded = coordinate(value).map_err(AuthnError::InvalidResponse)?;
        <[u8; 32]>::try_from(padded.as_slice())
            .map_err(|_| AuthnError::InvalidResponse("a signature scalar".to_owned()))
    };
    let signature =
        p256::ecdsa::Signature::from_scalars(scalar(&signature.r)?, scalar(&signature.s)?)
            .map_err(|error| {
                AuthnError::InvalidResponse(format!("the TPM's signature: {error}"))
            })?;
    Ok(signature.to_der().as_bytes().to_vec())
}

/// The attestation object with a `packed` self-attestation (WebAuthn §8.2): the new key signed
/// authData ‖ clientDataHash itself; no certificate, so nothing identifies the computer.
fn attestation_object(auth_data: Vec<u8>, signature: &[u8]) -> Result<Vec<u8>, AuthnError> {
    let object = Value::Map(vec![
        (Value::Text("fmt".to_owned()), Value::Text("packed".to_owned())),
        (
            Value::Text("attStmt".to_owned()),
            Value::Map(vec![
                (Value::Text("alg".to_owned()), Value::Integer(ES256.into())),
                (Value::Text("sig".to_owned()), Value::Bytes(signature.to_vec())),
            ]),
        ),
        (Value::Text("authData".to_owned()), Value::Bytes(auth_data)),
    ]);
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(&object, &mut bytes)
        .map_err(|error| AuthnError::Authenticator(error.to_string()))?;
    Ok(bytes)
}

fn random_id() -> Result<Vec<u8>, AuthnError> {
    let mut id = vec![0u8; CREDENTIAL_ID_LEN];
    getrandom::fill(&mut id)
        .map_err(|error| AuthnError::Authenticator(format!("no randomness: {error}")))?;
    Ok(id)
}

/// The chip is locked, or one more wrong PIN would lock it.
fn chip_blocked(lockout: &Lockout) -> AuthnError {
    let recovers_in = Some(lockout.interval).filter(|interval| !interval.is_zero());
    AuthnError::PinBlocked(PinBlock::Chip { recovers_in })
}

/// A TPM failure as the person sees it.
fn to_authn(failure: Failure, lockout: Option<&Lockout>) -> AuthnError {
    match failure {
        Failure::Unreachable(reason) => AuthnError::TpmUnavailable(reason),
        Failure::AccessDenied(device) => {
            AuthnError::TpmAccess { device: device.display().to_string() }
        }
        Failure::WrongPin => AuthnError::PinInvalid { retries: None },
        Failure::Lockout => {
            let recovers_in =
                lockout.map(|lockout| lockout.interval).filter(|interval| !interval.is_zero());
            AuthnError::PinBlocked(PinBlock::Chip { recovers_in })
        }
        Failure::ForeignBlob => AuthnError::TpmMismatch,
        Failure::Busy => AuthnError::TpmBusy,
        Failure::Reset => AuthnError::TpmReset,
        Failure::Damaged(reason) => AuthnError::PasskeyDamaged(reason),
        Failure::Other(reason) => AuthnError::Authenticator(reason),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthnError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AuthnError::Authenticator(error.to_string()))
}

#[cfg(test)]
mod tests;
