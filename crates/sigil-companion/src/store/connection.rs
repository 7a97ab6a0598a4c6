//! The connection: one pool, SQLite or PostgreSQL behind sqlx's `Any` driver, migrated at start.

use std::fmt;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyPool, ConnectOptions as _, Connection as _, Transaction};

use crate::store::error::{Result, StoreError};
use crate::store::secret::{OsRandom, RandomSource};

/// The migrations in `crates/sigil-companion/migrations`, embedded in the binary.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the default; one companion instance), or an in-memory database for tests.
    Sqlite,
    /// PostgreSQL (production; any number of companion instances).
    Postgres,
}

impl Backend {
    /// The backend a database URL names, from its scheme.
    pub fn of_url(url: &str) -> Result<Self> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Self::Sqlite),
            Some("postgres" | "postgresql") => Ok(Self::Postgres),
            _ => Err(StoreError::UnsupportedUrl { url: redact_url(url) }),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

/// How the pool is sized and how long it waits.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Most connections this instance opens (SQLite in memory always uses one).
    pub max_connections: u32,
    /// How long a query waits for a free connection, and how long connecting at start may take.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(10) }
    }
}

/// The companion's storage: users, login codes, sessions, the Dfns mapping, wallet provisioning
/// and rate limits. Cheap to clone (one shared pool). Holds no state another instance would
/// need: every check-and-set is one conditional statement or one transaction in the database.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    url: Arc<str>,
    pub(crate) random: Arc<dyn RandomSource>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).field("url", &self.url).finish()
    }
}

impl Store {
    /// Connects with default options and applies the embedded migrations.
    ///
    /// Accepted URLs: `sqlite://PATH?mode=rwc` (a file, created if missing),
    /// `sqlite::memory:` (tests), `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (also
    /// `postgresql://`, and `?host=/run/postgresql` for a unix socket).
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &StoreOptions::default()).await
    }

    /// Connects with `options` and applies the embedded migrations.
    pub async fn connect_with(url: &str, options: &StoreOptions) -> Result<Self> {
        let backend = Backend::of_url(url)?;
        let shown = redact_url(url);
        sqlx::any::install_default_drivers();
        let unavailable = |source| StoreError::Unavailable {
            backend,
            url: shown.clone(),
            hint: match backend {
                Backend::Sqlite => {
                    " (can the companion create the folder, and write in it? `?mode=rwc` \
                     creates the file)"
                }
                Backend::Postgres => {
                    " (is the server running and reachable, and do the user, password and \
                     database name match?)"
                }
            },
            source,
        };
        let connect_options: AnyConnectOptions = url.parse().map_err(unavailable)?;
        let in_memory = backend == Backend::Sqlite && is_sqlite_memory(url);
        if backend == Backend::Sqlite && !in_memory {
            prepare_sqlite_file(url).map_err(|error| unavailable(sqlx::Error::Io(error)))?;
        }
        let pool_options = AnyPoolOptions::new().acquire_timeout(options.acquire_timeout);
        let pool_options = if in_memory {
            // Every connection to `sqlite::memory:` is its own empty database: keep exactly one,
            // forever.
            pool_options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
        } else {
            pool_options.max_connections(options.max_connections.max(1))
        };
        // One direct connection first: the pool would retry until its timeout and report only
        // "timed out", this names the cause (refused, unknown host, authentication, ...).
        match tokio::time::timeout(options.acquire_timeout, connect_options.connect()).await {
            Ok(Ok(probe)) => probe.close().await.map_err(unavailable)?,
            Ok(Err(error)) => return Err(unavailable(error)),
            Err(_elapsed) => {
                let silence = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no answer within {:?}", options.acquire_timeout),
                );
                return Err(unavailable(sqlx::Error::Io(silence)));
            }
        }
        let pool = pool_options.connect_with(connect_options).await.map_err(unavailable)?;
        if backend == Backend::Sqlite && !in_memory {
            // Readers do not block the writer, and the setting stays with the file.
            if let Err(error) = sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await {
                tracing::warn!(%error, "could not switch the SQLite file to WAL mode");
            }
        }
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migration {
            backend,
            url: shown.clone(),
            source,
        })?;
        tracing::info!(%backend, url = %shown, "companion store ready");
        Ok(Self { pool, backend, url: shown.into(), random: Arc::new(OsRandom) })
    }

    /// The same store drawing identifiers, tokens and codes from `random` (tests).
    pub fn with_random_source(mut self, random: Arc<dyn RandomSource>) -> Self {
        self.random = random;
        self
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database URL with its password replaced by `***`.
    pub fn redacted_url(&self) -> &str {
        &self.url
    }

    /// Checks that the database answers (for a readiness probe).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; later calls fail with `STORE_UNAVAILABLE`.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers wait for each other instead of failing on upgrade.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }
}

/// Makes the SQLite file's missing folders (0700) and the file (0600) before SQLite opens it,
/// when the URL asks for creation (`mode=rwc`), and narrows an existing file, `-wal` or `-shm`
/// that other accounts could read: they hold password hashes and the Dfns temporary tokens.
/// SQLite gives a new `-wal` and `-shm` the mode of the database file. Folders that exist are
/// left as they are (the default file is in the working directory).
fn prepare_sqlite_file(url: &str) -> std::io::Result<()> {
    // A URL sqlx cannot read is reported by sqlx when connecting.
    let Ok(options) = SqliteConnectOptions::from_str(url) else { return Ok(()) };
    let path = options.get_filename();
    let creates = url.split_once('?').is_some_and(|(_, query)| {
        url::form_urlencoded::parse(query.as_bytes())
            .any(|(key, value)| key == "mode" && value == "rwc")
    });
    if creates {
        if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
            private_files::create_dir_all(folder)?;
        }
        private_files::create_file(path)?;
    }
    private_files::close_database_to_others(path);
    Ok(())
}

/// Whether a SQLite URL names an in-memory database.
fn is_sqlite_memory(url: &str) -> bool {
    url.starts_with("sqlite::memory:") || url.contains("mode=memory")
}

/// The URL for messages and logs: the password (in the user-info part or a `password=` query
/// parameter) replaced by `***`. Text that is not a URL of the `scheme://…` form (SQLite's
/// `sqlite:PATH` aside) is shown only up to its scheme.
pub fn redact_url(url: &str) -> String {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|parsed| !parsed.cannot_be_a_base() || parsed.scheme() == "sqlite");
    let Some(mut parsed) = parsed else {
        return match url.split_once(':') {
            Some((scheme, _))
                if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                format!("{scheme}:…")
            }
            _ => "(not a URL)".to_owned(),
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query_pairs().any(|(key, _)| key.eq_ignore_ascii_case("password")) {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key.eq_ignore_ascii_case("password") { "***".into() } else { value };
                (key.into_owned(), value.into_owned())
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests;
