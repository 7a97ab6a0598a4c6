use super::*;

#[test]
fn secrets_never_show_in_debug_output() {
    let code = LoginCode::new("very-secret-code");
    let token = SessionToken::new("very-secret-token");
    let temporary = DfnsTemporaryToken::new("very-secret-dfns-token");
    let shown = format!("{code:?} {token:?} {temporary:?}");
    assert!(!shown.contains("very-secret"), "{shown}");
    assert!(shown.contains("LoginCode(<redacted>)"), "{shown}");
}

#[test]
fn random_tokens_are_32_bytes_of_base64url() {
    let token = random_token(&OsRandom).expect("random token");
    assert_eq!(token.len(), 43);
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{}", *token);
    assert_ne!(*token, *random_token(&OsRandom).expect("random token"));
}

#[test]
fn secrets_are_stored_as_their_sha256() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    assert_eq!(
        secret_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
