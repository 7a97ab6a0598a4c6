//! First sign-in: registration as one resumable step.

use dfns_client::models::ListWalletsQuery;
use sigil_api::RegistrationCompleteRequest;
use sigil_authn::CancellationToken;
use sigil_companion::testing::TestStack;
use sigil_core::onboarding::{Onboarded, register};
use sigil_store::{NewOperation, OperationState};

use crate::support::{App, Person};

async fn stack() -> TestStack {
    TestStack::start().await.expect("emulator and companion")
}

async fn onboard(app: &App) -> sigil_core::Result<Onboarded> {
    let cancel = CancellationToken::new();
    register(
        &app.auth,
        &app.journal,
        &app.passkeys,
        None,
        &Person::default(),
        &cancel,
        app.now_ms(),
    )
    .await
}

/// The wallets the user sees at Dfns, through the companion's token.
async fn wallets_at_dfns(stack: &TestStack, app: &App) -> usize {
    let session = app.auth.token().await.expect("session");
    let token = app.auth.companion().dfns_token(&session).await.expect("Dfns token");
    let config = dfns_client::ClientConfig::new(&stack.dfns.api_url).expect("url");
    let dfns = dfns_client::DelegatedClient::new(config, token.token).expect("client");
    dfns.list_wallets(&ListWalletsQuery::default()).await.expect("wallets").items.len()
}

#[tokio::test]
async fn registration_makes_a_passkey_provisions_the_default_wallets_and_is_journaled() {
    let stack = stack().await;
    let app = App::signed_in(&stack, "amy@example.org").await;
    let Onboarded::Registered(registered) = onboard(&app).await.expect("registers") else {
        panic!("was not registered before")
    };
    assert!(registered.me.registered);
    assert_eq!(registered.wallets.len(), 2);
    let owner = app.auth.session().await.expect("keyring").expect("session").user.id;
    let journaled = app.journal.recent(&owner, 10).await.expect("journal");
    assert_eq!(journaled.len(), 1);
    assert_eq!(
        (journaled[0].kind.as_str(), journaled[0].state),
        ("registration", OperationState::Done)
    );
    let again = onboard(&app).await.expect("nothing to do");
    assert!(matches!(again, Onboarded::AlreadyRegistered(me) if me.registered));
    assert_eq!(wallets_at_dfns(&stack, &app).await, 2);
}

/// What the app does before sending a registration: the passkey made for a fresh challenge and
/// the completion journaled as `Sent`. Returns the operation id and the request.
async fn journaled_completion(app: &App) -> (String, RegistrationCompleteRequest) {
    let session = app.auth.session().await.expect("keyring").expect("session");
    let challenge = app.auth.companion().registration_init(&session.token).await.expect("init");
    let credential = app
        .passkeys
        .register(&challenge.options, None, &Person::default(), &CancellationToken::new())
        .await
        .expect("passkey");
    let request = RegistrationCompleteRequest {
        first_factor_credential: credential,
        recovery_credential: None,
    };
    let body = serde_json::to_string(&request).expect("JSON");
    let new = NewOperation {
        kind: "registration",
        owner: &session.user.id,
        external_id: None,
        method: "POST",
        path: "/api/v1/registration/complete",
        body: &body,
        intent: "{}",
        warnings: "[]",
    };
    let op = app.journal.record(&new, app.now_ms()).await.expect("journaled");
    app.journal.advance(&op.id, OperationState::Sent, None, app.now_ms()).await.expect("sent");
    (op.id, request)
}

#[tokio::test]
async fn a_registration_interrupted_before_its_answer_resumes_with_the_same_passkey() {
    let stack = stack().await;
    let app = App::signed_in(&stack, "bo@example.org").await;
    // The app made the passkey and journaled the completion, then stopped before sending it.
    let (op_id, _) = journaled_completion(&app).await;

    // Restarted, the app resumes: a person who would decline a new passkey is never asked.
    let cancel = CancellationToken::new();
    let refuses = Person { declines: true };
    let resumed =
        register(&app.auth, &app.journal, &app.passkeys, None, &refuses, &cancel, app.now_ms())
            .await
            .expect("resumed without a new passkey");
    assert!(matches!(resumed, Onboarded::Registered(r) if r.wallets.len() == 2));
    let done = app.journal.get(&op_id).await.expect("journal").expect("op");
    assert_eq!(done.state, OperationState::Done);
    assert_eq!(wallets_at_dfns(&stack, &app).await, 2);
}

#[tokio::test]
async fn a_registration_whose_answer_was_lost_after_it_went_through_provisions_nothing_twice() {
    let stack = stack().await;
    let app = App::signed_in(&stack, "cy@example.org").await;
    let session = app.auth.session().await.expect("keyring").expect("session");
    let (_, request) = journaled_completion(&app).await;
    // It reached the companion; the answer never reached the app.
    app.auth
        .companion()
        .registration_complete(&session.token, &request)
        .await
        .expect("went through");

    let resumed = onboard(&app).await.expect("resumed");
    assert!(matches!(resumed, Onboarded::Registered(_)));
    assert_eq!(wallets_at_dfns(&stack, &app).await, 2, "the default wallets once");
}

#[tokio::test]
async fn a_declined_passkey_prompt_registers_nothing_and_journals_nothing() {
    let stack = stack().await;
    let app = App::signed_in(&stack, "di@example.org").await;
    let cancel = CancellationToken::new();
    let declines = Person { declines: true };
    let error =
        register(&app.auth, &app.journal, &app.passkeys, None, &declines, &cancel, app.now_ms())
            .await
            .expect_err("declined");
    assert!(error.code().as_str().starts_with("AUTHN_"), "{}", error.code());
    let owner = app.auth.session().await.expect("keyring").expect("session").user.id;
    assert!(app.journal.recent(&owner, 10).await.expect("journal").is_empty());
    let me = app.auth.companion().me(&app.auth.token().await.expect("token")).await.expect("me");
    assert!(!me.registered);
    assert!(matches!(onboard(&app).await, Ok(Onboarded::Registered(_))), "a later try works");
}

#[tokio::test]
async fn registration_needs_a_session() {
    let stack = stack().await;
    let app = App::new(&stack).await;
    assert_eq!(onboard(&app).await.expect_err("signed out").code(), "SIGNED_OUT");
}
