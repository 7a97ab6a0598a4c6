//! The recovery kit format against kits made elsewhere, in `tests/fixtures/`:
//!
//! * `recovery-kit-official.json`: made once by the official browser SDK's own code
//!   (`packages/sdk-browser/worker/isolatedKey.ts` `IsolatedKey.create` and
//!   `signers/recovery.ts` `randomRecoveryKey`/`deriveSaltFromUsername`, dfns/dfns-sdk-ts at
//!   ab1ae534 / 4172ee1e, transpiled and run in Node 20 outside this repository; not on npm yet);
//! * `recovery-kit-webcrypto.json`: made by `tests/sdk/node/make-recovery-kit-vector.mjs`, our
//!   WebCrypto implementation used by the SDK conformance tests.
//!
//! The other direction, `recovery-kit-sigil.json` made by `examples/recovery_kit.rs`, is opened
//! with WebCrypto by `tests/sdk/node/recovery.test.mjs` on every SDK run (and was opened by the
//! official `IsolatedKey.fromWrapped` in the same one-off run that made the official vector).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::keys::PublicKey;
use dfns_client::models::{AllowedRecoveryCredential, RecoveryAssertion};
use dfns_client::recovery::{RecoveryCode, RecoveryKey, RecoveryKitError};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn vectors() -> [(&'static str, Value); 2] {
    let parse = |text: &str| serde_json::from_str(text).expect("json");
    [
        ("official", parse(include_str!("../fixtures/recovery-kit-official.json"))),
        ("webcrypto", parse(include_str!("../fixtures/recovery-kit-webcrypto.json"))),
    ]
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
fn kits_made_elsewhere_open_here_and_sign_for_their_public_key() {
    for (made_by, vector) in vectors() {
        let code = RecoveryCode::parse(field(&vector, "recoveryCode")).expect("a code");
        assert_eq!(code.expose(), field(&vector, "recoveryCode"), "{made_by}: canonical");
        // The username as made there, with its spaces and capitals: the salt trims and lowers.
        let username = field(&vector, "username");
        assert_ne!(username, username.trim().to_lowercase());
        let kit = RecoveryKey::open(&username.trim().to_lowercase(), &code, &[offered(&vector)])
            .unwrap_or_else(|error| panic!("{made_by}: {error}"));
        let public = PublicKey::from_pem(field(&vector, "publicKey")).expect("the vector's key");
        assert_eq!(kit.public_key(), public, "{made_by}: the unwrapped key is the kit's key");
        let spki = public.to_spki_der().expect("spki");
        assert_eq!(URL_SAFE_NO_PAD.encode(Sha256::digest(spki)), field(&vector, "credentialId"));
        // Its own signature verifies here, and ours with the unwrapped key against its key.
        let theirs = URL_SAFE_NO_PAD.decode(field(&vector, "signature")).expect("b64url");
        public.verify(field(&vector, "message").as_bytes(), &theirs).expect("their signature");
        let RecoveryAssertion::RecoveryKey { credential_assertion } = kit.sign("a challenge");
        let client_data = URL_SAFE_NO_PAD.decode(credential_assertion.client_data).expect("b64");
        let ours = URL_SAFE_NO_PAD.decode(credential_assertion.signature).expect("b64url");
        public.verify(&client_data, &ours).expect("our signature");
    }
}

#[test]
fn kits_made_elsewhere_stay_shut_for_another_code_or_username() {
    for (made_by, vector) in vectors() {
        let code = RecoveryCode::parse(field(&vector, "recoveryCode")).expect("a code");
        let username = field(&vector, "username");
        let other = RecoveryCode::generate();
        for (username, code) in [(username, &other), ("someone@example.com", &code)] {
            let opened = RecoveryKey::open(username, code, &[offered(&vector)]).map(|_| ());
            assert_eq!(opened, Err(RecoveryKitError::WrongCode), "{made_by} {username}");
        }
    }
}
