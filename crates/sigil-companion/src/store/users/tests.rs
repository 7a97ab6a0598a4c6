use super::*;

#[test]
fn emails_are_trimmed_and_lower_cased() {
    assert_eq!(
        Email::parse("  Ann.Lee@Example.ORG ").expect("email").as_str(),
        "ann.lee@example.org"
    );
}

#[test]
fn malformed_emails_are_refused() {
    for raw in [
        "",
        "   ",
        "ann",
        "@example.org",
        "ann@",
        "ann@@example.org",
        "a b@example.org",
        "ann@.org",
        "ann@example.",
        "ann\u{0}@example.org",
    ] {
        let error = Email::parse(raw).expect_err(raw);
        assert_eq!(error.code(), "INVALID_INPUT", "{raw:?}");
    }
    let long = format!("{}@example.org", "a".repeat(250));
    assert!(Email::parse(&long).is_err());
}
