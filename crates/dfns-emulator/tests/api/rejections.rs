//! Everything the emulator must refuse, each with the contract's status and message.

use std::time::Duration;

use dfns_client::Secret;
use dfns_client::models::{
    CredentialKind, DelegatedRegistrationRequest, EndUserRegistrationRequest, FactorAssertion,
    SignedChallenge, UserActionChallenge, UserKind, WalletSpec,
};
use reqwest::Method;
use serde_json::json;

use crate::support::authenticators::{FLAG_UP, FLAG_UV};
use crate::support::{Answer, Scripted, TestEmulator, base64_url, first_factor_only};

const USER_ACTION_INVALID: &str = "user action signature is missing or invalid";
const USER_ACTION_USED: &str = "user action has already been used";
const CHALLENGE_INVALID: &str = "Challenge token is not valid.";

/// An end user with a scripted passkey, their token, and the uuid of their passkey.
struct User {
    passkey: Scripted,
    token: Secret,
    credential_uuid: String,
}

async fn user(emulator: &TestEmulator, email: &str) -> User {
    let mut passkey = Scripted::new("localhost", "https://localhost");
    let registered = emulator.register_with(email, |c| passkey.register(c)).await;
    passkey.user_id = registered.user.id;
    let token = emulator.login_token(email).await;
    User { passkey, token, credential_uuid: registered.credential.uuid }
}

/// `POST /auth/action/init` by hand.
async fn action_challenge(
    emulator: &TestEmulator,
    token: &Secret,
    method: &str,
    path: &str,
    payload: &str,
) -> UserActionChallenge {
    let body = json!({
        "userActionPayload": payload,
        "userActionHttpMethod": method,
        "userActionHttpPath": path,
        "userActionServerKind": "Api",
    });
    let answer = emulator
        .http()
        .send(Method::POST, "/auth/action/init", Some(token.expose()), None, &body.to_string())
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    serde_json::from_value(answer.body).expect("a challenge")
}

/// `POST /auth/action` by hand.
async fn sign_action(
    emulator: &TestEmulator,
    token: &Secret,
    challenge: &UserActionChallenge,
    factor: FactorAssertion,
) -> Answer {
    let body = SignedChallenge {
        challenge_identifier: challenge.challenge_identifier.clone(),
        first_factor: factor,
        second_factor: None,
    };
    let body = serde_json::to_string(&body).expect("json");
    emulator.http().send(Method::POST, "/auth/action", Some(token.expose()), None, &body).await
}

fn deactivate_body(uuid: &str) -> String {
    json!({ "credentialUuid": uuid }).to_string()
}

/// A user action for deactivating `uuid`, signed by `user`'s passkey after `edit`.
async fn action_with(
    emulator: &TestEmulator,
    user: &mut User,
    edit: impl FnOnce(&mut crate::support::authenticators::Ceremony),
) -> Answer {
    let challenge = action_challenge(
        emulator,
        &user.token,
        "PUT",
        "/auth/credentials/deactivate",
        &deactivate_body(&user.credential_uuid),
    )
    .await;
    let mut ceremony = user.passkey.ceremony("webauthn.get", &challenge.challenge);
    edit(&mut ceremony);
    let factor = user.passkey.assert_ceremony(&ceremony);
    sign_action(emulator, &user.token, &challenge, factor).await
}

fn assert_refused(answer: &Answer, status: u16, message: &str, reason: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert_eq!(answer.message(), message, "{answer:?}");
    let found = answer.body["error"]["details"]["reason"].as_str().unwrap_or_default();
    assert!(found.contains(reason), "reason {found:?} lacks {reason:?}");
    assert_eq!(answer.body["error"]["status"], status);
    assert!(answer.body["error"]["id"].is_string());
}

const ASSERTION_REFUSED: &str = "The credential assertion could not be verified";

#[tokio::test]
async fn a_user_action_is_good_for_one_request_only() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "a@example.com").await;
    let answer = action_with(&emulator, &mut user, |_| {}).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let user_action = answer.body["userAction"].as_str().expect("a user action").to_owned();
    let body = deactivate_body(&user.credential_uuid);
    let http = emulator.http();
    let send =
        |path| http.send(Method::PUT, path, Some(user.token.expose()), Some(&user_action), &body);
    // Signed for deactivate: using it for activate is refused and does not spend it.
    let elsewhere = send("/auth/credentials/activate").await;
    assert_refused(&elsewhere, 403, USER_ACTION_INVALID, "another method or path");
    assert_eq!(send("/auth/credentials/deactivate").await.status, 200);
    let replay = send("/auth/credentials/deactivate").await;
    assert_eq!(replay.status, 400, "{replay:?}");
    assert_eq!(replay.message(), USER_ACTION_USED);
}

