//! Recovery keys and account recovery (§3.6): a recovery key made as a Dfns recovery kit is
//! registered with the user, can only recover, and a recovery (delegated, or through an emailed
//! code) replaces every earlier credential; then everything that must be refused.

use std::time::Duration;

use dfns_client::models::{
    CreateCredentialRequest, CredentialKind, DelegatedRecoveryRequest, FactorAssertion,
    RecoverRequest, RecoveryAssertion, RecoveryChallenge, RecoveryChallengeRequest,
    RegistrationRequest, SendRecoveryCodeRequest,
};
use dfns_client::recovery::{RecoveryCode, RecoveryKey};
use dfns_client::{Method, Secret};
use serde_json::json;

use crate::support::{Scripted, TestEmulator, assert_dfns_error, base64_url, signed};

const NOT_A_RECOVERY_FACTOR: &str = "Credential cannot be used as a recovery factor.";
const ASSERTION_REFUSED: &str = "The credential assertion could not be verified";
const CHALLENGE_INVALID: &str = "Challenge token is not valid.";
const CODE_INVALID: &str = "Invalid or expired code.";

/// An end user registered with a passkey and a recovery kit, as Sigil registers one.
struct Recoverable {
    email: String,
    passkey: Scripted,
    passkey_uuid: String,
    recovery_key: RecoveryKey,
    code: RecoveryCode,
}

async fn recoverable(emulator: &TestEmulator, email: &str) -> Recoverable {
    let challenge = emulator.registration_challenge(email).await;
    let mut passkey = Scripted::new("localhost", "https://localhost");
    let (recovery_key, code) = RecoveryKey::create(email).expect("a kit");
    let request = RegistrationRequest {
        first_factor_credential: passkey.register(&challenge.options),
        second_factor_credential: None,
        recovery_credential: Some(
            recovery_key
                .new_credential(&challenge.options.challenge, Some("Recovery kit".to_owned()))
                .expect("attestation"),
        ),
    };
    let registered = emulator
        .service_account()
        .register(&challenge.temporary_authentication_token, &request)
        .await
        .expect("registered with a recovery key");
    passkey.user_id = registered.user.id;
    Recoverable {
        email: email.to_owned(),
        passkey,
        passkey_uuid: registered.credential.uuid,
        recovery_key,
        code,
    }
}

fn delegated_request(user: &Recoverable) -> DelegatedRecoveryRequest {
    DelegatedRecoveryRequest {
        username: user.email.clone(),
        credential_id: user.recovery_key.credential_id().to_owned(),
    }
}

async fn open_delegated(emulator: &TestEmulator, user: &Recoverable) -> RecoveryChallenge {
    emulator
        .service_account()
        .create_delegated_recovery_challenge(&delegated_request(user))
        .await
        .expect("a recovery challenge")
}

/// A new passkey (and optionally a new recovery key) over the recovery challenge.
fn new_credentials(
    passkey: &Scripted,
    challenge: &RecoveryChallenge,
    recovery_key: Option<&RecoveryKey>,
) -> RegistrationRequest {
    RegistrationRequest {
        first_factor_credential: passkey.register(&challenge.options),
        second_factor_credential: None,
        recovery_credential: recovery_key.map(|key| {
            key.new_credential(&challenge.options.challenge, None).expect("attestation")
        }),
    }
}

/// What the user's device sends: the kit opened with the code, the challenge signed, and a new
/// passkey made for it.
fn recovery_request(
    user: &Recoverable,
    challenge: &RecoveryChallenge,
    new: &Scripted,
) -> RecoverRequest {
    let key = RecoveryKey::open(&user.email, &user.code, &challenge.allowed_recovery_credentials)
        .expect("the kit opens with its code");
    RecoverRequest {
        recovery: key.sign(&challenge.options.challenge),
        new_credentials: new_credentials(new, challenge, None),
    }
}

fn new_passkey(user_id: &str) -> Scripted {
    let mut passkey = Scripted::new("localhost", "https://localhost");
    passkey.user_id = user_id.to_owned();
    passkey
}

