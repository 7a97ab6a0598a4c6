use super::*;

#[test]
fn a_password_verifies_against_its_own_hash_only() {
    let hash = hash_password("correct horse battery staple").expect("hash");
    assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.as_phc());
    assert!(verify_password("correct horse battery staple", &hash));
    assert!(!verify_password("correct horse battery stapler", &hash));
}

#[test]
fn two_hashes_of_one_password_differ_by_their_salt() {
    let first = hash_password("pw").expect("hash");
    let second = hash_password("pw").expect("hash");
    assert_ne!(first, second);
}

#[test]
fn a_password_hash_never_shows_in_debug_output() {
    let hash = hash_password("pw").expect("hash");
    assert_eq!(format!("{hash:?}"), "PasswordHash(<redacted>)");
}

#[test]
fn the_hash_of_nobody_has_todays_parameters_and_matches_no_password() {
    let nobody = nobody_hash();
    assert!(PasswordHash::from_phc(nobody.as_phc()).is_ok(), "a PHC string");
    assert!(!needs_rehash(&nobody), "the same argon2id work as a real account's hash");
    for password in ["", "sigil: nobody has this account", "correct horse battery"] {
        assert!(!verify_password(password, &nobody), "{password:?}");
    }
}

#[test]
fn hashes_with_weaker_parameters_need_a_rehash() {
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8, 1, 1, None).expect("params"),
    );
    let salt = SaltString::encode_b64(&[7u8; 16]).expect("salt");
    let old = PasswordHash::from_phc(weak.hash_password(b"pw", &salt).expect("hash").to_string())
        .expect("phc");
    assert!(verify_password("pw", &old));
    assert!(needs_rehash(&old));
    assert!(!needs_rehash(&hash_password("pw").expect("hash")));
}

#[test]
fn only_argon2_phc_strings_are_accepted() {
    assert_eq!(
        PasswordHash::from_phc("hunter2").map(|_| ()).expect_err("not PHC").code(),
        "PASSWORD_HASHING_FAILED"
    );
    assert!(PasswordHash::from_phc("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA").is_err());
}
