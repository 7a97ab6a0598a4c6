//! The command layer in Tauri's mock runtime (`tauri::test`), with the real capabilities of
//! tauri.conf.json, against a real companion and dfns-emulator on loopback; and the real app
//! end to end (module `e2e`) and updating itself once installed (module `update`).

mod contract;
mod e2e;
mod update;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sigil_app::Engine;
use sigil_companion::testing::{TestStack, Website};
use sigil_core::service::views::AuthenticatorChoice;
use sigil_core::service::{AppService, Outside};
use sigil_store::SecretStore;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager as _, WebviewWindow, WebviewWindowBuilder};

/// Records what the shell sends out.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<(String, Value)>>,
    opened: Mutex<Vec<String>>,
    approvals_opened: AtomicUsize,
    /// No system browser: opening a URL fails, as `xdg-open` does on a machine without one.
    no_browser: AtomicBool,
    /// The desktop notifications shown (title, text).
    notices: Mutex<Vec<(String, String)>>,
}

impl Outside for Recorder {
    fn emit(&self, event: &str, payload: Value) {
        self.events.lock().expect("lock").push((event.to_owned(), payload));
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        if self.no_browser.load(Ordering::SeqCst) {
            return Err("xdg-open: no method available for opening the address".into());
        }
        self.opened.lock().expect("lock").push(url.to_owned());
        Ok(())
    }

    fn open_approval(&self) -> Result<(), String> {
        self.approvals_opened.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn close_approval(&self) {}

    fn notify(&self, title: &str, body: &str) {
        self.notices.lock().expect("lock").push((title.to_owned(), body.to_owned()));
    }
}

struct Harness {
    stack: TestStack,
    app: tauri::App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    /// The window the shell opens for approvals (made here: the recorder opens nothing).
    approval: WebviewWindow<MockRuntime>,
    recorder: Arc<Recorder>,
    secrets: Arc<dyn SecretStore>,
    data: tempfile::TempDir,
}

async fn harness() -> Harness {
    harness_with(None, true).await
}

/// A harness whose "security key" is the software one kept in `dev_security_key`, and whose
/// company the person confirmed or not.
async fn harness_with(
    dev_security_key: Option<std::path::PathBuf>,
    company_confirmed: bool,
) -> Harness {
    let stack = TestStack::start().await.expect("emulator and companion");
    let data = tempfile::tempdir().expect("data dir");
    let settings = json!({
        "companionUrl": stack.companion_url,
        "companyConfirmed": company_confirmed,
        "authenticator": "device",
    });
    std::fs::write(data.path().join("settings.json"), settings.to_string()).expect("settings");
    let recorder = Arc::new(Recorder::default());
    let secrets: Arc<dyn SecretStore> = Arc::new(sigil_store::MemoryStore::new());
    let service =
        service(data.path(), &secrets, &recorder).await.with_dev_security_key(dev_security_key);
    let (app, main) = mock_app(Engine::opened(service));
    let approval =
        WebviewWindowBuilder::new(&app, "approval", Default::default()).build().expect("approval");
    Harness { stack, app, main, approval, recorder, secrets, data }
}

/// The shell's commands in the mock runtime over `engine`, and its main window.
fn mock_app(engine: Engine) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = mock_builder()
        .invoke_handler(sigil_app::handler())
        .build(tauri::generate_context!())
        .expect("app");
    app.manage(engine);
    let main = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main");
    (app, main)
}

/// Sigil's engine on `data` and `secrets`, as the app opens it at start.
async fn service(
    data: &std::path::Path,
    secrets: &Arc<dyn SecretStore>,
    recorder: &Arc<Recorder>,
) -> AppService {
    AppService::open(data.to_owned(), secrets.clone(), recorder.clone())
        .await
        .expect("service")
        // A person who does not answer counts as declining after this.
        .with_approval_wait(Duration::from_secs(2))
}

impl Harness {
    /// The engine the commands run on.
    fn sigil(&self) -> &AppService {
        self.app.state::<Engine>().inner().get().expect("the engine is open")
    }

    /// Sigil closed and started again on the same data folder and keyring.
    async fn restarted(&self) -> AppService {
        self.sigil().close().await;
        service(self.data.path(), &self.secrets, &self.recorder).await
    }
}

