use dfns_client::models::{AllowCredential, AllowCredentials};

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).expect("url")
}

#[test]
fn an_origin_belongs_to_its_rp_id_and_its_subdomains_only() {
    for (origin, rp_id) in [
        ("https://localhost", "localhost"),
        ("https://localhost:8443", "localhost"),
        ("http://localhost:5173", "localhost"),
        ("https://example.com", "example.com"),
        ("https://wallet.example.com", "example.com"),
    ] {
        assert!(check_origin(&url(origin), rp_id).is_ok(), "{origin} for {rp_id}");
    }
    for (origin, rp_id) in [
        ("https://evilexample.com", "example.com"),
        ("https://example.com.evil.net", "example.com"),
        ("http://example.com", "example.com"),
        ("https://example.org", "example.com"),
        ("https://localhost", ""),
    ] {
        let error = check_origin(&url(origin), rp_id).expect_err(origin);
        assert_eq!(error.code(), "AUTHN_ORIGIN_MISMATCH");
    }
}

#[test]
fn the_default_origin_is_https_on_the_rp_id() {
    let rp = RelyingParty::new("example.com", "Example").expect("rp");
    assert_eq!(rp.origin().as_str(), "https://example.com/");
    let refused = RelyingParty::with_origin("example.com", "Example", url("https://other.org"));
    assert_eq!(refused.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_ORIGIN_MISMATCH"));
}

fn user_action(challenge: &str, webauthn: &[&str]) -> UserActionChallenge {
    UserActionChallenge {
        challenge: challenge.to_owned(),
        challenge_identifier: "id".to_owned(),
        supported_credential_kinds: Vec::new(),
        user_verification: UserVerification::Required,
        attestation: None,
        allow_credentials: AllowCredentials {
            key: Vec::new(),
            webauthn: webauthn.iter().map(|id| AllowCredential::public_key(*id)).collect(),
            password_protected_key: None,
        },
        external_authentication_url: None,
        rp: None,
    }
}

#[test]
fn request_options_carry_the_challenge_as_utf8_and_only_the_allowed_credentials() {
    let rp = RelyingParty::new("localhost", "Sigil").expect("rp");
    let options =
        RequestOptions::for_user_action(&rp, &user_action("Y2g", &["AQID"])).expect("options");
    assert_eq!(options.challenge, b"Y2g".to_vec(), "the string's bytes, not its decoding");
    assert_eq!(options.allow, vec![vec![1, 2, 3]]);
    let json = options.to_json();
    assert_eq!(json["publicKey"]["challenge"], "WTJn");
    assert_eq!(
        json["publicKey"]["allowCredentials"],
        json!([{"type": "public-key", "id": "AQID"}])
    );
    assert_eq!(json["publicKey"]["userVerification"], "required");
    assert_eq!(json["publicKey"]["rpId"], "localhost");
}

#[test]
fn a_challenge_that_allows_no_passkey_or_names_a_broken_id_is_refused() {
    let rp = RelyingParty::new("localhost", "Sigil").expect("rp");
    let none = RequestOptions::for_user_action(&rp, &user_action("c", &[]));
    assert_eq!(none.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_NO_CREDENTIAL"));
    let broken = RequestOptions::for_user_action(&rp, &user_action("c", &["not*base64"]));
    assert_eq!(broken.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_INVALID_CHALLENGE"));
    let empty = RequestOptions::for_user_action(&rp, &user_action("", &["AQID"]));
    assert_eq!(empty.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_INVALID_CHALLENGE"));
}

#[test]
fn outputs_become_dfns_fields_in_base64url_without_padding() {
    let created = CreatedCredential {
        credential_id: vec![0xfb, 0xff],
        client_data_json: b"{}".to_vec(),
        attestation_object: vec![0xa0],
    };
    let json = serde_json::to_value(created.into_dfns(Some("Laptop".to_owned()))).expect("json");
    assert_eq!(
        json,
        json!({
            "credentialKind": "Fido2",
            "credentialInfo": {"credId": "-_8", "clientData": "e30", "attestationData": "oA"},
            "credentialName": "Laptop",
        })
    );
    let signed = SignedAssertion {
        credential_id: vec![0xfb, 0xff],
        client_data_json: b"{}".to_vec(),
        authenticator_data: vec![1],
        signature: vec![2],
        user_handle: Some(b"us-1".to_vec()),
    };
    let json = serde_json::to_value(signed.into_dfns()).expect("json");
    assert_eq!(
        json,
        json!({"kind": "Fido2", "credentialAssertion": {
            "credId": "-_8", "clientData": "e30", "authenticatorData": "AQ", "signature": "Ag", "userHandle": "dXMtMQ"
        }})
    );
}
