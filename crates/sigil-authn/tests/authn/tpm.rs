//! The TPM platform passkey against a real software TPM (swtpm). Each test starts its own
//! swtpm on free loopback ports with a throw-away state folder, so tests run in parallel and
//! one test's wrong PINs never lock another's chip; restarting it keeps the state, as a reboot
//! does. `make test-tpm` runs them under scripts/with-swtpm.sh, whose TPM the detection test
//! finds through `SIGIL_TPM_TCTI`.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use sigil_authn::webauthn::{CreationOptions, RequestOptions};
use sigil_authn::{
    Authenticator, AuthenticatorKind, AuthnError, Choice, Passkeys, PinBlock, PinReason,
    PlatformTpm, TPM_WRONG_PIN_LIMIT, TpmPresence,
};
use sigil_store::{MemoryStore, SecretBytes, SecretStore};
use tss_esapi::Context;
use tss_esapi::attributes::ObjectAttributesBuilder;
use tss_esapi::constants::response_code::Tss2ResponseCode;
use tss_esapi::constants::tss::{TPM2_RH_NULL, TPM2_ST_HASHCHECK};
use tss_esapi::constants::{CapabilityType, PropertyTag};
use tss_esapi::handles::KeyHandle;
use tss_esapi::interface_types::algorithm::{HashingAlgorithm, PublicAlgorithm};
use tss_esapi::interface_types::ecc::EccCurve;
use tss_esapi::interface_types::resource_handles::Hierarchy;
use tss_esapi::structures::{
    Auth, CapabilityData, Digest, EccPoint, EccScheme, HashScheme, HashcheckTicket, Private,
    Public, PublicBuilder, PublicEccParametersBuilder, SignatureScheme, SymmetricDefinitionObject,
};
use tss_esapi::tcti_ldr::TctiNameConf;
use tss_esapi::traits::UnMarshall as _;
use tss_esapi::tss2_esys::{TPM2_PT, TPMT_TK_HASHCHECK};
use tss_esapi::utils::create_unrestricted_signing_ecc_public;
use url::Url;

use super::{Asked, Dfns, PIN, Person, complete_as, fixed_challenge, rp};

const ENTRY: &str = "device-passkeys.tpm";
const WRONG_PIN: &str = "9753";

/// A software TPM for one test, stopped when dropped.
struct Swtpm {
    state: tempfile::TempDir,
    process: Child,
    port: u16,
}

impl Swtpm {
    fn start() -> Self {
        let state = tempfile::tempdir().expect("state folder");
        let (process, port) = Self::spawn(&state);
        Self { state, process, port }
    }

