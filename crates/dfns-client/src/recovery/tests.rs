use super::*;

fn kit(username: &str) -> (RecoveryKey, RecoveryCode) {
    RecoveryKey::create(username).expect("a kit")
}

fn offered(key: &RecoveryKey) -> AllowedRecoveryCredential {
    AllowedRecoveryCredential {
        id: key.credential_id().to_owned(),
        encrypted_recovery_key: key.encrypted_private_key().to_owned(),
    }
}

/// The public key inside a RecoveryKey credential's attestation, as Dfns will know it.
fn public_key_of(key: &RecoveryKey) -> PublicKey {
    let credential = key.new_credential("challenge", None).expect("credential");
    let attestation =
        URL_SAFE_NO_PAD.decode(credential.credential_info.attestation_data).expect("base64url");
    let attestation: serde_json::Value = serde_json::from_slice(&attestation).expect("json");
    let public = PublicKey::from_pem(attestation["publicKey"].as_str().expect("pem")).expect("key");
    assert_eq!(public, key.public_key());
    public
}

#[test]
fn a_new_code_has_the_official_shape() {
    let code = RecoveryCode::generate();
    let groups: Vec<&str> = code.expose().split('-').collect();
    assert_eq!(groups[0], "D1");
    assert_eq!(groups[1..].iter().map(|g| g.len()).collect::<Vec<_>>(), GROUPS);
    assert!(groups[1..].concat().bytes().all(|byte| ALPHABET.contains(&byte)), "{groups:?}");
    assert_ne!(RecoveryCode::generate(), code, "codes are random");
}

#[test]
fn a_code_is_read_back_in_any_case_with_or_without_dashes() {
    let code = RecoveryCode::generate();
    let typed = format!("  {}  ", code.expose().to_lowercase().replace('-', " "));
    assert_eq!(RecoveryCode::parse(&typed), Ok(code.clone()));
    assert_eq!(RecoveryCode::parse(&code.expose().replace('-', "")), Ok(code));
}

#[test]
fn text_that_is_not_a_code_is_refused() {
    for text in [
        "",
        "D1-",
        "D2-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789",
        "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678",
        "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-4567890",
        // I, O, 0 and 1 are not in the alphabet: they read like one another.
        "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678I",
        "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678O",
    ] {
        assert_eq!(RecoveryCode::parse(text), Err(RecoveryKitError::MalformedCode), "{text:?}");
    }
}

#[test]
fn a_kit_opens_with_its_code_for_the_same_username_trimmed_and_in_any_case() {
    let (made, code) = kit("ada@example.com");
    let opened =
        RecoveryKey::open("  Ada@Example.COM ", &code, &[offered(&made)]).expect("it opens");
    assert_eq!(opened.credential_id(), made.credential_id());
    let signed = opened.sign("the recovery challenge");
    let RecoveryAssertion::RecoveryKey { credential_assertion } = signed;
    let client_data = URL_SAFE_NO_PAD.decode(&credential_assertion.client_data).expect("b64");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&client_data).expect("json"),
        serde_json::json!({"type": "key.get", "challenge": "the recovery challenge"})
    );
    let signature = URL_SAFE_NO_PAD.decode(&credential_assertion.signature).expect("b64");
    assert_eq!(public_key_of(&made).verify(&client_data, &signature), Ok(()));
}

#[test]
fn a_wrong_code_or_another_username_does_not_open_the_kit() {
    let (made, code) = kit("ada@example.com");
    let other = RecoveryCode::generate();
    assert_eq!(
        RecoveryKey::open("ada@example.com", &other, &[offered(&made)]).map(|_| ()),
        Err(RecoveryKitError::WrongCode)
    );
    assert_eq!(
        RecoveryKey::open("eve@example.com", &code, &[offered(&made)]).map(|_| ()),
        Err(RecoveryKitError::WrongCode)
    );
    assert_eq!(
        RecoveryKey::open("ada@example.com", &code, &[]).map(|_| ()),
        Err(RecoveryKitError::NoRecoveryCredential)
    );
}

#[test]
fn the_kit_the_code_opens_is_found_among_several() {
    let (first, _) = kit("ada@example.com");
    let (second, code) = kit("ada@example.com");
    let opened = RecoveryKey::open("ada@example.com", &code, &[offered(&first), offered(&second)])
        .expect("the second opens");
    assert_eq!(opened.credential_id(), second.credential_id());
}

#[test]
fn a_damaged_kit_is_reported_as_such() {
    let (made, code) = kit("ada@example.com");
    let with = |encrypted: &str| AllowedRecoveryCredential {
        id: made.credential_id().to_owned(),
        encrypted_recovery_key: encrypted.to_owned(),
    };
    let envelope = |iv: &[u8]| {
        STANDARD.encode(serde_json::json!({"iv": STANDARD.encode(iv), "key": "AAAA"}).to_string())
    };
    for (encrypted, reason) in [
        ("%%%".to_owned(), "not base64"),
        (STANDARD.encode("[]"), "not an {iv, key} envelope"),
        (envelope(&[0; 12]), "the iv is not 16 bytes"),
    ] {
        assert_eq!(
            RecoveryKey::open("ada@example.com", &code, &[with(&encrypted)]).map(|_| ()),
            Err(RecoveryKitError::MalformedKit(reason))
        );
    }
    // The same damage beside a kit the code cannot open points at the code.
    let (locked, _) = kit("ada@example.com");
    assert_eq!(
        RecoveryKey::open("ada@example.com", &code, &[with("%%%"), offered(&locked)]).map(|_| ()),
        Err(RecoveryKitError::WrongCode)
    );
}

#[test]
fn the_envelope_and_the_credential_id_follow_the_official_format() {
    let (made, _) = kit("ada@example.com");
    let envelope = STANDARD.decode(made.encrypted_private_key()).expect("standard base64");
    let envelope: serde_json::Value = serde_json::from_slice(&envelope).expect("json");
    let iv = STANDARD.decode(envelope["iv"].as_str().expect("iv")).expect("base64");
    assert_eq!(iv.len(), 16);
    let sealed = STANDARD.decode(envelope["key"].as_str().expect("key")).expect("base64");
    // A P-256 PKCS#8 key (138 bytes with its public key) and the 16-byte tag.
    assert_eq!(sealed.len(), 138 + 16);
    let spki = public_key_of(&made).to_spki_der().expect("spki");
    assert_eq!(made.credential_id(), URL_SAFE_NO_PAD.encode(Sha256::digest(spki)));
}

#[test]
fn codes_and_keys_never_print() {
    let (made, code) = kit("ada@example.com");
    assert!(!format!("{code:?}").contains(&code.expose()[3..9]));
    let shown = format!("{made:?}");
    assert!(!shown.contains("PRIVATE"), "{shown}");
}
