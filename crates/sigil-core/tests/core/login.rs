//! Deep-link login, one behaviour or fault per test.

use std::sync::Arc;

use sigil_companion::testing::{TestStack, Website};
use sigil_core::clock::SystemClock;
use sigil_core::companion::CompanionClient;
use sigil_core::login::{Auth, LOGIN_TTL_MS, LinkOutcome};

use crate::support::{App, NoKeyring, PASSWORD};

async fn stack() -> TestStack {
    TestStack::start().await.expect("emulator and companion")
}

fn with_state(link: &str, state: &str) -> String {
    let mut url = url::Url::parse(link).expect("a URL");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "state" { state.to_owned() } else { v.into_owned() };
            (k.into_owned(), value)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

#[tokio::test]
async fn a_login_started_in_the_app_comes_back_through_the_deep_link_and_signs_in() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "ann@example.org", true).await;
    let outcome = app.auth.accept_deep_link(&link).await.expect("signed in");
    let LinkOutcome::SignedIn(user) = outcome else { panic!("{outcome:?}") };
    assert_eq!(user.email, "ann@example.org");
    assert_eq!(app.stored(), ["companion-session"], "the pending login is used up");
    let token = app.auth.token().await.expect("a session");
    let me = app.auth.companion().me(&token).await.expect("the companion knows the session");
    assert_eq!(me.user.id, user.id);
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_and_the_real_one_still_works() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "bea@example.org", true).await;
    let forged = with_state(&link, "someone-elses-state");
    let error = app.auth.accept_deep_link(&forged).await.expect_err("refused");
    assert_eq!(error.code(), "LOGIN_STATE_MISMATCH");
    assert_eq!(app.stored(), ["pending-login"], "nothing signed in, the login still pending");
    assert!(matches!(app.auth.accept_deep_link(&link).await, Ok(LinkOutcome::SignedIn(_))));
}

#[tokio::test]
async fn a_callback_the_app_did_not_ask_for_is_refused_and_stores_nothing() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let error = app
        .auth
        .accept_deep_link("sigil://auth/callback?code=planted&state=whatever")
        .await
        .expect_err("unsolicited");
    assert_eq!(error.code(), "LOGIN_NOT_PENDING");
    assert!(app.stored().is_empty());
}

#[tokio::test]
async fn a_second_callback_for_the_same_login_is_refused() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "cal@example.org", true).await;
    app.auth.accept_deep_link(&link).await.expect("first");
    let again = app.auth.accept_deep_link(&link).await.expect_err("second");
    assert_eq!(again.code(), "LOGIN_NOT_PENDING");
    assert!(app.auth.session().await.expect("session").is_some(), "still signed in");
}

#[tokio::test]
async fn a_code_that_expired_at_the_companion_is_reported_and_nothing_is_stored() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "dan@example.org", true).await;
    stack.clock.advance_ms(61_000);
    let error = app.auth.accept_deep_link(&link).await.expect_err("expired");
    assert_eq!(error.code(), "CODE_EXPIRED");
    assert!(app.stored().is_empty(), "no session, and the spent login is gone");
}

#[tokio::test]
async fn a_login_finished_too_late_in_the_app_is_refused() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "eli@example.org", true).await;
    app.clock.advance_ms(LOGIN_TTL_MS + 1);
    let error = app.auth.accept_deep_link(&link).await.expect_err("too late");
    assert_eq!(error.code(), "LOGIN_EXPIRED");
    assert!(app.stored().is_empty());
}

#[tokio::test]
async fn a_login_for_another_account_while_signed_in_switches_nothing() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "fay@example.org", true).await;
    app.auth.accept_deep_link(&link).await.expect("signed in as fay");
    let other = app.website_login(&stack, "gil@example.org", true).await;
    let error = app.auth.accept_deep_link(&other).await.expect_err("another account");
    assert_eq!(error.code(), "ACCOUNT_MISMATCH");
    assert!(
        error.to_string().contains("fay@example.org")
            && error.to_string().contains("gil@example.org")
    );
    let session = app.auth.session().await.expect("session").expect("still signed in");
    assert_eq!(session.user.email, "fay@example.org");
}

#[tokio::test]
async fn signing_in_again_as_the_same_person_refreshes_the_session() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "hal@example.org", true).await;
    app.auth.accept_deep_link(&link).await.expect("signed in");
    let first = app.auth.token().await.expect("token");
    let again = app.website_login(&stack, "hal@example.org", false).await;
    app.auth.accept_deep_link(&again).await.expect("signed in again");
    assert_ne!(app.auth.token().await.expect("token"), first, "a new session token");
}

