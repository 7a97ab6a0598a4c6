//! Models and file surgery shared by the cache and journal tests.

use std::path::Path;

use dfns_client::models::{HistoryItem, Transfer, Wallet, WalletAssets};
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

pub fn wallet(id: &str, name: &str) -> Wallet {
    serde_json::from_value(json!({
        "id": id,
        "network": "EthereumSepolia",
        "address": "0x00000000000000000000000000000000000000a1",
        "signingKey": {"id": "key-1", "scheme": "ECDSA", "curve": "secp256k1", "publicKey": "02ab"},
        "status": "Active",
        "dateCreated": "2025-01-01T00:00:00.000Z",
        "name": name,
        "custodial": false,
        "tags": [],
    }))
    .expect("a wallet")
}

pub fn assets(wallet_id: &str, balance: &str) -> WalletAssets {
    serde_json::from_value(json!({
        "walletId": wallet_id,
        "network": "EthereumSepolia",
        "assets": [{"kind": "Native", "symbol": "ETH", "decimals": 18, "balance": balance}],
    }))
    .expect("assets")
}

/// A native movement of `value` in transaction `tx_hash` at `timestamp`.
pub fn history_item(tx_hash: &str, timestamp: &str, direction: &str, value: &str) -> HistoryItem {
    serde_json::from_value(json!({
        "kind": "NativeTransfer",
        "walletId": "wa-1",
        "direction": direction,
        "network": "EthereumSepolia",
        "blockNumber": 7,
        "txHash": tx_hash,
        "timestamp": timestamp,
        "from": "0xa",
        "to": "0xb",
        "value": value,
    }))
    .expect("a history item")
}

pub fn transfer(id: &str, date_requested: &str, status: &str) -> Transfer {
    serde_json::from_value(json!({
        "id": id,
        "walletId": "wa-1",
        "network": "EthereumSepolia",
        "requester": {"userId": "us-1"},
        "requestBody": {"kind": "Native", "to": "0xb", "amount": "1"},
        "status": status,
        "dateRequested": date_requested,
    }))
    .expect("a transfer")
}

/// Runs `statements` on the SQLite file at `path` through a plain connection.
pub async fn run_sql(path: &Path, statements: &[&'static str]) {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("a plain connection");
    for statement in statements {
        sqlx::query(*statement).execute(&mut conn).await.expect(statement);
    }
    conn.close().await.expect("close");
}

/// One value read from the SQLite file at `path`.
pub async fn read_sql(path: &Path, query: &'static str) -> String {
    let mut conn =
        SqliteConnectOptions::new().filename(path).connect().await.expect("a plain connection");
    let row: (String,) = sqlx::query_as(query).fetch_one(&mut conn).await.expect(query);
    conn.close().await.expect("close");
    row.0
}

/// Raises the schema version of the file at `path` past anything this build knows.
pub async fn mark_as_written_by_a_newer_sigil(path: &Path) {
    run_sql(path, &["PRAGMA user_version = 99"]).await;
}

/// Overwrites every page of the file at `path` but the first (which holds the schema): SQLite
/// still opens it, but its integrity check fails.
pub fn damage_pages(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read the database");
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        size => usize::from(size),
    };
    assert!(bytes.len() > page_size, "the file has more than its first page");
    bytes[page_size..].fill(0xa5);
    std::fs::write(path, bytes).expect("write the damage");
}

/// Bytes no SQLite version reads as a database.
pub fn garbage() -> Vec<u8> {
    b"not a database at all \x00\xff\x13".repeat(300)
}

/// Whether this process can still write to `read_only` (a file or folder whose write bits were
/// just removed): root, or a process with the capability to override permissions, can. A chmod
/// then blocks nothing, and the assertions that rely on it must be skipped.
#[cfg(unix)]
pub fn writes_ignore_permissions(read_only: &Path) -> bool {
    if read_only.is_dir() {
        let probe = read_only.join(".probe");
        let wrote = std::fs::write(&probe, b"x").is_ok();
        let _ = std::fs::remove_file(probe);
        wrote
    } else {
        // Opening for append changes nothing in the file.
        std::fs::OpenOptions::new().append(true).open(read_only).is_ok()
    }
}

#[cfg(unix)]
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}
