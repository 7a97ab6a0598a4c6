//! The local cache of what Sigil last read from Dfns (wallets, assets, history, transfers and sync
//! cursors), so the app can show it at once on start.
//!
//! Everything here can be fetched again, so the cache never stops the app: a damaged file, or one
//! written by a newer Sigil, is moved aside and rebuilt; a folder or file that cannot be written
//! gives a cache in memory for this run. Models are stored as their JSON; a row that no longer
//! parses (the model changed) is skipped with a warning instead of failing the whole read.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use dfns_client::models::{HistoryItem, Transfer, Wallet, WalletAssets};
use serde::de::DeserializeOwned;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqlitePool, SqliteTransaction};

use crate::CacheError;
use crate::sqlite::{self, Durability, Failure};

/// The cache schema, `migrations/cache`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/cache");

/// How the cache came up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOpened {
    /// A new, empty file.
    Created,
    /// The file from last time, with its data.
    Reused,
    /// The file could not be used and was moved aside; a new empty one was made.
    Rebuilt {
        /// Why the old file could not be used.
        reason: RebuildReason,
        /// Where the old file is now.
        moved_to: PathBuf,
    },
    /// The folder or file cannot be written: the cache lives in memory for this run.
    InMemory {
        /// What went wrong with the file, for the log.
        reason: String,
    },
}

/// Why a cache file was moved aside and rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildReason {
    /// The file is not a SQLite database or fails its integrity check.
    Corrupt,
    /// The file was written by a newer Sigil.
    NewerSchema,
}

impl RebuildReason {
    /// A short name, also the label in the moved file's name (`<name>.<label>-<unix-ms>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Corrupt => "corrupt",
            Self::NewerSchema => "newer",
        }
    }
}

impl std::fmt::Display for RebuildReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The cache. Cheap to clone (one shared pool); every method is one statement or one transaction.
#[derive(Clone)]
pub struct Cache {
    pool: SqlitePool,
    /// The file, or `None` in memory.
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Cache {
    /// Opens the cache file at `path` (creating its folder and the file if need be). Never fails:
    /// a file that cannot be used is moved aside and rebuilt, and when no file can be written
    /// the cache lives in memory; the second value says which happened.
    pub async fn open(path: &Path) -> (Self, CacheOpened) {
        let had_data = std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
        let reason = match sqlite::open_file(path, &MIGRATOR, Durability::Normal).await {
            Ok(pool) => {
                let opened = if had_data { CacheOpened::Reused } else { CacheOpened::Created };
                tracing::info!(path = %path.display(), ?opened, "cache ready");
                return (Self::with_file(pool, path), opened);
            }
            Err(Failure::Corrupt(detail)) => {
                tracing::warn!(
                    path = %path.display(), %detail,
                    "the cache file is damaged: rebuilding it"
                );
                RebuildReason::Corrupt
            }
            Err(Failure::TooNew { found, known }) => {
                tracing::warn!(
                    path = %path.display(), found, known,
                    "the cache file was written by a newer Sigil: rebuilding it"
                );
                RebuildReason::NewerSchema
            }
            Err(failure @ (Failure::Unavailable(_) | Failure::Other(_))) => {
                return Self::fall_back_to_memory(path, failure.to_string()).await;
            }
        };
        let moved_to = match move_aside(path, reason) {
            Ok(moved_to) => moved_to,
            Err(err) => {
                return Self::fall_back_to_memory(
                    path,
                    format!("the unusable cache file could not be moved aside: {err}"),
                )
                .await;
            }
        };
        match sqlite::open_file(path, &MIGRATOR, Durability::Normal).await {
            Ok(pool) => {
                tracing::info!(
                    path = %path.display(), moved_to = %moved_to.display(),
                    "cache rebuilt"
                );
                (Self::with_file(pool, path), CacheOpened::Rebuilt { reason, moved_to })
            }
            Err(failure) => Self::fall_back_to_memory(path, failure.to_string()).await,
        }
    }

    /// An empty cache in memory, gone when the last clone is dropped.
    pub async fn in_memory() -> Result<Self, CacheError> {
        let pool = sqlite::open_memory(&MIGRATOR).await.map_err(failure_error)?;
        Ok(Self { pool, path: None })
    }

    /// Whether the cache is kept in a file (false: in memory for this run).
    pub fn is_persistent(&self) -> bool {
        self.path.is_some()
    }

    /// Closes every connection (the file is then complete on disk); later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn with_file(pool: SqlitePool, path: &Path) -> Self {
        Self { pool, path: Some(path.to_path_buf()) }
    }

