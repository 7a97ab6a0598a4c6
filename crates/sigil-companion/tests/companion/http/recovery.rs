//! Recovering access (issue 15) through the companion, against the emulator: the website checks
//! the person again (a fresh password and an emailed code), the app's recovery session opens one
//! delegated recovery, the recovery kit signs it with a new passkey, and every refusal on the
//! way, each written as the attack it stops.

use axum::http::{StatusCode, header};
use dfns_client::models::{CreateCredentialRequest, CredentialKind, SignedChallenge};
use dfns_client::recovery::{RecoveryCode, RecoveryKey};
use serde_json::{Value, json};
use sigil_api::{DfnsToken, Me, Recovered, RecoveryChallenge};
use sigil_authn::CancellationToken;
use sigil_companion::store::rate_limit::RateLimit;

use super::harness::{
    App, Browser, Companion, Login, PASSWORD, Person, TestDfns, config_for, device_passkey,
    emailed_code, mails_to, new_user_session, recovery_session, register, register_with_kit,
};
use crate::support::Db;

/// A registered user with a recovery kit, on a companion of their own.
struct Owner {
    dfns: TestDfns,
    companion: Companion,
    email: String,
    kit: RecoveryKey,
    code: RecoveryCode,
    _db: Db,
}

impl Owner {
    async fn new(db: Db, email: &str) -> Self {
        Self::with_config(db, email, |_| {}).await
    }

    async fn with_config(
        db: Db,
        email: &str,
        adjust: impl FnOnce(&mut sigil_companion::config::Config),
    ) -> Self {
        let dfns = TestDfns::start().await;
        let mut config = config_for(&dfns, &[]);
        adjust(&mut config);
        let companion = Companion::start_with(config, &db).await;
        let (kit, code) = {
            let app = new_user_session(&companion, email).await;
            register_with_kit(&app, &device_passkey(&companion), email).await
        };
        Self { dfns, companion, email: email.to_owned(), kit, code, _db: db }
    }
}

/// What the app does with a recovery challenge: opens the kit with its code, makes a new passkey
/// (and a new kit) for the challenge, and signs the recovery with the old kit.
fn recovery_body(
    email: &str,
    code: &RecoveryCode,
    challenge: &RecoveryChallenge,
    new_passkey: &Value,
    new_kit: Option<&RecoveryKey>,
) -> Value {
    let old = RecoveryKey::open(email, code, &challenge.challenge.allowed_recovery_credentials)
        .expect("the kit opens with its code");
    let mut new_credentials = json!({ "firstFactorCredential": new_passkey });
    if let Some(kit) = new_kit {
        new_credentials["recoveryCredential"] = serde_json::to_value(
            kit.new_credential(&challenge.challenge.options.challenge, None).expect("attestation"),
        )
        .expect("JSON");
    }
    json!({
        "newCredentials": new_credentials,
        "recovery": old.sign(&challenge.challenge.options.challenge),
    })
}

/// A new passkey (another computer's) for the recovery challenge.
async fn new_passkey(companion: &Companion, challenge: &RecoveryChallenge) -> Value {
    let passkeys = device_passkey(companion);
    let made = passkeys
        .register(
            &challenge.challenge.options,
            Some("New computer".into()),
            &Person,
            &CancellationToken::new(),
        )
        .await
        .expect("a new passkey");
    serde_json::to_value(made).expect("JSON")
}

/// The Dfns credentials of the app's user: (credId, kind, isActive).
async fn credentials_at_dfns(
    dfns: &TestDfns,
    app: &App<'_>,
) -> Vec<(String, CredentialKind, bool)> {
    let token: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    let listed = dfns.as_user(&token.token).list_credentials().await.expect("credentials");
    listed.items.into_iter().map(|c| (c.credential_id, c.kind, c.is_active)).collect()
}

