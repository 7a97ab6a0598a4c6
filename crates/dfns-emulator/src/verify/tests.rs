use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::keys::{KeyAlgorithm, PrivateKey};
use dfns_client::models::{CredentialInfo, KeyAssertion};

use super::*;

fn rp() -> RelyingParty {
    RelyingParty {
        id: "localhost".into(),
        origins: vec![url::Url::parse("https://localhost").expect("url")],
    }
}

fn key_assertion(key: &PrivateKey, client_data: &str) -> KeyAssertion {
    KeyAssertion {
        cred_id: "c".into(),
        client_data: URL_SAFE_NO_PAD.encode(client_data),
        signature: URL_SAFE_NO_PAD.encode(key.sign(client_data.as_bytes())),
        algorithm: None,
    }
}

#[test]
fn key_client_data_is_verified_as_received_whatever_its_fields_and_order() {
    let key = PrivateKey::generate(KeyAlgorithm::Secp256k1);
    // The official Python signer's shape, keys in another order, with its own origin.
    let python =
        r#"{"challenge":"ch","type":"key.get","origin":"https://app.dfns.io","crossOrigin":false}"#;
    assert_eq!(verify_key_assertion("ch", &key.public_key(), &key_assertion(&key, python)), Ok(()));
    let node = r#"{"type":"key.get","challenge":"ch"}"#;
    assert_eq!(verify_key_assertion("ch", &key.public_key(), &key_assertion(&key, node)), Ok(()));
}

#[test]
fn a_key_assertion_of_the_wrong_type_or_challenge_is_refused() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let create = r#"{"type":"key.create","challenge":"ch"}"#;
    assert_eq!(
        verify_key_assertion("ch", &key.public_key(), &key_assertion(&key, create)),
        Err(VerifyError::ClientDataType { found: "key.create".into(), expected: "key.get" })
    );
    let other = r#"{"type":"key.get","challenge":"other"}"#;
    assert_eq!(
        verify_key_assertion("ch", &key.public_key(), &key_assertion(&key, other)),
        Err(VerifyError::ChallengeMismatch)
    );
    let mut broken = key_assertion(&key, r#"{"type":"key.get","challenge":"ch"}"#);
    broken.signature = "***".into();
    assert_eq!(
        verify_key_assertion("ch", &key.public_key(), &broken),
        Err(VerifyError::Encoding("signature"))
    );
}

fn fido2_info(attestation_object: &[u8]) -> CredentialInfo {
    let client_data =
        r#"{"type":"webauthn.create","challenge":"Y2g","origin":"https://localhost"}"#;
    CredentialInfo {
        cred_id: "c".into(),
        client_data: URL_SAFE_NO_PAD.encode(client_data),
        attestation_data: URL_SAFE_NO_PAD.encode(attestation_object),
    }
}

fn cbor(value: &ciborium::Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("cbor");
    bytes
}

#[test]
fn an_attestation_object_that_is_not_cbor_is_refused() {
    let error = verify_fido2_registration(&rp(), "ch", true, &fido2_info(b"\xff\x00 not cbor"));
    assert!(matches!(error, Err(VerifyError::AttestationObject(_))), "{error:?}");
}

#[test]
fn authenticator_data_shorter_than_its_header_is_refused() {
    use ciborium::Value;
    let object = Value::Map(vec![
        (Value::from("fmt"), Value::from("none")),
        (Value::from("attStmt"), Value::Map(Vec::new())),
        (Value::from("authData"), Value::Bytes(vec![0; 10])),
    ]);
    let error = verify_fido2_registration(&rp(), "ch", true, &fido2_info(&cbor(&object)));
    assert_eq!(error, Err(VerifyError::AuthenticatorData("shorter than 37 bytes")));
}

#[test]
fn registration_client_data_must_be_json() {
    let mut info = fido2_info(b"");
    info.client_data = URL_SAFE_NO_PAD.encode("not json");
    assert_eq!(
        verify_fido2_registration(&rp(), "ch", true, &info),
        Err(VerifyError::ClientDataJson)
    );
}

fn new_credentials(cred_id: &str) -> dfns_client::models::RegistrationRequest {
    serde_json::from_value(serde_json::json!({
        "firstFactorCredential": {
            "credentialKind": "Key",
            "credentialInfo": { "credId": cred_id, "clientData": "e30", "attestationData": "e30" },
        },
    }))
    .expect("new credentials")
}

#[test]
fn a_recovery_assertion_signs_the_challenge_or_the_new_credentials() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let bundle = new_credentials("new");
    // The newest official signer: the challenge, keys in its order.
    let newest = r#"{"challenge":"ch","type":"key.get"}"#;
    let assertion = key_assertion(&key, newest);
    assert_eq!(verify_recovery_assertion("ch", &key.public_key(), &assertion, &bundle), Ok(()));
    // The older form: base64url of the new credentials' JSON, in any key order and spacing.
    let json = r#"{ "firstFactorCredential": { "credentialName": null, "credentialKind": "Key",
        "credentialInfo": { "attestationData": "e30", "clientData": "e30", "credId": "new" } } }"#;
    let older = format!(r#"{{"type":"key.get","challenge":"{}"}}"#, URL_SAFE_NO_PAD.encode(json));
    let assertion = key_assertion(&key, &older);
    assert_eq!(verify_recovery_assertion("ch", &key.public_key(), &assertion, &bundle), Ok(()));
    // ...which must be the credentials sent.
    assert_eq!(
        verify_recovery_assertion("ch", &key.public_key(), &assertion, &new_credentials("other")),
        Err(VerifyError::ChallengeMismatch)
    );
    let create = r#"{"type":"key.create","challenge":"ch"}"#;
    assert_eq!(
        verify_recovery_assertion("ch", &key.public_key(), &key_assertion(&key, create), &bundle),
        Err(VerifyError::ClientDataType { found: "key.create".into(), expected: "key.get" })
    );
}
