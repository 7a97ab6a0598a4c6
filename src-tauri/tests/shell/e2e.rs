//! The real app under a virtual display, driven over WebDriver (tauri-driver + WebKitWebDriver),
//! against a real companion and emulator: sign in through the website and the deep link
//! (delivered by starting a second instance with it), register with the device passkey, see the
//! wallets, send and see it confirmed, sign a message, add a backup key, sign out; then lose the
//! computer: on a new one, recover with the kit after the website's fresh check, and send. Ignored in `make test-rust`;
//! `make test-e2e` runs it under Xvfb with a throw-away keyring and D-Bus session. Screenshots of
//! each screen, the app's log and the time of each step (`steps.txt`) go to
//! `$CARGO_TARGET_TMPDIR/app-e2e/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use sigil_companion::testing::{TestStack, Website};

/// An EIP-55 address nobody here owns.
/// The PIN the person chooses for the passkey on this computer.
const PIN: &str = "246810";
const RECIPIENT: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

/// tauri-driver on a free port, stopped when dropped.
pub(crate) struct Driver {
    url: String,
    _process: tokio::process::Child,
}

impl Driver {
    pub(crate) async fn start(env: &[(&str, String)]) -> Self {
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

    pub(crate) async fn app(&self, binary: &Path) -> Client {
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

/// Waits until no process runs `binary` any more: a closed app may still hold its single-instance
/// name on the session bus for a moment, and the next app started then would hand its
/// arguments to the dying one instead of starting.
async fn wait_until_gone(binary: &Path) {
    let running = || {
        std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|entry| {
            std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == binary)
        })
    };
    for _ in 0..300 {
        if !running() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} still runs 30 s after it was closed", binary.display());
}

/// The app's own log (through tauri-driver), kept with the screenshots; started afresh with each
/// driver.
fn driver_log() -> Stdio {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::File::create(app_log()).map_or_else(|_| Stdio::null(), Stdio::from)
}

pub(crate) fn app_log() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e/app.log")
}

/// The app's log level: its requests to Dfns and to the companion, one line each.
const LOG_REQUESTS: (&str, &str) =
    ("RUST_LOG", "info,dfns_client::transport=debug,sigil_core::companion=debug");

/// `text` without the terminal's colour sequences (`ESC [ … m`) the log is written with.
pub(crate) fn without_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            plain.push(c);
        }
    }
    plain
}

/// The requests the app made since its log was `from` bytes long: a line such as `Dfns 6
/// (POST /auth/action/init, …), companion 1 (POST dfns-token)`, and the log's length now.
fn requests_since(from: usize) -> (String, usize) {
    let log = std::fs::read(app_log()).unwrap_or_default();
    let new = without_colours(&String::from_utf8_lossy(log.get(from..).unwrap_or_default()));
    let field = |line: &str, name: &str| {
        let start = line.find(&format!("{name}="))? + name.len() + 1;
        let value = &line[start..];
        let end = value.find(' ').unwrap_or(value.len());
        Some(value[..end].trim_matches('"').to_owned())
    };
    let of = |message: &str| -> Vec<String> {
        // The timed refresh's requests (every 2 s here) are not the person's: left out.
        new.lines()
            .filter(|line| line.contains(message) && !line.contains("timed_refresh"))
            .filter_map(|line| Some(format!("{} {}", field(line, "method")?, field(line, "path")?)))
            .collect()
    };
    let (dfns, companion) = (of("dfns request"), of("companion request"));
    let line = format!(
        "Dfns {} ({}), companion {} ({})",
        dfns.len(),
        dfns.join(", "),
        companion.len(),
        companion.join(", ")
    );
    (line, log.len())
}

pub(crate) async fn screenshot(app: &Client, name: &str) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e");
    std::fs::create_dir_all(&folder).expect("folder");
    if let Ok(png) = app.screenshot().await {
        std::fs::write(folder.join(format!("{name}.png")), png).expect("write");
    }
}

pub(crate) async fn wait_for(app: &Client, css: &str) -> fantoccini::elements::Element {
    match app.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(error) => {
            screenshot(app, "failure").await;
            let source = app.source().await.unwrap_or_default();
            panic!("no {css} ({error}): {source}");
        }
    }
}

