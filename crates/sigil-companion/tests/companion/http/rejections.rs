//! Everything the companion must refuse, one test each, with the stable code it answers.

use std::net::{IpAddr, Ipv4Addr};

use axum::http::{StatusCode, header};
use serde_json::json;
use sigil_companion::store::rate_limit::RateLimit;

use super::harness::{
    App, Browser, Companion, Login, PASSWORD, Scene, TestDfns, config_for, new_user_session,
};
use crate::support::Db;

#[tokio::test]
async fn a_redemption_without_a_verifier_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let code = scene.code(&login).await;
    let app = App::new(&scene.companion);
    let stateless =
        app.post("/session", &json!({"code": code, "redirectUri": login.redirect_uri})).await;
    assert_eq!(stateless.status, StatusCode::BAD_REQUEST);
    assert_eq!(stateless.error_code(), "INVALID_REQUEST");
    assert!(stateless.text().contains("codeVerifier"), "{}", stateless.text());
    let malformed = app
        .post(
            "/session",
            &json!({"code": code, "codeVerifier": "short", "redirectUri": login.redirect_uri}),
        )
        .await;
    assert_eq!(malformed.error_code(), "INVALID_REQUEST");
    let mut app = app;
    assert_eq!(app.redeem(&login, &code).await.status, StatusCode::OK, "the code was not spent");
}

#[tokio::test]
async fn a_redemption_with_the_wrong_verifier_is_refused_and_spends_the_code() {
    let scene = Scene::new().await;
    let login = Login::new();
    let code = scene.code(&login).await;
    let mut app = App::new(&scene.companion);
    let impostor = Login { state: login.state.clone(), ..Login::new() };
    let wrong = app.redeem(&impostor, &code).await;
    assert_eq!(
        (wrong.status, wrong.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "PKCE_VERIFIER_MISMATCH")
    );
    let late = app.redeem(&login, &code).await;
    assert_eq!(late.error_code(), "CODE_REPLAYED", "a code is tried once");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let code = scene.code(&login).await;
    scene.companion.clock.advance_ms(60_001);
    let answer = App::new(&scene.companion).post("/session", &login.redemption(&code)).await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "CODE_EXPIRED")
    );
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_signs_out_the_session_it_opened() {
    let scene = Scene::new().await;
    let login = Login::new();
    let code = scene.code(&login).await;
    let mut app = App::new(&scene.companion);
    assert_eq!(app.redeem(&login, &code).await.status, StatusCode::OK);
    assert_eq!(app.get("/me").await.status, StatusCode::OK);
    let replay = App::new(&scene.companion).post("/session", &login.redemption(&code)).await;
    assert_eq!(replay.error_code(), "CODE_REPLAYED");
    let me = app.get("/me").await;
    assert_eq!(
        (me.status, me.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    assert_eq!(me.header(header::WWW_AUTHENTICATE), Some("Bearer"));
}

#[tokio::test]
async fn an_unknown_code_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let answer = App::new(&scene.companion).post("/session", &login.redemption("made-up")).await;
    assert_eq!(answer.error_code(), "CODE_UNKNOWN");
}

#[tokio::test]
async fn a_code_redeemed_for_another_redirect_uri_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let code = scene.code(&login).await;
    let mut body = login.redemption(&code);
    body["redirectUri"] = json!("sigil://auth/elsewhere");
    let answer = App::new(&scene.companion).post("/session", &body).await;
    assert_eq!(answer.error_code(), "REDIRECT_URI_MISMATCH");
}

#[tokio::test]
async fn an_authorize_request_for_a_redirect_uri_off_the_list_gets_an_error_page_and_no_code() {
    let scene = Scene::new().await;
    let mut login = Login::new();
    login.redirect_uri = "evil://steal".into();
    let page = Browser::new(&scene.companion).get(&login.authorize_path()).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.page_code().as_deref(), Some("REDIRECT_URI_NOT_ALLOWED"));
    assert!(!page.text().contains("evil://steal?"), "nothing is sent there");
}

