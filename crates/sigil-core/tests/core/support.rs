//! The app's core wired to a test stack: secrets in memory (or a failing keyring), the system
//! clock plus an offset.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use dfns_client::Secret;
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{Approval, DevicePasskey, Passkeys, PinReason, Prompt, Prompter};
use sigil_companion::testing::{TestStack, Website};
use sigil_core::clock::{Clock, SystemClock};
use sigil_core::companion::CompanionClient;
use sigil_core::login::Auth;
use sigil_store::{Journal, MemoryStore, SecretBytes, SecretStore, StoreError};

pub const PASSWORD: &str = "correct horse battery";

/// The PIN of the test device passkeys.
pub const PIN: &str = "246810";

/// The system clock plus an offset a test moves forward.
#[derive(Debug, Default)]
pub struct AppClock(AtomicI64);

impl AppClock {
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for AppClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.0.load(Ordering::SeqCst)
    }
}

/// One installation of the app: its keyring, journal, device passkey and clock.
pub struct App {
    pub auth: Auth,
    pub secrets: Arc<MemoryStore>,
    pub clock: Arc<AppClock>,
    pub journal: Journal,
    pub passkeys: Passkeys,
    pub dir: tempfile::TempDir,
}

impl App {
    pub async fn new(stack: &TestStack) -> Self {
        let secrets = Arc::new(MemoryStore::new());
        let clock = Arc::new(AppClock::default());
        let companion = CompanionClient::new(&stack.companion_url).expect("companion URL");
        let auth = Auth::new(companion, secrets.clone(), clock.clone());
        let dir = tempfile::tempdir().expect("app data dir");
        let journal = Journal::open(&dir.path().join("journal.db")).await.expect("journal");
        let rp = RelyingParty::new(&stack.dfns.rp_id, "Sigil tests").expect("rp");
        let device = DevicePasskey::new(secrets.clone(), "device-passkeys");
        let passkeys = Passkeys::new(Arc::new(device), rp);
        Self { auth, secrets, clock, journal, passkeys, dir }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Signs in as a new account `email`.
    pub async fn signed_in(stack: &TestStack, email: &str) -> Self {
        let app = Self::new(stack).await;
        let link = app.website_login(stack, email, true).await;
        app.auth.accept_deep_link(&link).await.expect("signed in");
        app
    }

    /// Which keyring entries exist.
    pub fn stored(&self) -> Vec<&'static str> {
        ["pending-login", "companion-session"]
            .into_iter()
            .filter(|key| self.secrets.get(key).expect("memory store").is_some())
            .collect()
    }

    /// Signs in as `email` (a new account when `new_account`) through the website; returns the
    /// deep link the app receives.
    pub async fn website_login(&self, stack: &TestStack, email: &str, new_account: bool) -> String {
        let url = self.auth.start_login().await.expect("login starts");
        let website = Website::new(&stack.companion_url).expect("browser");
        let link = website.sign_in_at(url.as_str(), email, PASSWORD, new_account).await;
        link.expect("the website hands back a deep link").to_string()
    }
}

/// A signed-in user, registered with a device passkey; returns the app and the registration.
pub async fn registered(stack: &TestStack, email: &str) -> (App, sigil_api::Registered) {
    let app = App::signed_in(stack, email).await;
    let cancel = sigil_authn::CancellationToken::new();
    let person = Person::default();
    let done = sigil_core::onboarding::register(
        &app.auth,
        &app.journal,
        &app.passkeys,
        None,
        &person,
        &cancel,
        app.now_ms(),
    )
    .await
    .expect("registered");
    let sigil_core::onboarding::Onboarded::Registered(registration) = done else {
        panic!("a new user is not registered yet")
    };
    (app, registration)
}

