//! The happy paths: delegated registration with each kind of credential, delegated login,
//! credentials added and switched off and on through user actions, logout.

use std::time::Duration;

use dfns_client::keys::KeyAlgorithm;
use dfns_client::models::{
    CreateCredentialRequest, CredentialKind, DelegatedLoginRequest, EndUserRegistrationRequest,
};

use crate::support::authenticators::{Format, Passkey};
use crate::support::{
    Scripted, TestEmulator, first_factor_only, key_credential, key_factor, new_key_signer, signed,
};

#[tokio::test]
async fn a_user_registers_with_a_software_passkey_and_signs_with_it() {
    let emulator = TestEmulator::start().await;
    let mut passkey = Passkey::new("localhost", "https://localhost");
    let challenge = emulator.registration_challenge("ada@example.com").await;
    let credential = passkey.register(&challenge.options).await;
    let registered = emulator
        .service_account()
        .register(&challenge.temporary_authentication_token, &first_factor_only(credential))
        .await
        .expect("the emulator accepts the passkey");
    assert!(registered.user.id.starts_with("us-"));
    assert!(registered.credential.uuid.starts_with("cr-"));
    assert_eq!(registered.credential.kind, CredentialKind::Fido2);
    assert_eq!(registered.user.username, "ada@example.com");
    assert_eq!(registered.user.org_id, emulator.bootstrap.org_id);

    // The passkey signs a user action: adding a Key credential as a second credential.
    let user = emulator.login("ada@example.com").await;
    let key = new_key_signer(KeyAlgorithm::P256);
    let credential_challenge =
        user.create_credential_challenge(CredentialKind::Key).await.expect("challenge");
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::Key,
        credential_info: key.credential_info(&credential_challenge.challenge).expect("attest"),
        credential_name: "Backup key".to_owned(),
        challenge_identifier: credential_challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    assert_eq!(pending.challenge().allow_credentials.webauthn.len(), 1);
    let signature = signed(&pending, passkey.assert(pending.challenge()).await);
    let added =
        user.complete(pending, &signature).await.expect("the passkey's signature is accepted");
    assert_eq!(added.kind, CredentialKind::Key);
    assert_eq!(added.name, "Backup key");

    let listed = user.list_credentials().await.expect("list").items;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|credential| credential.is_active));
    let passkey_entry = listed.iter().find(|c| c.kind == CredentialKind::Fido2).expect("passkey");
    assert_eq!(passkey_entry.relying_party_id, "localhost");
    assert_eq!(passkey_entry.origin, "https://localhost");
    assert!(passkey_entry.public_key.starts_with("-----BEGIN PUBLIC KEY-----"));
}

#[tokio::test]
async fn a_user_registers_with_a_key_credential_of_every_key_type_and_signs_with_it() {
    let emulator = TestEmulator::start().await;
    for (index, algorithm) in
        [KeyAlgorithm::P256, KeyAlgorithm::Secp256k1, KeyAlgorithm::Ed25519, KeyAlgorithm::Rsa]
            .into_iter()
            .enumerate()
    {
        let email = format!("key-{index}@example.com");
        let signer = new_key_signer(algorithm);
        let registered = emulator
            .register_with(&email, |challenge| key_credential(&signer, &challenge.challenge))
            .await;
        assert_eq!(registered.credential.kind, CredentialKind::Key, "{algorithm:?}");

        let user = emulator.login(&email).await;
        let uuid = registered.credential.uuid;
        let pending = user.activate_credential_init(&uuid).await.expect("init");
        assert_eq!(pending.challenge().allow_credentials.key.len(), 1);
        let signature = key_factor(&signer, &pending);
        let answer = user.complete(pending, &signature).await;
        assert_eq!(answer.expect("accepted").message, "Credential activated", "{algorithm:?}");
    }
}

#[tokio::test]
async fn a_scripted_passkey_registers_with_packed_self_attestation() {
    let emulator = TestEmulator::start().await;
    let mut passkey = Scripted::new("localhost", "https://localhost");
    passkey.format = Format::PackedSelf;
    let registered = emulator.register_with("pat@example.com", |c| passkey.register(c)).await;
    assert_eq!(registered.credential.kind, CredentialKind::Fido2);
}

