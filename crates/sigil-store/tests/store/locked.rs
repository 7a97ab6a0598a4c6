//! Another program holding a lock on the cache or the journal (a second Sigil, a backup tool, a
//! SQLite browser): once SQLite's busy timeout (10 s) has passed, a typed error with a stable
//! code, never a panic or a wait without end; nothing is moved aside, lost or half-written, and
//! the file works again once the lock is gone. Each test waits out the busy timeout once or
//! twice.

use std::path::Path;

use sigil_store::{Cache, CacheOpened, Journal, NewOperation};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode};
use sqlx::{ConnectOptions as _, Connection as _};

use crate::fixtures::*;

fn operation(external_id: &str) -> NewOperation<'_> {
    NewOperation {
        kind: "transfer",
        owner: "us-1",
        external_id: Some(external_id),
        method: "POST",
        path: "/wallets/wa-1/transfers",
        body: "{}",
        intent: "{}",
        warnings: "[]",
    }
}

/// Another program's connection holding the write lock of `path` until it is closed: readers
/// still read (WAL), writers wait.
async fn hold_write_lock(path: &Path) -> SqliteConnection {
    let mut other = SqliteConnectOptions::new().filename(path).connect().await.expect("connect");
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut other).await.expect("the write lock");
    other
}

/// Another program's connection holding `path` in exclusive locking mode: nobody else may read
/// or write it until it is closed.
async fn hold_every_lock(path: &Path) -> SqliteConnection {
    let mut other = SqliteConnectOptions::new()
        .filename(path)
        .locking_mode(SqliteLockingMode::Exclusive)
        .connect()
        .await
        .expect("connect");
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut other).await.expect("every lock");
    other
}

fn set_aside(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains(".corrupt-") || name.contains(".newer-"))
        .collect()
}

#[tokio::test]
async fn a_cache_write_while_another_program_holds_the_write_lock_is_unavailable_then_works() {
    let dir = temp_dir();
    let (cache, _) = Cache::open(&dir.path().join("cache.db")).await;
    cache.set_owner("us-1").await.expect("owner");
    let other = hold_write_lock(&dir.path().join("cache.db")).await;

    let error = cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect_err("locked");
    assert_eq!(error.code(), "CACHE_UNAVAILABLE", "{error}");
    assert_eq!(cache.owner().await.expect("reads go on").as_deref(), Some("us-1"));

    other.close().await.expect("the other program lets go");
    cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("written now");
    assert_eq!(cache.wallets().await.expect("wallets"), [wallet("wa-1", "Main")]);
    cache.close().await;
}

#[tokio::test]
async fn a_journal_record_while_another_program_holds_the_write_lock_is_unavailable_and_records_nothing()
 {
    let dir = temp_dir();
    let path = dir.path().join("journal.db");
    let journal = Journal::open(&path).await.expect("journal");
    let other = hold_write_lock(&path).await;

    let error = journal.record(&operation("x-1"), 1).await.expect_err("locked");
    assert_eq!(error.code(), "JOURNAL_UNAVAILABLE", "{error}");
    assert!(journal.unfinished("us-1").await.expect("reads go on").is_empty(), "nothing recorded");

    other.close().await.expect("the other program lets go");
    let recorded = journal.record(&operation("x-1"), 2).await.expect("recorded now, once");
    assert_eq!(journal.unfinished("us-1").await.expect("list"), [recorded]);
    journal.close().await;
}

#[tokio::test]
async fn a_cache_locked_by_another_program_at_start_gives_a_cache_in_memory_and_is_left_alone() {
    let dir = temp_dir();
    let path = dir.path().join("cache.db");
    let (cache, _) = Cache::open(&path).await;
    cache.set_owner("us-1").await.expect("owner");
    cache.close().await;
    let other = hold_every_lock(&path).await;

    let (locked, opened) = Cache::open(&path).await;
    assert!(matches!(opened, CacheOpened::InMemory { .. }), "{opened:?}");
    assert!(!locked.is_persistent());
    assert_eq!(set_aside(dir.path()), Vec::<String>::new(), "a locked file is not damaged");
    locked.close().await;

    other.close().await.expect("the other program lets go");
    let (cache, opened) = Cache::open(&path).await;
    assert_eq!(opened, CacheOpened::Reused);
    assert_eq!(cache.owner().await.expect("owner").as_deref(), Some("us-1"), "nothing lost");
    cache.close().await;
}

#[tokio::test]
async fn a_journal_locked_by_another_program_at_start_is_unavailable_not_damaged() {
    let dir = temp_dir();
    let path = dir.path().join("journal.db");
    let journal = Journal::open(&path).await.expect("journal");
    let recorded = journal.record(&operation("x-1"), 1).await.expect("recorded");
    journal.close().await;
    let other = hold_every_lock(&path).await;

    let error = Journal::open(&path).await.expect_err("locked");
    assert_eq!(error.code(), "JOURNAL_UNAVAILABLE", "{error}");

    other.close().await.expect("the other program lets go");
    let journal = Journal::open(&path).await.expect("opens now");
    assert_eq!(journal.unfinished("us-1").await.expect("list"), [recorded], "nothing lost");
    journal.close().await;
}