/// Secrets in a JSON file: the keyring of an app that runs in child processes a test kills.
/// Each change writes a new file and renames it over the old, so a kill leaves one or the other.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    writing: Mutex<()>,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path, writing: Mutex::new(()) }
    }

    fn read(&self) -> BTreeMap<String, String> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).expect("a whole secrets file"),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => panic!("reading {}: {error}", self.path.display()),
        }
    }

    fn change(&self, change: impl FnOnce(&mut BTreeMap<String, String>) -> bool) -> bool {
        let _one_writer = self.writing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut secrets = self.read();
        let changed = change(&mut secrets);
        let next = self.path.with_extension("next");
        let mut file = std::fs::File::create(&next).expect("secrets file");
        file.write_all(&serde_json::to_vec(&secrets).expect("json")).expect("written");
        file.sync_all().expect("on disk");
        std::fs::rename(&next, &self.path).expect("replaced");
        changed
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<SecretBytes>, StoreError> {
        let value = self.read().remove(key);
        Ok(value.map(|hex| SecretBytes::new(hex::decode(hex).expect("hex"))))
    }

    fn set(&self, key: &str, value: &SecretBytes) -> Result<(), StoreError> {
        self.change(|secrets| {
            secrets.insert(key.to_owned(), hex::encode(value.expose())).is_none()
        });
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.change(|secrets| secrets.remove(key).is_some()))
    }
}

/// A keyring that is not there.
#[derive(Debug)]
pub struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _key: &str) -> Result<Option<SecretBytes>, StoreError> {
        Err(StoreError::NoKeyring("no Secret Service on the session bus".into()))
    }

    fn set(&self, _key: &str, _value: &SecretBytes) -> Result<(), StoreError> {
        Err(StoreError::NoKeyring("no Secret Service on the session bus".into()))
    }

    fn delete(&self, _key: &str) -> Result<bool, StoreError> {
        Err(StoreError::NoKeyring("no Secret Service on the session bus".into()))
    }
}

/// A person who answers every prompt: approves device-passkey operations, or declines them.
#[derive(Debug, Default)]
pub struct Person {
    pub declines: bool,
}

impl Prompter for Person {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        Some(Secret::new(PIN))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        !self.declines
    }
}

/// A proxy in front of Dfns that can lose the answer of the next signed transfer: the request
/// reaches Dfns (which applies it), then the connection breaks before the answer is complete.
pub struct LossyProxy {
    pub url: String,
    armed: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl LossyProxy {
    pub async fn start(upstream: &str) -> Self {
        use axum::body::Body;
        use axum::extract::{Request, State};
        use axum::response::Response;

        #[derive(Clone)]
        struct Upstream {
            base: String,
            http: reqwest::Client,
            armed: Arc<AtomicBool>,
        }

        async fn forward(State(up): State<Upstream>, request: Request) -> Response {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("request body");
            let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let mut outgoing = up.http.request(parts.method.clone(), format!("{}{path}", up.base));
            for (name, value) in &parts.headers {
                if name != axum::http::header::HOST && name != axum::http::header::CONTENT_LENGTH {
                    outgoing = outgoing.header(name, value);
                }
            }
            let answer = outgoing.body(bytes.to_vec()).send().await.expect("upstream answers");
            let status = answer.status();
            let body = answer.bytes().await.expect("upstream body");
            let signed_transfer = parts.method == axum::http::Method::POST
                && parts.uri.path().ends_with("/transfers")
                && parts.headers.contains_key("x-dfns-useraction");
            if signed_transfer && up.armed.swap(false, Ordering::SeqCst) {
                // Dfns applied it; the client gets half an answer and a broken connection.
                let half = body.slice(..body.len() / 2);
                let stream = futures::stream::iter([
                    Ok::<_, std::io::Error>(half),
                    Err(std::io::Error::other("connection dropped")),
                ]);
                return Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(Body::from_stream(stream))
                    .expect("response");
            }
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .expect("response")
        }

        let armed = Arc::new(AtomicBool::new(false));
        let state = Upstream {
            base: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            armed: armed.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, armed, task }
    }

    /// Loses the answer of the next signed transfer.
    pub fn drop_next_transfer_answer(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }
}

impl Drop for LossyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