pub async fn a_person_who_lost_their_computer_recovers_with_the_kit_and_a_new_passkey(db: Db) {
    let owner = Owner::new(db, "ann@example.org").await;
    let companion = &owner.companion;
    let old_computer = {
        // Still signed in on the lost computer.
        let login = Login::new();
        let mut browser = Browser::new(companion);
        browser.sign_in(&owner.email, PASSWORD).await;
        let mut app = App::new(companion);
        app.redeem(&login, &login.code_from(&browser.confirm(&login).await)).await;
        app
    };
    let me: Me = old_computer.get("/me").await.json();
    assert_eq!(me.recovery_credential_id.as_deref(), Some(owner.kit.credential_id()));
    let before = credentials_at_dfns(&owner.dfns, &old_computer).await;

    let app = recovery_session(companion, &owner.email).await;
    let init = app.post("/recovery/init", &json!({})).await;
    assert_eq!(init.status, StatusCode::OK, "{}", init.text());
    let challenge: RecoveryChallenge = init.json();
    assert!(!init.text().contains("temporaryAuthenticationToken"), "the token stays behind");
    assert_eq!(challenge.challenge.options.user.name, owner.email);
    let (new_kit, _new_code) = RecoveryKey::create(&owner.email).expect("a new kit");
    let passkey = new_passkey(companion, &challenge).await;
    let body = recovery_body(&owner.email, &owner.code, &challenge, &passkey, Some(&new_kit));
    // A token this session got before recovering: Dfns ends it with the recovery, so the
    // companion must not hand it out again.
    let early: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    let done = app.post("/recovery/complete", &body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let recovered: Recovered = done.json();
    assert_eq!(recovered.user.email, owner.email);
    let fresh: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    assert_ne!(fresh.token.expose(), early.token.expose(), "a new token after the recovery");
    assert_eq!(recovered.credential.kind, CredentialKind::Fido2);
    assert_eq!(recovered.recovery_credential_id.as_deref(), Some(new_kit.credential_id()));

    // Dfns retired every earlier credential; the new passkey and kit are the active ones.
    let after = credentials_at_dfns(&owner.dfns, &app).await;
    for (id, _, _) in &before {
        assert!(after.iter().any(|(seen, _, active)| seen == id && !active), "{id} retired");
    }
    let active: Vec<CredentialKind> =
        after.iter().filter(|(_, _, active)| *active).map(|(_, kind, _)| kind.clone()).collect();
    assert_eq!(active.len(), 2, "{after:?}");
    assert!(
        active.contains(&CredentialKind::Fido2) && active.contains(&CredentialKind::RecoveryKey)
    );
    let me: Me = app.get("/me").await.json();
    assert_eq!(me.recovery_credential_id.as_deref(), Some(new_kit.credential_id()));

    // The lost computer's session is signed out; the person is told by mail.
    let lost = old_computer.get("/me").await;
    assert_eq!(
        (lost.status, lost.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    let mails = mails_to(companion, &owner.email).await;
    assert!(mails[0].subject.contains("access was recovered"), "{mails:?}");

    // Once: neither step works again for this session.
    let again = app.post("/recovery/complete", &body).await;
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (StatusCode::CONFLICT, "RECOVERY_ALREADY_COMPLETED")
    );
    let init_again = app.post("/recovery/init", &json!({})).await;
    assert_eq!(
        (init_again.status, init_again.error_code().as_str()),
        (StatusCode::FORBIDDEN, "RECOVERY_NOT_ALLOWED")
    );
}

pub async fn a_session_from_a_sign_in_cannot_start_a_recovery(db: Db) {
    let owner = Owner::new(db, "bea@example.org").await;
    let companion = &owner.companion;
    let signed_in = new_user_session_for(companion, &owner.email).await;
    let refused = signed_in.post("/recovery/init", &json!({})).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::FORBIDDEN, "RECOVERY_NOT_ALLOWED")
    );
    // A recovery session is good for ten minutes only.
    let late = recovery_session(companion, &owner.email).await;
    companion.clock.advance_ms(10 * 60_000);
    let refused = late.post("/recovery/init", &json!({})).await;
    assert_eq!(refused.error_code(), "RECOVERY_NOT_ALLOWED");
    assert_eq!(late.get("/me").await.status, StatusCode::OK, "still an ordinary session");
}