/// The code in the newest message the emulator "emailed" to `to`.
async fn emailed_code(emulator: &TestEmulator, to: &str) -> Option<String> {
    let answer = emulator
        .http()
        .send(Method::GET, &format!("/_emulator/outbox?to={to}"), None, None, "")
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["items"][0]["code"].as_str().map(str::to_owned)
}

fn code_request(
    emulator: &TestEmulator,
    user: &Recoverable,
    code: &str,
) -> RecoveryChallengeRequest {
    RecoveryChallengeRequest {
        username: user.email.clone(),
        verification_code: Secret::new(code),
        org_id: emulator.bootstrap.org_id.clone(),
        credential_id: user.recovery_key.credential_id().to_owned(),
    }
}

async fn send_code(emulator: &TestEmulator, username: &str) {
    let request = SendRecoveryCodeRequest {
        username: username.to_owned(),
        org_id: emulator.bootstrap.org_id.clone(),
    };
    emulator.public().send_recovery_code(&request).await.expect("sent");
}

/// The user's credentials as (kind, active), after a fresh delegated login.
async fn credentials(emulator: &TestEmulator, email: &str) -> Vec<(String, bool, String)> {
    let client = emulator.login(email).await;
    let items = client.list_credentials().await.expect("list").items;
    items.into_iter().map(|c| (c.credential_id, c.is_active, c.kind.to_string())).collect()
}

#[tokio::test]
async fn a_recovery_key_registered_with_the_user_is_listed_and_never_signs_a_user_action() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "ada@example.com").await;
    let token = emulator.login_token(&user.email).await;
    let client = emulator.delegated(&token);
    let listed = client.list_credentials().await.expect("list").items;
    let recovery = listed.iter().find(|c| c.kind == CredentialKind::RecoveryKey).expect("listed");
    assert_eq!(recovery.credential_id, user.recovery_key.credential_id());
    assert_eq!(recovery.name, "Recovery kit");
    assert!(recovery.is_active);

    // It is never offered for signing...
    let pending = client.deactivate_credential_init(&user.passkey_uuid).await.expect("init");
    assert!(pending.challenge().allow_credentials.key.is_empty());
    // ...and signing with it as a Key credential is refused.
    let RecoveryAssertion::RecoveryKey { credential_assertion } =
        user.recovery_key.sign(&pending.challenge().challenge);
    let signature = signed(&pending, FactorAssertion::Key { credential_assertion });
    let error = client.complete(pending, &signature).await.expect_err("a recovery key");
    assert_dfns_error(&error, 401, "Credential is not allowed for this challenge");

    // As its own kind it is not a factor at all.
    let pending = client.deactivate_credential_init(&user.passkey_uuid).await.expect("init");
    let RecoveryAssertion::RecoveryKey { credential_assertion } =
        user.recovery_key.sign(&pending.challenge().challenge);
    let body = json!({
        "challengeIdentifier": pending.challenge().challenge_identifier,
        "firstFactor": { "kind": "RecoveryKey", "credentialAssertion": credential_assertion },
    });
    let answer = emulator
        .http()
        .send(Method::POST, "/auth/action", Some(token.expose()), None, &body.to_string())
        .await;
    assert_eq!((answer.status, answer.message()), (400, "Invalid request body"), "{answer:?}");
    // Nothing changed: both credentials are still there and active.
    let after = credentials(&emulator, &user.email).await;
    assert!(after.iter().all(|(_, active, _)| *active), "{after:?}");
}

#[tokio::test]
async fn a_recovery_key_is_added_later_through_a_user_action_and_can_recover() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("bea@example.com").await;
    let challenge =
        client.create_credential_challenge(CredentialKind::RecoveryKey).await.expect("init");
    assert_eq!(challenge.kind, CredentialKind::RecoveryKey);
    assert_eq!(challenge.authenticator_selection, None);
    let (kit, code) = RecoveryKey::create("bea@example.com").expect("a kit");
    let made = kit.new_credential(&challenge.challenge, None).expect("attestation");
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::RecoveryKey,
        credential_info: made.credential_info,
        credential_name: "Recovery kit".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: made.encrypted_private_key,
    };
    let pending = client.create_credential_init(&request).await.expect("init");
    let signature = signed(&pending, passkey.assert(&pending.challenge().challenge));
    let added = client.complete(pending, &signature).await.expect("added");
    assert_eq!(added.kind, CredentialKind::RecoveryKey);

    let user = Recoverable {
        email: "bea@example.com".to_owned(),
        passkey,
        passkey_uuid: String::new(),
        recovery_key: kit,
        code,
    };
    let opened = open_delegated(&emulator, &user).await;
    assert_eq!(
        opened.allowed_recovery_credentials[0].encrypted_recovery_key,
        user.recovery_key.encrypted_private_key()
    );
    let new = new_passkey(&user.passkey.user_id);
    emulator
        .public()
        .recover(&opened.temporary_authentication_token, &recovery_request(&user, &opened, &new))
        .await
        .expect("recovered");
}

