//! The installed app updating itself (`make test-update`, scripts/test-update.sh): the script
//! installs a .deb of one version, serves a signed .deb of the next from a companion, and runs
//! this test against the installed binary, under Xvfb over WebDriver. The app must announce the
//! offer, install it only when "Install and restart" is clicked, and come back as the new
//! version; or, for a tampered installer, refuse it with its code. Ignored everywhere else.
//!
//! Set by the script: `SIGIL_UPDATE_APP` (the installed binary), `SIGIL_COMPANION_URL`,
//! `SIGIL_UPDATE_OFFERED` (the version the companion offers) and `SIGIL_UPDATE_OUTCOME`
//! (`restarted`, or the error code the app must show).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::e2e::{Driver, app_log, screenshot, wait_for, without_colours};

fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `make test-update`"))
}

/// The processes running `binary` (a replaced binary reads `… (deleted)`, so only those started
/// from the file now installed count).
fn running(binary: &Path) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == binary))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an installed .deb and a companion serving its update: `make test-update` runs it"]
async fn the_installed_app_updates_itself_only_when_the_person_agrees() {
    let binary = PathBuf::from(setting("SIGIL_UPDATE_APP"));
    let offered = setting("SIGIL_UPDATE_OFFERED");
    let outcome = setting("SIGIL_UPDATE_OUTCOME");
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("SIGIL_COMPANION_URL", setting("SIGIL_COMPANION_URL")),
        ("XDG_DATA_HOME", home.path().join("data").display().to_string()),
        ("XDG_CONFIG_HOME", home.path().join("config").display().to_string()),
        ("RUST_LOG", "info".to_owned()),
    ];
    let driver = Driver::start(&env).await;
    let app = driver.app(&binary).await;

    // The check at start announces the offer; nothing installs before the click.
    let version = wait_for(&app, "#update-version").await.text().await.expect("version");
    assert!(version.contains(&offered), "{version}");
    screenshot(&app, &format!("update-{offered}-offered")).await;
    let before = std::fs::read(app_log()).unwrap_or_default().len();
    wait_for(&app, "#update-install").await.click().await.expect("install and restart");

    if outcome == "restarted" {
        // The new version logs its start into the same log (the restart inherits it).
        let started = format!("Sigil started version={offered}");
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let log = std::fs::read(app_log()).unwrap_or_default();
            let new =
                without_colours(&String::from_utf8_lossy(log.get(before..).unwrap_or_default()));
            if new.contains(&started) && !running(&binary).is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "the app did not start as {offered}: {new}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // The restarted app is no WebDriver session's: stop it here.
        for pid in running(&binary) {
            let _ = std::process::Command::new("kill").arg(&pid).status();
        }
    } else {
        let error = wait_for(&app, &format!("#update-error[data-code=\"{outcome}\"]")).await;
        screenshot(&app, &format!("update-{offered}-refused")).await;
        let text = error.text().await.expect("message");
        assert!(!text.is_empty(), "a sentence for {outcome}");
        let _ = app.close().await;
    }
}