/// An existing account's app session from an ordinary sign-in.
async fn new_user_session_for<'a>(companion: &'a Companion, email: &str) -> App<'a> {
    let login = Login::new();
    let mut browser = Browser::new(companion);
    browser.sign_in(email, PASSWORD).await;
    let mut app = App::new(companion);
    let session = app.redeem(&login, &login.code_from(&browser.confirm(&login).await)).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text());
    let session: sigil_api::SessionResponse = session.json();
    assert_eq!(session.purpose, sigil_api::SessionPurpose::SignIn);
    app
}

pub async fn five_wrong_email_codes_void_the_code(db: Db) {
    let owner = Owner::new(db, "cai@example.org").await;
    let companion = &owner.companion;
    let mut browser = Browser::new(companion);
    let login = Login::new();
    let mut page = browser.recover(&login, &owner.email, PASSWORD).await;
    let right = emailed_code(companion, &owner.email).await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        page = browser.enter_code(&page, wrong).await;
        assert_eq!(
            (page.status, page.page_code().as_deref()),
            (StatusCode::UNAUTHORIZED, Some("EMAIL_CODE_INVALID"))
        );
        assert!(
            page.page_message().is_some_and(|m| m.contains(&format!("{left} tr"))),
            "{}",
            page.text()
        );
    }
    let fifth = browser.enter_code(&page, wrong).await;
    assert_eq!(fifth.page_code().as_deref(), Some("EMAIL_CODE_VOID"));
    let too_late = browser.enter_code(&page, &right).await;
    assert_eq!(
        (too_late.status, too_late.page_code().as_deref()),
        (StatusCode::BAD_REQUEST, Some("EMAIL_CODE_VOID"))
    );
    assert!(!too_late.text().contains("open-app"), "no code for the app");
}

pub async fn the_website_emails_at_most_three_codes_an_hour_to_one_account(db: Db) {
    let owner = Owner::new(db, "dan@example.org").await;
    let companion = &owner.companion;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let mut browser = Browser::new(companion);
        let page = browser.recover(&Login::new(), &owner.email, PASSWORD).await;
        statuses.push((page.status.as_u16(), page.page_code()));
    }
    assert_eq!(statuses[..3], [(200, None), (200, None), (200, None)]);
    assert_eq!(statuses[3], (429, Some("RATE_LIMITED".to_owned())));
    let codes = mails_to(companion, &owner.email).await;
    assert_eq!(codes.iter().filter(|m| m.subject.contains("recovery code")).count(), 3);
    companion.clock.advance_ms(2 * 60 * 60_000);
    let later = Browser::new(companion).recover(&Login::new(), &owner.email, PASSWORD).await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.text());
}

