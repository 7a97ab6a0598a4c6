//! The TPM commands the platform passkey needs, over tss-esapi: a storage key made again from
//! its template, P-256 signing keys created under it with the PIN as their authorization value,
//! signatures, and the chip's dictionary-attack state. Every call opens the TPM, does its work
//! in a salted HMAC session and flushes every transient object before it returns, so a TPM with
//! no resource manager (swtpm) keeps no leftovers and a TPM reset between two calls is harmless.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::time::Duration;

use tss_esapi::attributes::{ObjectAttributesBuilder, SessionAttributesBuilder};
use tss_esapi::constants::response_code::Tss2ResponseCode;
use tss_esapi::constants::tss::{TPM2_RH_NULL, TPM2_ST_HASHCHECK};
use tss_esapi::constants::{CapabilityType, PropertyTag, SessionType};
use tss_esapi::handles::{KeyHandle, ObjectHandle, SessionHandle};
use tss_esapi::interface_types::algorithm::{HashingAlgorithm, PublicAlgorithm};
use tss_esapi::interface_types::ecc::EccCurve;
use tss_esapi::interface_types::resource_handles::Hierarchy;
use tss_esapi::structures::{
    Auth, CapabilityData, Digest, EccPoint, EccScheme, HashScheme, HashcheckTicket, Private,
    Public, PublicBuilder, PublicEccParametersBuilder, Signature, SignatureScheme,
    SymmetricDefinition, SymmetricDefinitionObject,
};
use tss_esapi::tcti_ldr::TctiNameConf;
use tss_esapi::traits::{Marshall as _, UnMarshall as _};
use tss_esapi::tss2_esys::{TPM2_PT, TPMT_TK_HASHCHECK};
use tss_esapi::{Context, Error as TssError};

/// Where the TPM is: a TCTI configuration (`device:/dev/tpmrm0`, `swtpm:host=…,port=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tcti {
    config: String,
    name: TctiNameConf,
}

impl Tcti {
    /// The TCTI `config`, if tss-esapi understands it.
    pub(crate) fn parse(config: &str) -> Option<Self> {
        let name = TctiNameConf::from_str(config).ok()?;
        Some(Self { config: config.to_owned(), name })
    }

    /// The device node it opens, for a device TCTI.
    pub(crate) fn device(&self) -> Option<PathBuf> {
        let path = self.config.strip_prefix("device")?;
        let path = path.strip_prefix(':').unwrap_or(path);
        // tss2's device TCTI opens /dev/tpm0 when no path is given.
        Some(PathBuf::from(if path.is_empty() { "/dev/tpm0" } else { path }))
    }
}

impl std::fmt::Display for Tcti {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.config)
    }
}

/// Why a TPM call failed, in the terms the platform passkey acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The TPM could not be opened at all.
    Unreachable(String),
    /// The device node exists but this user may not open it.
    AccessDenied(PathBuf),
    /// The authorization value (the PIN) was wrong: TPM_RC_AUTH_FAIL or TPM_RC_BAD_AUTH.
    WrongPin,
    /// The TPM is in dictionary-attack lockout: TPM_RC_LOCKOUT.
    Lockout,
    /// The key blob does not belong under this TPM's storage key: TPM_RC_INTEGRITY or
    /// TPM_RC_BINDING on load (another chip, or this one was cleared).
    ForeignBlob,
    /// The TPM asks to be called again later (retry, yielded, testing, out of memory).
    Busy,
    /// The TPM was reset or the connection broke during the call.
    Reset,
    /// A stored key that cannot even be parsed.
    Damaged(String),
    /// Anything else, with the TSS's description.
    Other(String),
}