#[tokio::test]
async fn a_delegated_recovery_replaces_and_retires_every_earlier_credential() {
    let emulator = TestEmulator::start().await;
    let mut user = recoverable(&emulator, "cyd@example.com").await;
    let old_session = emulator.login(&user.email).await;
    // A millisecond later, so the recovery can tell earlier sessions from later ones.
    emulator.advance(Duration::from_millis(1));

    let challenge = open_delegated(&emulator, &user).await;
    assert_eq!(challenge.options.user.id, user.passkey.user_id);
    assert_eq!(challenge.options.user.name, user.email);
    assert_eq!(challenge.allowed_recovery_credentials.len(), 1);
    assert_eq!(challenge.allowed_recovery_credentials[0].id, user.recovery_key.credential_id());
    assert_eq!(
        challenge.allowed_recovery_credentials[0].encrypted_recovery_key,
        user.recovery_key.encrypted_private_key()
    );

    // The device opens the kit with the code, makes a passkey and a new kit, and signs.
    let mut new = new_passkey(&user.passkey.user_id);
    let key = RecoveryKey::open(&user.email, &user.code, &challenge.allowed_recovery_credentials)
        .expect("the kit opens");
    let (new_kit, _new_code) = RecoveryKey::create(&user.email).expect("a new kit");
    let request = RecoverRequest {
        recovery: key.sign(&challenge.options.challenge),
        new_credentials: new_credentials(&new, &challenge, Some(&new_kit)),
    };
    let recovered = emulator
        .public()
        .recover(&challenge.temporary_authentication_token, &request)
        .await
        .expect("recovered");
    assert_eq!(recovered.credential.kind, CredentialKind::Fido2);
    assert_eq!(recovered.user.id, user.passkey.user_id);
    assert_eq!(recovered.user.username, user.email);
    assert_eq!(recovered.user.org_id, emulator.bootstrap.org_id);

    // The temporary token and the challenge were good once.
    let replay =
        emulator.public().recover(&challenge.temporary_authentication_token, &request).await;
    assert_dfns_error(&replay.expect_err("a replay"), 400, CHALLENGE_INVALID);
    // Sessions from before the recovery ended; the old credentials are listed, inactive.
    assert_eq!(old_session.list_credentials().await.expect_err("ended").status(), Some(401));
    let listed = credentials(&emulator, &user.email).await;
    let active: Vec<_> = listed.iter().filter(|(_, active, _)| *active).collect();
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert_eq!(active.len(), 2, "{listed:?}");
    assert!(active.iter().any(|(id, _, _)| *id == new.cred_id()));
    assert!(active.iter().any(|(id, _, _)| id == new_kit.credential_id()));

    // The new passkey signs; the old one is refused and can never be switched on again.
    let client = emulator.login(&user.email).await;
    let pending = client.activate_credential_init(&user.passkey_uuid).await.expect("init");
    assert_eq!(pending.challenge().allow_credentials.webauthn.len(), 1);
    let refused = signed(&pending, user.passkey.assert(&pending.challenge().challenge));
    let error = client.complete(pending, &refused).await.expect_err("retired");
    assert_eq!(error.status(), Some(401));
    let pending = client.activate_credential_init(&user.passkey_uuid).await.expect("init");
    let signature = signed(&pending, new.assert(&pending.challenge().challenge));
    let error = client.complete(pending, &signature).await.expect_err("retired for good");
    assert_dfns_error(
        &error,
        400,
        "Credential was invalidated by an account recovery and cannot be activated",
    );
    // And the used recovery key cannot open another recovery.
    let again = emulator
        .service_account()
        .create_delegated_recovery_challenge(&delegated_request(&user))
        .await;
    assert_dfns_error(&again.expect_err("retired"), 401, NOT_A_RECOVERY_FACTOR);
}