    async fn fall_back_to_memory(path: &Path, reason: String) -> (Self, CacheOpened) {
        tracing::warn!(
            path = %path.display(), %reason,
            "the cache file cannot be used: keeping the cache in memory for this run"
        );
        let pool = match sqlite::open_memory(&MIGRATOR).await {
            Ok(pool) => pool,
            Err(failure) => {
                // Not even memory works: every call will fail, and the app works from Dfns.
                tracing::error!(%failure, "no cache in memory either: running without a cache");
                sqlite::unusable_memory()
            }
        };
        (Self { pool, path: None }, CacheOpened::InMemory { reason })
    }

    /// Starts a transaction holding the write lock from the start, so two writers wait for each
    /// other instead of failing when a read turns into a write.
    async fn begin_write(&self) -> Result<SqliteTransaction<'static>, CacheError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(|err| cache_error(&err))
    }

    /// The Dfns user id the cached data belongs to, if any.
    pub async fn owner(&self) -> Result<Option<String>, CacheError> {
        sqlx::query_scalar("SELECT dfns_user_id FROM owner WHERE singleton = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| cache_error(&err))
    }

    /// Makes `dfns_user_id` the owner of the cached data. When the data belongs to anyone else
    /// (or to nobody), it is all removed first, in the same transaction: one user never sees
    /// another's wallets.
    pub async fn set_owner(&self, dfns_user_id: &str) -> Result<(), CacheError> {
        let mut tx = self.begin_write().await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT dfns_user_id FROM owner WHERE singleton = 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(|err| cache_error(&err))?;
        if current.as_deref() != Some(dfns_user_id) {
            if current.is_some() {
                tracing::info!("the cache belonged to another user: clearing it");
            }
            clear_all(&mut tx).await?;
            sqlx::query("INSERT INTO owner (singleton, dfns_user_id) VALUES (1, ?)")
                .bind(dfns_user_id)
                .execute(&mut *tx)
                .await
                .map_err(|err| cache_error(&err))?;
        }
        tx.commit().await.map_err(|err| cache_error(&err))
    }

    /// Removes the owner and every cached row (sign-out).
    pub async fn clear(&self) -> Result<(), CacheError> {
        let mut tx = self.begin_write().await?;
        clear_all(&mut tx).await?;
        tx.commit().await.map_err(|err| cache_error(&err))
    }

    /// Replaces the wallet list with `wallets`, in that order. Wallets not in it are removed with
    /// their assets, history, transfers and cursors. When an id appears twice, the last one wins.
    pub async fn replace_wallets(&self, wallets: &[Wallet]) -> Result<(), CacheError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM wallets")
            .execute(&mut *tx)
            .await
            .map_err(|err| cache_error(&err))?;
        for (position, wallet) in (0_i64..).zip(wallets) {
            sqlx::query(
                "INSERT INTO wallets (id, position, json) VALUES (?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET position = excluded.position, json = excluded.json",
            )
            .bind(&wallet.id)
            .bind(position)
            .bind(encode(wallet)?)
            .execute(&mut *tx)
            .await
            .map_err(|err| cache_error(&err))?;
        }
        for statement in [
            "DELETE FROM assets WHERE wallet_id NOT IN (SELECT id FROM wallets)",
            "DELETE FROM history WHERE wallet_id NOT IN (SELECT id FROM wallets)",
            "DELETE FROM transfers WHERE wallet_id NOT IN (SELECT id FROM wallets)",
            "DELETE FROM cursors WHERE wallet_id NOT IN (SELECT id FROM wallets)",
        ] {
            sqlx::query(statement).execute(&mut *tx).await.map_err(|err| cache_error(&err))?;
        }
        tx.commit().await.map_err(|err| cache_error(&err))
    }

    /// The wallets, in the order last given to [`Cache::replace_wallets`].
    pub async fn wallets(&self) -> Result<Vec<Wallet>, CacheError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, json FROM wallets ORDER BY position")
                .fetch_all(&self.pool)
                .await
                .map_err(|err| cache_error(&err))?;
        Ok(rows.iter().filter_map(|(id, json)| decode("wallets", id, json)).collect())
    }

    /// Stores the assets of `assets.wallet_id`, replacing what was there.
    pub async fn put_assets(&self, assets: &WalletAssets) -> Result<(), CacheError> {
        sqlx::query(
            "INSERT INTO assets (wallet_id, json) VALUES (?, ?) \
             ON CONFLICT (wallet_id) DO UPDATE SET json = excluded.json",
        )
        .bind(&assets.wallet_id)
        .bind(encode(assets)?)
        .execute(&self.pool)
        .await
        .map_err(|err| cache_error(&err))?;
        Ok(())
    }

    /// The assets last stored for `wallet_id`.
    pub async fn assets(&self, wallet_id: &str) -> Result<Option<WalletAssets>, CacheError> {
        let json: Option<String> =
            sqlx::query_scalar("SELECT json FROM assets WHERE wallet_id = ?")
                .bind(wallet_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|err| cache_error(&err))?;
        Ok(json.and_then(|json| decode("assets", wallet_id, &json)))
    }

    /// Adds the history items of `wallet_id` not seen before and returns how many were new.
    ///
    /// Dfns gives history items no id, and one transaction can move several assets, or move one
    /// both out of and into the same wallet. An item is therefore identified by its wallet, kind,
    /// direction, transaction hash, token (contract or mint), sender, recipient and amount; an
    /// item seen again keeps what was stored first.
    ///
    /// Items are read back newest first by timestamp; items with the same timestamp come back in
    /// the order of the call that added them (Dfns lists newest first), and before those added
    /// by an earlier call.
    pub async fn add_history(
        &self,
        wallet_id: &str,
        items: &[HistoryItem],
    ) -> Result<usize, CacheError> {
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        // Oldest of the call first, so that among equal timestamps the later insertion (read
        // first) is the one the caller listed first.
        for item in items.iter().rev() {
            let inserted = sqlx::query(
                "INSERT INTO history (wallet_id, item_key, at_ms, json) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (wallet_id, item_key) DO NOTHING",
            )
            .bind(wallet_id)
            .bind(history_key(item))
            .bind(unix_ms(&item.timestamp))
            .bind(encode(item)?)
            .execute(&mut *tx)
            .await
            .map_err(|err| cache_error(&err))?;
            if inserted.rows_affected() > 0 {
                added += 1;
            }
        }
        tx.commit().await.map_err(|err| cache_error(&err))?;
        Ok(added)
    }

    /// At most `limit` history items of `wallet_id`, newest first (see [`Cache::add_history`]).
    /// Rows that no longer parse are skipped, so fewer may come back.
    pub async fn history(
        &self,
        wallet_id: &str,
        limit: u32,
    ) -> Result<Vec<HistoryItem>, CacheError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT seq, json FROM history WHERE wallet_id = ? \
             ORDER BY at_ms DESC, seq DESC LIMIT ?",
        )
        .bind(wallet_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|err| cache_error(&err))?;
        Ok(rows
            .iter()
            .filter_map(|(seq, json)| decode("history", &seq.to_string(), json))
            .collect())
    }

    /// Inserts the transfers of `wallet_id`, or replaces them by id (a transfer's status changes
    /// over time).
    pub async fn put_transfers(
        &self,
        wallet_id: &str,
        transfers: &[Transfer],
    ) -> Result<(), CacheError> {
        let mut tx = self.begin_write().await?;
        for transfer in transfers {
            sqlx::query(
                "INSERT INTO transfers (id, wallet_id, at_ms, json) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET wallet_id = excluded.wallet_id, \
                 at_ms = excluded.at_ms, json = excluded.json",
            )
            .bind(&transfer.id)
            .bind(wallet_id)
            .bind(unix_ms(&transfer.date_requested))
            .bind(encode(transfer)?)
            .execute(&mut *tx)
            .await
            .map_err(|err| cache_error(&err))?;
        }
        tx.commit().await.map_err(|err| cache_error(&err))
    }

    /// At most `limit` transfers of `wallet_id`, newest first by `dateRequested` (then the one
    /// first stored later). Rows that no longer parse are skipped, so fewer may come back.
    pub async fn transfers(
        &self,
        wallet_id: &str,
        limit: u32,
    ) -> Result<Vec<Transfer>, CacheError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, json FROM transfers WHERE wallet_id = ? \
             ORDER BY at_ms DESC, seq DESC LIMIT ?",
        )
        .bind(wallet_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|err| cache_error(&err))?;
        Ok(rows.iter().filter_map(|(id, json)| decode("transfers", id, json)).collect())
    }

    /// Where the incremental sync of `stream` (e.g. `"history"`) of `wallet_id` left off.
    pub async fn cursor(
        &self,
        wallet_id: &str,
        stream: &str,
    ) -> Result<Option<String>, CacheError> {
        sqlx::query_scalar("SELECT cursor FROM cursors WHERE wallet_id = ? AND stream = ?")
            .bind(wallet_id)
            .bind(stream)
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| cache_error(&err))
    }

    /// Sets the sync cursor of `stream` of `wallet_id`; `None` forgets it (the next sync starts
    /// from the beginning).
    pub async fn set_cursor(
        &self,
        wallet_id: &str,
        stream: &str,
        cursor: Option<&str>,
    ) -> Result<(), CacheError> {
        let query = match cursor {
            Some(cursor) => sqlx::query(
                "INSERT INTO cursors (wallet_id, stream, cursor) VALUES (?, ?, ?) \
                 ON CONFLICT (wallet_id, stream) DO UPDATE SET cursor = excluded.cursor",
            )
            .bind(wallet_id)
            .bind(stream)
            .bind(cursor),
            None => sqlx::query("DELETE FROM cursors WHERE wallet_id = ? AND stream = ?")
                .bind(wallet_id)
                .bind(stream),
        };
        query.execute(&self.pool).await.map_err(|err| cache_error(&err))?;
        Ok(())
    }
}

