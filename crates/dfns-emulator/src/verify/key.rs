//! Key credentials (§2.4, §2.5): the signature covers the clientData bytes exactly as received.

use dfns_client::keys::{PublicKey, sha256_hex};
use dfns_client::models::{CredentialInfo, KeyAssertion, RegistrationRequest};
use serde::Deserialize;

use super::VerifyError;
use super::client_data::{b64, check, is_challenge, parse};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyAttestation {
    public_key: String,
    signature: String,
}

/// A verified new Key credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKeyCredential {
    /// Its public key.
    pub public_key: PublicKey,
    /// The clientData origin, when the signer wrote one.
    pub origin: Option<String>,
}

/// Checks a `key.create` credential and returns its public key.
///
/// attestationData is `{publicKey, signature}`; the signature is hex DER over the fingerprint
/// `{"clientDataHash":hex(sha256(clientData)),"publicKey":PEM}` written compactly in that order.
pub fn verify_key_registration(
    challenge: &str,
    info: &CredentialInfo,
) -> Result<NewKeyCredential, VerifyError> {
    let client_data = b64("clientData", &info.client_data)?;
    let parsed = check(&client_data, "key.create", challenge)?;
    let attestation = b64("attestationData", &info.attestation_data)?;
    let attestation: KeyAttestation = serde_json::from_slice(&attestation)
        .map_err(|_| VerifyError::Attestation("attestationData is not {publicKey, signature}"))?;
    let public_key = PublicKey::from_pem(&attestation.public_key)
        .map_err(|_| VerifyError::UnsupportedKey("not a P-256, secp256k1, Ed25519 or RSA PEM"))?;
    let fingerprint = serde_json::to_string(&Fingerprint {
        client_data_hash: &sha256_hex(&client_data),
        public_key: &attestation.public_key,
    })
    .map_err(|_| VerifyError::Attestation("fingerprint"))?;
    let signature = hex::decode(&attestation.signature)
        .map_err(|_| VerifyError::Attestation("signature is not hex"))?;
    public_key.verify(fingerprint.as_bytes(), &signature).map_err(|_| VerifyError::BadSignature)?;
    Ok(NewKeyCredential { public_key, origin: parsed.origin })
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprint<'a> {
    client_data_hash: &'a str,
    public_key: &'a str,
}

/// Checks a recovery key's `key.get` assertion. Its clientData challenge is either the recovery
/// challenge (the newest official signer, `sdk-browser/signers/recovery.ts`) or base64url of the
/// JSON of the new credentials (the older Dfns docs and the `nextjs-delegated-recovery`
/// example), which is compared with `new_credentials` as parsed JSON. The new credentials sign
/// the recovery challenge themselves, so either form ties the recovery to this challenge.
pub fn verify_recovery_assertion(
    challenge: &str,
    public_key: &PublicKey,
    assertion: &KeyAssertion,
    new_credentials: &RegistrationRequest,
) -> Result<(), VerifyError> {
    let client_data = b64("clientData", &assertion.client_data)?;
    let parsed = parse(&client_data, "key.get")?;
    let signs_new_credentials = || {
        b64("clientData.challenge", &parsed.challenge)
            .ok()
            .and_then(|json| serde_json::from_slice::<RegistrationRequest>(&json).ok())
            .is_some_and(|signed| signed == *new_credentials)
    };
    if !is_challenge(&parsed.challenge, challenge) && !signs_new_credentials() {
        return Err(VerifyError::ChallengeMismatch);
    }
    let signature = b64("signature", &assertion.signature)?;
    public_key.verify(&client_data, &signature).map_err(|_| VerifyError::BadSignature)
}

/// Checks a `key.get` assertion against the stored public key.
pub fn verify_key_assertion(
    challenge: &str,
    public_key: &PublicKey,
    assertion: &KeyAssertion,
) -> Result<(), VerifyError> {
    let client_data = b64("clientData", &assertion.client_data)?;
    // A Key clientData's origin is optional and not checked: the official Python signer sends
    // its own default origin.
    check(&client_data, "key.get", challenge)?;
    let signature = b64("signature", &assertion.signature)?;
    public_key.verify(&client_data, &signature).map_err(|_| VerifyError::BadSignature)
}
