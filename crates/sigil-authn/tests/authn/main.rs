//! Passkey ceremonies end to end: the device passkey against a real emulator, the exact fields
//! the browser SDK would send, and every way a ceremony can fail, each with its stable code.
//! `sealed` covers the PIN-sealed device passkey, `tpm` the TPM platform passkey on a software
//! TPM (`make test-tpm`).

mod sealed;
#[cfg(target_os = "linux")]
mod tpm;
mod vanishing;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::models::{
    AuthenticatorSelection, ChallengeUser, CreateCredentialRequest, CredentialKind,
    DelegatedLoginRequest, DelegatedRegistrationRequest, PubKeyCredParam, RegistrationOptions,
    RegistrationRequest, SignedChallenge, UserKind, UserVerification,
};
use dfns_client::{
    ClientConfig, DelegatedClient, KeySigner, PendingAction, Secret, ServiceAccountClient,
};
use dfns_emulator::{Bootstrap, Config, Emulator};
use serde_json::{Value, json};
use sigil_authn::webauthn::{
    CreatedCredential, CreationOptions, RelyingParty, RequestOptions, SignedAssertion,
};
use sigil_authn::{
    Approval, Authenticator, AuthenticatorKind, AuthnError, CancellationToken, DevicePasskey,
    Passkeys, PinBlock, PinReason, Prompt, Prompter,
};
use sigil_store::{MemoryStore, SecretStore};
use url::Url;

/// The PIN people in these tests set and type, unless a test says otherwise.
const PIN: &str = "246810";

/// A person who approves (or not), answers PIN questions with `pin` (`None`: declines), and can
/// be told to cancel on the first question. What they were asked is recorded, in order.
struct Person {
    declines: bool,
    pin: Option<String>,
    cancel_on_approval: Option<CancellationToken>,
    approvals: AtomicUsize,
    asked: std::sync::Mutex<Vec<Asked>>,
}

/// One question the person was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Approval,
    Pin(PinReason),
}

impl Default for Person {
    fn default() -> Self {
        Self::with_pin(Some(PIN))
    }
}

impl Person {
    fn with_pin(pin: Option<&str>) -> Self {
        Self {
            declines: false,
            pin: pin.map(str::to_owned),
            cancel_on_approval: None,
            approvals: AtomicUsize::new(0),
            asked: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn asked(&self) -> Vec<Asked> {
        self.asked.lock().expect("lock").clone()
    }
}

impl Prompter for Person {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, reason: PinReason) -> Option<Secret> {
        self.asked.lock().expect("lock").push(Asked::Pin(reason));
        self.pin.clone().map(Secret::new)
    }

    fn approve(&self, _approval: &Approval) -> bool {
        self.asked.lock().expect("lock").push(Asked::Approval);
        self.approvals.fetch_add(1, Ordering::SeqCst);
        if let Some(cancel) = &self.cancel_on_approval {
            cancel.cancel();
        }
        !self.declines
    }
}

fn rp() -> RelyingParty {
    RelyingParty::new("localhost", "Sigil tests").expect("rp")
}

fn device(store: Arc<dyn SecretStore>) -> Passkeys {
    Passkeys::new(Arc::new(DevicePasskey::new(store, "device-passkeys")), rp())
}

/// The contract's example registration challenge (§3.1), with the emulator's parameters.
fn fixed_challenge() -> RegistrationOptions {
    RegistrationOptions {
        user: ChallengeUser {
            id: "us-2ba0h-lvp2q-8v1860pcj1bh5irf".to_owned(),
            name: "jane@example.co".to_owned(),
            display_name: "jane@example.co".to_owned(),
        },
        challenge: "MmE5YzRmMzMwY2NlNGUyMjhjZWYzMzlhZDBhZmIxNzk".to_owned(),
        rp: None,
        supported_credential_kinds: Default::default(),
        authenticator_selection: AuthenticatorSelection {
            authenticator_attachment: None,
            resident_key: "required".to_owned(),
            require_resident_key: true,
            user_verification: UserVerification::Required,
        },
        attestation: "direct".to_owned(),
        pub_key_cred_params: vec![PubKeyCredParam { kind: "public-key".to_owned(), alg: -7 }],
        exclude_credentials: Vec::new(),
        otp_url: None,
    }
}

fn decode_json(value: &Value) -> Value {
    let text = value.as_str().expect("a string");
    assert!(!text.contains(['=', '+', '/']), "base64url without padding: {text}");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).expect("base64url")).expect("JSON")
}