/// TSS 2.0 response codes (TPM 2.0 Part 2 §6.6 and the TSS common header).
mod rc {
    /// Bits 16–23 name the TSS layer; 0 is the TPM itself.
    pub const LAYER_MASK: u32 = 0x00FF_0000;
    /// The resource manager passes TPM codes on in its own layer.
    pub const RESMGR_TPM_LAYER: u32 = 11 << 16;
    /// Bit 7 marks a format-one code (an error tied to a handle, session or parameter).
    pub const FORMAT_ONE: u32 = 0x080;
    pub const FORMAT_ONE_ERROR: u32 = 0x03F;
    pub const AUTH_FAIL: u32 = 0x00E;
    pub const INTEGRITY: u32 = 0x01F;
    pub const BAD_AUTH: u32 = 0x022;
    pub const BINDING: u32 = 0x025;
    /// Format-zero codes: bit 11 is a warning, bits 0–6 the number, bit 8 TPM 2.0.
    pub const FORMAT_ZERO: u32 = 0xFFF;
    pub const INITIALIZE: u32 = 0x100;
    pub const OBJECT_MEMORY: u32 = 0x902;
    pub const SESSION_MEMORY: u32 = 0x903;
    pub const MEMORY: u32 = 0x904;
    pub const YIELDED: u32 = 0x908;
    pub const CANCELED: u32 = 0x909;
    pub const TESTING: u32 = 0x90A;
    pub const REFERENCE_H0: u32 = 0x910;
    pub const REFERENCE_S6: u32 = 0x91E;
    pub const NV_RATE: u32 = 0x920;
    pub const LOCKOUT: u32 = 0x921;
    pub const RETRY: u32 = 0x922;
    /// TSS base codes, below the layer bits.
    pub const BASE_MASK: u32 = 0xFFFF;
    pub const NO_CONNECTION: u32 = 8;
    pub const TRY_AGAIN: u32 = 9;
    pub const IO_ERROR: u32 = 10;
    pub const MALFORMED_RESPONSE: u32 = 17;
    pub const INSUFFICIENT_RESPONSE: u32 = 19;
}

impl Failure {
    /// What a TSS error means for the person.
    pub(crate) fn of(error: TssError) -> Self {
        let raw = match error {
            TssError::Tss2Error(Tss2ResponseCode::FormatZero(code)) => code.0,
            TssError::Tss2Error(Tss2ResponseCode::FormatOne(code)) => code.0,
            TssError::Tss2Error(Tss2ResponseCode::Success) | TssError::WrapperError(_) => {
                return Self::Other(error.to_string());
            }
        };
        Self::of_code(raw).unwrap_or_else(|| Self::Other(format!("{error} ({raw:#x})")))
    }

    /// What a raw TSS 2.0 response code means, when it means something to the person.
    pub(crate) fn of_code(raw: u32) -> Option<Self> {
        let layer = raw & rc::LAYER_MASK;
        if layer == 0 || layer == rc::RESMGR_TPM_LAYER {
            let code = raw & !rc::LAYER_MASK;
            if code & rc::FORMAT_ONE != 0 {
                return match code & rc::FORMAT_ONE_ERROR {
                    rc::AUTH_FAIL | rc::BAD_AUTH => Some(Self::WrongPin),
                    rc::INTEGRITY | rc::BINDING => Some(Self::ForeignBlob),
                    _ => None,
                };
            }
            return match code & rc::FORMAT_ZERO {
                rc::LOCKOUT => Some(Self::Lockout),
                rc::RETRY
                | rc::YIELDED
                | rc::CANCELED
                | rc::TESTING
                | rc::NV_RATE
                | rc::OBJECT_MEMORY
                | rc::SESSION_MEMORY
                | rc::MEMORY => Some(Self::Busy),
                // Not started (a reset), or a handle the chip no longer knows.
                rc::INITIALIZE | rc::REFERENCE_H0..=rc::REFERENCE_S6 => Some(Self::Reset),
                _ => None,
            };
        }
        match raw & rc::BASE_MASK {
            rc::TRY_AGAIN => Some(Self::Busy),
            rc::NO_CONNECTION
            | rc::IO_ERROR
            | rc::MALFORMED_RESPONSE
            | rc::INSUFFICIENT_RESPONSE => Some(Self::Reset),
            _ => None,
        }
    }
}

/// The chip's dictionary-attack state (TPM 2.0 Part 1 §19.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lockout {
    /// TPM_PT_PERMANENT.inLockout.
    pub locked: bool,
    /// TPM_PT_LOCKOUT_COUNTER: wrong tries the chip remembers, from every program.
    pub failures: u32,
    /// TPM_PT_MAX_AUTH_FAIL: the count at which it locks.
    pub max_failures: u32,
    /// TPM_PT_LOCKOUT_INTERVAL: how often it forgets one; 0 means lockout is off.
    pub interval: Duration,
}

