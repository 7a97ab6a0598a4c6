use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::VerifyError;

/// The fields of clientData we check. Everything else (crossOrigin, topOrigin, extensions) is
/// carried by the signature over the raw bytes and needs no reading.
#[derive(Debug, Deserialize)]
pub(super) struct ClientData {
    #[serde(rename = "type")]
    pub kind: String,
    pub challenge: String,
    #[serde(default)]
    pub origin: Option<String>,
}

/// Decodes base64url, accepting padding some encoders leave on.
pub(super) fn b64(field: &'static str, value: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).map_err(|_| VerifyError::Encoding(field))
}

/// Parses clientData bytes and checks type and challenge.
pub(super) fn check(
    bytes: &[u8],
    expected_type: &'static str,
    challenge: &str,
) -> Result<ClientData, VerifyError> {
    let data = parse(bytes, expected_type)?;
    if !is_challenge(&data.challenge, challenge) {
        return Err(VerifyError::ChallengeMismatch);
    }
    Ok(data)
}

/// Parses clientData bytes and checks their type.
pub(super) fn parse(bytes: &[u8], expected_type: &'static str) -> Result<ClientData, VerifyError> {
    let data: ClientData =
        serde_json::from_slice(bytes).map_err(|_| VerifyError::ClientDataJson)?;
    if data.kind != expected_type {
        return Err(VerifyError::ClientDataType { found: data.kind, expected: expected_type });
    }
    Ok(data)
}

/// Whether clientData's `found` challenge is `challenge`. Key signers put the challenge
/// verbatim; WebAuthn clients write base64url of its UTF-8 bytes (§2.3). Both are the same.
pub(super) fn is_challenge(found: &str, challenge: &str) -> bool {
    found == challenge || found == URL_SAFE_NO_PAD.encode(challenge)
}
