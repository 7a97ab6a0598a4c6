//! Test support for crates that need a real companion (feature `testing`): a dfns-emulator and a
//! companion serving on loopback ports ([`TestStack`], mails in its development outbox), a
//! person using the website through a cookie-keeping HTTP client ([`Website`]), and their
//! mailbox ([`Outbox`]).

pub mod html;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use clap::Parser as _;
use dfns_emulator::{Bootstrap, Emulator};
use sigil_api::clock::{Clock, SystemClock};
use url::Url;

use crate::config::{Config, Settings};
use crate::identity::DemoIdentity;
use crate::mail::OutboxMail;
use crate::server::{self, AppState, Parts};
use crate::store::Store;

/// The system clock plus an offset a test can move forward.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    /// Moves the clock forward by `ms`.
    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
}

/// Why a test-support step failed (tests `expect` these).
#[derive(Debug, thiserror::Error)]
pub enum TestingError {
    /// Starting a server failed.
    #[error("starting the test stack failed: {0}")]
    Start(String),
    /// An HTTP call failed.
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// A page was not what the step expected.
    #[error("unexpected page ({status}): {detail}")]
    Page {
        /// HTTP status.
        status: u16,
        /// What was missing, and the page.
        detail: String,
    },
}

/// A dfns-emulator and a companion on 127.0.0.1 ports, each with its own scratch folder. The
/// companion's mails go to its development outbox ([`TestStack::outbox`]).
#[derive(Debug)]
pub struct TestStack {
    /// The emulator's service account and URL.
    pub dfns: Bootstrap,
    /// The companion's base URL (`http://127.0.0.1:PORT`).
    pub companion_url: String,
    /// The companion's state (its store and configuration).
    pub companion: AppState,
    /// The companion's clock.
    pub clock: Arc<OffsetClock>,
    tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
    _scratch: tempfile::TempDir,
}

impl TestStack {
    /// Both servers, transfers confirming at once, faucet on, companion on SQLite.
    pub async fn start() -> Result<Self, TestingError> {
        Self::start_with(|_| {}).await
    }

    /// Both servers, with `adjust` applied to the emulator's configuration first.
    pub async fn start_with(
        adjust: impl FnOnce(&mut dfns_emulator::Config),
    ) -> Result<Self, TestingError> {
        let start = |error: &dyn std::fmt::Display| TestingError::Start(error.to_string());
        let scratch = tempfile::tempdir().map_err(|e| start(&e))?;
        let mut config = dfns_emulator::Config::new(scratch.path().join("dfns"));
        config.confirm_after_ms = 0;
        config.emulator_api = true;
        adjust(&mut config);
        let emulator = Emulator::open(config).await.map_err(|e| start(&e))?;
        let (listener, address) = loopback().await?;
        let dfns = emulator.bootstrap(&format!("http://{address}"));

        let mut stack = Self::companion_for(dfns, scratch, |_| {}).await?;
        stack.tasks.insert(0, tokio::spawn(emulator.serve(listener, std::future::pending())));
        Ok(stack)
    }

