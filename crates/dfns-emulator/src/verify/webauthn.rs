//! WebAuthn relying-party checks, step by step after WebAuthn Level 2 §7.1 (registering a new
//! credential) and §7.2 (verifying an authentication assertion).

use ciborium::Value;
use dfns_client::keys::{KeyAlgorithm, PublicKey};
use dfns_client::models::{CredentialInfo, Fido2Assertion};
use sha2::{Digest as _, Sha256};
use url::Url;

use super::VerifyError;
use super::client_data::{b64, check};

const FLAG_UP: u8 = 0x01;
const FLAG_UV: u8 = 0x04;
const FLAG_AT: u8 = 0x40;

// The algorithms the emulator offers in pubKeyCredParams, as Dfns does.
const COSE_ES256: i128 = -7;
const COSE_RS256: i128 = -257;

/// The relying party the emulated org's passkeys belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The rp id, a bare domain.
    pub id: String,
    /// Origins allowed in clientData, compared as parsed URLs (scheme, host, port).
    pub origins: Vec<Url>,
}

impl RelyingParty {
    fn check_origin(&self, origin: Option<&str>) -> Result<String, VerifyError> {
        let origin = origin.unwrap_or_default();
        let allowed = Url::parse(origin)
            .is_ok_and(|url| self.origins.iter().any(|allowed| allowed.origin() == url.origin()));
        if allowed {
            Ok(origin.to_owned())
        } else {
            Err(VerifyError::OriginNotAllowed(origin.to_owned()))
        }
    }

    fn check_rp_id_hash(&self, rp_id_hash: &[u8]) -> Result<(), VerifyError> {
        if rp_id_hash == Sha256::digest(self.id.as_bytes()).as_slice() {
            Ok(())
        } else {
            Err(VerifyError::RpIdHash(self.id.clone()))
        }
    }
}

/// A verified new passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFido2Credential {
    /// The credential id, base64url.
    pub credential_id: String,
    /// Its public key.
    pub public_key: PublicKey,
    /// The authenticator's signature counter at creation.
    pub sign_count: u32,
    /// The origin it was created at.
    pub origin: String,
}

/// §7.1: checks a `webauthn.create` response for `challenge`.
pub fn verify_fido2_registration(
    rp: &RelyingParty,
    challenge: &str,
    user_verification_required: bool,
    info: &CredentialInfo,
) -> Result<NewFido2Credential, VerifyError> {
    // 5–6. Let C be the parsed client data.
    let client_data = b64("clientData", &info.client_data)?;
    // 7. C.type must be webauthn.create. 8. C.challenge must be our challenge.
    let parsed = check(&client_data, "webauthn.create", challenge)?;
    // 9. C.origin must be an origin of the relying party.
    let origin = rp.check_origin(parsed.origin.as_deref())?;
    // 11. hash = SHA-256(clientDataJSON).
    let client_data_hash = Sha256::digest(&client_data);
    // 12. CBOR-decode the attestationObject into fmt, authData and attStmt.
    let attestation_object = b64("attestationData", &info.attestation_data)?;
    let (fmt, auth_data_bytes, att_stmt) = parse_attestation_object(&attestation_object)?;
    let auth_data = AuthenticatorData::parse(&auth_data_bytes)?;
    // 13. rpIdHash must be SHA-256 of the rp id.
    rp.check_rp_id_hash(auth_data.rp_id_hash)?;
    // 14–15. UP must be set; UV must be set when user verification is required.
    auth_data.check_flags(user_verification_required)?;
    let attested = auth_data
        .attested
        .ok_or(VerifyError::AuthenticatorData("no attested credential data (AT flag)"))?;
    // 16. The credential's algorithm must be one we offered (ES256, RS256): CoseKey::parse.
    // 19. Verify the attestation statement for its format.
    let signed = [auth_data_bytes.as_slice(), client_data_hash.as_slice()].concat();
    match fmt.as_str() {
        "none" => {}
        "packed" => verify_packed(&att_stmt, &signed, &attested)?,
        "fido-u2f" => {
            verify_fido_u2f(&att_stmt, auth_data.rp_id_hash, &client_data_hash, &attested)?;
        }
        other => return Err(VerifyError::UnsupportedFormat(other.to_owned())),
    }
    let credential_id = base64_url(&attested.credential_id);
    if credential_id != info.cred_id.trim_end_matches('=') {
        return Err(VerifyError::CredentialIdMismatch);
    }
    Ok(NewFido2Credential {
        credential_id,
        public_key: attested.key.public_key,
        sign_count: auth_data.sign_count,
        origin,
    })
}