#[tokio::test]
async fn a_challenge_is_answered_once() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "b@example.com").await;
    let challenge =
        action_challenge(&emulator, &user.token, "PUT", "/auth/credentials/deactivate", "{}").await;
    let factor = user.passkey.assert(&challenge.challenge);
    assert_eq!(sign_action(&emulator, &user.token, &challenge, factor.clone()).await.status, 200);
    let again = sign_action(&emulator, &user.token, &challenge, factor).await;
    assert_refused(&again, 400, CHALLENGE_INVALID, "already been answered");
}

#[tokio::test]
async fn tampered_client_data_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "c@example.com").await;
    let challenge =
        action_challenge(&emulator, &user.token, "PUT", "/auth/credentials/deactivate", "{}").await;
    let FactorAssertion::Fido2 { mut credential_assertion } =
        user.passkey.assert(&challenge.challenge)
    else {
        unreachable!("a passkey assertion")
    };
    // Same challenge and origin, one more field: the signature covers the exact bytes.
    let client_data = json!({
        "type": "webauthn.get",
        "challenge": base64_url(challenge.challenge.as_bytes()),
        "origin": "https://localhost",
        "crossOrigin": true,
    });
    credential_assertion.client_data = base64_url(client_data.to_string().as_bytes());
    let factor = FactorAssertion::Fido2 { credential_assertion };
    let answer = sign_action(&emulator, &user.token, &challenge, factor).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "signature does not verify");
}

#[tokio::test]
async fn an_assertion_from_another_origin_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "d@example.com").await;
    let answer = action_with(&emulator, &mut user, |c| {
        c.origin = "https://evil.example".into();
    })
    .await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "is not an allowed origin");
    // The port is part of the origin.
    let answer = action_with(&emulator, &mut user, |c| {
        c.origin = "https://localhost:8443".into();
    })
    .await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "is not an allowed origin");
    // A trailing slash is the same origin (webauthn-authenticator-rs writes one).
    let answer = action_with(&emulator, &mut user, |c| {
        c.origin = "https://localhost/".into();
    })
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn an_assertion_for_another_relying_party_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "e@example.com").await;
    let answer = action_with(&emulator, &mut user, |c| c.rp_id = "example.com".into()).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "rpIdHash");
}

#[tokio::test]
async fn an_assertion_whose_client_data_says_create_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "wrong-type@example.com").await;
    // A creation's client data, signed by the user's own passkey over the right challenge and
    // origin: only its type is wrong (WebAuthn §7.2 step 11).
    let answer = action_with(&emulator, &mut user, |c| {
        c.client_data_type = "webauthn.create".into();
    })
    .await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "clientData.type");
}

#[tokio::test]
async fn an_assertion_without_user_presence_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "f@example.com").await;
    let answer = action_with(&emulator, &mut user, |c| c.flags = FLAG_UV).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "user presence");
}

#[tokio::test]
async fn an_assertion_without_user_verification_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "g@example.com").await;
    let answer = action_with(&emulator, &mut user, |c| c.flags = FLAG_UP).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "user verification is required");
}

#[tokio::test]
async fn an_assertion_whose_challenge_differs_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "h@example.com").await;
    let answer = action_with(&emulator, &mut user, |c| {
        c.challenge = base64_url(b"another");
    })
    .await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "challenge does not match");
    // The challenge written verbatim (as key signers do) is the same challenge.
    let challenge =
        action_challenge(&emulator, &user.token, "PUT", "/auth/credentials/deactivate", "{}").await;
    let mut ceremony = user.passkey.ceremony("webauthn.get", &challenge.challenge);
    ceremony.challenge = challenge.challenge.clone();
    let factor = user.passkey.assert_ceremony(&ceremony);
    assert_eq!(sign_action(&emulator, &user.token, &challenge, factor).await.status, 200);
}

#[tokio::test]
async fn a_signature_over_other_bytes_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "i@example.com").await;
    let challenge =
        action_challenge(&emulator, &user.token, "PUT", "/auth/credentials/deactivate", "{}").await;
    let FactorAssertion::Fido2 { mut credential_assertion } =
        user.passkey.assert(&challenge.challenge)
    else {
        unreachable!("a passkey assertion")
    };
    let FactorAssertion::Fido2 { credential_assertion: other } = user.passkey.assert("other bytes")
    else {
        unreachable!("a passkey assertion")
    };
    credential_assertion.signature = other.signature;
    let factor = FactorAssertion::Fido2 { credential_assertion };
    let answer = sign_action(&emulator, &user.token, &challenge, factor).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "signature does not verify");
}