/// Empties every table, the owner included.
async fn clear_all(tx: &mut SqliteTransaction<'static>) -> Result<(), CacheError> {
    for statement in [
        "DELETE FROM owner",
        "DELETE FROM wallets",
        "DELETE FROM assets",
        "DELETE FROM history",
        "DELETE FROM transfers",
        "DELETE FROM cursors",
    ] {
        sqlx::query(statement).execute(&mut **tx).await.map_err(|err| cache_error(&err))?;
    }
    Ok(())
}

fn cache_error(err: &sqlx::Error) -> CacheError {
    failure_error(Failure::of(err))
}

fn failure_error(failure: Failure) -> CacheError {
    match failure {
        Failure::Corrupt(detail) => CacheError::Corrupt(detail),
        Failure::Unavailable(detail) => CacheError::Unavailable(detail),
        failure @ (Failure::TooNew { .. } | Failure::Other(_)) => {
            CacheError::Failed(failure.to_string())
        }
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, CacheError> {
    serde_json::to_string(value)
        .map_err(|err| CacheError::Failed(format!("cannot encode for the cache: {err}")))
}

/// Parses one cached row; a row that no longer parses (the model changed since it was written) is
/// skipped with a warning, so one bad row does not hide the others.
fn decode<T: DeserializeOwned>(table: &'static str, key: &str, json: &str) -> Option<T> {
    match serde_json::from_str(json) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::warn!(table, key, %error, "skipping a cached row that no longer parses");
            None
        }
    }
}

