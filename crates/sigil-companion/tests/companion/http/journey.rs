//! The app's journeys through the companion, end to end against the emulator.

use axum::http::StatusCode;
use dfns_client::models::ListWalletsQuery;
use serde_json::json;
use sigil_api::{DfnsToken, Me, RegistrationChallenge};

use super::harness::{
    App, Companion, TestDfns, device_passkey, make_credential, new_user_session, register,
};
use crate::support::Db;

pub async fn a_new_user_signs_in_from_the_app_registers_a_passkey_and_reads_their_wallets_at_dfns(
    db: Db,
) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "ann@example.org").await;

    let me: Me = app.get("/me").await.json();
    assert_eq!(me.user.email, "ann@example.org");
    assert!(!me.registered && me.dfns_user_id.is_none(), "not registered with Dfns yet");
    let early = app.post("/dfns-token", &json!({})).await;
    assert_eq!(
        (early.status, early.error_code().as_str()),
        (StatusCode::CONFLICT, "NOT_REGISTERED")
    );

    let wallets = register(&app, &device_passkey(&companion)).await;
    let networks: Vec<&str> = wallets.iter().map(|wallet| wallet.network.as_str()).collect();
    assert_eq!(networks, ["EthereumSepolia", "SolanaDevnet"], "the default networks, in order");
    let me: Me = app.get("/me").await.json();
    let dfns_user = me.dfns_user_id.expect("registered");
    for wallet in &wallets {
        assert_eq!(wallet.signing_key.delegated_to.as_deref(), Some(dfns_user.as_str()));
        assert!(!wallet.custodial, "delegated wallets are not custodial");
    }

    let token: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    assert!(token.expires_at > time::OffsetDateTime::now_utc(), "a token that is still good");
    let at_dfns = dfns.as_user(&token.token).list_wallets(&ListWalletsQuery::default()).await;
    let mut seen: Vec<String> =
        at_dfns.expect("the token works at Dfns").items.into_iter().map(|w| w.id).collect();
    let mut provisioned: Vec<String> = wallets.into_iter().map(|w| w.id).collect();
    seen.sort();
    provisioned.sort();
    assert_eq!(seen, provisioned, "the user sees exactly the wallets provisioned for them");
}

pub async fn completing_registration_again_provisions_nothing_twice(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "bob@example.org").await;
    let passkeys = device_passkey(&companion);
    let init: RegistrationChallenge = app.post("/registration/init", &json!({})).await.json();
    let body = make_credential(&passkeys, &init).await;
    let first = app.post("/registration/complete", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    // The app did not hear the answer and sends the same request again.
    let again = app.post("/registration/complete", &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    let first: sigil_api::Registered = first.json();
    let again: sigil_api::Registered = again.json();
    let ids =
        |r: &sigil_api::Registered| r.wallets.iter().map(|w| w.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&again), "the same wallets");
    let token: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    let listed = dfns.as_user(&token.token).list_wallets(&ListWalletsQuery::default()).await;
    assert_eq!(listed.expect("list").items.len(), 2, "no wallet was made twice");
    let init_again = app.post("/registration/init", &json!({})).await;
    assert_eq!(init_again.status, StatusCode::CONFLICT);
    assert_eq!(init_again.error_code(), "ALREADY_REGISTERED");
}

pub async fn an_abandoned_registration_starts_again_and_the_old_challenge_is_refused(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "cy@example.org").await;
    let passkeys = device_passkey(&companion);
    let abandoned: RegistrationChallenge = app.post("/registration/init", &json!({})).await.json();
    let fresh: RegistrationChallenge = app.post("/registration/init", &json!({})).await.json();
    assert_ne!(abandoned.options.challenge, fresh.options.challenge, "a new challenge");
    assert_eq!(abandoned.options.user.id, fresh.options.user.id, "for the same Dfns user");

    let stale = make_credential(&passkeys, &abandoned).await;
    let refused = app.post("/registration/complete", &stale).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
    assert_eq!(refused.error_code(), "CREDENTIAL_REJECTED");

    let good = make_credential(&passkeys, &fresh).await;
    let done = app.post("/registration/complete", &good).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
}