/// §7.2: checks a `webauthn.get` assertion for `challenge` made with a stored credential.
/// Returns the new signature counter.
pub fn verify_fido2_assertion(
    rp: &RelyingParty,
    challenge: &str,
    user_verification_required: bool,
    user_id: &str,
    public_key: &PublicKey,
    stored_sign_count: u32,
    assertion: &Fido2Assertion,
) -> Result<u32, VerifyError> {
    // 6. If userHandle is present it must name the user the credential belongs to.
    if let Some(user_handle) = &assertion.user_handle
        && b64("userHandle", user_handle)? != user_id.as_bytes()
    {
        return Err(VerifyError::UserHandleMismatch);
    }
    // 8–12. Parse the client data; check type, challenge and origin.
    let client_data = b64("clientData", &assertion.client_data)?;
    let parsed = check(&client_data, "webauthn.get", challenge)?;
    rp.check_origin(parsed.origin.as_deref())?;
    // 13. rpIdHash. 14–15. UP, and UV when required.
    let auth_data_bytes = b64("authenticatorData", &assertion.authenticator_data)?;
    let auth_data = AuthenticatorData::parse(&auth_data_bytes)?;
    rp.check_rp_id_hash(auth_data.rp_id_hash)?;
    auth_data.check_flags(user_verification_required)?;
    // 19–20. The signature covers authData ‖ SHA-256(clientDataJSON).
    let signature = b64("signature", &assertion.signature)?;
    let signed = [auth_data_bytes.as_slice(), Sha256::digest(&client_data).as_slice()].concat();
    public_key.verify(&signed, &signature).map_err(|_| VerifyError::BadSignature)?;
    // 21. A counter that does not increase signals a cloned authenticator.
    let received = auth_data.sign_count;
    if (received != 0 || stored_sign_count != 0) && received <= stored_sign_count {
        return Err(VerifyError::CounterRegression { stored: stored_sign_count, received });
    }
    Ok(received)
}

struct AuthenticatorData<'a> {
    rp_id_hash: &'a [u8],
    flags: u8,
    sign_count: u32,
    attested: Option<AttestedCredential>,
}

struct AttestedCredential {
    credential_id: Vec<u8>,
    key: CoseKey,
}

impl<'a> AuthenticatorData<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, VerifyError> {
        if bytes.len() < 37 {
            return Err(VerifyError::AuthenticatorData("shorter than 37 bytes"));
        }
        let flags = bytes[32];
        let sign_count = u32::from_be_bytes([bytes[33], bytes[34], bytes[35], bytes[36]]);
        let attested = if flags & FLAG_AT == 0 {
            None
        } else {
            let rest = &bytes[37..];
            if rest.len() < 18 {
                return Err(VerifyError::AuthenticatorData("attested credential data truncated"));
            }
            let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
            let credential_id = rest
                .get(18..18 + id_len)
                .ok_or(VerifyError::AuthenticatorData("credential id truncated"))?
                .to_vec();
            let key_bytes = &rest[18 + id_len..];
            let key: Value = ciborium::from_reader(key_bytes)
                .map_err(|_| VerifyError::AuthenticatorData("credential public key is not CBOR"))?;
            Some(AttestedCredential { credential_id, key: CoseKey::parse(&key)? })
        };
        Ok(Self { rp_id_hash: &bytes[..32], flags, sign_count, attested })
    }

    fn check_flags(&self, user_verification_required: bool) -> Result<(), VerifyError> {
        if self.flags & FLAG_UP == 0 {
            return Err(VerifyError::UserNotPresent);
        }
        if user_verification_required && self.flags & FLAG_UV == 0 {
            return Err(VerifyError::UserNotVerified);
        }
        Ok(())
    }
}

/// A COSE_Key (RFC 9053) of one of the algorithms we accept.
struct CoseKey {
    alg: i128,
    public_key: PublicKey,
    /// For P-256: the uncompressed point, which fido-u2f attestations sign.
    sec1_point: Option<Vec<u8>>,
}

impl CoseKey {
    fn parse(value: &Value) -> Result<Self, VerifyError> {
        let map = value.as_map().ok_or(VerifyError::UnsupportedKey("not a COSE map"))?;
        let int = |label: i128| {
            map.iter()
                .find(|(key, _)| key.as_integer().map(i128::from) == Some(label))
                .map(|(_, value)| value)
        };
        let integer_at = |label| int(label).and_then(Value::as_integer).map(i128::from);
        let bytes_at = |label| int(label).and_then(Value::as_bytes);
        let kty = integer_at(1).ok_or(VerifyError::UnsupportedKey("no kty"))?;
        let alg = integer_at(3).ok_or(VerifyError::UnsupportedKey("no alg"))?;
        match (kty, alg) {
            (2, COSE_ES256) => {
                if integer_at(-1) != Some(1) {
                    return Err(VerifyError::UnsupportedKey("ES256 key not on P-256"));
                }
                let (x, y) = bytes_at(-2)
                    .zip(bytes_at(-3))
                    .ok_or(VerifyError::UnsupportedKey("EC2 key without x and y"))?;
                let point = [&[0x04], x.as_slice(), y.as_slice()].concat();
                let public_key = PublicKey::p256_from_sec1(&point)
                    .map_err(|_| VerifyError::UnsupportedKey("EC2 point is not on P-256"))?;
                Ok(Self { alg, public_key, sec1_point: Some(point) })
            }
            (3, COSE_RS256) => {
                let (n, e) = bytes_at(-1)
                    .zip(bytes_at(-2))
                    .ok_or(VerifyError::UnsupportedKey("RSA key without n and e"))?;
                let public_key = PublicKey::rsa_from_components(n, e)
                    .map_err(|_| VerifyError::UnsupportedKey("invalid RSA key"))?;
                Ok(Self { alg, public_key, sec1_point: None })
            }
            _ => Err(VerifyError::UnsupportedKey("only ES256 (P-256) and RS256 are accepted")),
        }
    }
}