#[tokio::test]
async fn the_older_form_where_the_recovery_key_signs_the_new_credentials_is_accepted() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "dee@example.com").await;
    let challenge = open_delegated(&emulator, &user).await;
    let key = RecoveryKey::open(&user.email, &user.code, &challenge.allowed_recovery_credentials)
        .expect("opens");
    let new = new_passkey(&user.passkey.user_id);
    let bundle = new_credentials(&new, &challenge, None);
    let signed_bundle = base64_url(&serde_json::to_vec(&bundle).expect("json"));

    // Signed over other credentials than those sent: refused.
    let other = new_credentials(&new_passkey(&user.passkey.user_id), &challenge, None);
    let request = RecoverRequest { recovery: key.sign(&signed_bundle), new_credentials: other };
    let error = emulator
        .public()
        .recover(&challenge.temporary_authentication_token, &request)
        .await
        .expect_err("another bundle");
    assert_dfns_error(&error, 401, ASSERTION_REFUSED);

    let request = RecoverRequest { recovery: key.sign(&signed_bundle), new_credentials: bundle };
    emulator
        .public()
        .recover(&challenge.temporary_authentication_token, &request)
        .await
        .expect("the older form recovers");
}

#[tokio::test]
async fn a_forged_recovery_signature_is_refused_and_the_recovery_stays_open() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "eli@example.com").await;
    let challenge = open_delegated(&emulator, &user).await;
    let new = new_passkey(&user.passkey.user_id);
    let token = &challenge.temporary_authentication_token;
    let honest = recovery_request(&user, &challenge, &new);

    // Another key signing under this recovery key's id.
    let (forger, _) = RecoveryKey::create(&user.email).expect("a kit");
    let RecoveryAssertion::RecoveryKey { credential_assertion: mut forged } =
        forger.sign(&challenge.options.challenge);
    forged.cred_id = user.recovery_key.credential_id().to_owned();
    let request = RecoverRequest {
        recovery: RecoveryAssertion::RecoveryKey { credential_assertion: forged },
        new_credentials: honest.new_credentials.clone(),
    };
    let error = emulator.public().recover(token, &request).await.expect_err("forged");
    assert_dfns_error(&error, 401, ASSERTION_REFUSED);
    assert!(format!("{:?}", error.api().and_then(|e| e.details.clone())).contains("signature"));

    // The right key signing something else.
    let key = RecoveryKey::open(&user.email, &user.code, &challenge.allowed_recovery_credentials)
        .expect("opens");
    let request = RecoverRequest {
        recovery: key.sign("another challenge"),
        new_credentials: honest.new_credentials.clone(),
    };
    let error = emulator.public().recover(token, &request).await.expect_err("other bytes");
    assert_dfns_error(&error, 401, ASSERTION_REFUSED);

    // Nothing was spent or retired: the old passkey still works, the honest request completes.
    assert!(credentials(&emulator, &user.email).await.iter().all(|(_, active, _)| *active));
    emulator.public().recover(token, &honest).await.expect("recovered");
}

