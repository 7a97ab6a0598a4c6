// Every body the companion parses, sent through its real router (`server::router`, with
// `oneshot`, no socket) on a SQLite file, wired to a dfns-emulator on loopback: the `/api/v1`
// JSON bodies with the app's session (its registration already opened, so a completion reaches
// Dfns), and the website's form posts with the CSRF cookie, the site's `Origin` and, unless the
// selector says otherwise, the matching CSRF field, so bytes reach the checks behind the CSRF
// check. The fuzz target (`fuzz/fuzz_targets/forms_and_api.rs`) includes this file, so it and the
// mutation test in `http/bodies.rs` drive exactly the same requests.

/// How a route's body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// JSON, no session.
    Anonymous,
    /// JSON with the app's session.
    App,
    /// A form from a browser that holds the CSRF cookie, not signed in.
    Visitor,
    /// A form from a browser signed in to the website.
    SignedIn,
}

/// A route that takes a body: method, path, how it is sent.
pub type CompanionRoute = (&'static str, &'static str, Sender);

/// Every route with a body, in the order a selector byte picks them.
pub const COMPANION_ROUTES: [CompanionRoute; 12] = [
    ("POST", "/api/v1/session", Sender::Anonymous),
    ("POST", "/api/v1/registration/complete", Sender::App),
    ("POST", "/api/v1/dfns-token", Sender::App),
    ("POST", "/api/v1/wallets", Sender::App),
    ("POST", "/api/v1/recovery/complete", Sender::App),
    ("PUT", "/api/v1/recovery-credential", Sender::App),
    ("POST", "/signup", Sender::Visitor),
    ("POST", "/signin", Sender::Visitor),
    ("POST", "/signout", Sender::Visitor),
    ("POST", "/login", Sender::SignedIn),
    ("POST", "/recover", Sender::Visitor),
    ("POST", "/recover/code", Sender::Visitor),
];

/// The fixture's account and its password.
pub const FUZZ_EMAIL: &str = "fuzz@example.co";
/// The one password the fixture's password check accepts.
pub const FUZZ_PASSWORD: &str = "correct horse battery";

/// The password check of the fixture: one known password, without argon2id's 19 MiB and tens of
/// milliseconds per guess (what is fuzzed is what surrounds the check, not the hash).
#[derive(Debug)]
struct OnePassword(sigil_companion::store::passwords::PasswordHash);

impl sigil_companion::identity::hashing::Kdf for OnePassword {
    fn hash(
        &self,
        _password: &str,
    ) -> Result<sigil_companion::store::passwords::PasswordHash, sigil_companion::store::StoreError>
    {
        Ok(self.0.clone())
    }

    fn verify(
        &self,
        password: &str,
        _hash: &sigil_companion::store::passwords::PasswordHash,
    ) -> bool {
        password == FUZZ_PASSWORD
    }
}

