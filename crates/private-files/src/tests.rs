#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn new_folders_are_closed_to_other_accounts_and_existing_ones_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let existing = dir.path().join("home");
    std::fs::create_dir(&existing).expect("mkdir");
    chmod(&existing, 0o755);
    let data = existing.join("data").join("sigil");
    super::create_dir_all(&data).expect("folders");
    assert_eq!(mode(&existing.join("data")), 0o700, "a new parent");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&existing), 0o755, "not ours to change");
    super::create_dir_all(&data).expect("again: nothing to do");
}

#[test]
fn a_new_file_is_0600_and_an_existing_one_keeps_its_contents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cache.db");
    super::create_file(&file).expect("file");
    assert_eq!((mode(&file), std::fs::read(&file).expect("read")), (0o600, vec![]));
    std::fs::write(&file, b"data").expect("write");
    super::create_file(&file).expect("exists");
    assert_eq!(std::fs::read(&file).expect("read"), b"data");
}

#[test]
fn written_settings_are_0600_even_over_a_file_others_could_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("settings.json");
    super::write(&file, b"{}").expect("new");
    assert_eq!(mode(&file), 0o600);
    chmod(&file, 0o664);
    super::write(&file, b"{\"a\":1}").expect("again");
    assert_eq!((mode(&file), std::fs::read(&file).expect("read")), (0o600, b"{\"a\":1}".to_vec()));
}

#[test]
fn a_database_and_its_wal_and_shm_lose_the_rights_of_others_and_nothing_more() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("journal.db");
    let wal = dir.path().join("journal.db-wal");
    let shm = dir.path().join("journal.db-shm");
    for (path, before) in [(&db, 0o644), (&wal, 0o666), (&shm, 0o604)] {
        std::fs::write(path, b"x").expect("write");
        chmod(path, before);
    }
    super::close_database_to_others(&db);
    assert_eq!([mode(&db), mode(&wal), mode(&shm)], [0o600; 3]);

    // A read-only database stays read-only: only others' bits go.
    chmod(&db, 0o444);
    super::close_database_to_others(&db);
    assert_eq!(mode(&db), 0o400);
    // Missing -wal and -shm are no error.
    super::close_database_to_others(&dir.path().join("absent.db"));
}