#[tokio::test]
async fn open_in_sigil_starts_a_login_only_when_signed_out_and_none_is_under_way() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let outcome = app.auth.accept_deep_link("sigil://auth/start").await.expect("starts");
    let LinkOutcome::OpenBrowser(url) = outcome else { panic!("{outcome:?}") };
    assert!(url.as_str().starts_with(&format!("{}/login?", stack.companion_url)), "{url}");
    let query: std::collections::BTreeMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query.get("code_challenge_method").map(String::as_str), Some("S256"));
    assert_eq!(query.get("redirect_uri").map(String::as_str), Some("sigil://auth/callback"));
    // A page sending the link again while the person signs in cancels nothing.
    let again = app.auth.accept_deep_link("sigil://auth/start").await.expect("left alone");
    assert_eq!(again, LinkOutcome::SignInUnderWay);
    let link = Website::new(&stack.companion_url)
        .expect("browser")
        .sign_in_at(url.as_str(), "ivy@example.org", PASSWORD, true)
        .await
        .expect("deep link");
    app.auth.accept_deep_link(link.as_str()).await.expect("signed in");
    let again = app.auth.accept_deep_link("sigil://auth/start").await.expect("nothing to do");
    assert!(matches!(again, LinkOutcome::AlreadySignedIn(user) if user.email == "ivy@example.org"));
}

#[tokio::test]
async fn the_website_refusing_the_login_ends_it() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let url = app.auth.start_login().await.expect("started");
    let state = url.query_pairs().find(|(k, _)| k == "state").expect("state").1.into_owned();
    let refusal = format!(
        "sigil://auth/callback?error=access_denied&error_description=cancelled&state={}",
        url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>()
    );
    let error = app.auth.accept_deep_link(&refusal).await.expect_err("refused");
    assert_eq!(error.code(), "LOGIN_REFUSED");
    assert!(error.to_string().contains("cancelled"));
    assert!(app.stored().is_empty());
}

#[tokio::test]
async fn malformed_deep_links_are_refused_and_change_nothing() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    app.auth.start_login().await.expect("started");
    for raw in [
        "sigil://wallet/drain",
        "https://evil.example/auth/callback?code=c&state=s",
        "sigil://auth/callback?code=a&code=b&state=s",
    ] {
        let error = app.auth.accept_deep_link(raw).await.expect_err(raw);
        assert_eq!(error.code(), "DEEP_LINK_INVALID", "{raw}");
    }
    assert_eq!(app.stored(), ["pending-login"], "the login in progress is untouched");
}

#[tokio::test]
async fn signing_out_ends_the_session_at_the_companion_and_forgets_it() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "jon@example.org", true).await;
    app.auth.accept_deep_link(&link).await.expect("signed in");
    let token = app.auth.token().await.expect("token");
    app.auth.sign_out().await.expect("signed out");
    assert!(app.stored().is_empty());
    assert_eq!(app.auth.token().await.expect_err("no session").code(), "SIGNED_OUT");
    let refused = app.auth.companion().me(&token).await.expect_err("ended");
    assert_eq!(refused.api_code(), Some(sigil_api::ErrorCode::Unauthenticated));
}

#[tokio::test]
async fn without_a_keyring_login_fails_clearly_and_writes_nothing_elsewhere() {
    let stack = stack().await;
    let companion = CompanionClient::new(&stack.companion_url).expect("url");
    let auth = Auth::new(companion, Arc::new(NoKeyring), Arc::new(SystemClock));
    let error = auth.start_login().await.expect_err("no keyring");
    assert_eq!(error.code(), "KEYRING_UNAVAILABLE");
    assert!(error.to_string().contains("Secret Service"), "{error}");
}

#[tokio::test]
async fn a_companion_that_cannot_be_reached_is_reported_as_such() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    let link = app.website_login(&stack, "kai@example.org", true).await;
    // The same keyring, but the app now points at a companion that is down.
    let down = CompanionClient::new("http://127.0.0.1:9").expect("url");
    let auth = Auth::new(down, app.secrets.clone(), app.clock.clone());
    let error = auth.accept_deep_link(&link).await.expect_err("unreachable");
    assert_eq!(error.code(), "COMPANION_UNREACHABLE");
    assert!(auth.session().await.expect("keyring").is_none());
}

#[tokio::test]
async fn garbage_in_the_session_and_login_entries_reads_as_signed_out_and_touches_nothing_else() {
    use sigil_store::{SecretBytes, SecretStore as _};
    let stack = stack().await;
    let app = App::new(&stack).await;
    let garbage = SecretBytes::new(b"\x00\xff\xfe not JSON {".to_vec());
    let passkeys = SecretBytes::new(br#"{"version":2,"passkeys":[]}"#.to_vec());
    app.secrets.set("companion-session", &garbage).expect("write");
    app.secrets.set("pending-login", &garbage).expect("write");
    app.secrets.set("device-passkeys", &passkeys).expect("write");

    assert_eq!(app.auth.token().await.expect_err("unreadable").code(), "SIGNED_OUT");
    // A callback for a login Sigil cannot read is one it did not start.
    let callback = "sigil://auth/callback?code=c0de&state=st4te";
    let error = app.auth.accept_deep_link(callback).await.expect_err("not pending");
    assert_eq!(error.code(), "LOGIN_NOT_PENDING");
    assert!(app.stored().is_empty(), "the unreadable session and login are dropped");
    let kept = app.secrets.get("device-passkeys").expect("read").expect("kept");
    assert_eq!(kept.expose(), passkeys.expose(), "another entry is left exactly as it was");

    // Signing in again works and writes a readable session.
    let link = app.website_login(&stack, "gus@example.org", true).await;
    assert!(matches!(app.auth.accept_deep_link(&link).await, Ok(LinkOutcome::SignedIn(_))));
    assert_eq!(app.stored(), ["companion-session"]);
}
