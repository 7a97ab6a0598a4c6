use super::*;

#[test]
fn the_rfc_7636_example_verifier_answers_its_challenge() {
    // RFC 7636 appendix B.
    let verifier =
        CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("verifier");
    let challenge =
        CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Some("S256"))
            .expect("challenge");
    assert_eq!(verifier.challenge(), challenge);
    assert!(verifier.matches(&challenge));
}

#[test]
fn another_verifier_does_not_answer_the_challenge() {
    let verifier = CodeVerifier::generate().expect("verifier");
    let other = CodeVerifier::generate().expect("verifier");
    assert!(!other.matches(&verifier.challenge()));
}

#[test]
fn plain_and_missing_methods_are_refused() {
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    for method in [Some("plain"), None, Some("s256"), Some("")] {
        let error = CodeChallenge::parse(challenge, method).expect_err("refused");
        assert_eq!(error.code(), "PKCE_METHOD_UNSUPPORTED", "{method:?}");
    }
}

#[test]
fn malformed_challenges_and_verifiers_are_refused() {
    for challenge in [
        "",
        "short",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cMx",
    ] {
        let error = CodeChallenge::parse(challenge, Some("S256")).expect_err("refused");
        assert_eq!(error.code(), "PKCE_CHALLENGE_INVALID", "{challenge}");
    }
    let too_short = "a".repeat(42);
    let too_long = "a".repeat(129);
    let bad_char = format!("{}+", "a".repeat(42));
    for verifier in [too_short.as_str(), too_long.as_str(), bad_char.as_str()] {
        assert!(CodeVerifier::parse(verifier).is_err(), "{verifier}");
    }
    assert!(CodeVerifier::parse(&"a~._-".repeat(9)).is_ok());
}

#[test]
fn a_verifier_never_shows_in_debug_output() {
    let verifier = CodeVerifier::generate().expect("verifier");
    assert!(!format!("{verifier:?}").contains(verifier.expose()));
}
