//! One-time credential codes for a new device (§5): a device holding a passkey makes a code with
//! a user action; a device holding nothing turns it into a new, active passkey of the same user.

use std::time::Duration;

use dfns_client::models::{
    CodeExpiration, CreateCredentialCodeRequest, CreateCredentialRequest, CredentialChallenge,
    CredentialChallengeWithCodeRequest, CredentialCode, CredentialKind, NewCredential,
};
use dfns_client::{DelegatedClient, Method, Secret};
use dfns_emulator::clock::iso_from_ms;

use crate::support::{Scripted, TestEmulator, assert_dfns_error, signed};

const CODE_INVALID: &str = "Invalid or expired code.";

/// An ISO expiration `seconds` from the emulator's now.
fn in_seconds(emulator: &TestEmulator, seconds: i64) -> CodeExpiration {
    use dfns_emulator::clock::Clock as _;
    CodeExpiration::Iso(iso_from_ms(emulator.clock.now_ms() + seconds * 1000))
}

/// A code made by the user holding `passkey`, signed with it.
async fn make_code(
    client: &DelegatedClient,
    passkey: &mut Scripted,
    expiration: CodeExpiration,
) -> Result<CredentialCode, dfns_client::Error> {
    let request = CreateCredentialCodeRequest { expiration };
    let pending = client.create_credential_code_init(&request).await.expect("init");
    let signature = signed(&pending, passkey.assert(&pending.challenge().challenge));
    client.complete(pending, &signature).await
}

async fn challenge_with(
    emulator: &TestEmulator,
    kind: CredentialKind,
    code: &str,
) -> Result<CredentialChallenge, dfns_client::Error> {
    let request =
        CredentialChallengeWithCodeRequest { credential_kind: kind, code: Secret::new(code) };
    emulator.public().create_credential_challenge_with_code(&request).await
}

fn create_request(
    challenge: &CredentialChallenge,
    credential: NewCredential,
) -> CreateCredentialRequest {
    CreateCredentialRequest {
        credential_kind: credential.credential_kind,
        credential_info: credential.credential_info,
        credential_name: "New laptop".to_owned(),
        challenge_identifier: challenge.challenge_identifier.clone(),
        encrypted_private_key: credential.encrypted_private_key,
    }
}

#[tokio::test]
async fn a_code_made_on_one_device_adds_an_active_passkey_on_another() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("ann@example.com").await;
    let made = make_code(&client, &mut passkey, in_seconds(&emulator, 60)).await.expect("a code");
    let code = made.code.expose().to_owned();
    assert_eq!(code.len(), 9);
    assert!(code.bytes().all(|b| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(&b)), "{code}");
    use dfns_emulator::clock::Clock as _;
    assert_eq!(made.expiration, iso_from_ms(emulator.clock.now_ms() + 60_000));
    assert!(!format!("{made:?}").contains(&code), "the code never prints");

    // The new device: no token, only the code, typed in lower case with a dash.
    let typed = format!("{}-{}", &code[..4], &code[4..]).to_lowercase();
    let challenge = challenge_with(&emulator, CredentialKind::Fido2, &typed).await.expect("ok");
    assert_eq!(challenge.user.id, passkey.user_id);
    assert_eq!(challenge.exclude_credentials.as_ref().map(Vec::len), Some(1));
    let mut laptop = Scripted::new("localhost", "https://localhost");
    laptop.user_id = passkey.user_id.clone();
    let credential =
        laptop.register_ceremony(&laptop.ceremony("webauthn.create", &challenge.challenge));
    let added = emulator
        .public()
        .create_credential_with_code(&create_request(&challenge, credential))
        .await
        .expect("added");
    assert_eq!(added.kind, CredentialKind::Fido2);
    assert_eq!(added.name, "New laptop");
    assert!(added.is_active);

    // The new passkey signs for the user at once.
    let pending = client.deactivate_credential_init(&added.credential_uuid).await.expect("init");
    assert_eq!(pending.challenge().allow_credentials.webauthn.len(), 2);
    let signature = signed(&pending, laptop.assert(&pending.challenge().challenge));
    client.complete(pending, &signature).await.expect("the new passkey signs");
}

#[tokio::test]
async fn a_code_is_good_once_and_until_it_expires() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("ben@example.com").await;
    let made = make_code(&client, &mut passkey, in_seconds(&emulator, 60)).await.expect("code");
    challenge_with(&emulator, CredentialKind::Key, made.code.expose()).await.expect("first use");
    let again = challenge_with(&emulator, CredentialKind::Key, made.code.expose()).await;
    assert_dfns_error(&again.expect_err("used"), 400, CODE_INVALID);

    // Unix seconds work as well as ISO; past its expiration the code is refused.
    use dfns_emulator::clock::Clock as _;
    let seconds = emulator.clock.now_ms() / 1000 + 30;
    let made = make_code(&client, &mut passkey, CodeExpiration::Unix(seconds)).await.expect("code");
    assert_eq!(made.expiration, iso_from_ms(seconds * 1000));
    emulator.advance(Duration::from_secs(31));
    let late = challenge_with(&emulator, CredentialKind::Key, made.code.expose()).await;
    assert_dfns_error(&late.expect_err("expired"), 400, CODE_INVALID);
}