#[tokio::test]
async fn a_recovery_opens_only_for_the_users_own_active_recovery_key() {
    let emulator = TestEmulator::start().await;
    let ada = recoverable(&emulator, "fay@example.com").await;
    let bob = recoverable(&emulator, "gus@example.com").await;
    let open = |username: &str, credential_id: &str| {
        let request = DelegatedRecoveryRequest {
            username: username.to_owned(),
            credential_id: credential_id.to_owned(),
        };
        let client = emulator.service_account();
        async move { client.create_delegated_recovery_challenge(&request).await }
    };
    let unknown = open("nobody@example.com", ada.recovery_key.credential_id()).await;
    assert_dfns_error(&unknown.expect_err("unknown user"), 401, "User not found");
    let passkey = open(&ada.email, &ada.passkey.cred_id()).await;
    assert_dfns_error(&passkey.expect_err("a passkey"), 401, NOT_A_RECOVERY_FACTOR);
    let foreign = open(&ada.email, bob.recovery_key.credential_id()).await;
    assert_dfns_error(&foreign.expect_err("Bob's key"), 401, NOT_A_RECOVERY_FACTOR);
    let made_up = open(&ada.email, "bm90LWEta2V5").await;
    assert_dfns_error(&made_up.expect_err("no such key"), 401, NOT_A_RECOVERY_FACTOR);

    // A recovery key the user switched off cannot recover.
    let mut passkey = ada.passkey;
    let client = emulator.login(&ada.email).await;
    let recovery_uuid = client
        .list_credentials()
        .await
        .expect("list")
        .items
        .into_iter()
        .find(|c| c.kind == CredentialKind::RecoveryKey)
        .expect("listed")
        .credential_uuid;
    let pending = client.deactivate_credential_init(&recovery_uuid).await.expect("init");
    let signature = signed(&pending, passkey.assert(&pending.challenge().challenge));
    client.complete(pending, &signature).await.expect("deactivated");
    let inactive = open(&ada.email, ada.recovery_key.credential_id()).await;
    assert_dfns_error(&inactive.expect_err("inactive"), 401, NOT_A_RECOVERY_FACTOR);
}

#[tokio::test]
async fn only_the_recovery_key_the_recovery_was_opened_for_may_sign_it() {
    let emulator = TestEmulator::start().await;
    let ada = recoverable(&emulator, "hal@example.com").await;
    let bob = recoverable(&emulator, "ivy@example.com").await;
    let challenge = open_delegated(&emulator, &ada).await;
    let new = new_passkey(&ada.passkey.user_id);
    // Bob's kit, honestly opened and signed, on Ada's recovery.
    let bob_challenge = open_delegated(&emulator, &bob).await;
    let bob_key =
        RecoveryKey::open(&bob.email, &bob.code, &bob_challenge.allowed_recovery_credentials)
            .expect("opens");
    let request = RecoverRequest {
        recovery: bob_key.sign(&challenge.options.challenge),
        new_credentials: new_credentials(&new, &challenge, None),
    };
    let error = emulator
        .public()
        .recover(&challenge.temporary_authentication_token, &request)
        .await
        .expect_err("a foreign recovery key");
    assert_dfns_error(&error, 401, NOT_A_RECOVERY_FACTOR);
}

#[tokio::test]
async fn an_end_user_cannot_open_a_delegated_recovery() {
    let emulator = TestEmulator::start().await;
    let mut user = recoverable(&emulator, "jo@example.com").await;
    let client = emulator.login(&user.email).await;
    let body = serde_json::to_string(&delegated_request(&user)).expect("json");
    let pending = client
        .action_init_text::<RecoveryChallenge>(Method::POST, "/auth/recover/user/delegated", body)
        .await
        .expect("init");
    let signature = signed(&pending, user.passkey.assert(&pending.challenge().challenge));
    let error = client.complete(pending, &signature).await.expect_err("not a service account");
    assert_eq!(error.status(), Some(403));
    assert!(error.to_string().contains("(Auth:Recover:Delegated)"), "{error}");
}

#[tokio::test]
async fn an_expired_recovery_is_refused_and_changes_nothing() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "kai@example.com").await;
    let challenge = open_delegated(&emulator, &user).await;
    let request = recovery_request(&user, &challenge, &new_passkey(&user.passkey.user_id));
    emulator.advance(Duration::from_secs(10 * 60 + 1));
    let error = emulator
        .public()
        .recover(&challenge.temporary_authentication_token, &request)
        .await
        .expect_err("expired");
    assert_dfns_error(&error, 401, "Unauthorized: the token has expired");
    assert!(credentials(&emulator, &user.email).await.iter().all(|(_, active, _)| *active));
}

