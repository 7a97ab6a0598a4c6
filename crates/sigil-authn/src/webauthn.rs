//! The one conversion layer between Dfns and WebAuthn, used by every backend: Dfns challenges
//! become WebAuthn options the way the official browser SDK builds them (contract §3.7), and what
//! an authenticator returns becomes Dfns `credentialInfo` / `credentialAssertion` (§2.2, §3.2):
//! base64url without padding everywhere, the challenge as the UTF-8 bytes of the Dfns string.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::models::{
    CredentialChallenge, CredentialInfo, CredentialKind, FactorAssertion, Fido2Assertion,
    NewCredential, PubKeyCredParam, RegistrationOptions, UserActionChallenge, UserVerification,
};
use serde_json::{Value, json};
use url::Url;

use crate::AuthnError;

/// Where passkeys are used: the relying party id and the origin written into client data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    id: String,
    name: String,
    origin: Url,
}

impl RelyingParty {
    /// The relying party `id` (a bare domain) with the origin `https://{id}`.
    pub fn new(id: &str, name: &str) -> Result<Self, AuthnError> {
        let origin = Url::parse(&format!("https://{id}"))
            .map_err(|_| AuthnError::InvalidChallenge(format!("{id:?} is not a domain")))?;
        Self::with_origin(id, name, origin)
    }

    /// The relying party with a configured origin, which must belong to it: the same host or a
    /// subdomain, over https (or http on localhost).
    pub fn with_origin(id: &str, name: &str, origin: Url) -> Result<Self, AuthnError> {
        check_origin(&origin, id)?;
        Ok(Self { id: id.to_owned(), name: name.to_owned(), origin })
    }

    /// The rp id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The origin.
    pub fn origin(&self) -> &Url {
        &self.origin
    }
}

/// WebAuthn's rule that the origin's host is the rp id or a subdomain of it.
pub fn check_origin(origin: &Url, rp_id: &str) -> Result<(), AuthnError> {
    let mismatch =
        || AuthnError::OriginMismatch { origin: origin.to_string(), rp_id: rp_id.to_owned() };
    let host = origin.host_str().ok_or_else(mismatch)?;
    let secure = origin.scheme() == "https" || (origin.scheme() == "http" && host == "localhost");
    let belongs = host == rp_id || host.ends_with(&format!(".{rp_id}"));
    if secure && belongs && !rp_id.is_empty() { Ok(()) } else { Err(mismatch()) }
}

/// The clientDataJSON a browser writes (WebAuthn §5.8.1): type, the challenge in base64url,
/// the origin (scheme, host and port, no trailing slash), not cross-origin.
pub fn client_data_json(kind: &str, challenge: &[u8], origin: &Url) -> Vec<u8> {
    json!({
        "type": kind,
        "challenge": b64(challenge),
        "origin": origin.origin().ascii_serialization(),
        "crossOrigin": false,
    })
    .to_string()
    .into_bytes()
}

/// A credential creation request, neutral between backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreationOptions {
    /// Relying party id.
    pub rp_id: String,
    /// Relying party name.
    pub rp_name: String,
    /// The Dfns user id as bytes.
    pub user_id: Vec<u8>,
    /// Account name.
    pub user_name: String,
    /// Display name.
    pub display_name: String,
    /// The UTF-8 bytes of the Dfns challenge.
    pub challenge: Vec<u8>,
    /// COSE algorithms the server accepts, in its order.
    pub algorithms: Vec<i64>,
    /// Credential ids the authenticator must not already hold.
    pub exclude: Vec<Vec<u8>>,
    /// User verification requirement.
    pub user_verification: UserVerification,
    /// `required`, `preferred` or `discouraged`.
    pub resident_key: String,
    /// Attestation conveyance.
    pub attestation: String,
}

impl CreationOptions {
    /// The options for a delegated registration challenge.
    pub fn for_registration(
        rp: &RelyingParty,
        challenge: &RegistrationOptions,
    ) -> Result<Self, AuthnError> {
        let selection = &challenge.authenticator_selection;
        Ok(Self {
            rp_id: rp.id.clone(),
            rp_name: rp.name.clone(),
            user_id: challenge.user.id.as_bytes().to_vec(),
            user_name: challenge.user.name.clone(),
            display_name: challenge.user.display_name.clone(),
            challenge: challenge_bytes(&challenge.challenge)?,
            algorithms: algorithms(&challenge.pub_key_cred_params)?,
            exclude: decode_ids(challenge.exclude_credentials.iter().map(|c| c.id.as_str()))?,
            user_verification: selection.user_verification.clone(),
            resident_key: selection.resident_key.clone(),
            attestation: challenge.attestation.clone(),
        })
    }

    /// The options for a new-credential challenge (`POST /auth/credentials/init`, kind Fido2).
    pub fn for_new_credential(
        rp: &RelyingParty,
        challenge: &CredentialChallenge,
    ) -> Result<Self, AuthnError> {
        if challenge.kind != CredentialKind::Fido2 {
            return Err(AuthnError::InvalidChallenge(format!(
                "a {} challenge is not for a passkey",
                challenge.kind
            )));
        }
        let selection = challenge
            .authenticator_selection
            .as_ref()
            .ok_or_else(|| AuthnError::InvalidChallenge("no authenticatorSelection".to_owned()))?;
        let exclude = challenge.exclude_credentials.iter().flatten().map(|c| c.id.as_str());
        Ok(Self {
            rp_id: rp.id.clone(),
            rp_name: rp.name.clone(),
            user_id: challenge.user.id.as_bytes().to_vec(),
            user_name: challenge.user.name.clone(),
            display_name: challenge.user.display_name.clone(),
            challenge: challenge_bytes(&challenge.challenge)?,
            algorithms: algorithms(&challenge.pub_key_cred_params)?,
            exclude: decode_ids(exclude)?,
            user_verification: selection.user_verification.clone(),
            resident_key: selection.resident_key.clone(),
            attestation: challenge.attestation.clone().unwrap_or_else(|| "direct".to_owned()),
        })
    }

