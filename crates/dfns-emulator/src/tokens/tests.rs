use super::*;

fn issuer() -> TokenIssuer {
    TokenIssuer::new(&[7; 32], "https://test.invalid")
}

fn login(issuer: &TokenIssuer, now_ms: i64) -> String {
    issuer.issue(TokenKind::Login, "us-1", "or-1", "to-1".to_owned(), now_ms, 60_000)
}

#[test]
fn a_token_forged_after_the_genuine_one_was_remembered_is_still_refused() {
    let issuer = issuer();
    let token = login(&issuer, 1_000);
    assert!(issuer.verify(&token, &[TokenKind::Login], 2_000).is_ok());
    // Same claims, another signature: a different text, so it is verified, and fails.
    let (signed, signature) = token.rsplit_once('.').expect("a JWT");
    let mut forged = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
    forged[0] ^= 1;
    let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(forged));
    assert_eq!(issuer.verify(&forged, &[TokenKind::Login], 2_000), Err(TokenError::Invalid));
    // Another issuer's key over the same claims.
    let other = TokenIssuer::new(&[8; 32], "https://test.invalid");
    let foreign = login(&other, 1_000);
    assert_eq!(issuer.verify(&foreign, &[TokenKind::Login], 2_000), Err(TokenError::Invalid));
}

#[test]
fn a_remembered_token_still_expires_and_keeps_its_kind() {
    let issuer = issuer();
    let token = login(&issuer, 1_000);
    assert!(issuer.verify(&token, &[TokenKind::Login], 2_000).is_ok());
    assert_eq!(issuer.verify(&token, &[TokenKind::Login], 61_000), Err(TokenError::Expired));
    assert_eq!(issuer.verify(&token, &[TokenKind::UserAction], 2_000), Err(TokenError::Invalid));
}

#[test]
fn the_memory_of_verified_tokens_stays_bounded() {
    let issuer = issuer();
    for jti in 0..VERIFIED_TOKENS_KEPT + 10 {
        let token = issuer.issue(TokenKind::Login, "us-1", "or-1", jti.to_string(), 0, 60_000);
        assert!(issuer.verify(&token, &[TokenKind::Login], 1).is_ok());
    }
    let kept = issuer.verified.lock().expect("not poisoned").len();
    assert!(kept <= VERIFIED_TOKENS_KEPT, "{kept} tokens remembered");
}