#[tokio::test]
async fn a_signature_counter_that_goes_back_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "j@example.com").await;
    assert_eq!(action_with(&emulator, &mut user, |c| c.sign_count = 7).await.status, 200);
    let answer = action_with(&emulator, &mut user, |c| c.sign_count = 3).await;
    assert_refused(&answer, 401, ASSERTION_REFUSED, "may be cloned");
}

#[tokio::test]
async fn completing_with_a_changed_body_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "k@example.com").await;
    let answer = action_with(&emulator, &mut user, |_| {}).await;
    let user_action = answer.body["userAction"].as_str().expect("a user action").to_owned();
    let changed = emulator
        .http()
        .send(
            Method::PUT,
            "/auth/credentials/deactivate",
            Some(user.token.expose()),
            Some(&user_action),
            &deactivate_body("cr-00000-00000-0000000000000000"),
        )
        .await;
    assert_refused(&changed, 403, USER_ACTION_INVALID, "differs from the payload that was signed");
    // Re-ordered keys and spacing are the same JSON, and go through.
    let same = emulator
        .http()
        .send(
            Method::PUT,
            "/auth/credentials/deactivate",
            Some(user.token.expose()),
            Some(&user_action),
            &format!("{{ \"credentialUuid\" : \"{}\" }}", user.credential_uuid),
        )
        .await;
    assert_eq!(same.status, 200, "{same:?}");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let emulator = TestEmulator::start().await;
    let user = user(&emulator, "l@example.com").await;
    emulator.advance(Duration::from_secs(15 * 60 + 1));
    let answer = emulator
        .http()
        .send(Method::GET, "/auth/credentials", Some(user.token.expose()), None, "")
        .await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(answer.message(), "Unauthorized: the token has expired");
    // The service account's token is long-lived.
    let account = emulator.http();
    let answer = account
        .send(
            Method::GET,
            "/auth/credentials",
            Some(&emulator.bootstrap.service_account.token),
            None,
            "",
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn an_expired_challenge_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "m@example.com").await;
    let challenge =
        action_challenge(&emulator, &user.token, "PUT", "/auth/credentials/deactivate", "{}").await;
    emulator.advance(Duration::from_secs(5 * 60 + 1));
    let fresh_token = emulator.login_token("m@example.com").await;
    let factor = user.passkey.assert(&challenge.challenge);
    let answer = sign_action(&emulator, &fresh_token, &challenge, factor).await;
    assert_refused(&answer, 400, CHALLENGE_INVALID, "expired");
}

#[tokio::test]
async fn an_expired_user_action_is_refused() {
    let emulator = TestEmulator::start().await;
    let mut user = user(&emulator, "n@example.com").await;
    let answer = action_with(&emulator, &mut user, |_| {}).await;
    let user_action = answer.body["userAction"].as_str().expect("a user action").to_owned();
    emulator.advance(Duration::from_secs(5 * 60 + 1));
    let fresh_token = emulator.login_token("n@example.com").await;
    let late = emulator
        .http()
        .send(
            Method::PUT,
            "/auth/credentials/deactivate",
            Some(fresh_token.expose()),
            Some(&user_action),
            &deactivate_body(&user.credential_uuid),
        )
        .await;
    assert_refused(&late, 403, USER_ACTION_INVALID, "expired");
}

#[tokio::test]
async fn another_users_credential_cannot_sign_or_be_touched() {
    let emulator = TestEmulator::start().await;
    let alice = user(&emulator, "alice@example.com").await;
    let mut bob = user(&emulator, "bob@example.com").await;
    // Bob's passkey answering Alice's challenge.
    let challenge =
        action_challenge(&emulator, &alice.token, "PUT", "/auth/credentials/deactivate", "{}")
            .await;
    let factor = bob.passkey.assert(&challenge.challenge);
    let answer = sign_action(&emulator, &alice.token, &challenge, factor).await;
    assert_refused(
        &answer,
        401,
        "Credential is not allowed for this challenge",
        "not an active credential",
    );
    // Bob answering Alice's challenge with his own token.
    let factor = bob.passkey.assert(&challenge.challenge);
    let answer = sign_action(&emulator, &bob.token, &challenge, factor).await;
    assert_refused(&answer, 400, CHALLENGE_INVALID, "another user");
    // Bob deactivating Alice's passkey: not found, as if it did not exist.
    let body = deactivate_body(&alice.credential_uuid);
    let challenge =
        action_challenge(&emulator, &bob.token, "PUT", "/auth/credentials/deactivate", &body).await;
    let factor = bob.passkey.assert(&challenge.challenge);
    let signed = sign_action(&emulator, &bob.token, &challenge, factor).await;
    let user_action = signed.body["userAction"].as_str().expect("a user action");
    let answer = emulator
        .http()
        .send(
            Method::PUT,
            "/auth/credentials/deactivate",
            Some(bob.token.expose()),
            Some(user_action),
            &body,
        )
        .await;
    assert_eq!(answer.status, 404, "{answer:?}");
    assert_eq!(answer.message(), "Credential not found");
}

