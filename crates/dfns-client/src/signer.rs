use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::keys::{KeyError, PrivateKey, PublicKey, sha256_hex};
use crate::models::{CredentialInfo, FactorAssertion, KeyAssertion, UserActionChallenge};

/// Why a signer could not answer a challenge.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    /// The challenge does not list this signer's credential.
    #[error("credential {cred_id} is not allowed to sign this challenge")]
    CredentialNotAllowed {
        /// The signer's credential id.
        cred_id: String,
    },
    /// The key failed.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Answers user-action challenges for a caller that holds a credential (§2).
pub trait CredentialSigner: Send + Sync + std::fmt::Debug {
    /// Signs `challenge` and returns the first factor for `POST /auth/action`.
    fn sign(&self, challenge: &UserActionChallenge) -> Result<FactorAssertion, SignerError>;
}

/// A Key credential: a credential id and the private key behind it. Signs the compact JSON
/// `{"type":"key.get","challenge":…}`, as the official key signer does.
#[derive(Debug, Clone)]
pub struct KeySigner {
    cred_id: String,
    key: PrivateKey,
}

impl KeySigner {
    /// A signer for credential `cred_id` holding `key`.
    pub fn new(cred_id: impl Into<String>, key: PrivateKey) -> Self {
        Self { cred_id: cred_id.into(), key }
    }

    /// A signer from a PEM private key (PKCS#8, SEC1 or PKCS#1).
    pub fn from_pem(cred_id: impl Into<String>, pem: &str) -> Result<Self, KeyError> {
        Ok(Self::new(cred_id, PrivateKey::from_pem(pem)?))
    }

    /// The credential id.
    pub fn cred_id(&self) -> &str {
        &self.cred_id
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The `credentialInfo` that registers this key as a new credential for `challenge`
    /// (`key.create`, §2.5).
    pub fn credential_info(&self, challenge: &str) -> Result<CredentialInfo, KeyError> {
        let client_data = client_data("key.create", challenge);
        let public_key = self.key.public_key().to_pem()?;
        let fingerprint = serde_json::json!({
            "clientDataHash": sha256_hex(&client_data),
            "publicKey": public_key,
        })
        .to_string();
        let attestation = serde_json::json!({
            "publicKey": public_key,
            "signature": hex::encode(self.key.sign(fingerprint.as_bytes())),
        })
        .to_string();
        Ok(CredentialInfo {
            cred_id: self.cred_id.clone(),
            client_data: URL_SAFE_NO_PAD.encode(client_data),
            attestation_data: URL_SAFE_NO_PAD.encode(attestation),
        })
    }

    /// Signs `challenge` without checking `allowCredentials`.
    pub fn assert(&self, challenge: &str) -> KeyAssertion {
        let client_data = client_data("key.get", challenge);
        KeyAssertion {
            cred_id: self.cred_id.clone(),
            client_data: URL_SAFE_NO_PAD.encode(&client_data),
            signature: URL_SAFE_NO_PAD.encode(self.key.sign(&client_data)),
            algorithm: None,
        }
    }
}

impl CredentialSigner for KeySigner {
    fn sign(&self, challenge: &UserActionChallenge) -> Result<FactorAssertion, SignerError> {
        if !challenge.allow_credentials.key.iter().any(|allowed| allowed.id == self.cred_id) {
            return Err(SignerError::CredentialNotAllowed { cred_id: self.cred_id.clone() });
        }
        Ok(FactorAssertion::Key { credential_assertion: self.assert(&challenge.challenge) })
    }
}

/// Compact `{"type":…,"challenge":…}`; serde_json keeps this key order.
fn client_data(kind: &str, challenge: &str) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct ClientData<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        challenge: &'a str,
    }
    // Two strings always serialise.
    serde_json::to_vec(&ClientData { kind, challenge }).expect("client data serialises")
}