    /// Only the companion, for a Dfns (an emulator another process serves, which a test may
    /// kill and start again) at `dfns`, with `adjust` applied to its configuration (e.g. its
    /// rate limits scaled for a test that restarts the app many times).
    pub async fn start_for(
        dfns: Bootstrap,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<Self, TestingError> {
        let scratch = tempfile::tempdir().map_err(|e| TestingError::Start(e.to_string()))?;
        Self::companion_for(dfns, scratch, adjust).await
    }

    async fn companion_for(
        dfns: Bootstrap,
        scratch: tempfile::TempDir,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<Self, TestingError> {
        let (listener, address) = loopback().await?;
        let companion_url = format!("http://{address}");
        let database =
            format!("sqlite://{}?mode=rwc", scratch.path().join("companion.db").display());
        let clock = Arc::new(OffsetClock::default());
        let companion =
            companion(&dfns, &companion_url, &database, clock.clone(), &[], adjust).await?;
        let tasks =
            vec![tokio::spawn(server::serve(listener, companion.clone(), std::future::pending()))];
        Ok(Self { dfns, companion_url, companion, clock, tasks, _scratch: scratch })
    }

    /// Stops the companion and starts it again at the same address on the same database, with
    /// `options` set on its command line (`("--dfns-api-url", url)`, `("--origin", origin)`, …):
    /// the company server that answers otherwise than before.
    pub async fn restart_companion(
        &mut self,
        options: &[(&str, &str)],
    ) -> Result<(), TestingError> {
        let start = |error: &dyn std::fmt::Display| TestingError::Start(error.to_string());
        if let Some(task) = self.tasks.pop() {
            task.abort();
            let _ = task.await;
        }
        let address = self.companion_url.trim_start_matches("http://");
        let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| start(&e))?;
        let database =
            format!("sqlite://{}?mode=rwc", self._scratch.path().join("companion.db").display());
        let restarted = companion(
            &self.dfns,
            &self.companion_url,
            &database,
            self.clock.clone(),
            options,
            |_| {},
        )
        .await?;
        self.companion = restarted.clone();
        self.tasks.push(tokio::spawn(server::serve(listener, restarted, std::future::pending())));
        Ok(())
    }

    /// The companion's outbox: the mails it sent.
    pub fn outbox(&self) -> Result<Outbox, TestingError> {
        Outbox::new(&self.companion_url)
    }
}

/// The companion's state for `dfns` at `url` on `database`, `options` set on its command line,
/// then `adjust` applied to the configuration.
async fn companion(
    dfns: &Bootstrap,
    url: &str,
    database: &str,
    clock: Arc<OffsetClock>,
    options: &[(&str, &str)],
    adjust: impl FnOnce(&mut Config),
) -> Result<AppState, TestingError> {
    let start = |error: &dyn std::fmt::Display| TestingError::Start(error.to_string());
    let key =
        format!("--dfns-service-account-private-key={}", dfns.service_account.private_key_pem);
    let mut line = vec![
        "sigil-companion",
        "--public-url",
        url,
        "--database-url",
        database,
        "--dfns-api-url",
        &dfns.api_url,
        "--dfns-service-account-token",
        &dfns.service_account.token,
        "--dfns-service-account-cred-id",
        &dfns.service_account.cred_id,
        &key,
        "--mail-outbox",
    ];
    for &(name, value) in options {
        match line.iter().position(|given| *given == name) {
            Some(at) => line[at + 1] = value,
            None => line.extend([name, value]),
        }
    }
    let settings = Settings::try_parse_from(line).map_err(|e| start(&e))?;
    let mut config = Config::from_settings(settings).map_err(|e| start(&e))?;
    adjust(&mut config);
    let store = Store::connect(&config.database_url).await.map_err(|e| start(&e))?;
    let identity = Arc::new(DemoIdentity::new(store.clone(), &config.limits));
    let parts = Parts { config, store, identity, clock };
    AppState::from_parts(parts).map_err(|e| start(&e))
}

impl Drop for TestStack {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn loopback() -> Result<(tokio::net::TcpListener, SocketAddr), TestingError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| TestingError::Start(e.to_string()))?;
    let address = listener.local_addr().map_err(|e| TestingError::Start(e.to_string()))?;
    Ok((listener, address))
}

/// A person on the company website: a browser-like HTTP client that keeps cookies, sends the
/// site's `Origin` with forms and does not follow redirects.
#[derive(Debug, Clone)]
pub struct Website {
    http: reqwest::Client,
    base: String,
}

/// A page as received.
#[derive(Debug, Clone)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// The HTML.
    pub html: String,
}

impl Page {
    /// The value of form field `name`.
    pub fn field(&self, name: &str) -> Result<String, TestingError> {
        html::field(&self.html, name).ok_or_else(|| self.unexpected(&format!("no field {name}")))
    }