#[tokio::test]
async fn a_service_account_call_without_a_user_action_is_refused() {
    let emulator = TestEmulator::start().await;
    let token = &emulator.bootstrap.service_account.token;
    for (path, body) in [
        ("/auth/login/delegated", json!({ "username": "x@example.com" })),
        ("/auth/registration/delegated", json!({ "email": "x@example.com", "kind": "EndUser" })),
    ] {
        let answer =
            emulator.http().send(Method::POST, path, Some(token), None, &body.to_string()).await;
        assert_refused(&answer, 403, USER_ACTION_INVALID, "header is missing");
    }
}

#[tokio::test]
async fn an_end_user_cannot_run_service_account_operations() {
    let emulator = TestEmulator::start().await;
    let (signer, _) = emulator.key_user("o@example.com").await;
    let token = emulator.login_token("o@example.com").await;
    let user = emulator.delegated(&token);
    let body = DelegatedRegistrationRequest {
        email: "p@example.com".to_owned(),
        kind: UserKind::EndUser,
        external_id: None,
    };
    let _ = user; // the end user's own client has no such method: sign it by hand
    let payload = serde_json::to_string(&body).expect("json");
    let challenge =
        action_challenge(&emulator, &token, "POST", "/auth/registration/delegated", &payload).await;
    let factor = FactorAssertion::Key { credential_assertion: signer.assert(&challenge.challenge) };
    let signed = sign_action(&emulator, &token, &challenge, factor).await;
    let user_action = signed.body["userAction"].as_str().expect("a user action");
    let answer = emulator
        .http()
        .send(
            Method::POST,
            "/auth/registration/delegated",
            Some(token.expose()),
            Some(user_action),
            &payload,
        )
        .await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert!(
        answer
            .message()
            .contains("is not authorized to perform operation (Auth:Register:Delegated)")
    );
}

#[tokio::test]
async fn registration_refuses_bad_attestations_and_keeps_the_challenge() {
    let emulator = TestEmulator::start().await;
    let challenge = emulator.registration_challenge("q@example.com").await;
    let passkey = Scripted::new("localhost", "https://localhost");
    let register = |credential| {
        let client = emulator.service_account();
        let token = challenge.temporary_authentication_token.clone();
        async move { client.register(&token, &first_factor_only(credential)).await }
    };
    let cases = [
        ("origin", {
            let mut ceremony = passkey.ceremony("webauthn.create", &challenge.options.challenge);
            ceremony.origin = "https://evil.example".into();
            ceremony
        }),
        ("rpIdHash", {
            let mut ceremony = passkey.ceremony("webauthn.create", &challenge.options.challenge);
            ceremony.rp_id = "example.com".into();
            ceremony
        }),
        ("user verification", {
            let mut ceremony = passkey.ceremony("webauthn.create", &challenge.options.challenge);
            ceremony.flags &= !FLAG_UV;
            ceremony
        }),
        ("clientData.type", {
            let mut ceremony = passkey.ceremony("webauthn.create", &challenge.options.challenge);
            ceremony.client_data_type = "webauthn.get".into();
            ceremony
        }),
    ];
    for (reason, ceremony) in cases {
        let error = register(passkey.register_ceremony(&ceremony)).await.expect_err(reason);
        let api = error.api().expect("a Dfns error");
        assert_eq!((api.status, api.message.as_str()), (400, "Invalid credential"), "{reason}");
        let details = api.details.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(details.contains(reason), "{details} lacks {reason}");
    }
    // Nothing was spent: the honest credential still completes, once.
    register(passkey.register(&challenge.options)).await.expect("registered");
    let error = register(passkey.register(&challenge.options))
        .await
        .expect_err("the user is registered now");
    assert_eq!(error.status(), Some(401));
    let again = emulator
        .service_account()
        .create_delegated_registration_challenge(&DelegatedRegistrationRequest {
            email: "q@example.com".to_owned(),
            kind: UserKind::EndUser,
            external_id: None,
        })
        .await
        .expect_err("registered already");
    assert_eq!(again.status(), Some(401));
    assert_eq!(again.api().map(|e| e.message.as_str()), Some("User already exists."));
}

