//! A companion on a test database, wired to a dfns-emulator serving on loopback, driven through
//! `router()` with `oneshot` (no socket on the companion's side): a [`Browser`] that keeps
//! cookies like a real one, and an [`App`] that calls `/api/v1` like the desktop app.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use clap::Parser as _;
use dfns_client::models::Wallet;
use dfns_client::recovery::{RecoveryCode, RecoveryKey};
use dfns_client::{ClientConfig, DelegatedClient, Secret};
use dfns_emulator::{Bootstrap, Emulator};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sigil_api::{RegistrationChallenge, SessionPurpose, SessionResponse};
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{
    Approval, CancellationToken, DevicePasskey, Passkeys, PinReason, Prompt, Prompter,
};
use sigil_companion::config::{Config, Settings};
use sigil_companion::identity::DemoIdentity;
use sigil_companion::identity::hashing::{Argon2id, Kdf};
use sigil_companion::server::{AppState, Parts, router};
use sigil_companion::store::outbox::StoredMail;
use sigil_companion::store::pkce::CodeVerifier;
use tower::ServiceExt as _;

use crate::support::Db;
use sigil_companion::testing::OffsetClock;
use sigil_companion::testing::html::{attribute_after, field};

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// A dfns-emulator on 127.0.0.1 with its own data dir (real clock, instant confirmations).
pub struct TestDfns {
    pub bootstrap: Bootstrap,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl TestDfns {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut dfns_emulator::Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = dfns_emulator::Config::new(dir.path().to_owned());
        config.confirm_after_ms = 0;
        adjust(&mut config);
        let emulator = Emulator::open(config).await.expect("emulator opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let bootstrap = emulator.bootstrap(&format!("http://{address}"));
        let server = tokio::spawn(emulator.serve(listener, std::future::pending()));
        Self { bootstrap, server, _dir: dir }
    }

    /// The end user's view of Dfns with a token from the companion.
    pub fn as_user(&self, token: &Secret) -> DelegatedClient {
        let config = ClientConfig::new(&self.bootstrap.api_url).expect("url").with_max_retries(0);
        DelegatedClient::new(config, token.clone()).expect("client")
    }
}

impl Drop for TestDfns {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The checked configuration of a companion for `dfns`, with `flags` added.
pub fn config_for(dfns: &TestDfns, flags: &[&str]) -> Config {
    let account = &dfns.bootstrap.service_account;
    // `--flag=VALUE`: a PEM starts with dashes.
    let key = format!("--dfns-service-account-private-key={}", account.private_key_pem);
    let mut args = vec![
        "sigil-companion",
        "--dfns-api-url",
        &dfns.bootstrap.api_url,
        "--dfns-service-account-token",
        &account.token,
        "--dfns-service-account-cred-id",
        &account.cred_id,
        &key,
        "--mail-outbox",
    ];
    args.extend_from_slice(flags);
    Config::from_settings(Settings::try_parse_from(args).expect("flags")).expect("valid config")
}

/// One companion instance: its router, state and clock.
pub struct Companion {
    pub router: Router,
    pub state: AppState,
    pub clock: Arc<OffsetClock>,
}

impl Companion {
    /// An instance on `db` for `dfns`.
    pub async fn start(dfns: &TestDfns, db: &Db) -> Self {
        Self::start_with(config_for(dfns, &[]), db).await
    }

    /// An instance with `config` on `db`.
    pub async fn start_with(config: Config, db: &Db) -> Self {
        Self::start_with_kdf(config, db, Arc::new(Argon2id)).await
    }

    /// An instance with `config` on `db` whose password work `kdf` does.
    pub async fn start_with_kdf(config: Config, db: &Db, kdf: Arc<dyn Kdf>) -> Self {
        let store = db.store().await;
        let clock = Arc::new(OffsetClock::default());
        let identity = Arc::new(DemoIdentity::with_kdf(store.clone(), &config.limits, kdf));
        let state = AppState::from_parts(Parts { config, store, identity, clock: clock.clone() })
            .expect("state");
        Self { router: router(state.clone()), state, clock }
    }

    /// Sends one request through the router, as from `ip`.
    pub async fn send(&self, mut request: Request<Body>, ip: IpAddr) -> Answer {
        request.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        Answer { status, headers, body }
    }

    /// The origin browsers send with this companion's forms.
    pub fn origin(&self) -> String {
        self.state.config().public_origin()
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("{error}: {} {}", self.status, self.text()))
    }

    /// `error.code` of an API error answer.
    pub fn error_code(&self) -> String {
        let body: Value = self.json();
        body["error"]["code"].as_str().expect("an error code").to_owned()
    }

