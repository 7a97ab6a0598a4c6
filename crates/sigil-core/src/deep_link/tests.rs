use super::*;

#[test]
fn a_callback_gives_its_code_and_state() {
    let link =
        DeepLink::parse("sigil://auth/callback?code=abc_DEF-123&state=s%20t").expect("valid");
    assert_eq!(link, DeepLink::Callback { code: Secret::new("abc_DEF-123"), state: "s t".into() });
}

#[test]
fn the_start_link_starts_a_login_whatever_its_query() {
    assert_eq!(DeepLink::parse("sigil://auth/start").expect("valid"), DeepLink::Start);
    assert_eq!(DeepLink::parse("SIGIL://auth/start?from=site").expect("valid"), DeepLink::Start);
}

#[test]
fn an_error_answer_is_a_callback_error_with_its_state() {
    let link = DeepLink::parse(
        "sigil://auth/callback?error=access_denied&error_description=no+thanks&state=xyz",
    )
    .expect("valid");
    assert_eq!(
        link,
        DeepLink::CallbackError {
            error: "access_denied".into(),
            description: Some("no thanks".into()),
            state: "xyz".into()
        }
    );
}

#[test]
fn unknown_parameters_are_ignored() {
    let link = DeepLink::parse("sigil://auth/callback?iss=x&code=c&state=s").expect("valid");
    assert!(matches!(link, DeepLink::Callback { .. }));
}

#[test]
fn malformed_links_are_refused_with_the_reason() {
    let long = format!("sigil://auth/callback?code={}&state=s", "a".repeat(MAX_LEN));
    let cases: &[(&str, DeepLinkError)] = &[
        ("", DeepLinkError::NotAUrl),
        ("not a url", DeepLinkError::NotAUrl),
        ("https://auth/callback?code=c&state=s", DeepLinkError::WrongScheme("https".into())),
        ("sigil://wallet/send?to=0xabc", DeepLinkError::UnknownTarget("wallet/send".into())),
        (
            "sigil://auth/callback/?code=c&state=s",
            DeepLinkError::UnknownTarget("auth/callback/".into()),
        ),
        ("sigil://auth/logout", DeepLinkError::UnknownTarget("auth/logout".into())),
        (
            "sigil://user@auth/callback?code=c&state=s",
            DeepLinkError::UnknownTarget("auth/callback".into()),
        ),
        (
            "sigil://auth:99/callback?code=c&state=s",
            DeepLinkError::UnknownTarget("auth/callback".into()),
        ),
        (
            "sigil://auth/callback?code=c&state=s#frag",
            DeepLinkError::UnknownTarget("auth/callback".into()),
        ),
        ("sigil://auth/callback?code=c", DeepLinkError::MissingParameter("state")),
        ("sigil://auth/callback?state=s", DeepLinkError::MissingParameter("code")),
        ("sigil://auth/callback?code=c&code=d&state=s", DeepLinkError::RepeatedParameter("code")),
        ("sigil://auth/callback?code=c&state=s&state=t", DeepLinkError::RepeatedParameter("state")),
        ("sigil://auth/callback?code=c&state=", DeepLinkError::InvalidParameter("state")),
        ("sigil://auth/callback?code=&state=s", DeepLinkError::InvalidParameter("code")),
        ("sigil://auth/callback?code=c%0A&state=s", DeepLinkError::InvalidParameter("code")),
        ("sigil://auth/callback?code=c&state=%C3%A9", DeepLinkError::InvalidParameter("state")),
        ("sigil://auth/callback?error=%00&state=s", DeepLinkError::InvalidParameter("error")),
        (long.as_str(), DeepLinkError::TooLong),
    ];
    for (raw, expected) in cases {
        let error = DeepLink::parse(raw).expect_err(raw);
        assert_eq!(&error, expected, "{raw}");
        assert_eq!(error.code(), "DEEP_LINK_INVALID");
    }
}

#[test]
fn a_code_never_shows_in_debug_output() {
    let link = DeepLink::parse("sigil://auth/callback?code=supersecret&state=s").expect("valid");
    assert!(!format!("{link:?}").contains("supersecret"));
}

#[test]
fn any_input_either_parses_or_is_refused_without_panicking() {
    // A small deterministic fuzz: every prefix and some mutations of valid links.
    let seeds = [
        "sigil://auth/callback?code=abc&state=xyz",
        "sigil://auth/start",
        "sigil://auth/callback?error=access_denied&state=s",
    ];
    for seed in seeds {
        for end in 0..=seed.len() {
            let _ = DeepLink::parse(&seed[..end]);
        }
        for (index, _) in seed.char_indices() {
            for insert in ["%", "%ZZ", "&", "=", "#", "\u{0}", "é", "//", "?"] {
                let mut mutated = seed.to_owned();
                mutated.insert_str(index, insert);
                let _ = DeepLink::parse(&mutated);
            }
        }
    }
}