impl Lockout {
    /// Wrong tries the chip can take before it locks, keeping the last one in reserve so
    /// that Sigil never is the program that locks it.
    pub(crate) fn tries_left(&self) -> u32 {
        if self.interval.is_zero() {
            return u32::MAX;
        }
        self.max_failures.saturating_sub(self.failures).saturating_sub(1)
    }
}

/// TPMA_PERMANENT bit 9: inLockout.
const IN_LOCKOUT: u32 = 1 << 9;

/// A P-256 signing key the TPM made: its public part and the private part as the TPM
/// encrypted it, which only this TPM's storage key can load.
#[derive(Debug, Clone)]
pub(crate) struct KeyBlob {
    pub public: Vec<u8>,
    pub private: Vec<u8>,
}

impl KeyBlob {
    fn parse(&self) -> Result<(Public, Private), Failure> {
        let public = Public::unmarshall(&self.public)
            .map_err(|error| Failure::Damaged(format!("the key's public part: {error}")))?;
        let private = Private::try_from(self.private.clone())
            .map_err(|error| Failure::Damaged(format!("the key blob: {error}")))?;
        Ok((public, private))
    }
}

/// An ECDSA signature as the TPM gives it: r and s, big-endian.
#[derive(Debug, Clone)]
pub(crate) struct EcdsaSignature {
    pub r: Vec<u8>,
    pub s: Vec<u8>,
}

/// An open TPM.
pub(crate) struct Chip {
    context: Context,
}

impl std::fmt::Debug for Chip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chip").finish_non_exhaustive()
    }
}

impl Chip {
    /// Opens the TPM at `tcti`. A device node this user may not open is told apart, since
    /// the fix (the `tss` group) is the person's to make.
    pub(crate) fn open(tcti: &Tcti) -> Result<Self, Failure> {
        if let Some(device) = tcti.device() {
            check_device(&device)?;
        }
        let context = Context::new(tcti.name.clone())
            .map_err(|error| Failure::Unreachable(format!("{tcti}: {error}")))?;
        Ok(Self { context })
    }

    /// The dictionary-attack state.
    pub(crate) fn lockout(&mut self) -> Result<Lockout, Failure> {
        let mut property = |tag| property(&mut self.context, tag);
        Ok(Lockout {
            locked: property(PropertyTag::Permanent)? & IN_LOCKOUT != 0,
            failures: property(PropertyTag::LockoutCounter)?,
            max_failures: property(PropertyTag::MaxAuthFail)?,
            interval: Duration::from_secs(property(PropertyTag::LockoutInterval)?.into()),
        })
    }

    /// A new signing key whose authorization value is `auth`, and its first signature, over
    /// the digest `message` makes from the key's public point (x, y): the TPM checks `auth`
    /// before it signs, so the signature proves the key works with that PIN.
    pub(crate) fn create<T>(
        &mut self,
        auth: &Auth,
        message: impl FnOnce(&[u8], &[u8]) -> Result<(T, [u8; 32]), String>,
    ) -> Result<(KeyBlob, T, EcdsaSignature), Failure> {
        self.with_storage_key(|context, storage| {
            let created = context
                .create(storage, signing_template()?, Some(auth.clone()), None, None, None)
                .map_err(Failure::of)?;
            let (x, y) = match &created.out_public {
                Public::Ecc { unique, .. } => {
                    (unique.x().value().to_vec(), unique.y().value().to_vec())
                }
                _ => return Err(Failure::Other("the TPM made a key that is not ECC".to_owned())),
            };
            let (made, digest) = message(&x, &y).map_err(Failure::Other)?;
            let blob = KeyBlob {
                public: created.out_public.marshall().map_err(Failure::of)?,
                private: created.out_private.value().to_vec(),
            };
            let signature = sign_loaded(context, storage, &blob, auth, digest)?;
            Ok((blob, made, signature))
        })
    }