#[tokio::test]
async fn a_temporary_token_only_completes_its_registration() {
    let emulator = TestEmulator::start().await;
    let challenge = emulator.registration_challenge("r@example.com").await;
    let temporary = challenge.temporary_authentication_token.expose();
    let answer =
        emulator.http().send(Method::GET, "/auth/credentials", Some(temporary), None, "").await;
    assert_eq!(answer.status, 401, "{answer:?}");
    // And a login token cannot complete a registration.
    let (_, _) = emulator.key_user("s@example.com").await;
    let login = emulator.login_token("s@example.com").await;
    let answer = emulator
        .http()
        .send(Method::POST, "/auth/registration", Some(login.expose()), None, "{}")
        .await;
    assert_eq!(answer.status, 401, "{answer:?}");
}

#[tokio::test]
async fn end_user_registration_refuses_an_unsupported_network_before_spending_anything() {
    let emulator = TestEmulator::start().await;
    let challenge = emulator.registration_challenge("t@example.com").await;
    let passkey = Scripted::new("localhost", "https://localhost");
    let mut request = EndUserRegistrationRequest {
        first_factor_credential: passkey.register(&challenge.options),
        second_factor_credential: None,
        recovery_credential: None,
        wallets: vec![WalletSpec { network: "NotAChain".to_owned(), name: None }],
    };
    let client = emulator.service_account();
    let token = &challenge.temporary_authentication_token;
    let error = client.register_end_user(token, &request).await.expect_err("unsupported");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.api().map(|e| e.message.as_str()), Some("Network NotAChain is not supported"));
    request.wallets.clear();
    client.register_end_user(token, &request).await.expect("nothing was spent");
}

#[tokio::test]
async fn a_credential_challenge_is_bound_to_its_kind() {
    let emulator = TestEmulator::start().await;
    let (signer, user) = emulator.key_user("u@example.com").await;
    let challenge = user.create_credential_challenge(CredentialKind::Fido2).await.expect("init");
    let key = crate::support::new_key_signer(dfns_client::keys::KeyAlgorithm::P256);
    let request = dfns_client::models::CreateCredentialRequest {
        credential_kind: CredentialKind::Key,
        credential_info: key.credential_info(&challenge.challenge).expect("attest"),
        credential_name: "Wrong kind".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    let signature = crate::support::key_factor(&signer, &pending);
    let error = user.complete(pending, &signature).await.expect_err("kind differs");
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn a_leftover_temporary_token_cannot_add_credentials_to_a_registered_user() {
    let emulator = TestEmulator::start().await;
    let first = emulator.registration_challenge("v@example.com").await;
    let leftover = emulator.registration_challenge("v@example.com").await;
    let passkey = Scripted::new("localhost", "https://localhost");
    let client = emulator.service_account();
    client
        .register(
            &first.temporary_authentication_token,
            &first_factor_only(passkey.register(&first.options)),
        )
        .await
        .expect("registered");
    let intruder = Scripted::new("localhost", "https://localhost");
    let error = client
        .register(
            &leftover.temporary_authentication_token,
            &first_factor_only(intruder.register(&leftover.options)),
        )
        .await
        .expect_err("already registered");
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.api().map(|e| e.message.as_str()), Some("User already exists."));
    let user = emulator.login("v@example.com").await;
    assert_eq!(user.list_credentials().await.expect("list").items.len(), 1);
}

#[tokio::test]
async fn an_attestation_format_the_emulator_cannot_check_is_refused_by_name() {
    let emulator = TestEmulator::start().await;
    let challenge = emulator.registration_challenge("w@example.com").await;
    let mut passkey = Scripted::new("localhost", "https://localhost");
    passkey.format = crate::support::authenticators::Format::Named("tpm");
    let error = emulator
        .service_account()
        .register(
            &challenge.temporary_authentication_token,
            &first_factor_only(passkey.register(&challenge.options)),
        )
        .await
        .expect_err("tpm is not checked");
    let details = error.api().and_then(|e| e.details.clone()).unwrap_or_default();
    let reason = details["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with(r#"attestation format "tpm" is not supported"#), "{reason}");
}