#[tokio::test]
async fn wrong_guesses_burn_the_code() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("cal@example.com").await;
    let made = make_code(&client, &mut passkey, in_seconds(&emulator, 90)).await.expect("code");
    let code = made.code.expose();
    // Guesses that find the code (its first characters) but not its secret.
    let mut guess = code.to_owned();
    let last = if code.ends_with('A') { "B" } else { "A" };
    guess.replace_range(8.., last);
    for _ in 0..5 {
        let answer = challenge_with(&emulator, CredentialKind::Fido2, &guess).await;
        assert_dfns_error(&answer.expect_err("wrong"), 400, CODE_INVALID);
    }
    let burned = challenge_with(&emulator, CredentialKind::Fido2, code).await;
    assert_dfns_error(&burned.expect_err("burned"), 400, CODE_INVALID);
    // Garbage is the same answer, not a 500.
    for garbage in ["", "x", "ÄÖÜ☃", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let answer = challenge_with(&emulator, CredentialKind::Fido2, garbage).await;
        assert_dfns_error(&answer.expect_err("garbage"), 400, CODE_INVALID);
    }
}

#[tokio::test]
async fn a_code_must_expire_soon_and_only_end_users_make_them() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("dot@example.com").await;
    for (expiration, message) in [
        (in_seconds(&emulator, -1), "expiration must be in the future"),
        (in_seconds(&emulator, 121), "expiration must be at most 120 seconds away"),
        (CodeExpiration::Iso("tomorrow".to_owned()), "expiration is not an ISO 8601 time"),
    ] {
        let error = make_code(&client, &mut passkey, expiration).await.expect_err(message);
        assert_dfns_error(&error, 400, message);
    }
    let answer = emulator
        .http()
        .send(
            Method::POST,
            "/auth/credentials/code",
            Some(&emulator.bootstrap.service_account.token),
            None,
            r#"{"expiration":true}"#,
        )
        .await;
    assert_eq!((answer.status, answer.message()), (400, "Invalid request body"), "{answer:?}");

    let service_account = emulator.service_account();
    let request = CreateCredentialCodeRequest { expiration: in_seconds(&emulator, 60) };
    let error = service_account
        .signed::<_, CredentialCode>(Method::POST, "/auth/credentials/code", &request)
        .await
        .expect_err("a service account");
    assert_eq!(error.status(), Some(403));
    assert!(error.to_string().contains("(Auth:Credentials:Code:Create)"), "{error}");
}

#[tokio::test]
async fn an_unsupported_kind_is_refused_before_the_code_is_spent() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("eda@example.com").await;
    let made = make_code(&client, &mut passkey, in_seconds(&emulator, 60)).await.expect("code");
    let answer = challenge_with(&emulator, CredentialKind::Password, made.code.expose()).await;
    assert_dfns_error(
        &answer.expect_err("Password"),
        400,
        "Credential kind Password is not supported",
    );
    challenge_with(&emulator, CredentialKind::Fido2, made.code.expose()).await.expect("still good");
}

#[tokio::test]
async fn code_challenges_and_user_action_challenges_do_not_mix() {
    let emulator = TestEmulator::start().await;
    let (mut passkey, client) = emulator.passkey_user("fox@example.com").await;
    let mut laptop = Scripted::new("localhost", "https://localhost");
    laptop.user_id = passkey.user_id.clone();

    // A challenge from POST /auth/credentials/init cannot be answered without a user action.
    let ordinary = client.create_credential_challenge(CredentialKind::Fido2).await.expect("init");
    let credential =
        laptop.register_ceremony(&laptop.ceremony("webauthn.create", &ordinary.challenge));
    let error = emulator
        .public()
        .create_credential_with_code(&create_request(&ordinary, credential))
        .await
        .expect_err("needs a user action");
    assert_dfns_error(&error, 400, "Challenge token is not valid.");

    // A code's challenge is not a POST /auth/credentials one either.
    let made = make_code(&client, &mut passkey, in_seconds(&emulator, 60)).await.expect("code");
    let with_code = challenge_with(&emulator, CredentialKind::Fido2, made.code.expose()).await;
    let with_code = with_code.expect("challenge");
    let credential =
        laptop.register_ceremony(&laptop.ceremony("webauthn.create", &with_code.challenge));
    let request = create_request(&with_code, credential);
    let pending = client.create_credential_init(&request).await.expect("init");
    let signature = signed(&pending, passkey.assert(&pending.challenge().challenge));
    let error = client.complete(pending, &signature).await.expect_err("another ceremony");
    assert_dfns_error(&error, 400, "Challenge token is not valid.");

    // A forged identifier, and a credential that signs another challenge.
    let mut forged = request.clone();
    forged.challenge_identifier = "eyJhbGciOiJub25lIn0.e30.".to_owned();
    let error = emulator.public().create_credential_with_code(&forged).await.expect_err("forged");
    assert_dfns_error(&error, 400, "Challenge token is not valid.");
    let mut unsigned = request.clone();
    unsigned.credential_info = laptop
        .register_ceremony(&laptop.ceremony("webauthn.create", "another challenge"))
        .credential_info;
    let error = emulator.public().create_credential_with_code(&unsigned).await.expect_err("bad");
    assert_dfns_error(&error, 400, "Invalid credential");
    // Neither spent the code's challenge: the honest credential is added, once.
    emulator.public().create_credential_with_code(&request).await.expect("added");
    let again = emulator.public().create_credential_with_code(&request).await;
    assert_dfns_error(&again.expect_err("once"), 400, "Challenge token is not valid.");
}
