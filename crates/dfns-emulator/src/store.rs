//! The emulator's state in one SQLite file, one module per table. Every write that must happen
//! once (a challenge answered, a user action spent) is a conditional UPDATE, so two racing
//! requests cannot both win. Lists page newest first by `seq` through an index, so a page costs
//! the same whatever the total. Writes that move money run in `BEGIN IMMEDIATE` transactions:
//! one writer at a time, no lost update.
//!
//! Every write goes through one connection, so writers queue in order in the process instead of
//! meeting SQLite's busy handler (which sleeps whole milliseconds); reads use other connections,
//! which WAL lets run beside it and which cannot write. What every request reads (users,
//! revoked tokens) is also kept in memory, written through, so SQLite stays the durable record.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Params, Row};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

mod balances;
mod chain_heights;
mod challenges;
mod credentials;
mod history;
mod memory;
mod one_time_codes;
mod outbox;
mod settings;
mod signatures;
mod tokens;
mod transfers;
mod user_actions;
mod users;
mod wallets;

pub use challenges::ChallengeRow;
pub use credentials::CredentialRow;
pub use history::{HistoryFilter, NewHistory};
pub use one_time_codes::OneTimeCodeRow;
pub use outbox::OutboxRow;
pub use signatures::SignatureRow;
pub use tokens::TokenRow;
pub use transfers::TransferRow;
pub use user_actions::UserActionRow;
pub use users::UserRow;
pub use wallets::{KeyRow, WalletRow};

/// The database's failures.
pub type DbError = rusqlite::Error;
type DbResult<T> = Result<T, DbError>;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Its file could not be made the owner's alone.
    #[error("{0}")]
    File(#[from] std::io::Error),
    /// SQLite refused it, or a migration failed.
    #[error(transparent)]
    Database(#[from] DbError),
}

/// The schema, in order; a database records the last one applied in `user_version`.
const MIGRATIONS: [(i64, &str); 3] = [
    (1, include_str!("../migrations/0001_identity.sql")),
    (2, include_str!("../migrations/0002_wallets.sql")),
    (3, include_str!("../migrations/0003_recovery.sql")),
];

/// Read-only connections beside the writer.
const READERS: usize = 4;

/// Handle to the database.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The one connection that writes; held across a transaction's statements.
    writer: Arc<AsyncMutex<Connection>>,
    /// Read-only connections, taken round-robin.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// What is read on every request, in memory.
    memory: memory::Memory,
}

/// A write transaction (`BEGIN IMMEDIATE`), holding the writer until it commits or is dropped
/// (which rolls it back).
#[derive(Debug)]
pub struct Tx {
    conn: OwnedMutexGuard<Connection>,
    committed: bool,
}

impl Tx {
    pub async fn commit(mut self) -> DbResult<()> {
        self.conn.execute_batch("COMMIT")?;
        self.committed = true;
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if !self.committed
            && let Err(error) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(%error, "a write transaction could not be rolled back");
        }
    }
}

impl Store {
    /// Opens (creating if needed, 0600) `dfns-emulator.sqlite3` in `data_dir` and migrates it;
    /// an existing file (with its `-wal` and `-shm`) that others could read is closed to them.
    pub async fn open(data_dir: &Path) -> Result<Self, OpenError> {
        let path = data_dir.join("dfns-emulator.sqlite3");
        private_files::create_file(&path)?;
        private_files::close_database_to_others(&path);
        let mut writer = Connection::open(&path)?;
        writer.busy_timeout(Duration::from_secs(10))?;
        writer.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        writer.set_prepared_statement_cache_capacity(64);
        migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| {
                let reader = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                reader.busy_timeout(Duration::from_secs(10))?;
                reader.set_prepared_statement_cache_capacity(64);
                Ok(Mutex::new(reader))
            })
            .collect::<DbResult<Vec<_>>>()?;
        let memory = memory::Memory::load(&writer)?;
        Ok(Self {
            inner: Arc::new(Inner {
                writer: Arc::new(AsyncMutex::new(writer)),
                readers,
                next_reader: AtomicUsize::new(0),
                memory,
            }),
        })
    }

    /// Checkpoints the WAL into the database file.
    pub async fn close(&self) {
        let writer = self.inner.writer.lock().await;
        if let Err(error) = writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
            tracing::warn!(%error, "the database was not checkpointed at close");
        }
    }

    /// A write transaction that holds the database's write lock from its first statement.
    pub async fn begin_write(&self) -> DbResult<Tx> {
        let conn = self.inner.writer.clone().lock_owned().await;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Tx { conn, committed: false })
    }

    /// Runs `read` on a free read-only connection (SQLite answers in microseconds, so it runs
    /// right here rather than on another thread).
    fn read<T>(&self, read: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
        let readers = &self.inner.readers;
        let start = self.inner.next_reader.fetch_add(1, Ordering::Relaxed);
        for offset in 0..readers.len() {
            if let Ok(reader) = readers[(start + offset) % readers.len()].try_lock() {
                return read(&reader);
            }
        }
        let reader = readers[start % readers.len()].lock().unwrap_or_else(PoisonError::into_inner);
        read(&reader)
    }

    /// Runs `write` on the writer, after the writes queued before it.
    async fn write<T>(&self, write: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
        let writer = self.inner.writer.lock().await;
        write(&writer)
    }

    fn memory(&self) -> &memory::Memory {
        &self.inner.memory
    }
}

/// Applies the migrations `conn` has not seen yet, each in its own transaction.
fn migrate(conn: &mut Connection) -> DbResult<()> {
    let mut applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if applied == 0 {
        // Databases made by earlier versions recorded their migrations in sqlx's table.
        let earlier: Option<i64> = conn
            .query_row("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1", [], |row| {
                row.get(0)
            })
            .optional()
            .unwrap_or(None)
            .flatten();
        applied = earlier.unwrap_or(0);
    }
    for (version, sql) in MIGRATIONS {
        if version > applied {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
    }
    Ok(())
}

/// The one row `sql` selects, if any.
fn one<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    row: impl FnOnce(&Row<'_>) -> DbResult<T>,
) -> DbResult<Option<T>> {
    conn.prepare_cached(sql)?.query_row(params, row).optional()
}

/// Every row `sql` selects.
fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    row: impl FnMut(&Row<'_>) -> DbResult<T>,
) -> DbResult<Vec<T>> {
    conn.prepare_cached(sql)?.query_map(params, row)?.collect()
}

/// Runs `sql`; the number of rows it changed.
fn run(conn: &Connection, sql: &str, params: impl Params) -> DbResult<usize> {
    conn.prepare_cached(sql)?.execute(params)
}