    /// The deep link of a hand-off page.
    pub fn deep_link(&self) -> Result<Url, TestingError> {
        let href = html::attribute_after(&self.html, r#"id="open-app""#, "href")
            .ok_or_else(|| self.unexpected("no hand-off link"))?;
        Url::parse(&href).map_err(|_| self.unexpected("a hand-off link that is not a URL"))
    }

    fn unexpected(&self, detail: &str) -> TestingError {
        TestingError::Page { status: self.status, detail: format!("{detail}: {}", self.html) }
    }
}

impl Website {
    /// A new browser for the site at `base` (no cookies yet).
    pub fn new(base: &str) -> Result<Self, TestingError> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { http, base: base.trim_end_matches('/').to_owned() })
    }

    /// `GET` a URL (absolute, or a path on the site).
    pub async fn get(&self, url: &str) -> Result<Page, TestingError> {
        let url = if url.starts_with('/') { format!("{}{url}", self.base) } else { url.to_owned() };
        let response = self.http.get(url).send().await?;
        Ok(Page { status: response.status().as_u16(), html: response.text().await? })
    }

    /// Posts a form to a path on the site, as from one of its pages.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, TestingError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::ORIGIN, &self.base)
            .form(fields)
            .send()
            .await?;
        Ok(Page { status: response.status().as_u16(), html: response.text().await? })
    }

    /// Signs up (no authorize request): the browser is signed in afterwards.
    pub async fn sign_up(&self, email: &str, password: &str) -> Result<(), TestingError> {
        let form = self.get("/signup").await?;
        let csrf = form.field("csrf")?;
        let done = self
            .post_form("/signup", &[("csrf", &csrf), ("email", email), ("password", password)])
            .await?;
        if done.status != 303 {
            return Err(done.unexpected("sign-up did not finish"));
        }
        Ok(())
    }

    /// Opens the app's authorize URL and signs in (or up, with `new_account`) on it; returns
    /// the deep link the site hands to the app.
    pub async fn sign_in_at(
        &self,
        authorize_url: &str,
        email: &str,
        password: &str,
        new_account: bool,
    ) -> Result<Url, TestingError> {
        let form = self.get(authorize_url).await?;
        let (csrf, next) = (form.field("csrf")?, form.field("next")?);
        let path = if new_account { "/signup" } else { "/signin" };
        let fields =
            [("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", &next)];
        self.post_form(path, &fields).await?.deep_link()
    }

    /// Opens the app's recovery URL (`/recover?…`), signs in afresh, types the code the
    /// companion emailed (read from `outbox`); returns the deep link the site hands to the app.
    pub async fn recover_at(
        &self,
        recover_url: &str,
        email: &str,
        password: &str,
        outbox: &Outbox,
    ) -> Result<Url, TestingError> {
        let code_page = self.recovery_code_sent(recover_url, email, password).await?;
        let code = outbox.latest_code(email).await?;
        self.enter_recovery_code(&code_page, &code).await?.deep_link()
    }

    /// The recovery check's first step: opens `recover_url`, signs in afresh; returns the page
    /// that asks for the emailed code (or, refused, the form again).
    pub async fn recovery_code_sent(
        &self,
        recover_url: &str,
        email: &str,
        password: &str,
    ) -> Result<Page, TestingError> {
        let form = self.get(recover_url).await?;
        let (csrf, next) = (form.field("csrf")?, form.field("next")?);
        let fields =
            [("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", &next)];
        self.post_form("/recover", &fields).await
    }

    /// The recovery check's second step: `code` typed on `code_page`; returns the hand-off page
    /// (or the refusal).
    pub async fn enter_recovery_code(
        &self,
        code_page: &Page,
        code: &str,
    ) -> Result<Page, TestingError> {
        let (csrf, ticket) = (code_page.field("csrf")?, code_page.field("ticket")?);
        self.post_form("/recover/code", &[("csrf", &csrf), ("ticket", &ticket), ("code", code)])
            .await
    }

    /// Signed in already: opens the authorize URL and confirms; returns the deep link.
    pub async fn confirm_at(&self, authorize_url: &str) -> Result<Url, TestingError> {
        let consent = self.get(authorize_url).await?;
        let names = ["csrf", "state", "code_challenge", "code_challenge_method", "redirect_uri"];
        let mut values = Vec::with_capacity(names.len());
        for name in names {
            values.push(consent.field(name)?);
        }
        let fields: Vec<(&str, &str)> =
            names.iter().zip(&values).map(|(name, value)| (*name, value.as_str())).collect();
        self.post_form("/login", &fields).await?.deep_link()
    }
}

/// The development outbox of a companion (`GET /dev/outbox.json`): the person's mailbox.
#[derive(Debug, Clone)]
pub struct Outbox {
    http: reqwest::Client,
    url: String,
}

impl Outbox {
    /// The outbox of the companion at `base`.
    pub fn new(base: &str) -> Result<Self, TestingError> {
        let url = format!("{}/dev/outbox.json", base.trim_end_matches('/'));
        Ok(Self { http: reqwest::Client::builder().build()?, url })
    }

    /// Every mail, newest first.
    pub async fn mails(&self) -> Result<Vec<OutboxMail>, TestingError> {
        let response = self.http.get(&self.url).send().await?;
        let status = response.status().as_u16();
        if status != 200 {
            let detail = format!("the outbox answered: {}", response.text().await?);
            return Err(TestingError::Page { status, detail });
        }
        Ok(response.json().await?)
    }

    /// The mails to `to`, newest first.
    pub async fn mails_to(&self, to: &str) -> Result<Vec<OutboxMail>, TestingError> {
        let to = to.trim().to_lowercase();
        Ok(self.mails().await?.into_iter().filter(|mail| mail.to == to).collect())
    }

    /// The code in the newest recovery-code mail to `to`.
    pub async fn latest_code(&self, to: &str) -> Result<String, TestingError> {
        let mails = self.mails_to(to).await?;
        mails
            .iter()
            .filter(|mail| mail.subject.contains("recovery code"))
            .find_map(|mail| six_digits(&mail.body))
            .ok_or_else(|| TestingError::Page {
                status: 200,
                detail: format!("no recovery code mailed to {to}: {mails:?}"),
            })
    }
}

/// The first run of exactly six digits in `text`.
fn six_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).map(str::to_owned)
}