pub async fn a_replayed_recovery_link_is_refused_and_signs_out_its_session(db: Db) {
    let owner = Owner::new(db, "eli@example.org").await;
    let companion = &owner.companion;
    let login = Login::new();
    let mut browser = Browser::new(companion);
    let page = browser.recover(&login, &owner.email, PASSWORD).await;
    let hand_off = browser.enter_code(&page, &emailed_code(companion, &owner.email).await).await;
    let code = login.code_from(&hand_off);
    let mut app = App::new(companion);
    assert_eq!(app.redeem(&login, &code).await.status, StatusCode::OK);
    let replay = App::new(companion).post("/session", &login.redemption(&code)).await;
    assert_eq!(replay.error_code(), "CODE_REPLAYED");
    let init = app.post("/recovery/init", &json!({})).await;
    assert_eq!(
        (init.status, init.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    // The emailed code was spent by the first hand-off too.
    let again = browser.enter_code(&page, &emailed_code(companion, &owner.email).await).await;
    assert_eq!(again.page_code().as_deref(), Some("EMAIL_CODE_VOID"));
}

pub async fn a_recovery_for_one_account_never_recovers_another(db: Db) {
    let owner = Owner::new(db, "fox@example.org").await;
    let companion = &owner.companion;
    let other = new_user_session(companion, "gil@example.org").await;
    let (_, other_code) =
        register_with_kit(&other, &device_passkey(companion), "gil@example.org").await;
    // Gil's password and mailbox open a recovery of Gil only ...
    let app = recovery_session(companion, "gil@example.org").await;
    let challenge: RecoveryChallenge = app.post("/recovery/init", &json!({})).await.json();
    assert_eq!(challenge.challenge.options.user.name, "gil@example.org");
    assert!(
        RecoveryKey::open(
            &owner.email,
            &owner.code,
            &challenge.challenge.allowed_recovery_credentials
        )
        .is_err(),
        "Ann's kit does not open Gil's recovery"
    );
    // ... and Ann's kit cannot sign it: Dfns refuses, and nothing changes.
    let passkey = new_passkey(companion, &challenge).await;
    let forged = json!({
        "newCredentials": { "firstFactorCredential": passkey },
        "recovery": owner.kit.sign(&challenge.challenge.options.challenge),
    });
    let refused = app.post("/recovery/complete", &forged).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "RECOVERY_REFUSED")
    );
    let ann = new_user_session_for(companion, &owner.email).await;
    let still: Vec<bool> =
        credentials_at_dfns(&owner.dfns, &ann).await.into_iter().map(|c| c.2).collect();
    assert!(still.iter().all(|active| *active), "Ann's credentials are untouched: {still:?}");
    // Gil's own kit still completes Gil's recovery (a refused recovery spends nothing).
    let passkey = new_passkey(companion, &challenge).await;
    let body = recovery_body("gil@example.org", &other_code, &challenge, &passkey, None);
    let done = app.post("/recovery/complete", &body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let me: Me = app.get("/me").await.json();
    assert_eq!(me.recovery_credential_id, None, "the spent kit is not offered again");
}

pub async fn an_account_opens_few_recoveries_a_day(db: Db) {
    let owner = Owner::with_config(db, "hal@example.org", |config| {
        config.limits.recoveries_per_account = RateLimit { limit: 1, window_ms: 24 * 60 * 60_000 };
    })
    .await;
    let companion = &owner.companion;
    let first = recovery_session(companion, &owner.email).await;
    assert_eq!(first.post("/recovery/init", &json!({})).await.status, StatusCode::OK);
    let second = recovery_session(companion, &owner.email).await;
    let refused = second.post("/recovery/init", &json!({})).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "RECOVERY_RATE_LIMITED")
    );
    let wait: u64 =
        refused.header(header::RETRY_AFTER).expect("Retry-After").parse().expect("seconds");
    assert!(wait > 3600, "the window is a day: {wait}");
}

pub async fn a_kit_made_after_registration_is_recorded_once_dfns_shows_it(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "ida@example.org").await;
    let passkeys = device_passkey(&companion);
    register(&app, &passkeys).await;
    let me: Me = app.get("/me").await.json();
    assert_eq!(me.recovery_credential_id, None);
    let without = recovery_session(&companion, "ida@example.org").await;
    let refused = without.post("/recovery/init", &json!({})).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::CONFLICT, "NO_RECOVERY_KIT")
    );

    // Made-up ids, and the passkey's own id, are not a kit.
    let passkey_id = credentials_at_dfns(&dfns, &app).await[0].0.clone();
    for id in ["bm90LWEta2l0", passkey_id.as_str()] {
        let answer = app
            .call(
                axum::http::Method::PUT,
                "/recovery-credential",
                Some(&json!({"credentialId": id})),
            )
            .await;
        assert_eq!(
            (answer.status, answer.error_code().as_str()),
            (StatusCode::BAD_REQUEST, "RECOVERY_KIT_UNKNOWN"),
            "{id}"
        );
    }
    // The app registers a kit at Dfns with the user's passkey, then tells the companion.
    let token: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    let user = dfns.as_user(&token.token);
    let challenge =
        user.create_credential_challenge(CredentialKind::RecoveryKey).await.expect("challenge");
    let (kit, _code) = RecoveryKey::create("ida@example.org").expect("a kit");
    let credential =
        kit.new_credential(&challenge.challenge, Some("Recovery kit".into())).expect("attestation");
    let request = CreateCredentialRequest {
        credential_kind: credential.credential_kind,
        credential_info: credential.credential_info,
        credential_name: "Recovery kit".into(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: credential.encrypted_private_key,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    let signed = passkeys
        .sign(pending.challenge(), &Person, &CancellationToken::new())
        .await
        .expect("signed");
    let signed = SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor: signed,
        second_factor: None,
    };
    user.complete(pending, &signed).await.expect("the kit is registered at Dfns");
    let recorded = app
        .call(
            axum::http::Method::PUT,
            "/recovery-credential",
            Some(&json!({"credentialId": kit.credential_id()})),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.text());
    let me: Me = recorded.json();
    assert_eq!(me.recovery_credential_id.as_deref(), Some(kit.credential_id()));
    let now_allowed = recovery_session(&companion, "ida@example.org").await;
    assert_eq!(now_allowed.post("/recovery/init", &json!({})).await.status, StatusCode::OK);
}

