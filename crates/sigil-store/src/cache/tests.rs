use serde_json::json;

use super::*;

fn wallet(id: &str) -> Wallet {
    serde_json::from_value(json!({
        "id": id,
        "network": "EthereumSepolia",
        "address": "0x00000000000000000000000000000000000000a1",
        "signingKey": {"id": "key-1", "scheme": "ECDSA", "curve": "secp256k1", "publicKey": "02ab"},
        "status": "Active",
        "dateCreated": "2025-01-01T00:00:00.000Z",
        "custodial": false,
        "tags": [],
    }))
    .expect("a wallet")
}

fn history_item(direction: &str, contract: Option<&str>) -> HistoryItem {
    serde_json::from_value(json!({
        "kind": if contract.is_some() { "Erc20Transfer" } else { "NativeTransfer" },
        "walletId": "wa-1",
        "direction": direction,
        "network": "EthereumSepolia",
        "blockNumber": 7,
        "txHash": "0xfeed",
        "timestamp": "2025-01-02T03:04:05.678Z",
        "from": "0xa",
        "to": "0xb",
        "value": "10",
        "contract": contract,
    }))
    .expect("a history item")
}

#[test]
fn history_keys_tell_apart_the_movements_of_one_transaction() {
    let native_out = history_key(&history_item("Out", None));
    let native_in = history_key(&history_item("In", None));
    let token_out = history_key(&history_item("Out", Some("0xc1")));
    let other_token_out = history_key(&history_item("Out", Some("0xc2")));
    let keys = [&native_out, &native_in, &token_out, &other_token_out];
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn history_keys_ignore_what_may_change_about_an_item() {
    let mut later = history_item("Out", None);
    later.metadata.asset.symbol = Some("ETH".to_owned());
    later.block_number = 8;
    later.extra.insert("new".to_owned(), json!(true));
    assert_eq!(history_key(&history_item("Out", None)), history_key(&later));
}

#[test]
fn times_become_unix_milliseconds_and_bad_ones_sort_last() {
    assert_eq!(unix_ms("1970-01-01T00:00:01.500Z"), 1500);
    assert_eq!(unix_ms("2025-01-02T03:04:05+01:00"), 1_735_783_445_000);
    assert_eq!(unix_ms("yesterday"), 0);
}

#[test]
fn moving_aside_takes_the_log_along_drops_the_index_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("cache.sqlite3");
    let mut moved = Vec::new();
    for round in 0..3 {
        std::fs::write(&path, format!("main {round}")).expect("main");
        std::fs::write(with_suffix(&path, "-wal"), format!("wal {round}")).expect("wal");
        std::fs::write(with_suffix(&path, "-shm"), b"shm").expect("shm");
        moved.push(move_aside(&path, RebuildReason::Corrupt).expect("moved"));
    }
    assert!(!path.exists());
    assert!(!with_suffix(&path, "-wal").exists());
    assert!(!with_suffix(&path, "-shm").exists());
    for (round, target) in moved.iter().enumerate() {
        let name = target.file_name().and_then(|name| name.to_str()).expect("a name");
        assert!(name.starts_with("cache.sqlite3.corrupt-"), "{name}");
        assert_eq!(std::fs::read_to_string(target).expect("main"), format!("main {round}"));
        let wal = with_suffix(target, "-wal");
        assert_eq!(std::fs::read_to_string(wal).expect("wal"), format!("wal {round}"));
    }
}

#[tokio::test]
async fn the_schema_version_is_written_to_user_version() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (cache, opened) = Cache::open(&dir.path().join("cache.sqlite3")).await;
    assert_eq!(opened, CacheOpened::Created);
    assert_eq!(sqlite::user_version(&cache.pool).await, Ok(sqlite::schema_version(&MIGRATOR)));
    cache.close().await;
}

#[tokio::test]
async fn rows_that_no_longer_parse_are_skipped_and_the_others_kept() {
    let cache = Cache::in_memory().await.expect("cache");
    cache.replace_wallets(&[wallet("wa-1"), wallet("wa-2"), wallet("wa-3")]).await.expect("put");
    let mut item = history_item("Out", None);
    item.wallet_id = "wa-1".to_owned();
    cache.add_history("wa-1", &[item.clone(), history_item("In", None)]).await.expect("history");
    cache
        .put_assets(
            &serde_json::from_value(json!({
                "walletId": "wa-1", "network": "EthereumSepolia", "assets": []
            }))
            .expect("assets"),
        )
        .await
        .expect("assets");
    // As if an older Sigil had written rows the models no longer read.
    for statement in [
        "UPDATE wallets SET json = '{\"id\": 2}' WHERE id = 'wa-2'",
        "UPDATE history SET json = 'not json' WHERE json LIKE '%\"In\"%'",
        "UPDATE assets SET json = '{}'",
    ] {
        sqlx::query(statement).execute(&cache.pool).await.expect(statement);
    }

    let ids: Vec<String> =
        cache.wallets().await.expect("wallets").into_iter().map(|wallet| wallet.id).collect();
    assert_eq!(ids, ["wa-1", "wa-3"]);
    assert_eq!(cache.history("wa-1", 10).await.expect("history"), [item]);
    assert_eq!(cache.assets("wa-1").await.expect("assets"), None);
}

#[test]
fn cache_errors_have_stable_codes_and_say_what_to_do() {
    let errors = [
        CacheError::Corrupt("x".to_owned()),
        CacheError::Unavailable("x".to_owned()),
        CacheError::Failed("x".to_owned()),
    ];
    let codes = errors.each_ref().map(CacheError::code);
    assert_eq!(codes, ["CACHE_CORRUPT", "CACHE_UNAVAILABLE", "CACHE_FAILED"]);
    assert!(errors[0].to_string().contains("restart Sigil"));
    assert!(errors[1].to_string().contains("disk space"));
}

#[tokio::test]
async fn a_closed_cache_reports_unavailable() {
    let cache = Cache::in_memory().await.expect("cache");
    cache.close().await;
    let err = cache.wallets().await.expect_err("closed");
    assert_eq!(err.code(), "CACHE_UNAVAILABLE");
}
