use super::*;

const ALGORITHMS: [KeyAlgorithm; 4] =
    [KeyAlgorithm::P256, KeyAlgorithm::Secp256k1, KeyAlgorithm::Ed25519, KeyAlgorithm::Rsa];

#[test]
fn every_key_type_signs_and_its_public_key_verifies() {
    for algorithm in ALGORITHMS {
        let key = PrivateKey::generate(algorithm);
        let signature = key.sign(b"clientData bytes");
        let public = key.public_key();
        assert_eq!(public.algorithm(), algorithm);
        assert_eq!(public.verify(b"clientData bytes", &signature), Ok(()), "{algorithm:?}");
        assert_eq!(public.verify(b"other bytes", &signature), Err(KeyError::BadSignature));
    }
}

#[test]
fn keys_round_trip_through_pem() {
    for algorithm in ALGORITHMS {
        let key = PrivateKey::generate(algorithm);
        let reloaded =
            PrivateKey::from_pem(key.to_pkcs8_pem().expect("pem").expose()).expect("load");
        assert_eq!(reloaded.algorithm(), algorithm);
        let pem = key.public_key().to_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        let public = PublicKey::from_pem(&pem).expect("load");
        assert_eq!(public, key.public_key());
        assert_eq!(public.verify(b"m", &reloaded.sign(b"m")), Ok(()), "{algorithm:?}");
    }
}

#[test]
fn ecdsa_signatures_are_der_and_ed25519_signatures_are_raw() {
    let der = PrivateKey::generate(KeyAlgorithm::P256).sign(b"m");
    assert_eq!(der[0], 0x30, "a DER SEQUENCE");
    assert_eq!(PrivateKey::generate(KeyAlgorithm::Ed25519).sign(b"m").len(), 64);
    assert_eq!(PrivateKey::generate(KeyAlgorithm::Rsa).sign(b"m").len(), 256);
}

#[test]
fn a_p256_signature_is_der_ecdsa_with_sha256_that_the_portable_verifier_accepts() {
    // AWS-LC signs; the p256 crate, which shares no code with it, checks the signature.
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let PrivateInner::P256(inner) = &key.0 else { unreachable!("a P-256 key") };
    let der = key.sign(b"clientData bytes");
    let signature = p256::ecdsa::Signature::from_der(&der).expect("DER");
    assert!(inner.key.verifying_key().verify(b"clientData bytes", &signature).is_ok());
    assert!(inner.key.verifying_key().verify(b"other bytes", &signature).is_err());
}

#[test]
fn p256_signatures_draw_a_fresh_nonce_each_time() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let (first, second) = (key.sign(b"m"), key.sign(b"m"));
    assert_ne!(first, second, "not RFC 6979: the same message signs differently");
    assert_eq!(key.public_key().verify(b"m", &first), Ok(()));
    assert_eq!(key.public_key().verify(b"m", &second), Ok(()));
}

#[test]
fn a_p256_key_signs_for_its_public_key_whichever_form_it_was_loaded_from() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let public = key.public_key();
    let from_pem = PrivateKey::from_pem(key.to_pkcs8_pem().expect("pem").expose()).expect("pem");
    let from_der =
        PrivateKey::from_pkcs8_der(key.to_pkcs8_der().expect("der").as_bytes()).expect("der");
    for loaded in [from_pem, from_der] {
        assert_eq!(public.verify(b"m", &loaded.sign(b"m")), Ok(()));
    }
}

#[test]
fn a_raw_p256_signature_is_accepted_as_webcrypto_produces_it() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    let der = key.sign(b"m");
    let raw = p256::ecdsa::Signature::from_der(&der).expect("der").to_bytes();
    assert_eq!(key.public_key().verify(b"m", &raw), Ok(()));
}

#[test]
fn sec1_and_pkcs1_private_keys_load() {
    // As `openssl ecparam -genkey -noout` writes them.
    let p256 = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIPbOy7AsLoqrLscvsyK0uRpbH5q8GU4j991etLWaxwr4oAoGCCqGSM49
AwEHoUQDQgAESV892XAvg/ku1xfTRyw52CRQpWz9BBO0GjXZa7zyBePbI01iX4wG
tLKF0T10s2Qz6udAIpE5ZRGeq0ieWVZ2Bg==
-----END EC PRIVATE KEY-----";
    let secp256k1 = "-----BEGIN EC PRIVATE KEY-----
MHQCAQEEIKmfuvdLBPEzXmFKqySu5OUlMbo3y7JbkxZXoy1HwIX9oAcGBSuBBAAK
oUQDQgAETs5sE5jpCXvgFfktSW+wv56mzUCcDdPhlgDOnDLKhGE7Ji55Sh6QFLPB
8jwxUVhLQ9ZNamOSpiO5q9HhT8NXaQ==
-----END EC PRIVATE KEY-----";
    assert_eq!(PrivateKey::from_pem(p256).map(|k| k.algorithm()), Ok(KeyAlgorithm::P256));
    let sec1 = PrivateKey::from_pem(p256).expect("SEC1");
    assert_eq!(sec1.public_key().verify(b"m", &sec1.sign(b"m")), Ok(()), "and signs");
    assert_eq!(PrivateKey::from_pem(secp256k1).map(|k| k.algorithm()), Ok(KeyAlgorithm::Secp256k1));

    use rsa::pkcs1::{EncodeRsaPrivateKey as _, EncodeRsaPublicKey as _};
    let PrivateInner::Rsa(rsa) = PrivateKey::generate(KeyAlgorithm::Rsa).0 else {
        unreachable!("an RSA key")
    };
    let pkcs1 = rsa.to_pkcs1_pem(LineEnding::LF).expect("pkcs1");
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert_eq!(PrivateKey::from_pem(&pkcs1).map(|k| k.algorithm()), Ok(KeyAlgorithm::Rsa));
    let public = rsa.to_public_key().to_pkcs1_pem(LineEnding::LF).expect("pkcs1");
    assert!(public.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    assert_eq!(PublicKey::from_pem(&public).map(|k| k.algorithm()), Ok(KeyAlgorithm::Rsa));
}

#[test]
fn anything_else_is_an_unsupported_key() {
    for pem in ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"] {
        assert_eq!(PrivateKey::from_pem(pem).map(|k| k.algorithm()), Err(KeyError::UnsupportedKey));
        assert_eq!(PublicKey::from_pem(pem), Err(KeyError::UnsupportedKey));
    }
}

#[test]
fn the_private_key_never_prints() {
    let key = PrivateKey::generate(KeyAlgorithm::P256);
    assert_eq!(format!("{key:?}"), "PrivateKey(P256, <redacted>)");
    let pem = key.to_pkcs8_pem().expect("pem");
    assert_eq!(format!("{pem:?}"), "Secret(<redacted>)");
}