#[tokio::test]
async fn registration_and_recovery_tokens_only_complete_their_own_ceremony() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "lee@example.com").await;
    let challenge = open_delegated(&emulator, &user).await;
    let recovery_token = challenge.temporary_authentication_token.clone();
    let new = new_passkey(&user.passkey.user_id);

    // A recovery's token neither registers the user again nor reads.
    let registration = RegistrationRequest {
        first_factor_credential: new.register(&challenge.options),
        second_factor_credential: None,
        recovery_credential: None,
    };
    let error = emulator
        .service_account()
        .register(&recovery_token, &registration)
        .await
        .expect_err("registered already");
    assert_dfns_error(&error, 401, "User already exists.");
    let reads = emulator
        .http()
        .send(Method::GET, "/auth/credentials", Some(recovery_token.expose()), None, "")
        .await;
    assert_eq!(reads.status, 401, "{reads:?}");

    // A registration's token does not complete a recovery.
    let other = emulator.registration_challenge("newcomer@example.com").await;
    let error = emulator
        .public()
        .recover(&other.temporary_authentication_token, &recovery_request(&user, &challenge, &new))
        .await
        .expect_err("another ceremony");
    assert_dfns_error(&error, 400, CHALLENGE_INVALID);
    // A login token neither.
    let login = emulator.login_token(&user.email).await;
    let error = emulator
        .public()
        .recover(&login, &recovery_request(&user, &challenge, &new))
        .await
        .expect_err("a login token");
    assert_eq!(error.status(), Some(401));
    // The recovery itself is still open.
    emulator
        .public()
        .recover(&recovery_token, &recovery_request(&user, &challenge, &new))
        .await
        .expect("recovered");
}

#[tokio::test]
async fn malformed_recoveries_are_refused_and_change_nothing() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "max@example.com").await;
    let challenge = open_delegated(&emulator, &user).await;
    let token = challenge.temporary_authentication_token.clone();
    let new = new_passkey(&user.passkey.user_id);
    let honest = recovery_request(&user, &challenge, &new);
    let honest_json = serde_json::to_value(&honest).expect("json");
    let mut as_key = honest_json.clone();
    as_key["recovery"]["kind"] = json!("Key");
    let mut no_credentials = honest_json.clone();
    no_credentials.as_object_mut().expect("object").remove("newCredentials");
    for body in [
        "{".to_owned(),
        "{}".to_owned(),
        as_key.to_string(),
        no_credentials.to_string(),
        json!({ "recovery": honest_json["recovery"], "newCredentials": {}, "extra": 1 })
            .to_string(),
    ] {
        let answer = emulator
            .http()
            .send(Method::POST, "/auth/recover/user", Some(token.expose()), None, &body)
            .await;
        assert_eq!(answer.status, 400, "{body}: {answer:?}");
        assert!(answer.message().starts_with("Invalid request body"), "{answer:?}");
    }
    // A recovery key as the first factor is the wrong role.
    let (kit, _) = RecoveryKey::create(&user.email).expect("a kit");
    let mut wrong_role = honest.clone();
    wrong_role.new_credentials.first_factor_credential =
        kit.new_credential(&challenge.options.challenge, None).expect("attestation");
    let error = emulator.public().recover(&token, &wrong_role).await.expect_err("wrong role");
    assert_dfns_error(&error, 400, "Credential kind RecoveryKey cannot be used here");
    // A new credential that does not sign the recovery challenge.
    let mut unsigned = honest.clone();
    unsigned.new_credentials.first_factor_credential =
        new.register_ceremony(&new.ceremony("webauthn.create", "another challenge"));
    let error = emulator.public().recover(&token, &unsigned).await.expect_err("unsigned");
    assert_dfns_error(&error, 400, "Invalid credential");

    assert!(credentials(&emulator, &user.email).await.iter().all(|(_, active, _)| *active));
    emulator.public().recover(&token, &honest).await.expect("recovered");
}

#[tokio::test]
async fn a_user_recovers_with_an_emailed_code() {
    let emulator = TestEmulator::start().await;
    let user = recoverable(&emulator, "ned@example.com").await;
    send_code(&emulator, &user.email).await;
    let code = emailed_code(&emulator, &user.email).await.expect("an email with a code");
    assert_eq!(code.len(), 9);

    let public = emulator.public();
    // Typed back in lower case: the same code.
    let request = code_request(&emulator, &user, &code.to_lowercase());
    let challenge = public.create_recovery_challenge(&request).await.expect("a recovery");
    assert_eq!(challenge.allowed_recovery_credentials[0].id, user.recovery_key.credential_id());
    let reused = public.create_recovery_challenge(&request).await.expect_err("used");
    assert_dfns_error(&reused, 400, CODE_INVALID);
    let new = new_passkey(&user.passkey.user_id);
    let recovered = public
        .recover(
            &challenge.temporary_authentication_token,
            &recovery_request(&user, &challenge, &new),
        )
        .await
        .expect("recovered");
    assert_eq!(recovered.credential.kind, CredentialKind::Fido2);
}