fn object_keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn the_device_passkey_sends_what_the_browser_sdk_sends() {
    let passkeys = device(Arc::new(MemoryStore::new()));
    let person = Person::default();
    let cancel = CancellationToken::new();
    let credential = passkeys
        .register(&fixed_challenge(), Some("This laptop".to_owned()), &person, &cancel)
        .await
        .expect("created");
    let json = serde_json::to_value(&credential).expect("json");
    // `{credentialKind, credentialInfo: {credId, clientData, attestationData}}` (+ our name).
    assert_eq!(object_keys(&json), ["credentialInfo", "credentialKind", "credentialName"]);
    assert_eq!(json["credentialKind"], "Fido2");
    assert_eq!(object_keys(&json["credentialInfo"]), ["attestationData", "clientData", "credId"]);
    let client_data = decode_json(&json["credentialInfo"]["clientData"]);
    assert_eq!(client_data["type"], "webauthn.create");
    // base64url of the UTF-8 bytes of the challenge string, worked out by hand.
    assert_eq!(
        client_data["challenge"],
        "TW1FNVl6Um1Nek13WTJObE5HVXlNamhqWldZek16bGhaREJoWm1JeE56aw"
    );
    assert_eq!(client_data["origin"], "https://localhost");
    let cred_id = json["credentialInfo"]["credId"].as_str().expect("credId").to_owned();
    assert!(URL_SAFE_NO_PAD.decode(&cred_id).is_ok_and(|id| id.len() >= 16));

    let action = json!({
        "challenge": "ZmFrZS11c2VyLWFjdGlvbg", "challengeIdentifier": "id", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": cred_id}]},
    });
    let action = serde_json::from_value(action).expect("challenge");
    let assertion = passkeys.sign(&action, &person, &cancel).await.expect("signed");
    let json = serde_json::to_value(&assertion).expect("json");
    assert_eq!(object_keys(&json), ["credentialAssertion", "kind"]);
    assert_eq!(json["kind"], "Fido2");
    let fields = &json["credentialAssertion"];
    assert_eq!(
        object_keys(fields),
        ["authenticatorData", "clientData", "credId", "signature", "userHandle"]
    );
    assert_eq!(fields["credId"], cred_id);
    assert_eq!(
        fields["userHandle"], "dXMtMmJhMGgtbHZwMnEtOHYxODYwcGNqMWJoNWlyZg",
        "the user id's UTF-8"
    );
    let client_data = decode_json(&fields["clientData"]);
    assert_eq!(client_data["type"], "webauthn.get");
    assert_eq!(client_data["challenge"], "Wm1GclpTMTFjMlZ5TFdGamRHbHZiZw");
    assert_eq!(client_data["origin"], "https://localhost");
    assert_eq!(person.approvals.load(Ordering::SeqCst), 2, "every use was approved");
}

/// An emulator on loopback and a service account for it.
struct Dfns {
    bootstrap: Bootstrap,
    _dir: tempfile::TempDir,
}