pub async fn a_registration_dfns_completed_without_the_companion_recording_it_is_adopted(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "dee@example.org").await;
    let passkeys = device_passkey(&companion);
    let challenge: RegistrationChallenge = app.post("/registration/init", &json!({})).await.json();
    let body = make_credential(&passkeys, &challenge).await;
    // The companion sent the registration and stopped before storing the answer: Dfns has it.
    let raw = db.raw().await;
    let (token,): (String,) =
        sqlx::query_as("SELECT temporary_token FROM dfns_pending_registrations")
            .fetch_one(&raw)
            .await
            .expect("the pending registration");
    let credential =
        serde_json::from_value(body["firstFactorCredential"].clone()).expect("credential");
    let request = dfns_client::models::RegistrationRequest {
        first_factor_credential: credential,
        second_factor_credential: None,
        recovery_credential: None,
    };
    let service = dfns_client::ServiceAccountClient::new(
        dfns_client::ClientConfig::new(&dfns.bootstrap.api_url).expect("url"),
        dfns_client::Secret::new(dfns.bootstrap.service_account.token.clone()),
        companion.state.config().service_account.signer.clone(),
    )
    .expect("client");
    let registered = service.register(&dfns_client::Secret::new(token), &request).await;
    let dfns_user_id = registered.expect("Dfns registers the user").user.id;

    // The app retries: the companion finds the registration done and carries on.
    let retried = app.post("/registration/complete", &body).await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.text());
    let registered: sigil_api::Registered = retried.json();
    assert_eq!(registered.me.dfns_user_id.as_deref(), Some(dfns_user_id.as_str()));
    assert_eq!(registered.wallets.len(), 2);
}

pub async fn one_more_wallet_with_the_same_request_id_is_made_once(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let app = new_user_session(&companion, "eve@example.org").await;
    register(&app, &device_passkey(&companion)).await;
    let ask = json!({ "network": "BaseSepolia", "name": "Savings", "requestId": "r-1" });
    let first = app.post("/wallets", &ask).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let again = app.post("/wallets", &ask).await;
    let (first, again): (dfns_client::models::Wallet, dfns_client::models::Wallet) =
        (first.json(), again.json());
    assert_eq!(first.id, again.id, "a retry gives the same wallet");
    assert_eq!(first.name.as_deref(), Some("Savings"));
    assert_eq!(first.network, "BaseSepolia");
    let other_network =
        app.post("/wallets", &json!({ "network": "PolygonAmoy", "requestId": "r-1" })).await;
    assert_eq!(other_network.status, StatusCode::BAD_REQUEST);
    assert_eq!(other_network.error_code(), "INVALID_REQUEST");
    let without_id = app.post("/wallets", &json!({ "network": "BaseSepolia" })).await;
    let third: dfns_client::models::Wallet = without_id.json();
    assert_ne!(third.id, first.id, "no request id: a new wallet");
    let token: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    let listed = dfns.as_user(&token.token).list_wallets(&ListWalletsQuery::default()).await;
    assert_eq!(listed.expect("list").items.len(), 4, "two default wallets and two more");
}

pub async fn signing_out_of_the_app_ends_its_session_only(db: Db) {
    let dfns = TestDfns::start().await;
    let companion = Companion::start(&dfns, &db).await;
    let first = new_user_session(&companion, "fay@example.org").await;
    let second = {
        // The same person signs in on a second computer.
        let login = super::harness::Login::new();
        let mut browser = super::harness::Browser::new(&companion);
        browser.sign_in("fay@example.org", super::harness::PASSWORD).await;
        let hand_off = browser.confirm(&login).await;
        let mut app = App::new(&companion);
        let session = app.redeem(&login, &login.code_from(&hand_off)).await;
        assert_eq!(session.status, StatusCode::OK);
        app
    };
    let out = first.post("/logout", &json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = first.get("/me").await;
    assert_eq!(
        (after.status, after.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
    );
    assert_eq!(
        second.get("/me").await.status,
        StatusCode::OK,
        "the other computer stays signed in"
    );
}
