//! The PIN-sealed device passkey: the keyring entry alone signs nothing, user verification only
//! after the PIN opened the key, wrong PINs cost a wait that survives a restart, passkeys kept
//! before PINs existed are sealed at their next use, and bad input loses nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::CborSerializable as _;
use passkey_authenticator::{
    Authenticator as Ctap2Authenticator, UiHint, UserCheck, UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::AvailableBackend;
use passkey_types::Passkey;
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use serde_json::{Value, json};
use sigil_authn::webauthn::{CreatedCredential, CreationOptions, RequestOptions, SignedAssertion};
use sigil_authn::{
    Authenticator, AuthenticatorKind, AuthnError, CancellationToken, Clock, DevicePasskey,
    Passkeys, PinReason, Prompter,
};
use sigil_store::{MemoryStore, SecretBytes, SecretStore};
use url::Url;

use super::{Asked, Dfns, Person, complete_as, fixed_challenge, rp};

const ENTRY: &str = "device-passkeys";
const WRONG_PIN: &str = "135790";

/// A clock the test moves forward.
#[derive(Debug)]
struct TestClock(Mutex<SystemTime>);

impl TestClock {
    /// Now, to the second (the entry keeps whole seconds).
    fn new() -> Arc<Self> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        Arc::new(Self(Mutex::new(UNIX_EPOCH + Duration::from_secs(now))))
    }

    fn advance(&self, by: Duration) {
        *self.0.lock().expect("lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().expect("lock")
    }
}

fn origin() -> Url {
    Url::parse("https://localhost").expect("url")
}

fn creation() -> CreationOptions {
    CreationOptions::for_registration(&rp(), &fixed_challenge()).expect("options")
}

fn request(credential_id: &[u8]) -> RequestOptions {
    let action = json!({
        "challenge": "c2lnbi1tZQ", "challengeIdentifier": "id", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(credential_id)}]},
    });
    RequestOptions::for_user_action(&rp(), &serde_json::from_value(action).expect("challenge"))
        .expect("options")
}

fn entry_json(store: &MemoryStore) -> Value {
    let bytes = store.get(ENTRY).expect("read").expect("stored");
    serde_json::from_slice(bytes.expose()).expect("json")
}

/// A device passkey over `store` with one passkey made by `person`.
async fn registered(store: Arc<MemoryStore>, clock: Arc<TestClock>) -> (DevicePasskey, Vec<u8>) {
    let device = DevicePasskey::new(store, ENTRY).with_clock(clock);
    let created = device.create(&origin(), &creation(), &Person::default()).await.expect("created");
    (device, created.credential_id)
}

