//! The cache on real SQLite files: how it opens (created, reused, rebuilt, in memory) and what it
//! keeps.

use std::path::{Path, PathBuf};

use sigil_store::{Cache, CacheOpened, Journal, NewOperation, RebuildReason};

use crate::fixtures::*;

fn cache_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("cache.sqlite3")
}

/// A cache file at `path` with an owner and one wallet in it, closed.
async fn cache_with_data(path: &Path) {
    let (cache, _) = Cache::open(path).await;
    cache.set_owner("us-1").await.expect("owner");
    cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("wallets");
    cache.close().await;
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|name| name.to_str()).expect("a file name").to_owned()
}

/// Asserts that `opened` is a rebuild for `reason` whose old file now sits next to `path`
/// under `<name>.<label>-<unix-ms>`, and returns where it went.
fn assert_rebuilt(opened: CacheOpened, path: &Path, reason: RebuildReason, label: &str) -> PathBuf {
    let CacheOpened::Rebuilt { reason: actual, moved_to } = opened else {
        panic!("expected a rebuild, got {opened:?}");
    };
    assert_eq!(actual, reason);
    assert_eq!(moved_to.parent(), path.parent(), "moved aside in the same folder");
    let name = file_name(&moved_to);
    let millis = name
        .strip_prefix(&format!("{}.{label}-", file_name(path)))
        .unwrap_or_else(|| panic!("{name} is not named after the cache file"));
    assert!(millis.parse::<u64>().is_ok_and(|ms| ms > 1_600_000_000_000), "{name}");
    moved_to
}

mod opening {
    use super::*;

    #[tokio::test]
    async fn a_missing_file_is_created_with_its_folder() {
        let dir = temp_dir();
        let path = dir.path().join("app data/Sigil/cache.sqlite3");
        let (cache, opened) = Cache::open(&path).await;
        assert_eq!(opened, CacheOpened::Created);
        assert!(cache.is_persistent());
        assert!(path.is_file());
        assert_eq!(cache.owner().await.expect("owner"), None);
        assert_eq!(cache.wallets().await.expect("wallets"), []);
        cache.close().await;
    }

    #[tokio::test]
    async fn a_reopened_cache_is_reused_with_all_its_data() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        let (cache, _) = Cache::open(&path).await;
        cache.set_owner("us-1").await.expect("owner");
        cache
            .replace_wallets(&[wallet("wa-1", "Main"), wallet("wa-2", "Savings")])
            .await
            .expect("wallets");
        cache.put_assets(&assets("wa-1", "1000")).await.expect("assets");
        let item = history_item("0x01", "2025-01-01T00:00:00Z", "In", "5");
        cache.add_history("wa-1", std::slice::from_ref(&item)).await.expect("history");
        let sent = transfer("xfr-1", "2025-01-01T00:00:00Z", "Confirmed");
        cache.put_transfers("wa-1", std::slice::from_ref(&sent)).await.expect("transfers");
        cache.set_cursor("wa-1", "history", Some("page-2")).await.expect("cursor");
        cache.close().await;