pub async fn completing_a_recovery_that_was_not_started_or_expired_is_refused(db: Db) {
    let owner = Owner::new(db, "joy@example.org").await;
    let companion = &owner.companion;
    let app = recovery_session(companion, &owner.email).await;
    let body = json!({
        "newCredentials": {"firstFactorCredential": {
            "credentialKind": "Fido2",
            "credentialInfo": {"credId": "aWQ", "clientData": "e30", "attestationData": "oA"}
        }},
        "recovery": {"kind": "RecoveryKey", "credentialAssertion": {"credId": "aWQ", "clientData": "e30", "signature": "c2ln"}},
    });
    let early = app.post("/recovery/complete", &body).await;
    assert_eq!(
        (early.status, early.error_code().as_str()),
        (StatusCode::CONFLICT, "RECOVERY_NOT_STARTED")
    );
    let challenge: RecoveryChallenge = app.post("/recovery/init", &json!({})).await.json();
    let expired_in = challenge.expires_at - time::OffsetDateTime::now_utc();
    companion.clock.advance_ms(i64::try_from(expired_in.whole_milliseconds()).expect("ms") + 1_000);
    let late = app.post("/recovery/complete", &body).await;
    assert_eq!(
        (late.status, late.error_code().as_str()),
        (StatusCode::CONFLICT, "RECOVERY_EXPIRED")
    );
}

#[tokio::test]
async fn the_outbox_and_recovery_are_not_there_without_mail_settings() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let mut config = config_for(&dfns, &[]);
    config.mail = sigil_companion::config::MailSettings::Off;
    let companion = Companion::start_with(config, &db).await;
    let mut browser = Browser::new(&companion);
    for path in ["/dev/outbox", "/dev/outbox.json"] {
        let answer = browser.get(path).await;
        assert_eq!(
            (answer.status, answer.page_code().as_deref()),
            (StatusCode::NOT_FOUND, Some("NOT_FOUND")),
            "{path}"
        );
    }
    let recover = browser.get(&Login::new().recover_path()).await;
    assert_eq!(
        (recover.status, recover.page_code().as_deref()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("RECOVERY_UNAVAILABLE"))
    );
}

#[tokio::test]
async fn the_outbox_lists_every_mail_newest_first_as_a_page_and_as_json() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let companion = Companion::start(&dfns, &db).await;
    new_user_session(&companion, "kay@example.org").await;
    for _ in 0..2 {
        Browser::new(&companion).recover(&Login::new(), "kay@example.org", PASSWORD).await;
        companion.clock.advance_ms(1_000);
    }
    let mut browser = Browser::new(&companion);
    let listed = browser.get("/dev/outbox.json").await;
    assert_eq!(listed.status, StatusCode::OK);
    let mails: Vec<Value> = listed.json();
    assert_eq!(mails.len(), 2);
    for mail in &mails {
        let mut keys: Vec<&str> =
            mail.as_object().expect("an object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["body", "sentAt", "subject", "to"]);
        assert_eq!(mail["to"], "kay@example.org");
    }
    assert!(mails[0]["sentAt"].as_str() > mails[1]["sentAt"].as_str(), "newest first: {mails:?}");
    let page = browser.get("/dev/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Your Sigil recovery code"), "{}", page.text());
}