/// A companion with one account signed in on the website and in the app (its registration
/// opened), and the emulator it calls.
pub struct CompanionDriver {
    router: axum::Router,
    origin: String,
    csrf: String,
    visitor_cookies: String,
    signed_in_cookies: String,
    app_token: String,
    emulator: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for CompanionDriver {
    fn drop(&mut self) {
        self.emulator.abort();
    }
}

impl CompanionDriver {
    /// Starts both servers on a scratch dir (limits raised so a run is not one long 429) and
    /// sets up the fixture through the website and the app's API.
    pub async fn start() -> Self {
        use clap::Parser as _;
        use sigil_companion::config::{Config, Settings};
        use sigil_companion::store::sessions::{SessionKind, SessionPolicy};
        use sigil_companion::store::users::Email;

        // In memory where the system has it: a run writes a row or more per input.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
        let dir = dir.expect("scratch dir");
        let mut dfns = dfns_emulator::Config::new(dir.path().join("dfns"));
        dfns.confirm_after_ms = 0;
        let emulator = dfns_emulator::Emulator::open(dfns).await.expect("emulator opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("loopback");
        let address = listener.local_addr().expect("address");
        let bootstrap = emulator.bootstrap(&format!("http://{address}"));
        let served = tokio::spawn(emulator.serve(listener, std::future::pending()));

        let account = &bootstrap.service_account;
        let key = format!("--dfns-service-account-private-key={}", account.private_key_pem);
        let database = format!("sqlite://{}?mode=rwc", dir.path().join("companion.db").display());
        let settings = Settings::try_parse_from([
            "sigil-companion",
            "--public-url",
            "http://127.0.0.1:8080",
            "--database-url",
            &database,
            "--dfns-api-url",
            &bootstrap.api_url,
            "--dfns-service-account-token",
            &account.token,
            "--dfns-service-account-cred-id",
            &account.cred_id,
            &key,
            "--mail-outbox",
        ])
        .expect("settings");
        let mut config = Config::from_settings(settings).expect("config");
        config.limits = sigil_companion::limits::Limits::default().scaled(1_000_000);
        let store =
            sigil_companion::store::Store::connect(&config.database_url).await.expect("database");
        let hash = sigil_companion::store::passwords::hash_password(FUZZ_PASSWORD).expect("hash");
        let identity = std::sync::Arc::new(sigil_companion::identity::DemoIdentity::with_kdf(
            store.clone(),
            &config.limits,
            std::sync::Arc::new(OnePassword(hash)),
        ));
        let clock = std::sync::Arc::new(sigil_companion::testing::OffsetClock::default());
        let origin = config.public_origin();
        let parts = sigil_companion::server::Parts { config, store, identity, clock };
        let state = sigil_companion::server::AppState::from_parts(parts).expect("state");
        let mut driver = Self {
            router: sigil_companion::server::router(state.clone()),
            origin,
            csrf: String::new(),
            visitor_cookies: String::new(),
            signed_in_cookies: String::new(),
            app_token: String::new(),
            emulator: served,
            _dir: dir,
        };

        let (status, cookies, page) = driver.send_raw("GET", "/signup", &[], Vec::new()).await;
        assert_eq!(status, 200, "the sign-up page");
        let html = String::from_utf8_lossy(&page);
        driver.csrf = sigil_companion::testing::html::field(&html, "csrf").expect("a CSRF field");
        driver.visitor_cookies = cookies.join("; ");
        let form = format!(
            "csrf={}&email={}&password={}",
            driver.csrf,
            FUZZ_EMAIL.replace('@', "%40"),
            FUZZ_PASSWORD.replace(' ', "+")
        );
        let (status, session, page) = driver.form("/signup", &driver.visitor_cookies, form).await;
        assert_eq!(status, 303, "sign-up: {}", String::from_utf8_lossy(&page));
        driver.signed_in_cookies = [driver.visitor_cookies.clone(), session.join("; ")].join("; ");

        let store = state.store();
        let email = Email::parse(FUZZ_EMAIL).expect("an email");
        let user = store.user_by_email(&email).await.expect("store").expect("the account");
        let app = store
            .create_session(&user.id, SessionKind::App, &SessionPolicy::APP, state.now_ms())
            .await
            .expect("an app session");
        driver.app_token = app.token.expose().to_owned();
        let bearer = format!("Bearer {}", driver.app_token);
        let headers = [("authorization", bearer.as_str())];
        let (status, _, answer) =
            driver.send_raw("POST", "/api/v1/registration/init", &headers, Vec::new()).await;
        assert_eq!(status, 200, "registration init: {}", String::from_utf8_lossy(&answer));
        driver
    }

    /// Sends `body` to the route `selector` picks (its low bits; for a form, the high bit
    /// leaves the CSRF field out) and checks what holds for any body: never a 5xx, an API
    /// refusal is `{error: {code, message}}` with a known code of that status, and a refused
    /// form is a page showing a stable code. Returns the status.
    pub async fn send(&self, selector: u8, body: &[u8]) -> u16 {
        let (method, path, sender) =
            COMPANION_ROUTES[usize::from(selector & 0x7f) % COMPANION_ROUTES.len()];
        let bearer = format!("Bearer {}", self.app_token);
        let (status, answer) = match sender {
            Sender::Anonymous | Sender::App => {
                let mut headers = vec![("content-type", "application/json")];
                if sender == Sender::App {
                    headers.push(("authorization", bearer.as_str()));
                }
                let (status, _, answer) =
                    self.send_raw(method, path, &headers, body.to_vec()).await;
                (status, answer)
            }
            Sender::Visitor | Sender::SignedIn => {
                let cookies = match sender {
                    Sender::SignedIn => &self.signed_in_cookies,
                    _ => &self.visitor_cookies,
                };
                let mut form = Vec::with_capacity(body.len() + 64);
                if selector & 0x80 == 0 {
                    form.extend_from_slice(format!("csrf={}&", self.csrf).as_bytes());
                }
                form.extend_from_slice(body);
                let (status, _, answer) = self.form_bytes(path, cookies, form).await;
                (status, answer)
            }
        };
        let shown = || format!("{method} {path} {:?}: {status}", String::from_utf8_lossy(body));
        assert!(status < 500, "{}: {}", shown(), String::from_utf8_lossy(&answer));
        if status >= 400 {
            if path.starts_with("/api/") {
                let error: sigil_api::ErrorBody = serde_json::from_slice(&answer)
                    .unwrap_or_else(|error| panic!("{}: not an error body ({error})", shown()));
                assert_ne!(error.error.code, sigil_api::ErrorCode::Unknown, "{}", shown());
                assert_eq!(error.error.code.http_status(), status, "{}: {error:?}", shown());
            } else {
                let html = String::from_utf8_lossy(&answer);
                let code = sigil_companion::testing::html::attribute_after(
                    &html,
                    r#"id="error""#,
                    "data-code",
                );
                assert!(code.is_some_and(|code| !code.is_empty()), "{}: {html}", shown());
            }
        }
        status
    }

    async fn form(&self, path: &str, cookies: &str, form: String) -> (u16, Vec<String>, Vec<u8>) {
        self.form_bytes(path, cookies, form.into_bytes()).await
    }

    /// A form post from a page of the site.
    async fn form_bytes(
        &self,
        path: &str,
        cookies: &str,
        form: Vec<u8>,
    ) -> (u16, Vec<String>, Vec<u8>) {
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", self.origin.as_str()),
            ("cookie", cookies),
        ];
        self.send_raw("POST", path, &headers, form).await
    }

    /// One request through the router: its status, the cookies it sets (`name=value`) and its
    /// body.
    async fn send_raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, Vec<String>, Vec<u8>) {
        use tower::ServiceExt as _;
        let mut request = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(axum::body::Body::from(body)).expect("a request");
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .map(str::to_owned)
            .collect();
        let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.expect("the body");
        (status, cookies, body.to_vec())
    }
}
