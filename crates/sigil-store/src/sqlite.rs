//! What the cache and the journal share: opening a SQLite file with its checks (integrity, schema
//! version, writability), in-memory databases, and sorting SQLite's failures into what a caller
//! can act on. Each caller decides what a failure means for it (the cache rebuilds, the journal
//! refuses).

use std::path::Path;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// How long a statement waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per file: a few readers next to the one writer SQLite allows.
const MAX_CONNECTIONS: u32 = 4;

/// Why a database could not be opened or used, as far as a caller can act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The file cannot be created, opened or written (permissions, read-only, disk full, I/O).
    Unavailable(String),
    /// The file is not a SQLite database or fails its integrity check.
    Corrupt(String),
    /// The file was written by a newer schema than this build knows.
    TooNew {
        /// `PRAGMA user_version` of the file (or the newest migration it records).
        found: i64,
        /// The newest schema this build knows.
        known: i64,
    },
    /// Anything else; the text says what.
    Other(String),
}

impl Failure {
    /// Sorts a SQLite error by its primary result code.
    pub(crate) fn of(err: &sqlx::Error) -> Self {
        match err {
            sqlx::Error::Database(db) => {
                let code = db.code().and_then(|code| code.parse::<i32>().ok()).unwrap_or(0);
                // Extended codes carry the primary code in their low byte.
                match code & 0xff {
                    SQLITE_CORRUPT | SQLITE_NOTADB => Self::Corrupt(err.to_string()),
                    SQLITE_PERM | SQLITE_BUSY | SQLITE_LOCKED | SQLITE_READONLY | SQLITE_IOERR
                    | SQLITE_FULL | SQLITE_CANTOPEN | SQLITE_AUTH => {
                        Self::Unavailable(err.to_string())
                    }
                    _ => Self::Other(err.to_string()),
                }
            }
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                Self::Unavailable(err.to_string())
            }
            _ => Self::Other(err.to_string()),
        }
    }

    /// Sorts a migration failure; `known` is the newest schema this build knows.
    fn of_migration(err: &MigrateError, known: i64) -> Self {
        match err {
            // The file records a migration this build does not have: a newer Sigil wrote it.
            MigrateError::VersionMissing(found) => Self::TooNew { found: *found, known },
            MigrateError::VersionMismatch(version) => Self::Corrupt(format!(
                "migration {version} recorded in the file differs from this build's"
            )),
            MigrateError::Dirty(version) => {
                Self::Corrupt(format!("migration {version} was left half-applied"))
            }
            MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) => {
                Self::of(inner)
            }
            other => Self::Other(other.to_string()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(detail) | Self::Corrupt(detail) | Self::Other(detail) => {
                f.write_str(detail)
            }
            Self::TooNew { found, known } => {
                write!(f, "schema version {found}, this build knows up to {known}")
            }
        }
    }
}

// SQLite primary result codes (https://www.sqlite.org/rescode.html).
const SQLITE_PERM: i32 = 3;
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_AUTH: i32 = 23;
const SQLITE_NOTADB: i32 = 26;

/// How hard a commit holds on to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// A power cut may lose the last commits, never the file (the cache: refetched anyway).
    Normal,
    /// A commit is on disk when it returns (the journal: written before a request goes out).
    Full,
}

/// The newest schema version `migrator` knows: the version of its last migration, which that
/// migration also writes to `PRAGMA user_version`.
pub(crate) fn schema_version(migrator: &Migrator) -> i64 {
    migrator.iter().map(|migration| migration.version).max().unwrap_or(0)
}