/// Invokes `cmd` from `window` as the UI would (origin tauri://localhost).
fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("JSON"))
}

/// Runs a blocking invoke off the async runtime (commands are async on Tauri's runtime).
async fn call(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    let window = h.main.clone();
    let cmd = cmd.to_owned();
    tokio::task::spawn_blocking(move || invoke(&window, &cmd, args)).await.expect("join")
}

/// The PIN the person chose for the passkey on this computer.
const PIN: &str = "246810";

/// A person at the approval window who approves whatever is asked (with their PIN when it is
/// asked for), until dropped.
struct Approver {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Approver {
    fn start(h: &Harness) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let window = h.approval.clone();
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                let request = invoke(&window, "approval_request", json!({})).expect("request");
                if !request.is_null() {
                    let pin = if request["pin"].is_null() { Value::Null } else { json!(PIN) };
                    let _ = invoke(&window, "approve", json!({ "pin": pin }));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Self { stop, thread: Some(thread) }
    }
}

impl Drop for Approver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn code(error: &Value) -> &str {
    error["code"].as_str().unwrap_or_else(|| panic!("an IPC error with a code: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_sent_while_the_engine_opens_is_answered_once_it_is_open() {
    let stack = TestStack::start().await.expect("emulator and companion");
    let data = tempfile::tempdir().expect("data dir");
    let settings = json!({ "companionUrl": stack.companion_url, "companyConfirmed": true });
    std::fs::write(data.path().join("settings.json"), settings.to_string()).expect("settings");
    let (app, main) = mock_app(Engine::default());
    let asked = tokio::task::spawn_blocking(move || invoke(&main, "app_state", json!({})));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!asked.is_finished(), "answered before the engine was open");

    let secrets: Arc<dyn SecretStore> = Arc::new(sigil_store::MemoryStore::new());
    let opened = service(data.path(), &secrets, &Arc::new(Recorder::default())).await;
    app.state::<Engine>().settle(Ok(opened));
    let state = asked.await.expect("join").expect("the app state");
    assert_eq!(state["signedIn"], false);
    assert_eq!(state["companionUrl"], stack.companion_url.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_that_could_not_open_answers_every_command_with_why() {
    let data = tempfile::tempdir().expect("data dir");
    std::fs::write(data.path().join("journal.db"), vec![0x5a; 8192]).expect("a damaged journal");
    let secrets: Arc<dyn SecretStore> = Arc::new(sigil_store::MemoryStore::new());
    let recorder: Arc<dyn Outside> = Arc::new(Recorder::default());
    let failed = AppService::open(data.path().to_owned(), secrets, recorder)
        .await
        .map_err(sigil_app::error::IpcError::from);
    let Err(why) = &failed else { panic!("a damaged journal opened") };
    let (app, main) = mock_app(Engine::default());
    assert_eq!(json!(why.code), "JOURNAL_CORRUPT", "{why}");
    app.state::<Engine>().settle(Err(why.clone()));
    for (command, args) in [("app_state", json!({})), ("wallets", json!({}))] {
        let window = main.clone();
        let error = tokio::task::spawn_blocking(move || invoke(&window, command, args))
            .await
            .expect("join")
            .expect_err("no engine");
        assert_eq!(code(&error), "JOURNAL_CORRUPT", "{command}: {error}");
        assert_eq!(error["message"], why.message.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_out_the_app_state_names_the_company_and_the_authenticators_of_this_computer() {
    let h = harness().await;
    let state = call(&h, "app_state", json!({})).await.expect("state");
    assert_eq!(state["signedIn"], false);
    assert_eq!(state["companionUrl"], h.stack.companion_url.as_str());
    assert_eq!(state["authenticator"], "device", "as the settings say");
    // The security chip first where this user may use it.
    let offered = match state["tpm"].as_str() {
        Some("usable") => json!(["platform-tpm", "device", "security-key"]),
        Some("noAccess" | "absent") => json!(["device", "security-key"]),
        other => panic!("a TPM state: {other:?}"),
    };
    assert_eq!(state["availableAuthenticators"], offered);
    let error = call(&h, "prepare_send", json!({"form": {"walletId": "wa-1", "asset": {"kind": "Native"}, "to": "0x", "amount": "1"}}))
        .await
        .expect_err("signed out");
    assert_eq!(code(&error), "SIGNED_OUT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_opens_the_browser_and_the_deep_link_signs_the_user_in() {
    let h = harness().await;
    call(&h, "start_login", json!({})).await.expect("started");
    let opened = h.recorder.opened.lock().expect("lock").clone();
    assert_eq!(opened.len(), 1);
    assert!(opened[0].starts_with(&format!("{}/login?", h.stack.companion_url)), "{}", opened[0]);
    let link = Website::new(&h.stack.companion_url)
        .expect("browser")
        .sign_in_at(&opened[0], "ada@example.org", "correct horse battery", true)
        .await
        .expect("deep link");
    h.sigil().accept_deep_link(link.as_str()).await;
    let events = h.recorder.events.lock().expect("lock").clone();
    let (name, state) = events.last().expect("an event");
    assert_eq!(name, "auth:changed");
    assert_eq!(state["signedIn"], true);
    assert_eq!(state["user"]["email"], "ada@example.org");
    assert_eq!(state["registered"], false);

    h.sigil().accept_deep_link("sigil://wallet/drain").await;
    let events = h.recorder.events.lock().expect("lock").clone();
    let (name, error) = events.last().expect("an event");
    assert_eq!((name.as_str(), code(error)), ("auth:error", "DEEP_LINK_INVALID"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_browser_the_sign_in_address_is_shown_and_its_link_back_still_signs_in() {
    let h = harness().await;
    h.recorder.no_browser.store(true, Ordering::SeqCst);
    let page = call(&h, "start_login", json!({})).await.expect("no error: an address to copy");
    assert_eq!(page["opened"], false);
    let url = page["url"].as_str().expect("the sign-in address").to_owned();
    assert!(url.starts_with(&format!("{}/login?", h.stack.companion_url)), "{url}");

    // The person pastes it into a browser; the website's link back signs them in.
    let link = Website::new(&h.stack.companion_url)
        .expect("browser")
        .sign_in_at(&url, "grace@example.org", "correct horse battery", true)
        .await
        .expect("deep link");
    h.sigil().accept_deep_link(link.as_str()).await;
    let state = call(&h, "app_state", json!({})).await.expect("state");
    assert_eq!(
        (state["signedIn"].as_bool(), state["user"]["email"].as_str()),
        (Some(true), Some("grace@example.org"))
    );

    // A web page's "Open in Sigil" starts a sign-in too: its address comes as an event.
    call(&h, "sign_out", json!({})).await.expect("signed out");
    h.sigil().accept_deep_link("sigil://auth/start").await;
    let events = h.recorder.events.lock().expect("lock").clone();
    let (name, page) = events.last().expect("an event");
    assert_eq!((name.as_str(), page["opened"].as_bool()), ("auth:page", Some(false)));
    assert!(page["url"].as_str().is_some_and(|u| u.contains("/login?")), "{page}");

    // With a browser, the page opens and nothing else is said.
    h.recorder.no_browser.store(false, Ordering::SeqCst);
    let page = call(&h, "start_recovery", json!({})).await.expect("started");
    assert_eq!(page["opened"], true);
    assert_eq!(
        h.recorder.opened.lock().expect("lock").last(),
        page["url"].as_str().map(str::to_owned).as_ref()
    );
}

/// Signs `email` in through the website and the deep link, and registers the device passkey.
async fn signed_in_and_registered(h: &Harness, email: &str) {
    call(h, "start_login", json!({})).await.expect("started");
    let opened = h.recorder.opened.lock().expect("lock").last().cloned().expect("a URL");
    let link = Website::new(&h.stack.companion_url)
        .expect("browser")
        .sign_in_at(&opened, email, "correct horse battery", true)
        .await
        .expect("deep link");
    h.sigil().accept_deep_link(link.as_str()).await;
    let _person = Approver::start(h);
    call(h, "register", json!({"authenticator": "device"})).await.expect("registered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sign_in_starts_before_the_person_confirmed_the_company_by_its_host() {
    let h = harness_with(None, false).await;
    let state = call(&h, "app_state", json!({})).await.expect("state");
    assert_eq!(state["companyConfirmed"], false);
    let host = h.stack.companion_url.trim_start_matches("http://");
    assert_eq!(state["companyHost"], host);

    // Neither the app's button nor a web page's "Open in Sigil" link reaches any website.
    let error = call(&h, "start_login", json!({})).await.expect_err("unconfirmed");
    assert_eq!(code(&error), "COMPANY_UNCONFIRMED");
    h.sigil().accept_deep_link("sigil://auth/start").await;
    let events = h.recorder.events.lock().expect("lock").clone();
    let (name, error) = events.last().expect("an event");
    assert_eq!((name.as_str(), code(error)), ("auth:error", "COMPANY_UNCONFIRMED"));
    assert!(h.recorder.opened.lock().expect("lock").is_empty(), "no browser opened");

    // A plain-http company on another machine cannot be confirmed.
    let error = call(&h, "confirm_company", json!({"url": "http://wallet.example.com"}))
        .await
        .expect_err("plain http");
    assert_eq!(code(&error), "COMPANY_URL_INVALID");
    let state = call(&h, "app_state", json!({})).await.expect("state");
    assert_eq!(state["companyConfirmed"], false);

    let url = h.stack.companion_url.clone();
    let state = call(&h, "confirm_company", json!({ "url": url })).await.expect("confirmed");
    assert_eq!(state["companyConfirmed"], true);
    call(&h, "start_login", json!({})).await.expect("started");
    assert_eq!(h.recorder.opened.lock().expect("lock").len(), 1);

    // Another company in Settings signs out and waits for its own confirmation.
    let other = json!({"companionUrl": "https://wallet.example.com"});
    let state = call(&h, "set_settings", other).await.expect("changed");
    assert_eq!(
        (state["companyHost"].as_str(), state["companyConfirmed"].as_bool()),
        (Some("wallet.example.com"), Some(false))
    );
    let error = call(&h, "start_login", json!({})).await.expect_err("unconfirmed");
    assert_eq!(code(&error), "COMPANY_UNCONFIRMED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_server_that_later_names_another_dfns_or_origin_is_refused_before_any_ceremony() {
    let mut h = harness().await;
    signed_in_and_registered(&h, "ada@example.org").await;
    let prepared =
        call(&h, "prepare_create_wallet", json!({"network": "EthereumSepolia", "name": null}))
            .await
            .expect("prepared");
    let operation = prepared["operationId"].as_str().expect("an operation").to_owned();
    let approvals = h.recorder.approvals_opened.load(Ordering::SeqCst);

    // The same company address, now answering with another Dfns, then another origin.
    for changed in
        [("--dfns-api-url", "http://127.0.0.1:9"), ("--origin", "https://localhost:8443")]
    {
        h.stack.restart_companion(&[changed]).await.expect("restarted");
        let sigil = h.restarted().await;
        let error = sigil.confirm_action(&operation).await.expect_err("not signed");
        assert_eq!(error.code(), "COMPANY_CHANGED", "{changed:?}: {error}");
        let error = sigil
            .prepare_add_passkey("Another", AuthenticatorChoice::Device)
            .await
            .expect_err("no passkey made");
        assert_eq!(error.code(), "COMPANY_CHANGED", "{changed:?}: {error}");
        assert_eq!(h.recorder.approvals_opened.load(Ordering::SeqCst), approvals, "no ceremony");
        sigil.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_security_key_is_added_as_a_backup_and_an_unreadable_one_is_refused() {
    let keys = tempfile::tempdir().expect("scratch");
    let key = keys.path().join("security-key");
    std::fs::write(&key, b"not a token").expect("garbage");
    let h = harness_with(Some(key.clone()), true).await;
    signed_in_and_registered(&h, "grace@example.org").await;

    let add = json!({"name": "Backup key", "authenticator": "security-key"});
    let error = call(&h, "prepare_add_passkey", add.clone()).await.expect_err("unreadable key");
    assert_eq!(code(&error), "AUTHN_AUTHENTICATOR_ERROR");
    assert!(error["message"].as_str().unwrap_or_default().contains("SIGIL_DEV_SECURITY_KEY"));
    let passkeys = call(&h, "passkeys", json!({})).await.expect("passkeys");
    // The registration's passkey and its recovery kit.
    assert_eq!(passkeys.as_array().map(Vec::len), Some(2), "nothing added: {passkeys}");

    std::fs::remove_file(&key).expect("remove");
    let _person = Approver::start(&h);
    let prepared = call(&h, "prepare_add_passkey", add).await.expect("the key made a passkey");
    assert!(key.exists(), "the software key is kept for its next use");
    let operation = prepared["operationId"].as_str().expect("an operation").to_owned();
    call(&h, "confirm_action", json!({"operationId": operation})).await.expect("signed");
    let passkeys = call(&h, "passkeys", json!({})).await.expect("passkeys");
    let names: Vec<(&str, bool, &str)> = passkeys
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default();
            (name, p["isActive"] == true, p["location"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(names.len(), 3, "{passkeys}");
    assert!(names.contains(&("Backup key", true, "elsewhere")), "{passkeys}");
    assert!(names.contains(&("Sigil", true, "thisComputer")), "{passkeys}");
    assert!(names.contains(&("Recovery kit", true, "recoveryKit")), "{passkeys}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_arguments_are_refused_with_a_code() {
    let h = harness().await;
    let error =
        call(&h, "register", json!({"authenticator": "yubikey-9000"})).await.expect_err("unknown");
    assert_eq!(code(&error), "INVALID_ARGUMENT");
    assert!(error["message"].as_str().unwrap_or_default().contains("authenticator"), "{error}");
    let error = call(&h, "prepare_send", json!({"form": {"walletId": "wa-1"}}))
        .await
        .expect_err("incomplete");
    assert_eq!(code(&error), "INVALID_ARGUMENT");
    let error = call(&h, "prepare_send", json!({"form": {"walletId": "wa-1", "asset": {"kind": "Native"}, "to": "0x", "amount": "1", "extra": true}}))
        .await
        .expect_err("unknown field");
    assert_eq!(code(&error), "INVALID_ARGUMENT");
    let error =
        call(&h, "set_settings", json!({"companionUrl": "not a url"})).await.expect_err("bad URL");
    assert_eq!(code(&error), "COMPANION_URL_INVALID");
    let error = call(&h, "qr_svg", json!({"text": ""})).await.expect_err("empty");
    assert_eq!(code(&error), "INVALID_ARGUMENT");
    let approval = h.approval.clone();
    let error =
        tokio::task::spawn_blocking(move || invoke(&approval, "approve", json!({"pin": 1234})))
            .await
            .expect("join")
            .expect_err("a number is not a PIN");
    assert_eq!(code(&error), "INVALID_ARGUMENT");
    let approval = h.approval.clone();
    let error =
        tokio::task::spawn_blocking(move || invoke(&approval, "approve", json!({"pin": "1234"})))
            .await
            .expect("join")
            .expect_err("nobody asked");
    assert_eq!(code(&error), "NO_APPROVAL_PENDING");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receive_address_becomes_a_qr_code() {
    let h = harness().await;
    let svg = call(&h, "qr_svg", json!({"text": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}))
        .await
        .expect("svg");
    let svg = svg.as_str().expect("a string");
    assert!(svg.contains("<svg") && svg.contains("</svg>"), "{svg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webview_without_the_main_capability_is_refused() {
    let h = harness().await;
    let intruder =
        WebviewWindowBuilder::new(&h.app, "intruder", Default::default()).build().expect("window");
    let refused = tokio::task::spawn_blocking(move || invoke(&intruder, "app_state", json!({})))
        .await
        .expect("join")
        .expect_err("no capability");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
    assert!(call(&h, "app_state", json!({})).await.is_ok(), "the main window may");
}

/// Signs `email` in and registers, then funds the first wallet and returns a send form from it.
async fn funded_send_form(h: &Harness, email: &str) -> Value {
    signed_in_and_registered(h, email).await;
    let wallets = call(h, "wallets", json!({})).await.expect("wallets");
    let wallet = wallets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["network"] == "EthereumSepolia"))
        .cloned()
        .expect("an Ethereum wallet");
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", h.stack.dfns.api_url))
        .json(&json!({"network": "EthereumSepolia", "address": wallet["address"], "amount": "1000000000000000000"}))
        .send()
        .await
        .expect("faucet");
    assert!(answer.status().is_success());
    call(h, "sync", json!({})).await.expect("synced");
    json!({"form": {
        "walletId": wallet["id"],
        "asset": {"kind": "Native"},
        "to": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "amount": "0.25",
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_prepares_and_confirms_a_send_alone_gets_a_decline_and_nothing_is_sent() {
    let h = harness().await;
    let form = funded_send_form(&h, "mallory-target@example.org").await;
    let wallet_id = form["form"]["walletId"].clone();
    let prepared = call(&h, "prepare_send", form).await.expect("prepared");
    let operation = prepared["operationId"].clone();
    let before = h.recorder.approvals_opened.load(Ordering::SeqCst);

    // The main page confirms; nobody answers in the approval window.
    let error = call(&h, "confirm_action", json!({"operationId": operation}))
        .await
        .expect_err("no approval");
    assert_eq!(code(&error), "AUTHN_DECLINED");
    assert_eq!(
        h.recorder.approvals_opened.load(Ordering::SeqCst),
        before + 1,
        "the window was asked"
    );
    call(&h, "sync", json!({})).await.expect("synced");
    let transfers = call(&h, "transfers", json!({"walletId": wallet_id})).await.expect("transfers");
    assert_eq!(transfers.as_array().map(Vec::len), Some(0), "nothing sent: {transfers}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_window_cannot_answer_the_approval_window() {
    let h = harness().await;
    for command in ["approve", "decline", "approval_request"] {
        let refused = call(&h, command, json!({})).await.expect_err("not main's");
        assert!(refused.to_string().contains("not allowed"), "{command}: {refused}");
    }
    let approval = h.approval.clone();
    let refused = tokio::task::spawn_blocking(move || {
        invoke(&approval, "confirm_action", json!({"operationId": "op-1"}))
    })
    .await
    .expect("join")
    .expect_err("not the approval window's");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_approval_window_shows_the_send_decoded_in_rust_and_its_yes_sends_it() {
    let h = harness().await;
    let form = funded_send_form(&h, "ada-approves@example.org").await;
    let wallet_id = form["form"]["walletId"].clone();
    let prepared = call(&h, "prepare_send", form).await.expect("prepared");
    let operation = prepared["operationId"].clone();

    let window = h.main.clone();
    let confirming = tokio::task::spawn_blocking(move || {
        invoke(&window, "confirm_action", json!({"operationId": operation}))
    });
    let approval = h.approval.clone();
    let request = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let request = invoke(&approval, "approval_request", json!({})).expect("request");
            if !request.is_null() || Instant::now() > deadline {
                return request;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .expect("join");
    assert_eq!(request["ceremony"], "sign");
    assert_eq!(request["intent"]["action"], "Send");
    assert_eq!(request["intent"]["amount"], "0.25");
    assert_eq!(request["intent"]["to"], "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    assert_eq!(request["rpId"], "localhost");
    assert_eq!(request["pin"]["kind"], "passkey", "the passkey's PIN is asked with the approval");
    let approval = h.approval.clone();
    tokio::task::spawn_blocking(move || invoke(&approval, "approve", json!({ "pin": PIN })))
        .await
        .expect("join")
        .expect("approved");
    let outcome = confirming.await.expect("join").expect("sent");
    assert_eq!(outcome["kind"], "transfer");
    let transfers = call(&h, "transfers", json!({"walletId": wallet_id})).await.expect("transfers");
    assert_eq!(transfers.as_array().map(Vec::len), Some(1), "{transfers}");
}

/// The native balance of the wallet named `name`, as the app shows it (from its cache).
async fn native_balance(h: &Harness, name: &str) -> String {
    let wallets = call(h, "wallets", json!({})).await.expect("wallets");
    let wallet = wallets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["name"] == name || w["id"] == name))
        .cloned()
        .unwrap_or_else(|| panic!("no wallet {name}: {wallets}"));
    let native = wallet["assets"].as_array().and_then(|assets| {
        assets.iter().find(|asset| asset["kind"] == "Native").map(|asset| asset["balance"].clone())
    });
    native.and_then(|balance| balance.as_str().map(str::to_owned)).unwrap_or_else(|| "0".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_to_another_wallet_of_ours_shows_on_both_at_once() {
    let h = harness().await;
    let mut form = funded_send_form(&h, "ada-saves@example.org").await;
    let _person = Approver::start(&h);
    let created =
        call(&h, "prepare_create_wallet", json!({"network": "EthereumSepolia", "name": "Savings"}))
            .await
            .expect("prepared");
    call(&h, "confirm_action", json!({"operationId": created["operationId"]}))
        .await
        .expect("the wallet is made");
    let wallets = call(&h, "wallets", json!({})).await.expect("wallets");
    let savings = wallets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["name"] == "Savings"))
        .and_then(|w| w["address"].as_str())
        .expect("the new wallet, listed after its action")
        .to_owned();
    let from = form["form"]["walletId"].as_str().expect("wallet").to_owned();
    let saved: u128 = native_balance(&h, "Savings").await.parse().expect("a number");
    form["form"]["to"] = json!(savings);
    let prepared = call(&h, "prepare_send", form).await.expect("prepared");
    call(&h, "confirm_action", json!({"operationId": prepared["operationId"]}))
        .await
        .expect("sent");
    // Without a sync: the action's own refresh brought both wallets up to date.
    let savings_now: u128 = native_balance(&h, "Savings").await.parse().expect("a number");
    assert_eq!(savings_now, saved + 250_000_000_000_000_000);
    let left: u128 = native_balance(&h, &from).await.parse().expect("a number");
    assert!(left < 750_000_000_000_000_000, "the sender paid 0.25 and the fee: {left}");
}

/// The "companion request" lines the engine logs (method and path), from a global subscriber:
/// nextest runs each test in a process of its own.
#[derive(Clone, Default)]
struct CompanionRequests(Arc<Mutex<Vec<String>>>);

impl CompanionRequests {
    fn install() -> Self {
        use tracing_subscriber::layer::SubscriberExt as _;
        let requests = Self::default();
        let subscriber = tracing_subscriber::registry().with(requests.clone());
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        requests
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CompanionRequests {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        #[derive(Default)]
        struct Fields(Vec<(&'static str, String)>);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push((field.name(), format!("{value:?}")));
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.push((field.name(), value.to_owned()));
            }
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let field = |name| fields.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        if field("message") == Some("companion request") {
            let line =
                format!("{} {}", field("method").unwrap_or("?"), field("path").unwrap_or("?"));
            self.0.lock().expect("lock").push(line);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warm_start_asks_the_company_who_is_signed_in_and_its_configuration_once_each() {
    let requests = CompanionRequests::install();
    let h = harness().await;
    signed_in_and_registered(&h, "ada-returns@example.org").await;
    let sigil = h.restarted().await;
    requests.take();

    // What the UI does as it mounts: the app state, then a sync of the cached wallets.
    let state = sigil.app_state().await.expect("state");
    assert_eq!((state.signed_in, state.registered), (true, Some(true)));
    assert!(!state.networks.is_empty(), "the company's networks, from its configuration");
    sigil.sync().await.expect("synced");
    sigil.app_state().await.expect("state again");
    let mut asked = requests.take();
    asked.sort();
    assert_eq!(asked, ["GET config", "GET me", "GET me", "POST dfns-token"], "{asked:?}");
    sigil.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_command_opens_only_the_networks_explorer_with_a_value_of_its_shape() {
    let mut h = harness().await;
    signed_in_and_registered(&h, "ada-explores@example.org").await;
    let hash = format!("0x{}", "ab".repeat(32));
    let page = call(
        &h,
        "open_explorer",
        json!({"network": "EthereumSepolia", "target": {"kind": "transaction", "hash": hash}}),
    )
    .await
    .expect("opened");
    let expected = format!("https://sepolia.etherscan.io/tx/{hash}");
    assert_eq!(
        (page["url"].as_str(), page["opened"].as_bool()),
        (Some(expected.as_str()), Some(true))
    );

    // A page trying to send the person elsewhere through it gets a refusal and nothing opens.
    let opened = h.recorder.opened.lock().expect("lock").len();
    for (network, target, refused) in [
        (
            "EthereumSepolia",
            json!({"kind": "transaction", "hash": format!("{hash}/../../login")}),
            "INVALID_ARGUMENT",
        ),
        (
            "EthereumSepolia",
            json!({"kind": "transaction", "hash": "https://evil.example"}),
            "INVALID_ARGUMENT",
        ),
        (
            "EthereumSepolia",
            json!({"kind": "address", "address": "https://evil.example/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}),
            "ADDRESS_INVALID",
        ),
        (
            "EthereumSepolia",
            json!({"kind": "url", "url": "https://evil.example"}),
            "INVALID_ARGUMENT",
        ),
        ("Dogecoin", json!({"kind": "address", "address": "D8"}), "NETWORK_UNSUPPORTED"),
    ] {
        let error = call(&h, "open_explorer", json!({"network": network, "target": target}))
            .await
            .expect_err("refused");
        assert_eq!(code(&error), refused, "{target}");
    }
    assert_eq!(h.recorder.opened.lock().expect("lock").len(), opened, "nothing opened");

    // The company's own explorer, from its configuration, for the networks it names.
    let explorers = r#"{"EthereumSepolia":{"transaction":"https://scan.example/tx/{hash}","address":"https://scan.example/address/{address}"}}"#;
    h.stack.restart_companion(&[("--explorers", explorers)]).await.expect("restarted");
    let sigil = h.restarted().await;
    let page = sigil
        .open_explorer(
            "EthereumSepolia",
            sigil_core::service::views::ExplorerTarget::Address {
                address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed".into(),
            },
        )
        .await
        .expect("opened");
    assert_eq!(page.url, "https://scan.example/address/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    sigil.close().await;
}

/// Sends `amount` wei from the emulator's faucet to `address` on Ethereum Sepolia.
async fn faucet(h: &Harness, address: &str, amount: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", h.stack.dfns.api_url))
        .json(&json!({"network": "EthereumSepolia", "address": address, "amount": amount}))
        .send()
        .await
        .expect("faucet");
    assert!(answer.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funds_that_come_in_and_a_transfer_that_ends_are_announced_unless_turned_off() {
    let h = harness().await;
    let form = funded_send_form(&h, "ada-hears@example.org").await;
    let notices = || h.recorder.notices.lock().expect("lock").clone();
    let received = notices();
    assert!(
        received.iter().any(|(title, body)| title == "Received 1 ETH" && body.starts_with("On ")),
        "the faucet's funds, announced by the sync that saw them: {received:?}"
    );

    // A send: once a refresh sees it end, it is announced.
    let _person = Approver::start(&h);
    let prepared = call(&h, "prepare_send", form.clone()).await.expect("prepared");
    call(&h, "confirm_action", json!({"operationId": prepared["operationId"]}))
        .await
        .expect("sent");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !notices().iter().any(|(title, _)| title == "Sent 0.25 ETH") {
        assert!(Instant::now() < deadline, "no notice of the confirmed send: {:?}", notices());
        tokio::time::sleep(Duration::from_millis(200)).await;
        call(&h, "sync", json!({})).await.expect("synced");
    }

    // Turned off in Settings: more funds come in, and nothing is shown.
    let state = call(&h, "set_settings", json!({"notifications": false})).await.expect("saved");
    assert_eq!(state["notifications"], false);
    let before = notices().len();
    let wallets = call(&h, "wallets", json!({})).await.expect("wallets");
    let address = wallets
        .as_array()
        .and_then(|all| all.iter().find(|w| w["id"] == form["form"]["walletId"]))
        .and_then(|w| w["address"].as_str())
        .expect("the wallet's address")
        .to_owned();
    faucet(&h, &address, "5000").await;
    let report = call(&h, "sync", json!({})).await.expect("synced");
    assert!(report["newHistory"].as_u64().is_some_and(|n| n > 0), "the funds were read: {report}");
    assert_eq!(notices().len(), before, "nothing shown: {:?}", notices());
}
