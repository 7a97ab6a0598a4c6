//! The login pages in a real browser: headless Chromium driven over WebDriver (ChromeDriver),
//! against a companion serving on loopback. Ignored in `make test-rust`; `make test-browser`
//! runs it. Screenshots of each page go to `$CARGO_TARGET_TMPDIR/companion-pages/`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use sigil_companion::server::{self, AppState};

use super::harness::{Login, PASSWORD, TestDfns, config_for};
use crate::support::Db;

/// ChromeDriver on a loopback port, stopped when dropped.
struct ChromeDriver {
    url: String,
    _process: tokio::process::Child,
}

impl ChromeDriver {
    async fn start() -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("address").port()
        };
        let process = tokio::process::Command::new(
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver runs (Debian chromium-driver; scripts/install-deps.sh test)");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(format!("{url}/status")).send().await.is_ok_and(|r| r.status().is_success())
            {
                return Self { url, _process: process };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer on {url} within 20 s");
    }

    async fn headless_chromium(&self) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=900,900"],
            }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// Saves what the browser shows as `name.png`.
async fn screenshot(browser: &Client, name: &str) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("companion-pages");
    std::fs::create_dir_all(&folder).expect("screenshot folder");
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(folder.join(format!("{name}.png")), png).expect("write screenshot");
}

async fn fill(browser: &Client, id: &str, text: &str) {
    let field = browser.find(Locator::Id(id)).await.expect("the field");
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn submit(browser: &Client) {
    browser
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
}

/// Waits for the element `css` (the next page has loaded) and returns it.
async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    match browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(error) => {
            screenshot(browser, "failure").await;
            let source = browser.source().await.unwrap_or_default();
            panic!("no {css} ({error}); the page: {source}");
        }
    }
}

async fn text(browser: &Client, css: &str) -> String {
    wait_for(browser, css).await.text().await.expect("text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and ChromeDriver: `make test-browser` runs it"]
async fn browser_sign_up_sign_in_and_the_redirect_to_the_app_with_code_and_state() {
    let dfns = TestDfns::start().await;
    let db = Db::sqlite();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let config = config_for(&dfns, &["--public-url", &base]);
    let state = AppState::new(config, db.store().await).expect("state");
    let server = tokio::spawn(server::serve(listener, state, std::future::pending()));
    let driver = ChromeDriver::start().await;
    let browser = driver.headless_chromium().await;

    // Sign up.
    browser.goto(&format!("{base}/signup")).await.expect("sign-up page");
    wait_for(&browser, "#email").await;
    screenshot(&browser, "1-sign-up").await;
    fill(&browser, "email", "wren@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    submit(&browser).await;
    let open = wait_for(&browser, "#open-in-app").await;
    let home = text(&browser, "main").await;
    assert!(home.contains("Signed in as wren@example.org"), "{home}");
    assert_eq!(open.attr("href").await.expect("href").as_deref(), Some("sigil://auth/start"));
    screenshot(&browser, "2-home-signed-in").await;

    // Sign out.
    browser
        .find(Locator::Css("form[action='/signout'] button"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "a[href='/signup']").await;
    assert!(text(&browser, "main").await.contains("Create account"), "signed out");

    // The app opens the authorize page; the person signs in; the browser goes to the app.
    let login = Login::new();
    browser.goto(&format!("{base}{}", login.authorize_path())).await.expect("authorize page");
    assert!(text(&browser, "main").await.contains("Sign in to continue to Sigil"));
    screenshot(&browser, "3-authorize-sign-in").await;
    fill(&browser, "email", "wren@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    submit(&browser).await;
    let link = wait_for(&browser, "#open-app").await;
    let href = link.attr("href").await.expect("href").expect("a deep link");
    let deep_link = url::Url::parse(&href).expect("a URL");
    assert_eq!(
        (deep_link.scheme(), deep_link.host_str(), deep_link.path()),
        ("sigil", Some("auth"), "/callback")
    );
    let query: std::collections::BTreeMap<String, String> =
        deep_link.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(&login.state), "the app's state comes back");
    let code = query.get("code").expect("a code").clone();
    let refresh = browser
        .find(Locator::Css("meta[http-equiv=refresh]"))
        .await
        .expect("the redirect")
        .attr("content")
        .await
        .expect("content");
    assert_eq!(refresh, Some(format!("0;url={href}")), "the page redirects to the same link");
    screenshot(&browser, "4-hand-off").await;

    // The code is real: the app redeems it for a session.
    let session = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&login.redemption(&code))
        .send()
        .await
        .expect("companion answers");
    assert_eq!(session.status(), reqwest::StatusCode::OK);

    browser.close().await.expect("close the session");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and ChromeDriver: `make test-browser` runs it"]
async fn browser_recovery_check_asks_the_password_then_the_emailed_code_and_hands_off() {
    let dfns = TestDfns::start().await;
    let db = Db::sqlite();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let config = config_for(&dfns, &["--public-url", &base]);
    let state = AppState::new(config, db.store().await).expect("state");
    let store = state.store().clone();
    let server = tokio::spawn(server::serve(listener, state, std::future::pending()));
    let driver = ChromeDriver::start().await;
    let browser = driver.headless_chromium().await;

    // An account, signed in on the site: the recovery check asks for the password all the same.
    browser.goto(&format!("{base}/signup")).await.expect("sign-up page");
    fill(&browser, "email", "yan@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    submit(&browser).await;
    wait_for(&browser, "#open-in-app").await;
    let login = Login::new();
    browser.goto(&format!("{base}{}", login.recover_path())).await.expect("recovery page");
    assert!(text(&browser, "h1").await.contains("Recover access to your wallet"));
    screenshot(&browser, "5-recover").await;
    fill(&browser, "email", "yan@example.org").await;
    fill(&browser, "password", PASSWORD).await;
    submit(&browser).await;
    wait_for(&browser, "#code").await;
    screenshot(&browser, "6-recover-code").await;

    // A wrong code first, then the one in the mail.
    let mails = store.outbox().await.expect("the outbox");
    let body = &mails.first().expect("the code was mailed").body;
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("six digits")
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    fill(&browser, "code", wrong).await;
    submit(&browser).await;
    let error = wait_for(&browser, "#error").await;
    assert_eq!(error.attr("data-code").await.expect("attr").as_deref(), Some("EMAIL_CODE_INVALID"));
    screenshot(&browser, "7-recover-wrong-code").await;
    fill(&browser, "code", &code).await;
    submit(&browser).await;
    let link = wait_for(&browser, "#open-app").await;
    let href = link.attr("href").await.expect("href").expect("a deep link");
    let deep_link = url::Url::parse(&href).expect("a URL");
    let query: std::collections::BTreeMap<String, String> =
        deep_link.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(&login.state), "the app's state comes back");

    // The code opens a recovery session.
    let session = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&login.redemption(query.get("code").expect("a code")))
        .send()
        .await
        .expect("companion answers");
    let session: serde_json::Value = session.json().await.expect("JSON");
    assert_eq!(session["purpose"], "recovery");

    browser.close().await.expect("close the session");
    server.abort();
}