fn flags(assertion: &SignedAssertion) -> u8 {
    assertion.authenticator_data[32]
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;

#[tokio::test]
async fn uv_is_reported_only_after_the_pin_opened_the_key_and_up_only_after_approval() {
    let store = Arc::new(MemoryStore::new());
    let (device, id) = registered(store, TestClock::new()).await;

    let person = Person::default();
    let signed = device.sign(&origin(), &request(&id), &person).await.expect("signed");
    assert_eq!(flags(&signed) & (UP | UV), UP | UV);
    assert_eq!(
        person.asked(),
        [Asked::Approval, Asked::Pin(PinReason::Passkey { tries_left: Some(3) })],
        "approved first, then the PIN that opened the key"
    );

    // No approval: no PIN asked, nothing signed.
    let declines = Person { declines: true, ..Person::default() };
    let error = device.sign(&origin(), &request(&id), &declines).await.expect_err("declined");
    assert_eq!(error.code(), "AUTHN_DECLINED");
    assert_eq!(declines.asked(), [Asked::Approval]);

    // Approved, but no PIN given: nothing signed, so no UV to report.
    let no_pin = Person::with_pin(None);
    let error = device.sign(&origin(), &request(&id), &no_pin).await.expect_err("no PIN");
    assert_eq!(error.code(), "AUTHN_DECLINED");

    // A wrong PIN opens nothing and signs nothing.
    let wrong = Person::with_pin(Some(WRONG_PIN));
    let error = device.sign(&origin(), &request(&id), &wrong).await.expect_err("wrong PIN");
    assert_eq!(error.code(), "AUTHN_PIN_INVALID");
}

#[tokio::test]
async fn the_keyring_entry_alone_signs_nothing_and_keeps_no_key_in_the_clear() {
    let dfns = Dfns::start().await;
    let store = Arc::new(MemoryStore::new());
    let laptop = Passkeys::new(Arc::new(DevicePasskey::new(store.clone(), ENTRY)), rp());
    let user = dfns.register("sealed@example.com", &laptop).await;

    let json = entry_json(&store);
    assert_eq!(json["version"], 2);
    let passkey = &json["passkeys"][0];
    assert!(passkey.get("key").is_none(), "no key in the clear: {passkey}");
    assert_eq!(passkey["sealed"]["kdf"], json!({"m": 65536, "t": 3, "p": 1}));

    // Another program copies the entry: without the PIN it signs nothing.
    let copy = Arc::new(MemoryStore::new());
    copy.set(ENTRY, &store.get(ENTRY).expect("read").expect("stored")).expect("copy");
    let thief = Passkeys::new(Arc::new(DevicePasskey::new(copy, ENTRY)), rp());
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    for (person, code) in [
        (Person::with_pin(Some(WRONG_PIN)), "AUTHN_PIN_INVALID"),
        (Person::with_pin(None), "AUTHN_DECLINED"),
    ] {
        let error = thief
            .sign(pending.challenge(), &person, &CancellationToken::new())
            .await
            .expect_err("no signature without the PIN");
        assert_eq!(error.code(), code);
    }
    // The PIN, and only the PIN, is what it lacked.
    let error = complete_as(&Person::default(), &user, &thief, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "the signature was accepted: {error}");
}

#[tokio::test]
async fn wrong_pins_are_counted_and_cost_a_growing_wait_that_survives_a_restart() {
    let store = Arc::new(MemoryStore::new());
    let clock = TestClock::new();
    let (device, id) = registered(store.clone(), clock.clone()).await;
    let sealed_before = entry_json(&store)["passkeys"][0]["sealed"].clone();

    let wrong = Person::with_pin(Some(WRONG_PIN));
    let mut retries = Vec::new();
    for _ in 0..3 {
        match device.sign(&origin(), &request(&id), &wrong).await {
            Err(AuthnError::PinInvalid { retries: left }) => retries.push(left),
            other => panic!("a wrong PIN: {other:?}"),
        }
    }
    assert_eq!(retries, [Some(2), Some(1), None], "three free tries, then waits");

    // While the wait runs, the PIN is not even asked for, by this process or a restarted one.
    let restarted = DevicePasskey::new(store.clone(), ENTRY).with_clock(clock.clone());
    for device in [&device, &restarted] {
        let person = Person::default();
        match device.sign(&origin(), &request(&id), &person).await {
            Err(AuthnError::PinDelayed { wait }) => assert_eq!(wait, Duration::from_secs(30)),
            other => panic!("a wait: {other:?}"),
        }
        assert_eq!(person.asked(), [Asked::Approval]);
    }
    let error =
        restarted.sign(&origin(), &request(&id), &Person::default()).await.expect_err("wait");
    assert!(error.to_string().contains("wait 30 s"), "{error}");

    // After the wait, one more wrong PIN doubles it; the right PIN then signs and clears the count.
    clock.advance(Duration::from_secs(31));
    let error = restarted.sign(&origin(), &request(&id), &wrong).await.expect_err("wrong");
    assert_eq!(error.code(), "AUTHN_PIN_INVALID");
    match restarted.sign(&origin(), &request(&id), &Person::default()).await {
        Err(AuthnError::PinDelayed { wait }) => assert_eq!(wait, Duration::from_secs(60)),
        other => panic!("a longer wait: {other:?}"),
    }
    clock.advance(Duration::from_secs(61));
    restarted
        .sign(&origin(), &request(&id), &Person::default())
        .await
        .expect("the right PIN signs");
    match restarted.sign(&origin(), &request(&id), &wrong).await {
        Err(AuthnError::PinInvalid { retries }) => assert_eq!(retries, Some(2), "counted afresh"),
        other => panic!("a wrong PIN: {other:?}"),
    }

    // Failed tries only moved the count: the sealed key is byte for byte the one made.
    assert_eq!(entry_json(&store)["passkeys"][0]["sealed"], sealed_before);
}

#[tokio::test]
async fn an_empty_or_too_short_pin_is_refused_before_anything_is_kept_or_counted() {
    let store = Arc::new(MemoryStore::new());
    let device = DevicePasskey::new(store.clone(), ENTRY);
    for short in ["", "12345"] {
        let error = device
            .create(&origin(), &creation(), &Person::with_pin(Some(short)))
            .await
            .expect_err("too short");
        assert_eq!(error.code(), "AUTHN_PIN_TOO_SHORT");
        assert!(error.to_string().contains("at least 6"), "{error}");
    }
    assert!(store.get(ENTRY).expect("read").is_none(), "no passkey was kept");

    let (device, id) = registered(store.clone(), TestClock::new()).await;
    let error = device
        .sign(&origin(), &request(&id), &Person::with_pin(Some("")))
        .await
        .expect_err("empty");
    assert_eq!(error.code(), "AUTHN_PIN_TOO_SHORT");
    match device.sign(&origin(), &request(&id), &Person::with_pin(Some(WRONG_PIN))).await {
        Err(AuthnError::PinInvalid { retries }) => {
            assert_eq!(retries, Some(2), "the empty PIN did not count");
        }
        other => panic!("a wrong PIN: {other:?}"),
    }
}

#[tokio::test]
async fn a_second_passkey_in_the_entry_is_sealed_with_the_pin_that_opens_the_first() {
    let store = Arc::new(MemoryStore::new());
    let (device, _) = registered(store.clone(), TestClock::new()).await;
    let mut other = creation();
    other.user_id = b"us-another-user".to_vec();

    let wrong = Person::with_pin(Some(WRONG_PIN));
    let error = device.create(&origin(), &other, &wrong).await.expect_err("wrong PIN");
    assert_eq!(error.code(), "AUTHN_PIN_INVALID");
    assert_eq!(entry_json(&store)["passkeys"].as_array().map(Vec::len), Some(1));

    let person = Person::default();
    let created = device.create(&origin(), &other, &person).await.expect("created");
    assert_eq!(
        person.asked(),
        [Asked::Approval, Asked::Pin(PinReason::Passkey { tries_left: Some(2) })],
        "the existing PIN, not a new one"
    );
    device.sign(&origin(), &request(&created.credential_id), &person).await.expect("signs");
}

#[tokio::test]
async fn a_damaged_entry_is_reported_and_left_exactly_as_it_was() {
    let store = Arc::new(MemoryStore::new());
    let damaged = SecretBytes::new(b"{\"version\":2,\"passkeys\":[{\"credential_id\":".to_vec());
    store.set(ENTRY, &damaged).expect("write");
    let device = DevicePasskey::new(store.clone(), ENTRY);
    let create = device.create(&origin(), &creation(), &Person::default()).await;
    let sign = device.sign(&origin(), &request(b"any"), &Person::default()).await;
    for outcome in [create.map(|_| ()), sign.map(|_| ())] {
        let error = outcome.expect_err("damaged");
        assert_eq!(error.code(), "AUTHN_PASSKEY_DAMAGED");
        assert!(error.to_string().contains("left as it is"), "{error}");
    }
    assert_eq!(store.get(ENTRY).expect("read").expect("kept").expose(), damaged.expose());
}

#[tokio::test]
async fn a_device_passkey_kept_before_pins_is_sealed_at_its_next_use_once_the_person_sets_a_pin() {
    let dfns = Dfns::start().await;
    let store = Arc::new(MemoryStore::new());
    let before = Passkeys::new(Arc::new(BeforePins::new(store.clone())), rp());
    let user = dfns.register("before-pins@example.com", &before).await;
    let first_format = store.get(ENTRY).expect("read").expect("stored");
    assert!(entry_json(&store).is_array(), "the first format, key in the clear");

    let device = Passkeys::new(Arc::new(DevicePasskey::new(store.clone(), ENTRY)), rp());
    // Declining to set a PIN, or a PIN too short, signs nothing and leaves the entry alone.
    for person in [Person::with_pin(None), Person::with_pin(Some("123"))] {
        let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
        device
            .sign(pending.challenge(), &person, &CancellationToken::new())
            .await
            .expect_err("no PIN set");
        assert_eq!(store.get(ENTRY).expect("read").expect("kept").expose(), first_format.expose());
    }

    let person = Person::default();
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete_as(&person, &user, &device, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "the signature was accepted: {error}");
    assert_eq!(person.asked(), [Asked::Approval, Asked::Pin(PinReason::NewPin { min_length: 6 })]);
    let json = entry_json(&store);
    assert_eq!(json["version"], 2, "sealed: {json}");
    assert!(json["passkeys"][0].get("key").is_none());

    // From now on it is an ordinary sealed passkey: its PIN, asked as such, opens it.
    let person = Person::default();
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete_as(&person, &user, &device, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "the signature was accepted: {error}");
    assert_eq!(
        person.asked(),
        [Asked::Approval, Asked::Pin(PinReason::Passkey { tries_left: Some(3) })]
    );
}

#[tokio::test]
async fn the_device_passkey_is_labelled_as_such() {
    let device = DevicePasskey::new(Arc::new(MemoryStore::new()), ENTRY);
    assert_eq!(device.kind(), AuthenticatorKind::DevicePasskey);
}

/// passkey-rs with its own in-memory store and an always-yes user check.
type OldClient = Client<
    HashMap<Vec<u8>, Passkey>,
    Approved,
    AvailableBackend,
    public_suffix::PublicSuffixList,
    (),
>;

/// The device passkey as Sigil kept it before PINs: passkey-rs with its keys in the clear,
/// written in the first entry format (a JSON array). Only here to make such an entry for real.
struct BeforePins {
    client: tokio::sync::Mutex<OldClient>,
    store: Arc<MemoryStore>,
}

impl BeforePins {
    fn new(store: Arc<MemoryStore>) -> Self {
        let mut authenticator = Ctap2Authenticator::new(
            Aaguid::new_empty(),
            HashMap::new(),
            Approved,
            AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        let client = Client::new(authenticator).allows_insecure_localhost(true);
        Self { client: tokio::sync::Mutex::new(client), store }
    }
}

#[async_trait::async_trait]
impl Authenticator for BeforePins {
    fn kind(&self) -> AuthenticatorKind {
        AuthenticatorKind::DevicePasskey
    }

    async fn create(
        &self,
        origin: &Url,
        options: &CreationOptions,
        _prompter: &dyn Prompter,
    ) -> Result<CreatedCredential, AuthnError> {
        let request = serde_json::from_value(options.to_json()).expect("request");
        let mut client = self.client.lock().await;
        let created = client.register(origin, request, DefaultClientData).await.expect("created");
        let first_format: Vec<Value> = client
            .authenticator()
            .store()
            .values()
            .map(|passkey| {
                let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
                json!({
                    "credential_id": b64(&passkey.credential_id),
                    "rp_id": passkey.rp_id,
                    "user_handle": passkey.user_handle.as_deref().map(|handle| b64(handle)),
                    "username": passkey.username,
                    "display_name": passkey.user_display_name,
                    "counter": passkey.counter,
                    "key": b64(&passkey.key.clone().to_vec().expect("COSE")),
                })
            })
            .collect();
        let bytes = SecretBytes::new(serde_json::to_vec(&first_format).expect("json"));
        self.store.set(ENTRY, &bytes).expect("write");
        Ok(CreatedCredential {
            credential_id: created.raw_id.to_vec(),
            client_data_json: created.response.client_data_json.to_vec(),
            attestation_object: created.response.attestation_object.to_vec(),
        })
    }

    async fn sign(
        &self,
        _origin: &Url,
        _options: &RequestOptions,
        _prompter: &dyn Prompter,
    ) -> Result<SignedAssertion, AuthnError> {
        Err(AuthnError::NoCredential)
    }
}

/// The always-yes check the device passkey used before PINs, kept only to make its entries.
struct Approved;

#[async_trait::async_trait]
impl UserValidationMethod for Approved {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck { presence, verification })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}