    /// The `data-code` of the error shown on a page.
    pub fn page_code(&self) -> Option<String> {
        attribute_after(self.text(), r#"id="error""#, "data-code")
    }

    /// The message of the error shown on a page.
    pub fn page_message(&self) -> Option<&str> {
        let text = self.text();
        let tag = text.find(r#"id="error""#)?;
        let start = tag + text[tag..].find('>')? + 1;
        let end = start + text[start..].find("</p>")?;
        Some(&text[start..end])
    }

    /// The value of the hidden field `name` of a page's form.
    pub fn hidden(&self, name: &str) -> Option<String> {
        field(self.text(), name)
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The deep link of a hand-off page (the "Open …" link), unescaped.
    pub fn deep_link(&self) -> url::Url {
        let href = attribute_after(self.text(), r#"id="open-app""#, "href")
            .unwrap_or_else(|| panic!("no hand-off link: {} {}", self.status, self.text()));
        url::Url::parse(&href).expect("a URL")
    }
}

/// A browser: keeps the cookies the companion sets and sends them back; forms carry the
/// companion's own `Origin`.
pub struct Browser<'a> {
    pub companion: &'a Companion,
    cookies: BTreeMap<String, String>,
    ip: IpAddr,
}

impl<'a> Browser<'a> {
    pub fn new(companion: &'a Companion) -> Self {
        Self::from_ip(companion, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10)))
    }

    pub fn from_ip(companion: &'a Companion, ip: IpAddr) -> Self {
        Self { companion, cookies: BTreeMap::new(), ip }
    }

    /// The same browser (cookies) talking to another instance.
    pub fn switch_to(&mut self, companion: &'a Companion) {
        self.companion = companion;
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let request = self.request(Method::GET, path).body(Body::empty()).expect("request");
        self.send(request).await
    }

    /// Posts a form as the browser would from one of the companion's pages.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let origin = self.companion.origin();
        self.post_form_from(path, fields, Some(&origin)).await
    }

    /// Posts a form with the given `Origin` header (or none).
    pub async fn post_form_from(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Answer {
        let body =
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        self.send(request.body(Body::from(body)).expect("request")).await
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut request = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let cookie: Vec<String> =
                self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(header::COOKIE, cookie.join("; "));
        }
        request
    }

    async fn send(&mut self, request: Request<Body>) -> Answer {
        let answer = self.companion.send(request, self.ip).await;
        for set in answer.headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().expect("ASCII cookie");
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        answer
    }

    /// Signs up through the form (the page first, for its CSRF token).
    pub async fn sign_up(&mut self, email: &str, password: &str) -> Answer {
        let page = self.get("/signup").await;
        let csrf = page.hidden("csrf").expect("the form has a CSRF field");
        self.post_form("/signup", &[("csrf", &csrf), ("email", email), ("password", password)])
            .await
    }

    /// As a signed-in person: opens the app's authorize URL and confirms on the consent page,
    /// sending back the fields the page holds. Returns the hand-off page.
    pub async fn confirm(&mut self, login: &Login) -> Answer {
        let consent = self.get(&login.authorize_path()).await;
        assert_eq!(consent.status, StatusCode::OK, "{}", consent.text());
        let names = ["csrf", "state", "code_challenge", "code_challenge_method", "redirect_uri"];
        let values: Vec<String> = names
            .iter()
            .map(|name| consent.hidden(name).unwrap_or_else(|| panic!("consent has {name}")))
            .collect();
        let fields: Vec<(&str, &str)> =
            names.iter().zip(&values).map(|(name, value)| (*name, value.as_str())).collect();
        self.post_form("/login", &fields).await
    }

    /// The recovery check's first step for `login`: a fresh sign-in. Returns the page that asks
    /// for the emailed code (or the form again).
    pub async fn recover(&mut self, login: &Login, email: &str, password: &str) -> Answer {
        let form = self.get(&login.recover_path()).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text());
        let csrf = form.hidden("csrf").expect("the form has a CSRF field");
        let next = form.hidden("next").expect("the form continues the recovery request");
        let fields =
            [("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", &next)];
        self.post_form("/recover", &fields).await
    }

    /// The recovery check's second step: `code` typed on `code_page`.
    pub async fn enter_code(&mut self, code_page: &Answer, code: &str) -> Answer {
        let csrf = code_page.hidden("csrf").expect("the code form has a CSRF field");
        let ticket = code_page.hidden("ticket").expect("the code form has its ticket");
        self.post_form("/recover/code", &[("csrf", &csrf), ("ticket", &ticket), ("code", code)])
            .await
    }

