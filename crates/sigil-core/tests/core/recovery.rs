//! Never locked out: the kit made at registration, recovering access with it on a fresh
//! computer after the website checked the person again, and adding a second computer with a
//! one-time code from the first. Two installations (data folder, keyring, passkeys) against the
//! real companion and emulator.

use std::sync::Arc;

use dfns_client::models::Credential;
use sigil_api::{ErrorCode, SessionPurpose};
use sigil_authn::CancellationToken;
use sigil_companion::testing::{TestStack, Website};
use sigil_core::actions::{Actions, Outcome, SignWhat};
use sigil_core::companion::CompanionError;
use sigil_core::dfns_session::DfnsSession;
use sigil_core::reads::Reads;
use sigil_core::recovery;
use sigil_store::{Cache, SecretStore};

use crate::support::{App, PASSWORD, Person, registered};

/// The app's signed actions, for `app` signed in as a registered user, and the owner.
async fn actions(stack: &TestStack, app: &App) -> (Actions, String, Reads) {
    let token = app.auth.token().await.expect("session");
    let me = app.auth.companion().me(&token).await.expect("me");
    let (cache, _) = Cache::open(&app.dir.path().join("cache.db")).await;
    let dfns = Arc::new(
        DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone()).expect("dfns"),
    );
    let reads = Reads::new(cache, dfns.clone());
    reads.sync(&me.dfns_user_id.expect("registered")).await.expect("sync");
    let actions = Actions::new(dfns, reads.clone(), app.journal.clone(), app.clock.clone());
    (actions, me.user.id, reads)
}

/// Signs a message with the wallet on Sepolia: what only a passkey of the account can do.
async fn sign_a_message(stack: &TestStack, app: &App) -> sigil_core::Result<Outcome> {
    let (actions, owner, reads) = actions(stack, app).await;
    let wallets = reads.cached_wallets().await?;
    let sepolia = wallets.iter().find(|w| w.wallet.network == "EthereumSepolia").expect("Sepolia");
    let message = SignWhat::Message("it is me".into());
    let prepared = actions.prepare_signature(&owner, &sepolia.wallet.id, &message).await?;
    let cancel = CancellationToken::new();
    actions
        .confirm(&owner, &prepared.operation_id, &app.passkeys, &Person::default(), &cancel)
        .await
}

/// The second computer adds its passkey with `code`, the person approving.
async fn add_with(stack: &TestStack, app: &App, code: &str) -> sigil_core::Result<Credential> {
    let cancel = CancellationToken::new();
    let person = Person::default();
    recovery::add_this_computer(&stack.dfns.api_url, code, &app.passkeys, &person, &cancel).await
}

fn secrets(app: &App) -> Arc<dyn SecretStore> {
    app.secrets.clone()
}

#[tokio::test]
async fn the_kit_made_at_registration_recovers_access_on_a_fresh_computer_and_retires_the_old_passkey()
 {
    let stack = TestStack::start().await.expect("stack");
    let email = "ann@example.org";
    let (first, _) = registered(&stack, email).await;
    let code = recovery::kit_to_confirm(&secrets(&first)).await.expect("keyring");
    let code =
        code.expect("registration made a kit whose code waits to be shown").expose().to_owned();
    let typo =
        recovery::confirm_kit(&secrets(&first), "D1-AAAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAAA").await;
    assert_eq!(typo.expect_err("another code").code(), "RECOVERY_CODE_MISMATCH");
    recovery::confirm_kit(&secrets(&first), &code.to_lowercase()).await.expect("typed back");
    assert!(recovery::kit_to_confirm(&secrets(&first)).await.expect("keyring").is_none());
    sign_a_message(&stack, &first).await.expect("the first computer signs");

    // The first computer is lost. A fresh one proves who the person is on the website again.
    let fresh = App::new(&stack).await;
    let url = fresh.auth.start_recovery().await.expect("recovery starts");
    assert!(url.path().ends_with("/recover"), "{url}");
    let outbox = stack.outbox().expect("outbox");
    let website = Website::new(&stack.companion_url).expect("browser");
    let link = website.recover_at(url.as_str(), email, PASSWORD, &outbox).await.expect("link");
    fresh.auth.accept_deep_link(link.as_str()).await.expect("signed in to recover");
    let session = fresh.auth.session().await.expect("keyring").expect("session");
    assert_eq!(session.purpose, SessionPurpose::Recovery);
    let replayed = fresh.auth.accept_deep_link(link.as_str()).await.expect_err("used once");
    assert_eq!(replayed.code(), "LOGIN_NOT_PENDING");

    let token = fresh.auth.token().await.expect("token");
    let challenge = fresh.auth.companion().recovery_init(&token).await.expect("opened");
    let wrong = recovery::open_kit(&challenge, "D1-BBBBBB-BBBBB-BBBBB-BBBBB-BBBBB-BBBBBB");
    assert_eq!(wrong.expect_err("wrong code").code(), "RECOVERY_CODE_WRONG");
    let garbage = recovery::open_kit(&challenge, "my dog's name");
    assert_eq!(garbage.expect_err("not a code").code(), "RECOVERY_CODE_MALFORMED");
    let kit = recovery::open_kit(&challenge, &code).expect("the code opens the kit");
    let cancel = CancellationToken::new();
    let recovered = recovery::recover(
        &fresh.auth,
        &challenge,
        &kit,
        &fresh.passkeys,
        &Person::default(),
        &cancel,
    )
    .await
    .expect("recovered");
    assert_eq!(recovered.user.email, email);
    let session = fresh.auth.session().await.expect("keyring").expect("session");
    assert_eq!(session.purpose, SessionPurpose::SignIn, "one recovery per website check");
    let new_code = recovery::kit_to_confirm(&secrets(&fresh)).await.expect("keyring");
    let new_code = new_code.expect("a new kit replaces the spent one");
    assert_ne!(new_code.expose(), code);

    sign_a_message(&stack, &fresh).await.expect("the new passkey signs");
    // The lost computer's session is over, and its passkey is retired at Dfns.
    let lost = first.auth.token().await.expect("its stored session");
    let refused = first.auth.companion().me(&lost).await.expect_err("signed out");
    assert!(matches!(refused, CompanionError::Api { status: 401, .. }), "{refused}");
    let dfns = DfnsSession::new(fresh.auth.clone(), &stack.dfns.api_url, fresh.clock.clone())
        .expect("dfns");
    let listed = dfns.call(|dfns| async move { dfns.list_credentials().await }).await;
    let credentials = listed.expect("credentials").items;
    let active: Vec<_> =
        credentials.iter().filter(|c| c.is_active).map(|c| c.name.as_str()).collect();
    assert_eq!(
        credentials.iter().filter(|c| c.is_active).count(),
        2,
        "{active:?}: the new passkey and kit"
    );
    assert!(
        credentials.iter().filter(|c| !c.is_active).count() >= 2,
        "the old passkey and the spent kit are retired"
    );
    let mails = outbox.mails().await.expect("mails");
    assert!(mails.iter().any(|mail| mail.to == email && mail.subject.contains("recovered")));
}

