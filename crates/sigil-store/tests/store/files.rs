//! The cache and the journal on disk are the user's alone: folders 0700, the database files and
//! SQLite's `-wal` and `-shm` 0600, and an existing file others could read is closed to them.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use sigil_store::{Cache, CacheOpened, Journal};

use crate::fixtures::*;

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Opens a cache and a journal at `folder` and writes to both, so SQLite makes their `-wal` and
/// `-shm`; returns them open.
async fn cache_and_journal(folder: &Path) -> (Cache, Journal) {
    let (cache, opened) = Cache::open(&folder.join("cache.db")).await;
    assert!(cache.is_persistent(), "{opened:?}");
    cache.set_owner("us-1").await.expect("a cache write");
    let journal = Journal::open(&folder.join("journal.db")).await.expect("journal");
    let operation = sigil_store::NewOperation {
        kind: "transfer",
        owner: "us-1",
        external_id: None,
        method: "POST",
        path: "/wallets/wa-1/transfers",
        body: "{}",
        intent: "{}",
        warnings: "[]",
    };
    journal.record(&operation, 1).await.expect("a journal write");
    (cache, journal)
}

const FILES: [&str; 6] =
    ["cache.db", "cache.db-wal", "cache.db-shm", "journal.db", "journal.db-wal", "journal.db-shm"];

#[tokio::test]
async fn new_cache_and_journal_files_and_their_folders_are_closed_to_other_accounts() {
    let dir = temp_dir();
    let (data, folder) = (dir.path().join("data"), dir.path().join("data").join("Sigil"));
    let (cache, journal) = cache_and_journal(&folder).await;
    assert_eq!((mode(&data), mode(&folder)), (0o700, 0o700), "new folders");
    for name in FILES {
        assert_eq!(mode(&folder.join(name)), 0o600, "{name}");
    }
    cache.close().await;
    journal.close().await;
}

#[tokio::test]
async fn cache_and_journal_files_others_could_read_are_closed_to_them_when_opened() {
    let dir = temp_dir();
    let (cache, journal) = cache_and_journal(dir.path()).await;
    // Both kept open, so the -wal and -shm stay on disk to be widened too.
    for name in FILES {
        chmod(&dir.path().join(name), 0o644);
    }
    let (again_cache, again_journal) = cache_and_journal(dir.path()).await;
    for name in FILES {
        assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
    }
    for cache in [cache, again_cache] {
        cache.close().await;
    }
    for journal in [journal, again_journal] {
        journal.close().await;
    }
}

#[tokio::test]
async fn a_rebuilt_cache_file_is_closed_to_other_accounts() {
    let dir = temp_dir();
    let path = dir.path().join("cache.db");
    std::fs::write(&path, garbage()).expect("write");
    chmod(&path, 0o644);
    let (cache, opened) = Cache::open(&path).await;
    assert!(matches!(opened, CacheOpened::Rebuilt { .. }), "{opened:?}");
    assert_eq!(mode(&path), 0o600);
    cache.close().await;
}