#[tokio::test]
async fn an_unknown_account_gets_the_answer_of_a_wrong_password_and_no_mail() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let companion = Companion::start(&dfns, &db).await;
    new_user_session(&companion, "lou@example.org").await;
    let wrong = Browser::new(&companion)
        .recover(&Login::new(), "lou@example.org", "not the password")
        .await;
    let ghost =
        Browser::new(&companion).recover(&Login::new(), "ghost@example.org", PASSWORD).await;
    for answer in [&wrong, &ghost] {
        assert_eq!(
            (answer.status, answer.page_code().as_deref()),
            (StatusCode::UNAUTHORIZED, Some("CREDENTIALS_INVALID"))
        );
        assert_eq!(answer.hidden("ticket"), None, "no code was sent");
    }
    assert_eq!(wrong.page_message(), ghost.page_message());
    assert!(companion.state.store().outbox().await.expect("outbox").is_empty(), "no mail at all");
}

#[tokio::test]
async fn a_browser_signed_in_on_the_site_still_types_its_password_to_recover() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let companion = Companion::start(&dfns, &db).await;
    let mut browser = Browser::new(&companion);
    assert_eq!(browser.sign_up("max@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let login = Login::new();
    let page = browser.get(&login.recover_path()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"type="password""#), "{}", page.text());
    assert!(!page.text().contains("open-app"), "no hand-off without the check");
    let csrf = page.hidden("csrf").expect("csrf");
    let next = page.hidden("next").expect("next");
    let without_password = browser
        .post_form("/recover", &[("csrf", &csrf), ("email", "max@example.org"), ("next", &next)])
        .await;
    assert_eq!(without_password.page_code().as_deref(), Some("CREDENTIALS_INVALID"));
    // The recovery form's `next` cannot point at the sign-in's authorize page, or off the site.
    for next in [login.authorize_path(), "https://evil.example/recover?x".to_owned()] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("email", "max@example.org"),
            ("password", PASSWORD),
            ("next", &next),
        ];
        let answer = browser.post_form("/recover", &fields).await;
        assert_eq!(
            (answer.status, answer.page_code().as_deref()),
            (StatusCode::BAD_REQUEST, Some("AUTHORIZE_PARAMETER_MISSING")),
            "{next}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_stack_recovers_through_the_website_as_the_apps_tests_will() {
    use sigil_companion::testing::{TestStack, Website};
    let stack = TestStack::start().await.expect("emulator and companion");
    let email = "noa@example.org";
    Website::new(&stack.companion_url)
        .expect("browser")
        .sign_up(email, PASSWORD)
        .await
        .expect("up");
    let login = Login::new();
    let url = format!("{}{}", stack.companion_url, login.recover_path());
    let outbox = stack.outbox().expect("the outbox");
    let website = Website::new(&stack.companion_url).expect("browser");
    let link = website.recover_at(&url, email, PASSWORD, &outbox).await.expect("a deep link");
    let query: std::collections::BTreeMap<String, String> =
        link.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(&login.state));
    let session = reqwest::Client::new()
        .post(format!("{}/api/v1/session", stack.companion_url))
        .json(&login.redemption(query.get("code").expect("a code")))
        .send()
        .await
        .expect("the companion answers");
    let session: sigil_api::SessionResponse = session.json().await.expect("a session");
    assert_eq!(session.purpose, sigil_api::SessionPurpose::Recovery);
    let mails = outbox.mails_to(email).await.expect("mails");
    assert_eq!(mails.len(), 1, "{mails:?}");
    // A wrong code, through the same helpers, is refused on the page.
    let page = website.recovery_code_sent(&url, email, PASSWORD).await.expect("code page");
    let right = outbox.latest_code(email).await.expect("the new code");
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let refused = website.enter_recovery_code(&page, wrong).await.expect("an answer");
    assert_eq!(refused.status, 401);
    assert!(refused.html.contains("EMAIL_CODE_INVALID"), "{}", refused.html);
}