#[tokio::test]
async fn a_passkey_is_added_deactivated_and_activated_again_through_user_actions() {
    let emulator = TestEmulator::start().await;
    let (mut first, user) = emulator.passkey_user("grace@example.com").await;

    // Add a second passkey (a backup security key).
    let mut backup = Scripted::new("localhost", "https://localhost");
    backup.user_id = first.user_id.clone();
    let challenge = user.create_credential_challenge(CredentialKind::Fido2).await.expect("init");
    assert_eq!(challenge.exclude_credentials.as_ref().map(Vec::len), Some(1));
    assert_eq!(challenge.user.id, first.user_id);
    let new = backup.register_ceremony(&backup.ceremony("webauthn.create", &challenge.challenge));
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::Fido2,
        credential_info: new.credential_info,
        credential_name: "Backup key".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    let signature = signed(&pending, first.assert(&pending.challenge().challenge));
    let added = user.complete(pending, &signature).await.expect("backup added");

    // Deactivate it with the first passkey; it no longer appears as a signer.
    let pending = user.deactivate_credential_init(&added.credential_uuid).await.expect("init");
    assert_eq!(pending.challenge().allow_credentials.webauthn.len(), 2);
    let signature = signed(&pending, first.assert(&pending.challenge().challenge));
    let done = user.complete(pending, &signature).await.expect("deactivated");
    assert_eq!(done.message, "Credential deactivated");
    let listed = user.list_credentials().await.expect("list").items;
    let entry = listed.iter().find(|c| c.credential_uuid == added.credential_uuid).expect("kept");
    assert!(!entry.is_active);

    // The deactivated passkey cannot sign; the active one switches it back on.
    let pending = user.activate_credential_init(&added.credential_uuid).await.expect("init");
    assert_eq!(pending.challenge().allow_credentials.webauthn.len(), 1);
    let refused = signed(&pending, backup.assert(&pending.challenge().challenge));
    let error = user.complete(pending, &refused).await.expect_err("inactive credential");
    assert_eq!(error.status(), Some(401));
    let pending = user.activate_credential_init(&added.credential_uuid).await.expect("init");
    let signature = signed(&pending, first.assert(&pending.challenge().challenge));
    user.complete(pending, &signature).await.expect("activated");
    let pending = user.deactivate_credential_init(&added.credential_uuid).await.expect("init");
    let signature = signed(&pending, backup.assert(&pending.challenge().challenge));
    user.complete(pending, &signature).await.expect("the backup signs again");
}

#[tokio::test]
async fn delegated_login_tokens_expire_and_end_at_logout() {
    let emulator = TestEmulator::start().await;
    let (_, user) = emulator.key_user("lin@example.com").await;
    user.list_credentials().await.expect("a fresh token reads");

    let message = user.logout(false).await.expect("logout");
    assert_eq!(message.message, "User logged out");
    let error = user.list_credentials().await.expect_err("revoked");
    assert_eq!(error.status(), Some(401));

    // Logging out of every session ends the other tokens too, and only those issued before.
    let first = emulator.login("lin@example.com").await;
    let second = emulator.login("lin@example.com").await;
    second.logout(true).await.expect("logout everywhere");
    assert_eq!(first.list_credentials().await.expect_err("ended").status(), Some(401));
    emulator.advance(Duration::from_millis(5));
    let third = emulator.login("lin@example.com").await;
    third.list_credentials().await.expect("a token issued after the logout works");

    // A login token is short-lived.
    emulator.advance(Duration::from_secs(15 * 60));
    let error = third.list_credentials().await.expect_err("expired");
    assert_eq!(error.status(), Some(401));
    assert!(error.to_string().contains("expired"), "{error}");
}

#[tokio::test]
async fn end_user_registration_returns_a_login_token() {
    let emulator = TestEmulator::start().await;
    let signer = new_key_signer(KeyAlgorithm::Ed25519);
    let challenge = emulator.registration_challenge("eve@example.com").await;
    let request = EndUserRegistrationRequest {
        first_factor_credential: key_credential(&signer, &challenge.options.challenge),
        second_factor_credential: None,
        recovery_credential: None,
        wallets: Vec::new(),
    };
    let registered = emulator
        .service_account()
        .register_end_user(&challenge.temporary_authentication_token, &request)
        .await
        .expect("registered");
    assert!(registered.wallets.is_empty());
    let user = emulator.delegated(&registered.authentication.token);
    assert_eq!(user.list_credentials().await.expect("the token reads").items.len(), 1);
}

#[tokio::test]
async fn a_user_who_abandoned_registration_can_start_again() {
    let emulator = TestEmulator::start().await;
    let abandoned = emulator.registration_challenge("sam@example.com").await;
    let again = emulator.registration_challenge("sam@example.com").await;
    assert_eq!(abandoned.options.user.id, again.options.user.id);
    assert_ne!(abandoned.options.challenge, again.options.challenge);

    let passkey = Scripted::new("localhost", "https://localhost");
    emulator
        .service_account()
        .register(
            &again.temporary_authentication_token,
            &first_factor_only(passkey.register(&again.options)),
        )
        .await
        .expect("the new challenge completes");
    let error = emulator
        .service_account()
        .delegated_login(&DelegatedLoginRequest { username: "nobody@example.com".to_owned() })
        .await
        .expect_err("unknown user");
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.api().map(|e| e.message.as_str()), Some("User not found"));
}