    /// `{"publicKey": PublicKeyCredentialCreationOptions}` in WebAuthn's JSON form.
    pub fn to_json(&self) -> Value {
        json!({ "publicKey": {
            "rp": { "id": self.rp_id, "name": self.rp_name },
            "user": { "id": b64(&self.user_id), "name": self.user_name, "displayName": self.display_name },
            "challenge": b64(&self.challenge),
            "pubKeyCredParams": self.algorithms.iter().map(|alg| json!({"type": "public-key", "alg": alg})).collect::<Vec<_>>(),
            "excludeCredentials": descriptors(&self.exclude),
            "authenticatorSelection": {
                "residentKey": self.resident_key,
                "requireResidentKey": self.resident_key == "required",
                "userVerification": self.user_verification.as_str(),
            },
            "attestation": self.attestation,
        }})
    }
}

/// An assertion request, neutral between backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// Relying party id.
    pub rp_id: String,
    /// The UTF-8 bytes of the Dfns challenge.
    pub challenge: Vec<u8>,
    /// The only credentials that may answer.
    pub allow: Vec<Vec<u8>>,
    /// User verification requirement.
    pub user_verification: UserVerification,
}

impl RequestOptions {
    /// The options for a user-action challenge: only its WebAuthn credentials may answer.
    pub fn for_user_action(
        rp: &RelyingParty,
        challenge: &UserActionChallenge,
    ) -> Result<Self, AuthnError> {
        let allow = decode_ids(challenge.allow_credentials.webauthn.iter().map(|c| c.id.as_str()))?;
        if allow.is_empty() {
            return Err(AuthnError::NoCredential);
        }
        Ok(Self {
            rp_id: rp.id.clone(),
            challenge: challenge_bytes(&challenge.challenge)?,
            allow,
            user_verification: challenge.user_verification.clone(),
        })
    }

    /// `{"publicKey": PublicKeyCredentialRequestOptions}` in WebAuthn's JSON form.
    pub fn to_json(&self) -> Value {
        json!({ "publicKey": {
            "challenge": b64(&self.challenge),
            "rpId": self.rp_id,
            "allowCredentials": descriptors(&self.allow),
            "userVerification": self.user_verification.as_str(),
        }})
    }
}

/// What an authenticator made: the raw bytes of a new credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCredential {
    /// Raw credential id.
    pub credential_id: Vec<u8>,
    /// clientDataJSON bytes.
    pub client_data_json: Vec<u8>,
    /// CBOR attestation object.
    pub attestation_object: Vec<u8>,
}

impl CreatedCredential {
    /// The Dfns `{credentialKind: "Fido2", credentialInfo: {credId, clientData, attestationData}}`.
    pub fn into_dfns(self, name: Option<String>) -> NewCredential {
        NewCredential {
            credential_kind: CredentialKind::Fido2,
            credential_info: CredentialInfo {
                cred_id: b64(&self.credential_id),
                client_data: b64(&self.client_data_json),
                attestation_data: b64(&self.attestation_object),
            },
            credential_name: name,
            encrypted_private_key: None,
        }
    }
}

/// What an authenticator signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAssertion {
    /// Raw credential id.
    pub credential_id: Vec<u8>,
    /// clientDataJSON bytes.
    pub client_data_json: Vec<u8>,
    /// Authenticator data bytes.
    pub authenticator_data: Vec<u8>,
    /// The signature (DER for ES256).
    pub signature: Vec<u8>,
    /// The user handle, for discoverable credentials.
    pub user_handle: Option<Vec<u8>>,
}

impl SignedAssertion {
    /// The Dfns `{kind: "Fido2", credentialAssertion: {credId, clientData, authenticatorData,
    /// signature, userHandle?}}`.
    pub fn into_dfns(self) -> FactorAssertion {
        FactorAssertion::Fido2 {
            credential_assertion: Fido2Assertion {
                cred_id: b64(&self.credential_id),
                client_data: b64(&self.client_data_json),
                authenticator_data: b64(&self.authenticator_data),
                signature: b64(&self.signature),
                user_handle: self.user_handle.as_deref().map(b64),
            },
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn challenge_bytes(challenge: &str) -> Result<Vec<u8>, AuthnError> {
    if challenge.is_empty() {
        return Err(AuthnError::InvalidChallenge("the challenge is empty".to_owned()));
    }
    // The browser SDK passes the challenge string's UTF-8 bytes, not a decoding of it.
    Ok(challenge.as_bytes().to_vec())
}

fn algorithms(params: &[PubKeyCredParam]) -> Result<Vec<i64>, AuthnError> {
    let algorithms: Vec<i64> =
        params.iter().filter(|p| p.kind == "public-key").map(|p| p.alg).collect();
    if algorithms.is_empty() { Err(AuthnError::UnsupportedAlgorithm) } else { Ok(algorithms) }
}

fn decode_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, AuthnError> {
    ids.map(|id| {
        URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| {
            AuthnError::InvalidChallenge(format!("credential id {id:?} is not base64url"))
        })
    })
    .collect()
}

fn descriptors(ids: &[Vec<u8>]) -> Vec<Value> {
    ids.iter().map(|id| json!({"type": "public-key", "id": b64(id)})).collect()
}

#[cfg(test)]
mod tests;