/// The identity of a history item (see [`Cache::add_history`]), as a JSON array so that no two
/// different field lists can make the same text.
fn history_key(item: &HistoryItem) -> String {
    serde_json::json!([
        item.kind.as_str(),
        item.direction,
        item.tx_hash,
        item.contract,
        item.mint,
        item.from,
        item.to,
        item.value,
    ])
    .to_string()
}

/// An ISO 8601 (RFC 3339) time in Unix milliseconds, for sorting. A time that does not parse sorts
/// as 0, after every real one in newest-first order.
fn unix_ms(iso: &str) -> i64 {
    match time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339) {
        Ok(at) => i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0),
        Err(error) => {
            tracing::debug!(iso, %error, "a time from Dfns does not parse: sorting it last");
            0
        }
    }
}

/// Moves the file at `path`, with its write-ahead log, to `<name>.<reason>-<unix-ms>` in the same
/// folder, and returns the new path. The shared-memory index is only derived from the log, so it
/// is removed rather than moved: a new file must not inherit either.
fn move_aside(path: &Path, reason: RebuildReason) -> std::io::Result<PathBuf> {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis());
    let base = with_suffix(path, &format!(".{reason}-{millis}"));
    // Two rebuilds in one millisecond must not overwrite the first one's file.
    let mut target = base.clone();
    let mut n = 0;
    while target.exists() {
        n += 1;
        target = with_suffix(&base, &format!("-{n}"));
    }
    std::fs::rename(path, &target)?;
    for suffix in ["-wal", "-journal"] {
        let log = with_suffix(path, suffix);
        if log.exists() {
            std::fs::rename(&log, with_suffix(&target, suffix))?;
        }
    }
    let shm = with_suffix(path, "-shm");
    if shm.exists() {
        std::fs::remove_file(shm)?;
    }
    Ok(target)
}

/// `path` with `suffix` appended to its file name (SQLite's `-wal`, `-shm`, `-journal` files).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests;