impl Dfns {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let emulator = Emulator::open(Config::new(dir.path().to_owned())).await.expect("emulator");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let bootstrap =
            emulator.bootstrap(&format!("http://{}", listener.local_addr().expect("addr")));
        tokio::spawn(emulator.serve(listener, std::future::pending()));
        Self { bootstrap, _dir: dir }
    }

    fn config(&self) -> ClientConfig {
        ClientConfig::new(&self.bootstrap.api_url).expect("url")
    }

    fn service_account(&self) -> ServiceAccountClient {
        let account = &self.bootstrap.service_account;
        let signer = KeySigner::from_pem(&account.cred_id, &account.private_key_pem).expect("key");
        ServiceAccountClient::new(self.config(), Secret::new(&account.token), Arc::new(signer))
            .expect("client")
    }

    /// Registers `email` with `passkeys` and logs the user in.
    async fn register(&self, email: &str, passkeys: &Passkeys) -> DelegatedClient {
        self.register_as(&Person::default(), email, passkeys).await
    }

    /// Registers `email` with `passkeys`, `person` answering, and logs the user in.
    async fn register_as(
        &self,
        person: &Person,
        email: &str,
        passkeys: &Passkeys,
    ) -> DelegatedClient {
        let service = self.service_account();
        let request = DelegatedRegistrationRequest {
            email: email.to_owned(),
            kind: UserKind::EndUser,
            external_id: None,
        };
        let challenge =
            service.create_delegated_registration_challenge(&request).await.expect("challenge");
        let credential = passkeys
            .register(&challenge.options, None, person, &CancellationToken::new())
            .await
            .expect("created");
        let registration = RegistrationRequest {
            first_factor_credential: credential,
            second_factor_credential: None,
            recovery_credential: None,
        };
        service
            .register(&challenge.temporary_authentication_token, &registration)
            .await
            .expect("registered");
        let login = service
            .delegated_login(&DelegatedLoginRequest { username: email.to_owned() })
            .await
            .expect("login");
        DelegatedClient::new(self.config(), login.token).expect("client")
    }
}

async fn complete<R: serde::de::DeserializeOwned>(
    user: &DelegatedClient,
    passkeys: &Passkeys,
    pending: PendingAction<R>,
) -> Result<R, dfns_client::Error> {
    complete_as(&Person::default(), user, passkeys, pending).await
}

/// Signs `pending` as `person` and sends it.
async fn complete_as<R: serde::de::DeserializeOwned>(
    person: &Person,
    user: &DelegatedClient,
    passkeys: &Passkeys,
    pending: PendingAction<R>,
) -> Result<R, dfns_client::Error> {
    let factor = passkeys
        .sign(pending.challenge(), person, &CancellationToken::new())
        .await
        .expect("signed");
    let signed = SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor: factor,
        second_factor: None,
    };
    user.complete(pending, &signed).await
}

#[tokio::test]
async fn a_device_passkey_registers_signs_adds_a_second_passkey_and_deactivates_one() {
    let dfns = Dfns::start().await;
    let laptop = device(Arc::new(MemoryStore::new()));
    let user = dfns.register("ada@example.com", &laptop).await;

    // A second device passkey (another computer), added with a user action signed by the first.
    let desktop = device(Arc::new(MemoryStore::new()));
    let challenge =
        user.create_credential_challenge(CredentialKind::Fido2).await.expect("challenge");
    let credential = desktop
        .add(&challenge, Some("Desktop".to_owned()), &Person::default(), &CancellationToken::new())
        .await
        .expect("created");
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::Fido2,
        credential_info: credential.credential_info,
        credential_name: "Desktop".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    let added = complete(&user, &laptop, pending).await.expect("the emulator accepts it");

    // The new passkey signs too, and deactivates the first one.
    let first = user
        .list_credentials()
        .await
        .expect("list")
        .items
        .into_iter()
        .find(|c| c.name != "Desktop");
    let first = first.expect("the first passkey");
    let pending = user.deactivate_credential_init(&first.credential_uuid).await.expect("init");
    complete(&user, &desktop, pending).await.expect("deactivated");
    let listed = user.list_credentials().await.expect("list").items;
    let active: Vec<_> =
        listed.iter().filter(|c| c.is_active).map(|c| c.credential_uuid.as_str()).collect();
    assert_eq!(active, [added.credential_uuid.as_str()]);

    // The deactivated passkey is no longer offered: the laptop holds none of the allowed ones.
    let pending = user.activate_credential_init(&first.credential_uuid).await.expect("init");
    let error = laptop
        .sign(pending.challenge(), &Person::default(), &CancellationToken::new())
        .await
        .expect_err("not allowed any more");
    assert_eq!(error.code(), "AUTHN_NO_CREDENTIAL");
}

