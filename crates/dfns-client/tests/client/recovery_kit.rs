//! The recovery kit format against a kit made elsewhere: `tests/fixtures/recovery-kit-webcrypto.json`
//! was made with WebCrypto in Node (`tests/sdk/node/make-recovery-kit-vector.mjs`), the API and
//! the algorithm of the official browser SDK's recovery signer. The other direction, a kit made
//! here opened by WebCrypto, is `tests/sdk/node/recovery-kit.test.mjs`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::keys::PublicKey;
use dfns_client::models::{AllowedRecoveryCredential, RecoveryAssertion};
use dfns_client::recovery::{RecoveryCode, RecoveryKey, RecoveryKitError};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn webcrypto_vector() -> Value {
    serde_json::from_str(include_str!("../fixtures/recovery-kit-webcrypto.json")).expect("json")
}

fn field<'a>(vector: &'a Value, name: &str) -> &'a str {
    vector[name].as_str().unwrap_or_else(|| panic!("{name} in the vector"))
}

fn offered(vector: &Value) -> AllowedRecoveryCredential {
    AllowedRecoveryCredential {
        id: field(vector, "credentialId").to_owned(),
        encrypted_recovery_key: field(vector, "encryptedPrivateKey").to_owned(),
    }
}

#[test]
fn a_kit_made_with_webcrypto_opens_here_and_signs_for_its_public_key() {
    let vector = webcrypto_vector();
    let code = RecoveryCode::parse(field(&vector, "recoveryCode")).expect("a code");
    assert_eq!(code.expose(), field(&vector, "recoveryCode"), "already canonical");
    // The username as typed there; the salt trims and lower-cases it.
    let kit = RecoveryKey::open("vector.user@example.com", &code, &[offered(&vector)])
        .expect("the WebCrypto kit opens");
    let public = PublicKey::from_pem(field(&vector, "publicKey")).expect("the vector's key");
    assert_eq!(kit.public_key(), public, "the unwrapped key is the kit's key");
    let spki = public.to_spki_der().expect("spki");
    assert_eq!(URL_SAFE_NO_PAD.encode(Sha256::digest(spki)), field(&vector, "credentialId"));
    // Its own signature verifies here, and ours with the unwrapped key verifies against its key.
    let theirs = URL_SAFE_NO_PAD.decode(field(&vector, "signature")).expect("b64url");
    public.verify(field(&vector, "message").as_bytes(), &theirs).expect("their signature");
    let RecoveryAssertion::RecoveryKey { credential_assertion } = kit.sign("a challenge");
    let client_data = URL_SAFE_NO_PAD.decode(credential_assertion.client_data).expect("b64url");
    let ours = URL_SAFE_NO_PAD.decode(credential_assertion.signature).expect("b64url");
    public.verify(&client_data, &ours).expect("our signature");
}

#[test]
fn the_webcrypto_kit_stays_shut_for_another_code_or_username() {
    let vector = webcrypto_vector();
    let code = RecoveryCode::parse(field(&vector, "recoveryCode")).expect("a code");
    let other = RecoveryCode::generate();
    for (username, code) in [("vector.user@example.com", &other), ("someone@example.com", &code)] {
        let opened = RecoveryKey::open(username, code, &[offered(&vector)]).map(|_| ());
        assert_eq!(opened, Err(RecoveryKitError::WrongCode), "{username}");
    }
}
