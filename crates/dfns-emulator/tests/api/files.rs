//! The emulator's data folder is its owner's alone: it holds the service account's key and every
//! user's state.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use dfns_emulator::{Config, Emulator};

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn a_new_data_folder_and_the_sqlite_files_are_closed_to_other_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (parent, data) = (dir.path().join("data"), dir.path().join("data").join("dfns-emulator"));
    // Opening writes the org and the service account, so SQLite has made its -wal and -shm.
    let emulator = Emulator::open(Config::new(data.clone())).await.expect("emulator opens");
    assert_eq!((mode(&parent), mode(&data)), (0o700, 0o700), "new folders");
    for name in ["dfns-emulator.sqlite3", "dfns-emulator.sqlite3-wal", "dfns-emulator.sqlite3-shm"]
    {
        assert_eq!(mode(&data.join(name)), 0o600, "{name}");
    }
    drop(emulator);
}

#[tokio::test]
async fn an_existing_database_others_could_read_is_closed_to_them_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dfns-emulator.sqlite3");
    drop(Emulator::open(Config::new(dir.path().to_owned())).await.expect("first start"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    drop(Emulator::open(Config::new(dir.path().to_owned())).await.expect("second start"));
    assert_eq!(mode(&file), 0o600);
}

#[tokio::test]
async fn bootstrap_json_with_the_service_account_key_is_the_owner_s_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let emulator = Emulator::open(Config::new(dir.path().to_owned())).await.expect("opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    // Written before serving; shut down at once.
    emulator.serve(listener, std::future::ready(())).await.expect("served");
    assert_eq!(mode(&dir.path().join(dfns_emulator::BOOTSTRAP_FILE)), 0o600);
}
