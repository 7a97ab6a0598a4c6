//! The app's data folder is the person's alone: the folder 0700, the cache, the journal (with
//! SQLite's `-wal` and `-shm`) and `settings.json` 0600.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use sigil_core::service::views::AuthenticatorChoice;
use sigil_core::service::{AppService, Outside};
use sigil_store::MemoryStore;

/// No window, no browser: nothing here reaches them.
struct Headless;

impl Outside for Headless {
    fn emit(&self, _event: &str, _payload: Value) {}

    fn open_url(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }

    fn open_approval(&self) -> Result<(), String> {
        Ok(())
    }

    fn close_approval(&self) {}

    fn notify(&self, _title: &str, _body: &str) {}
}

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

async fn open(data: &Path) -> AppService {
    AppService::open(data.to_owned(), Arc::new(MemoryStore::new()), Arc::new(Headless))
        .await
        .expect("the engine opens")
}

#[tokio::test]
async fn the_data_folder_and_every_file_in_it_are_closed_to_other_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("com.sigil.app");
    let service = open(&data).await;
    // A saved choice writes settings.json (no company server is asked while signed out).
    service.set_settings(None, Some(AuthenticatorChoice::Device), None).await.expect("saved");
    assert_eq!(mode(&data), 0o700);
    for name in ["settings.json", "cache.db", "cache.db-wal", "cache.db-shm", "journal.db"] {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    service.close().await;
}

#[tokio::test]
async fn settings_others_could_read_are_closed_to_them_at_the_next_save() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, br#"{"companionUrl":"http://127.0.0.1:8788"}"#).expect("write");
    std::fs::set_permissions(&settings, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let service = open(dir.path()).await;
    service.set_settings(None, Some(AuthenticatorChoice::Device), None).await.expect("saved");
    assert_eq!(mode(&settings), 0o600);
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&settings).expect("read")).expect("json");
    assert_eq!(saved["authenticator"], "device", "{saved}");
    service.close().await;
}