    /// Signs in through the form.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Answer {
        let page = self.get("/signin").await;
        let csrf = page.hidden("csrf").expect("the form has a CSRF field");
        self.post_form("/signin", &[("csrf", &csrf), ("email", email), ("password", password)])
            .await
    }
}

/// What the app keeps for one login: its `state` and PKCE verifier.
pub struct Login {
    pub state: String,
    pub verifier: CodeVerifier,
    pub redirect_uri: String,
}

impl Login {
    pub fn new() -> Self {
        let state = CodeVerifier::generate().expect("random").expose().to_owned();
        Self {
            state,
            verifier: CodeVerifier::generate().expect("verifier"),
            redirect_uri: sigil_api::DEFAULT_REDIRECT_URI.to_owned(),
        }
    }

    /// The authorize URL the app opens in the system browser.
    pub fn authorize_path(&self) -> String {
        self.path("/login")
    }

    /// The recovery URL the app opens in the system browser for "I lost my computer".
    pub fn recover_path(&self) -> String {
        self.path("/recover")
    }

    fn path(&self, page: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &self.state)
            .append_pair("code_challenge", self.verifier.challenge().as_str())
            .append_pair("code_challenge_method", "S256")
            .append_pair("redirect_uri", &self.redirect_uri)
            .finish();
        format!("{page}?{query}")
    }

    /// The code of a hand-off page, after checking its `state`.
    pub fn code_from(&self, hand_off: &Answer) -> String {
        assert_eq!(hand_off.status, StatusCode::OK, "{}", hand_off.text());
        let link = hand_off.deep_link();
        assert!(link.as_str().starts_with("sigil://auth/callback?"), "{link}");
        let query: BTreeMap<String, String> = link.query_pairs().into_owned().collect();
        assert_eq!(query.get("state"), Some(&self.state), "the state comes back unchanged");
        query.get("code").expect("a code").clone()
    }

    /// The body of `POST /api/v1/session`.
    pub fn redemption(&self, code: &str) -> Value {
        json!({
            "code": code,
            "codeVerifier": self.verifier.expose(),
            "redirectUri": self.redirect_uri,
        })
    }
}

/// The desktop app's calls to `/api/v1`.
pub struct App<'a> {
    pub companion: &'a Companion,
    pub token: Option<String>,
    ip: IpAddr,
}

impl<'a> App<'a> {
    pub fn new(companion: &'a Companion) -> Self {
        Self { companion, token: None, ip: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)) }
    }

    pub fn with_token(companion: &'a Companion, token: &str) -> Self {
        Self { token: Some(token.to_owned()), ..Self::new(companion) }
    }

    pub fn at_ip(mut self, ip: IpAddr) -> Self {
        self.ip = ip;
        self
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{path}"));
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(body).expect("JSON"))
            }
            None => Body::empty(),
        };
        self.companion.send(request.body(body).expect("request"), self.ip).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    /// Redeems a code; on success keeps the session token.
    pub async fn redeem(&mut self, login: &Login, code: &str) -> Answer {
        let answer = self.post("/session", &login.redemption(code)).await;
        if answer.status == StatusCode::OK {
            let session: SessionResponse = answer.json();
            self.token = Some(session.session_token.expose().to_owned());
        }
        answer
    }
}

/// A person who approves every device-passkey prompt.
#[derive(Debug, Default)]
pub struct Person;

impl Prompter for Person {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<Secret> {
        Some(Secret::new("246810"))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        true
    }
}

/// A software device passkey for `config`'s relying party, kept in memory.
pub fn device_passkey(companion: &Companion) -> Passkeys {
    let rp = RelyingParty::new(&companion.state.config().rp_id, "Sigil tests").expect("rp");
    let store = Arc::new(sigil_store::MemoryStore::new());
    Passkeys::new(Arc::new(DevicePasskey::new(store, "device-passkeys")), rp)
}

/// The credential a device passkey makes for a registration challenge.
pub async fn make_credential(passkeys: &Passkeys, challenge: &RegistrationChallenge) -> Value {
    let credential = passkeys
        .register(
            &challenge.options,
            Some("Test passkey".into()),
            &Person,
            &CancellationToken::new(),
        )
        .await
        .expect("the device passkey makes a credential");
    json!({ "firstFactorCredential": credential })
}

/// Signs `email` up in a browser, follows the app's login to a session: the whole deep-link
/// login as a new user. Returns the app with its session.
pub async fn new_user_session<'a>(companion: &'a Companion, email: &str) -> App<'a> {
    let login = Login::new();
    let mut browser = Browser::new(companion);
    let page = browser.get(&login.authorize_path()).await;
    assert_eq!(page.status, StatusCode::OK);
    let next = page.hidden("next").expect("sign-in continues to the authorize request");
    let csrf = page.hidden("csrf").expect("CSRF field");
    let hand_off = browser
        .post_form(
            "/signup",
            &[("csrf", &csrf), ("email", email), ("password", PASSWORD), ("next", &next)],
        )
        .await;
    let code = login.code_from(&hand_off);
    let mut app = App::new(companion);
    let session = app.redeem(&login, &code).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text());
    app
}

