use super::*;

fn pin(typed: &str) -> Pin {
    Pin::new(typed, 1).expect("pin")
}

#[test]
fn a_sealed_key_opens_only_with_its_pin_and_for_its_own_credential() {
    let sealed = Sealed::seal(&pin("246810"), b"the COSE key", b"credential A").expect("sealed");
    let opened = sealed.open(&pin("246810"), b"credential A").expect("opened");
    assert_eq!(opened.as_slice(), b"the COSE key");
    assert!(matches!(sealed.open(&pin("246811"), b"credential A"), Err(OpenError::WrongPin)));
    // Moved to another credential's record, the seal does not open even with the PIN.
    assert!(matches!(sealed.open(&pin("246810"), b"credential B"), Err(OpenError::WrongPin)));
}

#[test]
fn a_seal_records_its_argon2id_parameters_and_never_the_secret() {
    let sealed = Sealed::seal(&pin("246810"), b"the COSE key", b"c").expect("sealed");
    let json = serde_json::to_value(&sealed).expect("json");
    assert_eq!(json["kdf"], serde_json::json!({"m": 65536, "t": 3, "p": 1}));
    assert!(!json.to_string().contains(&URL_SAFE_NO_PAD.encode(b"the COSE key")));
    // Two seals of the same key differ: fresh salt and nonce each time.
    let again = Sealed::seal(&pin("246810"), b"the COSE key", b"c").expect("sealed");
    assert_ne!(sealed, again);
}

#[test]
fn a_seal_with_parameters_out_of_bounds_is_damaged_not_a_wrong_pin() {
    let sealed = Sealed::seal(&pin("246810"), b"k", b"c").expect("sealed");
    for kdf in [
        Kdf { memory_kib: 8, ..KDF },
        Kdf { memory_kib: 4 * 1024 * 1024, ..KDF },
        Kdf { iterations: 0, ..KDF },
        Kdf { lanes: 64, ..KDF },
    ] {
        let tampered = Sealed { kdf, ..sealed.clone() };
        assert!(
            matches!(tampered.open(&pin("246810"), b"c"), Err(OpenError::Damaged(_))),
            "{kdf:?}"
        );
    }
    let bad_nonce = Sealed { nonce: "AAAA".to_owned(), ..sealed };
    assert!(matches!(bad_nonce.open(&pin("246810"), b"c"), Err(OpenError::Damaged(_))));
}