#[tokio::test]
async fn recovery_codes_that_must_not_work_do_not() {
    let emulator = TestEmulator::start().await;
    let ada = recoverable(&emulator, "ola@example.com").await;
    let bob = recoverable(&emulator, "pia@example.com").await;
    let public = emulator.public();
    let refused = |request: RecoveryChallengeRequest| {
        let public = public.clone();
        async move { public.create_recovery_challenge(&request).await.expect_err("refused") }
    };

    // Another user's code.
    send_code(&emulator, &bob.email).await;
    let bobs = emailed_code(&emulator, &bob.email).await.expect("code");
    assert_dfns_error(&refused(code_request(&emulator, &ada, &bobs)).await, 400, CODE_INVALID);

    // A newer code replaces the older one.
    send_code(&emulator, &ada.email).await;
    let first = emailed_code(&emulator, &ada.email).await.expect("code");
    send_code(&emulator, &ada.email).await;
    let second = emailed_code(&emulator, &ada.email).await.expect("code");
    assert_dfns_error(&refused(code_request(&emulator, &ada, &first)).await, 400, CODE_INVALID);

    // A wrong credential id with the right code is refused without spending the code.
    let mut wrong = code_request(&emulator, &ada, &second);
    wrong.credential_id = ada.passkey.cred_id();
    assert_dfns_error(&refused(wrong).await, 401, NOT_A_RECOVERY_FACTOR);
    // Another org.
    let mut other_org = code_request(&emulator, &ada, &second);
    other_org.org_id = "or-00000-00000-0000000000000000".to_owned();
    assert_dfns_error(&refused(other_org).await, 400, "Unknown orgId");
    public.create_recovery_challenge(&code_request(&emulator, &ada, &second)).await.expect("ok");

    // Five wrong guesses burn the code.
    send_code(&emulator, &ada.email).await;
    let third = emailed_code(&emulator, &ada.email).await.expect("code");
    for _ in 0..5 {
        let guess = refused(code_request(&emulator, &ada, "AAAAAAAAA")).await;
        assert_dfns_error(&guess, 400, CODE_INVALID);
    }
    assert_dfns_error(&refused(code_request(&emulator, &ada, &third)).await, 400, CODE_INVALID);

    // An expired code.
    send_code(&emulator, &ada.email).await;
    let fourth = emailed_code(&emulator, &ada.email).await.expect("code");
    emulator.advance(Duration::from_secs(10 * 60 + 1));
    assert_dfns_error(&refused(code_request(&emulator, &ada, &fourth)).await, 400, CODE_INVALID);

    // An unknown user gets the same answer, and no email goes out.
    send_code(&emulator, "nobody@example.com").await;
    assert_eq!(emailed_code(&emulator, "nobody@example.com").await, None);
    let mut unknown = code_request(&emulator, &ada, &fourth);
    unknown.username = "nobody@example.com".to_owned();
    assert_dfns_error(&refused(unknown).await, 400, CODE_INVALID);
    let wrong_org = SendRecoveryCodeRequest {
        username: ada.email.clone(),
        org_id: "or-00000-00000-0000000000000000".to_owned(),
    };
    let error = public.send_recovery_code(&wrong_org).await.expect_err("another org");
    assert_dfns_error(&error, 400, "Unknown orgId");
}

#[tokio::test]
async fn the_outbox_is_off_unless_the_emulator_api_is_on() {
    let emulator = TestEmulator::start_with(|config| config.emulator_api = false).await;
    let answer = emulator.http().send(Method::GET, "/_emulator/outbox", None, None, "").await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert_eq!(answer.message(), "The outbox is off: start the emulator with --emulator-api");
}
