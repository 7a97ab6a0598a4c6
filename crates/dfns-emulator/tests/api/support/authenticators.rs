//! Two WebAuthn authenticators for tests.
//!
//! * [`Passkey`]: passkey-rs, a real software authenticator driven through its WebAuthn client,
//!   fed with Dfns challenges the way the official browser SDK feeds a browser.
//! * [`Scripted`]: a P-256 authenticator whose every output (flags, rp id hash, origin, client
//!   data, counter, attestation format) a test can set, for the negative cases.

use ciborium::Value;
use dfns_client::models::{
    AllowCredential, CredentialInfo, CredentialKind, FactorAssertion, Fido2Assertion,
    NewCredential, RegistrationOptions, UserActionChallenge,
};
use p256::ecdsa::signature::Signer as _;
use passkey_authenticator::{Authenticator, MemoryStore, UiHint, UserCheck, UserValidationMethod};
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::AvailableBackend;
use passkey_types::{Passkey as StoredPasskey, ctap2, webauthn};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::{base64_url, rand_bytes};

pub const FLAG_UP: u8 = 0x01;
pub const FLAG_UV: u8 = 0x04;
pub const FLAG_AT: u8 = 0x40;

/// A user who is always there and always verified.
pub struct AlwaysVerified;

#[async_trait::async_trait]
impl UserValidationMethod for AlwaysVerified {
    type PasskeyItem = StoredPasskey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, StoredPasskey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, ctap2::Ctap2Error> {
        Ok(UserCheck { presence, verification })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

type SoftClient =
    Client<MemoryStore, AlwaysVerified, AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// passkey-rs behind its WebAuthn client: discoverable credentials, `none` attestation.
pub struct Passkey {
    client: SoftClient,
    origin: url::Url,
    rp_id: String,
}

impl Passkey {
    pub fn new(rp_id: &str, origin: &str) -> Self {
        let authenticator = Authenticator::new(
            ctap2::Aaguid::new_empty(),
            MemoryStore::new(),
            AlwaysVerified,
            AvailableBackend,
        );
        Self {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: url::Url::parse(origin).expect("origin"),
            rp_id: rp_id.to_owned(),
        }
    }

    /// `navigator.credentials.create` for a Dfns registration challenge.
    pub async fn register(&mut self, challenge: &RegistrationOptions) -> NewCredential {
        let options = json!({ "publicKey": {
            "rp": { "id": self.rp_id, "name": "Sigil tests" },
            "user": {
                "id": base64_url(challenge.user.id.as_bytes()),
                "name": challenge.user.name,
                "displayName": challenge.user.display_name,
            },
            // The browser SDK passes the UTF-8 bytes of the challenge string.
            "challenge": base64_url(challenge.challenge.as_bytes()),
            "pubKeyCredParams": challenge.pub_key_cred_params,
            "authenticatorSelection": challenge.authenticator_selection,
            "attestation": challenge.attestation,
            "excludeCredentials": challenge.exclude_credentials,
        }});
        let options: webauthn::CredentialCreationOptions =
            serde_json::from_value(options).expect("creation options");
        let created = self
            .client
            .register(&self.origin, options, DefaultClientData)
            .await
            .expect("the software passkey creates a credential");
        NewCredential {
            credential_kind: CredentialKind::Fido2,
            credential_info: CredentialInfo {
                cred_id: created.id,
                client_data: base64_url(&created.response.client_data_json),
                attestation_data: base64_url(&created.response.attestation_object),
            },
            credential_name: Some("Software passkey".to_owned()),
            encrypted_private_key: None,
        }
    }

    /// `navigator.credentials.get` for a user-action challenge.
    pub async fn assert(&mut self, challenge: &UserActionChallenge) -> FactorAssertion {
        let allow: Vec<&AllowCredential> = challenge.allow_credentials.webauthn.iter().collect();
        let options = json!({ "publicKey": {
            "challenge": base64_url(challenge.challenge.as_bytes()),
            "rpId": self.rp_id,
            "allowCredentials": allow,
            "userVerification": challenge.user_verification.as_str(),
        }});
        let options: webauthn::CredentialRequestOptions =
            serde_json::from_value(options).expect("request options");
        let assertion = self
            .client
            .authenticate(&self.origin, options, DefaultClientData)
            .await
            .expect("the software passkey signs");
        FactorAssertion::Fido2 {
            credential_assertion: Fido2Assertion {
                cred_id: assertion.id,
                client_data: base64_url(&assertion.response.client_data_json),
                authenticator_data: base64_url(&assertion.response.authenticator_data),
                signature: base64_url(&assertion.response.signature),
                user_handle: assertion.response.user_handle.map(|handle| base64_url(&handle)),
            },
        }
    }
}

/// The attestation statement a [`Scripted`] authenticator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    None,
    /// `packed` self attestation: signed by the credential key itself.
    PackedSelf,
    /// Any other format name, with an empty statement.
    Named(&'static str),
}

/// Everything a ceremony's output depends on; tests change fields before it is signed.
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub client_data_type: String,
    /// As written into clientData.
    pub challenge: String,
    pub origin: String,
    pub rp_id: String,
    pub flags: u8,
    pub sign_count: u32,
}

/// A P-256 authenticator with every output under the test's control.
pub struct Scripted {
    key: p256::ecdsa::SigningKey,
    pub credential_id: Vec<u8>,
    pub user_id: String,
    pub rp_id: String,
    pub origin: String,
    pub sign_count: u32,
    pub format: Format,
}

impl Scripted {
    pub fn new(rp_id: &str, origin: &str) -> Self {
        let key = p256::ecdsa::SigningKey::from_slice(&rand_bytes()).expect("a P-256 key");
        Self {
            key,
            credential_id: rand_bytes().to_vec(),
            user_id: String::new(),
            rp_id: rp_id.to_owned(),
            origin: origin.to_owned(),
            sign_count: 0,
            format: Format::None,
        }
    }

