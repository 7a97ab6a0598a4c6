//! Signed updates through `AppService`, with a fake of the shell's updater: what is offered,
//! what is refused with which code, and that nothing installs without the person's yes.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sigil_core::service::{AppService, Outside};
use sigil_core::updates::{Offer, Updater, UpdaterError, UpdaterFuture};
use sigil_store::MemoryStore;
use url::Url;

/// The shell's updater, as the tests script it.
#[derive(Default)]
struct FakeUpdater {
    offer: Mutex<Option<Offer>>,
    install: Mutex<Option<UpdaterError>>,
    asked: Mutex<Vec<Url>>,
    installed: Mutex<Vec<String>>,
    restarts: Mutex<usize>,
}

impl Updater for FakeUpdater {
    fn current_version(&self) -> String {
        "0.1.0".to_owned()
    }

    fn check(&self, endpoint: Url) -> UpdaterFuture<'_, Option<Offer>> {
        self.asked.lock().expect("lock").push(endpoint);
        let offer = self.offer.lock().expect("lock").clone();
        Box::pin(async move { Ok(offer) })
    }

    fn install(&self, version: String) -> UpdaterFuture<'_, ()> {
        let failure = self.install.lock().expect("lock").clone();
        if failure.is_none() {
            self.installed.lock().expect("lock").push(version);
        }
        Box::pin(async move { failure.map_or(Ok(()), Err) })
    }

    fn restart(&self) {
        *self.restarts.lock().expect("lock") += 1;
    }
}

#[derive(Default)]
struct Events(Mutex<Vec<(String, Value)>>);

impl Outside for Events {
    fn emit(&self, event: &str, payload: Value) {
        self.0.lock().expect("lock").push((event.to_owned(), payload));
    }

    fn open_url(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }

    fn open_approval(&self) -> Result<(), String> {
        Err("no approval here".to_owned())
    }

    fn close_approval(&self) {}

    fn notify(&self, _title: &str, _body: &str) {}
}

struct Scene {
    service: AppService,
    updater: Arc<FakeUpdater>,
    events: Arc<Events>,
    _data: tempfile::TempDir,
}

async fn scene(confirmed: bool, offered: Option<&str>) -> Scene {
    let data = tempfile::tempdir().expect("data dir");
    let settings =
        json!({"companionUrl": "https://wallet.example.com", "companyConfirmed": confirmed});
    std::fs::write(data.path().join("settings.json"), settings.to_string()).expect("settings");
    let updater = Arc::new(FakeUpdater::default());
    *updater.offer.lock().expect("lock") = offered.map(|version| Offer {
        version: version.to_owned(),
        notes: Some("Faster start.".to_owned()),
        date: Some("2026-05-01T12:00:00Z".to_owned()),
    });
    let events = Arc::new(Events::default());
    let service =
        AppService::open(data.path().to_owned(), Arc::new(MemoryStore::new()), events.clone())
            .await
            .expect("opens")
            .with_updater(updater.clone());
    Scene { service, updater, events, _data: data }
}

#[tokio::test]
async fn a_newer_sigil_from_the_confirmed_company_is_announced_with_its_notes() {
    let scene = scene(true, Some("0.2.0")).await;
    let view = scene.service.check_update().await.expect("checked").expect("an update");
    assert_eq!((view.version.as_str(), view.notes.as_str()), ("0.2.0", "Faster start."));
    let asked = scene.updater.asked.lock().expect("lock").clone();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].as_str().starts_with("https://wallet.example.com/updates/"), "{}", asked[0]);
    assert_eq!(scene.service.update_offered(), Some(view), "kept for a UI that starts later");
    let events = scene.events.0.lock().expect("lock").clone();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "update:available");
    assert_eq!(events[0].1["version"], "0.2.0");
    assert_eq!(events[0].1["currentVersion"], "0.1.0");
}

#[tokio::test]
async fn nothing_newer_announces_nothing() {
    let scene = scene(true, None).await;
    assert_eq!(scene.service.check_update().await.expect("checked"), None);
    assert!(scene.events.0.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn an_older_sigil_offered_is_refused_and_cannot_be_installed() {
    let scene = scene(true, Some("0.0.9")).await;
    let error = scene.service.check_update().await.expect_err("refused");
    assert_eq!(error.code(), "UPDATE_NOT_NEWER");
    assert_eq!(scene.service.update_offered(), None);
    assert!(error.to_string().contains("0.0.9"), "{error}");
    let install = scene.service.install_update("0.0.9").await.expect_err("nothing pending");
    assert_eq!(install.code(), "NO_UPDATE_PENDING");
    assert!(scene.updater.installed.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn the_update_the_person_agreed_to_installs_and_restarts_the_app() {
    let scene = scene(true, Some("0.2.0")).await;
    scene.service.check_update().await.expect("checked");
    let other = scene.service.install_update("0.3.0").await.expect_err("not the one shown");
    assert_eq!(other.code(), "NO_UPDATE_PENDING");
    scene.service.install_update("0.2.0").await.expect("installed");
    assert_eq!(*scene.updater.installed.lock().expect("lock"), ["0.2.0"]);
    assert_eq!(*scene.updater.restarts.lock().expect("lock"), 1);
}

#[tokio::test]
async fn an_update_whose_signature_is_not_the_companys_is_refused_and_nothing_restarts() {
    let scene = scene(true, Some("0.2.0")).await;
    *scene.updater.install.lock().expect("lock") =
        Some(UpdaterError::Signature("the signature does not verify".to_owned()));
    scene.service.check_update().await.expect("checked");
    let error = scene.service.install_update("0.2.0").await.expect_err("refused");
    assert_eq!(error.code(), "UPDATE_SIGNATURE_INVALID");
    assert!(error.to_string().contains("nothing was installed"), "{error}");
    assert_eq!(*scene.updater.restarts.lock().expect("lock"), 0);
}

#[tokio::test]
async fn no_update_is_asked_for_before_the_person_confirmed_the_company() {
    let scene = scene(false, Some("0.2.0")).await;
    let error = scene.service.check_update().await.expect_err("refused");
    assert_eq!(error.code(), "COMPANY_UNCONFIRMED");
    assert!(scene.updater.asked.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn a_shell_without_an_updater_says_it_cannot_update() {
    let data = tempfile::tempdir().expect("data dir");
    let service = AppService::open(
        data.path().to_owned(),
        Arc::new(MemoryStore::new()),
        Arc::new(Events::default()),
    )
    .await
    .expect("opens");
    assert_eq!(service.check_update().await.expect_err("refused").code(), "UPDATES_UNSUPPORTED");
}
