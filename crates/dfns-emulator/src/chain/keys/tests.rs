use super::*;

const SECRET: [u8; 32] = [7; 32];

fn key(curve: Curve) -> KeyPair {
    KeyPair::from_secret(curve, &SECRET).expect("a valid secret")
}

fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let vault = Vault::open_or_create(dir.path()).expect("a new vault");
    (dir, vault)
}

#[test]
fn generated_keys_are_on_their_curve_with_public_keys_in_the_dfns_form() {
    let secp = KeyPair::generate(Curve::Secp256k1);
    assert_eq!(secp.curve(), Curve::Secp256k1);
    let public = secp.public_key_bytes();
    assert_eq!(public.len(), 33);
    assert!(matches!(public[0], 0x02 | 0x03), "compressed SEC1");
    assert_eq!(secp.public_key_hex(), hex::encode(&public));

    let ed = KeyPair::generate(Curve::Ed25519);
    assert_eq!(ed.curve(), Curve::Ed25519);
    assert_eq!(ed.public_key_bytes().len(), 32);
    assert_eq!(ed.public_key_hex(), hex::encode(ed.public_key_bytes()));
}

#[test]
fn generated_keys_are_random() {
    for curve in [Curve::Secp256k1, Curve::Ed25519] {
        assert_ne!(
            KeyPair::generate(curve).public_key_bytes(),
            KeyPair::generate(curve).public_key_bytes()
        );
    }
}

#[test]
fn the_public_key_of_secp256k1_private_key_one_is_the_generator() {
    let mut one = [0u8; 32];
    one[31] = 1;
    let key = KeyPair::from_secret(Curve::Secp256k1, &one).expect("1 is a valid scalar");
    assert_eq!(
        key.public_key_hex(),
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    );
}

#[test]
fn the_ed25519_public_key_is_the_rfc_8032_one() {
    // RFC 8032 §7.1, TEST 1.
    let secret = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .expect("hex");
    let key = KeyPair::from_secret(Curve::Ed25519, &secret.try_into().expect("32 bytes"))
        .expect("any 32 bytes are an ed25519 seed");
    assert_eq!(
        key.public_key_hex(),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
}

#[test]
fn secp256k1_secrets_outside_the_group_are_refused() {
    assert!(KeyPair::from_secret(Curve::Secp256k1, &[0; 32]).is_none());
    assert!(KeyPair::from_secret(Curve::Secp256k1, &[0xff; 32]).is_none());
}

#[test]
fn debug_output_shows_no_secret() {
    for curve in [Curve::Secp256k1, Curve::Ed25519] {
        let shown = format!("{:?}", key(curve));
        assert!(shown.contains(&key(curve).public_key_hex()), "{shown}");
        assert!(!shown.contains(&hex::encode(SECRET)), "{shown}");
    }
    let (dir, vault) = vault();
    let file = std::fs::read(dir.path().join(VAULT_KEY_FILE)).expect("the key file");
    let shown = format!("{vault:?}");
    assert_eq!(shown, "Vault(..)");
    assert!(!shown.contains(&hex::encode(file)));
}

#[test]
fn sealed_keys_open_to_the_same_key_for_both_curves() {
    let (_dir, vault) = vault();
    for curve in [Curve::Secp256k1, Curve::Ed25519] {
        let key = key(curve);
        let sealed = vault.seal(&key);
        assert_eq!(sealed.len(), SEALED_LEN);
        let opened = vault.open(&sealed).expect("opens");
        assert_eq!(opened.curve(), curve);
        assert_eq!(opened.public_key_bytes(), key.public_key_bytes());
        assert_eq!(*opened.plaintext(), *key.plaintext());
    }
}

#[test]
fn sealed_bytes_do_not_contain_the_secret_and_differ_each_time() {
    let (_dir, vault) = vault();
    let key = key(Curve::Ed25519);
    let first = vault.seal(&key);
    let second = vault.seal(&key);
    assert_ne!(first, second, "a fresh nonce every time");
    assert!(!first.windows(32).any(|window| window == SECRET));
}

#[test]
fn a_key_sealed_by_another_vault_does_not_open() {
    let (_one, first) = vault();
    let (_two, second) = vault();
    let sealed = first.seal(&key(Curve::Secp256k1));
    assert!(matches!(second.open(&sealed), Err(VaultError::Decrypt)));
}

#[test]
fn any_altered_byte_of_a_sealed_key_is_detected() {
    let (_dir, vault) = vault();
    let sealed = vault.seal(&key(Curve::Secp256k1));
    // Nonce, ciphertext (curve tag and secret) and tag alike.
    for index in 0..sealed.len() {
        let mut altered = sealed.clone();
        altered[index] ^= 0x01;
        assert!(matches!(vault.open(&altered), Err(VaultError::Decrypt)), "byte {index}");
    }
    assert!(matches!(vault.open(&sealed[..sealed.len() - 1]), Err(VaultError::Decrypt)));
    assert!(matches!(vault.open(&[sealed.clone(), vec![0]].concat()), Err(VaultError::Decrypt)));
    assert!(matches!(vault.open(&[]), Err(VaultError::Decrypt)));
}

#[test]
fn the_vault_key_is_created_once_and_reused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let first = Vault::open_or_create(dir.path()).expect("created");
    let file = std::fs::read(dir.path().join(VAULT_KEY_FILE)).expect("the key file");
    assert_eq!(file.len(), 32);
    let second = Vault::open_or_create(dir.path()).expect("reopened");
    let sealed = first.seal(&key(Curve::Ed25519));
    assert!(second.open(&sealed).is_ok());
    assert_eq!(std::fs::read(dir.path().join(VAULT_KEY_FILE)).expect("the key file"), file);
}

#[cfg(unix)]
#[test]
fn the_vault_key_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, _vault) = vault();
    let mode =
        std::fs::metadata(dir.path().join(VAULT_KEY_FILE)).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_key_file_of_the_wrong_size_is_an_error_and_is_left_untouched() {
    for contents in [&b""[..], &[1u8; 31][..], &[1u8; 33][..]] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join(VAULT_KEY_FILE);
        std::fs::write(&path, contents).expect("written");
        match Vault::open_or_create(dir.path()) {
            Err(VaultError::WrongSize { path: reported, len }) => {
                assert_eq!(reported, path);
                assert_eq!(len, contents.len() as u64);
            }
            other => panic!("expected WrongSize, got {other:?}"),
        }
        assert_eq!(std::fs::read(&path).expect("still there"), contents);
    }
}

#[test]
fn a_missing_data_dir_is_an_io_error() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let missing = dir.path().join("missing");
    assert!(matches!(Vault::open_or_create(&missing), Err(VaultError::Io { .. })));
}
