//! The real app under a virtual display, driven over WebDriver (tauri-driver + WebKitWebDriver),
//! against a real companion and emulator: sign in through the website and the deep link
//! (delivered by starting a second instance with it), register with the device passkey, see the
//! wallets. Ignored in `make test-rust`; `make test-e2e` runs it under Xvfb with a throw-away
//! keyring. Screenshots go to `$CARGO_TARGET_TMPDIR/app-e2e/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use sigil_companion::testing::{TestStack, Website};

/// tauri-driver on a free port, stopped when dropped.
struct Driver {
    url: String,
    _process: tokio::process::Child,
}

impl Driver {
    async fn start(env: &[(&str, String)]) -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            probe.local_addr().expect("address").port()
        };
        let native_port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            probe.local_addr().expect("address").port()
        };
        let process = tokio::process::Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(driver_log())
            .kill_on_drop(true)
            .spawn()
            .expect("tauri-driver runs (cargo install tauri-driver; Debian webkit2gtk-driver)");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(format!("{url}/status")).send().await.is_ok() {
                return Self { url, _process: process };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("tauri-driver did not answer on {url}");
    }

    async fn app(&self, binary: &Path) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("tauri:options".into(), json!({ "application": binary }));
        capabilities.insert("browserName".into(), json!("wry"));
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("the app starts under WebDriver")
    }
}

/// The app's own log (through tauri-driver), kept with the screenshots.
fn driver_log() -> Stdio {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::File::create(folder.join("app.log")).map_or_else(|_| Stdio::null(), Stdio::from)
}

async fn screenshot(app: &Client, name: &str) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e");
    std::fs::create_dir_all(&folder).expect("folder");
    if let Ok(png) = app.screenshot().await {
        std::fs::write(folder.join(format!("{name}.png")), png).expect("write");
    }
}

async fn wait_for(app: &Client, css: &str) -> fantoccini::elements::Element {
    match app.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(error) => {
            screenshot(app, "failure").await;
            let source = app.source().await.unwrap_or_default();
            panic!("no {css} ({error}): {source}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, a D-Bus session and tauri-driver: `make test-e2e` runs it"]
async fn e2e_sign_in_through_the_deep_link_and_register_with_the_device_passkey() {
    let stack = TestStack::start().await.expect("emulator and companion");
    let scratch = tempfile::tempdir().expect("scratch");
    let opened = scratch.path().join("opened-urls");
    let browser = scratch.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()))
        .expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let env = [
        ("SIGIL_COMPANION_URL", stack.companion_url.clone()),
        ("XDG_DATA_HOME", scratch.path().join("data").display().to_string()),
        ("BROWSER", browser.display().to_string()),
    ];
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_sigil"));
    let driver = Driver::start(&env).await;
    let app = driver.app(&binary).await;

    wait_for(&app, "#sign-in").await.click().await.expect("click sign in");
    screenshot(&app, "1-sign-in").await;
    let mut authorize = None;
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(&opened) {
            authorize = text.lines().last().map(str::to_owned);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let authorize = authorize.expect("the app opened the company sign-in in the browser");
    let link = Website::new(&stack.companion_url)
        .expect("browser")
        .sign_in_at(&authorize, "e2e@example.org", "correct horse battery", true)
        .await
        .expect("deep link");
    // The operating system would start Sigil again with the link: the running one takes it.
    let second = tokio::process::Command::new(&binary)
        .arg(link.as_str())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(30), second).await;

    wait_for(&app, "#register").await.click().await.expect("click register");
    screenshot(&app, "2-register").await;
    wait_for(&app, "#wallets [data-wallet-id]").await;
    screenshot(&app, "3-home").await;
    let wallets = app.find_all(Locator::Css("#wallets [data-wallet-id]")).await.expect("wallets");
    assert_eq!(wallets.len(), 2, "the default wallets");
    app.close().await.expect("close");
}
