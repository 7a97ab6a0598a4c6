//! The device passkey: a software passkey kept by Sigil itself, for machines with no platform
//! authenticator. passkey-rs is the authenticator and the WebAuthn client; its credentials live
//! in a [`SecretStore`] (the OS keyring in the app), never in a plain file. Every use needs the
//! person's approval through the [`Prompter`], which stands in for presence and verification.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::{CborSerializable as _, CoseKey};
use passkey_authenticator::{
    Authenticator as Ctap2Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo,
    UiHint, UserCheck, UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData, WebauthnError};
use passkey_crypto::AvailableBackend;
use passkey_types::ctap2::make_credential::{
    PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{self, Ctap2Error, StatusCode};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use passkey_types::{CredentialExtensions, Passkey};
use serde::{Deserialize, Serialize};
use sigil_store::{SecretBytes, SecretStore};
use url::Url;

use crate::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use crate::{Approval, Authenticator, AuthenticatorKind, AuthnError, Operation, Prompter};

type SoftClient =
    Client<StoredPasskeys, Approved, AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A software passkey whose credentials are kept in a secret store under one entry.
pub struct DevicePasskey {
    client: tokio::sync::Mutex<SoftClient>,
}

impl std::fmt::Debug for DevicePasskey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevicePasskey").finish_non_exhaustive()
    }
}

impl DevicePasskey {
    /// A device passkey keeping its credentials in `store` under the entry `entry`.
    pub fn new(store: Arc<dyn SecretStore>, entry: impl Into<String>) -> Self {
        let credentials = StoredPasskeys { store, entry: entry.into() };
        let mut authenticator = Ctap2Authenticator::new(
            ctap2::Aaguid::new_empty(),
            credentials,
            Approved,
            AvailableBackend,
        );
        // A counter lets the relying party notice a copied credential.
        authenticator.set_make_credentials_with_signature_counter(true);
        Self {
            client: tokio::sync::Mutex::new(
                Client::new(authenticator).allows_insecure_localhost(true),
            ),
        }
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
        let created =
            client.register(origin, request, DefaultClientData).await.map_err(from_webauthn)?;
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
        let signed =
            client.authenticate(origin, request, DefaultClientData).await.map_err(from_webauthn)?;
        Ok(SignedAssertion {
            credential_id: signed.raw_id.to_vec(),
            client_data_json: signed.response.client_data_json.to_vec(),
            authenticator_data: signed.response.authenticator_data.to_vec(),
            signature: signed.response.signature.to_vec(),
            user_handle: signed.response.user_handle.map(|handle| handle.to_vec()),
        })
    }
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

/// Presence and verification were given by the person's approval before the operation began.
struct Approved;

#[async_trait::async_trait]
impl UserValidationMethod for Approved {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck { presence, verification })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// The passkeys of one secret-store entry, as JSON with the COSE keys in CBOR.
struct StoredPasskeys {
    store: Arc<dyn SecretStore>,
    entry: String,
}

#[derive(Serialize, Deserialize)]
struct StoredPasskey {
    credential_id: String,
    rp_id: String,
    user_handle: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
    counter: Option<u32>,
    key: String,
}

impl StoredPasskey {
    fn from_passkey(passkey: &Passkey) -> Result<Self, StatusCode> {
        let key = passkey.key.clone().to_vec().map_err(|_| other_error())?;
        Ok(Self {
            credential_id: URL_SAFE_NO_PAD.encode(&*passkey.credential_id),
            rp_id: passkey.rp_id.clone(),
            user_handle: passkey
                .user_handle
                .as_deref()
                .map(|handle| URL_SAFE_NO_PAD.encode(handle)),
            username: passkey.username.clone(),
            display_name: passkey.user_display_name.clone(),
            counter: passkey.counter,
            key: URL_SAFE_NO_PAD.encode(key),
        })
    }

    fn to_passkey(&self) -> Result<Passkey, StatusCode> {
        let decode = |value: &str| URL_SAFE_NO_PAD.decode(value).map_err(|_| other_error());
        let key = CoseKey::from_slice(&decode(&self.key)?).map_err(|_| other_error())?;
        Ok(Passkey {
            key,
            credential_id: decode(&self.credential_id)?.into(),
            rp_id: self.rp_id.clone(),
            user_handle: self.user_handle.as_deref().map(decode).transpose()?.map(Into::into),
            username: self.username.clone(),
            user_display_name: self.display_name.clone(),
            counter: self.counter,
            extensions: CredentialExtensions { hmac_secret: None },
        })
    }
}

fn other_error() -> StatusCode {
    Ctap2Error::Other.into()
}

impl StoredPasskeys {
    // The OS keyring blocks (it may wait for an unlock prompt), so it runs off the async workers.
    async fn load(&self) -> Result<Vec<StoredPasskey>, StatusCode> {
        let (store, entry) = (self.store.clone(), self.entry.clone());
        let stored = tokio::task::spawn_blocking(move || store.get(&entry))
            .await
            .map_err(|_| other_error())?
            .map_err(|error| {
                tracing::warn!(%error, "device passkeys could not be read");
                other_error()
            })?;
        match stored {
            None => Ok(Vec::new()),
            Some(bytes) => serde_json::from_slice(bytes.expose()).map_err(|error| {
                tracing::warn!(%error, "device passkeys are damaged");
                other_error()
            }),
        }
    }

    async fn save(&self, passkeys: &[StoredPasskey]) -> Result<(), StatusCode> {
        let bytes = SecretBytes::new(serde_json::to_vec(passkeys).map_err(|_| other_error())?);
        let (store, entry) = (self.store.clone(), self.entry.clone());
        tokio::task::spawn_blocking(move || store.set(&entry, &bytes))
            .await
            .map_err(|_| other_error())?
            .map_err(|error| {
                tracing::warn!(%error, "device passkeys could not be written");
                other_error()
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
        let allowed = |id: &str| {
            ids.is_none_or(|ids| ids.iter().any(|d| URL_SAFE_NO_PAD.encode(&*d.id) == id))
        };
        let found = self
            .load()
            .await?
            .iter()
            .filter(|stored| stored.rp_id == rp_id && allowed(&stored.credential_id))
            .map(StoredPasskey::to_passkey)
            .collect::<Result<Vec<_>, _>>()?;
        if found.is_empty() { Err(Ctap2Error::NoCredentials.into()) } else { Ok(found) }
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: ctap2::make_credential::Options,
    ) -> Result<(), StatusCode> {
        let mut stored = self.load().await?;
        stored.push(StoredPasskey::from_passkey(&passkey)?);
        self.save(&stored).await
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), StatusCode> {
        let updated = StoredPasskey::from_passkey(passkey)?;
        let mut stored = self.load().await?;
        match stored.iter_mut().find(|s| s.credential_id == updated.credential_id) {
            Some(slot) => *slot = updated,
            None => stored.push(updated),
        }
        self.save(&stored).await
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo { discoverability: DiscoverabilitySupport::Full }
    }
}
