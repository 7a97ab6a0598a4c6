//! A local, faithful emulator of the Dfns API (`reference/dfns-api.md`): real WebAuthn and key
//! verification, single-use user actions bound to method, path and payload, expiring tokens, and
//! state in a SQLite file that survives restarts.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = dfns_emulator::Config::new("/tmp/dfns-data".into());
//! let emulator = dfns_emulator::Emulator::open(config).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! emulator.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

mod api;
mod bootstrap;
pub mod clock;
mod error;
mod ids;
mod state;
mod store;
mod tokens;
mod verify;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

pub use bootstrap::{
    BOOTSTRAP_FILE, Bootstrap, ServiceAccount, env_lines, read_file as read_bootstrap,
};
pub use state::Lifetimes;
use url::Url;

use crate::clock::{Clock, SystemClock};
use crate::state::{AppState, Shared};
use crate::store::Store;
use crate::verify::RelyingParty;

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite file and `bootstrap.json` live.
    pub data_dir: PathBuf,
    /// The passkey rp id (`localhost` by default).
    pub rp_id: String,
    /// Origins allowed in WebAuthn client data (`https://localhost` by default).
    pub origins: Vec<Url>,
    /// Token and challenge lifetimes.
    pub lifetimes: Lifetimes,
    /// The time source.
    pub clock: Arc<dyn Clock>,
}

impl Config {
    /// Defaults for `data_dir`: rp id `localhost`, origin `https://localhost`.
    pub fn new(data_dir: PathBuf) -> Self {
        #[allow(clippy::expect_used)] // a literal URL
        let origin = Url::parse("https://localhost").expect("a valid URL");
        Self {
            data_dir,
            rp_id: "localhost".to_owned(),
            origins: vec![origin],
            lifetimes: Lifetimes::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data dir could not be created or written.
    #[error("data dir {path}: {source}")]
    DataDir {
        /// The data dir.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The org could not be loaded or created.
    #[error(transparent)]
    Bootstrap(#[from] bootstrap::BootstrapError),
    /// The rp id or origins are unusable.
    #[error("invalid passkey settings: {0}")]
    Settings(&'static str),
}

/// An opened emulator, ready to serve.
#[derive(Debug)]
pub struct Emulator {
    state: AppState,
    data_dir: PathBuf,
    service_account: ServiceAccount,
}

impl Emulator {
    /// Opens the data dir, creating the database and the org on first use.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        if config.rp_id.is_empty() || config.rp_id.contains(['/', ':']) {
            return Err(StartError::Settings(
                "the rp id must be a bare domain such as localhost",
            ));
        }
        if config.origins.is_empty() {
            return Err(StartError::Settings("at least one origin is needed"));
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Store::open(&config.data_dir).await?;
        let origin = config.origins[0].origin().ascii_serialization();
        let org = bootstrap::load_or_create(
            &store,
            config.clock.as_ref(),
            config.lifetimes.service_token_ms,
            &config.rp_id,
            &origin,
        )
        .await?;
        let state = AppState::new(Shared {
            store,
            tokens: org.tokens,
            clock: config.clock,
            org_id: org.org_id,
            rp: RelyingParty {
                id: config.rp_id,
                origins: config.origins,
            },
            lifetimes: config.lifetimes,
        });
        Ok(Self {
            state,
            data_dir: config.data_dir,
            service_account: org.service_account,
        })
    }

    /// The HTTP API, for serving or for `oneshot` tests.
    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// What a backend needs to use this emulator at `api_url`.
    pub fn bootstrap(&self, api_url: &str) -> Bootstrap {
        Bootstrap {
            api_url: api_url.trim_end_matches('/').to_owned(),
            org_id: self.state.org_id.clone(),
            rp_id: self.state.rp.id.clone(),
            origins: self
                .state
                .rp
                .origins
                .iter()
                .map(|url| url.origin().ascii_serialization())
                .collect(),
            service_account: self.service_account.clone(),
        }
    }

    /// Writes `bootstrap.json` for the listener's address and serves until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let api_url = format!("http://{}", listener.local_addr()?);
        bootstrap::write_file(&self.data_dir, &self.bootstrap(&api_url))?;
        tracing::info!(%api_url, data_dir = %self.data_dir.display(), "dfns emulator listening");
        let store = self.state.store.clone();
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await?;
        store.close().await;
        Ok(())
    }
}