        let (cache, opened) = Cache::open(&path).await;
        assert_eq!(opened, CacheOpened::Reused);
        assert_eq!(cache.owner().await.expect("owner").as_deref(), Some("us-1"));
        assert_eq!(
            cache.wallets().await.expect("wallets"),
            [wallet("wa-1", "Main"), wallet("wa-2", "Savings")]
        );
        assert_eq!(cache.assets("wa-1").await.expect("assets"), Some(assets("wa-1", "1000")));
        assert_eq!(cache.history("wa-1", 10).await.expect("history"), [item]);
        assert_eq!(cache.transfers("wa-1", 10).await.expect("transfers"), [sent]);
        assert_eq!(
            cache.cursor("wa-1", "history").await.expect("cursor").as_deref(),
            Some("page-2")
        );
        cache.close().await;
    }

    #[tokio::test]
    async fn the_cache_file_is_in_wal_mode() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        let (cache, _) = Cache::open(&path).await;
        cache.close().await;
        assert_eq!(read_sql(&path, "PRAGMA journal_mode").await, "wal");
    }

    #[tokio::test]
    async fn a_file_that_is_not_sqlite_is_moved_aside_and_rebuilt() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        std::fs::write(&path, garbage()).expect("write garbage");

        let (cache, opened) = Cache::open(&path).await;
        let moved_to = assert_rebuilt(opened, &path, RebuildReason::Corrupt, "corrupt");
        assert_eq!(std::fs::read(&moved_to).expect("moved file"), garbage(), "kept as it was");
        assert!(cache.is_persistent());
        assert_eq!(cache.wallets().await.expect("wallets"), []);
        cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("the new file works");
        cache.close().await;

        let (_cache, opened) = Cache::open(&path).await;
        assert_eq!(opened, CacheOpened::Reused, "the rebuilt file is used next time");
    }

    #[tokio::test]
    async fn a_file_that_fails_its_integrity_check_is_moved_aside_and_rebuilt() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        let (cache, _) = Cache::open(&path).await;
        let many: Vec<_> = (0..200).map(|n| wallet(&format!("wa-{n}"), &"x".repeat(200))).collect();
        cache.replace_wallets(&many).await.expect("wallets");
        cache.close().await;
        damage_pages(&path);

        let (cache, opened) = Cache::open(&path).await;
        assert_rebuilt(opened, &path, RebuildReason::Corrupt, "corrupt");
        assert_eq!(cache.wallets().await.expect("wallets"), [], "a new, empty cache");
        cache.close().await;
    }

    #[tokio::test]
    async fn a_file_from_a_newer_sigil_is_moved_aside_and_rebuilt() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        cache_with_data(&path).await;
        mark_as_written_by_a_newer_sigil(&path).await;

        let (cache, opened) = Cache::open(&path).await;
        let moved_to = assert_rebuilt(opened, &path, RebuildReason::NewerSchema, "newer");
        assert_eq!(cache.owner().await.expect("owner"), None, "a new, empty cache");
        assert_eq!(
            read_sql(&moved_to, "SELECT CAST(user_version AS TEXT) FROM pragma_user_version").await,
            "99",
            "the newer file is kept as the newer Sigil left it"
        );
        cache.close().await;
    }

    #[tokio::test]
    async fn a_folder_that_cannot_be_created_gives_a_cache_in_memory() {
        let dir = temp_dir();
        // A regular file where the folder should be: creating the folder fails, even as root.
        std::fs::write(dir.path().join("Sigil"), b"not a folder").expect("write");
        let path = dir.path().join("Sigil/cache.sqlite3");

        let (cache, opened) = Cache::open(&path).await;
        let CacheOpened::InMemory { reason } = opened else {
            panic!("expected a cache in memory, got {opened:?}");
        };
        assert!(reason.contains("Sigil"), "the reason names the folder: {reason}");
        assert!(!cache.is_persistent());
        cache.set_owner("us-1").await.expect("the cache in memory works");
        cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("wallets");
        assert_eq!(cache.wallets().await.expect("wallets"), [wallet("wa-1", "Main")]);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_read_only_file_gives_a_cache_in_memory_and_is_left_alone() {
        let dir = temp_dir();
        let path = cache_path(&dir);
        cache_with_data(&path).await;
        let before = std::fs::read(&path).expect("read");
        chmod(&path, 0o444);

        let (cache, opened) = Cache::open(&path).await;
        if writes_ignore_permissions(&path) {
            // Running as root (or with CAP_DAC_OVERRIDE): the chmod blocks nothing, so the file is
            // simply reused. Only the never-fails promise can be checked here.
            assert_eq!(opened, CacheOpened::Reused);
        } else {
            assert!(matches!(opened, CacheOpened::InMemory { .. }), "{opened:?}");
            assert!(!cache.is_persistent());
            assert_eq!(cache.owner().await.expect("owner"), None, "a new, empty cache");
            assert_eq!(std::fs::read(&path).expect("read"), before, "the file is untouched");
        }
        cache.close().await;
        chmod(&path, 0o644);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn an_unwritable_folder_gives_a_cache_in_memory() {
        let dir = temp_dir();
        let folder = dir.path().join("Sigil");
        std::fs::create_dir(&folder).expect("mkdir");
        chmod(&folder, 0o555);

        let (cache, opened) = Cache::open(&folder.join("cache.sqlite3")).await;
        if writes_ignore_permissions(&folder) {
            // Running as root (or with CAP_DAC_OVERRIDE): the chmod blocks nothing, so the file is
            // created. `a_folder_that_cannot_be_created_gives_a_cache_in_memory` covers the
            // fallback for every user.
            assert_eq!(opened, CacheOpened::Created);
        } else {
            assert!(matches!(opened, CacheOpened::InMemory { .. }), "{opened:?}");
            assert!(!cache.is_persistent());
            cache.set_cursor("wa-1", "history", Some("c")).await.expect("the cache works");
        }
        cache.close().await;
        chmod(&folder, 0o755);
    }

    #[tokio::test]
    async fn a_rebuilt_cache_never_touches_the_journal_next_to_it() {
        let dir = temp_dir();
        let journal_path = dir.path().join("journal.sqlite3");
        let journal = Journal::open(&journal_path).await.expect("journal");
        let op = journal
            .record(
                &NewOperation {
                    kind: "transfer",
                    owner: "us-1",
                    external_id: Some("x-1"),
                    method: "POST",
                    path: "/wallets/wa-1/transfers",
                    body: "{}",
                    intent: "{}",
                    warnings: "[]",
                },
                1,
            )
            .await
            .expect("record");
        journal.close().await;
        let path = cache_path(&dir);
        std::fs::write(&path, garbage()).expect("write garbage");

        let (_cache, opened) = Cache::open(&path).await;
        assert!(matches!(opened, CacheOpened::Rebuilt { .. }), "{opened:?}");
        let journal = Journal::open(&journal_path).await.expect("journal still opens");
        assert_eq!(journal.get(&op.id).await.expect("get"), Some(op));
    }
}

mod contents {
    use super::*;

    #[tokio::test]
    async fn a_cache_in_memory_starts_empty_and_keeps_data() {
        let cache = Cache::in_memory().await.expect("cache");
        assert!(!cache.is_persistent());
        assert_eq!(cache.owner().await.expect("owner"), None);
        cache.set_owner("us-1").await.expect("owner");
        assert_eq!(cache.owner().await.expect("owner").as_deref(), Some("us-1"));
    }

    #[tokio::test]
    async fn a_new_owner_clears_the_previous_owners_data() {
        let cache = Cache::in_memory().await.expect("cache");
        cache.set_owner("us-1").await.expect("owner");
        cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("wallets");
        cache.put_assets(&assets("wa-1", "7")).await.expect("assets");
        cache.set_cursor("wa-1", "history", Some("c")).await.expect("cursor");

        cache.set_owner("us-2").await.expect("new owner");
        assert_eq!(cache.owner().await.expect("owner").as_deref(), Some("us-2"));
        assert_eq!(cache.wallets().await.expect("wallets"), []);
        assert_eq!(cache.assets("wa-1").await.expect("assets"), None);
        assert_eq!(cache.cursor("wa-1", "history").await.expect("cursor"), None);
    }

    #[tokio::test]
    async fn setting_the_same_owner_again_keeps_the_data() {
        let cache = Cache::in_memory().await.expect("cache");
        cache.set_owner("us-1").await.expect("owner");
        cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("wallets");
        cache.set_owner("us-1").await.expect("same owner");
        assert_eq!(cache.wallets().await.expect("wallets").len(), 1);
    }

    #[tokio::test]
    async fn clearing_removes_the_owner_and_every_row() {
        let cache = Cache::in_memory().await.expect("cache");
        cache.set_owner("us-1").await.expect("owner");
        cache.replace_wallets(&[wallet("wa-1", "Main")]).await.expect("wallets");
        cache.put_assets(&assets("wa-1", "7")).await.expect("assets");
        let item = history_item("0x01", "2025-01-01T00:00:00Z", "In", "5");
        cache.add_history("wa-1", &[item]).await.expect("history");
        let sent = transfer("xfr-1", "2025-01-01T00:00:00Z", "Pending");
        cache.put_transfers("wa-1", &[sent]).await.expect("transfers");
        cache.set_cursor("wa-1", "history", Some("c")).await.expect("cursor");

        cache.clear().await.expect("clear");
        assert_eq!(cache.owner().await.expect("owner"), None);
        assert_eq!(cache.wallets().await.expect("wallets"), []);
        assert_eq!(cache.assets("wa-1").await.expect("assets"), None);
        assert_eq!(cache.history("wa-1", 10).await.expect("history"), []);
        assert_eq!(cache.transfers("wa-1", 10).await.expect("transfers"), []);
        assert_eq!(cache.cursor("wa-1", "history").await.expect("cursor"), None);
    }

    #[tokio::test]
    async fn replacing_wallets_keeps_their_order_and_drops_the_missing_ones_with_their_data() {
        let cache = Cache::in_memory().await.expect("cache");
        let [a, b, c] = [wallet("wa-a", "A"), wallet("wa-b", "B"), wallet("wa-c", "C")];
        cache.replace_wallets(&[c.clone(), a.clone(), b.clone()]).await.expect("wallets");
        assert_eq!(cache.wallets().await.expect("wallets"), [c.clone(), a.clone(), b.clone()]);
        for id in ["wa-a", "wa-b"] {
            cache.put_assets(&assets(id, "1")).await.expect("assets");
            let item = history_item("0x01", "2025-01-01T00:00:00Z", "In", "1");
            cache.add_history(id, &[item]).await.expect("history");
            let sent = transfer(&format!("xfr-{id}"), "2025-01-01T00:00:00Z", "Pending");
            cache.put_transfers(id, &[sent]).await.expect("transfers");
            cache.set_cursor(id, "history", Some("c")).await.expect("cursor");
        }

        let renamed = wallet("wa-a", "A, renamed");
        cache.replace_wallets(&[renamed.clone(), c.clone()]).await.expect("wallets");
        assert_eq!(cache.wallets().await.expect("wallets"), [renamed, c]);
        assert_eq!(cache.assets("wa-b").await.expect("assets"), None);
        assert_eq!(cache.history("wa-b", 10).await.expect("history"), []);
        assert_eq!(cache.transfers("wa-b", 10).await.expect("transfers"), []);
        assert_eq!(cache.cursor("wa-b", "history").await.expect("cursor"), None);
        assert!(cache.assets("wa-a").await.expect("assets").is_some(), "kept wallets keep data");
        assert_eq!(cache.history("wa-a", 10).await.expect("history").len(), 1);
    }

    #[tokio::test]
    async fn assets_are_kept_per_wallet_and_replaced() {
        let cache = Cache::in_memory().await.expect("cache");
        cache.put_assets(&assets("wa-1", "1")).await.expect("assets");
        cache.put_assets(&assets("wa-2", "2")).await.expect("assets");
        cache.put_assets(&assets("wa-1", "3")).await.expect("assets");
        assert_eq!(cache.assets("wa-1").await.expect("assets"), Some(assets("wa-1", "3")));
        assert_eq!(cache.assets("wa-2").await.expect("assets"), Some(assets("wa-2", "2")));
        assert_eq!(cache.assets("wa-3").await.expect("assets"), None);
    }

    #[tokio::test]
    async fn history_adds_only_new_items_and_reads_newest_first() {
        let cache = Cache::in_memory().await.expect("cache");
        // As Dfns lists them: newest first; B and C share a timestamp.
        let a = history_item("0xa", "2025-01-03T00:00:00Z", "In", "1");
        let b = history_item("0xb", "2025-01-02T00:00:00Z", "In", "2");
        let c = history_item("0xc", "2025-01-02T00:00:00Z", "Out", "3");
        let d = history_item("0xd", "2025-01-01T00:00:00Z", "In", "4");
        let added = cache.add_history("wa-1", &[a.clone(), b.clone(), c.clone(), d.clone()]).await;
        assert_eq!(added.expect("history"), 4);
        assert_eq!(
            cache.history("wa-1", 10).await.expect("history"),
            [a.clone(), b.clone(), c.clone(), d.clone()]
        );

        // A later sync: one new item, one already known, one new with B's and C's timestamp.
        let e = history_item("0xe", "2025-01-04T00:00:00Z", "In", "5");
        let f = history_item("0xf", "2025-01-02T00:00:00Z", "In", "6");
        let added = cache.add_history("wa-1", &[e.clone(), a.clone(), f.clone()]).await;
        assert_eq!(added.expect("history"), 2);
        assert_eq!(
            cache.history("wa-1", 10).await.expect("history"),
            [e.clone(), a.clone(), f, b, c, d],
            "equal timestamps: the later call's items first"
        );
        assert_eq!(cache.history("wa-1", 2).await.expect("history"), [e, a]);
        assert_eq!(cache.history("wa-1", 0).await.expect("history"), []);
        assert_eq!(cache.history("wa-2", 10).await.expect("history"), [], "per wallet");
    }

    #[tokio::test]
    async fn one_transaction_can_hold_several_history_items() {
        let cache = Cache::in_memory().await.expect("cache");
        let out = history_item("0x01", "2025-01-01T00:00:00Z", "Out", "5");
        let back = history_item("0x01", "2025-01-01T00:00:00Z", "In", "5");
        let mut token = out.clone();
        token.contract = Some("0xc0ffee".to_owned());
        let mut restated = out.clone();
        restated.block_number = 8;
        restated.metadata.asset.symbol = Some("ETH".to_owned());

        let added = cache.add_history("wa-1", &[out.clone(), back, token]).await;
        assert_eq!(added.expect("history"), 3);
        let added = cache.add_history("wa-1", &[restated]).await;
        assert_eq!(added.expect("history"), 0, "the same movement, described again");
        let stored = cache.history("wa-1", 10).await.expect("history");
        assert_eq!(stored.len(), 3);
        assert!(stored.contains(&out), "the first description is kept");
    }

    #[tokio::test]
    async fn transfers_are_replaced_by_id_and_read_newest_first() {
        let cache = Cache::in_memory().await.expect("cache");
        let old = transfer("xfr-1", "2025-01-01T00:00:00Z", "Pending");
        let newest = transfer("xfr-2", "2025-01-03T00:00:00Z", "Pending");
        let middle = transfer("xfr-3", "2025-01-02T00:00:00.500Z", "Broadcasted");
        cache.put_transfers("wa-1", &[old, newest.clone(), middle.clone()]).await.expect("put");
        cache
            .put_transfers("wa-2", &[transfer("xfr-9", "2025-01-09T00:00:00Z", "Pending")])
            .await
            .expect("put");

        let confirmed = transfer("xfr-1", "2025-01-01T00:00:00Z", "Confirmed");
        cache.put_transfers("wa-1", std::slice::from_ref(&confirmed)).await.expect("update");
        assert_eq!(
            cache.transfers("wa-1", 10).await.expect("transfers"),
            [newest.clone(), middle.clone(), confirmed]
        );
        assert_eq!(cache.transfers("wa-1", 2).await.expect("transfers"), [newest, middle]);
        assert_eq!(cache.transfers("wa-2", 10).await.expect("transfers").len(), 1, "per wallet");
    }

    #[tokio::test]
    async fn cursors_are_kept_per_wallet_and_stream_and_can_be_forgotten() {
        let cache = Cache::in_memory().await.expect("cache");
        cache.set_cursor("wa-1", "history", Some("h1")).await.expect("cursor");
        cache.set_cursor("wa-1", "transfers", Some("t1")).await.expect("cursor");
        cache.set_cursor("wa-2", "history", Some("h2")).await.expect("cursor");
        cache.set_cursor("wa-1", "history", Some("h1b")).await.expect("cursor");

        assert_eq!(cache.cursor("wa-1", "history").await.expect("cursor").as_deref(), Some("h1b"));
        assert_eq!(cache.cursor("wa-1", "transfers").await.expect("cursor").as_deref(), Some("t1"));
        assert_eq!(cache.cursor("wa-2", "history").await.expect("cursor").as_deref(), Some("h2"));

        cache.set_cursor("wa-1", "history", None).await.expect("forget");
        assert_eq!(cache.cursor("wa-1", "history").await.expect("cursor"), None);
        assert_eq!(cache.cursor("wa-1", "transfers").await.expect("cursor").as_deref(), Some("t1"));
        cache.set_cursor("wa-3", "history", None).await.expect("forgetting nothing is fine");
    }
}