#[tokio::test]
async fn an_authorize_request_without_state_or_challenge_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let mut browser = Browser::new(&scene.companion);
    let challenge = login.verifier.challenge();
    let cases = [
        (format!("/login?code_challenge={}&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback", challenge.as_str()), "AUTHORIZE_PARAMETER_MISSING"),
        ("/login?state=s&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback".to_owned(), "AUTHORIZE_PARAMETER_MISSING"),
        (format!("/login?state=a&state=b&code_challenge={}&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback", challenge.as_str()), "AUTHORIZE_PARAMETER_REPEATED"),
        ("/login?state=s&code_challenge=short&code_challenge_method=S256&redirect_uri=sigil%3A%2F%2Fauth%2Fcallback".to_owned(), "AUTHORIZE_PARAMETER_INVALID"),
        ("/login".to_owned(), "AUTHORIZE_PARAMETER_MISSING"),
    ];
    for (path, code) in cases {
        let page = browser.get(&path).await;
        assert_eq!(
            (page.status, page.page_code().as_deref()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn plain_pkce_is_refused() {
    let scene = Scene::new().await;
    let login = Login::new();
    let path =
        login.authorize_path().replace("code_challenge_method=S256", "code_challenge_method=plain");
    let page = Browser::new(&scene.companion).get(&path).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.page_code().as_deref(), Some("PKCE_METHOD_UNSUPPORTED"));
    let without_method = login.authorize_path().replace("&code_challenge_method=S256", "");
    let page = Browser::new(&scene.companion).get(&without_method).await;
    assert_eq!(
        page.page_code().as_deref(),
        Some("PKCE_METHOD_UNSUPPORTED"),
        "the default is plain"
    );
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let scene = Scene::new().await;
    let mut browser = Browser::new(&scene.companion);
    browser.get("/signup").await;
    let fields = [("email", "hal@example.org"), ("password", PASSWORD)];
    let missing = browser.post_form("/signup", &fields).await;
    assert_eq!(
        (missing.status, missing.page_code().as_deref()),
        (StatusCode::FORBIDDEN, Some("CSRF_TOKEN_MISSING"))
    );
    let forged = [
        ("csrf", "x".repeat(43)),
        ("email", "hal@example.org".into()),
        ("password", PASSWORD.into()),
    ];
    let forged: Vec<(&str, &str)> = forged.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let wrong = browser.post_form("/signup", &forged).await;
    assert_eq!(wrong.page_code().as_deref(), Some("CSRF_TOKEN_INVALID"));
    let csrf = browser.cookie("sigil_csrf").expect("csrf cookie").to_owned();
    let cross = browser
        .post_form_from(
            "/signup",
            &[("csrf", &csrf), fields[0], fields[1]],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(cross.page_code().as_deref(), Some("CSRF_ORIGIN_MISMATCH"));
    let mut fresh = Browser::new(&scene.companion);
    let no_cookie = fresh.post_form("/signin", &[("csrf", &csrf), fields[0], fields[1]]).await;
    assert_eq!(
        no_cookie.page_code().as_deref(),
        Some("CSRF_TOKEN_MISSING"),
        "a token without its cookie"
    );
    assert_eq!(
        Browser::new(&scene.companion).sign_in("hal@example.org", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "no account was made"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_never_comes_back_filled_in() {
    let scene = Scene::new().await;
    let mut browser = Browser::new(&scene.companion);
    assert_eq!(browser.sign_up("ivy@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let mut other = Browser::from_ip(&scene.companion, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 77)));
    let wrong = other.sign_in("ivy@example.org", "not the password").await;
    assert_eq!(
        (wrong.status, wrong.page_code().as_deref()),
        (StatusCode::UNAUTHORIZED, Some("CREDENTIALS_INVALID"))
    );
    assert_eq!(wrong.hidden("password"), None);
    assert_eq!(other.sign_in("ivy@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_up_refuses_bad_emails_weak_passwords_and_taken_addresses() {
    let scene = Scene::new().await;
    let mut browser = Browser::new(&scene.companion);
    let bad = browser.sign_up("not-an-email", PASSWORD).await;
    assert_eq!(
        (bad.status, bad.page_code().as_deref()),
        (StatusCode::BAD_REQUEST, Some("EMAIL_INVALID"))
    );
    let weak = browser.sign_up("jo@example.org", "short").await;
    assert_eq!(weak.page_code().as_deref(), Some("PASSWORD_WEAK"));
    assert!(
        weak.text().contains(r#"value="jo@example.org""#),
        "the email is kept for the next try"
    );
    assert_eq!(browser.sign_up("jo@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let taken = Browser::new(&scene.companion).sign_up("JO@example.org", PASSWORD).await;
    assert_eq!(
        (taken.status, taken.page_code().as_deref()),
        (StatusCode::CONFLICT, Some("EMAIL_TAKEN"))
    );
}

#[tokio::test]
async fn a_session_token_is_refused_after_logout() {
    let scene = Scene::new().await;
    let app = new_user_session(&scene.companion, "kim@example.org").await;
    assert_eq!(app.post("/logout", &json!({})).await.status, StatusCode::NO_CONTENT);
    for answer in [
        app.get("/me").await,
        app.post("/registration/init", &json!({})).await,
        app.post("/logout", &json!({})).await,
    ] {
        assert_eq!(
            (answer.status, answer.error_code().as_str()),
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
        );
    }
    let anonymous = App::new(&scene.companion).get("/me").await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    let garbage = App::with_token(&scene.companion, "not-a-token").get("/me").await;
    assert_eq!(garbage.error_code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_website_cookie_is_not_an_app_session() {
    let scene = Scene::new().await;
    let mut browser = Browser::new(&scene.companion);
    browser.sign_up("lee@example.org", PASSWORD).await;
    let cookie = browser.cookie("sigil_session").expect("website session").to_owned();
    let answer = App::with_token(&scene.companion, &cookie).get("/me").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registration_complete_without_init_is_refused() {
    let scene = Scene::new().await;
    let app = new_user_session(&scene.companion, "max@example.org").await;
    let body = json!({"firstFactorCredential": {
        "credentialKind": "Fido2",
        "credentialInfo": {"credId": "aWQ", "clientData": "e30", "attestationData": "oA"}
    }});
    let answer = app.post("/registration/complete", &body).await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::CONFLICT, "REGISTRATION_NOT_STARTED")
    );
}

#[tokio::test]
async fn registration_started_by_one_session_cannot_be_completed_by_another() {
    let scene = Scene::new().await;
    let app = new_user_session(&scene.companion, "ned@example.org").await;
    let challenge: sigil_api::RegistrationChallenge =
        app.post("/registration/init", &json!({})).await.json();
    let body = super::harness::make_credential(
        &super::harness::device_passkey(&scene.companion),
        &challenge,
    )
    .await;
    let login = Login::new();
    let mut browser = Browser::new(&scene.companion);
    browser.sign_in("ned@example.org", PASSWORD).await;
    let code = login.code_from(&browser.confirm(&login).await);
    let mut other = App::new(&scene.companion);
    other.redeem(&login, &code).await;
    let answer = other.post("/registration/complete", &body).await;
    assert_eq!(answer.error_code(), "REGISTRATION_NOT_STARTED");
    assert_eq!(app.post("/registration/complete", &body).await.status, StatusCode::OK);
}

#[tokio::test]
async fn too_many_sign_ins_from_one_address_get_429_with_retry_after() {
    let scene = Scene::with(|config| {
        config.limits.sign_in_per_ip = RateLimit { limit: 3, window_ms: 60_000 };
    })
    .await;
    let mut browser = Browser::new(&scene.companion);
    let mut statuses = Vec::new();
    for n in 0..4 {
        statuses.push(browser.sign_in(&format!("p{n}@example.org"), PASSWORD).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|answer| answer.status.as_u16()).collect();
    assert_eq!(codes, [401, 401, 401, 429]);
    let limited = statuses.last().expect("four");
    assert_eq!(limited.page_code().as_deref(), Some("RATE_LIMITED"));
    let retry: u64 =
        limited.header(header::RETRY_AFTER).expect("Retry-After").parse().expect("seconds");
    assert!((1..=120).contains(&retry), "within two windows: {retry}");
    let elsewhere = Browser::from_ip(&scene.companion, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 99)));
    let mut elsewhere = elsewhere;
    assert_eq!(
        elsewhere.sign_in("p9@example.org", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "other addresses are not limited"
    );
}

#[tokio::test]
async fn too_many_registration_steps_of_one_account_get_429() {
    let scene = Scene::with(|config| {
        config.limits.registration_per_account = RateLimit { limit: 2, window_ms: 60_000 };
    })
    .await;
    let app = new_user_session(&scene.companion, "ora@example.org").await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(app.post("/registration/init", &json!({})).await.status.as_u16());
    }
    assert_eq!(codes, [200, 200, 429]);
}

#[tokio::test]
async fn a_next_that_leaves_the_site_is_ignored() {
    let scene = Scene::new().await;
    let mut browser = Browser::new(&scene.companion);
    for next in ["https://evil.example/", "//evil.example/login?x", "/signout", "/login\\@evil"] {
        let page = browser
            .get(&format!(
                "/signin?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(page.hidden("next"), None, "{next}");
    }
    let csrf = browser.cookie("sigil_csrf").expect("csrf").to_owned();
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", "quinn@example.org"),
        ("password", PASSWORD),
        ("next", "https://evil.example/"),
    ];
    let answer = browser.post_form("/signup", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header(header::LOCATION), Some("/"));
}

#[tokio::test]
async fn dfns_out_of_reach_is_a_retryable_error() {
    let dfns = TestDfns::start().await;
    let db = Db::sqlite();
    let reachable = Companion::start(&dfns, &db).await;
    let app = new_user_session(&reachable, "rae@example.org").await;
    let mut config = config_for(&dfns, &[]);
    config.dfns_api_url = url::Url::parse("http://127.0.0.1:9").expect("url");
    let cut_off = Companion::start_with(config, &db).await;
    let token = app.token.clone().expect("session");
    let answer = App::with_token(&cut_off, &token).post("/registration/init", &json!({})).await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "DFNS_UNAVAILABLE")
    );
    assert!(!answer.text().contains("127.0.0.1:9"), "no internals: {}", answer.text());
}