/// A desktop's notification server (the freedesktop interface notify-rust speaks): records each
/// notification's summary.
#[derive(Clone, Default)]
struct NotificationServer(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl NotificationServer {
    fn shown(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl NotificationServer {
    #[allow(clippy::too_many_arguments)] // the D-Bus method's own signature
    fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        _body: String,
        _actions: Vec<String>,
        _hints: std::collections::HashMap<String, zbus::OwnedVariant>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.0.lock().expect("lock");
        shown.push(summary);
        u32::try_from(shown.len()).unwrap_or(u32::MAX)
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".to_owned()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("sigil-e2e".to_owned(), "sigil".to_owned(), "1".to_owned(), "1.2".to_owned())
    }

    fn close_notification(&self, _id: u32) {}
}

/// Finds the approval window Rust opened, checks that it shows `must_show`, takes its picture,
/// approves there, and comes back to the main window (which cannot approve).
async fn approve_in_window(app: &Client, name: &str, must_show: &[&str]) {
    let main = app.window().await.expect("the main window");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let approval = loop {
        let windows = app.windows().await.expect("windows");
        if let Some(other) = windows.into_iter().find(|w| *w != main) {
            break other;
        }
        if std::time::Instant::now() >= deadline {
            screenshot(app, "failure").await;
            let source = app.source().await.unwrap_or_default();
            panic!("no approval window opened for {name}: {source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    app.switch_to_window(approval).await.expect("to the approval window");
    wait_for(app, "#approve").await;
    let details = wait_for(app, "#approval-details").await.text().await.expect("details");
    for text in must_show {
        assert!(details.contains(text), "{name}: {text:?} in {details}");
    }
    // The passkey on this computer asks for its PIN with the approval (twice when it is new).
    for field in ["#approval-pin", "#approval-pin-repeat"] {
        if let Ok(input) = app.find(Locator::Css(field)).await {
            input.send_keys(PIN).await.expect("type the PIN");
        }
    }
    screenshot(app, name).await;
    let button = wait_for(app, "#approve:enabled").await;
    app.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&button).expect("ref")])
        .await
        .expect("scroll to the button");
    // The app closes the window as soon as the answer arrives, sometimes before the driver
    // reports the click: a window gone after the click is the click having worked.
    match button.click().await {
        Ok(_) => {}
        Err(fantoccini::error::CmdError::Standard(error))
            if error.error == fantoccini::error::ErrorStatus::NoSuchWindow => {}
        Err(error) => panic!("approve: {error:?}"),
    }
    app.switch_to_window(main).await.expect("back to the main window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, a D-Bus session and tauri-driver: `make test-e2e` runs it"]
async fn e2e_the_user_journey_in_the_real_app() {
    // The desktop's notification server, on the test's D-Bus session: what the app shows.
    let notifications = NotificationServer::default();
    let _notification_bus = zbus::connection::Builder::session()
        .name("org.freedesktop.Notifications")
        .serve_at("/org/freedesktop/Notifications", notifications.clone())
        .build()
        .await
        .expect("the notification server");
    // New wallets start with one coin, so the journey can send.
    let _ = std::fs::remove_dir_all(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e"));
    let stack = TestStack::start_with(|config| config.fund_new_wallets = true)
        .await
        .expect("emulator and companion");
    let started = std::time::Instant::now();
    let mut steps: Vec<(&str, Duration)> = Vec::new();
    let mut lap = std::time::Instant::now();
    let mut step = |name: &'static str| {
        steps.push((name, lap.elapsed()));
        lap = std::time::Instant::now();
    };
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
    // The "system browser": a desktop entry that records the URL, made the default http(s)
    // handler the way a desktop does it (mimeapps.list), so xdg-open picks it.
    let data_home = scratch.path().join("data");
    let config_home = scratch.path().join("config");
    std::fs::create_dir_all(data_home.join("applications")).expect("applications");
    std::fs::create_dir_all(&config_home).expect("config");
    std::fs::write(
        data_home.join("applications/record-url.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Record URL\nExec={} %u\n\
             MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("desktop entry");
    std::fs::write(
        config_home.join("mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=record-url.desktop\n\
         x-scheme-handler/https=record-url.desktop\n",
    )
    .expect("mimeapps.list");
    // The "security key" added as a backup: the development build's software one.
    let security_key = scratch.path().join("security-key");
    let env = [
        ("SIGIL_COMPANION_URL", stack.companion_url.clone()),
        ("SIGIL_DEV_SECURITY_KEY", security_key.display().to_string()),
        ("SIGIL_REFRESH_SECONDS", "2".to_owned()),
        ("XDG_DATA_HOME", data_home.display().to_string()),
        ("XDG_CONFIG_HOME", config_home.display().to_string()),
        (LOG_REQUESTS.0, LOG_REQUESTS.1.to_owned()),
    ];
    let mut round_trips: Vec<String> = Vec::new();
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_sigil"));
    let driver = Driver::start(&env).await;
    let app = driver.app(&binary).await;

    wait_for(&app, "#sign-in").await;
    step("app start to first screen");
    screenshot(&app, "1-sign-in").await;
    wait_for(&app, "#sign-in").await.click().await.expect("click sign in");
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

    wait_for(&app, "#register").await;
    step("sign in through the website and the deep link");
    screenshot(&app, "2-register").await;
    wait_for(&app, "#register").await.click().await.expect("click register");
    approve_in_window(&app, "2b-approve-register", &["localhost"]).await;
    // The recovery kit made with the passkey: its code is shown once and typed back.
    let kit_code = wait_for(&app, "#recovery-kit-code").await.text().await.expect("the code");
    let kit_code = kit_code.trim().to_owned();
    assert!(kit_code.starts_with("D1-"), "{kit_code}");
    screenshot(&app, "2c-recovery-kit").await;
    wait_for(&app, "#recovery-kit-typed").await.send_keys(&kit_code).await.expect("type it back");
    wait_for(&app, "#recovery-kit-confirm:enabled").await.click().await.expect("confirm the kit");
    wait_for(&app, "#wallets [data-wallet-id]").await;
    step("registration with the device passkey and the recovery kit");
    screenshot(&app, "3-home").await;
    let wallets = app.find_all(Locator::Css("#wallets [data-wallet-id]")).await.expect("wallets");
    assert_eq!(wallets.len(), 2, "the default wallets");

    // Send 0.1 ETH: form, confirmation from the exact body, passkey, confirmed.
    let (_, before_send) = requests_since(0);
    wait_for(&app, "#send-open").await.click().await.expect("open send");
    let wallet = wait_for(&app, "#send-wallet").await;
    let sepolia = app
        .find(Locator::XPath("//select[@id='send-wallet']/option[contains(., 'Ethereum Sepolia')]"))
        .await
        .expect("a Sepolia wallet to send from")
        .attr("value")
        .await
        .expect("value")
        .expect("a wallet id");
    wallet.select_by_value(&sepolia).await.expect("choose Sepolia");
    wait_for(&app, "#send-to").await.send_keys(RECIPIENT).await.expect("type recipient");
    wait_for(&app, "#send-amount").await.send_keys("0.1").await.expect("type amount");
    screenshot(&app, "4-send").await;
    // Review is enabled once the core has checked the form.
    wait_for(&app, "#send-submit:enabled").await.click().await.expect("review");
    let intent = wait_for(&app, "#intent").await.text().await.expect("intent");
    assert!(intent.contains("0.1") && intent.contains("ETH"), "{intent}");
    screenshot(&app, "5-confirm").await;
    wait_for(&app, "#confirm:enabled").await.click().await.expect("confirm");
    approve_in_window(&app, "5b-approve-send", &["0.1 ETH", RECIPIENT]).await;
    wait_for(&app, "#transfer-status[data-status='Confirmed']").await;
    step("send to confirmed");
    round_trips.push(format!("send, Send screen to Confirmed: {}", requests_since(before_send).0));
    screenshot(&app, "6-sent").await;
    wait_for(&app, "#done").await.click().await.expect("done");

    // The wallet's page lists the transfer, confirmed.
    wait_for(&app, "#nav-home").await.click().await.expect("home");
    let open = format!("[data-wallet-id='{sepolia}'] [data-action='history']");
    wait_for(&app, &open).await.click().await.expect("open the wallet");
    wait_for(&app, "[data-transfer-id][data-status='Confirmed']").await;
    step("the transfer in the wallet's history");
    screenshot(&app, "6b-history").await;

    // Funds arrive while Sigil runs: the wallet's page shows them without Refresh.
    let incoming = "[data-wallet-detail] .history li[data-direction='In']";
    let before = app.find_all(Locator::Css(incoming)).await.map_or(0, |items| items.len());
    let address = wait_for(&app, "[data-wallet-detail] .address-block code.address")
        .await
        .text()
        .await
        .expect("the wallet's address");
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": "EthereumSepolia", "address": address.trim(), "amount": "20000000000000000"}))
        .send()
        .await
        .expect("faucet");
    assert!(answer.status().is_success(), "faucet: {}", answer.status());
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = app.find_all(Locator::Css(incoming)).await.map_or(0, |items| items.len());
        if now > before {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the incoming funds never showed");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let history = wait_for(&app, "[data-wallet-detail] .history").await.text().await.expect("text");
    assert!(history.contains("0.02 ETH"), "{history}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !notifications.shown().iter().any(|summary| summary == "Received 0.02 ETH") {
        assert!(
            std::time::Instant::now() < deadline,
            "no desktop notification of the funds: {:?}",
            notifications.shown()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    step("incoming funds shown without Refresh, and announced by the desktop");
    screenshot(&app, "6c-incoming").await;

    // Sign a message.
    wait_for(&app, "#sign-open").await.click().await.expect("open sign");
    wait_for(&app, "#sign-message").await.send_keys("hello from the e2e test").await.expect("type");
    wait_for(&app, "#sign-submit:enabled").await.click().await.expect("review");
    wait_for(&app, "#intent").await;
    wait_for(&app, "#confirm:enabled").await.click().await.expect("confirm");
    approve_in_window(&app, "7b-approve-message", &["hello from the e2e test"]).await;
    wait_for(&app, "#outcome").await;
    step("sign a message");
    screenshot(&app, "7-signed").await;
    wait_for(&app, "#done").await.click().await.expect("done");

    // Add a security key as a backup passkey: it makes the passkey, the device passkey signs.
    wait_for(&app, "#nav-passkeys").await.click().await.expect("passkeys");
    wait_for(&app, "#passkeys [data-credential-uuid]").await;
    wait_for(&app, "#add-auth-security-key").await.click().await.expect("choose the key");
    wait_for(&app, "#passkey-name").await.send_keys("Backup key").await.expect("type name");
    wait_for(&app, "#passkey-add:enabled").await.click().await.expect("add");
    approve_in_window(&app, "8a-approve-new-key", &["localhost"]).await;
    wait_for(&app, "#intent").await;
    wait_for(&app, "#confirm:enabled").await.click().await.expect("confirm");
    approve_in_window(&app, "8b-approve-add-key", &["Backup key"]).await;
    wait_for(&app, "#outcome").await;
    wait_for(&app, "#done").await.click().await.expect("done");
    wait_for(&app, "#passkeys [data-credential-uuid]:nth-child(2)[data-active='true']").await;
    let rows = app.find_all(Locator::Css("#passkeys [data-credential-uuid]")).await.expect("rows");
    assert_eq!(rows.len(), 2, "the device passkey and the backup key");
    step("add a security key as a backup passkey");
    screenshot(&app, "8-passkeys").await;

    // Quit and start again: the home screen from the cache, then what the app asks to refresh it.
    app.close().await.expect("close");
    drop(driver);
    wait_until_gone(&binary).await;
    let driver = Driver::start(&env).await;
    let app = driver.app(&binary).await;
    wait_for(&app, "#wallets [data-wallet-id]").await;
    step("start again, signed in, to the wallets");
    tokio::time::sleep(Duration::from_secs(3)).await;
    round_trips.push(format!(
        "start with a warm cache, first 3 s after the wallets show: {}",
        requests_since(0).0
    ));

    // Sign out.
    wait_for(&app, "#nav-settings").await.click().await.expect("settings");
    wait_for(&app, "#sign-out").await.click().await.expect("sign out");
    wait_for(&app, "#sign-in").await;
    step("sign out");
    screenshot(&app, "9-signed-out").await;
    app.close().await.expect("close");
    drop(driver);
    wait_until_gone(&binary).await;

    // The computer is lost. Another one (a keyring that never saw the passkey, empty app data)
    // recovers access with the kit, after the website checked the person again.
    let new_data = scratch.path().join("new-computer");
    std::fs::create_dir_all(new_data.join("applications")).expect("applications");
    std::fs::copy(
        data_home.join("applications/record-url.desktop"),
        new_data.join("applications/record-url.desktop"),
    )
    .expect("the browser entry");
    let new_env = [
        ("SIGIL_COMPANION_URL", stack.companion_url.clone()),
        ("SIGIL_DEV_SECURITY_KEY", security_key.display().to_string()),
        ("SIGIL_DEV_KEYRING_SERVICE", "io.sigil.wallet.e2e-new-computer".to_owned()),
        ("XDG_DATA_HOME", new_data.display().to_string()),
        ("XDG_CONFIG_HOME", config_home.display().to_string()),
        (LOG_REQUESTS.0, LOG_REQUESTS.1.to_owned()),
    ];
    let driver = Driver::start(&new_env).await;
    let app = driver.app(&binary).await;
    let opened_before = std::fs::read_to_string(&opened).unwrap_or_default().lines().count();
    wait_for(&app, "#start-recovery").await.click().await.expect("I lost my computer");
    let mut recover_url = None;
    for _ in 0..100 {
        let lines: Vec<String> = std::fs::read_to_string(&opened)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
        if lines.len() > opened_before {
            recover_url = lines.last().cloned();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recover_url = recover_url.expect("the app opened the company's recovery page");
    assert!(recover_url.contains("/recover?"), "{recover_url}");
    let outbox = stack.outbox().expect("outbox");
    let link = Website::new(&stack.companion_url)
        .expect("browser")
        .recover_at(&recover_url, "e2e@example.org", "correct horse battery", &outbox)
        .await
        .expect("the website's fresh check hands back a deep link");
    let second = tokio::process::Command::new(&binary)
        .arg(link.as_str())
        .envs(new_env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(30), second).await;
    wait_for(&app, "#recover").await;
    step("lose the computer: the website's recovery check on a new one");
    screenshot(&app, "10-recover").await;
    wait_for(&app, "#recover-code").await.send_keys(&kit_code).await.expect("type the kit code");
    wait_for(&app, "#recover-submit:enabled").await.click().await.expect("recover");
    approve_in_window(&app, "10b-approve-recover", &["localhost"]).await;
    let new_kit = wait_for(&app, "#recovery-kit-code").await.text().await.expect("the new code");
    let new_kit = new_kit.trim().to_owned();
    assert_ne!(new_kit, kit_code, "the spent kit is replaced at once");
    wait_for(&app, "#recovered").await;
    step("recover with the kit: a new passkey here and a new kit");
    screenshot(&app, "11-recovered-new-kit").await;
    wait_for(&app, "#recovery-kit-typed").await.send_keys(&new_kit).await.expect("type it back");
    wait_for(&app, "#recovery-kit-confirm:enabled").await.click().await.expect("confirm the kit");
    wait_for(&app, "#wallets [data-wallet-id]").await;

    // The new passkey signs the next send.
    wait_for(&app, "#send-open").await.click().await.expect("open send");
    let wallet = wait_for(&app, "#send-wallet").await;
    wallet.select_by_value(&sepolia).await.expect("choose Sepolia");
    wait_for(&app, "#send-to").await.send_keys(RECIPIENT).await.expect("type recipient");
    wait_for(&app, "#send-amount").await.send_keys("0.05").await.expect("type amount");
    wait_for(&app, "#send-submit:enabled").await.click().await.expect("review");
    wait_for(&app, "#confirm:enabled").await.click().await.expect("confirm");
    approve_in_window(&app, "12a-approve-send-after-recovery", &["0.05 ETH", RECIPIENT]).await;
    wait_for(&app, "#transfer-status[data-status='Confirmed']").await;
    step("send with the recovered access");
    screenshot(&app, "12-sent-after-recovery").await;
    app.close().await.expect("close");
    let report: Vec<String> =
        steps.iter().map(|(name, took)| format!("{name}: {} ms", took.as_millis())).collect();
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("app-e2e");
    let total = format!("total: {} ms", started.elapsed().as_millis());
    std::fs::write(folder.join("steps.txt"), format!("{}\n{total}\n", report.join("\n")))
        .expect("steps");
    std::fs::write(folder.join("round-trips.txt"), format!("{}\n", round_trips.join("\n")))
        .expect("round trips");
}