    /// swtpm on two free loopback ports (server, then control); a port taken in between makes
    /// it exit, and another pair is tried.
    fn spawn(state: &tempfile::TempDir) -> (Child, u16) {
        for _ in 0..20 {
            let port = free_port_pair();
            let mut process = Command::new("swtpm")
                .args(["socket", "--tpm2", "--tpmstate"])
                .arg(format!("dir={}", state.path().display()))
                .args(["--server", &format!("type=tcp,port={port},bindaddr=127.0.0.1")])
                .args(["--ctrl", &format!("type=tcp,port={},bindaddr=127.0.0.1", port + 1)])
                .args(["--flags", "not-need-init,startup-clear"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("swtpm is installed (scripts/install-deps.sh test)");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if process.try_wait().expect("swtpm status").is_some() {
                    break;
                }
                // The control port answers once the TPM is ready; the TPM port stays untouched.
                if TcpStream::connect(("127.0.0.1", port + 1)).is_ok() {
                    return (process, port);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = process.kill();
            let _ = process.wait();
        }
        panic!("swtpm did not start");
    }

    fn tcti(&self) -> String {
        format!("swtpm:host=127.0.0.1,port={}", self.port)
    }

    /// Stops it as a power cut would, and starts it again on the same state (new ports).
    fn restart(&mut self) {
        self.stop();
        let (process, port) = Self::spawn(&self.state);
        self.process = process;
        self.port = port;
    }

    fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// A connection of another program to this TPM.
    fn context(&self) -> Context {
        Context::new(TctiNameConf::from_str(&self.tcti()).expect("tcti")).expect("TPM")
    }

    /// The chip's count of recent wrong authorizations, from every program. (swtpm serves one
    /// connection at a time: no other may be open.)
    fn lockout_counter(&self) -> u32 {
        lockout_counter(&mut self.context())
    }

    /// Sets the chip's dictionary-attack limit as its owner would, with tpm2-tools.
    fn allow_wrong_tries(&self, max_tries: u32) {
        let status = Command::new("tpm2_dictionarylockout")
            .args(["--setup-parameters", &format!("--max-tries={max_tries}")])
            .args(["--recovery-time=1000", "--lockout-recovery-time=1000"])
            .env("TPM2TOOLS_TCTI", self.tcti())
            .status()
            .expect("tpm2-tools is installed (scripts/install-deps.sh test)");
        assert!(status.success(), "tpm2_dictionarylockout");
    }

    /// Another program tries wrong authorizations on a key of its own until the chip locks.
    fn lock_out(&self) {
        let mut context = self.context();
        let public = create_unrestricted_signing_ecc_public(
            EccScheme::EcDsa(HashScheme::new(HashingAlgorithm::Sha256)),
            EccCurve::NistP256,
        )
        .expect("template");
        let auth = Auth::try_from(b"its own secret".to_vec()).expect("auth");
        let key = context
            .execute_with_nullauth_session(|context| {
                context.create_primary(Hierarchy::Owner, public, Some(auth), None, None, None)
            })
            .expect("a key of its own")
            .key_handle;
        let guess = Auth::try_from(b"a guess".to_vec()).expect("auth");
        context.tr_set_auth(key.into(), guess).expect("auth");
        for _ in 0..10 {
            if sign_raw(&mut context, key, b"a message").is_err() && locked(&mut context) {
                break;
            }
        }
        context.flush_context(key.into()).expect("flush");
        assert!(locked(&mut context), "the chip locked");
    }

    fn locked(&self) -> bool {
        locked(&mut self.context())
    }
}

fn lockout_counter(context: &mut Context) -> u32 {
    property(context, PropertyTag::LockoutCounter)
}

/// TPMA_PERMANENT.inLockout.
fn locked(context: &mut Context) -> bool {
    property(context, PropertyTag::Permanent) & (1 << 9) != 0
}

/// A TPM property as the chip says it now (`get_tpm_property` answers from a cache).
fn property(context: &mut Context, tag: PropertyTag) -> u32 {
    let (data, _) = context
        .execute_without_session(|context| {
            context.get_capability(CapabilityType::TpmProperties, TPM2_PT::from(tag), 1)
        })
        .expect("capability");
    let CapabilityData::TpmProperties(properties) = data else { panic!("TPM properties") };
    properties.into_iter().find(|property| property.property() == tag).map_or(0, |p| p.value())
}

impl Drop for Swtpm {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port_pair() -> u16 {
    loop {
        let first = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = first.local_addr().expect("addr").port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// A signature by `key` over a digest of `message`, with whatever authorization is set on it.
fn sign_raw(context: &mut Context, key: KeyHandle, message: &[u8]) -> tss_esapi::Result<()> {
    let digest = Digest::try_from(Sha256::digest(message).to_vec())?;
    let ticket = HashcheckTicket::try_from(TPMT_TK_HASHCHECK {
        tag: TPM2_ST_HASHCHECK,
        hierarchy: TPM2_RH_NULL,
        digest: Default::default(),
    })?;
    let scheme = SignatureScheme::EcDsa { hash_scheme: HashScheme::new(HashingAlgorithm::Sha256) };
    context
        .execute_with_nullauth_session(|context| context.sign(key, digest, scheme, ticket))
        .map(|_| ())
}

/// The storage key's template as Sigil documents it (the TCG SRK template, ECC P-256). Written
/// out here too: if Sigil's ever changed, every stored blob would be lost, and this test fails.
fn storage_template() -> Public {
    let attributes = ObjectAttributesBuilder::new()
        .with_fixed_tpm(true)
        .with_fixed_parent(true)
        .with_sensitive_data_origin(true)
        .with_user_with_auth(true)
        .with_no_da(true)
        .with_restricted(true)
        .with_decrypt(true)
        .build()
        .expect("attributes");
    PublicBuilder::new()
        .with_public_algorithm(PublicAlgorithm::Ecc)
        .with_name_hashing_algorithm(HashingAlgorithm::Sha256)
        .with_object_attributes(attributes)
        .with_ecc_parameters(
            PublicEccParametersBuilder::new_restricted_decryption_key(
                SymmetricDefinitionObject::AES_128_CFB,
                EccCurve::NistP256,
            )
            .build()
            .expect("parameters"),
        )
        .with_ecc_unique_identifier(EccPoint::default())
        .build()
        .expect("template")
}

fn tpm(store: Arc<dyn SecretStore>, chip: &Swtpm) -> PlatformTpm {
    PlatformTpm::new(store, ENTRY, &chip.tcti()).expect("tcti")
}

fn origin() -> Url {
    Url::parse("https://localhost").expect("url")
}

fn creation() -> CreationOptions {
    CreationOptions::for_registration(&rp(), &fixed_challenge()).expect("options")
}

fn request(credential_id: &[u8]) -> RequestOptions {
    let action = json!({
        "challenge": "dHBtLXNpZ24", "challengeIdentifier": "id", "userVerification": "required",
        "allowCredentials": {"key": [], "webauthn": [{"type": "public-key", "id": URL_SAFE_NO_PAD.encode(credential_id)}]},
    });
    RequestOptions::for_user_action(&rp(), &serde_json::from_value(action).expect("challenge"))
        .expect("options")
}

/// A TPM passkey made on `chip` for the contract's example user.
async fn registered(store: Arc<dyn SecretStore>, chip: &Swtpm) -> (PlatformTpm, Vec<u8>) {
    let platform = tpm(store, chip);
    let created =
        platform.create(&origin(), &creation(), &Person::default()).await.expect("created");
    (platform, created.credential_id)
}

fn entry(store: &MemoryStore) -> SecretBytes {
    store.get(ENTRY).expect("read").expect("stored")
}

fn entry_json(store: &MemoryStore) -> Value {
    serde_json::from_slice(entry(store).expose()).expect("json")
}

fn copy_of(store: &MemoryStore) -> Arc<MemoryStore> {
    let copy = Arc::new(MemoryStore::new());
    copy.set(ENTRY, &entry(store)).expect("copy");
    copy
}

fn wrong_pin() -> Person {
    Person::with_pin(Some(WRONG_PIN))
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn a_tpm_passkey_registers_and_signs_against_the_emulator() {
    let chip = Swtpm::start();
    let dfns = Dfns::start().await;
    let store = Arc::new(MemoryStore::new());
    let passkeys = Passkeys::new(Arc::new(tpm(store.clone(), &chip)), rp());
    assert_eq!(passkeys.kind(), AuthenticatorKind::PlatformTpm);
    let person = Person::default();
    let user = dfns.register_as(&person, "tpm@example.com", &passkeys).await;
    assert_eq!(person.asked(), [Asked::Approval, Asked::Pin(PinReason::NewPin { min_length: 4 })]);

    // The emulator checks the packed self-attestation, rpIdHash, UP and UV, then the assertion.
    let person = Person::default();
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete_as(&person, &user, &passkeys, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "the signature was accepted: {error}");
    assert_eq!(
        person.asked(),
        [Asked::Approval, Asked::Pin(PinReason::Passkey { tries_left: Some(2) })]
    );
    // Again: the counter stays 0 and the emulator accepts that.
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete_as(&Person::default(), &user, &passkeys, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "accepted again: {error}");

    // What the keyring keeps: ids, the public part and the TPM-encrypted blob, nothing else.
    let credential = &entry_json(&store)["credentials"][0];
    let mut fields: Vec<&str> =
        credential.as_object().expect("object").keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["credential_id", "private", "public", "rp_id", "user_handle", "wrong_pins"]
    );
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn the_tpm_passkey_reports_uv_only_in_what_the_chip_signed_after_checking_the_pin() {
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (platform, id) = registered(store.clone(), &chip).await;

    let signed = platform.sign(&origin(), &request(&id), &Person::default()).await.expect("signed");
    assert_eq!(signed.authenticator_data[32] & 0x05, 0x05, "UP and UV");
    assert_eq!(&signed.authenticator_data[33..37], &[0, 0, 0, 0], "the counter is always 0");

    // No approval: no PIN asked, the chip not even tried.
    let declines = Person { declines: true, ..Person::default() };
    let error = platform.sign(&origin(), &request(&id), &declines).await.expect_err("declined");
    assert_eq!(error.code(), "AUTHN_DECLINED");
    assert_eq!(declines.asked(), [Asked::Approval]);
    // No PIN: nothing signed, and the chip saw no try.
    let error =
        platform.sign(&origin(), &request(&id), &Person::with_pin(None)).await.expect_err("no PIN");
    assert_eq!(error.code(), "AUTHN_DECLINED");
    assert_eq!(chip.lockout_counter(), 0);
    // A wrong PIN: the chip checked it, refused, and counted it; nothing was signed.
    let error = platform.sign(&origin(), &request(&id), &wrong_pin()).await.expect_err("wrong");
    assert_eq!(error.code(), "AUTHN_PIN_INVALID");
    assert_eq!(chip.lockout_counter(), 1);
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn wrong_tpm_pins_are_refused_counted_and_sigil_stops_before_the_chip_locks() {
    // swtpm locks after 3 wrong tries: Sigil takes 2, keeping the last one in reserve.
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (platform, id) = registered(store.clone(), &chip).await;
    let sealed = entry_json(&store)["credentials"][0]["private"].clone();

    let mut retries = Vec::new();
    for _ in 0..2 {
        let person = wrong_pin();
        match platform.sign(&origin(), &request(&id), &person).await {
            Err(AuthnError::PinInvalid { retries: left }) => retries.push(left),
            other => panic!("a wrong PIN: {other:?}"),
        }
    }
    assert_eq!(retries, [Some(1), Some(0)]);
    assert_eq!(entry_json(&store)["credentials"][0]["wrong_pins"], 2, "kept in the entry");

    // One more would lock the chip: refused before the PIN is asked, the chip not locked.
    let person = Person::default();
    match platform.sign(&origin(), &request(&id), &person).await {
        Err(AuthnError::PinBlocked(PinBlock::Chip { recovers_in })) => {
            assert_eq!(recovers_in, Some(Duration::from_secs(1000)));
        }
        other => panic!("blocked: {other:?}"),
    }
    assert_eq!(person.asked(), [Asked::Approval]);
    assert!(!chip.locked(), "Sigil never locks the chip");
    assert_eq!(chip.lockout_counter(), 2);
    // Failed tries moved the count only: the key blob is as it was made.
    assert_eq!(entry_json(&store)["credentials"][0]["private"], sealed);
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn on_a_chip_that_allows_more_tries_sigil_stops_at_its_own_limit_and_a_right_pin_resets_it() {
    let chip = Swtpm::start();
    chip.allow_wrong_tries(32);
    let store = Arc::new(MemoryStore::new());
    let (platform, id) = registered(store.clone(), &chip).await;

    // Two wrong, then right: the count starts again.
    for _ in 0..2 {
        platform.sign(&origin(), &request(&id), &wrong_pin()).await.expect_err("wrong");
    }
    platform.sign(&origin(), &request(&id), &Person::default()).await.expect("the right PIN signs");
    assert_eq!(entry_json(&store)["credentials"][0]["wrong_pins"], 0);

    let mut retries = Vec::new();
    for _ in 0..TPM_WRONG_PIN_LIMIT {
        match platform.sign(&origin(), &request(&id), &wrong_pin()).await {
            Err(AuthnError::PinInvalid { retries: left }) => retries.push(left),
            other => panic!("a wrong PIN: {other:?}"),
        }
    }
    assert_eq!(retries, [Some(4), Some(3), Some(2), Some(1), Some(0)]);
    let person = Person::default();
    let error = platform.sign(&origin(), &request(&id), &person).await.expect_err("blocked");
    assert!(matches!(&error, AuthnError::PinBlocked(PinBlock::Passkey { limit: 5 })), "{error:?}");
    assert!(error.to_string().contains("recovery kit"), "{error}");
    assert_eq!(person.asked(), [Asked::Approval]);
    // The count survives a restart of Sigil: it lives in the entry.
    let restarted = tpm(store.clone(), &chip);
    let error =
        restarted.sign(&origin(), &request(&id), &Person::default()).await.expect_err("blocked");
    assert_eq!(error.code(), "AUTHN_PIN_BLOCKED");
    assert!(!chip.locked());
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn a_chip_locked_by_other_programs_is_reported_before_and_during_a_ceremony() {
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (platform, id) = registered(store.clone(), &chip).await;

    // Locked while the person typed the PIN: the TPM itself answers TPM_RC_LOCKOUT.
    let locker = LocksTheChipWhenAsked { chip: &chip, person: Person::default() };
    let error = platform.sign(&origin(), &request(&id), &locker).await.expect_err("locked");
    assert!(matches!(&error, AuthnError::PinBlocked(PinBlock::Chip { .. })), "{error:?}");
    assert!(error.to_string().contains("tpm2_dictionarylockout --clear-lockout"), "{error}");
    assert_eq!(
        entry_json(&store)["credentials"][0]["wrong_pins"],
        0,
        "the chip refused before it checked the PIN: not a wrong PIN"
    );

    // Locked already: refused before the PIN is asked, and making a passkey is refused too.
    let person = Person::default();
    let error = platform.sign(&origin(), &request(&id), &person).await.expect_err("locked");
    assert_eq!(error.code(), "AUTHN_PIN_BLOCKED");
    assert_eq!(person.asked(), [Asked::Approval]);
    let error = tpm(Arc::new(MemoryStore::new()), &chip)
        .create(&origin(), &creation(), &Person::default())
        .await
        .expect_err("locked");
    assert_eq!(error.code(), "AUTHN_PIN_BLOCKED");
}

/// A person whose PIN arrives after another program locked the chip.
struct LocksTheChipWhenAsked<'a> {
    chip: &'a Swtpm,
    person: Person,
}

impl sigil_authn::Prompter for LocksTheChipWhenAsked<'_> {
    fn show(&self, prompt: sigil_authn::Prompt) {
        self.person.show(prompt);
    }

    fn ask_pin(&self, reason: PinReason) -> Option<dfns_client::Secret> {
        self.chip.lock_out();
        self.person.ask_pin(reason)
    }

    fn approve(&self, approval: &sigil_authn::Approval) -> bool {
        self.person.approve(approval)
    }
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn a_tpm_passkey_blob_loaded_into_another_tpm_signs_nothing() {
    let chip = Swtpm::start();
    let other = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (_, id) = registered(store.clone(), &chip).await;
    let before = entry(&store);

    let elsewhere = tpm(copy_of(&store), &other);
    let error =
        elsewhere.sign(&origin(), &request(&id), &Person::default()).await.expect_err("foreign");
    assert_eq!(error.code(), "AUTHN_TPM_MISMATCH");
    assert!(error.to_string().contains("another computer"), "{error}");
    assert_eq!(other.lockout_counter(), 0, "not a wrong PIN");
    assert_eq!(entry(&store).expose(), before.expose());
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn the_keyring_entry_in_another_program_cannot_sign_without_the_pin_even_on_the_same_tpm() {
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (_, id) = registered(store.clone(), &chip).await;
    // Sigil over a copy of the entry, with a person who does not give the PIN: nothing.
    let copy = tpm(copy_of(&store), &chip);
    let error =
        copy.sign(&origin(), &request(&id), &Person::with_pin(None)).await.expect_err("no PIN");
    assert_eq!(error.code(), "AUTHN_DECLINED");

    let credential = entry_json(&store)["credentials"][0].clone();
    let bytes = |field: &str| {
        URL_SAFE_NO_PAD.decode(credential[field].as_str().expect(field)).expect(field)
    };

    // Another program with the entry's bytes and the storage key's public template.
    let mut context = chip.context();
    let storage = context
        .execute_with_nullauth_session(|context| {
            context.create_primary(Hierarchy::Owner, storage_template(), None, None, None, None)
        })
        .expect("storage key")
        .key_handle;
    let public = Public::unmarshall(&bytes("public")).expect("public part");
    let private = Private::try_from(bytes("private")).expect("blob");
    let key = context
        .execute_with_nullauth_session(|context| context.load(storage, private, public))
        .expect("the blob loads on its own TPM");
    for guess in [Vec::new(), Sha256::digest(WRONG_PIN).to_vec()] {
        context.tr_set_auth(key.into(), Auth::try_from(guess).expect("auth")).expect("auth");
        let error = sign_raw(&mut context, key, b"a payment").expect_err("no signature");
        // TPM_RC_AUTH_FAIL on session 1: the chip checked the authorization and refused it.
        assert!(
            matches!(error, tss_esapi::Error::Tss2Error(Tss2ResponseCode::FormatOne(code)) if code.0 == 0x98E),
            "{error:?}"
        );
    }
    assert_eq!(lockout_counter(&mut context), 2, "each guess spent one of the chip's tries");
    context.flush_context(key.into()).expect("flush");
    context.flush_context(storage.into()).expect("flush");
    drop(context);
    // Two wrong guesses later, the chip is one try from locking: Sigil takes no more tries.
    let error = copy.sign(&origin(), &request(&id), &Person::default()).await.expect_err("reserve");
    assert_eq!(error.code(), "AUTHN_PIN_BLOCKED");
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn a_tpm_passkey_still_signs_after_the_tpm_restarts() {
    let mut chip = Swtpm::start();
    let dfns = Dfns::start().await;
    let store = Arc::new(MemoryStore::new());
    let passkeys = Passkeys::new(Arc::new(tpm(store.clone(), &chip)), rp());
    let user = dfns.register("restart@example.com", &passkeys).await;

    chip.restart();
    let passkeys = Passkeys::new(Arc::new(tpm(store.clone(), &chip)), rp());
    let pending = user.deactivate_credential_init("cr-unknown").await.expect("init");
    let error = complete_as(&Person::default(), &user, &passkeys, pending).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "the signature was accepted: {error}");
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn a_tpm_gone_during_the_ceremony_signs_nothing_and_loses_nothing() {
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    let (_, id) = registered(store.clone(), &chip).await;
    let before = entry(&store);

    // The chip answers the first look, then is gone by the time the PIN is typed.
    let chip = std::sync::Mutex::new(chip);
    let platform = tpm(store.clone(), &chip.lock().expect("lock"));
    let stops = StopsTheChipWhenAsked { chip: &chip };
    let error = platform.sign(&origin(), &request(&id), &stops).await.expect_err("gone");
    assert_eq!(error.code(), "AUTHN_TPM_UNAVAILABLE");
    assert!(error.to_string().contains("Nothing was signed"), "{error}");
    assert_eq!(entry(&store).expose(), before.expose(), "nothing lost, nothing counted");

    // Back again (its state kept): the same passkey signs.
    let mut chip = chip.into_inner().expect("lock");
    chip.restart();
    tpm(store.clone(), &chip)
        .sign(&origin(), &request(&id), &Person::default())
        .await
        .expect("signs");
}

/// A person while whom the TPM stops.
struct StopsTheChipWhenAsked<'a> {
    chip: &'a std::sync::Mutex<Swtpm>,
}

impl sigil_authn::Prompter for StopsTheChipWhenAsked<'_> {
    fn show(&self, _prompt: sigil_authn::Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<dfns_client::Secret> {
        self.chip.lock().expect("lock").stop();
        Some(dfns_client::Secret::new(PIN))
    }

    fn approve(&self, _approval: &sigil_authn::Approval) -> bool {
        true
    }
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn bad_input_to_the_tpm_passkey_gets_its_code_and_changes_nothing() {
    let chip = Swtpm::start();
    let store = Arc::new(MemoryStore::new());
    // A PIN too short to set: no key made, nothing kept.
    let error = tpm(store.clone(), &chip)
        .create(&origin(), &creation(), &Person::with_pin(Some("123")))
        .await
        .expect_err("too short");
    assert_eq!(error.code(), "AUTHN_PIN_TOO_SHORT");
    assert!(store.get(ENTRY).expect("read").is_none());

    let (platform, id) = registered(store.clone(), &chip).await;
    // An empty PIN never reaches the chip.
    let error = platform
        .sign(&origin(), &request(&id), &Person::with_pin(Some("")))
        .await
        .expect_err("empty");
    assert_eq!(error.code(), "AUTHN_PIN_TOO_SHORT");
    assert_eq!(chip.lockout_counter(), 0);
    // The same passkey again for the same account: already registered.
    let mut again = creation();
    again.exclude = vec![id.clone()];
    let error = platform.create(&origin(), &again, &Person::default()).await.expect_err("excluded");
    assert_eq!(error.code(), "AUTHN_ALREADY_REGISTERED");
    // A credential this TPM does not hold.
    let error =
        platform.sign(&origin(), &request(b"another"), &Person::default()).await.expect_err("none");
    assert_eq!(error.code(), "AUTHN_NO_CREDENTIAL");
    // A damaged entry: reported, left as it is.
    let damaged = SecretBytes::new(b"{\"version\":1,\"credentials\":[{".to_vec());
    store.set(ENTRY, &damaged).expect("write");
    let error =
        platform.sign(&origin(), &request(&id), &Person::default()).await.expect_err("damaged");
    assert_eq!(error.code(), "AUTHN_PASSKEY_DAMAGED");
    let error =
        platform.create(&origin(), &creation(), &Person::default()).await.expect_err("damaged");
    assert_eq!(error.code(), "AUTHN_PASSKEY_DAMAGED");
    assert_eq!(entry(&store).expose(), damaged.expose());
    // A TPM that is not there.
    let mut gone = Swtpm::start();
    let tcti = gone.tcti();
    gone.stop();
    let error = PlatformTpm::new(Arc::new(MemoryStore::new()), ENTRY, &tcti)
        .expect("tcti")
        .create(&origin(), &creation(), &Person::default())
        .await
        .expect_err("gone");
    assert_eq!(error.code(), "AUTHN_TPM_UNAVAILABLE");
}

#[tokio::test]
#[ignore = "needs a TPM: make test-tpm"]
async fn with_a_tpm_that_answers_the_tpm_passkey_is_the_automatic_choice() {
    let tcti = std::env::var("SIGIL_TPM_TCTI")
        .expect("SIGIL_TPM_TCTI names a TPM: run this under scripts/with-swtpm.sh (make test-tpm)");
    assert_eq!(TpmPresence::detect().await, TpmPresence::Usable { tcti });
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    for choice in [Choice::Automatic, Choice::PlatformTpm] {
        let chosen =
            sigil_authn::choose(choice, store.clone(), "device-passkeys").await.expect("chosen");
        assert_eq!(chosen.kind(), AuthenticatorKind::PlatformTpm, "{choice:?}");
    }
    let device =
        sigil_authn::choose(Choice::DevicePasskey, store, "device-passkeys").await.expect("chosen");
    assert_eq!(device.kind(), AuthenticatorKind::DevicePasskey, "still there when asked for");
}