    pub fn cred_id(&self) -> String {
        base64_url(&self.credential_id)
    }

    /// The ceremony an honest authenticator would perform for `challenge`.
    pub fn ceremony(&self, client_data_type: &str, challenge: &str) -> Ceremony {
        let create = client_data_type == "webauthn.create";
        Ceremony {
            client_data_type: client_data_type.to_owned(),
            challenge: base64_url(challenge.as_bytes()),
            origin: self.origin.clone(),
            rp_id: self.rp_id.clone(),
            flags: FLAG_UP | FLAG_UV | if create { FLAG_AT } else { 0 },
            sign_count: if create { 0 } else { self.sign_count + 1 },
        }
    }

    pub fn register(&self, challenge: &RegistrationOptions) -> NewCredential {
        self.register_ceremony(&self.ceremony("webauthn.create", &challenge.challenge))
    }

    pub fn register_ceremony(&self, ceremony: &Ceremony) -> NewCredential {
        let client_data = client_data_json(ceremony);
        let point = self.key.verifying_key().to_sec1_point(false);
        let point = point.as_bytes();
        let cose_key = cbor(&Value::Map(vec![
            (Value::from(1), Value::from(2)),
            (Value::from(3), Value::from(-7)),
            (Value::from(-1), Value::from(1)),
            (Value::from(-2), Value::Bytes(point[1..33].to_vec())),
            (Value::from(-3), Value::Bytes(point[33..65].to_vec())),
        ]));
        let id_length = u16::try_from(self.credential_id.len()).expect("short id");
        let auth_data = [
            authenticator_data(ceremony).as_slice(),
            &[0u8; 16],
            &id_length.to_be_bytes(),
            &self.credential_id,
            &cose_key,
        ]
        .concat();
        let statement = match self.format {
            Format::None | Format::Named(_) => Value::Map(Vec::new()),
            Format::PackedSelf => {
                let signed = [auth_data.as_slice(), &Sha256::digest(&client_data)].concat();
                let signature: p256::ecdsa::Signature = self.key.sign(&signed);
                Value::Map(vec![
                    (Value::from("alg"), Value::from(-7)),
                    (Value::from("sig"), Value::Bytes(signature.to_der().as_bytes().to_vec())),
                ])
            }
        };
        let format = match self.format {
            Format::None => "none",
            Format::PackedSelf => "packed",
            Format::Named(name) => name,
        };
        let attestation_object = cbor(&Value::Map(vec![
            (Value::from("fmt"), Value::from(format)),
            (Value::from("attStmt"), statement),
            (Value::from("authData"), Value::Bytes(auth_data)),
        ]));
        NewCredential {
            credential_kind: CredentialKind::Fido2,
            credential_info: CredentialInfo {
                cred_id: self.cred_id(),
                client_data: base64_url(&client_data),
                attestation_data: base64_url(&attestation_object),
            },
            credential_name: Some("Scripted passkey".to_owned()),
            encrypted_private_key: None,
        }
    }

    /// An honest assertion over `challenge`.
    pub fn assert(&mut self, challenge: &str) -> FactorAssertion {
        let ceremony = self.ceremony("webauthn.get", challenge);
        self.assert_ceremony(&ceremony)
    }

    pub fn assert_ceremony(&mut self, ceremony: &Ceremony) -> FactorAssertion {
        let client_data = client_data_json(ceremony);
        let auth_data = authenticator_data(ceremony);
        let signed = [auth_data.as_slice(), &Sha256::digest(&client_data)].concat();
        let signature: p256::ecdsa::Signature = self.key.sign(&signed);
        self.sign_count = self.sign_count.max(ceremony.sign_count);
        FactorAssertion::Fido2 {
            credential_assertion: Fido2Assertion {
                cred_id: self.cred_id(),
                client_data: base64_url(&client_data),
                authenticator_data: base64_url(&auth_data),
                signature: base64_url(signature.to_der().as_bytes()),
                user_handle: Some(base64_url(self.user_id.as_bytes())),
            },
        }
    }
}

fn client_data_json(ceremony: &Ceremony) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": ceremony.client_data_type,
        "challenge": ceremony.challenge,
        "origin": ceremony.origin,
        "crossOrigin": false,
    }))
    .expect("client data")
}

fn authenticator_data(ceremony: &Ceremony) -> Vec<u8> {
    [
        Sha256::digest(ceremony.rp_id.as_bytes()).as_slice(),
        &[ceremony.flags],
        &ceremony.sign_count.to_be_bytes(),
    ]
    .concat()
}

fn cbor(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("CBOR");
    bytes
}
