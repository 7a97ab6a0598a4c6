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
use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

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

/// Handle to the database.
#[derive(Debug, Clone)]
pub struct Store {
    /// Read-only connections.
    pool: SqlitePool,
    /// The one connection that writes.
    writer: SqlitePool,
    /// What is read on every request, in memory.
    memory: Arc<memory::Memory>,
}

/// The transaction type of ledger writes.
pub type Tx = Transaction<'static, Sqlite>;

impl Store {
    /// Opens (creating if needed, 0600) `dfns-emulator.sqlite3` in `data_dir` and migrates it;
    /// an existing file (with its `-wal` and `-shm`) that others could read is closed to them.
    pub async fn open(data_dir: &Path) -> Result<Self, sqlx::Error> {
        let path = data_dir.join("dfns-emulator.sqlite3");
        private_files::create_file(&path)?;
        private_files::close_database_to_others(&path);
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let writer =
            SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        let memory = Arc::new(memory::Memory::load(&pool).await?);
        Ok(Self { pool, writer, memory })
    }

    /// Closes the connections, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    /// A write transaction that holds the database's write lock from its first statement.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}