    /// `digest` signed by the key in `blob`, if `auth` is its authorization value.
    pub(crate) fn sign(
        &mut self,
        blob: &KeyBlob,
        auth: &Auth,
        digest: [u8; 32],
    ) -> Result<EcdsaSignature, Failure> {
        self.with_storage_key(|context, storage| sign_loaded(context, storage, blob, auth, digest))
    }

    /// Runs `work` with the storage key loaded and a session salted with it (so the PIN and
    /// the keys' sensitive parts never cross to the TPM in the clear), then flushes both.
    fn with_storage_key<T>(
        &mut self,
        work: impl FnOnce(&mut Context, KeyHandle) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let template = storage_template()?;
        let storage = self
            .context
            .execute_with_nullauth_session(|context| {
                context.create_primary(Hierarchy::Owner, template, None, None, None, None)
            })
            .map_err(Failure::of)?
            .key_handle;
        let outcome = self.in_session(storage, work);
        flush(&mut self.context, storage.into());
        outcome
    }

    fn in_session<T>(
        &mut self,
        storage: KeyHandle,
        work: impl FnOnce(&mut Context, KeyHandle) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let session = self
            .context
            .start_auth_session(
                Some(storage),
                None,
                None,
                SessionType::Hmac,
                SymmetricDefinition::AES_128_CFB,
                HashingAlgorithm::Sha256,
            )
            .map_err(Failure::of)?
            .ok_or_else(|| Failure::Other("the TPM opened no session".to_owned()))?;
        let (attributes, mask) = SessionAttributesBuilder::new()
            .with_decrypt(true)
            .with_encrypt(true)
            .with_continue_session(true)
            .build();
        let outcome = self
            .context
            .tr_sess_set_attributes(session, attributes, mask)
            .map_err(Failure::of)
            .and_then(|()| {
                self.context.execute_with_session(Some(session), |context| work(context, storage))
            });
        flush(&mut self.context, SessionHandle::from(session).into());
        outcome
    }
}

fn sign_loaded(
    context: &mut Context,
    storage: KeyHandle,
    blob: &KeyBlob,
    auth: &Auth,
    digest: [u8; 32],
) -> Result<EcdsaSignature, Failure> {
    let (public, private) = blob.parse()?;
    let key = context.load(storage, private, public).map_err(|error| match Failure::of(error) {
        // TPM_RC_INTEGRITY/BINDING on load: made under another storage key.
        Failure::ForeignBlob => Failure::ForeignBlob,
        Failure::Other(reason) => Failure::Damaged(reason),
        other => other,
    })?;
    let signed = sign_with(context, key, auth, digest);
    flush(context, key.into());
    signed
}

fn sign_with(
    context: &mut Context,
    key: KeyHandle,
    auth: &Auth,
    digest: [u8; 32],
) -> Result<EcdsaSignature, Failure> {
    context.tr_set_auth(key.into(), auth.clone()).map_err(Failure::of)?;
    let digest = Digest::try_from(digest.to_vec()).map_err(Failure::of)?;
    // A null ticket: the digest was made outside the TPM, which only a restricted key refuses.
    let ticket = HashcheckTicket::try_from(TPMT_TK_HASHCHECK {
        tag: TPM2_ST_HASHCHECK,
        hierarchy: TPM2_RH_NULL,
        digest: Default::default(),
    })
    .map_err(Failure::of)?;
    let scheme = SignatureScheme::EcDsa { hash_scheme: HashScheme::new(HashingAlgorithm::Sha256) };
    match context.sign(key, digest, scheme, ticket).map_err(Failure::of)? {
        Signature::EcDsa(signature) => Ok(EcdsaSignature {
            r: signature.signature_r().value().to_vec(),
            s: signature.signature_s().value().to_vec(),
        }),
        _ => Err(Failure::Other("the TPM signed with another scheme".to_owned())),
    }
}