/// Opens (creating the folder and the file if need be) the database at `path`, checks it and
/// migrates it. Checks come first, so a damaged or newer file is left as it was found (only
/// closed to other accounts). New folders are 0700 and the file 0600 (SQLite gives its `-wal` and
/// `-shm` the same mode): what Sigil knows of the user's wallets is theirs alone.
pub(crate) async fn open_file(
    path: &Path,
    migrator: &'static Migrator,
    durability: Durability,
) -> Result<SqlitePool, Failure> {
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        private_files::create_dir_all(parent).map_err(|err| {
            Failure::Unavailable(format!("cannot create the folder {}: {err}", parent.display()))
        })?;
    }
    private_files::create_file(path).map_err(|err| {
        Failure::Unavailable(format!("cannot create the file {}: {err}", path.display()))
    })?;
    private_files::close_database_to_others(path);
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .busy_timeout(BUSY_TIMEOUT)
        .synchronous(match durability {
            Durability::Normal => SqliteSynchronous::Normal,
            Durability::Full => SqliteSynchronous::Full,
        });
    let pool = SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await
        .map_err(|err| Failure::of(&err))?;
    match prepare_file(&pool, migrator).await {
        Ok(()) => Ok(pool),
        Err(failure) => {
            // Closed before the caller moves the file aside (Windows cannot rename an open file).
            pool.close().await;
            Err(failure)
        }
    }
}

async fn prepare_file(pool: &SqlitePool, migrator: &'static Migrator) -> Result<(), Failure> {
    check_integrity(pool).await?;
    let known = schema_version(migrator);
    let found = user_version(pool).await?;
    if found > known {
        return Err(Failure::TooNew { found, known });
    }
    // Readers never wait for the writer; the mode is kept in the file.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
        .fetch_one(pool)
        .await
        .map_err(|err| Failure::of(&err))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite kept its journal mode instead of WAL");
    }
    migrator.run(pool).await.map_err(|err| Failure::of_migration(&err, known))?;
    let migrated = user_version(pool).await?;
    if migrated != known {
        return Err(Failure::Other(format!(
            "the migrations left schema version {migrated} instead of {known}: the newest \
             migration must set PRAGMA user_version"
        )));
    }
    // A file that can be read but not written (read-only file, read-only mount) opens without
    // complaint, and in WAL mode even takes the write lock (it lives in the `-shm` file): only a
    // real write finds out now rather than at the first use. The write is rolled back.
    let mut probe = pool.begin_with("BEGIN IMMEDIATE").await.map_err(|err| Failure::of(&err))?;
    sqlx::query("CREATE TABLE sigil_write_probe (x)")
        .execute(&mut *probe)
        .await
        .map_err(|err| Failure::of(&err))?;
    probe.rollback().await.map_err(|err| Failure::of(&err))?;
    Ok(())
}

/// Runs `PRAGMA quick_check`: structure of every table and index, without the slow cross-checks.
async fn check_integrity(pool: &SqlitePool) -> Result<(), Failure> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(pool)
        .await
        .map_err(|err| match Failure::of(&err) {
            // Whatever stops the check from running on an openable file is damage too.
            Failure::Other(detail) => Failure::Corrupt(detail),
            failure => failure,
        })?;
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        [] => Err(Failure::Corrupt("the integrity check returned nothing".to_owned())),
        problems => Err(Failure::Corrupt(format!("integrity check: {}", problems.join("; ")))),
    }
}

/// The schema version stored in the file.
pub(crate) async fn user_version(pool: &SqlitePool) -> Result<i64, Failure> {
    sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await.map_err(|err| Failure::of(&err))
}

/// A migrated database in memory. It lives in the pool's one connection, which is never closed
/// for idleness or age (a second connection would be a second, empty database).
pub(crate) async fn open_memory(migrator: &'static Migrator) -> Result<SqlitePool, Failure> {
    let pool = memory_pool_options()
        .connect_with(memory_connect_options())
        .await
        .map_err(|err| Failure::of(&err))?;
    migrator
        .run(&pool)
        .await
        .map_err(|err| Failure::of_migration(&err, schema_version(migrator)))?;
    Ok(pool)
}

/// A pool for a database in memory that connects only when first used and has no tables, for
/// when even [`open_memory`] failed: every call then fails, and says why.
pub(crate) fn unusable_memory() -> SqlitePool {
    memory_pool_options().min_connections(0).connect_lazy_with(memory_connect_options())
}

fn memory_pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
}

fn memory_connect_options() -> SqliteConnectOptions {
    // The default file name is `:memory:`: a private database per connection, no shared cache.
    SqliteConnectOptions::new().in_memory(true).busy_timeout(BUSY_TIMEOUT)
}

/// Whether `err` says a UNIQUE or PRIMARY KEY constraint refused a row.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests;