#[tokio::test]
async fn recovery_needs_the_websites_fresh_check_and_never_reaches_another_account() {
    let stack = TestStack::start().await.expect("stack");
    let (signed_in, _) = registered(&stack, "ben@example.org").await;
    let token = signed_in.auth.token().await.expect("token");
    let refused =
        signed_in.auth.companion().recovery_init(&token).await.expect_err("plain sign-in");
    assert!(
        matches!(refused, CompanionError::Api { code: ErrorCode::RecoveryNotAllowed, .. }),
        "{refused}"
    );
    // Another account's recovery code cannot open this account's kit.
    let (other, _) = registered(&stack, "cyd@example.org").await;
    let other_code =
        recovery::kit_to_confirm(&secrets(&other)).await.expect("keyring").expect("kit");
    let fresh = App::new(&stack).await;
    let url = fresh.auth.start_recovery().await.expect("recovery starts");
    let website = Website::new(&stack.companion_url).expect("browser");
    let outbox = stack.outbox().expect("outbox");
    let link = website.recover_at(url.as_str(), "ben@example.org", PASSWORD, &outbox).await;
    fresh.auth.accept_deep_link(link.expect("link").as_str()).await.expect("signed in");
    let token = fresh.auth.token().await.expect("token");
    let challenge = fresh.auth.companion().recovery_init(&token).await.expect("opened");
    let wrong = recovery::open_kit(&challenge, other_code.expose()).expect_err("not ben's kit");
    assert_eq!(wrong.code(), "RECOVERY_CODE_WRONG");
    let again = fresh.auth.companion().recovery_init(&token).await.expect_err("once per check");
    assert!(matches!(again, CompanionError::Api { status: 403, .. }), "{again}");
}

#[tokio::test]
async fn a_code_from_the_first_computer_lets_the_second_make_its_own_passkey_and_sign() {
    let stack = TestStack::start().await.expect("stack");
    let email = "dee@example.org";
    let (first, _) = registered(&stack, email).await;
    let second = App::new(&stack).await;
    let link = second.website_login(&stack, email, false).await;
    second.auth.accept_deep_link(&link).await.expect("signed in on the second computer");
    let no_passkey = sign_a_message(&stack, &second).await.expect_err("no passkey here yet");
    assert!(no_passkey.code().as_str().starts_with("AUTHN_"), "{no_passkey}");

    let cancel = CancellationToken::new();
    let wrong = add_with(&stack, &second, "NOTACODE9").await.expect_err("a made-up code");
    assert_eq!(wrong.code(), "COMPUTER_CODE_REFUSED");

    let (first_actions, _, _) = actions(&stack, &first).await;
    let code = first_actions
        .create_computer_code(&first.passkeys, &Person::default(), &cancel)
        .await
        .expect("the first computer makes a code");
    let added = add_with(&stack, &second, code.code.expose())
        .await
        .expect("the second computer adds its passkey");
    assert_eq!(added.name, recovery::COMPUTER_PASSKEY_NAME);
    sign_a_message(&stack, &second).await.expect("the second computer signs with its own passkey");
    let reused =
        add_with(&stack, &second, code.code.expose()).await.expect_err("a code works once");
    assert_eq!(reused.code(), "COMPUTER_CODE_REFUSED");
}
