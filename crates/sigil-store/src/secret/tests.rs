use super::*;

#[test]
fn debug_of_secret_bytes_never_shows_the_bytes() {
    let secret = SecretBytes::new(b"hunter2".to_vec());
    let shown = format!("{secret:?} {secret:#?}");
    assert_eq!(format!("{secret:?}"), "SecretBytes(<redacted>)");
    assert!(!shown.contains("hunter2"));
    assert!(!shown.contains("104")); // 'h' as a number, as Vec<u8>'s Debug would show it
}

#[test]
fn a_clone_exposes_the_same_bytes() {
    let secret = SecretBytes::new(vec![0, 159, 146, 150, 255]);
    assert_eq!(secret.clone().expose(), &[0, 159, 146, 150, 255]);
}

#[test]
fn ordinary_entry_names_are_valid_keys() {
    for key in ["passkey:abc-DEF_123", "session", "a", &"k".repeat(256), "clé ünïcode"] {
        assert!(check_key(key).is_ok(), "{key:?} should be accepted");
    }
}

#[test]
fn empty_overlong_and_control_character_keys_are_invalid() {
    for (key, reason) in [
        ("", "empty"),
        (&*"k".repeat(257), "longer than 256"),
        ("line\nbreak", "control characters"),
        ("nul\0", "control characters"),
    ] {
        let err = check_key(key).expect_err(key);
        assert_eq!(err.code(), "KEYRING_INVALID_KEY");
        assert!(err.to_string().contains(reason), "{err}");
    }
}

#[test]
fn an_invalid_key_is_shown_escaped() {
    let err = check_key("a\nb").expect_err("control character");
    assert!(err.to_string().starts_with(r#""a\nb" cannot name a keyring entry"#), "{err}");
}