/// A TPM property read from the chip now: tss-esapi's `get_tpm_property` answers from a cache,
/// which would keep a lockout counter from changing.
pub(crate) fn property(context: &mut Context, tag: PropertyTag) -> Result<u32, Failure> {
    let (data, _) = context
        .execute_without_session(|context| {
            context.get_capability(CapabilityType::TpmProperties, TPM2_PT::from(tag), 1)
        })
        .map_err(Failure::of)?;
    let CapabilityData::TpmProperties(properties) = data else {
        return Err(Failure::Other("the TPM answered with other data".to_owned()));
    };
    let found = properties.into_iter().find(|property| property.property() == tag);
    Ok(found.map_or(0, |property| property.value()))
}

/// Flushes a transient object or session; one the TPM already dropped (after a reset) is
/// only logged.
fn flush(context: &mut Context, handle: ObjectHandle) {
    if let Err(error) = context.flush_context(handle) {
        tracing::debug!(%error, "a TPM handle could not be flushed");
    }
}

/// The storage key: an ECC P-256 restricted decryption key of the owner hierarchy with the
/// TCG's SRK attributes (TCG TPM v2.0 Provisioning Guidance §7.5.1). TPM2_CreatePrimary makes
/// the same key from this template for as long as the owner seed is unchanged, so it is made
/// again each time and never persisted: no NV slot, no owner authorization to store it, no
/// handle shared with other software. It must never change, or every blob made under it is
/// lost.
fn storage_template() -> Result<Public, Failure> {
    let attributes = ObjectAttributesBuilder::new()
        .with_fixed_tpm(true)
        .with_fixed_parent(true)
        .with_sensitive_data_origin(true)
        .with_user_with_auth(true)
        .with_no_da(true)
        .with_restricted(true)
        .with_decrypt(true)
        .build()
        .map_err(Failure::of)?;
    let parameters = PublicEccParametersBuilder::new_restricted_decryption_key(
        SymmetricDefinitionObject::AES_128_CFB,
        EccCurve::NistP256,
    )
    .build()
    .map_err(Failure::of)?;
    PublicBuilder::new()
        .with_public_algorithm(PublicAlgorithm::Ecc)
        .with_name_hashing_algorithm(HashingAlgorithm::Sha256)
        .with_object_attributes(attributes)
        .with_ecc_parameters(parameters)
        .with_ecc_unique_identifier(EccPoint::default())
        .build()
        .map_err(Failure::of)
}

/// A passkey: ECDSA P-256 with SHA-256, made inside the TPM and never leaving it in the clear
/// (fixedTPM, fixedParent, sensitiveDataOrigin), usable only with its authorization value
/// (userWithAuth) and subject to the chip's dictionary-attack protection (noDA clear).
fn signing_template() -> Result<Public, Failure> {
    let attributes = ObjectAttributesBuilder::new()
        .with_fixed_tpm(true)
        .with_fixed_parent(true)
        .with_sensitive_data_origin(true)
        .with_user_with_auth(true)
        .with_sign_encrypt(true)
        .build()
        .map_err(Failure::of)?;
    let parameters = PublicEccParametersBuilder::new_unrestricted_signing_key(
        EccScheme::EcDsa(HashScheme::new(HashingAlgorithm::Sha256)),
        EccCurve::NistP256,
    )
    .build()
    .map_err(Failure::of)?;
    PublicBuilder::new()
        .with_public_algorithm(PublicAlgorithm::Ecc)
        .with_name_hashing_algorithm(HashingAlgorithm::Sha256)
        .with_object_attributes(attributes)
        .with_ecc_parameters(parameters)
        .with_ecc_unique_identifier(EccPoint::default())
        .build()
        .map_err(Failure::of)
}

/// Opening the device node tells "no permission" (the `tss` group) from "not there".
fn check_device(device: &Path) -> Result<(), Failure> {
    match std::fs::OpenOptions::new().read(true).write(true).open(device) {
        Ok(_) => Ok(()),
        Err(error) => Err(device_failure(device, &error)),
    }
}

/// Why the device node at `device` did not open.
pub(crate) fn device_failure(device: &Path, error: &std::io::Error) -> Failure {
    if error.kind() == std::io::ErrorKind::PermissionDenied {
        Failure::AccessDenied(device.to_owned())
    } else {
        Failure::Unreachable(format!("{}: {error}", device.display()))
    }
}