fn parse_attestation_object(bytes: &[u8]) -> Result<(String, Vec<u8>, Value), VerifyError> {
    let value: Value =
        ciborium::from_reader(bytes).map_err(|_| VerifyError::AttestationObject("not CBOR"))?;
    let map = value.into_map().map_err(|_| VerifyError::AttestationObject("not a map"))?;
    let (mut fmt, mut auth_data, mut att_stmt) = (None, None, None);
    for (key, value) in map {
        match (key.as_text(), value) {
            (Some("fmt"), Value::Text(text)) => fmt = Some(text),
            (Some("authData"), Value::Bytes(bytes)) => auth_data = Some(bytes),
            (Some("attStmt"), value @ Value::Map(_)) => att_stmt = Some(value),
            _ => {}
        }
    }
    Ok((
        fmt.ok_or(VerifyError::AttestationObject("no fmt"))?,
        auth_data.ok_or(VerifyError::AttestationObject("no authData"))?,
        att_stmt.ok_or(VerifyError::AttestationObject("no attStmt"))?,
    ))
}

fn statement_field<'a>(att_stmt: &'a Value, name: &str) -> Option<&'a Value> {
    att_stmt.as_map()?.iter().find(|(key, _)| key.as_text() == Some(name)).map(|(_, value)| value)
}

fn certificate_key(att_stmt: &Value) -> Result<Option<PublicKey>, VerifyError> {
    let Some(x5c) = statement_field(att_stmt, "x5c") else {
        return Ok(None);
    };
    let leaf = x5c
        .as_array()
        .and_then(|chain| chain.first())
        .and_then(Value::as_bytes)
        .ok_or(VerifyError::Attestation("x5c is not a certificate chain"))?;
    use x509_cert::der::{Decode as _, Encode as _};
    let certificate = x509_cert::Certificate::from_der(leaf)
        .map_err(|_| VerifyError::Attestation("attestation certificate is not DER X.509"))?;
    let spki = certificate
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|_| VerifyError::Attestation("attestation certificate key"))?;
    PublicKey::from_spki_der(&spki)
        .map(Some)
        .map_err(|_| VerifyError::Attestation("attestation certificate key is not supported"))
}

/// WebAuthn §8.2: packed attestation, with a certificate (basic) or without (self).
/// The certificate's trust path is not evaluated: the emulator has no metadata service.
fn verify_packed(
    att_stmt: &Value,
    signed: &[u8],
    attested: &AttestedCredential,
) -> Result<(), VerifyError> {
    let alg = statement_field(att_stmt, "alg")
        .and_then(Value::as_integer)
        .map(i128::from)
        .ok_or(VerifyError::Attestation("packed statement without alg"))?;
    let signature = statement_field(att_stmt, "sig")
        .and_then(Value::as_bytes)
        .ok_or(VerifyError::Attestation("packed statement without sig"))?;
    let key = match certificate_key(att_stmt)? {
        Some(key) => {
            if expected_alg(key.algorithm()) != Some(alg) {
                return Err(VerifyError::Attestation("alg does not match the certificate key"));
            }
            key
        }
        None => {
            if alg != attested.key.alg {
                return Err(VerifyError::Attestation(
                    "self attestation alg differs from the key's",
                ));
            }
            attested.key.public_key.clone()
        }
    };
    key.verify(signed, signature).map_err(|_| VerifyError::Attestation("signature does not verify"))
}

/// WebAuthn §8.6: FIDO U2F attestation.
fn verify_fido_u2f(
    att_stmt: &Value,
    rp_id_hash: &[u8],
    client_data_hash: &[u8],
    attested: &AttestedCredential,
) -> Result<(), VerifyError> {
    let signature = statement_field(att_stmt, "sig")
        .and_then(Value::as_bytes)
        .ok_or(VerifyError::Attestation("fido-u2f statement without sig"))?;
    let key = certificate_key(att_stmt)?
        .ok_or(VerifyError::Attestation("fido-u2f statement without x5c"))?;
    let point = attested
        .key
        .sec1_point
        .as_deref()
        .ok_or(VerifyError::Attestation("fido-u2f needs a P-256 credential key"))?;
    let signed =
        [&[0x00], rp_id_hash, client_data_hash, attested.credential_id.as_slice(), point].concat();
    key.verify(&signed, signature)
        .map_err(|_| VerifyError::Attestation("signature does not verify"))
}

fn expected_alg(algorithm: KeyAlgorithm) -> Option<i128> {
    match algorithm {
        KeyAlgorithm::P256 => Some(COSE_ES256),
        KeyAlgorithm::Rsa => Some(COSE_RS256),
        KeyAlgorithm::Secp256k1 | KeyAlgorithm::Ed25519 => None,
    }
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