#[tokio::test]
async fn a_copied_device_passkey_with_an_old_counter_is_refused_by_the_relying_party() {
    let dfns = Dfns::start().await;
    let store = Arc::new(MemoryStore::new());
    let original = device(store.clone());
    let user = dfns.register("bob@example.com", &original).await;
    // Copy the stored passkey, then use the original twice: the copy's counter is now behind.
    let snapshot = store.get("device-passkeys").expect("read").expect("stored");
    for _ in 0..2 {
        let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
        let _ = complete(&user, &original, pending).await;
    }
    let copy_store = Arc::new(MemoryStore::new());
    copy_store.set("device-passkeys", &snapshot).expect("write");
    let copy = device(copy_store);
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete(&user, &copy, pending).await.expect_err("cloned");
    assert_eq!(error.status(), Some(401));
    let details = error.api().and_then(|e| e.details.clone()).unwrap_or_default();
    assert!(details["reason"].as_str().unwrap_or_default().contains("may be cloned"), "{details}");
}

#[tokio::test]
async fn the_person_declining_or_cancelling_stops_the_ceremony() {
    let passkeys = device(Arc::new(MemoryStore::new()));
    let declines = Person { declines: true, ..Person::default() };
    let error =
        passkeys.register(&fixed_challenge(), None, &declines, &CancellationToken::new()).await;
    assert_eq!(error.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_DECLINED"));

    let cancel = CancellationToken::new();
    cancel.cancel();
    let error = passkeys.register(&fixed_challenge(), None, &Person::default(), &cancel).await;
    assert_eq!(error.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_CANCELLED"));

    // Cancelling while the approval is on screen stops it too.
    let passkeys = device(Arc::new(MemoryStore::new()));
    let cancel = CancellationToken::new();
    let cancels = Person { cancel_on_approval: Some(cancel.clone()), ..Person::default() };
    let error = passkeys.register(&fixed_challenge(), None, &cancels, &cancel).await;
    assert_eq!(error.map(|_| ()).map_err(|e| e.code().as_str()), Err("AUTHN_CANCELLED"));
    assert_eq!(cancels.approvals.load(Ordering::SeqCst), 1);
}

/// What a fake authenticator answers before its output.
type Outcome = fn() -> Result<(), AuthnError>;

/// An authenticator that never answers, or answers with a chosen error or output.
struct Fake {
    outcome: Outcome,
    hang: bool,
    credential_id: Vec<u8>,
}

#[async_trait::async_trait]
impl Authenticator for Fake {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::TestToken
    }

    async fn create(
        &self,
        _: &Url,
        _: &CreationOptions,
        _: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        if self.hang {
            std::future::pending::<()>().await;
        }
        (self.outcome)()?;
        Ok(CreatedCredential {
            credential_id: self.credential_id.clone(),
            client_data_json: vec![],
            attestation_object: vec![],
        })
    }

    async fn sign(
        &self,
        _: &Url,
        _: &RequestOptions,
        _: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        if self.hang {
            std::future::pending::<()>().await;
        }
        (self.outcome)()?;
        Ok(SignedAssertion {
            credential_id: self.credential_id.clone(),
            client_data_json: vec![],
            authenticator_data: vec![],
            signature: vec![],
            user_handle: None,
        })
    }
}

fn fake(outcome: Outcome, hang: bool) -> Passkeys {
    let fake = Fake { outcome, hang, credential_id: vec![9, 9, 9] };
    Passkeys::new(Arc::new(fake), rp()).with_timeout(Duration::from_millis(200))
}

#[tokio::test]
async fn the_signer_answers_with_the_passkey_of_this_computer_the_challenge_allows_else_the_key() {
    let dfns = Dfns::start().await;
    let laptop: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let user = dfns.register("ada@example.com", &device(laptop.clone())).await;
    let key = Arc::new(Fake { outcome: || Ok(()), hang: false, credential_id: vec![1, 2, 3] });
    let on = |store: &Arc<dyn SecretStore>| {
        let local: Arc<dyn Authenticator> =
            Arc::new(DevicePasskey::new(store.clone(), "device-passkeys"));
        sigil_authn::Signer::over(vec![local], key.clone(), "localhost")
    };

    // This computer holds the user's passkey: it signs, whatever was preferred since, and Dfns
    // accepts it (here: adding a second passkey).
    let signer = on(&laptop).await.expect("signer");
    assert_eq!(signer.kind(), AuthenticatorKind::DevicePasskey);
    let signer = Passkeys::new(Arc::new(signer), rp());
    let desktop = device(Arc::new(MemoryStore::new()));
    let challenge =
        user.create_credential_challenge(CredentialKind::Fido2).await.expect("challenge");
    let credential = desktop
        .add(&challenge, Some("Desktop".to_owned()), &Person::default(), &CancellationToken::new())
        .await
        .expect("created");
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::Fido2,
        credential_info: credential.credential_info,
        credential_name: "Desktop".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    complete(&user, &signer, pending).await.expect("signed by the laptop's passkey");

    // A challenge that allows none of this computer's passkeys goes to the security key.
    let elsewhere = json!({
        "challenge": "c", "challengeIdentifier": "id", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": "AQID"}]},
    });
    let elsewhere = serde_json::from_value(elsewhere).expect("challenge");
    let signed = signer
        .sign(&elsewhere, &Person::default(), &CancellationToken::new())
        .await
        .expect("the security key answered");
    let dfns_client::models::FactorAssertion::Fido2 { credential_assertion } = signed else {
        panic!("a passkey assertion: {signed:?}");
    };
    assert_eq!(credential_assertion.cred_id, "AQID");

    // A computer with no passkey of this company expects the security key from the start.
    let fresh: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    assert_eq!(on(&fresh).await.expect("signer").kind(), AuthenticatorKind::TestToken);
}

#[tokio::test]
async fn a_ceremony_that_gets_no_answer_times_out() {
    let error = fake(|| Ok(()), true)
        .register(&fixed_challenge(), None, &Person::default(), &CancellationToken::new())
        .await
        .expect_err("no answer");
    assert_eq!(error.code(), "AUTHN_TIMEOUT");
    assert!(error.to_string().contains("0 s") || error.to_string().contains("within"), "{error}");
}

#[tokio::test]
async fn an_answer_from_a_credential_that_was_not_asked_for_is_refused() {
    let action = json!({
        "challenge": "c", "challengeIdentifier": "id", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": "AQID"}]},
    });
    let action = serde_json::from_value(action).expect("challenge");
    let error = fake(|| Ok(()), false)
        .sign(&action, &Person::default(), &CancellationToken::new())
        .await
        .expect_err("credential 090909 was not allowed");
    assert_eq!(error.code(), "AUTHN_INVALID_RESPONSE");
}

#[tokio::test]
async fn every_authenticator_error_reaches_the_caller_with_its_own_code_and_a_message() {
    let outcomes: [(Outcome, &str); 21] = [
        (|| Err(AuthnError::NoAuthenticator), "AUTHN_NO_AUTHENTICATOR"),
        (|| Err(AuthnError::NoCredential), "AUTHN_NO_CREDENTIAL"),
        (|| Err(AuthnError::AlreadyRegistered), "AUTHN_ALREADY_REGISTERED"),
        (|| Err(AuthnError::Declined), "AUTHN_DECLINED"),
        (|| Err(AuthnError::UnsupportedAlgorithm), "AUTHN_UNSUPPORTED_ALGORITHM"),
        (|| Err(AuthnError::PinRequired), "AUTHN_PIN_REQUIRED"),
        (|| Err(AuthnError::PinInvalid { retries: Some(2) }), "AUTHN_PIN_INVALID"),
        (|| Err(AuthnError::PinBlocked(PinBlock::SecurityKey)), "AUTHN_PIN_BLOCKED"),
        (
            || Err(AuthnError::DeviceAccess { hint: "add the udev rule".to_owned() }),
            "AUTHN_DEVICE_ACCESS",
        ),
        (|| Err(AuthnError::InvalidResponse("x".to_owned())), "AUTHN_INVALID_RESPONSE"),
        (|| Err(AuthnError::Authenticator("x".to_owned())), "AUTHN_AUTHENTICATOR_ERROR"),
        (|| Err(AuthnError::Storage(sigil_store::StoreError::Locked)), "AUTHN_STORAGE"),
        (|| Err(AuthnError::InvalidChallenge("x".to_owned())), "AUTHN_INVALID_CHALLENGE"),
        (|| Err(AuthnError::PinTooShort { min: 6 }), "AUTHN_PIN_TOO_SHORT"),
        (|| Err(AuthnError::PinDelayed { wait: Duration::from_secs(30) }), "AUTHN_PIN_DELAYED"),
        (|| Err(AuthnError::TpmUnavailable("x".to_owned())), "AUTHN_TPM_UNAVAILABLE"),
        (|| Err(AuthnError::TpmBusy), "AUTHN_TPM_BUSY"),
        (|| Err(AuthnError::TpmReset), "AUTHN_TPM_RESET"),
        (|| Err(AuthnError::TpmAccess { device: "/dev/tpmrm0".to_owned() }), "AUTHN_TPM_ACCESS"),
        (|| Err(AuthnError::TpmMismatch), "AUTHN_TPM_MISMATCH"),
        (|| Err(AuthnError::PasskeyDamaged("x".to_owned())), "AUTHN_PASSKEY_DAMAGED"),
    ];
    let mut seen = std::collections::HashSet::new();
    for (outcome, code) in outcomes {
        let error = fake(outcome, false)
            .register(&fixed_challenge(), None, &Person::default(), &CancellationToken::new())
            .await
            .expect_err(code);
        assert_eq!(error.code(), code);
        assert!(error.to_string().len() > 20, "{code}: a message a person can act on");
        assert!(seen.insert(code), "{code} is used once");
    }
    let wrong_pin = AuthnError::PinInvalid { retries: Some(2) }.to_string();
    assert!(wrong_pin.contains("2 tries left"), "{wrong_pin}");
}

#[test]
fn an_origin_outside_the_rp_id_is_refused_before_any_ceremony() {
    let origin = Url::parse("https://evil.example").expect("url");
    let error = RelyingParty::with_origin("localhost", "Sigil", origin).expect_err("mismatch");
    assert_eq!(error.code(), "AUTHN_ORIGIN_MISMATCH");
    assert!(error.to_string().contains("evil.example"));
}

#[tokio::test]
#[ignore = "needs a real, unlocked Secret Service: `make test-keyring` runs it"]
async fn a_device_passkey_kept_in_the_os_keyring_survives_a_new_process_view() {
    let dfns = Dfns::start().await;
    let service = format!("io.sigil.wallet.test-{}", std::process::id());
    let keyring: Arc<dyn SecretStore> = Arc::new(sigil_store::KeyringStore::new(&service));
    let user = dfns.register("keyring@example.com", &device(keyring.clone())).await;
    // A second DevicePasskey over the same keyring entry, as after a restart of the app.
    let reopened = device(Arc::new(sigil_store::KeyringStore::new(&service)));
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete(&user, &reopened, pending).await.expect_err("no such credential");
    assert_eq!(error.status(), Some(404), "the signature itself was accepted: {error}");
    assert!(keyring.delete("device-passkeys").expect("cleanup"));
}

#[tokio::test]
async fn the_test_token_registers_signs_and_is_used_again_from_its_file() {
    let dfns = Dfns::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("token.cbor");
    let token =
        Passkeys::new(Arc::new(sigil_authn::TestToken::create(&path).expect("token")), rp());
    let user = dfns.register("token@example.com", &token).await;
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete(&user, &token, pending).await.expect_err("no such credential");
    assert_eq!(error.status(), Some(404), "the token's signature was accepted: {error}");
    drop(token);

    // Another process would open the same file; it adds a second token and retires the first.
    let reopened =
        Passkeys::new(Arc::new(sigil_authn::TestToken::open(&path).expect("saved")), rp());
    let second_path = dir.path().join("second.cbor");
    let second =
        Passkeys::new(Arc::new(sigil_authn::TestToken::create(&second_path).expect("token")), rp());
    let challenge =
        user.create_credential_challenge(CredentialKind::Fido2).await.expect("challenge");
    let credential = second
        .add(
            &challenge,
            Some("Second token".to_owned()),
            &Person::default(),
            &CancellationToken::new(),
        )
        .await
        .expect("created");
    let request = CreateCredentialRequest {
        credential_kind: CredentialKind::Fido2,
        credential_info: credential.credential_info,
        credential_name: "Second token".to_owned(),
        challenge_identifier: challenge.challenge_identifier,
        encrypted_private_key: None,
    };
    let pending = user.create_credential_init(&request).await.expect("init");
    let added = complete(&user, &reopened, pending).await.expect("the reopened token signs");
    let listed = user.list_credentials().await.expect("list").items;
    let first = listed.iter().find(|c| c.credential_uuid != added.credential_uuid).expect("first");
    let pending = user.deactivate_credential_init(&first.credential_uuid).await.expect("init");
    complete(&user, &second, pending).await.expect("the second token signs");
}

/// Records what the ceremony showed.
#[derive(Default)]
struct Watcher {
    shown: std::sync::Mutex<Vec<Prompt>>,
}

impl Prompter for Watcher {
    fn show(&self, prompt: Prompt) {
        self.shown.lock().expect("lock").push(prompt);
    }

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        None
    }

    fn approve(&self, _approval: &Approval) -> bool {
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_security_key_plugged_in_the_person_is_asked_for_one_until_the_timeout() {
    // This machine has no USB keys: the real CTAP2 path waits for one, bounded by the ceremony.
    let keys = Passkeys::new(Arc::new(sigil_authn::SecurityKey::new()), rp())
        .with_timeout(Duration::from_millis(1500));
    let watcher = Watcher::default();
    let error = keys
        .register(&fixed_challenge(), None, &watcher, &CancellationToken::new())
        .await
        .expect_err("no key is plugged in");
    assert_eq!(error.code(), "AUTHN_TIMEOUT", "{error}");
    assert_eq!(watcher.shown.lock().expect("lock").first(), Some(&Prompt::InsertKey));
}

#[tokio::test]
async fn the_automatic_choice_follows_this_machine_and_a_forced_one_is_honoured() {
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let kind = |choice| {
        let store = store.clone();
        async move { sigil_authn::choose(choice, store, "device-passkeys").await.map(|a| a.kind()) }
    };
    // No Windows Hello and no security key here; the TPM passkey where a TPM answers.
    #[cfg(target_os = "linux")]
    let expected = match sigil_authn::TpmPresence::detect().await {
        sigil_authn::TpmPresence::Usable { .. } => Ok(AuthenticatorKind::PlatformTpm),
        sigil_authn::TpmPresence::NoAccess { .. } => Err("AUTHN_TPM_ACCESS"),
        sigil_authn::TpmPresence::Absent => Ok(AuthenticatorKind::DevicePasskey),
    };
    #[cfg(not(target_os = "linux"))]
    let expected = Ok(AuthenticatorKind::DevicePasskey);
    let automatic = kind(sigil_authn::Choice::Automatic).await;
    assert_eq!(automatic.map_err(|e| e.code().as_str()), expected);
    assert_eq!(
        kind(sigil_authn::Choice::SecurityKey).await.ok(),
        Some(AuthenticatorKind::SecurityKey)
    );
    assert_eq!(
        kind(sigil_authn::Choice::DevicePasskey).await.ok(),
        Some(AuthenticatorKind::DevicePasskey)
    );
    let hello = kind(sigil_authn::Choice::WindowsHello).await;
    assert_eq!(hello.map_err(|e| e.code().as_str()), Err("AUTHN_NO_AUTHENTICATOR"));
}