/// Registers the app's user with a device passkey; returns the provisioned wallets.
pub async fn register(app: &App<'_>, passkeys: &Passkeys) -> Vec<Wallet> {
    let init = app.post("/registration/init", &json!({})).await;
    assert_eq!(init.status, StatusCode::OK, "{}", init.text());
    let challenge: RegistrationChallenge = init.json();
    let body = make_credential(passkeys, &challenge).await;
    let complete = app.post("/registration/complete", &body).await;
    assert_eq!(complete.status, StatusCode::OK, "{}", complete.text());
    let registered: sigil_api::Registered = complete.json();
    assert!(registered.me.registered);
    registered.wallets
}

/// The mails the companion put in its outbox for `to`, newest first.
pub async fn mails_to(companion: &Companion, to: &str) -> Vec<StoredMail> {
    let mails = companion.state.store().outbox().await.expect("the outbox");
    mails.into_iter().filter(|mail| mail.to == to).collect()
}

/// The code of the newest recovery-code mail to `to`.
pub async fn emailed_code(companion: &Companion, to: &str) -> String {
    let mails = mails_to(companion, to).await;
    mails
        .iter()
        .filter(|mail| mail.subject.contains("recovery code"))
        .find_map(|mail| mail.body.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6))
        .unwrap_or_else(|| panic!("no recovery code mailed to {to}: {mails:?}"))
        .to_owned()
}

/// The whole recovery check for `email` in a fresh browser: the app's recovery session.
pub async fn recovery_session<'a>(companion: &'a Companion, email: &str) -> App<'a> {
    let login = Login::new();
    let mut browser = Browser::new(companion);
    let code_page = browser.recover(&login, email, PASSWORD).await;
    assert_eq!(code_page.status, StatusCode::OK, "{}", code_page.text());
    let code = emailed_code(companion, email).await;
    let hand_off = browser.enter_code(&code_page, &code).await;
    let mut app = App::new(companion);
    let session = app.redeem(&login, &login.code_from(&hand_off)).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text());
    let session: SessionResponse = session.json();
    assert_eq!(session.purpose, SessionPurpose::Recovery);
    app
}

/// Registers the app's user with a device passkey and a recovery kit made for `email`; returns
/// the kit and its code.
pub async fn register_with_kit(
    app: &App<'_>,
    passkeys: &Passkeys,
    email: &str,
) -> (RecoveryKey, RecoveryCode) {
    let challenge: RegistrationChallenge = app.post("/registration/init", &json!({})).await.json();
    let (kit, code) = RecoveryKey::create(email).expect("a kit");
    let mut body = make_credential(passkeys, &challenge).await;
    body["recoveryCredential"] = serde_json::to_value(
        kit.new_credential(&challenge.options.challenge, Some("Recovery kit".into()))
            .expect("the kit's attestation"),
    )
    .expect("JSON");
    let complete = app.post("/registration/complete", &body).await;
    assert_eq!(complete.status, StatusCode::OK, "{}", complete.text());
    (kit, code)
}

/// A companion for one test, with a signed-up user and the login the app started.
pub struct Scene {
    _dfns: TestDfns,
    _db: Db,
    pub companion: Companion,
}

impl Scene {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::with_dfns(TestDfns::start().await, adjust).await
    }

    /// A scene on `dfns`.
    pub async fn with_dfns(dfns: TestDfns, adjust: impl FnOnce(&mut Config)) -> Self {
        let db = Db::sqlite();
        let mut config = config_for(&dfns, &[]);
        adjust(&mut config);
        let companion = Companion::start_with(config, &db).await;
        Self { _dfns: dfns, _db: db, companion }
    }

    /// A code for a signed-in user, for `login`.
    pub async fn code(&self, login: &Login) -> String {
        let mut browser = Browser::new(&self.companion);
        let page = browser.get(&login.authorize_path()).await;
        let csrf = page.hidden("csrf").expect("csrf");
        let next = page.hidden("next").expect("next");
        let email = format!("{}@example.org", &login.state[..8].to_lowercase());
        let fields =
            [("csrf", csrf.as_str()), ("email", &email), ("password", PASSWORD), ("next", &next)];
        login.code_from(&browser.post_form("/signup", &fields).await)
    }
}
